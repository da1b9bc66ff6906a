// Network, part one: the simulated TCP connections (handshake, segments, retransmission,
// in-order delivery, resets, timeouts). Nodes, faults and the hooks of the process layer are in
// network_nodes.cpp.
#include "sim/network/network.h"

#include <algorithm>

#include "sim/kernel/assert.h"

namespace ksim::sim::network {

namespace {
__extension__ using u128 = unsigned __int128;

// Tags that keep the digest's kinds of effect apart.
constexpr std::uint64_t kDigestDelivery = 0x6e65742e64656c76;    // "net.delv"
constexpr std::uint64_t kDigestLoss = 0x6e65742e6c6f7373;        // "net.loss"
constexpr std::uint64_t kDigestDisconnect = 0x6e65742e64697363;  // "net.disc"

SimDuration serialisation(std::uint64_t size_bytes, std::uint64_t bandwidth_bytes_per_s) {
  if (bandwidth_bytes_per_s == 0 || size_bytes == 0) return SimDuration::zero();
  const u128 us = (static_cast<u128>(size_bytes) * 1'000'000 + bandwidth_bytes_per_s - 1) /
                  bandwidth_bytes_per_s;
  KSIM_SIM_ASSERT(us <= static_cast<u128>(SimDuration::max().to_us()),
                  "serialisation delay overflows");
  return SimDuration::from_us(static_cast<std::int64_t>(us));
}
}  // namespace

// --- Helpers -------------------------------------------------------------------------------

Network::Connection& Network::conn(std::uint32_t index) {
  KSIM_SIM_ASSERT(index >= 1 && index <= connections_.size(),
                  "unknown connection #" + std::to_string(index));
  return connections_[index - 1];
}

const Network::Connection& Network::conn(ConnectionId end) const {
  KSIM_SIM_ASSERT(end.connection >= 1 && end.connection <= connections_.size() && end.side <= 1,
                  "unknown connection end " + end.to_string());
  return connections_[end.connection - 1];
}

bool Network::path_open(const LinkState& link, NodeId receiver) const {
  return !link.blocked && topology_.host(receiver).host_up;
}

bool Network::arrives(const LinkState& link, NodeId receiver, std::uint64_t link_generation,
                      std::uint64_t power_generation) const {
  const HostState& host = topology_.host(receiver);
  return !link.blocked && link.generation == link_generation && host.host_up &&
         host.power_generation == power_generation;
}

SimDuration Network::draw_latency(Stream& stream, const LinkState& link) {
  return link.slowdown.apply(link.options.latency.draw(stream.prng));
}

SimDuration Network::initial_rto(const LinkState& link) const {
  const SimDuration round_trip = link.slowdown.apply(link.options.latency.typical()) * 2;
  return std::min(options_.tcp.rto_min + round_trip, options_.tcp.rto_max);
}

SimTime Network::next_arrival(Stream& stream, SimTime earliest) {
  stream.wire_clear = std::max(earliest, stream.wire_clear);
  return stream.wire_clear;
}

void Network::record_loss(const Connection& c, int side, std::uint64_t sequence) {
  ++stats_.lost;
  StateDigest& d = sim_.digest();
  d.mix_word(kDigestLoss);
  d.mix(c.index);
  d.mix(side);
  d.mix(sequence);
}

std::shared_ptr<NodeHandlers> Network::handlers(NodeId node) const {
  return handlers_[static_cast<std::size_t>(node.value)];
}

// --- Handshake -----------------------------------------------------------------------------

ConnectionId Network::connect(NodeId from, NodeId to) {
  KSIM_SIM_ASSERT(process_up(from), "connect from " + node(from).name + " whose process is down");
  topology_.host(to);  // checks the id
  const auto index = static_cast<std::uint32_t>(connections_.size() + 1);
  const std::uint32_t nth = opened_[{from.value, to.value}]++;
  const Prng& root = sim_.prng("network");
  const Prng base = root.fork(node(from).name + "->" + node(to).name + "#" + std::to_string(nth));
  Connection& c = connections_.emplace_back(index, base.fork("initiator"), base.fork("acceptor"));
  c.ends[0] = detail::Endpoint{from, true, true};
  c.ends[1] = detail::Endpoint{to, false, false};
  c.streams[0].link = topology_.link(from, to);
  c.streams[0].reverse = topology_.link(to, from);
  c.streams[1].link = c.streams[0].reverse;
  c.streams[1].reverse = c.streams[0].link;
  c.connect_started = sim_.now();
  c.syn_rto = options_.tcp.syn_rto;
  live_.insert(index);
  ++stats_.connections;
  transmit_syn(c);
  return ConnectionId{index, 0};
}

void Network::transmit_syn(Connection& c) {
  Stream& stream = c.streams[0];
  const LinkState& link = topology_.state(stream.link);
  const NodeId acceptor = c.ends[1].node;
  if (path_open(link, acceptor) && !stream.prng.bernoulli(link.options.loss)) {
    const SimTime arrival = next_arrival(stream, sim_.now() + draw_latency(stream, link));
    const std::uint64_t link_generation = link.generation;
    const std::uint64_t power_generation = topology_.host(acceptor).power_generation;
    const std::uint32_t index = c.index;
    sim_.schedule_at(arrival, kind_connect_, acceptor,
                     [this, index, link_generation, power_generation] {
                       on_syn_arrival(index, link_generation, power_generation);
                     });
  } else {
    record_loss(c, 0, ~std::uint64_t{0});
  }
  const SimTime deadline = c.connect_started + options_.tcp.connect_timeout;
  const SimTime retry = std::min(sim_.now() + c.syn_rto, deadline);
  c.syn_rto = c.syn_rto * 2;
  const std::uint32_t index = c.index;
  c.syn_timer = sim_.schedule_at(retry, kind_connect_retry_, c.ends[0].node,
                                 [this, index] { on_syn_timer(index); });
}

void Network::on_syn_timer(std::uint32_t index) {
  Connection& c = conn(index);
  c.syn_timer = EventHandle{};
  if (!c.ends[0].socket || c.established) return;
  if (sim_.now() >= c.connect_started + options_.tcp.connect_timeout) {
    abort_end(c, 0, DisconnectReason::timeout);
    return;
  }
  transmit_syn(c);
}

void Network::on_syn_arrival(std::uint32_t index, std::uint64_t link_generation,
                             std::uint64_t power_generation) {
  Connection& c = conn(index);
  // An initiator that gave up answers the SYN-ACK with an RST: accept() never returns.
  if (!c.ends[0].socket) return;
  const NodeId acceptor = c.ends[1].node;
  if (!arrives(topology_.state(c.streams[0].link), acceptor, link_generation, power_generation)) {
    record_loss(c, 0, ~std::uint64_t{0});
    return;
  }
  if (c.accepted) {
    // A SYN again (the SYN-ACK was lost): answer it again, or reset if the acceptor is gone.
    if (c.ends[1].socket) {
      send_syn_ack(c);
    } else {
      send_reset(c, 1);
    }
    return;
  }
  if (!process_up(acceptor)) {
    send_reset(c, 1);  // nothing listens: connection refused
    return;
  }
  if (!path_open(topology_.state(c.streams[1].link), c.ends[0].node)) {
    record_loss(c, 1, ~std::uint64_t{0});  // the SYN-ACK dies; the SYN is sent again
    return;
  }
  c.accepted = true;
  c.ends[1].app = true;
  c.ends[1].socket = true;
  send_syn_ack(c);
  if (auto h = handlers(acceptor); h && h->on_accepted) h->on_accepted({index, 1}, c.ends[0].node);
}

void Network::send_syn_ack(Connection& c) {
  Stream& stream = c.streams[1];
  const LinkState& link = topology_.state(stream.link);
  const NodeId initiator = c.ends[0].node;
  if (!path_open(link, initiator)) {
    record_loss(c, 1, ~std::uint64_t{0});
    return;
  }
  const SimTime arrival = next_arrival(stream, sim_.now() + draw_latency(stream, link));
  const std::uint64_t link_generation = link.generation;
  const std::uint64_t power_generation = topology_.host(initiator).power_generation;
  const std::uint32_t index = c.index;
  sim_.schedule_at(arrival, kind_connected_, initiator,
                   [this, index, link_generation, power_generation] {
                     on_syn_ack_arrival(index, link_generation, power_generation);
                   });
}

void Network::on_syn_ack_arrival(std::uint32_t index, std::uint64_t link_generation,
                                 std::uint64_t power_generation) {
  Connection& c = conn(index);
  if (c.established) return;
  if (!arrives(topology_.state(c.streams[1].link), c.ends[0].node, link_generation,
               power_generation)) {
    record_loss(c, 1, ~std::uint64_t{0});
    return;
  }
  if (!c.ends[0].socket) {
    send_reset(c, 0);  // the initiator gave up or died: its kernel answers with an RST
    return;
  }
  establish(c);
}

void Network::establish(Connection& c) {
  c.established = true;
  sim_.cancel(c.syn_timer);
  c.syn_timer = EventHandle{};
  // What the application sent while connecting goes out now, in order.
  Stream& stream = c.streams[0];
  for (std::uint64_t seq = stream.front_sequence; seq < stream.next_sequence(); ++seq) {
    if (!stream.find(seq)->transmitted) transmit(c, 0, seq);
  }
  if (!c.ends[0].app) return;
  if (auto h = handlers(c.ends[0].node); h && h->on_connected) {
    h->on_connected({c.index, 0}, c.ends[1].node);
  }
}

// --- Segments ------------------------------------------------------------------------------

void Network::send(ConnectionId end, Message message) {
  Connection& c = conn(end);
  const int side = end.side;
  const auto s = static_cast<std::size_t>(side);
  if (c.ends[s].ended_by_network) {
    ++stats_.sends_after_disconnect;  // write(2) on a dead socket: the data goes nowhere
    return;
  }
  KSIM_SIM_ASSERT(c.ends[s].app, "send on " + end.to_string() + ", which " +
                                     node(c.ends[s].node).name + " does not hold");
  Stream& stream = c.streams[s];
  const std::uint64_t seq = stream.next_sequence();
  Segment& segment = stream.segments.emplace_back();
  segment.sequence = seq;
  segment.kind = detail::SegmentKind::data;
  segment.message = std::move(message);
  segment.sent_at = sim_.now();
  ++stats_.messages_sent;
  if (side == 1 || c.established) transmit(c, side, seq);
}

void Network::transmit(Connection& c, int side, std::uint64_t sequence) {
  Stream& stream = c.streams[static_cast<std::size_t>(side)];
  Segment& segment = *stream.find(sequence);
  LinkState& link = topology_.state(stream.link);
  const NodeId receiver = c.ends[static_cast<std::size_t>(1 - side)].node;
  const SimTime now = sim_.now();
  if (!segment.transmitted) {
    segment.transmitted = true;
    segment.first_transmit = now;
    segment.rto = initial_rto(link);
  } else {
    ++stats_.retransmissions;
  }
  segment.last_transmit = now;
  ++segment.transmissions;
  ++stats_.transmissions;

  bool lost = true;
  if (path_open(link, receiver)) {
    SimTime sent = now;
    if (link.options.bandwidth_bytes_per_s != 0) {
      sent = std::max(now, link.busy_until) +
             serialisation(segment.message.size_bytes, link.options.bandwidth_bytes_per_s);
      link.busy_until = sent;
    }
    lost = stream.prng.bernoulli(link.options.loss);
    if (!lost) {
      const SimTime arrival = next_arrival(stream, sent + draw_latency(stream, link));
      segment.in_flight = true;
      segment.link_generation = link.generation;
      segment.power_generation = topology_.host(receiver).power_generation;
      const std::uint32_t index = c.index;
      sim_.schedule_at(arrival, kind_deliver_, receiver, [this, index, side, sequence] {
        on_segment_arrival(index, side, sequence);
      });
    }
  }
  if (lost) {
    record_loss(c, side, sequence);
    arm_retransmit(c, side, segment);
  }
}

void Network::arm_retransmit(Connection& c, int side, Segment& segment) {
  const SimTime deadline = segment.first_transmit + options_.tcp.user_timeout;
  const SimTime at = std::min(std::max(sim_.now(), segment.last_transmit + segment.rto), deadline);
  segment.rto = std::min(segment.rto * 2, options_.tcp.rto_max);
  const std::uint32_t index = c.index;
  const std::uint64_t sequence = segment.sequence;
  segment.retransmit_timer = sim_.schedule_at(
      at, kind_retransmit_, c.ends[static_cast<std::size_t>(side)].node,
      [this, index, side, sequence] { on_retransmit_timer(index, side, sequence); });
}

void Network::on_retransmit_timer(std::uint32_t index, int side, std::uint64_t sequence) {
  Connection& c = conn(index);
  Segment* segment = c.streams[static_cast<std::size_t>(side)].find(sequence);
  if (segment == nullptr) return;
  segment->retransmit_timer = EventHandle{};
  if (!c.ends[static_cast<std::size_t>(side)].socket || segment->acknowledged) return;
  if (sim_.now() >= segment->first_transmit + options_.tcp.user_timeout) {
    abort_end(c, side, DisconnectReason::timeout);
    return;
  }
  transmit(c, side, sequence);
}

void Network::on_segment_arrival(std::uint32_t index, int side, std::uint64_t sequence) {
  Connection& c = conn(index);
  const auto s = static_cast<std::size_t>(side);
  const auto r = static_cast<std::size_t>(1 - side);
  Stream& stream = c.streams[s];
  Segment* segment = stream.find(sequence);
  if (segment == nullptr || !segment->in_flight) return;
  segment->in_flight = false;
  const bool sender_alive = c.ends[s].socket;

  if (!arrives(topology_.state(stream.link), c.ends[r].node, segment->link_generation,
               segment->power_generation)) {
    record_loss(c, side, sequence);
    if (sender_alive && !segment->acknowledged) arm_retransmit(c, side, *segment);
    return;
  }
  // At the receiver's host. Its kernel takes the segment if it holds the connection (and, for
  // data, the application still does); otherwise it answers with an RST.
  const bool fin = segment->kind == detail::SegmentKind::fin;
  if (!c.ends[r].socket || (!fin && !c.ends[r].app)) {
    if (sender_alive) {
      if (!segment->acknowledged) arm_retransmit(c, side, *segment);  // in case the RST is lost
      send_reset(c, static_cast<int>(r));
    }
    return;
  }
  // Data from the acceptor proves its SYN-ACK was sent: the initiator is connected (its
  // on_connected may act on the connection, so look everything up again).
  if (r == 0 && !c.established) {
    establish(c);
    segment = stream.find(sequence);
    if (segment == nullptr || !c.ends[r].socket) return;
  }
  segment->received = true;
  if (!segment->acknowledged && c.ends[s].socket) {
    if (path_open(topology_.state(stream.reverse), c.ends[s].node)) {
      segment->acknowledged = true;
    } else {
      arm_retransmit(c, side, *segment);  // delivered, but the sender never hears of it
    }
  }
  deliver_in_order(index, side);
  Connection& after = conn(index);
  pop_finished(after.streams[s]);
  maybe_release(after, side);
}

void Network::deliver_in_order(std::uint32_t index, int side) {
  const auto s = static_cast<std::size_t>(side);
  const auto r = static_cast<std::size_t>(1 - side);
  while (true) {
    Connection& c = conn(index);
    Stream& stream = c.streams[s];
    if (!c.ends[r].socket) return;
    Segment* segment = stream.find(stream.next_delivery);
    if (segment == nullptr || !segment->received) return;
    segment->delivered = true;
    ++stream.next_delivery;
    if (segment->kind == detail::SegmentKind::fin) {
      // The peer closed: after everything it sent, this end learns the connection is over.
      const bool tell = c.ends[r].app;
      c.ends[r].app = false;
      c.ends[r].ended_by_network = tell;
      if (tell) {
        ++stats_.closed;
        StateDigest& d = sim_.digest();
        d.mix_word(kDigestDisconnect);
        d.mix(index);
        d.mix(1 - side);
        d.mix(static_cast<int>(DisconnectReason::closed));
      }
      const NodeId receiver = c.ends[r].node;
      const NodeId sender = c.ends[s].node;
      maybe_release(c, static_cast<int>(r));
      if (tell) {
        if (auto h = handlers(receiver); h && h->on_disconnect) {
          h->on_disconnect({index, static_cast<std::uint8_t>(r)}, sender, DisconnectReason::closed);
        }
      }
      return;
    }
    if (!c.ends[r].app) continue;  // the application closed before reading it
    Delivery delivery{{index, static_cast<std::uint8_t>(r)},
                      c.ends[s].node,
                      c.ends[r].node,
                      segment->sequence,
                      segment->sent_at,
                      std::move(segment->message)};
    ++stats_.messages_delivered;
    StateDigest& d = sim_.digest();
    d.mix_word(kDigestDelivery);
    d.mix(index);
    d.mix(side);
    d.mix(delivery.sequence);
    d.mix(delivery.message.size_bytes);
    if (EventDetails* details = sim_.event_details()) {
      details->set("from", node(delivery.from).name);
      if (message_namer_ != nullptr) {
        const std::string_view name = message_namer_(delivery.message);
        if (!name.empty()) details->append("m", name);
      }
    }
    pop_finished(stream);
    if (auto h = handlers(delivery.to); h && h->on_message) h->on_message(delivery);
  }
}

void Network::pop_finished(Stream& stream) {
  while (!stream.segments.empty() && stream.segments.front().acknowledged &&
         stream.segments.front().delivered) {
    stream.segments.pop_front();
    ++stream.front_sequence;
  }
}

// --- Ends ----------------------------------------------------------------------------------

void Network::close(ConnectionId end) {
  Connection& c = conn(end);
  const int side = end.side;
  const auto s = static_cast<std::size_t>(side);
  if (c.ends[s].ended_by_network) {
    c.ends[s].ended_by_network = false;  // closing a dead socket: nothing more to do
    return;
  }
  KSIM_SIM_ASSERT(c.ends[s].app, "close of " + end.to_string() + ", which " +
                                     node(c.ends[s].node).name + " does not hold");
  c.ends[s].app = false;
  if (side == 0 && !c.established) {
    drop_end(c, 0);  // nothing went out yet: forget it
    return;
  }
  Stream& stream = c.streams[s];
  const std::uint64_t seq = stream.next_sequence();
  Segment& fin = stream.segments.emplace_back();
  fin.sequence = seq;
  fin.kind = detail::SegmentKind::fin;
  fin.sent_at = sim_.now();
  transmit(c, side, seq);
}

void Network::send_reset(Connection& c, int from_side) {
  const auto to = static_cast<std::size_t>(1 - from_side);
  if (!c.ends[to].socket) return;  // nobody left to tell
  Stream& stream = c.streams[static_cast<std::size_t>(from_side)];
  const LinkState& link = topology_.state(stream.link);
  const NodeId receiver = c.ends[to].node;
  if (!path_open(link, receiver)) {
    record_loss(c, from_side, ~std::uint64_t{0});
    return;
  }
  ++stats_.resets_sent;
  const SimTime arrival = next_arrival(stream, sim_.now() + draw_latency(stream, link));
  const std::uint64_t link_generation = link.generation;
  const std::uint64_t power_generation = topology_.host(receiver).power_generation;
  const std::uint32_t index = c.index;
  const int to_side = static_cast<int>(to);
  sim_.schedule_at(arrival, kind_reset_, receiver,
                   [this, index, to_side, link_generation, power_generation] {
                     on_reset_arrival(index, to_side, link_generation, power_generation);
                   });
}

void Network::on_reset_arrival(std::uint32_t index, int to_side, std::uint64_t link_generation,
                               std::uint64_t power_generation) {
  Connection& c = conn(index);
  const auto to = static_cast<std::size_t>(to_side);
  if (!arrives(topology_.state(c.streams[1 - to].link), c.ends[to].node, link_generation,
               power_generation)) {
    record_loss(c, 1 - to_side, ~std::uint64_t{0});
    return;
  }
  if (!c.ends[to].socket) return;
  const bool refused = to_side == 0 && !c.established;
  abort_end(c, to_side, refused ? DisconnectReason::refused : DisconnectReason::reset);
}

void Network::abort_end(Connection& c, int side, DisconnectReason reason) {
  const auto s = static_cast<std::size_t>(side);
  const bool tell = c.ends[s].app;
  const NodeId self = c.ends[s].node;
  const NodeId peer = c.ends[1 - s].node;
  const std::uint32_t index = c.index;
  if (tell) {
    switch (reason) {
      case DisconnectReason::refused:
        ++stats_.refused;
        break;
      case DisconnectReason::reset:
        ++stats_.reset;
        break;
      case DisconnectReason::timeout:
        ++stats_.timeout;
        break;
      case DisconnectReason::closed:
        ++stats_.closed;
        break;
    }
    StateDigest& d = sim_.digest();
    d.mix_word(kDigestDisconnect);
    d.mix(index);
    d.mix(side);
    d.mix(static_cast<int>(reason));
  }
  const bool held = c.ends[s].app;
  drop_end(c, side);
  c.ends[s].ended_by_network = held;
  if (tell) {
    if (auto h = handlers(self); h && h->on_disconnect) {
      h->on_disconnect({index, static_cast<std::uint8_t>(side)}, peer, reason);
    }
  }
}

// The end's kernel forgets the connection: no more retransmissions, deliveries or callbacks.
// What it already put on the wire still arrives.
void Network::drop_end(Connection& c, int side) {
  const auto s = static_cast<std::size_t>(side);
  c.ends[s].app = false;
  c.ends[s].socket = false;
  if (side == 0) {
    sim_.cancel(c.syn_timer);
    c.syn_timer = EventHandle{};
  }
  for (Segment& segment : c.streams[s].segments) {
    sim_.cancel(segment.retransmit_timer);
    segment.retransmit_timer = EventHandle{};
  }
  maybe_tear_down(c);
}

// An end its application closed lets go once everything it sent is acknowledged.
void Network::maybe_release(Connection& c, int side) {
  const auto s = static_cast<std::size_t>(side);
  if (!c.ends[s].socket || c.ends[s].app) return;
  const auto& segments = c.streams[s].segments;
  const bool all_acknowledged = std::all_of(segments.begin(), segments.end(),
                                            [](const Segment& g) { return g.acknowledged; });
  if (all_acknowledged) drop_end(c, side);
}

void Network::maybe_tear_down(Connection& c) {
  if (c.torn_down || c.ends[0].socket || c.ends[1].socket) return;
  c.torn_down = true;
  for (Stream& stream : c.streams) {
    for (Segment& segment : stream.segments) sim_.cancel(segment.retransmit_timer);
    stream.front_sequence += stream.segments.size();
    stream.segments.clear();
    stream.segments.shrink_to_fit();
  }
  live_.erase(c.index);
}

// --- Queries -------------------------------------------------------------------------------

bool Network::is_open(ConnectionId end) const { return conn(end).ends[end.side].app; }

bool Network::is_established(ConnectionId end) const { return conn(end).established; }

NodeId Network::node_of(ConnectionId end) const { return conn(end).ends[end.side].node; }

NodeId Network::peer_of(ConnectionId end) const {
  return conn(end).ends[static_cast<std::size_t>(1 - end.side)].node;
}

std::size_t Network::unacknowledged(ConnectionId end) const {
  const auto& segments = conn(end).streams[end.side].segments;
  return static_cast<std::size_t>(std::count_if(segments.begin(), segments.end(),
                                                [](const Segment& g) { return !g.acknowledged; }));
}

}  // namespace ksim::sim::network
