// Where a follower truncates: the per-version rules on crafted logs, KIP-279's extra round,
// and the fall-backs (OFFSET_OUT_OF_RANGE -> ListOffsets after an unclean election; the leader's
// log start offset after retention).
#include <catch2/catch.hpp>

#include "core/replication/truncation.h"
#include "replication_test_support.h"

using namespace ksim::replication;
using namespace ksim::replication::test;
using ksim::protocol::Error;
using Values = std::vector<std::string>;

namespace {

// A batch as a leader wrote it: explicit base offset and epoch.
ksim::storage::Bytes leader_batch(std::int64_t base_offset, std::int32_t epoch,
                                  const std::vector<std::string>& values) {
  std::vector<ksim::storage::Record> records;
  for (std::size_t i = 0; i < values.size(); ++i) {
    ksim::storage::Record record;
    record.offset = base_offset + static_cast<std::int64_t>(i);
    record.timestamp = 1000;
    record.value = ksim::storage::to_bytes(values[i]);
    records.push_back(std::move(record));
  }
  ksim::storage::BatchSpec spec;
  spec.base_offset = base_offset;
  spec.partition_leader_epoch = epoch;
  return ksim::storage::encode_batch(spec, records);
}

// Writes single-record batches (value, epoch) from offset 0, as a follower would copy them.
void write_log(TestBroker& broker,
               const std::vector<std::pair<std::string, std::int32_t>>& records) {
  std::int64_t offset = 0;
  for (const auto& [value, epoch] : records) {
    broker.log->append_as_follower(leader_batch(offset++, epoch, {value}), 0);
  }
}

}  // namespace

TEST_CASE("0.11 truncates to min(leader's end offset, LEO), or to the HW if unknown",
          "[truncation]") {
  TestBroker f(2, config_for(ProtocolVersion::v0_11));
  write_log(f, {{"a", 0}, {"b", 0}, {"c", 1}, {"d", 1}});
  f.partition->update_follower_high_watermark(1);
  const auto& log = *f.log;
  CHECK(offset_truncation_state(ProtocolVersion::v0_11, log, 1, 1, -1, 3) ==
        OffsetTruncationState{3, true});
  CHECK(offset_truncation_state(ProtocolVersion::v0_11, log, 1, 1, -1, 9) ==
        OffsetTruncationState{4, true});
  CHECK(offset_truncation_state(ProtocolVersion::v0_11, log, 1, 1, -1, -1) ==
        OffsetTruncationState{1, true});
}

TEST_CASE("2.0+ compares the leader's epoch end with the follower's own", "[truncation]") {
  TestBroker f(2, config_for(ProtocolVersion::v2_0));
  // Epoch 0 at 0-1, epoch 2 at 2-3.
  write_log(f, {{"a", 0}, {"b", 0}, {"c", 2}, {"d", 2}});
  const auto& log = *f.log;
  for (const ProtocolVersion v : {ProtocolVersion::v2_0, ProtocolVersion::v3_7}) {
    INFO(protocol_version_name(v));
    // The same epoch: min(own end, leader's end, LEO).
    CHECK(offset_truncation_state(v, log, 0, 4, 2, 3) == OffsetTruncationState{3, true});
    CHECK(offset_truncation_state(v, log, 0, 4, 0, 5) == OffsetTruncationState{2, true});
    // An epoch the follower never had (1): back to the end of its epoch 0, and ask again.
    CHECK(offset_truncation_state(v, log, 0, 4, 1, 3) == OffsetTruncationState{2, false});
    // An old leader that answers no epoch: its offset.
    CHECK(offset_truncation_state(v, log, 0, 4, -1, 1) == OffsetTruncationState{1, true});
  }
  // Unknown to the leader: the HW (2.0) or the fetch offset (3.7).
  CHECK(offset_truncation_state(ProtocolVersion::v2_0, log, 1, 4, -1, -1) ==
        OffsetTruncationState{1, true});
  CHECK(offset_truncation_state(ProtocolVersion::v3_7, log, 1, 4, -1, -1) ==
        OffsetTruncationState{4, true});
}

TEST_CASE("KIP-279: a follower asks again after the leader answers an epoch it never had",
          "[truncation][kip-279]") {
  for (const ProtocolVersion version : {ProtocolVersion::v0_11, ProtocolVersion::v2_0}) {
    INFO(protocol_version_name(version));
    // The leader: epoch 0 at 0-1, epoch 1 at 2-3, epoch 3 from 4. The follower led epoch 2,
    // which the leader never saw: its epoch 0 runs to offset 2, epoch 2 starts at 3.
    TestBroker leader(1, config_for(version));
    TestBroker follower(2, config_for(version));
    write_log(leader, {{"a", 0}, {"b", 0}, {"c", 1}, {"d", 1}, {"e", 3}});
    write_log(follower, {{"a", 0}, {"b", 0}, {"x", 0}, {"z", 2}});
    const auto epoch4 = partition_state(1, 4, {1}, {1, 2});
    leader.become_leader(epoch4, 0);
    follower.become_follower(epoch4, 0);

    auto request = follower.fetcher->poll(10);
    REQUIRE(request);
    const auto& asked = std::get<ksim::protocol::OffsetForLeaderEpochRequest>(*request);
    CHECK(asked.partitions[0].leader_epoch == 2);
    CHECK(asked.partitions[0].current_leader_epoch == -1);  // no fencing before 2.1
    follower.fetcher->handle_response(serve(*leader.partition, *request, 10), 10);
    if (version == ProtocolVersion::v0_11) {
      // The start of the leader's next epoch (3) is 4: the follower keeps x and z.
      CHECK(follower.values() == Values{"a", "b", "x", "z"});
      replicate(follower, leader, 20);
      CHECK(follower.values() == Values{"a", "b", "x", "z", "e"});
      continue;
    }
    // (1, 4): the follower never had epoch 1; its epoch 0 ends at 3: truncate to 3, ask again.
    CHECK(follower.values() == Values{"a", "b", "x"});
    CHECK(follower.fetcher->fetch_state(tp0)->state == FetchStateKind::truncating);
    request = follower.fetcher->poll(20);
    REQUIRE(request);
    CHECK(std::get<ksim::protocol::OffsetForLeaderEpochRequest>(*request)
              .partitions[0]
              .leader_epoch == 0);
    follower.fetcher->handle_response(serve(*leader.partition, *request, 20), 20);
    // (0, 2): epoch 0 ends at 2 on the leader.
    CHECK(follower.values() == Values{"a", "b"});
    CHECK(follower.fetcher->fetch_state(tp0)->state == FetchStateKind::fetching);
    replicate(follower, leader, 30);
    CHECK(follower.values() == leader.values());
  }
}

TEST_CASE(
    "after an unclean election, 0.10 finds the leader's end with ListOffsets; 3.7 with "
    "the diverging epoch",
    "[truncation]") {
  for (const ProtocolVersion version : {ProtocolVersion::v0_10, ProtocolVersion::v3_7}) {
    INFO(protocol_version_name(version));
    TestBroker old_leader(1, config_for(version));
    TestBroker laggard(2, config_for(version));
    const auto epoch0 = partition_state(1, 0, {1}, {1, 2});
    old_leader.become_leader(epoch0, 0);
    laggard.become_follower(epoch0, 0);
    old_leader.partition->set_isr_eligibility([](std::int32_t id) { return id == 1; });
    old_leader.produce({"a"}, 1, 0);
    replicate(laggard, old_leader, 10);  // broker 2 has "a" (it never rejoined the ISR)
    old_leader.produce({"b"}, 1, 20);
    old_leader.produce({"c"}, 1, 20);
    REQUIRE(old_leader.hw() == 3);  // alone in the ISR

    // Broker 1 dies; unclean election of broker 2. Broker 1 comes back as its follower.
    const auto epoch1 = partition_state(2, 1, {2}, {1, 2}, 1);
    laggard.become_leader(epoch1, 30);
    old_leader.crash(false);
    old_leader.restart(3, 40);
    old_leader.become_follower(epoch1, 50);
    REQUIRE(old_leader.values() == Values{"a", "b", "c"});  // HW 3: nothing truncated

    if (version == ProtocolVersion::v0_10) {
      CHECK(round_trip(old_leader, laggard, 60) == "Fetch");  // from 3: OFFSET_OUT_OF_RANGE
      CHECK(old_leader.fetcher->fetch_state(tp0)->state ==
            FetchStateKind::fetching_leader_end_offset);
      auto request = old_leader.fetcher->poll(70);
      REQUIRE(request);
      const auto& offsets = std::get<ksim::protocol::ListOffsetsRequest>(*request);
      CHECK(offsets.replica_id == 1);
      CHECK(offsets.partitions[0].timestamp == ksim::protocol::latest_timestamp);
      old_leader.fetcher->handle_response(serve(*laggard.partition, *request, 70), 70);
    } else {
      CHECK(round_trip(old_leader, laggard, 60) == "Fetch");  // diverging epoch (0, 1)
    }
    CHECK(old_leader.values() == Values{"a"});  // b and c, acknowledged, are gone
    laggard.produce({"d"}, 1, 80);
    replicate(old_leader, laggard, 90);
    CHECK(old_leader.values() == Values{"a", "d"});
  }
}

TEST_CASE("a follower behind the leader's log start starts over at it", "[truncation]") {
  TestBroker leader(1, config_for(ProtocolVersion::v3_7));
  TestBroker follower(2, config_for(ProtocolVersion::v3_7));
  const auto state = partition_state(1, 0, {1}, {1, 2});
  leader.become_leader(state, 0);
  for (const char* v : {"a", "b", "c", "d"}) leader.produce({v}, 1, 0);
  leader.log->maybe_increment_log_start_offset(3);  // DeleteRecords / retention
  follower.become_follower(state, 10);

  CHECK(round_trip(follower, leader, 20) == "Fetch");        // from 0: out of range
  CHECK(round_trip(follower, leader, 30) == "ListOffsets");  // latest: 4 >= 0
  CHECK(follower.fetcher->fetch_state(tp0)->state == FetchStateKind::fetching_leader_start_offset);
  CHECK(round_trip(follower, leader, 40) == "ListOffsets");  // earliest: 3 > 0
  CHECK(follower.log->log_start_offset() == 3);
  CHECK(follower.leo() == 3);
  CHECK(follower.hw() == 3);
  replicate(follower, leader, 50);
  CHECK(follower.values() == Values{"d"});
  CHECK(follower.leo() == 4);
}

TEST_CASE("a follower's log start offset follows the leader's, never beyond its HW",
          "[truncation]") {
  TestBroker leader(1, config_for(ProtocolVersion::v3_7));
  TestBroker follower(2, config_for(ProtocolVersion::v3_7));
  const auto state = partition_state(1, 0, {1, 2}, {1, 2});
  leader.become_leader(state, 0);
  follower.become_follower(state, 0);
  for (const char* v : {"a", "b", "c"}) leader.produce({v}, 1, 0);
  replicate(follower, leader, 10);
  round_trip(follower, leader, 20);
  REQUIRE(follower.hw() == 3);
  leader.log->maybe_increment_log_start_offset(2);
  round_trip(follower, leader, 30);
  CHECK(follower.log->log_start_offset() == 2);
}
