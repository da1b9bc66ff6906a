// The options of the simulated network as plain structs with integer parameters
// (TigerBeetle's PacketSimulatorOptions style), so each maps onto a scenario line or a GUI
// slider: a link's latency distribution, loss and bandwidth; a slow-link fault; the TCP timers.
//
// Defaults are a realistic LAN: latency uniform in [200 us, 800 us] one way, no loss, unlimited
// bandwidth, and Linux's TCP timers (see TcpOptions).
#pragma once

#include <cstdint>
#include <string>

#include "sim/kernel/prng.h"
#include "sim/kernel/ratio.h"
#include "sim/kernel/sim_time.h"

namespace ksim::sim::network {

// "200us", "15ms", "3s", "1500us": the largest unit that shows the value exactly.
std::string format_duration(SimDuration d);

// One-way latency of a link, drawn per transmission.
struct Latency {
  enum class Shape : std::uint8_t { fixed, uniform, long_tail };

  Shape shape = Shape::uniform;
  // fixed: the latency. uniform: the minimum. long_tail: the Pareto scale (also the minimum).
  SimDuration low = SimDuration::from_us(200);
  // uniform: the maximum. long_tail: the cap. fixed: unused.
  SimDuration high = SimDuration::from_us(800);
  // long_tail only: the Pareto shape; smaller is a heavier tail (P(X > x) = (low / x)^alpha).
  Ratio alpha = {3, 2};

  static Latency fixed(SimDuration latency) { return {Shape::fixed, latency, latency, {3, 2}}; }
  static Latency uniform(SimDuration min, SimDuration max) {
    return {Shape::uniform, min, max, {3, 2}};
  }
  static Latency long_tail(SimDuration scale, Ratio alpha, SimDuration cap) {
    return {Shape::long_tail, scale, cap, alpha};
  }

  // One draw. Fixed latencies draw nothing from the stream.
  SimDuration draw(Prng& prng) const;
  // A typical value, from which the TCP retransmission timeout is estimated: the fixed value,
  // the middle of the uniform range, or the Pareto scale.
  SimDuration typical() const;
  // Throws NetworkError when the parameters make no sense (negative, min above max, alpha 0).
  void validate() const;
  // "fixed 500us", "uniform 200us..800us", "long_tail 300us alpha 3/2 cap 50ms"
  std::string to_string() const;

  friend bool operator==(const Latency&, const Latency&) = default;
};

struct LinkOptions {
  Latency latency;
  // The chance that one transmission of a segment is lost. Over TCP a loss is not a lost
  // message: the segment is sent again after the retransmission timeout.
  Ratio loss = Ratio::zero();
  // 0: unlimited. Otherwise each transmission occupies the link (per direction) for
  // ceil(size * 1e6 / bandwidth) microseconds, queued behind earlier ones.
  std::uint64_t bandwidth_bytes_per_s = 0;

  void validate() const;
  // "uniform 200us..800us, loss 0/1, unlimited bandwidth"
  std::string to_string() const;

  friend bool operator==(const LinkOptions&, const LinkOptions&) = default;
};

// The slow-link fault: each latency drawn on the link becomes latency * factor + extra.
struct Slowdown {
  Ratio factor = Ratio::one();
  SimDuration extra = SimDuration::zero();

  bool is_none() const { return factor == Ratio::one() && extra == SimDuration::zero(); }
  SimDuration apply(SimDuration latency) const;
  // Throws NetworkError for a factor below 1 or a negative extra.
  void validate() const;
  // "x3/1 +50ms", "+50ms", "x2/1"
  std::string to_string() const;

  friend bool operator==(const Slowdown&, const Slowdown&) = default;
};

// TCP's timers, defaulting to Linux's.
struct TcpOptions {
  // The retransmission timeout of a segment starts at rto_min + twice the link's typical
  // latency (Linux: srtt + 4 * rttvar, with the variance term at least TCP_RTO_MIN = 200 ms)
  // and doubles on every retransmission, up to rto_max (TCP_RTO_MAX = 120 s).
  SimDuration rto_min = SimDuration::from_ms(200);
  SimDuration rto_max = SimDuration::from_s(120);
  // A segment unacknowledged this long aborts the connection: the sender sees a timeout.
  // Linux without TCP_USER_TIMEOUT gives up after tcp_retries2 = 15 retransmissions, which
  // from a 200 ms RTO is (2^10 - 1) * 0.2 s + 6 * 120 s = 924.6 s.
  SimDuration user_timeout = SimDuration::from_ms(924'600);
  // A SYN is retransmitted after 1 s, doubling (TCP_TIMEOUT_INIT)...
  SimDuration syn_rto = SimDuration::from_s(1);
  // ...and connect() gives up after tcp_syn_retries = 6 retransmissions: 1+2+4+...+64 = 127 s.
  SimDuration connect_timeout = SimDuration::from_s(127);

  void validate() const;
};

struct NetworkOptions {
  // The options every new link gets.
  LinkOptions link;
  // A node talking to itself (a controller broker sending to itself) goes through loopback:
  // this latency, no loss, no bandwidth limit, never cut by a fault.
  SimDuration loopback_latency = SimDuration::from_us(20);
  TcpOptions tcp;

  void validate() const;
};

}  // namespace ksim::sim::network
