// No silent hang: random traffic under random faults, process kills and power cycles, over
// many seeds. Every message is delivered in order, or the end that sent it was told its
// connection is gone (or gave it up itself: closed it, or its process died). Dead nodes get
// no callbacks, no end is told twice, and every run ends with no event pending.
#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <vector>

#include "network_test_support.h"
#include "sim/kernel/simulation.h"
#include "sim/network/network.h"

using namespace ksim::sim;
using namespace ksim::sim::network;
using namespace ksim::sim::network::testing;
using namespace ksim::sim::time_literals;

namespace {

struct EndLog {
  std::vector<std::int64_t> sent;
  std::vector<std::int64_t> delivered;  // what the peer got of `sent`, in order
  bool told = false;
  bool closed_itself = false;
  bool died = false;
};

struct ChaosFigures {
  std::uint64_t ends = 0;
  std::uint64_t complete = 0;  // ends whose every message was delivered
  std::uint64_t told = 0;
};

class Chaos {
 public:
  explicit Chaos(std::uint64_t seed) : sim_(SimulationOptions{seed}), net_(sim_, options()) {
    nodes_ = {net_.add_broker(1), net_.add_broker(2), net_.add_broker(3), net_.add_metadata(),
              net_.add_client("producer-1")};
    for (NodeId n : nodes_) attach(n);
  }

  ChaosFigures run() {
    for (int step = 0; step < 600; ++step) {
      sim_.schedule_at(SimTime::from_ms(20 * step), [this] { act(); });
    }
    sim_.run_until(SimTime::from_s(13));
    // Everything back: then each end still open sends a last probe, which reaches its peer
    // or meets an RST or a FIN, so a half-dead connection is found out.
    net_.heal();
    for (NodeId n : nodes_) {
      net_.set_host_up(n, true);
      if (!net_.process_up(n)) net_.set_process_up(n, true);
    }
    for (auto& [end, log] : ends_) {
      if (net_.is_open(end)) send(end);
    }
    sim_.run_until_idle();
    CHECK(sim_.pending_events() == 0);
    return check();
  }

 private:
  static NetworkOptions options() {
    NetworkOptions o;
    o.link.latency = Latency::uniform(200_us, 30_ms);
    o.link.loss = Ratio{1, 50};
    o.tcp.user_timeout = 30_s;  // shorter than Linux's, so timeouts happen within the run
    o.tcp.connect_timeout = 7_s;
    return o;
  }

  void attach(NodeId n) {
    NodeHandlers h;
    h.on_message = [this, n](Delivery& d) {
      REQUIRE(net_.process_up(n));
      ends_[d.connection.peer_end()].delivered.push_back(*d.message.payload.get<std::int64_t>());
    };
    h.on_accepted = [this, n](ConnectionId end, NodeId) {
      REQUIRE(net_.process_up(n));
      REQUIRE(ends_.count(end) == 0);
      ends_[end];
    };
    h.on_connected = [this, n](ConnectionId, NodeId) { REQUIRE(net_.process_up(n)); };
    h.on_disconnect = [this, n](ConnectionId end, NodeId, DisconnectReason) {
      REQUIRE(net_.process_up(n));
      EndLog& log = ends_[end];
      REQUIRE_FALSE(log.told);
      REQUIRE_FALSE(log.closed_itself);
      log.told = true;
      REQUIRE_FALSE(net_.is_open(end));
    };
    net_.set_handlers(n, std::move(h));
  }

  NodeId any_node() { return nodes_[prng_.index(nodes_.size())]; }

  std::vector<ConnectionId> open_ends() {
    std::vector<ConnectionId> open;
    for (const auto& [end, log] : ends_) {
      if (net_.is_open(end)) open.push_back(end);
    }
    return open;
  }

  void send(ConnectionId end) {
    ends_[end].sent.push_back(next_value_);
    net_.send(end, int_message(next_value_++, 200));
  }

  // Marks the ends a node holds as dead before its process or host goes.
  void node_dies(NodeId n) {
    for (auto& [end, log] : ends_) {
      if (net_.node_of(end) == n && net_.is_open(end)) log.died = true;
    }
  }

  void act() {
    const std::size_t r = prng_.index(100);
    if (r < 35) {
      const auto open = open_ends();
      if (!open.empty()) send(open[prng_.index(open.size())]);
    } else if (r < 45) {
      const NodeId from = any_node();
      if (net_.process_up(from)) ends_[net_.connect(from, any_node())];
    } else if (r < 48) {
      const auto open = open_ends();
      if (!open.empty()) {
        const ConnectionId end = open[prng_.index(open.size())];
        ends_[end].closed_itself = true;
        net_.close(end);
      }
    } else if (r < 58) {
      const NodeId a = any_node();
      NodeId b = any_node();
      while (b == a) b = any_node();
      switch (prng_.index(5)) {
        case 0:
          net_.cut_link(a, b);
          break;
        case 1:
          net_.drop_one_way(a, b);
          break;
        case 2:
          net_.isolate(a);
          break;
        case 3: {
          std::vector<std::vector<NodeId>> sides(2);
          for (NodeId n : nodes_) {
            const std::size_t s = prng_.index(3);
            if (s < 2) sides[s].push_back(n);
          }
          net_.split(sides);
          break;
        }
        default:
          net_.slow_link(a, b, Slowdown{Ratio{2, 1}, 100_ms});
      }
    } else if (r < 66) {
      if (prng_.index(2) == 0) {
        net_.heal();
      } else {
        const NodeId a = any_node();
        NodeId b = any_node();
        while (b == a) b = any_node();
        net_.heal_link(a, b);
      }
    } else if (r < 70) {
      const NodeId n = any_node();
      if (net_.process_up(n)) {
        node_dies(n);
        net_.set_process_up(n, false);
      }
    } else if (r < 75) {
      const NodeId n = any_node();
      if (net_.host_up(n) && !net_.process_up(n)) net_.set_process_up(n, true);
    } else if (r < 77) {
      const NodeId n = any_node();
      if (net_.host_up(n)) {
        node_dies(n);
        net_.set_host_up(n, false);
      }
    } else if (r < 80) {
      const NodeId n = any_node();
      if (!net_.host_up(n)) {
        net_.set_host_up(n, true);
        if (prng_.index(2) == 0) net_.set_process_up(n, true);
      }
    }
  }

  ChaosFigures check() {
    ChaosFigures figures;
    for (const auto& [end, log] : ends_) {
      INFO("end " << end.to_string() << ": sent " << log.sent.size() << ", delivered "
                  << log.delivered.size() << ", told " << log.told << ", closed itself "
                  << log.closed_itself << ", died " << log.died);
      // In order, none twice, none skipped: what arrived is a prefix of what was sent.
      REQUIRE(log.delivered.size() <= log.sent.size());
      for (std::size_t i = 0; i < log.delivered.size(); ++i) {
        REQUIRE(log.delivered[i] == log.sent[i]);
      }
      const bool complete = log.delivered.size() == log.sent.size();
      // No silent hang: an end that kept its connection got everything through.
      if (!log.told && !log.closed_itself && !log.died) REQUIRE(complete);
      ++figures.ends;
      if (complete) ++figures.complete;
      if (log.told) ++figures.told;
    }
    return figures;
  }

  Simulation sim_;
  Network net_;
  Prng prng_{sim_.seed(), "test/chaos"};
  std::vector<NodeId> nodes_;
  std::map<ConnectionId, EndLog> ends_;
  std::int64_t next_value_ = 0;
};

}  // namespace

TEST_CASE("No silent hang under random faults, kills and power cycles", "[sim][network]") {
  ChaosFigures total;
  for (std::uint64_t seed = 1; seed <= 25; ++seed) {
    INFO("seed " << seed);
    Chaos chaos(seed);
    const ChaosFigures f = chaos.run();
    total.ends += f.ends;
    total.complete += f.complete;
    total.told += f.told;
  }
  // The runs are not trivial: many ends, many of them broken, many with all delivered.
  CHECK(total.ends > 500);
  CHECK(total.told > 100);
  CHECK(total.complete > 200);
}
