// The simulated TCP connection: handshake, ordered delivery across cuts that heal, and how an
// end learns its connection is gone (refused, reset, timeout, closed), with exact timing on
// links of a fixed 500 us latency.
#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

#include "expect_abort.h"
#include "network_test_support.h"
#include "sim/kernel/simulation.h"
#include "sim/network/network.h"

using namespace ksim::sim;
using namespace ksim::sim::network;
using namespace ksim::sim::network::testing;
using namespace ksim::sim::time_literals;

namespace {

NetworkOptions fixed_latency() {
  NetworkOptions options;
  options.link.latency = Latency::fixed(500_us);
  return options;
}

// A producer and two brokers on 500 us links; the round trip is 1 ms, the first RTO 201 ms.
struct TcpWorld {
  explicit TcpWorld(NetworkOptions options = fixed_latency()) : net(sim, options) {
    for (NodeId n : {a, b, c}) rec.attach(n);
  }
  // Connects a to b and runs until connected (at 1 ms when started at 0).
  ConnectionId connected_pair() {
    const ConnectionId end = net.connect(a, b);
    sim.run_until(sim.now() + 1_ms);
    REQUIRE(net.is_established(end));
    return end;
  }
  // Runs `f` at time t.
  template <class F>
  void at(SimTime t, F f) {
    sim.schedule_at(t, std::move(f));
  }

  Simulation sim{SimulationOptions{42}};
  Network net;
  NodeId a = net.add_client("producer-1");
  NodeId b = net.add_broker(1);
  NodeId c = net.add_broker(2);
  Recorder rec{net};
};

const ConnectionId kAcceptorEnd{1, 1};

}  // namespace

TEST_CASE("Handshake: accepted after one way, connected after a round trip", "[sim][network]") {
  TcpWorld w;
  const ConnectionId end = w.net.connect(w.a, w.b);
  CHECK(end == ConnectionId{1, 0});
  CHECK(end.to_string() == "#1/initiator");
  // Sent before the handshake completes: waits, then goes out in order.
  w.net.send(end, int_message(1));
  w.net.send(end, int_message(2));
  CHECK_FALSE(w.net.is_established(end));
  w.sim.run_until_idle();
  REQUIRE(w.rec.accepted.size() == 1);
  CHECK(w.rec.accepted[0].at == at_us(500));
  CHECK(w.rec.accepted[0].end == kAcceptorEnd);
  CHECK(w.rec.accepted[0].peer == w.a);
  REQUIRE(w.rec.connected.size() == 1);
  CHECK(w.rec.connected[0].at == at_us(1000));
  REQUIRE(w.rec.received.size() == 2);
  CHECK(w.rec.received[0].at == at_us(1500));
  CHECK(w.rec.received[0].value == 1);
  CHECK(w.rec.received[0].sent_at == at_us(0));
  CHECK(w.rec.received[1].value == 2);
  CHECK(w.rec.received[1].sequence == 1);
  CHECK(w.rec.received[1].end == kAcceptorEnd);
  CHECK(w.net.peer_of(end) == w.b);
  CHECK(w.net.node_of(kAcceptorEnd) == w.b);
  CHECK(w.net.unacknowledged(end) == 0);
  CHECK(w.rec.disconnects.empty());
  CHECK(w.sim.pending_events() == 0);
}

TEST_CASE("The acceptor answers on the same connection", "[sim][network]") {
  TcpWorld w;
  NodeHandlers echo;
  echo.on_message = [&](Delivery& d) {
    const auto value = *d.message.payload.get<std::int64_t>();
    w.net.send(d.connection, int_message(value * 10));
  };
  w.net.set_handlers(w.b, std::move(echo));
  const ConnectionId end = w.connected_pair();
  w.net.send(end, int_message(7));
  w.sim.run_until_idle();
  REQUIRE(w.rec.received.size() == 1);
  CHECK(w.rec.received[0].value == 70);
  CHECK(w.rec.received[0].end == end);
  CHECK(w.rec.received[0].at == at_us(2000));
}

TEST_CASE("Connecting to a host whose process is down is refused after a round trip",
          "[sim][network]") {
  TcpWorld w;
  w.net.set_process_up(w.b, false);
  const ConnectionId end = w.net.connect(w.a, w.b);
  w.net.send(end, int_message(1));
  w.sim.run_until_idle();
  REQUIRE(w.rec.disconnects.size() == 1);
  CHECK(w.rec.disconnects[0].end == end);
  CHECK(w.rec.disconnects[0].reason == DisconnectReason::refused);
  CHECK(w.rec.disconnects[0].at == at_us(1000));
  CHECK(w.rec.accepted.empty());
  CHECK(w.rec.received.empty());
  CHECK_FALSE(w.net.is_open(end));
  CHECK(w.net.stats().refused == 1);
  CHECK(w.sim.pending_events() == 0);
}

TEST_CASE("Connecting to a powered-off host times out after 127 s of SYNs", "[sim][network]") {
  TcpWorld w;
  w.net.set_host_up(w.b, false);
  const ConnectionId end = w.net.connect(w.a, w.b);
  w.sim.run_until_idle();
  REQUIRE(w.rec.disconnects.size() == 1);
  CHECK(w.rec.disconnects[0].reason == DisconnectReason::timeout);
  CHECK(w.rec.disconnects[0].at == SimTime::from_s(127));
  CHECK(w.net.stats().lost == 7);  // SYNs at 0, 1, 3, 7, 15, 31, 63 s
  CHECK_FALSE(w.net.is_open(end));
}

TEST_CASE("A SYN across a cut gets through at the first retransmission after the heal",
          "[sim][network]") {
  TcpWorld w;
  w.net.cut_link(w.a, w.b);
  w.net.connect(w.a, w.b);
  w.at(SimTime::from_ms(2500), [&] { w.net.heal(); });
  w.sim.run_until_idle();
  REQUIRE(w.rec.connected.size() == 1);
  CHECK(w.rec.accepted[0].at == at_us(3'000'500));  // SYNs at 0 and 1 s lost, 3 s through
  CHECK(w.rec.connected[0].at == at_us(3'001'000));
  CHECK(w.rec.disconnects.empty());
}

TEST_CASE("A killed process resets its peers one latency later, after what it sent",
          "[sim][network]") {
  TcpWorld w;
  const ConnectionId end = w.connected_pair();                           // 1 ms
  w.at(at_us(1500), [&] { w.net.send(end, int_message(2)); });           // to b, arrives at 2.0 ms
  w.at(at_us(1600), [&] { w.net.send(kAcceptorEnd, int_message(1)); });  // to a, at 2.1 ms
  w.at(at_us(1800), [&] { w.net.set_process_up(w.b, false); });
  w.sim.run_until_idle();
  // Broker 1's message left before it died: it arrives, then the RST (sent at 1.8 ms).
  REQUIRE(w.rec.received.size() == 1);
  CHECK(w.rec.received[0].value == 1);
  CHECK(w.rec.received[0].at == at_us(2100));
  REQUIRE(w.rec.disconnects.size() == 1);
  CHECK(w.rec.disconnects[0].end == end);
  CHECK(w.rec.disconnects[0].peer == w.b);
  CHECK(w.rec.disconnects[0].reason == DisconnectReason::reset);
  CHECK(w.rec.disconnects[0].at == at_us(2300));
  // The dead process gets no callbacks; the message to it reached a host without it.
  CHECK(w.net.stats().messages_delivered == 1);
  CHECK(w.net.stats().resets_sent == 2);
  CHECK(w.sim.pending_events() == 0);
}

TEST_CASE("With the RST lost, the next send learns of the dead process after a round trip",
          "[sim][network]") {
  TcpWorld w;
  const ConnectionId end = w.connected_pair();
  w.at(at_us(2000), [&] {
    w.net.cut_link(w.a, w.b);
    w.net.set_process_up(w.b, false);  // its RST dies on the cut link
  });
  w.at(at_us(3000), [&] {
    w.net.heal();
    w.net.set_process_up(w.b, true);  // a new process: the old connection is not its
  });
  w.at(at_us(5000), [&] { w.net.send(end, int_message(1)); });
  w.sim.run_until(SimTime::from_ms(4));
  CHECK(w.net.is_open(end));  // nothing told the producer yet
  w.sim.run_until_idle();
  REQUIRE(w.rec.disconnects.size() == 1);
  CHECK(w.rec.disconnects[0].reason == DisconnectReason::reset);
  CHECK(w.rec.disconnects[0].at == at_us(6000));
  CHECK(w.rec.received.empty());
}

TEST_CASE("A message sent into a cut that heals arrives at the next retransmission",
          "[sim][network]") {
  TcpWorld w;
  const ConnectionId end = w.connected_pair();
  w.at(at_us(2000), [&] { w.net.cut_link(w.a, w.b); });
  w.at(at_us(3000), [&] { w.net.send(end, int_message(1)); });
  w.at(at_us(303'000), [&] { w.net.heal(); });
  w.sim.run_until_idle();
  // Sent at 3 ms (lost), again at 204 ms (lost), again at 204 + 402 = 606 ms.
  REQUIRE(w.rec.received.size() == 1);
  CHECK(w.rec.received[0].at == at_us(606'500));
  CHECK(w.net.stats().retransmissions == 2);
  CHECK(w.net.stats().lost == 2);
  CHECK(w.rec.disconnects.empty());
  CHECK(w.net.is_open(end));
}

TEST_CASE("A segment on the wire when its link is cut is lost even if the cut heals first",
          "[sim][network]") {
  TcpWorld w;
  const ConnectionId end = w.connected_pair();
  w.at(at_us(3000), [&] { w.net.send(end, int_message(1)); });  // due at 3.5 ms
  w.at(at_us(3200), [&] { w.net.cut_link(w.a, w.b); });
  w.at(at_us(3300), [&] { w.net.heal(); });
  w.sim.run_until_idle();
  REQUIRE(w.rec.received.size() == 1);
  CHECK(w.rec.received[0].at == at_us(204'500));  // retransmitted at 3 + 201 ms
}

TEST_CASE("Across a cut that never heals the sender times out after tcp user_timeout",
          "[sim][network]") {
  TcpWorld w;
  const ConnectionId end = w.connected_pair();
  w.at(at_us(2000), [&] { w.net.cut_link(w.a, w.b); });
  w.at(at_us(3000), [&] { w.net.send(end, int_message(1)); });
  w.sim.run_until_idle();
  REQUIRE(w.rec.disconnects.size() == 1);
  CHECK(w.rec.disconnects[0].end == end);
  CHECK(w.rec.disconnects[0].reason == DisconnectReason::timeout);
  CHECK(w.rec.disconnects[0].at == at_us(3000) + SimDuration::from_ms(924'600));
  CHECK(w.rec.received.empty());
  // Retransmissions at 201 ms doubling up to 120 s, until the deadline.
  std::int64_t t = 0;
  std::int64_t rto = 201'000;
  std::uint64_t expected = 0;
  while (t + rto < 924'600'000) {
    t += rto;
    rto = std::min<std::int64_t>(rto * 2, 120'000'000);
    ++expected;
  }
  CHECK(w.net.stats().retransmissions == expected);
  CHECK(expected == 15);  // Linux's tcp_retries2
  // The acceptor sent nothing, so it learns nothing (TCP without keepalive).
  CHECK(w.net.is_open(kAcceptorEnd));
}

TEST_CASE("One-way drop of the way back: delivered once, yet the sender times out",
          "[sim][network]") {
  TcpWorld w;
  const ConnectionId end = w.connected_pair();
  w.at(at_us(2000), [&] { w.net.drop_one_way(w.b, w.a); });
  w.at(at_us(3000), [&] { w.net.send(end, int_message(1)); });
  w.at(at_us(4000), [&] { w.net.send(kAcceptorEnd, int_message(2)); });
  w.sim.run_until_idle();
  // a -> b works: the message arrives once, though it is retransmitted for want of an ack.
  REQUIRE(w.rec.received.size() == 1);
  CHECK(w.rec.received[0].value == 1);
  CHECK(w.rec.received[0].at == at_us(3500));
  CHECK(w.net.stats().retransmissions > 10);
  REQUIRE(w.rec.disconnects.size() == 2);
  const Notice* sender = w.rec.notice_for(end);
  REQUIRE(sender != nullptr);
  CHECK(sender->reason == DisconnectReason::timeout);
  CHECK(sender->at == at_us(3000) + SimDuration::from_ms(924'600));
  const Notice* acceptor = w.rec.notice_for(kAcceptorEnd);
  REQUIRE(acceptor != nullptr);
  CHECK(acceptor->reason == DisconnectReason::timeout);
  CHECK(acceptor->at == at_us(4000) + SimDuration::from_ms(924'600));
}

TEST_CASE("One-way drop of the way there: nothing delivered, the sender times out",
          "[sim][network]") {
  TcpWorld w;
  const ConnectionId end = w.connected_pair();
  w.at(at_us(2000), [&] { w.net.drop_one_way(w.a, w.b); });
  w.at(at_us(3000), [&] { w.net.send(end, int_message(1)); });
  w.sim.run_until_idle();
  CHECK(w.rec.received.empty());
  REQUIRE(w.rec.disconnects.size() == 1);
  CHECK(w.rec.disconnects[0].reason == DisconnectReason::timeout);
  CHECK(w.rec.disconnects[0].at == at_us(3000) + SimDuration::from_ms(924'600));
}

TEST_CASE("A powered-off peer times its senders out; powered on again, it resets them",
          "[sim][network]") {
  SECTION("it stays off: timeout") {
    TcpWorld w;
    const ConnectionId end = w.connected_pair();
    w.at(at_us(2000), [&] { w.net.set_host_up(w.b, false); });
    w.at(at_us(3000), [&] { w.net.send(end, int_message(1)); });
    w.sim.run_until_idle();
    REQUIRE(w.rec.disconnects.size() == 1);
    CHECK(w.rec.disconnects[0].reason == DisconnectReason::timeout);
    CHECK(w.rec.disconnects[0].at == at_us(3000) + SimDuration::from_ms(924'600));
  }
  SECTION("it comes back at 10 s: the next retransmission meets an RST") {
    TcpWorld w;
    const ConnectionId end = w.connected_pair();
    w.at(at_us(2000), [&] { w.net.set_host_up(w.b, false); });
    w.at(at_us(3000), [&] { w.net.send(end, int_message(1)); });
    w.at(SimTime::from_s(10), [&] {
      w.net.set_host_up(w.b, true);
      w.net.set_process_up(w.b, true);
    });
    w.sim.run_until_idle();
    // Transmissions at 3, 204, 606, 1410, 3018, 6234 and 12666 ms; that one meets the RST.
    REQUIRE(w.rec.disconnects.size() == 1);
    CHECK(w.rec.disconnects[0].reason == DisconnectReason::reset);
    CHECK(w.rec.disconnects[0].at == at_us(12'667'000));
    CHECK(w.rec.received.empty());
  }
}

TEST_CASE("An orderly close: everything sent arrives, then the peer sees closed",
          "[sim][network]") {
  TcpWorld w;
  const ConnectionId end = w.connected_pair();
  w.at(at_us(2000), [&] {
    for (int i = 1; i <= 3; ++i) w.net.send(end, int_message(i));
    w.net.close(end);
    CHECK_FALSE(w.net.is_open(end));
  });
  w.sim.run_until_idle();
  CHECK(w.rec.values(1, w.a) == std::vector<std::int64_t>{1, 2, 3});
  REQUIRE(w.rec.disconnects.size() == 1);
  CHECK(w.rec.disconnects[0].end == kAcceptorEnd);
  CHECK(w.rec.disconnects[0].reason == DisconnectReason::closed);
  CHECK(w.rec.disconnects[0].at == at_us(2500));
  CHECK(w.rec.received.back().at == at_us(2500));
  CHECK_FALSE(w.net.is_open(kAcceptorEnd));
  CHECK(w.net.stats().closed == 1);
  CHECK(w.sim.pending_events() == 0);
}

TEST_CASE("Data for an end its application closed is answered with a reset", "[sim][network]") {
  TcpWorld w;
  const ConnectionId end = w.connected_pair();
  w.at(at_us(2000), [&] { w.net.close(kAcceptorEnd); });        // FIN reaches a at 2.5 ms
  w.at(at_us(2100), [&] { w.net.send(end, int_message(1)); });  // reaches b at 2.6 ms
  w.sim.run_until_idle();
  REQUIRE(w.rec.disconnects.size() == 1);
  CHECK(w.rec.disconnects[0].end == end);
  CHECK(w.rec.disconnects[0].reason == DisconnectReason::closed);
  CHECK(w.rec.disconnects[0].at == at_us(2500));
  CHECK(w.rec.received.empty());
  CHECK(w.net.stats().resets_sent == 1);  // b's kernel answered the data; nobody listened
}

TEST_CASE("The acceptor's data can complete the handshake when the SYN-ACK is lost",
          "[sim][network]") {
  TcpWorld w;
  NodeHandlers eager;
  eager.on_accepted = [&](ConnectionId end, NodeId) { w.net.send(end, int_message(99)); };
  w.net.set_handlers(w.b, std::move(eager));
  w.net.connect(w.a, w.b);
  // The SYN-ACK and the greeting leave b at 0.5 ms; a cut while they travel loses both.
  w.at(at_us(700), [&] { w.net.cut_link(w.a, w.b); });
  w.at(at_us(800), [&] { w.net.heal(); });
  w.sim.run_until_idle();
  // The greeting is retransmitted at 0.5 + 201 ms, before the SYN timer (1 s), and connects a.
  REQUIRE(w.rec.connected.size() == 1);
  CHECK(w.rec.connected[0].at == at_us(202'000));
  REQUIRE(w.rec.received.size() == 1);
  CHECK(w.rec.received[0].value == 99);
  CHECK(w.rec.received[0].at == at_us(202'000));
  CHECK(w.rec.disconnects.empty());
}

TEST_CASE("A broken connection stays broken after heal; a new one works", "[sim][network]") {
  TcpWorld w;
  const ConnectionId old_end = w.connected_pair();
  w.net.cut_link(w.a, w.b);
  w.net.send(old_end, int_message(1));
  w.sim.run_until_idle();
  REQUIRE(w.rec.disconnects.size() == 1);
  CHECK_FALSE(w.net.is_open(old_end));
  w.net.heal();
  w.sim.run_for(10_s);
  CHECK(w.rec.received.empty());
  const ConnectionId fresh = w.net.connect(w.a, w.b);
  CHECK(fresh.connection == 2);
  w.net.send(fresh, int_message(2));
  w.sim.run_until_idle();
  CHECK(w.rec.values(2, w.a) == std::vector<std::int64_t>{2});
}

TEST_CASE("A node can connect to itself over loopback, which no fault touches", "[sim][network]") {
  TcpWorld w;
  w.net.isolate(w.b);
  const SimTime start = w.sim.now();
  const ConnectionId end = w.net.connect(w.b, w.b);
  w.net.send(end, int_message(5));
  w.sim.run_until_idle();
  REQUIRE(w.rec.connected.size() == 1);
  CHECK(w.rec.connected[0].at == start + 40_us);
  REQUIRE(w.rec.received.size() == 1);
  CHECK(w.rec.received[0].at == start + 60_us);
  CHECK(w.rec.received[0].end == ConnectionId{1, 1});
}

TEST_CASE("Killing a node ends every connection it holds, on both sides", "[sim][network]") {
  TcpWorld w;
  const ConnectionId ab = w.connected_pair();       // #1: a -> b
  const ConnectionId cb = w.net.connect(w.c, w.b);  // #2: broker 2 -> broker 1
  const ConnectionId ba = w.net.connect(w.b, w.a);  // #3: b -> a
  w.sim.run_for(5_ms);
  w.net.set_process_up(w.b, false);
  w.sim.run_until_idle();
  CHECK(w.rec.disconnects.size() == 3);
  for (ConnectionId end : {ab, cb, ba.peer_end()}) {
    const Notice* n = w.rec.notice_for(end);
    REQUIRE(n != nullptr);
    CHECK(n->reason == DisconnectReason::reset);
    CHECK(n->peer == w.b);
  }
  CHECK_FALSE(w.net.is_open(ba));
  CHECK(w.net.describe() == "process down: 1");
}

TEST_CASE("Sending on an end the node no longer holds is a programmer error", "[sim][network]") {
  const auto outcome = ksim::sim::testing::run_expecting_abort([] {
    TcpWorld w;
    const ConnectionId end = w.connected_pair();
    w.net.close(end);
    w.net.send(end, int_message(1));
  });
  CHECK(outcome.aborted);
  CHECK(outcome.stderr_text.find("send on #1/initiator, which producer-1 does not hold") !=
        std::string::npos);
}

TEST_CASE("The run header records the network's options", "[sim][network]") {
  Simulation sim{SimulationOptions{7}};
  Network net(sim);
  CHECK(sim.header().get("network.latency") == "uniform 200us..800us");
  CHECK(sim.header().get("network.loss") == "0/1");
  CHECK(sim.header().get("network.tcp.user_timeout") == "924.600s");
  CHECK(sim.header().get("network.tcp.connect_timeout") == "127.000s");
  const NodeId b1 = net.add_broker(1);
  const NodeId b2 = net.add_broker(2);
  LinkOptions wan;
  wan.latency = Latency::long_tail(2_ms, Ratio{3, 2}, 100_ms);
  wan.bandwidth_bytes_per_s = 1'000'000;
  net.set_link_options(b1, b2, wan);
  CHECK(sim.header().get("network.link.1<->2") ==
        "long_tail 2ms alpha 3/2 cap 100ms, loss 0/1, 1000000 B/s");
}

TEST_CASE("A split given as text: traffic across it stalls, ZooKeeper still bridges the sides",
          "[sim][network]") {
  TcpWorld w;  // producer-1 (a), broker 1 (b), broker 2 (c)
  const NodeId zk = w.net.add_metadata();
  w.rec.attach(zk);
  const ConnectionId to_zk = w.net.connect(w.b, zk);     // #1
  const ConnectionId to_peer = w.net.connect(w.b, w.c);  // #2
  w.sim.run_for(2_ms);
  w.net.split("1 | 2");
  CHECK(w.net.describe() == "cut: 1<->2");
  CHECK_THROWS_WITH(w.net.split("1 | 7"), "unknown node '7' at column 5 in split '1 | 7'");
  w.net.send(to_zk, int_message(1));
  w.net.send(to_peer, int_message(2));
  w.sim.run_for(10_s);
  CHECK(w.rec.values(1, w.b) == std::vector<std::int64_t>{1});
  CHECK(w.rec.values(2, w.b).empty());
  CHECK(w.net.is_open(to_peer));  // not timed out yet: 924.6 s
  w.net.heal();
  w.sim.run_until_idle();
  CHECK(w.rec.values(2, w.b) == std::vector<std::int64_t>{2});  // the next retransmission
  CHECK(w.rec.disconnects.empty());
}

TEST_CASE("A send or close on an end the peer already closed is a quiet no-op", "[sim][network]") {
  // The acceptor's process was paused while its peer closed: it answers a request it saw
  // before, on a connection the network has ended. Like write(2) on a dead socket, nothing goes
  // out and nothing breaks; the process learns of the close through its own notice.
  TcpWorld w;
  const ConnectionId client_end = w.connected_pair();
  REQUIRE(w.rec.accepted.size() == 1);
  const ConnectionId server_end = w.rec.accepted.front().end;
  w.net.close(client_end);
  w.sim.run_until(w.sim.now() + 2_ms);
  REQUIRE(w.rec.notice_for(server_end) != nullptr);
  CHECK(w.rec.notice_for(server_end)->reason == DisconnectReason::closed);
  w.net.send(server_end, int_message(7));
  w.net.close(server_end);
  w.sim.run_until(w.sim.now() + 10_ms);
  CHECK(w.net.stats().sends_after_disconnect == 1);
  CHECK(w.rec.values(server_end.connection, w.b).empty());
}
