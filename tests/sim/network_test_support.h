// Shared by the network tests: a recorder that attaches to nodes and logs every message,
// connection and disconnect the network hands them, with the time it happened.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/network/network.h"

namespace ksim::sim::network::testing {

struct Received {
  SimTime at;
  ConnectionId end;  // the receiving end
  NodeId from;
  NodeId to;
  std::uint64_t sequence = 0;
  SimTime sent_at;
  std::int64_t value = 0;  // the payload (an int64) or -1
  std::uint64_t size_bytes = 0;
};

struct Notice {
  SimTime at;
  ConnectionId end;
  NodeId peer;
  DisconnectReason reason;
};

struct Opened {
  SimTime at;
  ConnectionId end;
  NodeId peer;
};

class Recorder {
 public:
  explicit Recorder(Network& net) : net_(net) {}

  // Records what reaches `node`; `on_accept` (optional) runs after an accept is recorded.
  void attach(NodeId node) {
    NodeHandlers h;
    h.on_message = [this](Delivery& d) {
      const auto* value = d.message.payload.get<std::int64_t>();
      received.push_back(Received{net_.simulation().now(), d.connection, d.from, d.to, d.sequence,
                                  d.sent_at, value != nullptr ? *value : -1, d.message.size_bytes});
    };
    h.on_connected = [this](ConnectionId end, NodeId peer) {
      connected.push_back(Opened{net_.simulation().now(), end, peer});
    };
    h.on_accepted = [this](ConnectionId end, NodeId peer) {
      accepted.push_back(Opened{net_.simulation().now(), end, peer});
    };
    h.on_disconnect = [this](ConnectionId end, NodeId peer, DisconnectReason reason) {
      disconnects.push_back(Notice{net_.simulation().now(), end, peer, reason});
    };
    net_.set_handlers(node, std::move(h));
  }

  // What arrived on one connection in one direction (sent by `from`), in delivery order.
  std::vector<std::int64_t> values(std::uint32_t connection, NodeId from) const {
    std::vector<std::int64_t> out;
    for (const auto& r : received) {
      if (r.end.connection == connection && r.from == from) out.push_back(r.value);
    }
    return out;
  }

  const Notice* notice_for(ConnectionId end) const {
    for (const auto& n : disconnects) {
      if (n.end == end) return &n;
    }
    return nullptr;
  }

  std::vector<Received> received;
  std::vector<Notice> disconnects;
  std::vector<Opened> connected;
  std::vector<Opened> accepted;

 private:
  Network& net_;
};

// The simulated time `us` microseconds after the start.
inline SimTime at_us(std::int64_t us) { return SimTime::from_us(us); }

inline Message int_message(std::int64_t value, std::uint64_t size_bytes = 100) {
  return Message::of(value, size_bytes);
}

}  // namespace ksim::sim::network::testing
