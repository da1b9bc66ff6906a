#include "app/cli/quickstart_lesson.h"

#include <fmt/format.h>

#include <string>
#include <vector>

#include "sim/cluster/kafka_cluster.h"

namespace ksim::cli {

namespace {

using namespace ksim::sim;
using namespace ksim::sim::cluster;
using namespace ksim::sim::time_literals;

class Transcript {
 public:
  Transcript(std::ostream& out, KafkaCluster& cluster) : out_(out), cluster_(cluster) {}
  void say(const std::string& text) { out_ << "\n# " << text << "\n"; }
  void shell(const std::string& command) { out_ << "$ " << command << "\n"; }
  void print(const std::string& text) { out_ << text; }
  // What the brokers and the controller did since the last call, with the simulated time.
  void events() {
    const std::vector<BrokerEvent>& all = cluster_.events();
    for (; shown_ < all.size(); ++shown_) {
      const BrokerEvent& event = all[shown_];
      out_ << fmt::format("  [{:>10}] broker {}: {}\n", event.time.to_string(), event.broker_id,
                          event.what);
    }
  }

 private:
  std::ostream& out_;
  KafkaCluster& cluster_;
  std::size_t shown_ = 0;
};

}  // namespace

bool run_quickstart_lesson(std::ostream& out, std::uint64_t seed) {
  ClusterOptions options;
  options.world.simulation.seed = seed;
  options.brokers = 3;
  KafkaCluster cluster(options);
  Transcript t(out, cluster);
  const storage::TopicPartition partition{"my-replicated-topic", 0};

  t.say(fmt::format("Three brokers (0, 1, 2) and ZooKeeper start (seed {}).", seed));
  cluster.start();
  cluster.wait_until_ready();
  t.events();

  t.say("Create a topic with one partition and a replication factor of three.");
  t.shell("kafka-topics.sh --create --bootstrap-server localhost:9092 --replication-factor 3 "
          "--partitions 1 --topic my-replicated-topic");
  t.print(cluster.create_topic_output("my-replicated-topic", 1, 3));
  cluster.run_until(
      [&] {
        const auto state = cluster.partition_state(partition);
        const auto* leader = state ? cluster.replica(state->leader_and_isr.leader, partition)
                                   : nullptr;
        return leader != nullptr && leader->isr().size() == 3;
      },
      30_s, "the partition led with a full ISR");
  t.events();
  t.shell("kafka-topics.sh --describe --bootstrap-server localhost:9092 --topic "
          "my-replicated-topic");
  t.print(cluster.describe("my-replicated-topic"));

  t.say("A producer sends two messages with acks=all: each is acknowledged once every replica "
        "in the ISR has it.");
  t.shell("kafka-console-producer.sh --bootstrap-server localhost:9092 --topic "
          "my-replicated-topic");
  for (const char* message : {"my test message 1", "my test message 2"}) {
    t.print(fmt::format("> {}\n", message));
    const std::uint64_t id = cluster.client().produce(partition, {message}, -1);
    cluster.run_until([&] { return cluster.ledger().produces[id].answered; }, 30_s,
                      "the acknowledgement");
    const ProduceOutcome& outcome = cluster.ledger().produces[id];
    t.print(fmt::format("  acknowledged by broker {} at offset {} after {}\n", outcome.leader,
                        outcome.base_offset, (outcome.answered_at - outcome.sent_at).to_string()));
  }
  cluster.run_for(1_s);
  t.events();
  const std::int32_t leader = cluster.partition_state(partition)->leader_and_isr.leader;
  for (std::int32_t id : cluster.broker_ids()) {
    const replication::Partition* replica = cluster.replica(id, partition);
    t.print(fmt::format("  broker {} ({}): LEO {}, HW {}\n", id,
                        id == leader ? "leader" : "follower", replica->log_end_offset(),
                        replica->high_watermark()));
  }

  t.say(fmt::format("kill -9 the leader, broker {}. Nobody tells the controller: it learns from "
                    "ZooKeeper when the broker's session expires (zookeeper.session.timeout.ms = "
                    "18000).",
                    leader));
  t.shell(fmt::format("kill -9 $(pgrep -f server-{}.properties)", leader));
  cluster.kill(leader);
  const SimTime killed_at = cluster.now();
  cluster.run_until(
      [&] {
        const auto state = cluster.partition_state(partition);
        return state && state->leader_and_isr.leader >= 0 &&
               state->leader_and_isr.leader != leader;
      },
      40_s, "a new leader");
  cluster.run_for(1_s);
  t.events();
  const auto state = cluster.partition_state(partition);
  t.print(fmt::format("  the partition had no live leader for {}\n",
                      (cluster.now() - killed_at - 1_s).to_string()));
  t.shell("kafka-topics.sh --describe --bootstrap-server localhost:9092 --topic "
          "my-replicated-topic");
  t.print(cluster.describe("my-replicated-topic"));

  t.say("The messages are still there: they were committed on every ISR replica.");
  t.shell("kafka-console-consumer.sh --bootstrap-server localhost:9092 --from-beginning "
          "--topic my-replicated-topic");
  cluster.client().invalidate_metadata();
  const std::uint64_t fetch = cluster.client().fetch(partition, 0);
  cluster.run_until([&] { return cluster.ledger().fetches[fetch].answered; }, 60_s, "the read");
  std::vector<std::string> read;
  for (const auto& [offset, value] : cluster.ledger().fetches[fetch].records) {
    t.print(value + "\n");
    read.push_back(value);
  }
  return state->leader_and_isr.leader != leader &&
         read == std::vector<std::string>{"my test message 1", "my test message 2"};
}

}  // namespace ksim::cli
