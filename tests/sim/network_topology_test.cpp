// The network's graph: every fault changes edge state, reachability is read back from the
// graph for every ordered pair of nodes, and the state is described as one line.
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "sim/kernel/prng.h"
#include "sim/network/errors.h"
#include "sim/network/split.h"
#include "sim/network/topology.h"

using namespace ksim::sim;
using namespace ksim::sim::network;
using namespace ksim::sim::time_literals;

namespace {

// Brokers 1..3 (ids 0..2), ZooKeeper (3), a producer (4).
struct Cluster {
  Topology topology{NetworkOptions{}};
  NodeId b1 = topology.add_node(NodeKind::broker, "broker 1", "1");
  NodeId b2 = topology.add_node(NodeKind::broker, "broker 2", "2");
  NodeId b3 = topology.add_node(NodeKind::broker, "broker 3", "3");
  NodeId zk = topology.add_node(NodeKind::metadata, "zookeeper");
  NodeId producer = topology.add_node(NodeKind::client, "producer-1");
};

// The reference: the set of blocked directed pairs, kept by hand beside the graph.
using Blocked = std::set<std::pair<int, int>>;

// Checks link_up and reachable for every ordered pair (a node always reaches itself).
void check_every_pair(const Topology& t, const Blocked& blocked) {
  for (NodeId a : t.nodes()) {
    for (NodeId b : t.nodes()) {
      const bool up = a == b || blocked.count({a.value, b.value}) == 0;
      INFO(t.info(a).name << " -> " << t.info(b).name << " in state " << t.describe());
      CHECK(t.link_up(a, b) == up);
      CHECK(t.reachable(a, b) == (up && t.host(a).host_up && t.host(b).host_up));
    }
  }
}

void block_both(Blocked& blocked, NodeId a, NodeId b) {
  blocked.insert({a.value, b.value});
  blocked.insert({b.value, a.value});
}

}  // namespace

TEST_CASE("A healthy network: every node reaches every node", "[sim][network]") {
  Cluster c;
  CHECK(c.topology.size() == 5);
  CHECK(c.topology.describe() == "healthy");
  CHECK(c.topology.split_sides().empty());
  check_every_pair(c.topology, {});
  // Names and aliases resolve; ids are given in order.
  CHECK(c.topology.resolve("1") == c.b1);
  CHECK(c.topology.resolve("broker 1") == c.b1);
  CHECK(c.topology.resolve("zookeeper") == c.zk);
  CHECK(c.producer.value == 4);
  CHECK(c.topology.info(c.zk).kind == NodeKind::metadata);
  CHECK_THROWS_WITH(c.topology.resolve("broker 7"), "unknown node 'broker 7'");
  CHECK_THROWS_WITH(c.topology.add_node(NodeKind::broker, "broker 4", "1"),
                    "a node named '1' already exists (alias of 'broker 4')");
  CHECK_THROWS_WITH(c.topology.add_node(NodeKind::client, "zookeeper"),
                    "a node named 'zookeeper' already exists");
}

TEST_CASE("cut_link blocks both directions of one link and nothing else", "[sim][network]") {
  Cluster c;
  c.topology.cut_link(c.b1, c.b3);
  check_every_pair(c.topology, {{0, 2}, {2, 0}});
  CHECK(c.topology.describe() == "cut: 1<->3");
  c.topology.cut_link(c.b2, c.zk);
  check_every_pair(c.topology, {{0, 2}, {2, 0}, {1, 3}, {3, 1}});
  CHECK(c.topology.describe() == "cut: 1<->3, 2<->zookeeper");
}

TEST_CASE("drop_one_way blocks one direction only", "[sim][network]") {
  Cluster c;
  c.topology.drop_one_way(c.b2, c.b3);
  check_every_pair(c.topology, {{1, 2}});
  CHECK(c.topology.describe() == "one-way drop: 2->3");
  c.topology.drop_one_way(c.b3, c.b2);  // both ways now: a cut
  check_every_pair(c.topology, {{1, 2}, {2, 1}});
  CHECK(c.topology.describe() == "cut: 2<->3");
}

TEST_CASE("isolate cuts every link of a node but its loopback", "[sim][network]") {
  Cluster c;
  c.topology.isolate(c.b3);
  Blocked blocked;
  for (NodeId n : c.topology.nodes()) {
    if (n != c.b3) block_both(blocked, n, c.b3);
  }
  check_every_pair(c.topology, blocked);
  CHECK(c.topology.link_up(c.b3, c.b3));
  CHECK(c.topology.describe() == "isolated: 3");
  const auto sides = c.topology.split_sides();
  REQUIRE(sides.size() == 2);
  CHECK(sides[0] == std::vector<NodeId>{c.b1, c.b2, c.zk, c.producer});
  CHECK(sides[1] == std::vector<NodeId>{c.b3});
}

TEST_CASE("A split cuts between sides; unnamed nodes bridge them", "[sim][network]") {
  Cluster c;
  c.topology.split(parse_split("1,2 | 3", c.topology));
  Blocked blocked;
  block_both(blocked, c.b1, c.b3);
  block_both(blocked, c.b2, c.b3);
  check_every_pair(c.topology, blocked);
  // ZooKeeper and the producer were named on no side: they still see everyone.
  CHECK(c.topology.reachable(c.zk, c.b3));
  CHECK(c.topology.reachable(c.b1, c.zk));
  CHECK(c.topology.describe() == "split: {1,2} | {3}");
  CHECK(c.topology.split_sides() == std::vector<std::vector<NodeId>>{{c.b1, c.b2}, {c.b3}});
}

TEST_CASE("A split with three sides and a '*' side", "[sim][network]") {
  Cluster c;
  c.topology.split(parse_split(" 1 | 2|3 , zookeeper | *", c.topology));
  // Sides {1}, {2}, {3, zookeeper}, {producer-1}: everything between different sides is cut.
  const std::vector<int> side_of = {0, 1, 2, 2, 3};
  Blocked blocked;
  for (int a = 0; a < 5; ++a) {
    for (int b = 0; b < 5; ++b) {
      if (side_of[static_cast<std::size_t>(a)] != side_of[static_cast<std::size_t>(b)]) {
        blocked.insert({a, b});
      }
    }
  }
  check_every_pair(c.topology, blocked);
  CHECK(c.topology.describe() == "split: {1} | {2} | {3,zookeeper} | {producer-1}");
}

TEST_CASE("A split naming every node, and the same split written another way", "[sim][network]") {
  Cluster a;
  a.topology.split(parse_split("1,2,producer-1 | 3,zookeeper", a.topology));
  Cluster b;
  b.topology.split(parse_split("broker 3, zookeeper | *", b.topology));
  for (NodeId x : a.topology.nodes()) {
    for (NodeId y : a.topology.nodes()) {
      CHECK(a.topology.link_up(x, y) == b.topology.link_up(x, y));
    }
  }
  CHECK(a.topology.describe() == "split: {1,2,producer-1} | {3,zookeeper}");
  CHECK(b.topology.describe() == a.topology.describe());
}

TEST_CASE("A bridge: the sides do not see each other, ZooKeeper sees both", "[sim][network]") {
  Cluster c;
  c.topology.split(parse_split("1 | 2", c.topology));
  CHECK_FALSE(c.topology.reachable(c.b1, c.b2));
  CHECK_FALSE(c.topology.reachable(c.b2, c.b1));
  CHECK(c.topology.reachable(c.b1, c.zk));
  CHECK(c.topology.reachable(c.zk, c.b2));
  // Reachability is one hop: broker 1 does not reach broker 2 through ZooKeeper.
  CHECK(c.topology.describe() == "cut: 1<->2");
}

TEST_CASE("Faults add up; heal_link and heal_node undo one part, heal everything",
          "[sim][network]") {
  Cluster c;
  c.topology.split(parse_split("1 | 2,3", c.topology));
  c.topology.drop_one_way(c.zk, c.b2);
  c.topology.slow_link(c.b2, c.b3, Slowdown{Ratio{3, 1}, 50_ms});
  Blocked blocked;
  block_both(blocked, c.b1, c.b2);
  block_both(blocked, c.b1, c.b3);
  blocked.insert({c.zk.value, c.b2.value});
  check_every_pair(c.topology, blocked);
  CHECK(c.topology.describe() ==
        "cut: 1<->2, 1<->3; one-way drop: zookeeper->2; slow: 2<->3 x3/1 +50ms");

  c.topology.heal_link(c.b1, c.b2);
  blocked.erase({0, 1});
  blocked.erase({1, 0});
  check_every_pair(c.topology, blocked);

  c.topology.heal_node(c.b2);  // the one-way drop into broker 2 and the slow link go too
  blocked.erase({c.zk.value, c.b2.value});
  check_every_pair(c.topology, blocked);
  CHECK(c.topology.describe() == "cut: 1<->3");

  c.topology.heal();
  check_every_pair(c.topology, {});
  CHECK(c.topology.describe() == "healthy");
}

TEST_CASE("A slow link stays reachable and slows each latency", "[sim][network]") {
  Cluster c;
  c.topology.slow_one_way(c.b1, c.b2, Slowdown{Ratio::one(), 20_ms});
  check_every_pair(c.topology, {});
  CHECK(c.topology.describe() == "slow: 1->2 +20ms");
  CHECK(c.topology.state(c.b1, c.b2).slowdown.apply(500_us) == 20'500_us);
  CHECK(Slowdown{Ratio{5, 2}, 0_us}.apply(1000_us) == 2500_us);
  CHECK_THROWS_WITH(c.topology.slow_link(c.b1, c.b2, Slowdown{Ratio{1, 2}, 0_us}),
                    "slowdown factor 1/2 is below 1");
}

TEST_CASE("A powered-off host is unreachable both ways; its links keep their state",
          "[sim][network]") {
  Cluster c;
  c.topology.host(c.b2).host_up = false;
  check_every_pair(c.topology, {});  // reachable() accounts for the host
  CHECK_FALSE(c.topology.reachable(c.b1, c.b2));
  CHECK_FALSE(c.topology.reachable(c.b2, c.b2));
  CHECK(c.topology.link_up(c.b1, c.b2));
  CHECK(c.topology.describe() == "host off: 2");
  c.topology.host(c.b2).host_up = true;
  c.topology.host(c.b3).process_up = false;
  CHECK(c.topology.describe() == "process down: 3");
}

TEST_CASE("Blocking a link bumps its generation once; healing does not", "[sim][network]") {
  Cluster c;
  CHECK(c.topology.state(c.b1, c.b2).generation == 0);
  c.topology.cut_link(c.b1, c.b2);
  c.topology.cut_link(c.b1, c.b2);  // already cut: the packets already lost stay lost
  CHECK(c.topology.state(c.b1, c.b2).generation == 1);
  c.topology.heal();
  CHECK(c.topology.state(c.b1, c.b2).generation == 1);
  c.topology.isolate(c.b2);
  CHECK(c.topology.state(c.b1, c.b2).generation == 2);
  CHECK(c.topology.state(c.b2, c.b1).generation == 2);
  CHECK(c.topology.state(c.b1, c.b3).generation == 0);
}

TEST_CASE("Bad splits are rejected with the column and the text", "[sim][network]") {
  Cluster c;
  const auto error = [&](const char* text) {
    try {
      parse_split(text, c.topology);
    } catch (const NetworkError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(error("1,2 | 7") == "unknown node '7' at column 7 in split '1,2 | 7'");
  CHECK(error("1,2 | broker 7") == "unknown node 'broker 7' at column 7 in split '1,2 | broker 7'");
  CHECK(error("1,2 |  ") == "empty side 2 at column 6 in split '1,2 |  '");
  CHECK(error("1,,2 | 3") == "missing node name at column 3 in split '1,,2 | 3'");
  CHECK(error("1 | broker 1") ==
        "node 'broker 1' named twice (first as '1') at column 5 in split '1 | broker 1'");
  CHECK(error("1,2,3") == "a split needs at least two sides separated by '|' in split '1,2,3'");
  CHECK(error("* | 1 | *") == "'*' on two sides at column 9 in split '* | 1 | *'");
  CHECK(error("") == "empty side 1 at column 1 in split ''");
}

TEST_CASE("Bad link options are rejected with a message", "[sim][network]") {
  Cluster c;
  LinkOptions bad;
  bad.latency = Latency::uniform(800_us, 200_us);
  CHECK_THROWS_WITH(c.topology.set_link_options(c.b1, c.b2, bad),
                    "latency uniform 800us..200us: the upper bound is below the lower one");
  bad = LinkOptions{};
  bad.loss = Ratio{3, 2};
  CHECK_THROWS_WITH(c.topology.set_link_options(c.b1, c.b2, bad), "loss 3/2 is not a probability");
  bad = LinkOptions{};
  bad.latency = Latency::long_tail(1_ms, Ratio{0, 1}, 50_ms);
  CHECK_THROWS_WITH(c.topology.set_link_options(c.b1, c.b2, bad),
                    "latency long_tail 1ms alpha 0/1 cap 50ms: alpha must be above 0");
}

TEST_CASE("Random faults: reachability always matches a hand-kept model", "[sim][network]") {
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    Prng prng(seed, "network-topology-test");
    Topology t{NetworkOptions{}};
    const int n = 6;
    for (int i = 0; i < n; ++i) {
      t.add_node(NodeKind::broker, "broker " + std::to_string(i + 1), std::to_string(i + 1));
    }
    Blocked blocked;
    const auto node = [&] { return NodeId{static_cast<std::int32_t>(prng.index(n))}; };
    const auto other = [&](NodeId a) {
      NodeId b = a;
      while (b == a) b = node();
      return b;
    };
    for (int step = 0; step < 40; ++step) {
      switch (prng.index(7)) {
        case 0: {
          const NodeId a = node();
          const NodeId b = other(a);
          t.cut_link(a, b);
          block_both(blocked, a, b);
          break;
        }
        case 1: {
          const NodeId a = node();
          const NodeId b = other(a);
          t.drop_one_way(a, b);
          blocked.insert({a.value, b.value});
          break;
        }
        case 2: {
          const NodeId a = node();
          t.isolate(a);
          for (NodeId b : t.nodes()) {
            if (b != a) block_both(blocked, a, b);
          }
          break;
        }
        case 3: {  // a random split into 2..4 sides; some nodes on none
          std::vector<std::vector<NodeId>> sides(2 + prng.index(3));
          std::vector<int> side_of(n, -1);
          for (NodeId a : t.nodes()) {
            const std::size_t s = prng.index(sides.size() + 1);
            if (s == sides.size()) continue;
            sides[s].push_back(a);
            side_of[static_cast<std::size_t>(a.value)] = static_cast<int>(s);
          }
          t.split(sides);
          for (int a = 0; a < n; ++a) {
            for (int b = 0; b < n; ++b) {
              const int sa = side_of[static_cast<std::size_t>(a)];
              const int sb = side_of[static_cast<std::size_t>(b)];
              if (sa >= 0 && sb >= 0 && sa != sb) blocked.insert({a, b});
            }
          }
          break;
        }
        case 4: {
          const NodeId a = node();
          const NodeId b = other(a);
          t.heal_link(a, b);
          blocked.erase({a.value, b.value});
          blocked.erase({b.value, a.value});
          break;
        }
        case 5: {
          const NodeId a = node();
          t.heal_node(a);
          for (NodeId b : t.nodes()) {
            blocked.erase({a.value, b.value});
            blocked.erase({b.value, a.value});
          }
          break;
        }
        default:
          if (prng.index(4) == 0) {
            t.heal();
            blocked.clear();
          }
      }
      check_every_pair(t, blocked);
      // A recognised split is a true partition of the affected nodes.
      for (const auto& side : t.split_sides()) {
        for (NodeId a : side) {
          for (NodeId b : side) CHECK(t.link_up(a, b));
        }
      }
    }
  }
}
