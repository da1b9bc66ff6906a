// Latency distributions, bandwidth (serialisation delay queued per link direction), loss as
// retransmission delay, and slow links: ranges and exact times.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <set>
#include <vector>

#include "network_test_support.h"
#include "sim/kernel/prng.h"
#include "sim/kernel/simulation.h"
#include "sim/network/network.h"

using namespace ksim::sim;
using namespace ksim::sim::network;
using namespace ksim::sim::network::testing;
using namespace ksim::sim::time_literals;

TEST_CASE("A fixed latency is exact and draws nothing", "[sim][network]") {
  Prng prng(1, "latency");
  const Latency fixed = Latency::fixed(750_us);
  for (int i = 0; i < 100; ++i) CHECK(fixed.draw(prng) == 750_us);
  CHECK(prng.draws() == 0);
  CHECK(fixed.to_string() == "fixed 750us");
  CHECK(fixed.typical() == 750_us);
}

TEST_CASE("A uniform latency covers its whole range and nothing else", "[sim][network]") {
  Prng prng(2, "latency");
  const Latency uniform = Latency::uniform(200_us, 210_us);
  std::set<std::int64_t> seen;
  for (int i = 0; i < 5000; ++i) {
    const SimDuration d = uniform.draw(prng);
    REQUIRE(d >= 200_us);
    REQUIRE(d <= 210_us);
    seen.insert(d.to_us());
  }
  CHECK(seen.size() == 11);
  CHECK(uniform.typical() == 205_us);
  CHECK(LinkOptions{}.latency.to_string() == "uniform 200us..800us");
}

TEST_CASE("A long-tail latency: at least the scale, capped, with a Pareto tail", "[sim][network]") {
  Prng prng(3, "latency");
  const Latency tail = Latency::long_tail(300_us, Ratio{3, 2}, 50_ms);
  CHECK(tail.to_string() == "long_tail 300us alpha 3/2 cap 50ms");
  std::vector<std::int64_t> draws;
  const int n = 100'000;
  for (int i = 0; i < n; ++i) draws.push_back(tail.draw(prng).to_us());
  std::sort(draws.begin(), draws.end());
  CHECK(draws.front() >= 300);
  CHECK(draws.back() == 50'000);  // P(X > 50 ms) = (0.3 / 50)^1.5, about 46 in 100,000
  // The median of a Pareto is scale * 2^(1/alpha) = 476 us.
  const std::int64_t median = draws[n / 2];
  CHECK(median >= 460);
  CHECK(median <= 492);
  // P(X > 10 * scale) = 10^-1.5 = 3.16%.
  const auto above =
      std::count_if(draws.begin(), draws.end(), [](std::int64_t us) { return us > 3000; });
  CHECK(above > n * 28 / 1000);
  CHECK(above < n * 35 / 1000);
}

TEST_CASE("One-way latencies over the network stay within the link's range", "[sim][network]") {
  Simulation sim{SimulationOptions{11}};
  Network net(sim);  // the default LAN: uniform 200..800 us
  const NodeId p = net.add_client("producer-1");
  const NodeId b = net.add_broker(1);
  Recorder rec(net);
  rec.attach(b);
  const ConnectionId end = net.connect(p, b);
  sim.run_for(5_ms);
  REQUIRE(net.is_established(end));
  for (int i = 0; i < 2000; ++i) {
    // 1 ms apart: no message waits behind another.
    sim.schedule_after(SimDuration::from_ms(i), [&net, end, i] { net.send(end, int_message(i)); });
  }
  sim.run_until_idle();
  REQUIRE(rec.received.size() == 2000);
  SimDuration lo = SimDuration::max();
  SimDuration hi = SimDuration::zero();
  for (const Received& r : rec.received) {
    lo = std::min(lo, r.at - r.sent_at);
    hi = std::max(hi, r.at - r.sent_at);
  }
  CHECK(lo >= 200_us);
  CHECK(lo <= 210_us);
  CHECK(hi <= 800_us);
  CHECK(hi >= 790_us);
}

TEST_CASE("Bandwidth: serialisation delay is exact and queued per link direction",
          "[sim][network]") {
  NetworkOptions options;
  options.link.latency = Latency::fixed(100_us);
  options.link.bandwidth_bytes_per_s = 1'000'000;  // 1 byte per microsecond
  Simulation sim{SimulationOptions{5}};
  Network net(sim, options);
  const NodeId p = net.add_client("producer-1");
  const NodeId b = net.add_broker(1);
  Recorder rec(net);
  rec.attach(p);
  rec.attach(b);
  const ConnectionId first = net.connect(p, b);
  const ConnectionId second = net.connect(p, b);
  sim.run_until(at_us(200));  // both connected (the handshake carries no payload)
  REQUIRE(net.is_established(first));
  REQUIRE(net.is_established(second));
  net.send(first, int_message(1, 1000));
  net.send(first, int_message(2, 500));
  net.send(first, int_message(3, 2500));
  net.send(second, int_message(4, 1000));            // same link, same direction: waits its turn
  net.send(first.peer_end(), int_message(5, 1000));  // the other direction: its own queue
  sim.run_until_idle();
  REQUIRE(rec.received.size() == 5);
  std::vector<std::pair<std::int64_t, std::int64_t>> got;  // (value, arrival us)
  for (const auto& r : rec.received) got.emplace_back(r.value, r.at.to_us());
  std::sort(got.begin(), got.end());
  CHECK(got == std::vector<std::pair<std::int64_t, std::int64_t>>{{1, 200 + 1000 + 100},
                                                                  {2, 200 + 1500 + 100},
                                                                  {3, 200 + 4000 + 100},
                                                                  {4, 200 + 5000 + 100},
                                                                  {5, 200 + 1000 + 100}});
}

TEST_CASE("Serialisation delay rounds up to the next microsecond", "[sim][network]") {
  NetworkOptions options;
  options.link.latency = Latency::fixed(0_us);
  options.link.bandwidth_bytes_per_s = 3;
  Simulation sim;
  Network net(sim, options);
  const NodeId p = net.add_client("producer-1");
  const NodeId b = net.add_broker(1);
  Recorder rec(net);
  rec.attach(b);
  const ConnectionId end = net.connect(p, b);
  net.send(end, int_message(1, 1));
  sim.run_until_idle();
  REQUIRE(rec.received.size() == 1);
  CHECK(rec.received[0].at == at_us(333'334));
}

TEST_CASE("Loss delays by whole retransmission timeouts, never reorders or loses",
          "[sim][network]") {
  NetworkOptions options;
  options.link.latency = Latency::fixed(1_ms);
  options.link.loss = Ratio{1, 2};
  Simulation sim{SimulationOptions{99}};
  Network net(sim, options);
  const NodeId p = net.add_client("producer-1");
  const NodeId b = net.add_broker(1);
  Recorder rec(net);
  rec.attach(b);
  const ConnectionId end = net.connect(p, b);
  sim.run_until([&] { return net.is_established(end); });
  const int n = 500;
  for (int i = 0; i < n; ++i) {
    sim.schedule_after(SimDuration::from_ms(10 * i),
                       [&net, end, i] { net.send(end, int_message(i)); });
  }
  sim.run_until_idle();
  REQUIRE(rec.received.size() == static_cast<std::size_t>(n));
  CHECK(rec.disconnects.empty());
  // The possible delays: 1 ms plus k retransmission timeouts of 202 ms, doubling.
  std::set<std::int64_t> possible;
  std::int64_t wait = 0;
  std::int64_t rto = 202'000;
  for (int k = 0; k < 12; ++k) {
    possible.insert(1000 + wait);
    wait += rto;
    rto *= 2;
  }
  SimTime previous;
  int blocked = 0;
  for (int i = 0; i < n; ++i) {
    const Received& r = rec.received[static_cast<std::size_t>(i)];
    REQUIRE(r.value == i);  // in order, none missing, none twice
    REQUIRE(r.at >= previous);
    const std::int64_t delay = (r.at - r.sent_at).to_us();
    if (r.at == previous && possible.count(delay) == 0) {
      ++blocked;  // arrived earlier, waited behind a retransmitted one
    } else {
      REQUIRE(possible.count(delay) == 1);
    }
    previous = r.at;
  }
  CHECK(blocked > n / 2);  // a retransmission holds up everything behind it (10 ms apart)
  // Transmissions until one gets through are geometric with p = 1/2: two per message.
  CHECK(net.stats().transmissions > static_cast<std::uint64_t>(n) * 18 / 10);
  CHECK(net.stats().transmissions < static_cast<std::uint64_t>(n) * 22 / 10);
  CHECK(net.stats().messages_delivered == static_cast<std::uint64_t>(n));
}

TEST_CASE("A slow link: latency times the factor plus the extra, and a longer RTO",
          "[sim][network]") {
  NetworkOptions options;
  options.link.latency = Latency::fixed(500_us);
  Simulation sim;
  Network net(sim, options);
  const NodeId p = net.add_client("producer-1");
  const NodeId b = net.add_broker(1);
  Recorder rec(net);
  rec.attach(b);
  const ConnectionId end = net.connect(p, b);
  sim.run_until(at_us(1000));
  REQUIRE(net.is_established(end));
  net.slow_link(p, b, Slowdown{Ratio{3, 1}, 50_ms});
  CHECK(net.describe() == "slow: producer-1<->1 x3/1 +50ms");
  net.send(end, int_message(1));  // at 1 ms, 51.5 ms on the way
  sim.run_until_idle();
  REQUIRE(rec.received.size() == 1);
  CHECK(rec.received[0].at == at_us(52'500));

  // The RTO follows the slower round trip: 200 ms + 2 * 51.5 ms.
  net.cut_link(p, b);
  const SimTime sent = sim.now();
  net.send(end, int_message(2));
  sim.schedule_after(1_ms, [&] { net.heal_link(p, b); });  // heal_link clears the slowness too
  sim.run_until_idle();
  REQUIRE(rec.received.size() == 2);
  CHECK(rec.received[1].at == sent + 303_ms + 500_us);
}
