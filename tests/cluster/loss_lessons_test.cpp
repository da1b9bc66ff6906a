// The loss lessons, with Kafka's producer and the audit: what each acks setting loses, and why,
// with exact counts for a fixed seed. Every count the audit gives is also checked against the
// partition's final log, read back independently.
#include <catch2/catch.hpp>

#include <set>

#include "cluster_test_support.h"
#include "sim/clients/producer_process.h"

namespace ksim::sim::cluster::test {

namespace {

using client::SendOutcomeKind;

// A cluster with topic t (one partition, RF 3) and its full ISR.
struct LossSetup {
  explicit LossSetup(std::uint64_t seed, controller::ConfigEntries topic_configs = {})
      : cluster(cluster_options(seed)) {
    cluster.start();
    cluster.wait_until_ready();
    cluster.create_topic("t", 1, 3, std::move(topic_configs));
    wait_for_isr(cluster, p, 3);
    replicas = replicas_of(cluster, p);
  }
  KafkaCluster cluster;
  storage::TopicPartition p = tp("t");
  std::vector<std::int32_t> replicas;
};

// The values the partition holds at the end, as a consumer reads them (below the HW).
std::set<std::string> final_values(KafkaCluster& cluster, const storage::TopicPartition& p) {
  const std::vector<std::string> values = values_of(fetch(cluster, p));
  return {values.begin(), values.end()};
}

std::size_t count_missing(const clients::ProducerHistory& history,
                          const std::set<std::string>& present,
                          const std::function<bool(const clients::ProducedRecord&)>& which) {
  std::size_t missing = 0;
  for (const clients::ProducedRecord& record : history.records) {
    if (which(record) && !present.contains(*record.value)) ++missing;
  }
  return missing;
}

}  // namespace

TEST_CASE("acks=0 loses what it sends while the leader is dead, and counts it as sent",
          "[cluster][loss]") {
  LossSetup s(31);
  clients::ProducerProcess& producer =
      s.cluster.add_producer("producer-0", {{"acks", "0"}, {"linger.ms", "0"}});
  send_stream(s.cluster, producer, 0, 50, 20_ms);
  // kill -9 the leader mid-stream; the controller hears of it when its ZooKeeper session
  // expires (zookeeper.session.timeout.ms 18 s), then elects the next replica.
  REQUIRE(s.cluster.kill(s.replicas[0]));
  send_stream(s.cluster, producer, 50, 1250, 20_ms);
  wait_for_outcomes(s.cluster, "producer-0");
  s.cluster.run_for(5_s);

  const clients::ProducerHistory& history = s.cluster.producer_history("producer-0");
  CHECK(history.count(SendOutcomeKind::sent_unknown) == 1300);  // acks=0: "sent", that is all
  const std::set<std::string> present = final_values(s.cluster, s.p);
  const std::size_t missing = count_missing(history, present, [](const auto&) { return true; });
  const audit::AcksSummary summary = s.cluster.audit()->summary().at(0);
  CHECK(summary.acks == 0);
  CHECK(summary.sent == 1300);
  CHECK(summary.lost == missing);
  // About 19 s of records at 50/s: from the kill to the failover, the producer kept sending to
  // the dead leader (its metadata named it until the controller moved leadership).
  CHECK(missing == 951);
  INFO(s.cluster.audit()->lost_report());
}

TEST_CASE("acks=1 loses exactly the acknowledged tail no follower had copied", "[cluster][loss]") {
  LossSetup s(32);
  Network& net = s.cluster.world().network();
  clients::ProducerProcess& producer = s.cluster.add_producer("producer-1", {{"acks", "1"}});
  send_stream(s.cluster, producer, 0, 5, 50_ms);
  wait_for_outcomes(s.cluster, "producer-1");
  s.cluster.run_for(1_s);  // replicated and committed

  // The followers stop reaching the leader; what the leader acknowledges now is on it alone.
  const std::int32_t leader = s.replicas[0];
  net.cut_link(node(s.cluster, leader), node(s.cluster, s.replicas[1]));
  net.cut_link(node(s.cluster, leader), node(s.cluster, s.replicas[2]));
  send_stream(s.cluster, producer, 5, 5, 50_ms);
  wait_for_outcomes(s.cluster, "producer-1");
  const clients::ProducerHistory& history = s.cluster.producer_history("producer-1");
  REQUIRE(history.count(SendOutcomeKind::acknowledged) == 10);
  CHECK(s.cluster.replica(leader, s.p)->log_end_offset() == 10);
  CHECK(s.cluster.replica(leader, s.p)->high_watermark() == 5);

  REQUIRE(s.cluster.kill(leader));
  net.heal();
  s.cluster.run_until([&] { return leader_of(s.cluster, s.p) == s.replicas[1]; }, 30_s,
                      "failover to the next replica");
  REQUIRE(s.cluster.start_broker(leader));
  wait_for_isr(s.cluster, s.p, 3, 60_s);

  const std::set<std::string> present = final_values(s.cluster, s.p);
  CHECK(present == std::set<std::string>{"v0", "v1", "v2", "v3", "v4"});
  const audit::AcksSummary summary = s.cluster.audit()->summary().at(0);
  CHECK(summary.acks == 1);
  CHECK(summary.acknowledged == 10);
  CHECK(summary.lost == 5);
  CHECK(summary.lost_after_commit == 0);
  // Offsets 5..9 were acknowledged, never committed, and truncated from the old leader.
  const std::string story = s.cluster.audit()->why(s.p, 7);
  INFO(story);
  CHECK_THAT(story, Catch::Contains("v7") && Catch::Contains("acknowledged") &&
                        Catch::Contains(fmt::format("broker {}", leader)) &&
                        Catch::Contains("truncated"));
}

TEST_CASE("acks=1 to a leader cut off from the brokers and the controller loses all it took",
          "[cluster][loss]") {
  LossSetup s(33);
  Network& net = s.cluster.world().network();
  clients::ProducerProcess& producer = s.cluster.add_producer("producer-z", {{"acks", "1"}});
  send_stream(s.cluster, producer, 0, 10, 100_ms);
  wait_for_outcomes(s.cluster, "producer-z");
  s.cluster.run_for(1_s);

  // The zombie leader: it still hears the producer, nobody else hears it.
  const std::int32_t leader = s.replicas[0];
  const NodeId zombie = node(s.cluster, leader);
  net.cut_link(zombie, node(s.cluster, s.replicas[1]));
  net.cut_link(zombie, node(s.cluster, s.replicas[2]));
  net.cut_link(zombie, s.cluster.world().resolve("zookeeper"));
  // 30 s: the zombie's ZooKeeper session expires (18 s) and the controller elects a new leader
  // meanwhile; the producer, still hearing the zombie, keeps writing to it.
  send_stream(s.cluster, producer, 10, 300, 100_ms);
  const std::size_t acknowledged_while_isolated =
      s.cluster.producer_history("producer-z").count(SendOutcomeKind::acknowledged) - 10;
  net.heal();
  wait_for_outcomes(s.cluster, "producer-z");
  s.cluster.run_for(30_s);
  wait_for_isr(s.cluster, s.p, 3, 60_s);

  const clients::ProducerHistory& history = s.cluster.producer_history("producer-z");
  const std::set<std::string> present = final_values(s.cluster, s.p);
  const std::size_t lost_acknowledged =
      count_missing(history, present, [](const auto& r) { return r.acknowledged(); });
  const audit::AcksSummary summary = s.cluster.audit()->summary().at(0);
  CHECK(summary.lost == lost_acknowledged);
  CHECK(lost_acknowledged == acknowledged_while_isolated);
  CHECK(lost_acknowledged == 300);
}

TEST_CASE("acks=all with min.insync.replicas=2 loses nothing under any single failure",
          "[cluster][loss]") {
  const auto fault = GENERATE(as<std::string>{}, "kill leader", "power off leader",
                              "isolate leader", "kill follower", "pause leader");
  LossSetup s(34, {{"min.insync.replicas", "2"}});
  Network& net = s.cluster.world().network();
  clients::ProducerProcess& producer = s.cluster.add_producer(
      "producer-all", {{"acks", "all"}, {"delivery.timeout.ms", "120000"}});
  send_stream(s.cluster, producer, 0, 50, 20_ms);
  const std::int32_t leader = s.replicas[0];
  if (fault == "kill leader") REQUIRE(s.cluster.kill(leader));
  if (fault == "power off leader") REQUIRE(s.cluster.power_off(leader));
  if (fault == "isolate leader") net.isolate(node(s.cluster, leader));
  if (fault == "kill follower") REQUIRE(s.cluster.kill(s.replicas[1]));
  if (fault == "pause leader") REQUIRE(s.cluster.pause(leader));
  send_stream(s.cluster, producer, 50, 400, 20_ms);  // 8 s of the fault
  net.heal();
  if (fault == "pause leader") REQUIRE(s.cluster.resume(leader));
  if (fault == "isolate leader" || fault == "pause leader") {
    // nothing to restart
  } else {
    REQUIRE(s.cluster.start_broker(fault == "kill follower" ? s.replicas[1] : leader));
  }
  wait_for_outcomes(s.cluster, "producer-all");
  wait_for_isr(s.cluster, s.p, 3, 120_s);

  INFO(fault);
  const clients::ProducerHistory& history = s.cluster.producer_history("producer-all");
  const std::set<std::string> present = final_values(s.cluster, s.p);
  CHECK(count_missing(history, present, [](const auto& r) { return r.acknowledged(); }) == 0);
  const audit::AcksSummary summary = s.cluster.audit()->summary().at(0);
  CHECK(summary.acks == -1);
  CHECK(summary.sent == 450);
  CHECK(summary.lost == 0);
  CHECK(summary.duplicated == 0);
  CHECK(summary.acknowledged + summary.failed + summary.indeterminate == 450);
  CHECK(summary.acknowledged > 0);
}

TEST_CASE("retries without idempotence write duplicates; with idempotence they do not",
          "[cluster][loss]") {
  const bool idempotent = GENERATE(false, true);
  LossSetup s(35);
  Network& net = s.cluster.world().network();
  clients::ProducerProcess& producer = s.cluster.add_producer(
      "producer-r", {{"acks", "all"},
                     {"enable.idempotence", idempotent ? "true" : "false"},
                     {"request.timeout.ms", "1000"},
                     {"delivery.timeout.ms", "60000"}});
  send_stream(s.cluster, producer, 0, 5, 50_ms);
  wait_for_outcomes(s.cluster, "producer-r");
  // The followers fall silent: acks=all waits, the producer's request times out and it sends
  // the same batch again; the leader appended the first attempt already.
  const std::int32_t leader = s.replicas[0];
  net.cut_link(node(s.cluster, leader), node(s.cluster, s.replicas[1]));
  net.cut_link(node(s.cluster, leader), node(s.cluster, s.replicas[2]));
  send_stream(s.cluster, producer, 5, 1, 50_ms);
  s.cluster.run_for(5_s);
  net.heal();
  wait_for_outcomes(s.cluster, "producer-r");
  s.cluster.run_for(2_s);

  const std::vector<std::string> values = values_of(fetch(s.cluster, s.p));
  const auto copies_of_v5 = std::count(values.begin(), values.end(), "v5");
  const audit::AcksSummary summary = s.cluster.audit()->summary().at(0);
  INFO(s.cluster.audit()->duplicated_report());
  CHECK(s.cluster.producer_history("producer-r").count(SendOutcomeKind::acknowledged) == 6);
  if (idempotent) {
    CHECK(copies_of_v5 == 1);
    CHECK(summary.duplicated == 0);
  } else {
    CHECK(copies_of_v5 == 6);  // the first attempt and five retries, 1.1 s apart
    CHECK(summary.duplicated == 1);
  }
}

}  // namespace ksim::sim::cluster::test
