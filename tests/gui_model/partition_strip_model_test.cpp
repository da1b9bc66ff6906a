// The Partition panel's model on real runs: acks1-failover-loss (acknowledged records above the
// HW on the isolated leader, then truncated when it rejoins) and kip101-1-bug (two replicas with
// different records at the same offset, in different leader-epoch colours).
#include <catch2/catch.hpp>

#include "app/gui/model/partition_strip_model.h"
#include "sim/audit/record_ledger.h"
#include "tests/gui_model/play.h"

namespace ksim::gui::model {
namespace {

std::vector<std::string> strip_values(const std::vector<StripRecord>& records) {
  std::vector<std::string> values;
  for (const StripRecord& r : records) values.push_back(r.value);
  return values;
}

std::vector<RecordColour> strip_colours(const std::vector<StripRecord>& records) {
  std::vector<RecordColour> colours;
  for (const StripRecord& r : records) colours.push_back(r.colour);
  return colours;
}

std::uint64_t acknowledged_acks1(scenarios::ScenarioRunner& runner) {
  const sim::audit::RecordLedger* ledger = runner.cluster().audit();
  for (const sim::audit::AcksSummary& s : ledger->summary()) {
    if (s.acks == 1) return s.acknowledged;
  }
  return 0;
}

}  // namespace

TEST_CASE("strip: the isolated leader's acknowledged records sit above its HW, uncommitted") {
  auto runner = testing::library_runner("acks1-failover-loss");
  PartitionStripModel strip({"payments", 0});
  // The moment the producer has its ten acknowledgements, before the leader is killed.
  REQUIRE(testing::step_until(*runner, [&] { return acknowledged_acks1(*runner) == 10; }));
  strip.update(runner->cluster());

  REQUIRE(strip.replicas().size() == 3);
  const ReplicaStrip& leader = strip.replicas()[0];
  CHECK(leader.broker == 0);
  CHECK(leader.online);
  CHECK(leader.leader);
  CHECK(leader.in_isr);
  CHECK(leader.leader_epoch == 0);
  CHECK(leader.log_start_offset == 0);
  CHECK(leader.high_watermark == 5);
  CHECK(leader.log_end_offset == 10);
  for (std::int32_t follower : {1, 2}) {
    const ReplicaStrip* strip_of = strip.replica(follower);
    REQUIRE(strip_of != nullptr);
    CHECK_FALSE(strip_of->leader);
    CHECK(strip_of->in_isr);  // nobody has noticed yet
    CHECK(strip_of->high_watermark == 5);
    CHECK(strip_of->log_end_offset == 5);
  }
  CHECK(strip.end_offset() == 10);

  const std::vector<StripRecord> records = strip.records(0, 0, 10);
  CHECK(strip_values(records) ==
        std::vector<std::string>{"p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9", "p10"});
  using C = RecordColour;
  CHECK(strip_colours(records) ==
        std::vector<C>{C::committed, C::committed, C::committed, C::committed, C::committed,
                       C::acknowledged_uncommitted, C::acknowledged_uncommitted,
                       C::acknowledged_uncommitted, C::acknowledged_uncommitted,
                       C::acknowledged_uncommitted});
  CHECK_FALSE(records[4].above_high_watermark);
  CHECK(records[5].above_high_watermark);
  REQUIRE(records[7].record.has_value());
  CHECK(*records[7].record == 7);  // the audit's eighth record, p8
  CHECK(strip.records(1, 0, 10).size() == 5);

  // The window reads only what it covers.
  const std::vector<StripRecord> window = strip.records(0, 6, 8);
  CHECK(strip_values(window) == std::vector<std::string>{"p7", "p8"});
  const std::vector<StripBatch> batches = strip.batches(0, 6, 8);
  REQUIRE(batches.size() == 1);
  CHECK(batches[0].base_offset == 5);
  CHECK(batches[0].last_offset == 9);
  CHECK(batches[0].leader_epoch == 0);
  CHECK(batches[0].record_count == 5);
  CHECK(strip.batches(0, 10, 20).empty());
  CHECK(strip.lost_records(0, 100).empty());
}

TEST_CASE("strip: the truncation when the old leader rejoins, and the lost records' ghosts") {
  auto runner = testing::library_runner("acks1-failover-loss");
  PartitionStripModel strip({"payments", 0});
  std::vector<StripTruncation> truncations;
  std::vector<bool> broker0_online;
  testing::play(*runner, sim::SimDuration::from_ms(100), [&] {
    strip.update(runner->cluster());
    truncations.insert(truncations.end(), strip.truncations().begin(), strip.truncations().end());
    broker0_online.push_back(strip.replica(0)->online);
  });

  REQUIRE(truncations.size() == 1);
  CHECK(truncations[0].broker == 0);
  CHECK(truncations[0].from_offset == 5);
  CHECK(truncations[0].to_offset == 10);
  CHECK(truncations[0].at == sim::SimTime::from_us(22'119'848));
  CHECK(truncations[0].cause == "truncated at the diverging epoch the leader's fetch answer named");
  // Broker 0 was down from its kill (2.63 s) to its restart (22.11 s): its strip kept its last
  // offsets meanwhile.
  CHECK(broker0_online[20] == true);   // 2.1 s
  CHECK(broker0_online[30] == false);  // 3.1 s

  for (std::int32_t broker : {0, 1, 2}) {
    const ReplicaStrip* replica = strip.replica(broker);
    REQUIRE(replica != nullptr);
    CHECK(replica->online);
    CHECK(replica->in_isr);
    CHECK(replica->leader == (broker == 1));
    CHECK(replica->leader_epoch == 1);
    CHECK(replica->high_watermark == 6);
    CHECK(replica->log_end_offset == 6);
    const std::vector<StripRecord> records = strip.records(broker, 0, 100);
    CHECK(strip_values(records) == std::vector<std::string>{"p1", "p2", "p3", "p4", "p5", "p11"});
    for (const StripRecord& r : records) CHECK(r.colour == RecordColour::committed);
    const std::vector<StripBatch> batches = strip.batches(broker, 0, 100);
    REQUIRE(batches.size() == 2);
    CHECK(batches[0].base_offset == 0);
    CHECK(batches[0].last_offset == 4);
    CHECK(batches[0].colour == 0);
    CHECK(batches[1].base_offset == 5);
    CHECK(batches[1].last_offset == 5);
    CHECK(batches[1].leader_epoch == 1);
    CHECK(batches[1].colour == 1);
  }

  // p6..p10 are drawn where they were acknowledged, with the time their last copy went.
  const std::vector<LostRecordMark> lost = strip.lost_records(0, 100);
  REQUIRE(lost.size() == 5);
  for (std::size_t i = 0; i < lost.size(); ++i) {
    CHECK(lost[i].offset == static_cast<std::int64_t>(5 + i));
    CHECK(lost[i].record == 5 + i);
    CHECK(lost[i].value == "p" + std::to_string(6 + i));
    CHECK(lost[i].destroyed_at == sim::SimTime::from_us(22'119'848));
  }
  CHECK(strip.lost_records(6, 8).size() == 2);
  CHECK(strip.end_offset() == 10);

  const std::string tooltip = strip.tooltip(1, 5);
  CHECK(
      tooltip.starts_with("payments-0 offset 5 on broker 1: \"p11\", leader epoch 1, committed\n"
                          "offset 5 of payments-0: 2 records written there\n"
                          "record 5: value \"p6\" sent by console-producer-2"));
  CHECK(tooltip.find("  truncated from broker 0 at 22.119848s") != std::string::npos);
  CHECK(tooltip.find("  lost after acknowledgement\n") != std::string::npos);
  CHECK(strip.tooltip(1, 50).starts_with("payments-0 offset 50 on broker 1: no record here\n"));
}

TEST_CASE("strip: KIP-101 leaves two replicas in sync with different records at offset 1") {
  auto runner = testing::library_runner("kip101-1-bug");
  PartitionStripModel strip({"t", 0});
  std::vector<StripTruncation> truncations;
  testing::play(*runner, sim::SimDuration::from_ms(100), [&] {
    strip.update(runner->cluster());
    truncations.insert(truncations.end(), strip.truncations().begin(), strip.truncations().end());
  });
  REQUIRE(strip.replicas().size() == 2);
  CHECK(strip.replicas()[0].broker == 1);
  CHECK(strip.replicas()[1].broker == 2);
  CHECK(strip.replica(2)->leader);

  REQUIRE(truncations.size() == 1);
  CHECK(truncations[0].broker == 2);
  CHECK(truncations[0].from_offset == 1);
  CHECK(truncations[0].to_offset == 2);
  CHECK(truncations[0].at == sim::SimTime::from_us(16'013'149));
  CHECK(truncations[0].cause ==
        "truncated to its high watermark on becoming follower (before KIP-101)");

  const std::vector<StripRecord> on1 = strip.records(1, 0, 2);
  const std::vector<StripRecord> on2 = strip.records(2, 0, 2);
  CHECK(strip_values(on1) == std::vector<std::string>{"m1", "m2"});
  CHECK(strip_values(on2) == std::vector<std::string>{"m1", "m3"});
  CHECK(on1[1].leader_epoch == 0);
  CHECK(on2[1].leader_epoch == 2);
  CHECK(strip.batches(1, 1, 2).at(0).colour == 0);
  CHECK(strip.batches(2, 1, 2).at(0).colour == 2);
  // The audit counts broker 1's copy of m2: nothing lost, both committed.
  CHECK(on1[1].colour == RecordColour::committed);
  CHECK(on2[1].colour == RecordColour::committed);
  CHECK(strip.lost_records(0, 10).empty());
}

TEST_CASE("strip: epoch colours cycle and a window of a long log reads only that window") {
  CHECK(PartitionStripModel::colour_index(-1) == 0);
  CHECK(PartitionStripModel::colour_index(0) == 0);
  CHECK(PartitionStripModel::colour_index(7) == 7);
  CHECK(PartitionStripModel::colour_index(8) == 0);
  CHECK(PartitionStripModel::colour_index(13) == 5);

  auto runner = testing::script_runner(R"(brokers 3
kafka-topics.sh --create --bootstrap-server localhost:9092 --replication-factor 3 --partitions 1 --topic long
kafka-producer-perf-test.sh --topic long --num-records 3000 --throughput -1 --record-size 20 --producer-props acks=all client.id=bulk
wait 2s
)");
  PartitionStripModel strip({"long", 0});
  testing::play(*runner, sim::SimDuration::from_ms(100), [&] { strip.update(runner->cluster()); });
  const ReplicaStrip* leader = strip.replica(0);
  REQUIRE(leader != nullptr);
  CHECK(leader->log_end_offset == 3000);
  CHECK(leader->high_watermark == 3000);
  const std::vector<StripRecord> window = strip.records(0, 2500, 2510);
  REQUIRE(window.size() == 10);
  CHECK(window.front().offset == 2500);
  CHECK(window.back().offset == 2509);
  for (const StripRecord& r : window) {
    CHECK(r.record.has_value());
    CHECK(r.colour == RecordColour::committed);
  }
  const std::vector<StripBatch> batches = strip.batches(0, 2500, 2510);
  REQUIRE_FALSE(batches.empty());
  CHECK(batches.front().base_offset <= 2500);
  CHECK(batches.back().last_offset >= 2509);
  CHECK(batches.size() <= 10);
  CHECK(strip.records(0, 2995, 4000).size() == 5);
  CHECK(strip.records(0, 4000, 5000).empty());
}

}  // namespace ksim::gui::model

namespace ksim::gui::model {

TEST_CASE("strip: a record the leader holds but has not acknowledged, then its retries") {
  auto runner = testing::script_runner(testing::kRetryWithoutIdempotence);
  PartitionStripModel strip({"t", 0});
  // acks=all waits for followers that cannot fetch: written on the leader, not answered.
  REQUIRE(testing::step_until(*runner,
                              [&] { return runner->cluster().now() >= sim::SimTime::from_s(1); }));
  strip.update(runner->cluster());
  const ReplicaStrip* leader = strip.replica(2);
  REQUIRE(leader != nullptr);
  CHECK(leader->leader);
  CHECK(leader->log_end_offset == 1);
  CHECK(leader->high_watermark == 0);
  const std::vector<StripRecord> waiting = strip.records(2, 0, 10);
  REQUIRE(waiting.size() == 1);
  CHECK(waiting[0].value == "0000000000");
  CHECK(waiting[0].colour == RecordColour::not_acknowledged);
  CHECK(waiting[0].above_high_watermark);
  CHECK(strip.records(0, 0, 10).empty());

  // Five retries later and healed: six copies of the one record, acknowledged and committed.
  testing::play(*runner, sim::SimDuration::from_ms(100), [&] { strip.update(runner->cluster()); });
  for (std::int32_t broker : {0, 1, 2}) {
    const std::vector<StripRecord> copies = strip.records(broker, 0, 10);
    REQUIRE(copies.size() == 6);
    for (const StripRecord& copy : copies) {
      CHECK(copy.record == std::optional<sim::audit::RecordId>(0));
      CHECK(copy.colour == RecordColour::committed);
    }
  }
}

}  // namespace ksim::gui::model

namespace ksim::gui::model {

TEST_CASE("strip: power loss empties an unflushed log: the fall of its LEO is the truncation") {
  auto runner = testing::library_runner("kill-vs-power-loss");
  PartitionStripModel strip({"gone", 0});
  std::vector<StripTruncation> truncations;
  testing::play(*runner, sim::SimDuration::from_ms(100), [&] {
    strip.update(runner->cluster());
    truncations.insert(truncations.end(), strip.truncations().begin(), strip.truncations().end());
  });
  REQUIRE(truncations.size() == 1);
  CHECK(truncations[0].broker == 1);
  CHECK(truncations[0].from_offset == 0);
  CHECK(truncations[0].to_offset == 20);
  CHECK(truncations[0].cause == "log end offset fell");
  // Seen at the first frame after the restart at 20.003256 s.
  CHECK(truncations[0].at == sim::SimTime::from_ms(20100));

  const std::vector<LostRecordMark> lost = strip.lost_records(0, 100);
  REQUIRE(lost.size() == 20);
  CHECK(lost.front().offset == 0);
  CHECK(lost.back().offset == 19);
  for (const LostRecordMark& mark : lost) {
    CHECK(mark.destroyed_at == sim::SimTime::from_us(20'003'256));
  }
  CHECK(strip.end_offset() == 20);
}

}  // namespace ksim::gui::model
