// Sessions: timeout negotiation, ZooKeeper's session ids, expiry in tickTime buckets, heartbeats,
// and ephemeral nodes going away on expiry and on close.
#include <catch2/catch.hpp>

#include "core/controller/zk_server.h"
#include "zk_test_support.h"

using namespace ksim::controller::zk;

namespace {

// A broker registers itself as Kafka does: /brokers/ids/<id> ephemeral, created empty and filled
// in the same multi.
void register_broker(ZooKeeperServer& zk, SessionId session, int id, std::int64_t now_ms) {
  const std::string path = "/brokers/ids/" + std::to_string(id);
  const MultiResult result = zk.multi(session,
                                      {Op::create(path, std::nullopt, CreateMode::EPHEMERAL),
                                       Op::set_data(path, std::string("{\"version\":5}"), 0)},
                                      now_ms);
  REQUIRE(result.code == Code::OK);
}

void create_broker_paths(ZooKeeperServer& zk, SessionId session) {
  REQUIRE(zk.create(session, "/brokers", std::nullopt, CreateMode::PERSISTENT, 0).code == Code::OK);
  REQUIRE(zk.create(session, "/brokers/ids", std::nullopt, CreateMode::PERSISTENT, 0).code ==
          Code::OK);
}

}  // namespace

TEST_CASE("session timeouts are negotiated into [2, 20] ticks", "[zk][session]") {
  ZooKeeperServer zk(ZooKeeperConfig{}, 0);
  CHECK(zk.min_session_timeout_ms() == 4000);
  CHECK(zk.max_session_timeout_ms() == 40000);
  CHECK(zk.create_session(18000, 0).timeout_ms == 18000);  // Kafka's default fits
  CHECK(zk.create_session(6000, 0).timeout_ms == 6000);    // Kafka's default before 2.5
  CHECK(zk.create_session(1000, 0).timeout_ms == 4000);
  CHECK(zk.create_session(100000, 0).timeout_ms == 40000);

  ZooKeeperServer custom(
      ZooKeeperConfig{
          .tick_time_ms = 3000, .min_session_timeout_ms = 6000, .max_session_timeout_ms = 30000},
      0);
  CHECK(custom.create_session(5000, 0).timeout_ms == 6000);
  CHECK(custom.create_session(31000, 0).timeout_ms == 30000);

  CHECK_THROWS_WITH(ZooKeeperServer(ZooKeeperConfig{.tick_time_ms = 0}, 0),
                    "ZooKeeper tickTime must be positive, got 0");
  CHECK_THROWS_AS(ZooKeeperServer(ZooKeeperConfig{.min_session_timeout_ms = 50000}, 0),
                  std::invalid_argument);
}

TEST_CASE("session ids are ZooKeeper's: server id, start time, then +1", "[zk][session]") {
  ZooKeeperServer standalone(ZooKeeperConfig{}, 0);
  CHECK(java_hex(standalone.create_session(18000, 0).session_id) == "0x100000000000000");
  CHECK(java_hex(standalone.create_session(18000, 0).session_id) == "0x100000000000001");
  CHECK(standalone.last_zxid() == 2);  // createSession is a transaction

  // The ensemble member behind the tutorial's `get /controller` (myid 2, started 2019-04-14).
  ZooKeeperServer member(ZooKeeperConfig{.server_id = 2}, 1555230395075);
  CHECK(java_hex(member.create_session(18000, 1555230395075).session_id) == "0x26a1af48ac30000");
  CHECK(java_hex(member.create_session(18000, 1555230395075).session_id) == "0x26a1af48ac30001");
}

TEST_CASE("a session expires at the first tick boundary after its timeout", "[zk][session]") {
  ZooKeeperServer zk(ZooKeeperConfig{}, 0);
  CHECK_FALSE(zk.next_expiry_time().has_value());
  const SessionId session = zk.create_session(18000, 0).session_id;
  CHECK(zk.next_expiry_time() == 20000);  // (0 + 18000) rounded up to the next 2000 boundary
  CHECK(zk.expire_sessions(19999).empty());
  CHECK(zk.session_tracker().is_live(session));
  CHECK(zk.expire_sessions(20000) == std::vector<SessionId>{session});
  CHECK_FALSE(zk.session_tracker().is_live(session));
  CHECK(zk.session_tracker().session(session) == nullptr);
  CHECK_FALSE(zk.next_expiry_time().has_value());
  CHECK(zk.ping(session, 20001) == Code::SESSIONEXPIRED);
  CHECK(zk.get_data(session, "/", false, 20001).code == Code::SESSIONEXPIRED);
  CHECK(zk.create(session, "/a", std::nullopt, CreateMode::PERSISTENT, 20001).code ==
        Code::SESSIONEXPIRED);
  CHECK(zk.close_session(session, 20001) == Code::SESSIONEXPIRED);
  CHECK(zk.last_zxid() == 2);  // createSession, then the expiry's closeSession; nothing since
}

TEST_CASE("touches within one tick land in the same expiry bucket", "[zk][session]") {
  ZooKeeperServer zk(ZooKeeperConfig{}, 0);
  const SessionId session = zk.create_session(18000, 0).session_id;
  REQUIRE(zk.ping(session, 1999) == Code::OK);
  CHECK(zk.session_tracker().session(session)->expiry_time_ms == 20000);
  REQUIRE(zk.ping(session, 2000) == Code::OK);
  CHECK(zk.session_tracker().session(session)->expiry_time_ms == 22000);
  CHECK(zk.next_expiry_time() == 22000);
  CHECK(zk.expire_sessions(21999).empty());
  CHECK(zk.expire_sessions(22000) == std::vector<SessionId>{session});
}

TEST_CASE("heartbeats keep a session alive until a timeout after the last one", "[zk][session]") {
  ZooKeeperServer zk(ZooKeeperConfig{}, 0);
  const SessionId session = zk.create_session(18000, 0).session_id;
  // Kafka's ZooKeeper client pings a third of the session timeout after its last request.
  for (std::int64_t t = 0; t <= 600000; t += 6000) {
    REQUIRE(zk.expire_sessions(t).empty());
    REQUIRE(zk.ping(session, t) == Code::OK);
  }
  // Any request is a heartbeat too.
  REQUIRE(zk.get_data(session, "/", false, 601000).code == Code::OK);
  CHECK(zk.next_expiry_time() == 620000);  // floor((601000 + 18000) / 2000) + 1 ticks
  CHECK(zk.expire_sessions(619999).empty());
  CHECK(zk.expire_sessions(620000) == std::vector<SessionId>{session});
}

TEST_CASE("a request past the deadline finds the session already expired", "[zk][session]") {
  ZooKeeperServer zk(ZooKeeperConfig{}, 0);
  const SessionId session = zk.create_session(18000, 0).session_id;
  // The caller's timer has not fired yet; the request itself runs the due expiry first.
  CHECK(zk.ping(session, 20000) == Code::SESSIONEXPIRED);
  CHECK(zk.expire_sessions(20000) == std::vector<SessionId>{session});  // reported once
  CHECK(zk.expire_sessions(30000).empty());
}

TEST_CASE("a broker's ephemeral registration goes when its session expires", "[zk][session]") {
  ZooKeeperServer zk(ZooKeeperConfig{}, 0);
  const SessionId controller = zk.create_session(40000, 0).session_id;
  const SessionId broker = zk.create_session(18000, 0).session_id;
  create_broker_paths(zk, controller);
  register_broker(zk, broker, 1, 100);
  REQUIRE(zk.get_children(controller, "/brokers/ids", true, 200).children ==
          std::vector<std::string>{"1"});
  REQUIRE(zk.exists(controller, "/brokers/ids/1", true, 200).stat.has_value());
  REQUIRE(zk.take_watch_events().empty());

  // The broker was last heard from at 100: its bucket is 20000.
  CHECK(zk.expire_sessions(19999).empty());
  CHECK(zk.expire_sessions(20000) == std::vector<SessionId>{broker});
  const Zxid close_zxid = zk.last_zxid();
  CHECK(zk.data_tree().node("/brokers/ids/1") == nullptr);
  CHECK(zk.data_tree().ephemerals(broker).empty());
  CHECK(zk.data_tree().node("/brokers/ids")->to_stat().pzxid == close_zxid);
  CHECK(zk.take_watch_events() ==
        std::vector<WatchedEvent>{
            {controller, EventType::NodeDeleted, "/brokers/ids/1", close_zxid},
            {controller, EventType::NodeChildrenChanged, "/brokers/ids", close_zxid}});
  CHECK(zk.session_tracker().is_live(controller));
}

TEST_CASE("closing a session removes its ephemerals at once (controlled shutdown)",
          "[zk][session]") {
  ZooKeeperServer zk(ZooKeeperConfig{}, 0);
  const SessionId controller = zk.create_session(18000, 0).session_id;
  const SessionId broker = zk.create_session(18000, 0).session_id;
  create_broker_paths(zk, controller);
  register_broker(zk, broker, 2, 0);
  REQUIRE(zk.create(broker, "/controller", std::string("{}"), CreateMode::EPHEMERAL, 0).code ==
          Code::OK);
  REQUIRE(zk.get_children(controller, "/brokers/ids", true, 0).code == Code::OK);
  // The closing broker's own watches are dropped: it hears nothing about its own nodes.
  REQUIRE(zk.exists(broker, "/controller", true, 0).stat.has_value());
  const Zxid before = zk.last_zxid();

  CHECK(zk.close_session(broker, 5000) == Code::OK);
  CHECK(zk.last_zxid() == before + 1);
  CHECK(zk.data_tree().node("/brokers/ids/2") == nullptr);
  CHECK(zk.data_tree().node("/controller") == nullptr);
  CHECK(zk.take_watch_events() ==
        std::vector<WatchedEvent>{
            {controller, EventType::NodeChildrenChanged, "/brokers/ids", before + 1}});
  CHECK(zk.close_session(broker, 5000) == Code::SESSIONEXPIRED);
  CHECK(zk.ping(broker, 5000) == Code::SESSIONEXPIRED);
  CHECK(zk.expire_sessions(100000) == std::vector<SessionId>{controller});  // not the closed one
}

TEST_CASE("a bucket expires together, in id order, without its sessions hearing each other",
          "[zk][session]") {
  ZooKeeperServer zk(ZooKeeperConfig{}, 0);
  const SessionId watcher = zk.create_session(40000, 0).session_id;
  const SessionId first = zk.create_session(18000, 0).session_id;
  const SessionId second = zk.create_session(18000, 1000).session_id;  // same bucket: 20000
  REQUIRE(zk.create(first, "/e1", std::nullopt, CreateMode::EPHEMERAL, 0).code == Code::OK);
  REQUIRE(zk.create(second, "/e2", std::nullopt, CreateMode::EPHEMERAL, 1000).code == Code::OK);
  REQUIRE(zk.exists(first, "/e2", true, 0).stat);
  REQUIRE(zk.exists(second, "/e1", true, 1000).stat);
  REQUIRE(zk.exists(watcher, "/e1", true, 1000).stat);
  REQUIRE(zk.exists(watcher, "/e2", true, 1000).stat);
  const Zxid before = zk.last_zxid();

  CHECK(zk.expire_sessions(20000) == std::vector<SessionId>{first, second});
  CHECK(zk.last_zxid() == before + 2);  // one closeSession each
  CHECK(zk.take_watch_events() ==
        std::vector<WatchedEvent>{{watcher, EventType::NodeDeleted, "/e1", before + 1},
                                  {watcher, EventType::NodeDeleted, "/e2", before + 2}});
}

TEST_CASE("next_expiry_time follows the earliest live session", "[zk][session]") {
  ZooKeeperServer zk(ZooKeeperConfig{}, 0);
  const SessionId late = zk.create_session(40000, 0).session_id;  // 42000
  const SessionId early = zk.create_session(6000, 0).session_id;  // 8000
  CHECK(zk.next_expiry_time() == 8000);
  CHECK(zk.close_session(early, 10) == Code::OK);
  CHECK(zk.next_expiry_time() == 42000);
  CHECK(zk.expire_sessions(42000) == std::vector<SessionId>{late});
  CHECK_FALSE(zk.next_expiry_time().has_value());
}
