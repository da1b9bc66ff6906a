// Network: the simulated network of a ksim run. Nodes (brokers, the metadata service,
// clients) live in a Topology (a Boost.Graph with per-direction link state and faults); nodes
// talk over simulated TCP connections driven by the Simulation's events.
//
// The TCP model (what the layers above can rely on):
// - connect(from, to) returns the initiator's end at once. The SYN travels the link; if the
//   acceptor's process is up, the acceptor gets on_accepted and the initiator on_connected one
//   round trip later. Messages sent before that wait and go out in order once connected.
// - Each direction is FIFO: messages are delivered in the order sent, never twice, and never
//   overtake each other on the wire.
// - Loss is not message loss: a lost transmission (random loss, a cut or one-way-dropped link,
//   a powered-off receiver) is sent again after the retransmission timeout (rto_min + twice
//   the typical latency, doubling up to rto_max), so it arrives late and holds back the
//   messages behind it. A short cut that heals in time costs only delay: the connection lives.
// - A segment counts as acknowledged when it reaches the receiver's host while the reverse
//   direction is up; with the reverse direction down it is delivered but the sender keeps
//   retransmitting (a one-way drop breaks both directions of TCP).
// - How an end learns its connection is gone (on_disconnect, never a silent hang):
//   refused: the SYN reached a host where no process listens (RST, one round trip);
//   reset:   a segment reached a host where no process holds the connection any more (the
//            process died or the host restarted), or the peer's process died and its kernel
//            sent an RST: one one-way latency after the death, behind what was already sent;
//   timeout: a segment stayed unacknowledged for tcp.user_timeout (924.6 s, Linux's default),
//            or a SYN for tcp.connect_timeout (127 s): the peer is unreachable or powered off;
//   closed:  the peer closed it in order; everything it sent before arrives first.
//   Every message sent on an open connection is delivered, or its sender gets on_disconnect
//   (or its sender closed the connection or died). A broken connection stays broken: healing
//   the network does not revive it; the application connects again.
// - RSTs, SYN-ACKs and acknowledgements are not subject to random loss, only to cuts.
// - A node's process and host are switched by the process layer: set_process_up(node, false)
//   is kill -9 (the kernel resets the node's connections), set_host_up(node, false) is power
//   off (nothing is sent; peers time out). A dead node gets no callbacks; its connections are
//   gone for good (a restarted process connects anew).
//
// Determinism: every draw comes from a stream of the connection's own, named after its ends
// and how many connections the initiator opened to that acceptor before
// ("network/producer-1->broker 1#0/initiator"), so adding nodes or connections never changes
// another connection's draws. Every iteration is in id order. Each delivery, lost
// transmission and disconnect is folded into sim.digest().
//
// The Network must outlive the runs of its Simulation: pending events point to it.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/kernel/simulation.h"
#include "sim/network/connection.h"
#include "sim/network/errors.h"
#include "sim/network/link_options.h"
#include "sim/network/message.h"
#include "sim/network/node.h"
#include "sim/network/topology.h"

namespace ksim::sim::network {

// One end of a connection, like a socket: the initiator's comes from connect(), the
// acceptor's with on_accepted. Sends and closes name an end; callbacks carry the end they are
// for. Printed "#3/initiator", "#3/acceptor".
struct ConnectionId {
  std::uint32_t connection = 0;  // 0: none; connections count from 1
  std::uint8_t side = 0;         // 0: the initiator's end, 1: the acceptor's

  bool is_none() const { return connection == 0; }
  ConnectionId peer_end() const { return {connection, static_cast<std::uint8_t>(1 - side)}; }
  std::string to_string() const;
  friend constexpr auto operator<=>(ConnectionId, ConnectionId) = default;
};

enum class DisconnectReason : std::uint8_t { refused, reset, timeout, closed };
std::string_view to_string(DisconnectReason reason);

struct Delivery {
  ConnectionId connection;  // the receiving end
  NodeId from;
  NodeId to;
  std::uint64_t sequence = 0;  // per direction of the connection, from 0
  SimTime sent_at;
  Message message;
};

// What a node does when the network reaches it. Empty functions are skipped. Do not replace a
// node's handlers from inside one of its own callbacks.
struct NodeHandlers {
  std::function<void(Delivery&)> on_message;
  std::function<void(ConnectionId, NodeId peer)> on_connected;  // initiator: handshake done
  std::function<void(ConnectionId, NodeId peer)> on_accepted;   // acceptor: a new connection
  std::function<void(ConnectionId, NodeId peer, DisconnectReason)> on_disconnect;
};

struct NetworkStats {
  std::uint64_t connections = 0;
  std::uint64_t messages_sent = 0;
  std::uint64_t messages_delivered = 0;
  std::uint64_t transmissions = 0;    // of data and FIN segments, first ones and again
  std::uint64_t retransmissions = 0;  // of those, the agains
  std::uint64_t lost = 0;             // transmissions of any segment lost (loss, cut, power)
  std::uint64_t resets_sent = 0;
  // Disconnects by reason, as the ends saw them (an end whose process died sees none).
  std::uint64_t refused = 0;
  std::uint64_t reset = 0;
  std::uint64_t timeout = 0;
  std::uint64_t closed = 0;
  // Sends on an end the network had already ended (the process had not heard yet).
  std::uint64_t sends_after_disconnect = 0;
};

// A message's name for traces ("FetchRequest"), or empty when unknown; the layer that knows
// the payloads provides it (the network never looks inside).
using MessageNamer = std::string_view (*)(const Message& message);

class Network {
 public:
  explicit Network(Simulation& sim, NetworkOptions options = {});
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  Simulation& simulation() { return sim_; }
  const NetworkOptions& options() const { return options_; }
  const NetworkStats& stats() const { return stats_; }

  // --- Nodes -----------------------------------------------------------------------------
  NodeId add_node(NodeKind kind, std::string name, std::string alias = {});
  // "broker <id>", alias "<id>".
  NodeId add_broker(std::int32_t broker_id);
  NodeId add_metadata(std::string name = "zookeeper") {
    return add_node(NodeKind::metadata, std::move(name));
  }
  NodeId add_client(std::string name) { return add_node(NodeKind::client, std::move(name)); }
  void set_handlers(NodeId node, NodeHandlers handlers);
  const Topology& topology() const { return topology_; }
  const NodeInfo& node(NodeId id) const { return topology_.info(id); }
  // By name or alias; throws NetworkError when unknown.
  NodeId resolve(std::string_view name) const { return topology_.resolve(name); }

  // --- Links and faults (see Topology) ---------------------------------------------------
  void set_link_options(NodeId a, NodeId b, const LinkOptions& options);  // both directions
  void set_link_options_one_way(NodeId from, NodeId to, const LinkOptions& options);
  void cut_link(NodeId a, NodeId b) { topology_.cut_link(a, b); }
  void drop_one_way(NodeId from, NodeId to) { topology_.drop_one_way(from, to); }
  void isolate(NodeId node) { topology_.isolate(node); }
  void split(const std::vector<std::vector<NodeId>>& sides) { topology_.split(sides); }
  // "1,2 | 3" (see split.h); throws NetworkError on bad input.
  void split(std::string_view sides);
  void slow_link(NodeId a, NodeId b, const Slowdown& slowdown) {
    topology_.slow_link(a, b, slowdown);
  }
  void slow_one_way(NodeId from, NodeId to, const Slowdown& slowdown) {
    topology_.slow_one_way(from, to, slowdown);
  }
  void heal() { topology_.heal(); }
  void heal_link(NodeId a, NodeId b) { topology_.heal_link(a, b); }
  void heal_node(NodeId node) { topology_.heal_node(node); }
  bool reachable(NodeId from, NodeId to) const { return topology_.reachable(from, to); }
  std::string describe() const { return topology_.describe(); }

  // --- Hosts and processes (the process layer's hooks) -----------------------------------
  // kill -9 (false) or a fresh process (true; needs the host up). A dying process's kernel
  // resets every connection it held.
  void set_process_up(NodeId node, bool up);
  // Power off (false: the process dies with it, nothing is sent, packets to it are lost) or on
  // (true: the host answers again, with resets, until set_process_up(node, true)).
  void set_host_up(NodeId node, bool up);
  bool process_up(NodeId node) const { return topology_.host(node).process_up; }
  bool host_up(NodeId node) const { return topology_.host(node).host_up; }

  // --- Connections -----------------------------------------------------------------------
  // Opens a connection from `from` (whose process must be up) to `to`.
  ConnectionId connect(NodeId from, NodeId to);
  // Sends on an end the node holds (is_open). Delivered in order, or the end is told.
  void send(ConnectionId end, Message message);
  // Closes an end in order: what was sent still arrives, then the peer sees `closed`.
  void close(ConnectionId end);
  // The application at this end holds it: it may send and will get callbacks.
  bool is_open(ConnectionId end) const;
  // The initiator's end got on_connected.
  bool is_established(ConnectionId end) const;
  NodeId node_of(ConnectionId end) const;
  NodeId peer_of(ConnectionId end) const;
  // Messages (and a FIN) sent from this end and not yet acknowledged.
  std::size_t unacknowledged(ConnectionId end) const;

  // --- Traces ----------------------------------------------------------------------------
  // While a trace is written, each delivery notes its sender ("from") and the messages' names
  // ("m", through this namer) in the event's details; nullptr: senders only.
  void set_message_namer(MessageNamer namer) { message_namer_ = namer; }

 private:
  using Connection = detail::Connection;
  using Segment = detail::Segment;
  using Stream = detail::Stream;

  Connection& conn(std::uint32_t index);
  const Connection& conn(ConnectionId end) const;
  Connection& conn(ConnectionId end) { return conn(end.connection); }

  // Handshake.
  void transmit_syn(Connection& c);
  void on_syn_arrival(std::uint32_t index, std::uint64_t link_generation,
                      std::uint64_t power_generation);
  void send_syn_ack(Connection& c);
  void on_syn_ack_arrival(std::uint32_t index, std::uint64_t link_generation,
                          std::uint64_t power_generation);
  void on_syn_timer(std::uint32_t index);
  void establish(Connection& c);

  // Segments.
  void transmit(Connection& c, int side, std::uint64_t sequence);
  void arm_retransmit(Connection& c, int side, Segment& segment);
  void on_retransmit_timer(std::uint32_t index, int side, std::uint64_t sequence);
  void on_segment_arrival(std::uint32_t index, int side, std::uint64_t sequence);
  void deliver_in_order(std::uint32_t index, int side);
  void pop_finished(Stream& stream);

  // Ends.
  void send_reset(Connection& c, int from_side);
  void on_reset_arrival(std::uint32_t index, int to_side, std::uint64_t link_generation,
                        std::uint64_t power_generation);
  void abort_end(Connection& c, int side, DisconnectReason reason);
  void drop_end(Connection& c, int side);
  void maybe_release(Connection& c, int side);
  void maybe_tear_down(Connection& c);
  void end_node(NodeId node, bool send_resets);

  // Helpers.
  bool arrives(const LinkState& link, NodeId receiver, std::uint64_t link_generation,
               std::uint64_t power_generation) const;
  bool path_open(const LinkState& link, NodeId receiver) const;
  SimDuration draw_latency(Stream& stream, const LinkState& link);
  SimDuration initial_rto(const LinkState& link) const;
  SimTime next_arrival(Stream& stream, SimTime earliest);
  void record_loss(const Connection& c, int side, std::uint64_t sequence);
  std::shared_ptr<NodeHandlers> handlers(NodeId node) const;

  Simulation& sim_;
  NetworkOptions options_;
  Topology topology_;
  NetworkStats stats_;
  std::vector<std::shared_ptr<NodeHandlers>> handlers_;
  // Connections by index - 1; a deque, so references stay valid as connections are added.
  std::deque<Connection> connections_;
  // Connections some kernel still holds, in id order.
  std::set<std::uint32_t> live_;
  // How many connections each (initiator, acceptor) pair opened: names the streams.
  std::map<std::pair<std::int32_t, std::int32_t>, std::uint32_t> opened_;

  EventKind kind_connect_;
  EventKind kind_connected_;
  EventKind kind_connect_retry_;
  EventKind kind_deliver_;
  EventKind kind_retransmit_;
  EventKind kind_reset_;
  MessageNamer message_namer_ = nullptr;
};

}  // namespace ksim::sim::network
