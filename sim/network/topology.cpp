#include "sim/network/topology.h"

#include <algorithm>
#include <boost/graph/connected_components.hpp>

#include "sim/kernel/assert.h"
#include "sim/network/errors.h"

namespace ksim::sim::network {

namespace {
using UndirectedGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;

std::string join_names(const Topology& topology, const std::vector<NodeId>& nodes) {
  std::string text;
  for (NodeId n : nodes) {
    if (!text.empty()) text += ',';
    text += topology.info(n).display_name();
  }
  return text;
}
}  // namespace

Topology::Topology(NetworkOptions options) : options_(std::move(options)) { options_.validate(); }

void Topology::check_node(NodeId node) const {
  KSIM_SIM_ASSERT(!node.is_none() && static_cast<std::size_t>(node.value) < size(),
                  "unknown NodeId " + node.to_string());
}

const HostState& Topology::host(NodeId node) const {
  check_node(node);
  return graph_[vertex(node)];
}
HostState& Topology::host(NodeId node) {
  check_node(node);
  return graph_[vertex(node)];
}

NodeId Topology::add_node(NodeKind kind, std::string name, std::string alias) {
  if (name.empty()) throw NetworkError("a node needs a name");
  if (find(name)) throw NetworkError("a node named '" + name + "' already exists");
  if (!alias.empty() && find(alias)) {
    throw NetworkError("a node named '" + alias + "' already exists (alias of '" + name + "')");
  }
  HostState host;
  host.info.id = NodeId{static_cast<std::int32_t>(size())};
  host.info.kind = kind;
  host.info.name = std::move(name);
  host.info.alias = std::move(alias);
  // add_vertex(graph) then assign: the overload taking the property trips GCC 12's
  // -Wuninitialized inside Boost's named-graph support under the sanitizers.
  const Vertex v = boost::add_vertex(graph_);
  graph_[v] = std::move(host);
  LinkState link;
  link.options = options_.link;
  for (Vertex u = 0; u < v; ++u) {
    boost::add_edge(u, v, link, graph_);
    boost::add_edge(v, u, link, graph_);
  }
  LinkState loopback;
  loopback.options.latency = Latency::fixed(options_.loopback_latency);
  loopback.loopback = true;
  boost::add_edge(v, v, loopback, graph_);
  const NodeId id = graph_[v].info.id;
  return id;
}

std::vector<NodeId> Topology::nodes() const {
  std::vector<NodeId> all;
  all.reserve(size());
  for (std::size_t i = 0; i < size(); ++i) all.push_back(NodeId{static_cast<std::int32_t>(i)});
  return all;
}

std::optional<NodeId> Topology::find(std::string_view name) const {
  for (Vertex v = 0; v < size(); ++v) {
    const NodeInfo& info = graph_[v].info;
    if (info.name == name || (!info.alias.empty() && info.alias == name)) return info.id;
  }
  return std::nullopt;
}

NodeId Topology::resolve(std::string_view name) const {
  if (auto node = find(name)) return *node;
  throw NetworkError("unknown node '" + std::string(name) + "'");
}

Link Topology::link(NodeId from, NodeId to) const {
  check_node(from);
  check_node(to);
  const auto [edge, found] = boost::edge(vertex(from), vertex(to), graph_);
  KSIM_SIM_ASSERT(found, "every ordered pair of nodes has a link");
  return edge;
}

void Topology::set_link_options(NodeId from, NodeId to, const LinkOptions& options) {
  KSIM_SIM_ASSERT(from != to, "loopback links have fixed options");
  options.validate();
  state(link(from, to)).options = options;
}

void Topology::set_link_options_both(NodeId a, NodeId b, const LinkOptions& options) {
  set_link_options(a, b, options);
  set_link_options(b, a, options);
}

void Topology::block(NodeId from, NodeId to) {
  if (from == to) return;  // loopback is never cut
  LinkState& s = state(link(from, to));
  if (!s.blocked) {
    s.blocked = true;
    ++s.generation;
  }
}

void Topology::unblock(NodeId from, NodeId to) {
  if (from == to) return;
  state(link(from, to)).blocked = false;
}

void Topology::cut_link(NodeId a, NodeId b) {
  KSIM_SIM_ASSERT(a != b, "cut_link needs two different nodes");
  block(a, b);
  block(b, a);
}

void Topology::drop_one_way(NodeId from, NodeId to) {
  KSIM_SIM_ASSERT(from != to, "drop_one_way needs two different nodes");
  block(from, to);
}

void Topology::isolate(NodeId node) {
  for (NodeId other : nodes()) {
    block(node, other);
    block(other, node);
  }
}

void Topology::split(const std::vector<std::vector<NodeId>>& sides) {
  std::vector<int> side_of(size(), -1);
  for (std::size_t s = 0; s < sides.size(); ++s) {
    for (NodeId n : sides[s]) {
      check_node(n);
      KSIM_SIM_ASSERT(side_of[vertex(n)] < 0, "a node on two sides of a split");
      side_of[vertex(n)] = static_cast<int>(s);
    }
  }
  for (NodeId a : nodes()) {
    for (NodeId b : nodes()) {
      const int sa = side_of[vertex(a)];
      const int sb = side_of[vertex(b)];
      if (sa >= 0 && sb >= 0 && sa != sb) block(a, b);
    }
  }
}

void Topology::slow_link(NodeId a, NodeId b, const Slowdown& slowdown) {
  slow_one_way(a, b, slowdown);
  slow_one_way(b, a, slowdown);
}

void Topology::slow_one_way(NodeId from, NodeId to, const Slowdown& slowdown) {
  KSIM_SIM_ASSERT(from != to, "loopback cannot be slowed");
  slowdown.validate();
  state(link(from, to)).slowdown = slowdown;
}

void Topology::heal() {
  for (NodeId n : nodes()) heal_node(n);
}

void Topology::heal_link(NodeId a, NodeId b) {
  for (auto [from, to] : {std::pair{a, b}, std::pair{b, a}}) {
    if (from == to) continue;
    LinkState& s = state(link(from, to));
    s.blocked = false;
    s.slowdown = Slowdown{};
  }
}

void Topology::heal_node(NodeId node) {
  for (NodeId other : nodes()) heal_link(node, other);
}

bool Topology::link_up(NodeId from, NodeId to) const { return !state(link(from, to)).blocked; }

bool Topology::reachable(NodeId from, NodeId to) const {
  return link_up(from, to) && host(from).host_up && host(to).host_up;
}

std::vector<std::vector<NodeId>> Topology::split_sides() const {
  // The nodes touched by a blocked edge, in id order.
  std::vector<NodeId> affected;
  for (NodeId a : nodes()) {
    for (NodeId b : nodes()) {
      if (a != b && (!link_up(a, b) || !link_up(b, a))) {
        affected.push_back(a);
        break;
      }
    }
  }
  if (affected.empty()) return {};

  UndirectedGraph working(affected.size());
  for (std::size_t i = 0; i < affected.size(); ++i) {
    for (std::size_t j = i + 1; j < affected.size(); ++j) {
      if (link_up(affected[i], affected[j]) && link_up(affected[j], affected[i])) {
        boost::add_edge(i, j, working);
      }
    }
  }
  std::vector<std::size_t> component(affected.size());
  const std::size_t count = boost::connected_components(working, component.data());

  // Components numbered in order of their first (lowest) node, as connected_components visits
  // vertices in order.
  std::vector<std::vector<NodeId>> sides(count);
  for (std::size_t i = 0; i < affected.size(); ++i) sides[component[i]].push_back(affected[i]);

  // A clean split: inside a side every link works both ways, across sides none works at all.
  for (std::size_t i = 0; i < affected.size(); ++i) {
    for (std::size_t j = 0; j < affected.size(); ++j) {
      if (i == j) continue;
      const bool up = link_up(affected[i], affected[j]);
      if (up != (component[i] == component[j])) return {};
    }
  }
  return sides;
}

std::string Topology::describe() const {
  std::vector<std::string> parts;
  const auto name = [&](NodeId n) { return info(n).display_name(); };

  const auto sides = split_sides();
  const bool all_singletons =
      std::all_of(sides.begin(), sides.end(), [](const auto& side) { return side.size() == 1; });
  if (!sides.empty() && !all_singletons) {
    std::size_t in_sides = 0;
    for (const auto& side : sides) in_sides += side.size();
    if (sides.size() == 2 && in_sides == size() && (sides[0].size() == 1 || sides[1].size() == 1)) {
      parts.push_back("isolated: " + name(sides[0].size() == 1 ? sides[0][0] : sides[1][0]));
    } else {
      std::string text = "split: ";
      for (std::size_t s = 0; s < sides.size(); ++s) {
        if (s > 0) text += " | ";
        text += "{" + join_names(*this, sides[s]) + "}";
      }
      parts.push_back(text);
    }
  } else {
    std::string cuts;
    std::string drops;
    for (NodeId a : nodes()) {
      for (NodeId b : nodes()) {
        if (a.value >= b.value) continue;
        const bool ab = link_up(a, b);
        const bool ba = link_up(b, a);
        auto add = [](std::string& list, const std::string& item) {
          list += list.empty() ? item : ", " + item;
        };
        if (!ab && !ba) add(cuts, name(a) + "<->" + name(b));
        if (!ab && ba) add(drops, name(a) + "->" + name(b));
        if (ab && !ba) add(drops, name(b) + "->" + name(a));
      }
    }
    if (!cuts.empty()) parts.push_back("cut: " + cuts);
    if (!drops.empty()) parts.push_back("one-way drop: " + drops);
  }

  std::string slow;
  for (NodeId a : nodes()) {
    for (NodeId b : nodes()) {
      if (a.value >= b.value) continue;
      const Slowdown& ab = state(a, b).slowdown;
      const Slowdown& ba = state(b, a).slowdown;
      auto add = [&slow](const std::string& item) { slow += slow.empty() ? item : ", " + item; };
      if (!ab.is_none() && ab == ba) {
        add(name(a) + "<->" + name(b) + " " + ab.to_string());
        continue;
      }
      if (!ab.is_none()) add(name(a) + "->" + name(b) + " " + ab.to_string());
      if (!ba.is_none()) add(name(b) + "->" + name(a) + " " + ba.to_string());
    }
  }
  if (!slow.empty()) parts.push_back("slow: " + slow);

  std::vector<NodeId> off;
  std::vector<NodeId> down;
  for (NodeId n : nodes()) {
    if (!host(n).host_up) {
      off.push_back(n);
    } else if (!host(n).process_up) {
      down.push_back(n);
    }
  }
  if (!off.empty()) parts.push_back("host off: " + join_names(*this, off));
  if (!down.empty()) parts.push_back("process down: " + join_names(*this, down));

  if (parts.empty()) return "healthy";
  std::string text;
  for (const auto& part : parts) text += text.empty() ? part : "; " + part;
  return text;
}

}  // namespace ksim::sim::network
