// Jepsen's Kafka anomalies over the histories of Kafka's producer and consumer in the simulated
// cluster: none with acks=all, min.insync.replicas=2 and a killed leader; the zombie leader's
// acks=1 writes show up as lost writes and reused offsets.
#include <catch2/catch.hpp>

#include "cluster_test_support.h"
#include "sim/audit/jepsen_checker.h"
#include "sim/clients/consumer_process.h"
#include "sim/clients/producer_process.h"

namespace ksim::sim::cluster::test {

namespace {

// A consumer reading partition t-0 from the beginning, all along.
clients::ConsumerProcess& reader(KafkaCluster& cluster) {
  clients::ConsumerProcess& consumer =
      cluster.add_consumer("reader", {{"auto.offset.reset", "earliest"}});
  consumer.assign({tp("t")});
  consumer.seek_to_beginning();
  return consumer;
}

}  // namespace

TEST_CASE("acks=all with a killed leader: no Jepsen anomaly", "[cluster][jepsen]") {
  KafkaCluster cluster(cluster_options(41));
  cluster.start();
  cluster.wait_until_ready();
  cluster.create_topic("t", 1, 3, {{"min.insync.replicas", "2"}});
  wait_for_isr(cluster, tp("t"), 3);
  const std::vector<std::int32_t> replicas = replicas_of(cluster, tp("t"));
  clients::ProducerProcess& producer = cluster.add_producer("writer", {{"acks", "all"}});
  reader(cluster);
  send_stream(cluster, producer, 0, 100, 20_ms);
  REQUIRE(cluster.kill(replicas[0]));
  send_stream(cluster, producer, 100, 1200, 20_ms);
  REQUIRE(cluster.start_broker(replicas[0]));
  cluster.run_until([&] { return cluster.producer_history("writer").in_flight() == 0; }, 180_s,
                    "every send has its outcome");
  cluster.run_for(10_s);  // the reader catches up

  const audit::JepsenReport report = audit::JepsenChecker().check(*cluster.audit());
  INFO(report.text());
  CHECK(report.valid());
  CHECK(report.count("unseen") == 0);
  CHECK(report.count("lost-write") == 0);
  CHECK(cluster.producer_history("writer").count(client::SendOutcomeKind::acknowledged) == 1300);
  CHECK(cluster.consumer_history("reader").records.size() == 1300);
}

TEST_CASE("the zombie leader's acks=1 writes are lost writes with reused offsets",
          "[cluster][jepsen]") {
  KafkaCluster cluster(cluster_options(42));
  cluster.start();
  cluster.wait_until_ready();
  cluster.create_topic("t", 1, 3);
  wait_for_isr(cluster, tp("t"), 3);
  const std::vector<std::int32_t> replicas = replicas_of(cluster, tp("t"));
  clients::ProducerProcess& producer = cluster.add_producer("writer", {{"acks", "1"}});
  reader(cluster);
  send_stream(cluster, producer, 0, 10, 100_ms);
  Network& net = cluster.world().network();
  const NodeId zombie = node(cluster, replicas[0]);
  net.cut_link(zombie, node(cluster, replicas[1]));
  net.cut_link(zombie, node(cluster, replicas[2]));
  net.cut_link(zombie, cluster.world().resolve("zookeeper"));
  send_stream(cluster, producer, 10, 300, 100_ms);
  net.heal();
  send_stream(cluster, producer, 310, 400, 100_ms);  // written at the offsets the zombie used
  cluster.run_until([&] { return cluster.producer_history("writer").in_flight() == 0; }, 180_s,
                    "every send has its outcome");
  cluster.run_for(10_s);

  const audit::JepsenReport report = audit::JepsenChecker().check(*cluster.audit());
  INFO(report.text());
  CHECK_FALSE(report.valid());
  // The 300 records acknowledged while isolated, and 6 more the producer sent to the zombie
  // after the heal, before the zombie learnt it was no longer the leader.
  CHECK(report.count("lost-write") == 306);
  CHECK(report.count("inconsistent-offsets") == 306);
  CHECK(cluster.audit()->summary().at(0).lost == 306);
  CHECK(report.count("duplicate") == 0);
  CHECK(report.count("nonmonotonic-poll") == 0);
}

}  // namespace ksim::sim::cluster::test
