// Topology: the network as a Boost.Graph. Every node (broker, metadata service, client) is a
// vertex; every ordered pair of nodes is joined by a directed edge carrying that direction's
// link options and fault state, so a link A<->B is two edges and one-way faults are natural.
// Each node also has a loopback self-edge that no fault touches.
//
// Reachability is read from the graph, never stored beside it: a packet from A reaches B when
// the edge A->B is not blocked and both hosts are powered. It is one hop on purpose: hosts do
// not forward each other's packets, so reachability is not transitive. A "bridge" (ZooKeeper
// sees both sides of a split that do not see each other) is a state Kafka must survive, and a
// transitive closure would hide it.
//
// Faults change edge state only: cut_link blocks both directions, drop_one_way one, isolate
// every edge of a node, split every edge between two sides; slow_link slows both directions;
// heal clears it all, heal_link one link, heal_node one node's links. Faults add up: a split
// after a cut keeps the cut. Connected components of the graph of fully working links
// recognise a split when describing the state ("split: {1,2} | {3}").
//
// The graph uses vecS for vertices and out-edges, so every iteration is in insertion order,
// and edges are never removed, so edge descriptors stay valid (the edge properties live on
// the heap, owned by the out-edge entries).
#pragma once

#include <boost/graph/adjacency_list.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/kernel/event.h"
#include "sim/kernel/sim_time.h"
#include "sim/network/link_options.h"
#include "sim/network/node.h"

namespace ksim::sim::network {

// One node's vertex: who it is and whether its machine and its process are running.
struct HostState {
  NodeInfo info;
  bool host_up = true;
  bool process_up = true;
  // Bumped each time the host powers off: a packet on its way before that never arrives.
  std::uint64_t power_generation = 0;
};

// One direction of a link.
struct LinkState {
  LinkOptions options;
  bool blocked = false;
  Slowdown slowdown;
  // Bumped each time the direction becomes blocked: a packet on the wire then is lost.
  std::uint64_t generation = 0;
  // Bandwidth: when the link finishes sending what is queued on it.
  SimTime busy_until;
  bool loopback = false;
};

using Graph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, HostState, LinkState>;
using Link = Graph::edge_descriptor;

class Topology {
 public:
  explicit Topology(NetworkOptions options);

  // --- Nodes -----------------------------------------------------------------------------
  // Adds a node linked both ways to every node already there (with the default link options)
  // and to itself (loopback). Names and aliases are unique; a clash throws NetworkError.
  NodeId add_node(NodeKind kind, std::string name, std::string alias = {});
  std::size_t size() const { return boost::num_vertices(graph_); }
  std::vector<NodeId> nodes() const;
  const NodeInfo& info(NodeId node) const { return host(node).info; }
  // The node whose name or alias is `name`.
  std::optional<NodeId> find(std::string_view name) const;
  // The same, throwing NetworkError("unknown node 'x'") when there is none.
  NodeId resolve(std::string_view name) const;

  const HostState& host(NodeId node) const;
  HostState& host(NodeId node);

  // --- Links -----------------------------------------------------------------------------
  Link link(NodeId from, NodeId to) const;
  const LinkState& state(Link link) const { return graph_[link]; }
  LinkState& state(Link link) { return graph_[link]; }
  const LinkState& state(NodeId from, NodeId to) const { return graph_[link(from, to)]; }
  // Options of one direction, or of both (a != b). Throws NetworkError when invalid.
  void set_link_options(NodeId from, NodeId to, const LinkOptions& options);
  void set_link_options_both(NodeId a, NodeId b, const LinkOptions& options);

  // --- Faults ----------------------------------------------------------------------------
  void cut_link(NodeId a, NodeId b);
  void drop_one_way(NodeId from, NodeId to);
  void isolate(NodeId node);
  // Blocks both directions between every two nodes on different sides. Nodes on no side keep
  // their links. A node on two sides is a programmer error (parse_split reports it as input).
  void split(const std::vector<std::vector<NodeId>>& sides);
  void slow_link(NodeId a, NodeId b, const Slowdown& slowdown);
  void slow_one_way(NodeId from, NodeId to, const Slowdown& slowdown);
  void heal();
  void heal_link(NodeId a, NodeId b);
  void heal_node(NodeId node);

  // --- Reachability (read from the graph) ------------------------------------------------
  // The edge from->to carries packets (the hosts aside). A node always reaches itself.
  bool link_up(NodeId from, NodeId to) const;
  // A packet sent now from `from` arrives at `to`'s host: the link is up and both hosts are
  // powered.
  bool reachable(NodeId from, NodeId to) const;
  // The sides of a clean split, when the blocked edges are exactly those between the sides
  // (among the nodes that have a blocked edge at all); otherwise empty. Found with
  // boost::connected_components on the graph of links that work both ways.
  std::vector<std::vector<NodeId>> split_sides() const;

  // The fault state as one line for transcripts: "healthy", "split: {1,2} | {3}",
  // "isolated: 3", "cut: 1<->3; one-way drop: 2->3; slow: 1<->2 +50ms; host off: 3".
  std::string describe() const;

 private:
  using Vertex = Graph::vertex_descriptor;
  static Vertex vertex(NodeId node) { return static_cast<Vertex>(node.value); }
  void check_node(NodeId node) const;
  void block(NodeId from, NodeId to);
  void unblock(NodeId from, NodeId to);

  NetworkOptions options_;
  Graph graph_;
};

}  // namespace ksim::sim::network
