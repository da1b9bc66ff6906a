// FIFO delivery under random latencies and loss over many seeds, and determinism: the same
// seed gives the same deliveries and digest, and traffic elsewhere never changes what one
// connection draws.
#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "network_test_support.h"
#include "sim/kernel/simulation.h"
#include "sim/network/network.h"

using namespace ksim::sim;
using namespace ksim::sim::network;
using namespace ksim::sim::network::testing;
using namespace ksim::sim::time_literals;

namespace {

constexpr int kMessagesPerEnd = 100;

struct Delivered {
  std::int64_t at_us;
  std::uint32_t connection;
  int side;  // the receiving end's
  std::string from;
  std::string to;
  std::uint64_t sequence;
  std::int64_t value;
  friend bool operator==(const Delivered&, const Delivered&) = default;
};

struct RunLog {
  std::vector<Delivered> deliveries;
  std::uint64_t digest = 0;
  std::uint64_t events = 0;
};

// Four nodes, six random connections; both ends of each send kMessagesPerEnd messages at
// random times. Latency uniform 100 us..20 ms, so without FIFO messages would overtake.
RunLog run_many_connections(std::uint64_t seed, Ratio loss) {
  NetworkOptions options;
  options.link.latency = Latency::uniform(100_us, 20_ms);
  options.link.loss = loss;
  Simulation sim{SimulationOptions{seed}};
  Network net(sim, options);
  std::vector<NodeId> nodes = {net.add_broker(1), net.add_broker(2), net.add_broker(3),
                               net.add_client("producer-1")};
  RunLog log;
  Prng& schedule = sim.prng("test/schedule");
  std::map<ConnectionId, std::int64_t> next_value;  // each end numbers what it sends
  const auto send_burst = [&](ConnectionId end) {
    for (int i = 0; i < kMessagesPerEnd; ++i) {
      sim.schedule_after(
          SimDuration::from_us(schedule.uniform<std::int64_t>(0, 2'000'000)),
          [&net, &next_value, end] { net.send(end, int_message(next_value[end]++)); });
    }
  };
  for (NodeId n : nodes) {
    NodeHandlers h;
    h.on_message = [&](Delivery& d) {
      log.deliveries.push_back(Delivered{
          sim.now().to_us(), d.connection.connection, d.connection.side, net.node(d.from).name,
          net.node(d.to).name, d.sequence, *d.message.payload.get<std::int64_t>()});
    };
    h.on_accepted = [&](ConnectionId end, NodeId) { send_burst(end); };
    h.on_disconnect = [](ConnectionId end, NodeId, DisconnectReason reason) {
      FAIL("unexpected disconnect of " << end.to_string() << ": " << to_string(reason));
    };
    net.set_handlers(n, std::move(h));
  }
  for (int k = 0; k < 6; ++k) {
    const NodeId from = nodes[schedule.index(nodes.size())];
    const NodeId to = nodes[schedule.index(nodes.size())];
    send_burst(net.connect(from, to));
  }
  log.events = sim.run_until_idle();
  log.digest = sim.digest().value();
  return log;
}

// Per direction of each connection: the values 0, 1, ... each once, in order, at times that
// never go backwards.
void check_fifo(const RunLog& log) {
  std::map<std::pair<std::uint32_t, int>, std::vector<const Delivered*>> by_direction;
  for (const auto& d : log.deliveries) by_direction[{d.connection, d.side}].push_back(&d);
  CHECK(by_direction.size() == 12);  // six connections (some to self), both ends
  for (const auto& [direction, list] : by_direction) {
    REQUIRE(list.size() == static_cast<std::size_t>(kMessagesPerEnd));
    for (std::size_t i = 0; i < list.size(); ++i) {
      REQUIRE(list[i]->value == static_cast<std::int64_t>(i));
      REQUIRE(list[i]->sequence == i);
      if (i > 0) REQUIRE(list[i]->at_us >= list[i - 1]->at_us);
    }
  }
}

}  // namespace

TEST_CASE("FIFO per connection under random latencies, over many seeds", "[sim][network]") {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    INFO("seed " << seed);
    const RunLog log = run_many_connections(seed, seed % 2 == 0 ? Ratio{1, 10} : Ratio::zero());
    check_fifo(log);
  }
}

TEST_CASE("Per receiving end, arrival times never go backwards", "[sim][network]") {
  NetworkOptions options;
  options.link.latency = Latency::long_tail(200_us, Ratio{1, 1}, 200_ms);
  Simulation sim{SimulationOptions{77}};
  Network net(sim, options);
  const NodeId p = net.add_client("producer-1");
  const NodeId b = net.add_broker(1);
  Recorder rec(net);
  rec.attach(b);
  const ConnectionId end = net.connect(p, b);
  for (int i = 0; i < 3000; ++i) {
    sim.schedule_after(SimDuration::from_us(100 * i),
                       [&net, end, i] { net.send(end, int_message(i)); });
  }
  sim.run_until_idle();
  REQUIRE(rec.received.size() == 3000);
  for (std::size_t i = 0; i < rec.received.size(); ++i) {
    REQUIRE(rec.received[i].value == static_cast<std::int64_t>(i));
    REQUIRE(rec.received[i].at - rec.received[i].sent_at >= 200_us);
    if (i > 0) REQUIRE(rec.received[i].at >= rec.received[i - 1].at);
  }
}

TEST_CASE("Same seed, same deliveries and digest; another seed, others", "[sim][network]") {
  const RunLog a = run_many_connections(1234, Ratio{1, 10});
  const RunLog b = run_many_connections(1234, Ratio{1, 10});
  CHECK(a.deliveries == b.deliveries);
  CHECK(a.digest == b.digest);
  CHECK(a.events == b.events);
  const RunLog c = run_many_connections(1235, Ratio{1, 10});
  CHECK_FALSE(a.deliveries == c.deliveries);
  CHECK(a.digest != c.digest);
}

namespace {

// producer-1 -> broker 1 sends 300 messages over a lossy link with random latency. With
// `crowd`, other nodes are added before and after, other connections (also between the same
// two nodes in the other direction) are opened first and carry traffic, and other links fail.
std::vector<std::pair<std::int64_t, std::uint64_t>> watched_connection(bool crowd) {
  NetworkOptions options;
  options.link.latency = Latency::uniform(100_us, 5_ms);
  options.link.loss = Ratio{1, 20};
  Simulation sim{SimulationOptions{2024}};
  Network net(sim, options);
  if (crowd) net.add_broker(9);
  const NodeId p = net.add_client("producer-1");
  const NodeId b = net.add_broker(1);
  if (crowd) net.add_broker(2);
  std::vector<std::pair<std::int64_t, std::uint64_t>> seen;  // (time, sequence) at broker 1
  NodeHandlers h;
  h.on_message = [&](Delivery& d) {
    if (d.from == p) seen.emplace_back(sim.now().to_us(), d.sequence);
  };
  net.set_handlers(b, std::move(h));
  if (crowd) {
    const NodeId nine = net.resolve("9");
    const NodeId two = net.resolve("2");
    Prng& extra = sim.prng("test/crowd");
    for (auto [from, to] :
         {std::pair{b, p}, std::pair{nine, b}, std::pair{two, p}, std::pair{p, two}}) {
      const ConnectionId end = net.connect(from, to);
      for (int i = 0; i < 200; ++i) {
        sim.schedule_after(SimDuration::from_us(extra.uniform<std::int64_t>(0, 1'000'000)),
                           [&net, end] { net.send(end, int_message(0, 5000)); });
      }
    }
    sim.schedule_after(300_ms, [&net, nine, two] { net.cut_link(nine, two); });
    sim.schedule_after(400_ms, [&net, two, p] { net.drop_one_way(two, p); });
  }
  const ConnectionId watched = net.connect(p, b);
  for (int i = 0; i < 300; ++i) {
    sim.schedule_after(SimDuration::from_ms(3 * i),
                       [&net, watched, i] { net.send(watched, int_message(i)); });
  }
  sim.run_until(SimTime::from_s(60));
  return seen;
}

}  // namespace

TEST_CASE("Traffic, nodes and faults elsewhere do not change a connection's draws",
          "[sim][network]") {
  const auto alone = watched_connection(false);
  const auto crowded = watched_connection(true);
  REQUIRE(alone.size() == 300);
  CHECK(alone == crowded);
}
