// Watches: one-shot, the event types ZooKeeper fires for each change, and a deterministic order.
#include <catch2/catch.hpp>

#include "core/controller/zk_server.h"
#include "zk_test_support.h"

using namespace ksim::controller::zk;
using ksim::controller::zk::testing::ZkFixture;

namespace {

struct TwoSessions : ZkFixture {
  SessionId other = zk.create_session(18000, 0).session_id;
};

}  // namespace

TEST_CASE("a data watch fires NodeDataChanged once", "[zk][watch]") {
  TwoSessions f;
  f.create("/n", std::string("a"));
  REQUIRE(f.zk.get_data(f.other, "/n", true, 0).code == Code::OK);
  REQUIRE(f.zk.set_data(f.session, "/n", std::string("b"), -1, 0).code == Code::OK);
  const Zxid change = f.zk.last_zxid();
  CHECK(f.zk.take_watch_events() ==
        std::vector<WatchedEvent>{{f.other, EventType::NodeDataChanged, "/n", change}});
  REQUIRE(f.zk.set_data(f.session, "/n", std::string("c"), -1, 0).code == Code::OK);
  CHECK(f.zk.take_watch_events().empty());  // one-shot
}

TEST_CASE("the writer hears its own watch too", "[zk][watch]") {
  ZkFixture f;
  f.create("/n");
  REQUIRE(f.zk.get_data(f.session, "/n", true, 0).code == Code::OK);
  REQUIRE(f.zk.set_data(f.session, "/n", std::string("b"), -1, 0).code == Code::OK);
  CHECK(f.zk.take_watch_events() ==
        std::vector<WatchedEvent>{{f.session, EventType::NodeDataChanged, "/n", 3}});
}

TEST_CASE("exists watches a missing node for NodeCreated", "[zk][watch]") {
  TwoSessions f;
  // How a broker waits for the controller: exists(/controller, watch).
  REQUIRE_FALSE(f.zk.exists(f.other, "/controller", true, 0).stat.has_value());
  f.create("/controller", std::string("{}"), CreateMode::EPHEMERAL);
  CHECK(f.zk.take_watch_events() ==
        std::vector<WatchedEvent>{{f.other, EventType::NodeCreated, "/controller", 3}});
  REQUIRE(f.zk.exists(f.other, "/controller", true, 0).stat.has_value());
  REQUIRE(f.zk.delete_node(f.session, "/controller", -1, 0) == Code::OK);
  CHECK(f.zk.take_watch_events() ==
        std::vector<WatchedEvent>{{f.other, EventType::NodeDeleted, "/controller", 4}});
}

TEST_CASE("a child watch fires NodeChildrenChanged once, and only for children", "[zk][watch]") {
  TwoSessions f;
  f.create("/p", std::string("x"));
  f.create("/p/old");
  REQUIRE(f.zk.get_children(f.other, "/p", true, 0).code == Code::OK);
  REQUIRE(f.zk.set_data(f.session, "/p", std::string("y"), -1, 0).code == Code::OK);
  REQUIRE(f.zk.set_data(f.session, "/p/old", std::string("y"), -1, 0).code == Code::OK);
  CHECK(f.zk.take_watch_events().empty());  // data changes are not child changes
  f.create("/p/c");
  CHECK(
      f.zk.take_watch_events() ==
      std::vector<WatchedEvent>{{f.other, EventType::NodeChildrenChanged, "/p", f.zk.last_zxid()}});
  REQUIRE(f.zk.delete_node(f.session, "/p/c", -1, 0) == Code::OK);
  CHECK(f.zk.take_watch_events().empty());
  REQUIRE(f.zk.get_children(f.other, "/p", true, 0).code == Code::OK);
  REQUIRE(f.zk.delete_node(f.session, "/p/old", -1, 0) == Code::OK);
  CHECK(
      f.zk.take_watch_events() ==
      std::vector<WatchedEvent>{{f.other, EventType::NodeChildrenChanged, "/p", f.zk.last_zxid()}});
}

TEST_CASE("deleting a node: NodeDeleted once per session, then the parent's child watches",
          "[zk][watch]") {
  TwoSessions f;
  const SessionId third = f.zk.create_session(18000, 0).session_id;
  f.create("/p");
  f.create("/p/c");
  REQUIRE(f.zk.get_data(f.other, "/p/c", true, 0).code == Code::OK);
  REQUIRE(f.zk.get_children(f.other, "/p/c", true, 0).code == Code::OK);
  REQUIRE(f.zk.get_children(f.other, "/p", true, 0).code == Code::OK);
  REQUIRE(f.zk.get_children(third, "/p/c", true, 0).code == Code::OK);
  REQUIRE(f.zk.delete_node(f.session, "/p/c", -1, 0) == Code::OK);
  const Zxid z = f.zk.last_zxid();
  CHECK(f.zk.take_watch_events() ==
        std::vector<WatchedEvent>{{f.other, EventType::NodeDeleted, "/p/c", z},
                                  {third, EventType::NodeDeleted, "/p/c", z},
                                  {f.other, EventType::NodeChildrenChanged, "/p", z}});
  CHECK(f.zk.data_tree().data_watches().size() == 0);
  CHECK(f.zk.data_tree().child_watches().size() == 0);
}

TEST_CASE("one change notifies its watchers in session id order", "[zk][watch]") {
  ZkFixture f;
  const SessionId b = f.zk.create_session(18000, 0).session_id;
  const SessionId c = f.zk.create_session(18000, 0).session_id;
  f.create("/n");
  for (const SessionId s : {c, b, f.session})
    REQUIRE(f.zk.get_data(s, "/n", true, 0).code == Code::OK);
  REQUIRE(f.zk.set_data(f.session, "/n", std::string("v"), -1, 0).code == Code::OK);
  const Zxid z = f.zk.last_zxid();
  CHECK(f.zk.take_watch_events() ==
        std::vector<WatchedEvent>{{f.session, EventType::NodeDataChanged, "/n", z},
                                  {b, EventType::NodeDataChanged, "/n", z},
                                  {c, EventType::NodeDataChanged, "/n", z}});
}

TEST_CASE("getData and getChildren on a missing node leave no watch, a repeated watch is one",
          "[zk][watch]") {
  TwoSessions f;
  REQUIRE(f.zk.get_data(f.other, "/n", true, 0).code == Code::NONODE);
  REQUIRE(f.zk.get_children(f.other, "/n", true, 0).code == Code::NONODE);
  f.create("/n");
  CHECK(f.zk.take_watch_events().empty());
  REQUIRE(f.zk.get_data(f.other, "/n", true, 0).code == Code::OK);
  REQUIRE(f.zk.exists(f.other, "/n", true, 0).stat.has_value());
  CHECK(f.zk.data_tree().data_watches().size() == 1);
  CHECK(f.zk.data_tree().data_watches().paths_watched_by(f.other) ==
        std::vector<std::string>{"/n"});
  REQUIRE(f.zk.set_data(f.session, "/n", std::string("v"), -1, 0).code == Code::OK);
  CHECK(f.zk.take_watch_events().size() == 1);
}

TEST_CASE("a multi fires its events in op order, all with its zxid", "[zk][watch]") {
  TwoSessions f;
  f.create("/m");
  REQUIRE(f.zk.get_children(f.other, "/m", true, 0).code == Code::OK);
  REQUIRE(f.zk.get_data(f.other, "/m", true, 0).code == Code::OK);
  REQUIRE(f.zk.exists(f.other, "/m/b", true, 0).code == Code::OK);
  const MultiResult result = f.zk.multi(f.session,
                                        {Op::create("/m/a", std::nullopt, CreateMode::PERSISTENT),
                                         Op::create("/m/b", std::nullopt, CreateMode::PERSISTENT),
                                         Op::set_data("/m", std::string("x"), 0)},
                                        0);
  REQUIRE(result.code == Code::OK);
  const Zxid z = f.zk.last_zxid();
  CHECK(f.zk.take_watch_events() ==
        std::vector<WatchedEvent>{{f.other, EventType::NodeChildrenChanged, "/m", z},
                                  {f.other, EventType::NodeCreated, "/m/b", z},
                                  {f.other, EventType::NodeDataChanged, "/m", z}});
}

TEST_CASE("a failed request fires nothing", "[zk][watch]") {
  TwoSessions f;
  f.create("/n");
  REQUIRE(f.zk.get_data(f.other, "/n", true, 0).code == Code::OK);
  REQUIRE(f.zk.set_data(f.session, "/n", std::string("v"), 9, 0).code == Code::BADVERSION);
  CHECK(f.zk.take_watch_events().empty());
  CHECK(f.zk.data_tree().data_watches().contains("/n", f.other));
}

TEST_CASE("a watched event prints as ZooKeeper prints it", "[zk][watch]") {
  CHECK(to_string(WatchedEvent{1, EventType::NodeChildrenChanged, "/brokers/ids", 7}) ==
        "WatchedEvent state:SyncConnected type:NodeChildrenChanged path:/brokers/ids");
  CHECK(event_type_name(EventType::NodeDeleted) == "NodeDeleted");
  CHECK(static_cast<int>(EventType::NodeCreated) == 1);
  CHECK(static_cast<int>(EventType::NodeChildrenChanged) == 4);
}
