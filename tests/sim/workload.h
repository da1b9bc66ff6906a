// A small randomised world for determinism tests: fake nodes with self-rescheduling heartbeat
// timers (random periods from each node's stream), messages between them with latency drawn
// from the "network" stream, replies, and session timeouts re-armed on every message (by
// reschedule on even nodes, by cancel + schedule on odd ones). Optional extras: an unrelated
// "audit" stream with events of its own, and one extra digest word at a chosen event (to make
// two runs diverge on purpose).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/kernel/simulation.h"

namespace ksim::sim::testing {

struct WorkloadOptions {
  std::uint64_t seed = 1;
  int nodes = 8;
  SimTime until = SimTime::from_s(2);
  bool keep_history = false;
  // Adds an "audit" stream that schedules its own events (never touching the nodes).
  bool audit_stream = false;
  // Folds one extra word into the digest while processing this event index.
  std::optional<std::uint64_t> perturb_at_event = std::nullopt;
};

struct WorkloadResult {
  std::vector<EventRecord> events;
  std::vector<std::string> kinds;  // kind name of each event
  std::uint64_t digest = 0;
  DigestHistory history;
  std::vector<std::int64_t> network_draws;  // each latency drawn, in microseconds
  std::uint64_t cancellations = 0;
  std::uint64_t reschedules = 0;
};

class Workload {
 public:
  explicit Workload(WorkloadOptions options)
      : options_(options),
        sim_(SimulationOptions{.seed = options.seed, .keep_digest_history = options.keep_history}),
        heartbeat_(sim_.event_kind("node.heartbeat")),
        deliver_(sim_.event_kind("network.deliver")),
        session_expired_(sim_.event_kind("node.session_expired")),
        audit_(sim_.event_kind("audit.sample")) {
    for (int i = 0; i < options_.nodes; ++i) nodes_.push_back(Node{});
  }

  WorkloadResult run() {
    sim_.set_event_observer([this](const EventRecord& r) {
      result_.events.push_back(r);
      result_.kinds.emplace_back(sim_.kind_name(r.kind));
    });
    for (int i = 0; i < options_.nodes; ++i) {
      schedule_heartbeat(i);
      arm_session(i);
    }
    if (options_.audit_stream) schedule_audit();
    sim_.run_until(options_.until);
    result_.digest = sim_.digest().value();
    result_.history = sim_.digest_history();
    return std::move(result_);
  }

 private:
  struct Node {
    EventHandle session;
    std::uint64_t received = 0;
  };

  Prng& node_stream(int node) { return sim_.prng("node/" + std::to_string(node)); }

  void maybe_perturb() {
    if (options_.perturb_at_event == sim_.current_event().index) sim_.digest().mix(0xdead);
  }

  void schedule_heartbeat(int node) {
    const SimDuration period =
        node_stream(node).uniform(SimDuration::from_ms(5), SimDuration::from_ms(15));
    sim_.schedule_after(period, heartbeat_, NodeId{node}, [this, node] {
      maybe_perturb();
      int peer =
          static_cast<int>(node_stream(node).index(static_cast<std::size_t>(options_.nodes - 1)));
      if (peer >= node) ++peer;
      send(node, peer, 1);
      schedule_heartbeat(node);
    });
  }

  void send(int from, int to, std::uint64_t payload) {
    const SimDuration latency =
        SimDuration::from_us(100) + sim_.prng("network").exponential(SimDuration::from_ms(2));
    result_.network_draws.push_back(latency.to_us());
    sim_.schedule_after(latency, deliver_, NodeId{to}, [this, from, to, payload] {
      maybe_perturb();
      Node& n = nodes_[static_cast<std::size_t>(to)];
      ++n.received;
      sim_.digest().mix(payload);
      sim_.digest().mix(n.received);
      arm_session(to);
      // Reply to about a third of the messages.
      if (payload < 3 && node_stream(to).bernoulli(Ratio{1, 3})) send(to, from, payload + 1);
    });
  }

  // Even nodes re-arm their session timeout with reschedule, odd ones with cancel + schedule:
  // both paths are under the determinism checks.
  void arm_session(int node) {
    Node& n = nodes_[static_cast<std::size_t>(node)];
    if (node % 2 == 0 && sim_.is_pending(n.session)) {
      n.session = sim_.reschedule_after(n.session, SimDuration::from_ms(12));
      ++result_.reschedules;
      return;
    }
    if (sim_.cancel(n.session)) ++result_.cancellations;
    n.session =
        sim_.schedule_after(SimDuration::from_ms(12), session_expired_, NodeId{node}, [this, node] {
          maybe_perturb();
          sim_.digest().mix(node);
          arm_session(node);
        });
  }

  void schedule_audit() {
    Prng& audit = sim_.prng("audit");
    sim_.schedule_after(audit.uniform(SimDuration::from_us(1), SimDuration::from_ms(3)), audit_,
                        [this] {
                          sim_.prng("audit").next_u64();  // an unrelated draw
                          schedule_audit();
                        });
  }

  WorkloadOptions options_;
  Simulation sim_;
  EventKind heartbeat_, deliver_, session_expired_, audit_;
  std::vector<Node> nodes_;
  WorkloadResult result_;
};

inline WorkloadResult run_workload(WorkloadOptions options) { return Workload(options).run(); }

}  // namespace ksim::sim::testing
