// Network, part two: nodes, link options, faults given as text, and the process layer's hooks
// (a process killed, a host powered off or on). The TCP model is in network.cpp.
#include "sim/kernel/assert.h"
#include "sim/network/network.h"
#include "sim/network/split.h"

namespace ksim::sim::network {

std::string ConnectionId::to_string() const {
  return "#" + std::to_string(connection) + (side == 0 ? "/initiator" : "/acceptor");
}

std::string_view to_string(DisconnectReason reason) {
  switch (reason) {
    case DisconnectReason::refused:
      return "refused";
    case DisconnectReason::reset:
      return "reset";
    case DisconnectReason::timeout:
      return "timeout";
    case DisconnectReason::closed:
      return "closed";
  }
  return "?";
}

Network::Network(Simulation& sim, NetworkOptions options)
    : sim_(sim),
      options_(std::move(options)),
      topology_(options_),
      kind_connect_(sim.event_kind("net.connect")),
      kind_connected_(sim.event_kind("net.connected")),
      kind_connect_retry_(sim.event_kind("net.connect_retry")),
      kind_deliver_(sim.event_kind("net.deliver")),
      kind_retransmit_(sim.event_kind("net.retransmit")),
      kind_reset_(sim.event_kind("net.reset")) {
  RunHeader& header = sim_.header();
  header.set("network.latency", options_.link.latency.to_string());
  header.set("network.loss", options_.link.loss);
  header.set("network.bandwidth_bytes_per_s", options_.link.bandwidth_bytes_per_s);
  header.set("network.loopback_latency", options_.loopback_latency);
  header.set("network.tcp.rto_min", options_.tcp.rto_min);
  header.set("network.tcp.rto_max", options_.tcp.rto_max);
  header.set("network.tcp.user_timeout", options_.tcp.user_timeout);
  header.set("network.tcp.syn_rto", options_.tcp.syn_rto);
  header.set("network.tcp.connect_timeout", options_.tcp.connect_timeout);
}

NodeId Network::add_node(NodeKind kind, std::string name, std::string alias) {
  const NodeId id = topology_.add_node(kind, std::move(name), std::move(alias));
  handlers_.push_back(nullptr);
  return id;
}

NodeId Network::add_broker(std::int32_t broker_id) {
  return add_node(NodeKind::broker, "broker " + std::to_string(broker_id),
                  std::to_string(broker_id));
}

void Network::set_handlers(NodeId node, NodeHandlers h) {
  topology_.host(node);  // checks the id
  handlers_[static_cast<std::size_t>(node.value)] = std::make_shared<NodeHandlers>(std::move(h));
}

void Network::set_link_options(NodeId a, NodeId b, const LinkOptions& options) {
  topology_.set_link_options_both(a, b, options);
  sim_.header().set("network.link." + node(a).display_name() + "<->" + node(b).display_name(),
                    options.to_string());
}

void Network::set_link_options_one_way(NodeId from, NodeId to, const LinkOptions& options) {
  topology_.set_link_options(from, to, options);
  sim_.header().set("network.link." + node(from).display_name() + "->" + node(to).display_name(),
                    options.to_string());
}

void Network::split(std::string_view sides) { topology_.split(parse_split(sides, topology_)); }

void Network::set_process_up(NodeId node, bool up) {
  HostState& host = topology_.host(node);
  if (up) {
    KSIM_SIM_ASSERT(host.host_up,
                    "a process cannot start on " + host.info.name + ", whose host is off");
    host.process_up = true;
    return;
  }
  if (!host.process_up) return;
  host.process_up = false;
  end_node(node, true);
}

void Network::set_host_up(NodeId node, bool up) {
  HostState& host = topology_.host(node);
  if (up) {
    host.host_up = true;  // the process stays down until set_process_up(node, true)
    return;
  }
  if (!host.host_up) return;
  host.host_up = false;
  ++host.power_generation;
  if (host.process_up) {
    host.process_up = false;
    end_node(node, false);
  }
}

// Every end the node holds is gone; with `send_resets` (the process died, the kernel lives)
// each peer still holding its end is sent an RST.
void Network::end_node(NodeId node, bool send_resets) {
  const std::vector<std::uint32_t> live(live_.begin(), live_.end());
  for (std::uint32_t index : live) {
    Connection& c = conn(index);
    bool ended[2] = {false, false};
    for (int side = 0; side < 2; ++side) {
      const auto s = static_cast<std::size_t>(side);
      if (c.ends[s].node == node && (c.ends[s].socket || c.ends[s].app)) {
        ended[s] = true;
        c.ends[s].app = false;
        c.ends[s].socket = false;
      }
    }
    for (int side = 0; side < 2; ++side) {
      if (!ended[side]) continue;
      if (send_resets) send_reset(c, side);
      drop_end(c, side);
    }
  }
}

}  // namespace ksim::sim::network
