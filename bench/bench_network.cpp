// Throughput of the simulated network: messages delivered per second of wall time for a
// cluster-shaped workload (clients in request/response with every broker, brokers fetching
// from each other), on a clean LAN and on one with 1% loss, and relative to a baseline
// measured in the same run: the bare kernel passing the same messages as plain events with the
// same latency draws. Also counts heap allocations per message.
//
//   bench_network [--quick | MESSAGES]     (default 2000000)
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string_view>
#include <vector>

#include "sim/kernel/simulation.h"
#include "sim/network/network.h"

// Every allocation in this process is counted.
static std::atomic<std::uint64_t> g_allocations{0};
void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

using namespace ksim::sim;
using namespace ksim::sim::network;
using Clock = std::chrono::steady_clock;

constexpr int kBrokers = 3;
constexpr int kClients = 30;

struct Figures {
  std::uint64_t messages = 0;
  std::uint64_t events = 0;
  std::uint64_t retransmissions = 0;
  double seconds = 0;
  std::uint64_t allocations = 0;
  double per_second() const { return static_cast<double>(messages) / seconds; }
};

struct Request {
  std::uint32_t n;
};

// Every client keeps one request outstanding to every broker; every broker keeps one fetch
// outstanding to every other broker. Each delivery answers on the same connection until the
// message budget is spent.
Figures run_network(std::uint64_t messages, Ratio loss) {
  Simulation sim{SimulationOptions{1}};
  NetworkOptions options;
  options.link.loss = loss;
  Network net(sim, options);
  std::vector<NodeId> brokers;
  for (int b = 1; b <= kBrokers; ++b) brokers.push_back(net.add_broker(b));
  std::vector<NodeId> clients;
  for (int c = 1; c <= kClients; ++c)
    clients.push_back(net.add_client("client-" + std::to_string(c)));
  std::uint64_t delivered = 0;
  NodeHandlers answer;
  answer.on_message = [&](Delivery& d) {
    if (++delivered < messages) {
      const Request* r = d.message.payload.get<Request>();
      net.send(d.connection, Message::of(Request{r->n + 1}, 1024));
    }
  };
  for (NodeId n : brokers) net.set_handlers(n, answer);
  for (NodeId n : clients) net.set_handlers(n, answer);
  for (NodeId c : clients) {
    for (NodeId b : brokers) net.send(net.connect(c, b), Message::of(Request{0}, 1024));
  }
  for (NodeId a : brokers) {
    for (NodeId b : brokers) {
      if (a != b) net.send(net.connect(a, b), Message::of(Request{0}, 1024));
    }
  }
  const std::uint64_t allocations_before = g_allocations.load();
  const auto start = Clock::now();
  sim.run_until([&] { return delivered >= messages; });
  Figures f;
  f.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  f.allocations = g_allocations.load() - allocations_before;
  f.messages = delivered;
  f.events = sim.processed_events();
  f.retransmissions = net.stats().retransmissions;
  return f;
}

// The same ping-pong as bare kernel events: one event per message, the latency drawn from a
// stream the same way, no connections, no ordering, no loss.
Figures run_baseline(std::uint64_t messages) {
  Simulation sim{SimulationOptions{1}};
  Prng& prng = sim.prng("network");
  const Latency latency;
  std::uint64_t delivered = 0;
  struct Hop {
    Simulation* sim;
    Prng* prng;
    const Latency* latency;
    std::uint64_t* delivered;
    std::uint64_t budget;
    void operator()() const {
      if (++*delivered < budget) {
        sim->schedule_after(latency->draw(*prng), EventCallback(Hop(*this)));
      }
    }
  };
  const std::size_t pairs = kClients * kBrokers + kBrokers * (kBrokers - 1);
  for (std::size_t i = 0; i < pairs; ++i) {
    sim.schedule_after(latency.draw(prng), Hop{&sim, &prng, &latency, &delivered, messages});
  }
  const std::uint64_t allocations_before = g_allocations.load();
  const auto start = Clock::now();
  sim.run_until([&] { return delivered >= messages; });
  Figures f;
  f.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  f.allocations = g_allocations.load() - allocations_before;
  f.messages = delivered;
  f.events = sim.processed_events();
  return f;
}

template <class Run>
Figures best_of(int repeats, Run run) {
  Figures best = run();
  for (int i = 1; i < repeats; ++i) {
    Figures f = run();
    if (f.per_second() > best.per_second()) best = f;
  }
  return best;
}

void print(const char* name, const Figures& f) {
  std::printf(
      "%-34s %9llu messages in %.3f s = %5.2f M msg/s  (%.2f events/msg, %.2f retx/msg, "
      "%.2f allocations/msg)\n",
      name, static_cast<unsigned long long>(f.messages), f.seconds, f.per_second() / 1e6,
      static_cast<double>(f.events) / static_cast<double>(f.messages),
      static_cast<double>(f.retransmissions) / static_cast<double>(f.messages),
      static_cast<double>(f.allocations) / static_cast<double>(f.messages));
}

}  // namespace

int main(int argc, char** argv) {
  // bench_network [--quick | MESSAGES]: --quick is the CTest smoke run (small, one run).
  std::uint64_t messages = 2'000'000;
  int repeats = 3;
  if (argc > 1 && std::string_view(argv[1]) == "--quick") {
    messages = 50'000;
    repeats = 1;
  } else if (argc > 1) {
    messages = std::strtoull(argv[1], nullptr, 10);
    if (messages == 0) {
      std::fprintf(stderr, "usage: bench_network [--quick | MESSAGES]\n");
      return 2;
    }
  }
  const Figures lan = best_of(repeats, [&] { return run_network(messages, Ratio::zero()); });
  const Figures lossy = best_of(repeats, [&] { return run_network(messages, Ratio::percent(1)); });
  const Figures baseline = best_of(repeats, [&] { return run_baseline(messages); });

  std::printf("bench_network: best of %d runs, %d brokers, %d clients, %zu connections\n", repeats,
              kBrokers, kClients,
              static_cast<std::size_t>(kClients * kBrokers + kBrokers * (kBrokers - 1)));
  print("network, LAN", lan);
  print("network, LAN with 1% loss", lossy);
  print("baseline: bare kernel events", baseline);
  std::printf("ratio to baseline: LAN %.2f, 1%% loss %.2f\n",
              lan.per_second() / baseline.per_second(), lossy.per_second() / baseline.per_second());
  return 0;
}
