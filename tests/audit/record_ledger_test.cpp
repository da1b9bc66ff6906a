// The ledger's verdicts and stories: acks=1 failover loss, survivors, re-written offsets,
// duplicates from retries, power loss, indeterminate sends, the summary per acks.
#include <catch2/catch.hpp>

#include "tests/audit/history.h"

using namespace ksim::sim::audit;
using namespace ksim::sim::audit::testing;

namespace {

// acks=1, RF 2: broker 1 leads epoch 1 and takes v0..v4; broker 2 copies v0..v2; broker 1's HW
// reaches 3. Broker 1 dies; broker 2 leads epoch 2 and takes v5 at offset 3; broker 1 comes back
// and truncates to 3 as follower of epoch 2: v3 and v4 are gone, v5 is a new record at offset 3.
void acks1_failover(History& h) {
  for (int i = 0; i < 5; ++i) {
    const std::int64_t t = 10'000'000 + i * 1'000;
    const RecordId id = h.send("v" + std::to_string(i), 1, t);
    h.write(1, i, 1, "v" + std::to_string(i), t + 500);
    h.ack(id, i, t + 900);
  }
  for (int i = 0; i < 3; ++i) h.copy(2, i, 1, "v" + std::to_string(i), 10'006'000);
  h.hw(1, 3, 10'007'000);
  const RecordId v5 = h.send("v5", 1, 12'000'000);
  h.write(2, 3, 2, "v5", 12'000'500);
  h.ack(v5, 3, 12'001'000);
  h.hw(2, 4, 12'002'000);
  h.truncate(1, 3, 15'002'000, "became follower of epoch 2");
}

}  // namespace

TEST_CASE("acks=1: the tail truncated on failover is lost, exactly those records") {
  History h;
  acks1_failover(h);
  CHECK(h.ledger.lost_records() == std::vector<RecordId>{3, 4});
  CHECK(h.ledger.loss(3) == Loss::lost_after_acknowledgement);
  CHECK(h.ledger.fate(3) == RecordFate::destroyed);
  CHECK(h.ledger.fate(0) == RecordFate::survives);
  CHECK(h.ledger.why_record(4) ==
        "record 4: value \"v4\" sent by producer-1 to t-0 at 10.004s with acks=1\n"
        "  written at offset 4 by broker 1 in epoch 1\n"
        "  acknowledged at 10.0049s at offset 4\n"
        "  never committed (broker 1's high watermark was 3)\n"
        "  truncated from broker 1 at 15.002s (became follower of epoch 2)\n"
        "  never consumed\n"
        "  lost after acknowledgement\n");
}

TEST_CASE("why(tp, offset): every record written at an offset, a re-written offset is another record") {
  History h;
  acks1_failover(h);
  // Broker 1, now a follower, copies v5 at offset 3: that does not bring v3 back.
  h.copy(1, 3, 2, "v5", 15'010'000);
  h.consume("consumer-1", 3, "v5", 1, 16'000'000);
  CHECK(h.ledger.fate(3) == RecordFate::destroyed);
  CHECK(h.ledger.record(5).copies == 2);
  CHECK(h.ledger.why(kT0, 3) ==
        "offset 3 of t-0: 2 records written there\n"
        "record 3: value \"v3\" sent by producer-1 to t-0 at 10.003s with acks=1\n"
        "  written at offset 3 by broker 1 in epoch 1\n"
        "  acknowledged at 10.0039s at offset 3\n"
        "  never committed (broker 1's high watermark was 3)\n"
        "  truncated from broker 1 at 15.002s (became follower of epoch 2)\n"
        "  never consumed\n"
        "  lost after acknowledgement\n"
        "record 5: value \"v5\" sent by producer-1 to t-0 at 12.000s with acks=1\n"
        "  written at offset 3 by broker 2 in epoch 2\n"
        "  acknowledged at 12.001s at offset 3\n"
        "  committed at 12.002s\n"
        "  held by brokers 1, 2 at offset 3\n"
        "  consumed by consumer-1 at 16.000s\n");
  CHECK(h.ledger.why(kT0, 9) == "offset 9 of t-0: no record was written there\n");
}

TEST_CASE("a record that survives on another replica is not lost") {
  History h;
  acks1_failover(h);
  // Broker 1 truncates everything (0.10: to its stale checkpointed HW 0); broker 2 keeps v0..v2.
  h.truncate(1, 0, 16'000'000, "truncate to HW on becoming follower (0.10)");
  CHECK(h.ledger.lost_records() == std::vector<RecordId>{3, 4});
  CHECK(h.ledger.fate(1) == RecordFate::survives);
  CHECK(h.ledger.why_record(1) ==
        "record 1: value \"v1\" sent by producer-1 to t-0 at 10.001s with acks=1\n"
        "  written at offset 1 by broker 1 in epoch 1\n"
        "  acknowledged at 10.0019s at offset 1\n"
        "  committed at 10.007s\n"
        "  held by broker 2 at offset 1\n"
        "  never consumed\n");
  // Then broker 2 loses it too: now it is lost, after commit.
  h.lose(2, 0, 17'000'000, "replica deleted");
  CHECK(h.ledger.loss(1) == Loss::lost_after_commit);
  CHECK(h.ledger.record(1).destroyed_by->broker == 2);
}

TEST_CASE("retries without idempotence duplicate a record") {
  History h;
  const RecordId id = h.send("v0", -1, 1'000'000, kT0, "producer-1", "k0");
  h.write(0, 0, 0, "v0", 1'000'500);
  h.hw(0, 1, 1'000'600);
  // The response was lost; the retry is appended again.
  h.write(0, 1, 0, "v0", 1'100'500);
  h.hw(0, 2, 1'100'600);
  h.ack(id, 1, 1'100'700, 2);
  CHECK(h.ledger.duplicated_records() == std::vector<RecordId>{0});
  CHECK(h.ledger.lost_records().empty());
  CHECK(h.ledger.duplicated_report() ==
        "1 record duplicated:\n"
        "record 0: value \"v0\" (key \"k0\") sent by producer-1 to t-0 at 1.000s with acks=all\n"
        "  written at offset 0 by broker 0 in epoch 0\n"
        "  written again at offset 1 by broker 0 in epoch 0 at 1.1005s (duplicate)\n"
        "  acknowledged at 1.1007s at offset 1 after 2 attempts\n"
        "  committed at 1.0006s\n"
        "  held by broker 0 at offset 0, broker 0 at offset 1\n"
        "  never consumed\n");
  // Truncating the duplicate's offset keeps the first copy.
  h.truncate(0, 1, 2'000'000, "test");
  CHECK(h.ledger.fate(id) == RecordFate::survives);
  CHECK(h.ledger.record(id).copies == 1);
}

TEST_CASE("a retry written again after truncation at the same offset is not a duplicate") {
  History h;
  const RecordId id = h.send("v0", 1, 1'000'000);
  h.write(1, 0, 1, "v0", 1'000'100);
  h.truncate(1, 0, 2'000'000, "diverging epoch from OffsetsForLeaderEpoch");
  CHECK(h.ledger.fate(id) == RecordFate::destroyed);
  h.write(2, 0, 2, "v0", 2'100'000);  // the retry, to the new leader
  h.ack(id, 0, 2'100'100, 2);
  CHECK(h.ledger.fate(id) == RecordFate::survives);
  CHECK(h.ledger.duplicated_records().empty());
  CHECK(h.ledger.record(id).destroyed_by == std::nullopt);
}

TEST_CASE("power loss: the unflushed tail of a lone replica is lost after commit") {
  History h;
  for (int i = 0; i < 4; ++i) {
    const RecordId id = h.send("v" + std::to_string(i), -1, 1'000'000 + i);
    h.write(0, i, 0, "v" + std::to_string(i), 1'000'010 + i);
    h.hw(0, i + 1, 1'000'020 + i);
    h.ack(id, i, 1'000'030 + i);
  }
  h.lose(0, 2, 20'000'000, "power loss: unflushed tail lost");
  CHECK(h.ledger.lost_records() == std::vector<RecordId>{2, 3});
  CHECK(h.ledger.loss(2) == Loss::lost_after_commit);
  CHECK(h.ledger.why_record(3) ==
        "record 3: value \"v3\" sent by producer-1 to t-0 at 1.000003s with acks=all\n"
        "  written at offset 3 by broker 0 in epoch 0\n"
        "  acknowledged at 1.000033s at offset 3\n"
        "  committed at 1.000023s\n"
        "  lost from broker 0 at 20.000s (power loss: unflushed tail lost)\n"
        "  never consumed\n"
        "  lost after commit\n");
  CHECK(h.ledger.summary_text() ==
        "acks=all: 4 sent, 4 acknowledged, 2 lost after acknowledgement (2 of them committed), "
        "0 duplicated, 0 indeterminate, 0 failed; 4 committed, 0 consumed\n");
}

TEST_CASE("an indeterminate send is never lost") {
  History h;
  const RecordId id = h.send("v0", 1, 1'000'000);
  h.write(1, 0, 1, "v0", 1'000'100);
  h.indeterminate(id, "request timed out after 30000 ms", 31'000'000);
  h.truncate(1, 0, 32'000'000, "unclean leader election");
  CHECK(h.ledger.fate(id) == RecordFate::destroyed);
  CHECK(h.ledger.loss(id) == Loss::none);
  CHECK(h.ledger.lost_records().empty());
  CHECK(h.ledger.why_record(id) ==
        "record 0: value \"v0\" sent by producer-1 to t-0 at 1.000s with acks=1\n"
        "  written at offset 0 by broker 1 in epoch 1\n"
        "  indeterminate at 31.000s: request timed out after 30000 ms\n"
        "  never committed\n"
        "  truncated from broker 1 at 32.000s (unclean leader election)\n"
        "  never consumed\n"
        "  not lost: its send was indeterminate\n");
}

TEST_CASE("summary per acks: sent, acknowledged, lost, duplicated, indeterminate, failed") {
  History h;
  // acks=0: two counted as sent, only one reached the leader.
  const RecordId a = h.send("a", 0, 1'000'000);
  const RecordId b = h.send("b", 0, 1'000'001);
  h.sent_unknown(a, 1'000'000);
  h.sent_unknown(b, 1'000'001);
  h.write(1, 0, 1, "a", 1'000'200);
  // acks=1: one acknowledged and lost, one failed, one acknowledged and kept.
  const RecordId c = h.send("c", 1, 2'000'000);
  h.write(1, 1, 1, "c", 2'000'100);
  h.ack(c, 1, 2'000'200);
  const RecordId d = h.send("d", 1, 2'000'001);
  h.fail(d, "NOT_LEADER_OR_FOLLOWER", 2'000'300);
  const RecordId e = h.send("e", 1, 2'000'002);
  h.write(1, 2, 1, "e", 2'000'100);
  h.ack(e, 2, 2'000'200);
  h.copy(2, 0, 1, "a", 2'100'000);
  h.copy(2, 1, 1, "c", 2'100'000);
  h.copy(2, 2, 1, "e", 2'100'000);
  h.hw(1, 3, 2'200'000);
  // acks=all: one indeterminate, one duplicated, one pending.
  const RecordId f = h.send("f", -1, 3'000'000);
  h.indeterminate(f, "disconnected", 33'000'000);
  const RecordId g = h.send("g", -1, 3'000'001);
  h.write(1, 3, 1, "g", 3'000'100);
  h.write(1, 4, 1, "g", 3'100'100);
  h.ack(g, 4, 3'100'200, 2);
  h.send("h", -1, 3'000'002);
  h.consume("consumer-1", 0, "a", 1, 4'000'000);
  // Broker 2's copy of c goes (a power loss), then broker 1 truncates to 1: c is gone.
  h.lose(2, 1, 5'000'000, "power loss: unflushed tail lost");
  h.truncate(1, 1, 5'000'100, "became follower of epoch 2");
  CHECK(h.ledger.summary_text() ==
        "acks=0: 2 sent, 2 counted as sent, 1 lost after being counted as sent, 0 duplicated, "
        "0 indeterminate, 0 failed; 1 committed, 1 consumed\n"
        "acks=1: 3 sent, 2 acknowledged, 2 lost after acknowledgement (2 of them committed), "
        "0 duplicated, 0 indeterminate, 1 failed; 2 committed, 0 consumed\n"
        "acks=all: 3 sent, 1 acknowledged, 1 lost after acknowledgement, 1 duplicated, "
        "1 indeterminate, 0 failed, 1 pending; 0 committed, 0 consumed\n");
  CHECK(h.ledger.lost_records() == std::vector<RecordId>{b, c, e, g});
  CHECK(h.ledger.loss(b) == Loss::lost_after_sent);
  CHECK(h.ledger.why_record(b) ==
        "record 1: value \"b\" sent by producer-1 to t-0 at 1.000001s with acks=0\n"
        "  never written by any broker\n"
        "  counted as sent at 1.000001s (acks=0: never answered)\n"
        "  never consumed\n"
        "  lost after acks=0 counted it as sent\n");
  const std::vector<AcksSummary> summary = h.ledger.summary();
  REQUIRE(summary.size() == 3);
  CHECK(summary[2].duplicated == 1);
  CHECK(summary[1].failed == 1);
}

TEST_CASE("bad events are rejected with a message naming the event") {
  History h;
  h.send("v0", 1, 1);
  RecordSent out_of_order;
  out_of_order.record = 5;
  out_of_order.value = "x";
  CHECK_THROWS_WITH(h.ledger.record_sent(out_of_order),
                    "RecordSent: record id 5 out of order: the next record id is 1");
  RecordSent bad_acks;
  bad_acks.record = 1;
  bad_acks.acks = 2;
  CHECK_THROWS_WITH(h.ledger.record_sent(bad_acks),
                    "RecordSent: record 1: acks must be 0, 1 or -1, not 2");
  CHECK_THROWS_WITH(h.ack(7, 0, 2), "SendCompleted: unknown record 7 (1 records sent)");
  h.ack(0, 0, 2);
  CHECK_THROWS_WITH(h.ack(0, 0, 3), "SendCompleted: record 0 already completed (acknowledged)");
  CHECK_THROWS_WITH(h.ledger.record_written({.broker = 1, .partition = {}, .offset = 0}),
                    "RecordWritten: the topic-partition is not known (topic \"\", partition -1)");
  CHECK_THROWS_WITH(h.write(1, -1, 0, "v0", 4), "RecordWritten: negative offset -1 on broker 1");
}

TEST_CASE("values not sent by an audited producer are counted, not matched") {
  History h;
  h.write(1, 0, 1, "stranger", 1);
  h.consume("consumer-1", 0, "stranger", 1, 2);
  CHECK(h.ledger.unknown_writes() == 1);
  CHECK(h.ledger.unknown_reads() == 1);
  CHECK(h.ledger.record_count() == 0);
}
