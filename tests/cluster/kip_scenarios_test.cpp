// The historic truncation bugs in the simulated cluster, through their real mechanisms (the
// 5 s HW checkpoint, the follower HW one fetch round behind, leader epochs, ZooKeeper session
// expiry, the controller's elections, the page cache and power loss), with exact offsets:
// KIP-101 scenario 1 (committed data lost) and scenario 2 (replicas silently divergent) under
// 0.10, fixed by leader epochs in 0.11; the KIP-279 divergence after fast leader changes under
// 0.11, fixed in 2.0; none of them under 3.7. The invariants record violations instead of
// failing: the old versions must break "committed data", the fixed ones nothing.
#include <catch2/catch.hpp>

#include "cluster_test_support.h"
#include "core/controller/zk_kafka_admin_znodes.h"
#include "core/controller/zk_kafka_paths.h"
#include "core/storage/record_batch.h"

namespace ksim::sim::cluster::test {

namespace {

using replication::ProtocolVersion;
using Values = std::vector<std::string>;

// 3 brokers; the topic "t" has two replicas, on the two brokers that are not the controller, so
// killing them never moves the controller. unclean.leader.election.enable is given explicitly:
// before 0.11 its default was true (KAFKA-1028's default flipped in 0.11, KIP-106).
struct TwoReplicaCluster {
  KafkaCluster cluster;
  storage::TopicPartition p = tp("t");
  std::int32_t first = -1;   // the first replica in the assignment (the preferred leader)
  std::int32_t second = -1;  // the other replica

  TwoReplicaCluster(ProtocolVersion version, bool unclean, std::uint64_t seed,
                    controller::ConfigEntries configs = {})
      : cluster([&] {
          ClusterOptions options = cluster_options(seed, 3);
          options.set_protocol_version(version);
          options.broker.controller.unclean_leader_election_enable = unclean;
          options.invariant_violations = ViolationMode::record;
          return options;
        }()) {
    cluster.start();
    cluster.wait_until_ready();
    std::vector<std::int32_t> others;
    for (std::int32_t id : cluster.broker_ids()) {
      if (id != cluster.controller_id()) others.push_back(id);
    }
    REQUIRE(others.size() == 2);
    first = others[0];
    second = others[1];
    controller::TopicCommandOptions create;
    create.action = controller::TopicCommandAction::create;
    create.topic = "t";
    create.replica_assignment = fmt::format("{}:{}", first, second);
    create.configs = std::move(configs);
    REQUIRE(cluster.topics(create).exit_code == 0);
    wait_for_isr(cluster, p, 2);
    REQUIRE(leader_of(cluster, p) == first);
  }

  const replication::Partition* replica(std::int32_t broker) const {
    return cluster.replica(broker, p);
  }
  Values values(std::int32_t broker) const {
    Values out;
    for (const storage::Record& record : replica(broker)->log().read_records(0)) {
      out.push_back(record.value ? storage::to_string(*record.value) : "<null>");
    }
    return out;
  }
  NodeId node(std::int32_t broker) { return cluster.world().resolve(KafkaCluster::node_name(broker)); }
  std::vector<std::string> violations() {
    std::vector<std::string> out;
    for (const InvariantViolationRecord& v : cluster.invariants()->violations()) out.push_back(v.what);
    return out;
  }
  // kafka-preferred-replica-election.sh --zookeeper: writes /admin/preferred_replica_election in
  // a short session of its own; the controller reacts through its watch.
  void preferred_replica_election() {
    auto& server = cluster.zookeeper().server();
    const std::int64_t now_ms = cluster.now().to_ms() + 1700000000000;
    const auto session = server.create_session(30000, now_ms);
    const auto written = server.multi(
        session.session_id,
        {controller::zk::Op::create(std::string(controller::ZkPaths::preferred_replica_election),
                                    controller::encode_preferred_replica_election({p}),
                                    controller::zk::CreateMode::PERSISTENT)},
        now_ms);
    REQUIRE(written.code == controller::zk::Code::OK);
    server.close_session(session.session_id, now_ms);
    auto* zookeeper = dynamic_cast<ZooKeeperProcess*>(cluster.world().host("zookeeper").process());
    REQUIRE(zookeeper != nullptr);
    zookeeper->deliver_pending_watch_events();
  }
};

// A producer with retries: sends again (fresh metadata) while the answer says it reached no
// leader (NOT_LEADER_OR_FOLLOWER, a broken connection to a dead broker, no leader known).
const ProduceOutcome& produce_with_retries(KafkaCluster& cluster, const storage::TopicPartition& p,
                                           const std::string& value, std::int16_t acks) {
  for (int attempt = 0;; ++attempt) {
    cluster.client().invalidate_metadata();
    const ProduceOutcome& outcome = produce(cluster, p, {value}, acks);
    const bool retriable = outcome.disconnected || outcome.no_leader ||
                           outcome.error == protocol::Error::NOT_LEADER_OR_FOLLOWER;
    if (!retriable || attempt == 5) return outcome;
    cluster.run_for(1_s);
  }
}

bool is_follower(const replication::Partition* partition) {
  return partition != nullptr && !partition->is_leader();
}

const char* name(ProtocolVersion version) {
  return replication::protocol_version_name(version).data();
}

}  // namespace

// KIP-101 scenario 1. B (the first replica) leads, A follows. A fetches m2 and restarts (kill -9,
// the page cache keeps m2) before the next fetch round brings it the HW that commits m2; its
// checkpoint says HW 1. The leader B is killed at the moment the restarted A becomes follower.
TEST_CASE("KIP-101 scenario 1: a restarted follower truncates to its stale HW, then leads",
          "[cluster][kip-101]") {
  struct Run {
    ProtocolVersion version;
    bool unclean;
  };
  for (const Run run : {Run{ProtocolVersion::v0_10, true}, Run{ProtocolVersion::v0_11, false},
                        Run{ProtocolVersion::v0_11, true}, Run{ProtocolVersion::v3_7, false}}) {
    INFO("protocol " << name(run.version) << ", unclean election " << run.unclean);
    TwoReplicaCluster c(run.version, run.unclean, 101);
    KafkaCluster& cluster = c.cluster;
    const std::int32_t b = c.first;
    const std::int32_t a = c.second;
    INFO("leader B = broker " << b << ", follower A = broker " << a);

    REQUIRE(produce(cluster, c.p, {"m1"}, -1).base_offset == 0);
    cluster.run_until([&] { return c.replica(a)->high_watermark() == 1; }, 5_s, "A's HW 1");
    cluster.run_for(6_s);  // a highwatermark-checkpoint has written A's HW 1

    // m2 is committed (the acks=all producer is answered) when A's next fetch reaches B; the
    // answer carrying HW 2 waits in B's purgatory (replica.fetch.wait.max.ms).
    const ProduceOutcome& m2 = produce(cluster, c.p, {"m2"}, -1);
    REQUIRE(m2.acknowledged());
    REQUIRE(m2.base_offset == 1);
    REQUIRE(c.replica(b)->high_watermark() == 2);
    REQUIRE(c.replica(a)->log_end_offset() == 2);
    REQUIRE(c.replica(a)->high_watermark() == 1);
    REQUIRE(cluster.kill(a));
    REQUIRE(cluster.start_broker(a));
    // The old session expires (6 s; 18 s under 3.7), the controller takes A out of the ISR, A
    // registers again and becomes follower.
    cluster.run_until([&] { return is_follower(c.replica(a)); }, 40_s, "A follows again");
    INFO(cluster.events_text());
    // 0.10: makeFollower truncated A to its HW. 0.11 and 3.7 ask B first and keep the log.
    CHECK(c.replica(a)->log_end_offset() == (run.version == ProtocolVersion::v0_10 ? 1 : 2));
    REQUIRE(cluster.kill(b));  // before A's first request to B is answered

    cluster.run_until([&] { return leader_of(cluster, c.p) != b; }, 40_s, "B's failure handled");
    if (run.unclean) {
      // Unclean election: A, out of the ISR, leads.
      REQUIRE(leader_of(cluster, c.p) == a);
      cluster.run_until([&] { return c.replica(a)->is_leader(); }, 5_s, "A leads");
      const ProduceOutcome& m3 = produce_with_retries(cluster, c.p, "m3", -1);
      REQUIRE(m3.acknowledged());
      REQUIRE(cluster.start_broker(b));
      cluster.run_until(
          [&] {
            return is_follower(c.replica(b)) && c.replica(b)->high_watermark() ==
                                                    c.replica(a)->log_end_offset();
          },
          40_s, "B follows A and has caught up");
      cluster.run_for(2_s);  // a few more fetch rounds
      if (run.version == ProtocolVersion::v0_10) {
        // The acknowledged m2 is gone from the leader: A wrote m3 at offset 1.
        CHECK(m3.base_offset == 1);
        CHECK(c.values(a) == Values{"m1", "m3"});
        CHECK(values_of(fetch(cluster, c.p)) == Values{"m1", "m3"});
        // B truncated to its own HW (2) and kept m2: the logs silently differ as well.
        CHECK(c.values(b) == Values{"m1", "m2"});
        const std::vector<std::string> violations = c.violations();
        REQUIRE(!violations.empty());
        CHECK_THAT(violations.front(),
                   Catch::StartsWith("committed data of t-0 differs at offset 1: broker " +
                                     std::to_string(a) + " holds offsets 1..1"));
        CHECK_THAT(violations.front(), Catch::Contains("broker " + std::to_string(b) +
                                                       " committed offsets 1..1 of leader epoch"));
      } else {
        // A never truncated: m2 survives the unclean election.
        CHECK(m3.base_offset == 2);
        CHECK(c.values(a) == Values{"m1", "m2", "m3"});
        CHECK(c.values(b) == Values{"m1", "m2", "m3"});
        CHECK(c.violations().empty());
      }
    } else {
      // No unclean election: the partition waits offline for B.
      CHECK(leader_of(cluster, c.p) == -1);
      REQUIRE(cluster.start_broker(b));
      wait_for_isr(cluster, c.p, 2, 60_s);
      CHECK(leader_of(cluster, c.p) == b);
      const ProduceOutcome& m3 = produce_with_retries(cluster, c.p, "m3", -1);
      REQUIRE(m3.acknowledged());
      CHECK(m3.base_offset == 2);
      cluster.run_until([&] { return c.replica(a)->high_watermark() == 3; }, 5_s, "A has m3");
      CHECK(c.values(a) == Values{"m1", "m2", "m3"});
      CHECK(c.values(b) == Values{"m1", "m2", "m3"});
      CHECK(c.violations().empty());
    }
  }
}

// KIP-101 scenario 2. A leads, B follows; segment.bytes (100) holds one batch, so every append rolls the
// segment and flushes the records before it (Kafka flushes on roll, otherwise leaves it to the
// page cache). m1 is on both disks; m2 is committed but on A's disk only (A's append of m3, which
// B never gets, rolled and flushed it). A loses power; B takes over; B loses power before any
// write. B comes back first (with m1 only), leads and takes m4 at offset 1; then A comes back
// with m1, m2 and its checkpointed HW 2. Losing m2 is allowed (every replica lost power); the
// replicas disagreeing about offset 1 is not.
TEST_CASE("KIP-101 scenario 2: replicas diverge after both lose power", "[cluster][kip-101]") {
  struct Run {
    ProtocolVersion version;
    bool unclean;
  };
  for (const Run run : {Run{ProtocolVersion::v0_10, true}, Run{ProtocolVersion::v0_11, false},
                        Run{ProtocolVersion::v3_7, false}}) {
    INFO("protocol " << name(run.version) << ", unclean election " << run.unclean);
    TwoReplicaCluster c(run.version, run.unclean, 102, {{"segment.bytes", "100"}});
    KafkaCluster& cluster = c.cluster;
    const std::int32_t a = c.first;
    const std::int32_t b = c.second;
    INFO("leader A = broker " << a << ", follower B = broker " << b);

    REQUIRE(produce(cluster, c.p, {"m1"}, -1).base_offset == 0);
    REQUIRE(produce(cluster, c.p, {"m2"}, -1).base_offset == 1);
    cluster.run_until([&] { return c.replica(b)->high_watermark() == 2; }, 5_s, "B's HW 2");
    cluster.run_for(6_s);  // both checkpoints say HW 2
    REQUIRE(c.replica(a)->log().recovery_point() == 1);  // m1 flushed, m2 in the page cache
    REQUIRE(c.replica(b)->log().recovery_point() == 1);

    Network& net = cluster.world().network();
    net.cut_link(c.node(a), c.node(b));
    const ProduceOutcome& m3 = produce(cluster, c.p, {"m3"}, 1);
    REQUIRE(m3.acknowledged());
    REQUIRE(m3.base_offset == 2);
    REQUIRE(c.replica(a)->log().recovery_point() == 2);  // the roll flushed m2 on A

    REQUIRE(cluster.power_off(a));
    cluster.run_until([&] { return c.replica(b) != nullptr && c.replica(b)->is_leader(); }, 40_s,
                      "B leads after A's session expired");
    REQUIRE(cluster.power_off(b));
    net.heal();
    cluster.run_until([&] { return leader_of(cluster, c.p) == -1; }, 40_s, "the partition offline");
    // B comes back at once. The controller's request that was in flight to B's old life is
    // still waiting for its timeout (30 s, a dark host sends no RST): it must be thrown away,
    // not replayed to the new life (a regression test: the replayed epoch-1 LeaderAndIsr made
    // the new B lead an old epoch and broke "the HW of a leader never goes back").
    cluster.run_for(1_s);
    INFO(cluster.events_text());

    REQUIRE(cluster.start_broker(b));
    cluster.run_until([&] { return c.replica(b) != nullptr && c.replica(b)->is_leader(); }, 40_s,
                      "B leads again");
    CHECK(c.values(b) == Values{"m1"});  // m2 never reached B's disk
    const ProduceOutcome& m4 = produce_with_retries(cluster, c.p, "m4", -1);
    REQUIRE(m4.acknowledged());
    CHECK(m4.base_offset == 1);

    REQUIRE(cluster.start_broker(a));
    cluster.run_until([&] { return is_follower(c.replica(a)); }, 40_s, "A follows B");
    const ProduceOutcome& m5 = produce_with_retries(cluster, c.p, "m5", -1);
    REQUIRE(m5.acknowledged());
    CHECK(m5.base_offset == 2);
    wait_for_isr(cluster, c.p, 2, 60_s);
    cluster.run_until([&] { return c.replica(a)->high_watermark() == 3; }, 5_s, "A's HW 3");
    INFO(cluster.events_text());
    CHECK(c.values(b) == Values{"m1", "m4", "m5"});
    if (run.version == ProtocolVersion::v0_10) {
      // A truncated to its HW, 2: nothing. It fetched m5 and rejoined the ISR; offset 1 is m2
      // on A and m4 on B, and replication goes on.
      CHECK(c.values(a) == Values{"m1", "m2", "m5"});
      const std::vector<std::string> violations = c.violations();
      REQUIRE(violations.size() == 1);
      CHECK_THAT(violations.front(),
                 Catch::StartsWith("committed data of t-0 differs at offset 1: broker " +
                                   std::to_string(a) + " holds offsets 1..1"));
      CHECK_THAT(violations.front(), Catch::Contains("broker " + std::to_string(b) +
                                                     " committed offsets 1..1 of leader epoch"));
    } else {
      // B's epoch starts at offset 1: A truncates there and fetches m4.
      CHECK(c.values(a) == Values{"m1", "m4", "m5"});
      CHECK(c.violations() == std::vector<std::string>{});
    }
  }
}

// KIP-279 (KAFKA-6361). A leads epoch 1 (after B's controlled shutdown and return); m0 reaches B,
// m1 does not (the A-B link is cut). A preferred replica election makes B leader of epoch 2 with
// the ISR unchanged; B takes x1 at offset 1. A, now B's follower, cannot reach B to truncate;
// B is killed and A, still in the ISR, leads epoch 3 and takes m2 at offset 2. B comes back and
// follows A: under 0.11 A answers the start of epoch 3 (2) for B's epoch 2, and B keeps x1.
TEST_CASE("KIP-279: fast leader changes leave the logs divergent under 0.11", "[cluster][kip-279]") {
  for (const ProtocolVersion version :
       {ProtocolVersion::v0_11, ProtocolVersion::v2_0, ProtocolVersion::v3_7}) {
    INFO("protocol " << name(version));
    TwoReplicaCluster c(version, false, 279);
    KafkaCluster& cluster = c.cluster;
    const std::int32_t b = c.first;
    const std::int32_t a = c.second;
    INFO("A = broker " << a << ", B = broker " << b << " (preferred)");

    REQUIRE(cluster.shutdown(b));
    cluster.run_until([&] { return cluster.broker(b) == nullptr; }, 40_s, "B's controlled shutdown");
    REQUIRE(cluster.start_broker(b));
    wait_for_isr(cluster, c.p, 2, 60_s);
    REQUIRE(leader_of(cluster, c.p) == a);
    const std::int32_t epoch1 = c.replica(a)->leader_epoch();

    cluster.client().invalidate_metadata();
    REQUIRE(produce(cluster, c.p, {"m0"}, -1).base_offset == 0);
    Network& net = cluster.world().network();
    net.cut_link(c.node(a), c.node(b));
    const ProduceOutcome& m1 = produce(cluster, c.p, {"m1"}, 1);
    REQUIRE(m1.acknowledged());
    REQUIRE(m1.base_offset == 1);

    c.preferred_replica_election();
    cluster.run_until([&] { return c.replica(b)->is_leader(); }, 10_s, "B leads");
    const std::int32_t epoch2 = c.replica(b)->leader_epoch();
    CHECK(c.replica(b)->isr().size() == 2);  // a preferred election keeps the ISR
    const ProduceOutcome& x1 = produce_with_retries(cluster, c.p, "x1", 1);
    REQUIRE(x1.acknowledged());
    REQUIRE(x1.base_offset == 1);
    CHECK(c.replica(a)->log_end_offset() == 2);  // A has not truncated m1

    REQUIRE(cluster.kill(b));
    cluster.run_until([&] { return c.replica(a)->is_leader(); }, 40_s, "A leads again");
    INFO(cluster.events_text());
    CHECK(c.replica(a)->leader_epoch() > epoch2);
    const ProduceOutcome& m2 = produce_with_retries(cluster, c.p, "m2", -1);
    REQUIRE(m2.acknowledged());
    REQUIRE(m2.base_offset == 2);

    net.heal();
    REQUIRE(cluster.start_broker(b));
    cluster.run_until(
        [&] { return is_follower(c.replica(b)) && c.replica(b)->high_watermark() == 3; }, 40_s,
        "B follows A and has caught up");
    CHECK(c.values(a) == Values{"m0", "m1", "m2"});
    if (version == ProtocolVersion::v0_11) {
      // Offset 1 is m1 (epoch 1) on A and x1 (epoch 2) on B.
      CHECK(c.values(b) == Values{"m0", "x1", "m2"});
      const std::vector<std::string> violations = c.violations();
      REQUIRE(violations.size() == 1);
      CHECK(violations.front() ==
            fmt::format("committed data of t-0 differs at offset 1: broker {} holds offsets "
                        "1..1 of leader epoch {} (CRC {:08x}), broker {} committed offsets 1..1 "
                        "of leader epoch {} (CRC {:08x})",
                        b, epoch2, c.replica(b)->log().batch_headers(1).front().crc, a, epoch1,
                        c.replica(a)->log().batch_headers(1).front().crc));
    } else {
      CHECK(c.values(b) == Values{"m0", "m1", "m2"});
      CHECK(c.violations().empty());
    }
  }
}

}  // namespace ksim::sim::cluster::test
