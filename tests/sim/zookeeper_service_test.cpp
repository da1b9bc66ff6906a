// ZooKeeper as a node of the simulated network: ephemerals that outlive their owner by the
// session timeout (to ZooKeeper's tick bucket), watches across nodes, sessions that survive a
// short cut and expire in a long one (the client learning it only after the heal), a zookeeper
// restart that keeps the znodes and the sessions, and the same run for the same seed.
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "sim/cluster/zk_session.h"
#include "sim/cluster/zookeeper_process.h"
#include "sim/world.h"

using namespace ksim;
using namespace ksim::sim;
using namespace ksim::sim::cluster;
using namespace ksim::sim::time_literals;
using namespace ksim::controller::zk;

namespace {

constexpr std::int64_t kEpoch = 1700000000000;

// What a member saw, kept outside the process so it survives a kill.
struct Observations {
  std::vector<std::string> states;  // "12.345s connected"
  std::vector<std::string> events;  // "25.001s NodeChildrenChanged /brokers/ids"
  std::vector<SessionId> sessions;  // every session it was connected with
};

// A process that holds a ZooKeeper session, like a broker: when connected with a new session it
// registers /brokers/ids/<id> (ephemeral) and watches /brokers/ids; when the session expires it
// starts a new one (Kafka's reinitialize).
class Member final : public Process {
 public:
  Member(std::string id, Observations& seen) : id_(std::move(id)), seen_(seen) {}

  void start(ProcessContext& context) override {
    context_ = &context;
    zk_ = std::make_unique<ZkSession>(context, "zookeeper", ZkClientConfig{});
    NodeHandlers handlers;
    handlers.on_message = [this](Delivery& delivery) { zk_->on_message(delivery); };
    handlers.on_connected = [this](ConnectionId end, NodeId peer) { zk_->on_connected(end, peer); };
    handlers.on_disconnect = [this](ConnectionId end, NodeId peer, DisconnectReason reason) {
      zk_->on_disconnect(end, peer, reason);
    };
    context.set_network_handlers(std::move(handlers));
    ZkClient& client = zk_->client();
    client.set_state_handler([this](SessionState state) { on_state(state); });
    client.set_watch_handler([this](const WatchedEvent& event) {
      seen_.events.push_back(context_->now().to_string() + " " +
                             std::string(event_type_name(event.type)) + " " + event.path);
      watch_ids();
    });
    client.start_new_session(zk_->now_ms());
    zk_->flush();
  }

  ZkSession& zk() { return *zk_; }

 private:
  void on_state(SessionState state) {
    ZkClient& client = zk_->client();
    seen_.states.push_back(context_->now().to_string() + " " +
                           std::string(session_state_name(state)));
    if (state == SessionState::expired) {
      client.start_new_session(zk_->now_ms());
      return;
    }
    if (state != SessionState::connected) return;
    if (!seen_.sessions.empty() && seen_.sessions.back() == client.session_id()) return;
    seen_.sessions.push_back(client.session_id());
    client.create("/brokers", std::nullopt, CreateMode::PERSISTENT, {});
    client.create("/brokers/ids", std::nullopt, CreateMode::PERSISTENT, {});
    client.create("/brokers/ids/" + id_, std::string("member " + id_), CreateMode::EPHEMERAL, {});
    watch_ids();
  }
  void watch_ids() { zk_->client().get_children("/brokers/ids", true, {}); }

  std::string id_;
  Observations& seen_;
  ProcessContext* context_ = nullptr;
  std::unique_ptr<ZkSession> zk_;
};

struct ZkWorld {
  World world;
  std::shared_ptr<ZooKeeperStore> store = std::make_shared<ZooKeeperStore>();
  Observations one;
  Observations two;

  explicit ZkWorld(std::uint64_t seed) : world(WorldOptions{.simulation = {.seed = seed}}) {
    world.add_metadata(ZooKeeperProcess::factory({}, store));
    world.add_broker(1, [this] { return std::make_unique<Member>("1", one); });
    world.add_broker(2, [this] { return std::make_unique<Member>("2", two); });
    world.start_all();
  }
  ZooKeeperServer& zk() { return store->server(); }
  bool exists(const std::string& path) { return zk().data_tree().node(path) != nullptr; }
  void run_for(SimDuration d) { world.sim().run_for(d); }
  void run_until(SimTime t) { world.sim().run_until(t); }
  Member& member(std::string_view name) {
    return dynamic_cast<Member&>(*world.host(name).process());
  }
  SessionId session_of(std::string_view name) { return member(name).zk().client().session_id(); }
  // The simulated time at which the server will expire `session` unless it hears from it.
  SimTime expiry_of(SessionId session) {
    return SimTime::from_ms(zk().session_tracker().session(session)->expiry_time_ms - kEpoch);
  }
};

bool contains(const std::vector<std::string>& lines, std::string_view text) {
  for (const std::string& line : lines) {
    if (line.find(text) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("members connect, register ephemerals and see each other", "[zookeeper]") {
  ZkWorld w(1);
  w.run_for(1_s);
  CHECK(w.member("broker 1").zk().client().state() == SessionState::connected);
  CHECK(w.exists("/brokers/ids/1"));
  CHECK(w.exists("/brokers/ids/2"));
  CHECK(w.zk().data_tree().node("/brokers/ids/1")->stat.ephemeral_owner == w.session_of("1"));
  CHECK(w.zk().data_tree().node("/brokers/ids/1")->data == "member 1");
  // The ZooKeeper clock runs from the epoch offset: ctime is 1700000000000 plus a few ms.
  const std::int64_t ctime = w.zk().data_tree().node("/brokers/ids/1")->stat.ctime;
  CHECK(ctime > kEpoch);
  CHECK(ctime < kEpoch + 1000);
  // One of the two registered after the other watched: the watch fired.
  CHECK(w.one.events.size() + w.two.events.size() >= 1);
}

TEST_CASE("pings keep idle sessions alive far past the timeout", "[zookeeper]") {
  ZkWorld w(2);
  w.run_for(120_s);
  CHECK(w.one.sessions.size() == 1);
  CHECK(w.zk().session_tracker().is_live(w.session_of("1")));
  CHECK(w.exists("/brokers/ids/1"));
  // The server last heard from it at most a ping interval (6 s) ago.
  CHECK(w.expiry_of(w.session_of("1")) > SimTime::from_s(120 + 12));
}

TEST_CASE("a killed member's ephemeral goes at its session's expiry bucket; a watch fires",
          "[zookeeper]") {
  ZkWorld w(3);
  w.run_for(10_s);
  const SessionId dead = w.session_of("1");
  w.two.events.clear();
  REQUIRE(w.world.kill("broker 1"));
  w.run_for(100_ms);  // what it had sent arrives
  const SimTime expiry = w.expiry_of(dead);
  // Touched at t (its last ping, at most a ping interval of 6 s before the kill) and due at the
  // first 2 s boundary after t + 18 s: here the ping at 6.0xx s, so 26 s.
  CHECK(expiry > SimTime::from_s(10 - 6 + 18));
  CHECK(expiry <= SimTime::from_s(10 + 20));
  CHECK(expiry.to_us() % 2'000'000 == 0);

  w.run_until(expiry - 1_ms);
  CHECK(w.exists("/brokers/ids/1"));
  CHECK(w.two.events.empty());
  w.run_until(expiry);
  CHECK_FALSE(w.exists("/brokers/ids/1"));
  CHECK_FALSE(w.zk().session_tracker().is_live(dead));
  w.run_for(100_ms);
  REQUIRE(w.two.events.size() == 1);
  CHECK_THAT(w.two.events[0], Catch::EndsWith(" NodeChildrenChanged /brokers/ids"));
  CHECK(w.exists("/brokers/ids/2"));
}

TEST_CASE("a session survives a cut that heals before the timeout", "[zookeeper]") {
  ZkWorld w(4);
  w.run_for(5_s);
  const SessionId session = w.session_of("1");
  w.world.network().isolate(w.world.resolve("broker 1"));
  w.run_for(8_s);
  w.world.network().heal();
  w.run_for(30_s);
  CHECK(w.session_of("1") == session);
  CHECK(w.one.sessions.size() == 1);
  CHECK_FALSE(contains(w.one.states, "expired"));
  CHECK(w.member("broker 1").zk().client().state() == SessionState::connected);
  CHECK(w.zk().data_tree().node("/brokers/ids/1")->stat.ephemeral_owner == session);
}

TEST_CASE("a long cut expires the session; the member learns it only after the heal",
          "[zookeeper]") {
  ZkWorld w(5);
  w.run_for(5_s);
  const SessionId session = w.session_of("1");
  w.two.events.clear();
  w.world.network().isolate(w.world.resolve("broker 1"));
  w.run_for(40_s);
  // ZooKeeper expired it (broker 2 saw the registration go); broker 1 still hopes.
  CHECK_FALSE(w.zk().session_tracker().is_live(session));
  CHECK_FALSE(w.exists("/brokers/ids/1"));
  CHECK(contains(w.two.events, "NodeChildrenChanged /brokers/ids"));
  CHECK(w.member("broker 1").zk().client().state() == SessionState::connecting);
  CHECK(w.member("broker 1").zk().client().session_id() == session);
  CHECK_FALSE(contains(w.one.states, "expired"));

  w.world.network().heal();
  w.run_for(60_s);
  CHECK(contains(w.one.states, "expired"));
  // It started a new session and registered again.
  REQUIRE(w.one.sessions.size() == 2);
  CHECK(w.one.sessions[1] != session);
  CHECK(w.member("broker 1").zk().client().state() == SessionState::connected);
  REQUIRE(w.exists("/brokers/ids/1"));
  CHECK(w.zk().data_tree().node("/brokers/ids/1")->stat.ephemeral_owner == w.one.sessions[1]);
}

TEST_CASE("a zookeeper kill and restart keeps the znodes and the sessions", "[zookeeper]") {
  ZkWorld w(6);
  w.run_for(5_s);
  const SessionId one = w.session_of("1");
  const SessionId two = w.session_of("2");
  const Zxid zxid = w.zk().last_zxid();
  REQUIRE(w.world.kill("zookeeper"));
  w.run_for(30_s);  // longer than the session timeout: the restart gives sessions a fresh one
  REQUIRE(w.world.start("zookeeper"));
  const SimTime restart = w.world.sim().now();
  CHECK(w.expiry_of(one) > restart + 18_s);
  w.run_for(30_s);
  CHECK(w.zk().last_zxid() == zxid);  // nothing was written again: the resumed sessions are known
  CHECK(w.session_of("1") == one);
  CHECK(w.session_of("2") == two);
  CHECK(w.one.sessions.size() == 1);
  CHECK(w.exists("/brokers/ids/1"));
  CHECK(w.exists("/brokers/ids/2"));
  CHECK(w.member("broker 1").zk().client().state() == SessionState::connected);
  CHECK(contains(w.one.states, "connecting"));
}

TEST_CASE("a member's restart starts a new session; the old one's ephemeral goes at expiry",
          "[zookeeper]") {
  ZkWorld w(7);
  w.run_for(5_s);
  const SessionId old_session = w.session_of("1");
  REQUIRE(w.world.kill("broker 1"));
  w.run_for(1_s);
  REQUIRE(w.world.start("broker 1"));
  w.run_for(2_s);
  // The new session's create met the old ephemeral: NODEEXISTS until the old session expires.
  CHECK(w.session_of("1") != old_session);
  CHECK(w.zk().data_tree().node("/brokers/ids/1")->stat.ephemeral_owner == old_session);
  w.run_for(30_s);
  CHECK_FALSE(w.exists("/brokers/ids/1"));
}

TEST_CASE("the same seed gives the same ZooKeeper run", "[zookeeper][determinism]") {
  auto run = [](std::uint64_t seed) {
    ZkWorld w(seed);
    w.run_for(5_s);
    w.world.kill("broker 1");
    w.world.network().isolate(w.world.resolve("broker 2"));
    w.run_for(25_s);
    w.world.network().heal();
    w.world.start("broker 1");
    w.world.kill("zookeeper");
    w.run_for(2_s);
    w.world.start("zookeeper");
    w.run_for(40_s);
    return std::tuple{w.world.sim().digest().value(),
                      w.world.sim().processed_events(),
                      w.zk().last_zxid(),
                      w.one.states,
                      w.two.states,
                      w.two.events};
  };
  const auto first = run(11);
  const auto second = run(11);
  CHECK(first == second);
  CHECK(std::get<0>(first) != std::get<0>(run(12)));
}

TEST_CASE("a watch event sent into a connection the client gave up on reaches it after the resume",
          "[zookeeper]") {
  // The client's read timeout (2/3 of 18 s) drops its connection during a 13.5 s cut; the
  // server, which has not noticed, sends the event on that dead connection. ZooKeeper's
  // SetWatches makes the resumed session hear it anyway (a lost /brokers/ids event once left a
  // controller blind to a broker's re-registration).
  ZkWorld w(9);
  w.run_for(5_s);
  const SessionId session = w.session_of("1");
  w.one.events.clear();
  w.world.network().isolate(w.world.resolve("broker 1"));
  w.run_for(1_s);
  // An admin tool registers another node meanwhile; member 1 watches /brokers/ids.
  const std::int64_t now_ms = w.world.sim().now().to_ms() + kEpoch;
  const SessionInfo admin = w.zk().create_session(30000, now_ms);
  REQUIRE(w.zk().create(admin.session_id, "/brokers/ids/9", std::nullopt, CreateMode::PERSISTENT,
                        now_ms).code == Code::OK);
  dynamic_cast<ZooKeeperProcess&>(*w.world.host("zookeeper").process())
      .deliver_pending_watch_events();
  w.run_for(12500_ms);
  CHECK(w.one.events.empty());
  w.world.network().heal();
  w.run_for(10_s);
  REQUIRE(w.session_of("1") == session);  // the same session, resumed
  REQUIRE(w.one.events.size() == 1);
  CHECK_THAT(w.one.events[0], Catch::EndsWith(" NodeChildrenChanged /brokers/ids"));
}
