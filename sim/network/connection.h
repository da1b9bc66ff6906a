// The state of one simulated TCP connection, private to Network (network.cpp): its two ends,
// the two directions of segments, and the handshake. Kept apart from network.h so the public
// header stays about the API.
#pragma once

#include <array>
#include <cstdint>
#include <deque>

#include "sim/kernel/event.h"
#include "sim/kernel/prng.h"
#include "sim/kernel/sim_time.h"
#include "sim/network/message.h"
#include "sim/network/topology.h"

namespace ksim::sim::network::detail {

enum class SegmentKind : std::uint8_t { data, fin };

// One message (or the FIN that closes a direction) and what TCP knows about it.
struct Segment {
  std::uint64_t sequence = 0;
  SegmentKind kind = SegmentKind::data;
  Message message;
  SimTime sent_at;  // when the application sent it (or closed, for a FIN)

  bool transmitted = false;  // sent at least once; first_transmit and rto are set
  SimTime first_transmit;    // the user timeout counts from here
  SimTime last_transmit;
  SimDuration rto;  // the wait after last_transmit before the next retransmission
  std::uint32_t transmissions = 0;

  bool in_flight = false;              // a transmission is on the wire (its arrival is pending)
  std::uint64_t link_generation = 0;   // the link's generation when it left
  std::uint64_t power_generation = 0;  // the receiving host's power generation when it left
  bool received = false;               // the receiver's kernel has it
  bool delivered = false;              // handed to the receiving application
  bool acknowledged = false;           // the sender knows it was received
  EventHandle retransmit_timer;
};

// One direction: the segments sent by one end, in sequence.
struct Stream {
  explicit Stream(Prng p) : prng(std::move(p)) {}

  Prng prng;                     // this direction's latency and loss draws
  Link link;                     // sender -> receiver
  Link reverse;                  // receiver -> sender: acknowledgements come back here
  std::deque<Segment> segments;  // segments.front() has sequence front_sequence
  std::uint64_t front_sequence = 0;
  std::uint64_t next_delivery = 0;
  // Packets of one direction never overtake each other on the wire: the latest arrival so far.
  SimTime wire_clear;

  std::uint64_t next_sequence() const { return front_sequence + segments.size(); }
  Segment* find(std::uint64_t sequence) {
    if (sequence < front_sequence || sequence - front_sequence >= segments.size()) return nullptr;
    return &segments[static_cast<std::size_t>(sequence - front_sequence)];
  }
};

struct Endpoint {
  NodeId node;
  bool app = false;     // the application holds it: may send, gets callbacks
  bool socket = false;  // the kernel holds it: retransmits, acknowledges, delivers
  // The network ended the connection under the application (a reset, a timeout, the peer's
  // close). The application may not have heard yet (its process is paused, or the notice is on
  // its way): a send then goes nowhere and a close does nothing, as on a real dead socket.
  bool ended_by_network = false;
};

struct Connection {
  Connection(std::uint32_t index_, Prng initiator_stream, Prng acceptor_stream)
      : index(index_),
        streams{Stream(std::move(initiator_stream)), Stream(std::move(acceptor_stream))} {}

  std::uint32_t index;            // ConnectionId::connection
  std::array<Endpoint, 2> ends;   // [0] the initiator, [1] the acceptor
  std::array<Stream, 2> streams;  // streams[s] is sent by ends[s]
  bool accepted = false;          // the acceptor took the SYN: ends[1] exists
  bool established = false;       // the initiator got the SYN-ACK
  bool torn_down = false;         // neither kernel holds it any more
  SimTime connect_started;
  SimDuration syn_rto;
  EventHandle syn_timer;
};

}  // namespace ksim::sim::network::detail
