// The Cluster panel's model (cluster_graph.h).
#include "app/gui/logic/cluster_graph.h"

// Boost.Graph's Kamada-Kawai (its all-pairs shortest paths) trips GCC 12's -Wmaybe-uninitialized
// inside Boost's own iterators at -O2: not our code to fix.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/circle_layout.hpp>
#include <boost/graph/kamada_kawai_spring_layout.hpp>
#include <boost/graph/topology.hpp>
#pragma GCC diagnostic pop
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/cluster/kafka_cluster.h"

namespace ksim::gui {

std::string_view status_name(GraphNodeStatus status) {
  switch (status) {
    case GraphNodeStatus::alive: return "alive";
    case GraphNodeStatus::paused: return "paused";
    case GraphNodeStatus::killed: return "killed";
    case GraphNodeStatus::powered_off: return "powered off";
    case GraphNodeStatus::stopped: return "stopped";
    case GraphNodeStatus::not_started: return "not started";
  }
  return "?";
}

std::vector<std::pair<double, double>> layout_graph(
    std::size_t nodes, const std::vector<std::pair<std::size_t, std::size_t>>& links) {
  std::vector<std::pair<double, double>> result(nodes, {0.5, 0.5});
  if (nodes < 2) return result;
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS,
                                      boost::no_property, boost::property<boost::edge_weight_t, double>>;
  using Topology = boost::square_topology<>;
  using Point = Topology::point_type;
  Graph graph(nodes);
  for (const auto& [a, b] : links) boost::add_edge(a, b, 1.0, graph);
  std::vector<Point> positions(nodes);
  auto position_map = boost::make_iterator_property_map(positions.begin(),
                                                        boost::get(boost::vertex_index, graph));
  const double side = 100.0;
  boost::circle_graph_layout(graph, position_map, side / 2);
  // Kamada-Kawai wants a connected graph; the cluster's is (ZooKeeper knows every broker).
  bool connected = true;
  {
    std::vector<std::size_t> seen(nodes, 0);
    std::vector<std::size_t> stack{0};
    seen[0] = 1;
    while (!stack.empty()) {
      const std::size_t v = stack.back();
      stack.pop_back();
      for (auto [it, end] = boost::adjacent_vertices(v, graph); it != end; ++it) {
        if (seen[*it] == 0) {
          seen[*it] = 1;
          stack.push_back(*it);
        }
      }
    }
    connected = std::all_of(seen.begin(), seen.end(), [](std::size_t s) { return s != 0; });
  }
  if (connected) {
    // Boost's layout_tolerance can circle forever on a symmetric start: stop at a small energy
    // gradient or after a bounded number of moves, whichever comes first.
    std::size_t moves = 0;
    const auto done = [&moves, nodes](double delta, Graph::vertex_descriptor, const Graph&,
                                      bool global) {
      ++moves;
      return delta < (global ? 1e-3 : 1e-4) || moves > 50 * nodes;
    };
    boost::kamada_kawai_spring_layout(graph, position_map, boost::get(boost::edge_weight, graph),
                                      Topology(), boost::side_length(side), done);
  }
  double min_x = std::numeric_limits<double>::max();
  double min_y = min_x;
  double max_x = std::numeric_limits<double>::lowest();
  double max_y = max_x;
  for (const Point& p : positions) {
    min_x = std::min(min_x, p[0]);
    max_x = std::max(max_x, p[0]);
    min_y = std::min(min_y, p[1]);
    max_y = std::max(max_y, p[1]);
  }
  const double span = std::max({max_x - min_x, max_y - min_y, 1e-9});
  for (std::size_t i = 0; i < nodes; ++i) {
    // Centred in the unit square, keeping the aspect ratio.
    result[i] = {0.5 + (positions[i][0] - (min_x + max_x) / 2) / span,
                 0.5 + (positions[i][1] - (min_y + max_y) / 2) / span};
  }
  return result;
}

namespace {

GraphNodeStatus status_of(sim::ProcessState state) {
  switch (state) {
    case sim::ProcessState::running: return GraphNodeStatus::alive;
    case sim::ProcessState::paused: return GraphNodeStatus::paused;
    case sim::ProcessState::killed: return GraphNodeStatus::killed;
    case sim::ProcessState::powered_off: return GraphNodeStatus::powered_off;
    case sim::ProcessState::stopped: return GraphNodeStatus::stopped;
    case sim::ProcessState::not_started: return GraphNodeStatus::not_started;
  }
  return GraphNodeStatus::alive;
}

bool same_nodes(const ClusterGraph& a, const ClusterGraph& b) {
  if (a.nodes.size() != b.nodes.size()) return false;
  for (std::size_t i = 0; i < a.nodes.size(); ++i) {
    if (a.nodes[i].name != b.nodes[i].name) return false;
  }
  return true;
}

}  // namespace

ClusterGraph read_cluster_graph(sim::cluster::KafkaCluster& cluster, const ClusterGraph& previous) {
  ClusterGraph graph;
  sim::World& world = cluster.world();
  const sim::network::Network& network = world.network();
  const sim::network::Topology& topology = network.topology();
  const std::optional<std::int32_t> controller = cluster.controller_id();
  const std::vector<sim::NodeId> ids = world.nodes();
  for (sim::NodeId id : ids) {
    const sim::network::NodeInfo& info = network.node(id);
    GraphNode node;
    node.name = info.name;
    switch (info.kind) {
      case sim::network::NodeKind::broker:
        node.kind = GraphNodeKind::broker;
        node.label = info.alias.empty() ? info.name : info.alias;
        node.broker_id = std::stoi(node.label);
        node.controller = controller && *controller == node.broker_id;
        break;
      case sim::network::NodeKind::metadata:
        node.kind = GraphNodeKind::zookeeper;
        node.label = "ZK";
        break;
      case sim::network::NodeKind::client:
        node.kind = GraphNodeKind::client;
        node.label = info.name;
        break;
    }
    node.status = status_of(world.host(id).state());
    graph.nodes.push_back(std::move(node));
  }
  // Links: every pair the cluster uses (clients talk to brokers only).
  for (std::size_t a = 0; a < graph.nodes.size(); ++a) {
    std::size_t blocked = 0;
    std::size_t peers = 0;
    for (std::size_t b = 0; b < graph.nodes.size(); ++b) {
      if (a == b) continue;
      ++peers;
      if (!topology.link_up(ids[a], ids[b])) ++blocked;
      if (b < a) continue;
      const bool client_a = graph.nodes[a].kind == GraphNodeKind::client;
      const bool client_b = graph.nodes[b].kind == GraphNodeKind::client;
      if ((client_a || client_b) &&
          (graph.nodes[a].kind != GraphNodeKind::broker && graph.nodes[b].kind != GraphNodeKind::broker)) {
        continue;
      }
      GraphLink link;
      link.a = a;
      link.b = b;
      link.cut = !topology.link_up(ids[a], ids[b]) || !topology.link_up(ids[b], ids[a]);
      link.slow = !topology.state(ids[a], ids[b]).slowdown.is_none() ||
                  !topology.state(ids[b], ids[a]).slowdown.is_none();
      graph.links.push_back(link);
    }
    graph.nodes[a].isolated = peers > 0 && blocked == peers;
  }
  if (same_nodes(graph, previous)) {
    for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
      graph.nodes[i].x = previous.nodes[i].x;
      graph.nodes[i].y = previous.nodes[i].y;
    }
  } else {
    std::vector<std::pair<std::size_t, std::size_t>> pairs;
    for (const GraphLink& link : graph.links) pairs.emplace_back(link.a, link.b);
    const auto positions = layout_graph(graph.nodes.size(), pairs);
    for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
      graph.nodes[i].x = positions[i].first;
      graph.nodes[i].y = positions[i].second;
    }
  }
  return graph;
}

std::vector<NodeAction> node_actions(const GraphNode& node, bool network_faulty) {
  std::vector<NodeAction> actions;
  if (node.kind == GraphNodeKind::broker) {
    const std::string target = fmt::format("broker {}", node.broker_id);
    switch (node.status) {
      case GraphNodeStatus::alive:
        actions.push_back({"kill -9", "kill -9 " + target});
        actions.push_back({"Power off", "power-off " + target});
        actions.push_back({"Controlled shutdown", "shutdown " + target});
        actions.push_back({"Pause (SIGSTOP)", "pause " + target});
        break;
      case GraphNodeStatus::paused:
        actions.push_back({"Resume (SIGCONT)", "resume " + target});
        actions.push_back({"kill -9", "kill -9 " + target});
        actions.push_back({"Power off", "power-off " + target});
        break;
      case GraphNodeStatus::killed:
      case GraphNodeStatus::powered_off:
      case GraphNodeStatus::stopped:
      case GraphNodeStatus::not_started:
        actions.push_back({"Start", "start " + target});
        break;
    }
    if (!node.isolated) actions.push_back({"Isolate", "isolate " + target});
  } else if (node.kind == GraphNodeKind::zookeeper) {
    if (!node.isolated) actions.push_back({"Isolate", "isolate zookeeper"});
  }
  if (network_faulty) actions.push_back({"Heal the network", "heal"});
  return actions;
}

}  // namespace ksim::gui
