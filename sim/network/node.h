// What the network knows about a node: its id (the vertex index in the graph, given out in
// the order nodes are added), its kind (a broker, the metadata service, a client) and its
// names. `name` is the full name ("broker 1", "zookeeper", "producer-1"); `alias` is an
// optional short name used in fault commands and descriptions (brokers are "1", "2", ...).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sim/kernel/event.h"

namespace ksim::sim::network {

enum class NodeKind : std::uint8_t { broker, metadata, client };

constexpr std::string_view to_string(NodeKind kind) {
  switch (kind) {
    case NodeKind::broker:
      return "broker";
    case NodeKind::metadata:
      return "metadata";
    case NodeKind::client:
      return "client";
  }
  return "?";
}

struct NodeInfo {
  NodeId id;
  NodeKind kind = NodeKind::broker;
  std::string name;
  std::string alias;  // may be empty

  // How faults and descriptions name the node: the alias when there is one.
  const std::string& display_name() const { return alias.empty() ? name : alias; }
};

}  // namespace ksim::sim::network
