// Faults in a scenario: a broker's lifecycle (kill -9, power-off, start, controlled shutdown,
// pause, resume), network isolation, splits and slow links, and slow or full disks. Targets
// named by role ("leader t-0", "controller") are resolved when the step runs, and the
// transcript says which broker that was.
#include <fmt/format.h>

#include <algorithm>

#include "scenarios/runner_internal.h"

namespace ksim::scenarios {

using sim::NodeId;
using sim::cluster::KafkaCluster;

std::optional<std::int32_t> ScenarioRunner::resolve_broker(const BrokerTarget& target) {
  switch (target.kind) {
    case BrokerTarget::Kind::broker:
      return target.broker_id;
    case BrokerTarget::Kind::controller: {
      const std::optional<std::int32_t> controller = cluster_->controller_id();
      if (!controller) {
        note("there is no controller now");
        return std::nullopt;
      }
      note(fmt::format("the controller is broker {}", *controller));
      return controller;
    }
    case BrokerTarget::Kind::leader_of: {
      const auto state = cluster_->partition_state(target.partition);
      if (!state || state->leader_and_isr.leader < 0) {
        note(fmt::format("{} has no leader now", target.partition.to_string()));
        return std::nullopt;
      }
      note(fmt::format("the leader of {} is broker {}", target.partition.to_string(),
                       state->leader_and_isr.leader));
      return state->leader_and_isr.leader;
    }
  }
  return std::nullopt;
}

std::vector<NodeId> ScenarioRunner::resolve_nodes(const NodeTarget& target) {
  sim::World& world = cluster_->world();
  std::vector<NodeId> nodes;
  switch (target.kind) {
    case NodeTarget::Kind::broker:
      if (const auto id = resolve_broker(target.broker)) {
        nodes.push_back(world.resolve(KafkaCluster::node_name(*id)));
      }
      break;
    case NodeTarget::Kind::zookeeper:
      nodes.push_back(world.resolve("zookeeper"));
      break;
    case NodeTarget::Kind::client:
      nodes.push_back(world.resolve(target.client));
      break;
    case NodeTarget::Kind::all_brokers:
      for (const std::int32_t id : cluster_->broker_ids()) {
        nodes.push_back(world.resolve(KafkaCluster::node_name(id)));
      }
      break;
    case NodeTarget::Kind::all_clients:
      for (const std::string& name : cluster_->producer_names()) nodes.push_back(world.resolve(name));
      for (const std::string& name : cluster_->consumer_names()) nodes.push_back(world.resolve(name));
      break;
  }
  return nodes;
}

void ScenarioRunner::run_lifecycle(const LifecycleFault& fault) {
  const std::optional<std::int32_t> broker = resolve_broker(fault.target);
  if (!broker) return;
  bool done = false;
  const char* what = "";
  switch (fault.action) {
    case LifecycleFault::Action::kill:
      done = cluster_->kill(*broker);
      what = "killed";
      break;
    case LifecycleFault::Action::power_off:
      done = cluster_->power_off(*broker);
      what = "powered off";
      break;
    case LifecycleFault::Action::start:
      done = cluster_->start_broker(*broker);
      what = "started";
      break;
    case LifecycleFault::Action::shutdown:
      done = cluster_->shutdown(*broker);
      what = "shutting down (controlled)";
      break;
    case LifecycleFault::Action::pause:
      done = cluster_->pause(*broker);
      what = "paused";
      break;
    case LifecycleFault::Action::resume:
      done = cluster_->resume(*broker);
      what = "resumed";
      break;
  }
  note(done ? fmt::format("broker {} {}", *broker, what)
            : fmt::format("broker {}: nothing to do (it is {})", *broker,
                          sim::process_state_name(
                              cluster_->world().host(KafkaCluster::node_name(*broker)).state())));
}

void ScenarioRunner::run_isolate(const Isolate& isolate) {
  sim::Network& network = cluster_->world().network();
  const std::vector<NodeId> nodes = resolve_nodes(isolate.node);
  for (const NodeId node : nodes) {
    if (isolate.from.empty()) {
      network.isolate(node);
      continue;
    }
    for (const NodeTarget& group : isolate.from) {
      for (const NodeId other : resolve_nodes(group)) {
        if (other != node) network.cut_link(node, other);
      }
    }
  }
}

void ScenarioRunner::run_split(const Split& split) {
  std::vector<std::vector<NodeId>> sides;
  for (const std::vector<NodeTarget>& side : split.sides) {
    std::vector<NodeId> nodes;
    for (const NodeTarget& target : side) {
      for (const NodeId node : resolve_nodes(target)) nodes.push_back(node);
    }
    sides.push_back(std::move(nodes));
  }
  cluster_->world().network().split(sides);
}

void ScenarioRunner::run_slow_link(const SlowLink& slow) {
  sim::network::Slowdown slowdown;
  slowdown.extra = slow.extra_latency;
  for (const NodeId a : resolve_nodes(slow.a)) {
    for (const NodeId b : resolve_nodes(slow.b)) {
      if (a != b) cluster_->world().network().slow_link(a, b, slowdown);
    }
  }
}

void ScenarioRunner::run_disk_fault(const DiskFault& fault) {
  const std::optional<std::int32_t> broker = resolve_broker(fault.target);
  if (!broker) return;
  sim::SimDisk& disk = cluster_->world().disk(KafkaCluster::node_name(*broker));
  switch (fault.action) {
    case DiskFault::Action::slow:
      disk.set_slow(fault.slow_percent);
      break;
    case DiskFault::Action::fill:
      disk.set_full(true);
      break;
    case DiskFault::Action::heal:
      disk.set_full(false);
      disk.set_slow(100);
      disk.set_fail_writes(false);
      break;
  }
}

}  // namespace ksim::scenarios
