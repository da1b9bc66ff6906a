// Fault lines: processes, the network, disks and client jobs.
#include <catch2/catch.hpp>

#include "tests/scenarios/parse_helpers.h"

using namespace ksim::scenarios;
using namespace ksim::scenarios::testing;
using ksim::sim::SimDuration;

namespace {

std::vector<std::string> node_names(const std::vector<NodeTarget>& nodes) {
  std::vector<std::string> names;
  for (const NodeTarget& node : nodes) names.push_back(node.to_string());
  return names;
}

}  // namespace

TEST_CASE("process faults on each kind of target") {
  const LifecycleFault kill = only_command<LifecycleFault>("kill -9 broker 2");
  CHECK(kill.action == LifecycleFault::Action::kill);
  CHECK(kill.target.kind == BrokerTarget::Kind::broker);
  CHECK(kill.target.broker_id == 2);

  const LifecycleFault power = only_command<LifecycleFault>("power-off leader t-3");
  CHECK(power.action == LifecycleFault::Action::power_off);
  CHECK(power.target.to_string() == "leader t-3");

  const LifecycleFault shutdown = only_command<LifecycleFault>("shutdown controller");
  CHECK(shutdown.action == LifecycleFault::Action::shutdown);
  CHECK(shutdown.target.kind == BrokerTarget::Kind::controller);

  CHECK(only_command<LifecycleFault>("start broker 0").action == LifecycleFault::Action::start);
  CHECK(only_command<LifecycleFault>("start broker 0").target.to_string() == "broker 0");
  CHECK(only_command<LifecycleFault>("pause broker 1").action == LifecycleFault::Action::pause);
  CHECK(only_command<LifecycleFault>("resume broker 1").action == LifecycleFault::Action::resume);
}

TEST_CASE("isolate: every link, or only some") {
  const Isolate all = only_command<Isolate>("isolate leader t-0");
  CHECK(all.node.to_string() == "leader t-0");
  CHECK(all.from.empty());
  const Isolate some = only_command<Isolate>("isolate broker 1 from zookeeper, clients broker 2");
  CHECK(some.node.to_string() == "broker 1");
  CHECK(node_names(some.from) == std::vector<std::string>{"zookeeper", "clients", "broker 2"});
  CHECK(node_names(only_command<Isolate>("isolate controller from brokers").from) ==
        std::vector<std::string>{"brokers"});
  CHECK(only_command<Isolate>("isolate zookeeper").node.kind == NodeTarget::Kind::zookeeper);
  CHECK(only_command<Isolate>("isolate client c1").node.to_string() == "client c1");
}

TEST_CASE("split: two or three sides of nodes") {
  const Split two = only_command<Split>("split broker 0, broker 1 | broker 2, zookeeper");
  REQUIRE(two.sides.size() == 2);
  CHECK(node_names(two.sides[0]) == std::vector<std::string>{"broker 0", "broker 1"});
  CHECK(node_names(two.sides[1]) == std::vector<std::string>{"broker 2", "zookeeper"});
  const Split three = only_command<Split>("split broker 0|broker 1,zookeeper | client c1 clients");
  REQUIRE(three.sides.size() == 3);
  CHECK(node_names(three.sides[0]) == std::vector<std::string>{"broker 0"});
  CHECK(node_names(three.sides[1]) == std::vector<std::string>{"broker 1", "zookeeper"});
  CHECK(node_names(three.sides[2]) == std::vector<std::string>{"client c1", "clients"});
}

TEST_CASE("slow link, and heal") {
  const SlowLink slow = only_command<SlowLink>("slow link broker 0 broker 2 200ms");
  CHECK(slow.a.to_string() == "broker 0");
  CHECK(slow.b.to_string() == "broker 2");
  CHECK(slow.extra_latency == SimDuration::from_ms(200));
  const SlowLink other = only_command<SlowLink>("slow link zookeeper leader t-0 1.5s");
  CHECK(other.a.kind == NodeTarget::Kind::zookeeper);
  CHECK(other.b.to_string() == "leader t-0");
  CHECK(other.extra_latency == SimDuration::from_ms(1500));
  CHECK(std::holds_alternative<HealNetwork>(script_steps("heal").at(0).command));
}

TEST_CASE("disk faults") {
  const DiskFault slow = only_command<DiskFault>("slow disk broker 1 10x");
  CHECK(slow.action == DiskFault::Action::slow);
  CHECK(slow.target.broker_id == 1);
  CHECK(slow.slow_percent == 1000);
  CHECK(only_command<DiskFault>("slow disk leader t-0 2.5x").slow_percent == 250);
  CHECK(only_command<DiskFault>("slow disk broker 0 1.05x").slow_percent == 105);
  const DiskFault fill = only_command<DiskFault>("fill disk broker 2");
  CHECK(fill.action == DiskFault::Action::fill);
  CHECK(fill.target.broker_id == 2);
  const DiskFault heal = only_command<DiskFault>("heal disk broker 0");
  CHECK(heal.action == DiskFault::Action::heal);
  CHECK(heal.target.broker_id == 0);
}

TEST_CASE("kill -9 client and stop name jobs started earlier") {
  const std::vector<Step> steps = script_steps(
      "kafka-console-consumer.sh --topic t --consumer-property client.id=c1 &\n"
      "kafka-producer-perf-test.sh --topic t --num-records 10 &\n"
      "kill -9 client producer-1\n"
      "stop c1\n");
  REQUIRE(steps.size() == 4);
  CHECK(std::get<KillClient>(steps[2].command).job == "producer-1");
  CHECK(std::get<StopClient>(steps[3].command).job == "c1");
}
