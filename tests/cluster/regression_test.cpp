// Scripted regressions found by the randomised fault test (randomized_faults_test.cpp): each
// replays the shape of a failing seed with fixed steps. The replication invariants are checked
// after every event (a violation throws), so reaching the end is most of each test.
#include <catch2/catch.hpp>

#include "cluster_test_support.h"

namespace ksim::sim::cluster::test {

namespace {

// A partition led by a broker other than `not_this` (the cluster has several partitions).
storage::TopicPartition partition_not_led_by(KafkaCluster& cluster, const std::string& topic,
                                             std::int32_t partitions, std::int32_t not_this) {
  for (std::int32_t i = 0; i < partitions; ++i) {
    if (leader_of(cluster, tp(topic, i)) != not_this) return tp(topic, i);
  }
  FAIL("every partition is led by broker " << not_this);
  return tp(topic);
}

}  // namespace

// Seed 896: a leader loses power and is back within seconds, before its old ZooKeeper session
// expired (so /brokers/ids/<id> is still the old one and it cannot register yet). A new
// controller's failover sends LeaderAndIsr to the old registration; the new incarnation, whose
// log lost its unflushed tail, must not act on it: Kafka processes no request before the broker
// registered, and then refuses a request for an older broker epoch (STALE_BROKER_EPOCH).
TEST_CASE("regression: a restarted broker ignores requests for its earlier registration",
          "[cluster][regression]") {
  KafkaCluster cluster(cluster_options(896));
  cluster.start();
  cluster.wait_until_ready();
  const std::int32_t partitions = 3;
  cluster.create_topic("t", partitions, 3, {{"min.insync.replicas", "2"}});
  for (std::int32_t i = 0; i < partitions; ++i) wait_for_isr(cluster, tp("t", i), 3);
  const std::int32_t controller = cluster.controller_id().value();
  const storage::TopicPartition p = partition_not_led_by(cluster, "t", partitions, controller);
  const std::int32_t leader = leader_of(cluster, p);
  for (int i = 0; i < 10; ++i) {
    REQUIRE(produce(cluster, p, {fmt::format("v{}", i)}, -1).acknowledged());
  }

  // The controller loses power (its session lives on for 18 s), then, after its next ping
  // (every 6 s), the leader: the controller's session expires first, the leader's some seconds
  // later.
  REQUIRE(cluster.power_off(controller));
  cluster.run_for(2_s);
  REQUIRE(cluster.start_broker(controller));
  cluster.run_for(6_s);
  REQUIRE(cluster.power_off(leader));
  cluster.run_for(3_s);
  REQUIRE(cluster.start_broker(leader));
  // Its page cache is gone: the log holds no record (no partition is hosted until a
  // LeaderAndIsr says so).
  CHECK(cluster.replica(leader, p) == nullptr);
  // Both old sessions expire; a new controller takes over; both brokers register again.
  cluster.run_until([&] { return cluster.broker(leader)->registered() &&
                                 cluster.broker(controller)->registered(); },
                    60_s, "both restarted brokers registered");
  for (std::int32_t i = 0; i < partitions; ++i) wait_for_isr(cluster, tp("t", i), 3, 60_s);
  // Nothing acknowledged was lost; the restarted broker copied it back as a follower.
  const FetchOutcome read = fetch(cluster, p);
  REQUIRE(read.records.size() == 10);
  for (int i = 0; i < 10; ++i) CHECK(read.records[static_cast<std::size_t>(i)].second ==
                                     fmt::format("v{}", i));
  CHECK(cluster.replica(leader, p)->log_end_offset() == 10);
}

}  // namespace ksim::sim::cluster::test
