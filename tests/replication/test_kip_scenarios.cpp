// The historic bugs, step by step as their KIPs describe them, under each protocol version:
// KIP-101 scenario 1 (committed data lost) and scenario 2 (replicas silently divergent) under
// 0.10, fixed by leader epochs in 0.11; the fast-failover divergence of KIP-279 (KAFKA-6361)
// under 0.11, fixed in 2.0; none of them under 3.7.
#include <catch2/catch.hpp>

#include "replication_test_support.h"

using namespace ksim::replication;
using namespace ksim::replication::test;
using ksim::protocol::Error;
using Values = std::vector<std::string>;

namespace {

const ProtocolVersion all_versions[] = {ProtocolVersion::v0_10, ProtocolVersion::v0_11,
                                        ProtocolVersion::v2_0, ProtocolVersion::v3_7};

}  // namespace

TEST_CASE("KIP-101 scenario 1: high watermark truncation followed by immediate leader election",
          "[kip-101]") {
  for (const ProtocolVersion version : all_versions) {
    INFO("protocol " << protocol_version_name(version));
    TestBroker a(1, config_for(version));
    TestBroker b(2, config_for(version));
    // B leads, A follows.
    const auto epoch0 = partition_state(2, 0, {2, 1}, {2, 1});
    b.become_leader(epoch0, 0);
    a.become_follower(epoch0, 0);

    b.produce({"m1"}, -1, 10);
    replicate(a, b, 20);
    round_trip(a, b, 30);
    REQUIRE(a.hw() == 1);

    // A fetches m2. The second round, which lets A move its HW past m2, has yet to happen.
    b.produce({"m2"}, -1, 40);
    round_trip(a, b, 50);
    REQUIRE(a.values() == Values{"m1", "m2"});
    REQUIRE(a.hw() == 1);
    // A's next fetch (from 2) reaches B: m2 is committed, an acks=all producer is answered...
    auto fetch = a.fetcher->poll(60);
    REQUIRE(fetch);
    serve(*b.partition, *fetch, 60);
    CHECK(b.hw() == 2);
    CHECK(b.partition->check_enough_replicas_reach_offset(2) ==
          ReplicationCheck{true, Error::NONE});

    // ...but A restarts before the answer arrives, with HW 1 in its checkpoint.
    a.crash(false);
    a.restart(1, 70);
    CHECK(a.values() == Values{"m1", "m2"});  // kill -9: the page cache kept m2
    a.become_follower(epoch0, 80);
    if (version == ProtocolVersion::v0_10) {
      // Becoming follower, A truncated to its HW. Its fetch for m2 dies with B.
      CHECK(a.values() == Values{"m1"});
    } else {
      // A asks B where its epoch ends (0.11, 2.0) or fetches with its last epoch (3.7): B's
      // answer is 2, A's log is kept.
      const std::string kind = round_trip(a, b, 90);
      CHECK(kind == (version == ProtocolVersion::v3_7 ? "Fetch" : "OffsetsForLeaderEpoch"));
      CHECK(a.values() == Values{"m1", "m2"});
    }

    // B fails; A is elected with ISR {A}.
    b.crash(false);
    a.become_leader(partition_state(1, 1, {1}, {2, 1}, 1), 100);
    a.produce({"m3"}, -1, 110);
    if (version == ProtocolVersion::v0_10) {
      CHECK(a.values() == Values{"m1", "m3"});  // the committed m2 is lost for good
    } else {
      CHECK(a.values() == Values{"m1", "m2", "m3"});
    }
  }
}

TEST_CASE("KIP-101 scenario 2: replica divergence on restart after multiple hard failures",
          "[kip-101]") {
  for (const ProtocolVersion version : all_versions) {
    INFO("protocol " << protocol_version_name(version));
    TestBroker a(1, config_for(version));
    TestBroker b(2, config_for(version));
    // A leads, B follows.
    const auto epoch0 = partition_state(1, 0, {1, 2}, {1, 2});
    a.become_leader(epoch0, 0);
    b.become_follower(epoch0, 0);

    a.produce({"m1"}, -1, 10);
    replicate(b, a, 20);
    b.log->flush();  // m1 is on B's disk
    a.produce({"m2"}, -1, 30);
    round_trip(b, a, 40);  // B has m2, in its page cache only
    round_trip(b, a, 50);
    REQUIRE(a.hw() == 2);
    a.log->flush();  // m1 and m2 are on A's disk
    const std::int64_t a_checkpoint = a.hw();
    const std::int64_t b_checkpoint = b.hw();

    // A power outage takes both down. B comes back first, without m2, and is elected.
    a.crash(true);
    b.crash(true);
    b.restart(b_checkpoint, 100);
    REQUIRE(b.values() == Values{"m1"});
    const auto epoch1 = partition_state(2, 1, {2}, {1, 2}, 1);
    b.become_leader(epoch1, 110);
    b.produce({"m3"}, 1, 120);  // offset 1, epoch 1

    // A comes back and follows B.
    a.restart(a_checkpoint, 130);
    REQUIRE(a.values() == Values{"m1", "m2"});
    a.become_follower(epoch1, 140);
    replicate(a, b, 150);
    b.produce({"m4"}, 1, 160);
    replicate(a, b, 170);

    CHECK(b.values() == Values{"m1", "m3", "m4"});
    CHECK(a.leo() == b.leo());
    if (version == ProtocolVersion::v0_10) {
      // A truncated to its HW (2): nothing. Offset 1 holds m2 on A and m3 on B, and replication
      // goes on as if nothing were wrong.
      CHECK(a.values() == Values{"m1", "m2", "m4"});
    } else {
      // B's epoch 1 starts at offset 1: A truncates there and fetches m3 (m2 was never
      // committed on a surviving disk: lost, but not divergent).
      CHECK(a.values() == Values{"m1", "m3", "m4"});
    }
  }
}

TEST_CASE("KIP-279: logs diverge after fast successive leader changes under 0.11", "[kip-279]") {
  for (const ProtocolVersion version :
       {ProtocolVersion::v0_11, ProtocolVersion::v2_0, ProtocolVersion::v3_7}) {
    INFO("protocol " << protocol_version_name(version));
    TestBroker a(1, config_for(version));
    TestBroker b(2, config_for(version));
    // A leads epoch 1; m0 reaches B, m1 does not.
    const auto epoch1 = partition_state(1, 1, {1, 2}, {1, 2});
    a.become_leader(epoch1, 0);
    b.become_follower(epoch1, 0);
    a.produce({"m0"}, 1, 10);
    replicate(b, a, 20);
    a.produce({"m1"}, 1, 30);

    // A's ZooKeeper session expires: B leads epoch 2 and appends x1, ending where A's epoch 1
    // ends (offset 2).
    b.become_leader(partition_state(2, 2, {2}, {1, 2}, 1), 40);
    b.produce({"x1"}, 1, 50);
    // Before A could truncate, B's session expires in turn: A leads epoch 3 and appends m2.
    const auto epoch3 = partition_state(1, 3, {1}, {1, 2}, 2);
    a.become_leader(epoch3, 60);
    a.produce({"m2"}, 1, 70);
    REQUIRE(a.values() == Values{"m0", "m1", "m2"});

    // B follows A.
    b.become_follower(epoch3, 80);
    const std::string first = round_trip(b, a, 90);
    replicate(b, a, 100);
    CHECK(a.values() == Values{"m0", "m1", "m2"});
    CHECK(b.leo() == 3);
    switch (version) {
      case ProtocolVersion::v0_11:
        // B asked where epoch 2 ends; A never had epoch 2 and answered the start of epoch 3:
        // offset 2, B's own LEO. B truncated nothing: offset 1 is m1 on A, x1 on B.
        CHECK(first == "OffsetsForLeaderEpoch");
        CHECK(b.values() == Values{"m0", "x1", "m2"});
        break;
      case ProtocolVersion::v2_0:
        // A answers (epoch 1, end 2): the largest epoch <= 2 it knows. B's own epoch 1 ends at
        // 1: B truncates to 1 and fetches m1.
        CHECK(first == "OffsetsForLeaderEpoch");
        CHECK(b.values() == Values{"m0", "m1", "m2"});
        break;
      default:
        // The fetch from 2 with lastFetchedEpoch 2 gets diverging epoch (1, 2); B truncates to
        // 1 and fetches m1.
        CHECK(first == "Fetch");
        CHECK(b.values() == Values{"m0", "m1", "m2"});
        break;
    }
    if (version != ProtocolVersion::v0_11) CHECK(epochs_in(*b.log) == epochs_in(*a.log));
  }
}

TEST_CASE("3.7 fences the old leader's epoch and truncates on fetch by the diverging epoch",
          "[kip-320]") {
  TestBroker a(1, config_for(ProtocolVersion::v3_7));
  TestBroker b(2, config_for(ProtocolVersion::v3_7));
  const auto epoch1 = partition_state(1, 1, {1, 2}, {1, 2});
  a.become_leader(epoch1, 0);
  b.become_follower(epoch1, 0);
  a.produce({"m0"}, 1, 10);
  replicate(b, a, 20);
  a.produce({"m1"}, 1, 30);  // never replicated

  // B leads epoch 2; A has not heard yet and still thinks it leads epoch 1.
  const auto epoch2 = partition_state(2, 2, {2}, {1, 2}, 1);
  b.become_leader(epoch2, 40);
  b.produce({"x1"}, 1, 50);
  b.produce({"x2"}, 1, 51);

  // B's old fetcher state would carry epoch 1: B as leader of epoch 2 answers a fetch in epoch 1
  // with FENCED_LEADER_EPOCH, and A (epoch 1) answers a fetch in epoch 2 with
  // UNKNOWN_LEADER_EPOCH.
  ksim::protocol::FetchPartition stale;
  stale.topic_partition = tp0;
  stale.current_leader_epoch = 1;
  stale.fetch_offset = 1;
  const FetchParams from_broker_1{1, 0, 1, 1 << 20, {}};
  const LogReadResult fenced =
      b.partition->fetch_records(from_broker_1, stale, 60, 1 << 20, true, true);
  CHECK(fenced.error == Error::FENCED_LEADER_EPOCH);
  CHECK(fenced.high_watermark == -1);
  CHECK(fenced.records.empty());
  ksim::protocol::FetchPartition ahead = stale;
  ahead.current_leader_epoch = 2;
  const FetchParams from_broker_2{2, 0, 1, 1 << 20, {}};
  CHECK(a.partition->fetch_records(from_broker_2, ahead, 60, 1 << 20, true, true).error ==
        Error::UNKNOWN_LEADER_EPOCH);

  // A learns of epoch 2 and follows B: its fetch from 2 with lastFetchedEpoch 1 gets the
  // diverging epoch (1, 1); it truncates m1, then fetches x1 and x2.
  a.become_follower(epoch2, 70);
  auto request = a.fetcher->poll(80);
  REQUIRE(request);
  const auto& fetch = std::get<ksim::protocol::FetchRequest>(*request);
  CHECK(fetch.partitions[0].fetch_offset == 2);
  CHECK(fetch.partitions[0].current_leader_epoch == 2);
  CHECK(fetch.partitions[0].last_fetched_epoch == 1);
  const FetcherResponse answer = serve(*b.partition, *request, 80);
  const auto& data = std::get<ksim::protocol::FetchResponse>(answer).partitions[0];
  REQUIRE(data.diverging_epoch);
  CHECK(*data.diverging_epoch == ksim::protocol::DivergingEpoch{1, 1});
  CHECK(data.records.empty());
  a.fetcher->handle_response(answer, 80);
  CHECK(a.values() == Values{"m0"});
  CHECK(a.fetcher->fetch_state(tp0)->fetch_offset == 1);
  CHECK(a.fetcher->fetch_state(tp0)->last_fetched_epoch == 1);
  replicate(a, b, 90);
  CHECK(a.values() == Values{"m0", "x1", "x2"});
  CHECK(epochs_in(*a.log) == std::vector<std::pair<std::int32_t, std::int64_t>>{{1, 0}, {2, 1}});
}

TEST_CASE("3.7: a follower fenced in its own epoch waits for the next LeaderAndIsr", "[kip-320]") {
  TestBroker a(1, config_for(ProtocolVersion::v3_7));
  TestBroker b(2, config_for(ProtocolVersion::v3_7));
  b.become_leader(partition_state(2, 3, {2}, {1, 2}), 0);
  a.become_follower(partition_state(2, 2, {2}, {1, 2}), 0);  // A missed epoch 3
  CHECK(round_trip(a, b, 10) == "Fetch");
  CHECK(a.fetcher->fetch_state(tp0) == nullptr);
  CHECK(a.fetcher->failed_partitions().contains(tp0));
  CHECK_FALSE(a.fetcher->poll(20));
  CHECK(a.become_follower(partition_state(2, 3, {2}, {1, 2}), 30));
  CHECK(round_trip(a, b, 40) == "Fetch");
  CHECK(a.fetcher->fetch_state(tp0) != nullptr);
}
