// Jepsen's Kafka anomalies over hand-built client histories: each anomaly once, and a history
// that comes close without being one.
#include <catch2/catch.hpp>

#include "sim/audit/jepsen_checker.h"
#include "tests/audit/history.h"

using namespace ksim::sim::audit;
using namespace ksim::sim::audit::testing;

namespace {

// Sends v0..v(n-1) with acks=all, each acknowledged at offset i.
void acknowledged(History& h, int n, int first = 0) {
  for (int i = first; i < first + n; ++i) {
    const RecordId id = h.send("v" + std::to_string(i), -1, 1'000'000 + i);
    h.ack(id, i, 1'100'000 + i);
  }
}

JepsenReport check(const History& h) { return JepsenChecker().check(h.ledger); }

}  // namespace

TEST_CASE("lost-write: a higher offset was read, this acknowledged one never") {
  History h;
  acknowledged(h, 4);
  h.consume("consumer-1", 0, "v0", 1, 2'000'000);
  h.consume("consumer-1", 2, "v2", 1, 2'000'000);
  const JepsenReport report = check(h);
  CHECK(report.count("lost-write") == 1);
  CHECK(report["lost-write"].examples ==
        std::vector<std::string>{"t-0 offset 1: value \"v1\" (record 1) acknowledged, but "
                                 "consumer-1 read offset 2 (\"v2\") and no read returned it"});
  // v3 is above every read: unseen, not lost.
  CHECK(report.count("unseen") == 2);
  CHECK_FALSE(report.valid());
}

TEST_CASE("lost-write, negative: everything below the highest read was read") {
  History h;
  acknowledged(h, 4);
  for (int i = 0; i < 3; ++i) h.consume("consumer-1", i, "v" + std::to_string(i), 1, 2'000'000);
  const JepsenReport report = check(h);
  CHECK(report.count("lost-write") == 0);
  CHECK(report.count("unseen") == 1);
  CHECK(report.valid());
}

TEST_CASE("unseen: acknowledged and never read; indeterminate sends never count") {
  History h;
  acknowledged(h, 1);
  const RecordId timed_out = h.send("late", 1, 1'000'100);
  h.indeterminate(timed_out, "request timed out", 31'000'000);
  const RecordId failed = h.send("bad", 1, 1'000'200);
  h.fail(failed, "NOT_ENOUGH_REPLICAS", 1'000'300);
  JepsenReport report = check(h);
  CHECK(report.count("unseen") == 1);
  CHECK(report["unseen"].examples ==
        std::vector<std::string>{"t-0 offset 0: value \"v0\" (record 0) acknowledged, never read"});
  CHECK(report.count("lost-write") == 0);
  h.consume("consumer-1", 0, "v0", 1, 2'000'000);
  CHECK(check(h).count("unseen") == 0);
}

TEST_CASE("duplicate: one value at two offsets") {
  History h;
  const RecordId id = h.send("v0", -1, 1'000'000);
  h.ack(id, 1, 1'100'000, 2);
  h.consume("consumer-1", 0, "v0", 1, 2'000'000);
  h.consume("consumer-1", 1, "v0", 1, 2'000'000);
  const JepsenReport report = check(h);
  CHECK(report.count("duplicate") == 1);
  CHECK(report["duplicate"].examples ==
        std::vector<std::string>{"t-0: value \"v0\" at offsets 0, 1"});
  CHECK(report.count("inconsistent-offsets") == 0);
}

TEST_CASE("duplicate, negative: distinct values at distinct offsets") {
  History h;
  acknowledged(h, 2);
  h.consume("consumer-1", 0, "v0", 1, 2'000'000);
  h.consume("consumer-1", 1, "v1", 1, 2'000'000);
  h.consume("consumer-2", 1, "v1", 1, 2'000'000);  // read twice at one offset: fine
  CHECK(check(h).count("duplicate") == 0);
}

TEST_CASE("inconsistent-offsets: one offset seen with different values") {
  History h;
  acknowledged(h, 2);
  const RecordId other = h.send("w1", 1, 1'200'000);
  h.ack(other, 2, 1'300'000);
  h.consume("consumer-1", 0, "v0", 1, 2'000'000);
  h.consume("consumer-1", 1, "w1", 1, 2'000'000);  // the acknowledged v1 said offset 1
  const JepsenReport report = check(h);
  CHECK(report.count("inconsistent-offsets") == 1);
  CHECK(report["inconsistent-offsets"].examples ==
        std::vector<std::string>{"t-0 offset 1: values \"v1\", \"w1\""});
  // w1 also appears at offset 2 (its acknowledgement) and 1 (the read).
  CHECK(report.count("duplicate") == 1);
}

TEST_CASE("inconsistent-offsets, negative: sends and reads agree") {
  History h;
  acknowledged(h, 2);
  h.consume("consumer-1", 0, "v0", 1, 2'000'000);
  h.consume("consumer-2", 0, "v0", 1, 2'000'000);
  h.consume("consumer-2", 1, "v1", 1, 2'000'000);
  CHECK(check(h).count("inconsistent-offsets") == 0);
}

TEST_CASE("nonmonotonic-poll: the next poll starts at or before the previous end") {
  History h;
  acknowledged(h, 4);
  h.consume("consumer-1", 0, "v0", 1, 2'000'000);
  h.consume("consumer-1", 1, "v1", 1, 2'000'000);
  h.consume("consumer-1", 1, "v1", 2, 2'100'000);
  h.consume("consumer-1", 2, "v2", 2, 2'100'000);
  const JepsenReport report = check(h);
  CHECK(report.count("nonmonotonic-poll") == 1);
  CHECK(report["nonmonotonic-poll"].examples ==
        std::vector<std::string>{
            "consumer-1 polled t-0 up to offset 1, then its next poll started at offset 1"});
  CHECK(report.count("poll-skip") == 0);
}

TEST_CASE("nonmonotonic-poll, negative: consecutive polls, and a seek after a new assignment") {
  History h;
  acknowledged(h, 4);
  h.consume("consumer-1", 0, "v0", 1, 2'000'000);
  h.consume("consumer-1", 1, "v1", 1, 2'000'000);
  h.consume("consumer-1", 2, "v2", 2, 2'100'000);
  h.consume("consumer-2", 0, "v0", 1, 2'000'000);  // another consumer: its own positions
  h.assign("consumer-1", {kT1}, 2'200'000);
  h.assign("consumer-1", {kT0}, 2'300'000);
  h.consume("consumer-1", 0, "v0", 3, 2'400'000);  // re-assigned: starting over is fine
  CHECK(check(h).count("nonmonotonic-poll") == 0);
}

TEST_CASE("poll-skip: the next poll jumps over offsets that exist") {
  History h;
  acknowledged(h, 5);
  h.consume("consumer-1", 0, "v0", 1, 2'000'000);
  h.consume("consumer-1", 1, "v1", 1, 2'000'000);
  h.consume("consumer-1", 4, "v4", 2, 2'100'000);
  const JepsenReport report = check(h);
  CHECK(report.count("poll-skip") == 1);
  CHECK(report["poll-skip"].examples ==
        std::vector<std::string>{"consumer-1 polled t-0 up to offset 1, then its next poll "
                                 "started at offset 4, skipping offsets 2 (\"v2\"), 3 (\"v3\")"});
  CHECK(report.count("lost-write") == 2);  // v2 and v3 were never read at all
}

TEST_CASE("poll-skip, negative: a gap no send or read ever filled is no skip") {
  History h;
  const RecordId a = h.send("a", -1, 1'000'000);
  h.ack(a, 0, 1'100'000);
  const RecordId b = h.send("b", -1, 1'000'001);
  h.ack(b, 7, 1'100'001);  // offsets 1..6 held something no client saw (Jepsen: dense indices)
  h.consume("consumer-1", 0, "a", 1, 2'000'000);
  h.consume("consumer-1", 7, "b", 2, 2'100'000);
  const JepsenReport report = check(h);
  CHECK(report.count("poll-skip") == 0);
  CHECK(report.count("nonmonotonic-poll") == 0);
  CHECK(report.valid());
}

TEST_CASE("aborted-read: a value whose send failed was read") {
  History h;
  const RecordId id = h.send("v0", -1, 1'000'000);
  h.write(1, 0, 1, "v0", 1'000'100);
  h.fail(id, "NOT_ENOUGH_REPLICAS_AFTER_APPEND", 1'100'000);
  h.consume("consumer-1", 0, "v0", 1, 2'000'000);
  const JepsenReport report = check(h);
  CHECK(report.count("aborted-read") == 1);
  CHECK(report["aborted-read"].examples ==
        std::vector<std::string>{"consumer-1 read t-0 offset 0: value \"v0\" (record 0) whose "
                                 "send failed (NOT_ENOUGH_REPLICAS_AFTER_APPEND)"});
}

TEST_CASE("aborted-read, negative: reading an indeterminate send is fine") {
  History h;
  const RecordId id = h.send("v0", -1, 1'000'000);
  h.indeterminate(id, "request timed out", 31'000'000);
  h.consume("consumer-1", 0, "v0", 1, 2'000'000);
  const JepsenReport report = check(h);
  CHECK(report.count("aborted-read") == 0);
  CHECK(report.valid());
}

TEST_CASE("the report lists every anomaly, with examples under those that happened") {
  History h;
  acknowledged(h, 3);
  h.consume("consumer-1", 0, "v0", 1, 2'000'000);
  h.consume("consumer-1", 2, "v2", 2, 2'100'000);
  const JepsenReport report = JepsenChecker({.max_examples = 1}).check(h.ledger);
  CHECK(report.text() ==
        "lost-write: 1\n"
        "  t-0 offset 1: value \"v1\" (record 1) acknowledged, but consumer-1 read offset 2 "
        "(\"v2\") and no read returned it\n"
        "unseen: 1\n"
        "  t-0 offset 1: value \"v1\" (record 1) acknowledged, never read\n"
        "duplicate: 0\n"
        "inconsistent-offsets: 0\n"
        "nonmonotonic-poll: 0\n"
        "poll-skip: 1\n"
        "  consumer-1 polled t-0 up to offset 0, then its next poll started at offset 2, "
        "skipping offset 1 (\"v1\")\n"
        "aborted-read: 0\n");
  CHECK_THROWS_WITH(report["G1a"], "JepsenReport: no anomaly named \"G1a\"");
}

TEST_CASE("the acks=1 failover seen from the clients: lost-write and inconsistent offsets") {
  History h;
  for (int i = 0; i < 5; ++i) {
    const RecordId id = h.send("v" + std::to_string(i), 1, 1'000'000 + i);
    h.write(1, i, 1, "v" + std::to_string(i), 1'000'100 + i);
    h.ack(id, i, 1'000'200 + i);
  }
  for (int i = 0; i < 3; ++i) h.copy(2, i, 1, "v" + std::to_string(i), 1'001'000);
  h.truncate(1, 3, 5'000'000, "became follower of epoch 2");
  const RecordId v5 = h.send("v5", 1, 6'000'000);
  h.write(2, 3, 2, "v5", 6'000'100);
  h.ack(v5, 3, 6'000'200);
  const RecordId v6 = h.send("v6", 1, 6'000'001);
  h.write(2, 4, 2, "v6", 6'000'101);
  h.ack(v6, 4, 6'000'201);
  for (int i = 0; i < 3; ++i) h.consume("consumer-1", i, "v" + std::to_string(i), 1, 7'000'000);
  h.consume("consumer-1", 3, "v5", 2, 7'100'000);
  h.consume("consumer-1", 4, "v6", 2, 7'100'000);
  const JepsenReport report = check(h);
  CHECK(report.count("inconsistent-offsets") == 2);  // offsets 3 and 4
  CHECK(report.count("lost-write") == 2);            // v3 and v4
  CHECK(report.count("unseen") == 2);
  CHECK(h.ledger.lost_records() == std::vector<RecordId>{3, 4});
}
