// The Cluster panel's model: the brokers, ZooKeeper and the clients as a graph with each node's
// state (alive, killed, paused, powered off, stopped; the controller), the links that a fault
// cut or slowed, a deterministic layout (Boost.Graph's Kamada-Kawai spring layout from nodes
// on a circle), and what a click on a node offers, as scenario command text.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ksim::sim::cluster {
class KafkaCluster;
}

namespace ksim::gui {

enum class GraphNodeKind { broker, zookeeper, client };
enum class GraphNodeStatus { alive, paused, killed, powered_off, stopped, not_started };

struct GraphNode {
  std::string name;   // the network's node name: "broker 1", "zookeeper", "producer-1"
  std::string label;  // what the panel writes on it: "1", "ZK", "producer-1"
  GraphNodeKind kind = GraphNodeKind::broker;
  std::int32_t broker_id = -1;
  GraphNodeStatus status = GraphNodeStatus::alive;
  bool controller = false;
  bool isolated = false;  // every link of the node is cut
  // Where the layout put it, in [0, 1] x [0, 1].
  double x = 0.5;
  double y = 0.5;
};

struct GraphLink {
  std::size_t a = 0;  // indices into ClusterGraph::nodes
  std::size_t b = 0;
  bool cut = false;   // either direction blocked
  bool slow = false;  // either direction slowed
};

struct ClusterGraph {
  std::vector<GraphNode> nodes;
  std::vector<GraphLink> links;  // broker-broker, broker-zookeeper, client-broker
};

struct NodeAction {
  std::string label;    // the menu item
  std::string command;  // the console command it runs
};

std::string_view status_name(GraphNodeStatus status);

// Positions of n nodes joined by `links` (pairs of indices), in [0, 1]^2: the spring layout
// from a circle, so the same graph always gets the same picture.
std::vector<std::pair<double, double>> layout_graph(
    std::size_t nodes, const std::vector<std::pair<std::size_t, std::size_t>>& links);

// Reads the cluster's nodes and links now. Positions come from `previous` when it has the same
// nodes (the layout runs only when a node appears), else from layout_graph.
ClusterGraph read_cluster_graph(sim::cluster::KafkaCluster& cluster, const ClusterGraph& previous);

// The actions a click on `node` offers, in menu order.
std::vector<NodeAction> node_actions(const GraphNode& node, bool network_faulty);

}  // namespace ksim::gui
