// ZooKeeper's operations and error codes: create, getData, setData, delete, exists, getChildren,
// the Stat each leaves, zxid accounting, sequential names and path validation.
#include <catch2/catch.hpp>

#include "core/controller/zk_path.h"
#include "core/controller/zk_server.h"
#include "zk_test_support.h"

using namespace ksim::controller::zk;
using ksim::controller::zk::testing::ZkFixture;

TEST_CASE("a fresh server holds ZooKeeper's own znodes with its quirky root cversion", "[zk]") {
  ZkFixture f;
  const Stat root = f.zk.data_tree().node("/")->to_stat();
  CHECK(root.cversion == -1);  // 2 * 0 creates - 1 child: what `stat /` shows on a fresh server
  CHECK(root.num_children == 1);
  CHECK(root.czxid == 0);
  CHECK(root.pzxid == 0);
  CHECK(root.data_length == 0);
  const Stat proc = f.zk.data_tree().node("/zookeeper")->to_stat();
  CHECK(proc.cversion == -2);
  CHECK(proc.num_children == 2);
  CHECK(f.zk.get_children(f.session, "/", false, 0).children ==
        std::vector<std::string>{"zookeeper"});
  CHECK(f.zk.get_children(f.session, "/zookeeper", false, 0).children ==
        std::vector<std::string>{"config", "quota"});
  CHECK(f.zk.last_zxid() == 1);  // the fixture's createSession
}

TEST_CASE("create stores data and a Stat, and moves the parent's pzxid and cversion", "[zk]") {
  ZkFixture f;
  const CreateResult brokers =
      f.zk.create(f.session, "/brokers", std::nullopt, CreateMode::PERSISTENT, 1000);
  REQUIRE(brokers.code == Code::OK);
  CHECK(brokers.path == "/brokers");
  CHECK(brokers.stat == Stat{.czxid = 2, .mzxid = 2, .ctime = 1000, .mtime = 1000, .pzxid = 2});

  const GetDataResult read = f.zk.get_data(f.session, "/brokers", false, 1500);
  REQUIRE(read.code == Code::OK);
  CHECK_FALSE(read.data.has_value());  // null data, as Kafka creates /brokers
  CHECK(read.stat == brokers.stat);

  const Stat root = f.zk.data_tree().node("/")->to_stat();
  CHECK(root.pzxid == 2);
  CHECK(root.num_children == 2);
  CHECK(root.cversion == 0);  // 2 * 1 create - 2 children

  const CreateResult ids =
      f.zk.create(f.session, "/brokers/ids", std::string("x"), CreateMode::PERSISTENT, 2000);
  REQUIRE(ids.code == Code::OK);
  CHECK(ids.stat.czxid == 3);
  CHECK(ids.stat.data_length == 1);
  const Stat parent = f.zk.data_tree().node("/brokers")->to_stat();
  CHECK(parent.cversion == 1);
  CHECK(parent.pzxid == 3);
  CHECK(parent.num_children == 1);
  CHECK(parent.mzxid == 2);  // a child does not modify the parent's data
}

TEST_CASE("every write takes a zxid, failed ones too, and reads take none", "[zk]") {
  ZkFixture f;
  f.create("/a");  // 0x2
  CHECK(f.zk.create(f.session, "/a", std::nullopt, CreateMode::PERSISTENT, 0).code ==
        Code::NODEEXISTS);  // 0x3, an error txn
  CHECK(f.zk.set_data(f.session, "/nope", std::nullopt, -1, 0).code == Code::NONODE);  // 0x4
  CHECK(f.zk.get_data(f.session, "/a", false, 0).code == Code::OK);
  CHECK(f.zk.exists(f.session, "/a", false, 0).stat.has_value());
  CHECK(f.zk.get_children(f.session, "/", false, 0).code == Code::OK);
  CHECK(f.zk.ping(f.session, 0) == Code::OK);
  CHECK(f.zk.last_zxid() == 4);
  CHECK(f.zk.create(f.session, "/b", std::nullopt, CreateMode::PERSISTENT, 0).stat.czxid == 5);
}

TEST_CASE("create answers NONODE, NODEEXISTS and NOCHILDRENFOREPHEMERALS", "[zk]") {
  ZkFixture f;
  CHECK(f.zk.create(f.session, "/x/y", std::nullopt, CreateMode::PERSISTENT, 0).code ==
        Code::NONODE);
  f.create("/a", std::string("1"), CreateMode::EPHEMERAL);
  CHECK(f.zk.create(f.session, "/a", std::nullopt, CreateMode::PERSISTENT, 0).code ==
        Code::NODEEXISTS);
  CHECK(f.zk.create(f.session, "/a/b", std::nullopt, CreateMode::PERSISTENT, 0).code ==
        Code::NOCHILDRENFOREPHEMERALS);
  CHECK(f.zk.create(f.session, "/", std::nullopt, CreateMode::PERSISTENT, 0).code ==
        Code::NODEEXISTS);
  const Stat ephemeral = f.zk.data_tree().node("/a")->to_stat();
  CHECK(ephemeral.ephemeral_owner == f.session);
  CHECK(f.zk.data_tree().ephemerals(f.session) == std::vector<std::string>{"/a"});
}

TEST_CASE("sequential names count the parent's creates, deletes do not reuse them", "[zk]") {
  ZkFixture f;
  CHECK(f.create("/n", std::nullopt, CreateMode::PERSISTENT_SEQUENTIAL) == "/n0000000000");
  f.create("/isr_change_notification");
  const std::string prefix = "/isr_change_notification/isr_change_";
  const std::string first = f.create(prefix, std::string("{}"), CreateMode::PERSISTENT_SEQUENTIAL);
  CHECK(first == "/isr_change_notification/isr_change_0000000000");
  CHECK(f.create(prefix, std::nullopt, CreateMode::PERSISTENT_SEQUENTIAL) ==
        "/isr_change_notification/isr_change_0000000001");
  REQUIRE(f.zk.delete_node(f.session, first, -1, 0) == Code::OK);
  CHECK(f.create(prefix, std::nullopt, CreateMode::EPHEMERAL_SEQUENTIAL) ==
        "/isr_change_notification/isr_change_0000000002");
  const Stat parent = f.zk.data_tree().node("/isr_change_notification")->to_stat();
  CHECK(parent.num_children == 2);
  CHECK(parent.cversion == 4);  // 3 creates + 1 delete
  CHECK(f.zk.data_tree()
            .node("/isr_change_notification/isr_change_0000000002")
            ->stat.ephemeral_owner == f.session);
}

TEST_CASE("setData bumps the dataVersion and checks the expected one", "[zk]") {
  ZkFixture f;
  f.create("/s", std::string("a"));  // 0x2 at t=0
  const SetDataResult first = f.zk.set_data(f.session, "/s", std::string("bb"), -1, 5000);
  REQUIRE(first.code == Code::OK);
  CHECK(first.stat == Stat{.czxid = 2,
                           .mzxid = 3,
                           .ctime = 0,
                           .mtime = 5000,
                           .version = 1,
                           .data_length = 2,
                           .pzxid = 2});
  CHECK(f.zk.set_data(f.session, "/s", std::string("c"), 0, 6000).code == Code::BADVERSION);
  const SetDataResult second = f.zk.set_data(f.session, "/s", std::string("c"), 1, 7000);
  REQUIRE(second.code == Code::OK);
  CHECK(second.stat.version == 2);
  CHECK(second.stat.mzxid == 5);
  CHECK(f.zk.get_data(f.session, "/s", false, 7000).data == std::string("c"));
  CHECK(f.zk.set_data(f.session, "/missing", std::string("c"), -1, 0).code == Code::NONODE);
  REQUIRE(f.zk.set_data(f.session, "/s", std::nullopt, 2, 0).code == Code::OK);
  CHECK_FALSE(f.zk.get_data(f.session, "/s", false, 0).data.has_value());
}

TEST_CASE("delete answers BADARGUMENTS, NONODE, BADVERSION and NOTEMPTY in that order", "[zk]") {
  ZkFixture f;
  f.create("/d");
  f.create("/d/c");
  CHECK(f.zk.delete_node(f.session, "/", -1, 0) == Code::BADARGUMENTS);
  CHECK(f.zk.delete_node(f.session, "/zookeeper", -1, 0) == Code::BADARGUMENTS);
  CHECK(f.zk.delete_node(f.session, "/zookeeper/quota", -1, 0) == Code::BADARGUMENTS);
  CHECK(f.zk.delete_node(f.session, "/nope/x", -1, 0) == Code::NONODE);
  CHECK(f.zk.delete_node(f.session, "/d/x", -1, 0) == Code::NONODE);
  CHECK(f.zk.delete_node(f.session, "/d", 7, 0) == Code::BADVERSION);  // before NOTEMPTY
  CHECK(f.zk.delete_node(f.session, "/d", 0, 0) == Code::NOTEMPTY);
  CHECK(f.zk.delete_node(f.session, "/d/c", 5, 0) == Code::BADVERSION);
  const Zxid before = f.zk.last_zxid();
  CHECK(f.zk.delete_node(f.session, "/d/c", 0, 0) == Code::OK);
  const Stat parent = f.zk.data_tree().node("/d")->to_stat();
  CHECK(parent.pzxid == before + 1);
  CHECK(parent.cversion == 2);  // 1 create + 1 delete
  CHECK(parent.num_children == 0);
  CHECK(f.zk.delete_node(f.session, "/d", -1, 0) == Code::OK);
  CHECK(f.zk.delete_node(f.session, "/d", -1, 0) == Code::NONODE);
  CHECK(f.zk.data_tree().node("/d") == nullptr);
}

TEST_CASE("exists answers OK with or without a Stat", "[zk]") {
  ZkFixture f;
  const ExistsResult missing = f.zk.exists(f.session, "/controller", false, 0);
  CHECK(missing.code == Code::OK);
  CHECK_FALSE(missing.stat.has_value());
  f.create("/controller", std::string("{}"), CreateMode::EPHEMERAL, 300);
  const ExistsResult present = f.zk.exists(f.session, "/controller", false, 400);
  REQUIRE(present.stat.has_value());
  CHECK(present.stat->ctime == 300);
  CHECK(present.stat->ephemeral_owner == f.session);
}

TEST_CASE("children come back sorted by name, as strings", "[zk]") {
  ZkFixture f;
  f.create("/brokers");
  f.create("/brokers/ids");
  for (const char* id : {"10", "2", "1"}) f.create(std::string("/brokers/ids/") + id);
  const GetChildrenResult ids = f.zk.get_children(f.session, "/brokers/ids", false, 0);
  REQUIRE(ids.code == Code::OK);
  CHECK(ids.children == std::vector<std::string>{"1", "10", "2"});
  CHECK(ids.stat.num_children == 3);
  CHECK(f.zk.get_children(f.session, "/nope", false, 0).code == Code::NONODE);
  CHECK(f.zk.get_data(f.session, "/nope", false, 0).code == Code::NONODE);
}

TEST_CASE("paths are checked client side with ZooKeeper's messages, before any zxid", "[zk]") {
  ZkFixture f;
  const Zxid before = f.zk.last_zxid();
  CHECK_THROWS_AS(f.zk.create(f.session, "brokers", std::nullopt, CreateMode::PERSISTENT, 0),
                  InvalidPathError);
  CHECK_THROWS_WITH(f.zk.get_data(f.session, "brokers", false, 0),
                    "Path must start with / character");
  CHECK(f.zk.last_zxid() == before);

  CHECK_THROWS_WITH(validate_path(""), "Path length must be > 0");
  CHECK_THROWS_WITH(validate_path("/a/"), "Path must not end with / character");
  CHECK_THROWS_WITH(validate_path("/a//b"),
                    "Invalid path string \"/a//b\" caused by empty node name specified @3");
  CHECK_THROWS_WITH(validate_path("/a/./b"),
                    "Invalid path string \"/a/./b\" caused by relative paths not allowed @3");
  CHECK_THROWS_WITH(validate_path("/a/../b"),
                    "Invalid path string \"/a/../b\" caused by relative paths not allowed @4");
  CHECK_THROWS_WITH(validate_path("/a/.."),
                    "Invalid path string \"/a/..\" caused by relative paths not allowed @4");
  const std::string with_null("/a\0b", 4);
  CHECK_THROWS_WITH(validate_path(with_null),
                    "Invalid path string \"/a\\u0000b\" caused by null character not allowed @2");
  CHECK_THROWS_WITH(validate_path("/a\x01"),
                    "Invalid path string \"/a\x01\" caused by invalid character @2");
  // Indexes count UTF-16 units: é is one; U+007F after it is at index 2.
  CHECK_THROWS_WITH(validate_path("/\xc3\xa9\x7f"),
                    "Invalid path string \"/\xc3\xa9\x7f\" caused by invalid character @2");
  CHECK_THROWS_WITH(validate_path("/\xff"),
                    "Invalid path string \"/\xff\" caused by invalid character @1");
  CHECK_THROWS_WITH(validate_path("/\xf0\x9f\x98\x80"),
                    "Invalid path string \"/\xf0\x9f\x98\x80\" caused by invalid character @1");
  CHECK_NOTHROW(validate_path("/"));
  CHECK_NOTHROW(validate_path("/a/.b/..c/b.."));
  CHECK_NOTHROW(validate_path("/\xc3\xa9t\xc3\xa9"));
  CHECK_NOTHROW(validate_path("/isr_change_notification/", true));
  CHECK_THROWS_AS(validate_path("/isr_change_notification/", false), InvalidPathError);
}

TEST_CASE("path arithmetic", "[zk]") {
  CHECK(parent_path("/a/b") == "/a");
  CHECK(parent_path("/a") == "/");
  CHECK(parent_path("/") == "");
  CHECK(node_name("/a/b") == "b");
  CHECK(node_name("/") == "");
  CHECK(join_path("/", "a") == "/a");
  CHECK(join_path("/a", "b") == "/a/b");
}

TEST_CASE("error codes keep ZooKeeper's numbers, names and messages", "[zk]") {
  CHECK(static_cast<int>(Code::NONODE) == -101);
  CHECK(static_cast<int>(Code::BADVERSION) == -103);
  CHECK(static_cast<int>(Code::NOCHILDRENFOREPHEMERALS) == -108);
  CHECK(static_cast<int>(Code::NODEEXISTS) == -110);
  CHECK(static_cast<int>(Code::NOTEMPTY) == -111);
  CHECK(static_cast<int>(Code::SESSIONEXPIRED) == -112);
  CHECK(static_cast<int>(Code::RUNTIMEINCONSISTENCY) == -2);
  CHECK(static_cast<int>(Code::BADARGUMENTS) == -8);
  CHECK(code_name(Code::NOCHILDRENFOREPHEMERALS) == "NOCHILDRENFOREPHEMERALS");
  CHECK(code_name(static_cast<Code>(-999)) == "UNKNOWN");
  CHECK(keeper_exception_message(Code::NONODE, "/a") == "KeeperErrorCode = NoNode for /a");
  CHECK(keeper_exception_message(Code::NOTEMPTY, "/a") ==
        "KeeperErrorCode = Directory not empty for /a");
  CHECK(keeper_exception_message(Code::SESSIONEXPIRED, "") == "KeeperErrorCode = Session expired");
  CHECK(zkcli_error_message(Code::NONODE, "/a") == "Node does not exist: /a");
  CHECK(zkcli_error_message(Code::NODEEXISTS, "/a") == "Node already exists: /a");
  CHECK(zkcli_error_message(Code::NOTEMPTY, "/a") == "Node not empty: /a");
  CHECK(zkcli_error_message(Code::BADVERSION, "/a") == "version No is not valid : /a");
  CHECK(zkcli_error_message(Code::NOCHILDRENFOREPHEMERALS, "/a") ==
        "Ephemerals cannot have children: /a");
  CHECK(zkcli_error_message(Code::SESSIONEXPIRED, "/a") ==
        "KeeperErrorCode = Session expired for /a");
  CHECK(java_hex(0) == "0x0");
  CHECK(java_hex(0x26a1af48ac30001) == "0x26a1af48ac30001");
  CHECK(java_hex(-1) == "0xffffffffffffffff");
}
