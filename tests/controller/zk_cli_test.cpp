// ZooKeeper's view as zkCli prints it, reproducing a real cluster's transcript byte for byte, and
// the tree dump for the GUI.
#include "core/controller/zk_cli.h"

#include <catch2/catch.hpp>

#include "core/controller/zk_kafka_znodes.h"
#include "core/controller/zk_server.h"
#include "zk_test_support.h"

using namespace ksim::controller;
using namespace ksim::controller::zk;
using ksim::controller::zk::testing::ZkFixture;

TEST_CASE("dates print as java.util.Date.toString", "[zk][cli]") {
  CHECK(java_date_to_string(0) == "Thu Jan 01 00:00:00 UTC 1970");
  CHECK(java_date_to_string(-1) == "Wed Dec 31 23:59:59 UTC 1969");
  CHECK(java_date_to_string(951782400000) == "Tue Feb 29 00:00:00 UTC 2000");
  CHECK(java_date_to_string(1709210096000) == "Thu Feb 29 12:34:56 UTC 2024");
  CHECK(java_date_to_string(-2208988800000) == "Mon Jan 01 00:00:00 UTC 1900");
  // Time zones of the tutorials' transcripts.
  CHECK(java_date_to_string(1555230730096, {"EDT", -240}) == "Sun Apr 14 04:32:10 EDT 2019");
  CHECK(java_date_to_string(1431445977000, {"CST", 480}) == "Tue May 12 23:52:57 CST 2015");
  CHECK(java_date_to_string(0, {"CST", 480}) == "Thu Jan 01 08:00:00 CST 1970");
}

TEST_CASE("a fresh server through zkCli", "[zk][cli]") {
  ZkFixture f;
  const DataTree& tree = f.zk.data_tree();
  CHECK(zkcli_ls(tree, "/") == "[zookeeper]\n");
  CHECK(zkcli_ls(tree, "/zookeeper") == "[config, quota]\n");
  CHECK(zkcli_stat(tree, "/") ==
        "cZxid = 0x0\n"
        "ctime = Thu Jan 01 00:00:00 UTC 1970\n"
        "mZxid = 0x0\n"
        "mtime = Thu Jan 01 00:00:00 UTC 1970\n"
        "pZxid = 0x0\n"
        "cversion = -1\n"
        "dataVersion = 0\n"
        "aclVersion = 0\n"
        "ephemeralOwner = 0x0\n"
        "dataLength = 0\n"
        "numChildren = 1\n");
  CHECK(zkcli_get(tree, "/zookeeper/quota") == "\n");  // empty data prints an empty line
  CHECK(zkcli_ls_recursive(tree, "/") == "/\n/zookeeper\n/zookeeper/config\n/zookeeper/quota\n");
  CHECK(zkcli_ls(tree, "/nope") == "Node does not exist: /nope\n");
  CHECK(zkcli_get(tree, "nope") == "Path must start with / character\n");
  CHECK(zkcli_stat(tree, "/a/") == "Path must not end with / character\n");
}

TEST_CASE("zkcli_run parses command lines like zkCli", "[zk][cli]") {
  ZkFixture f;
  f.create("/brokers", std::nullopt, CreateMode::PERSISTENT, 1000);
  f.create("/brokers/ids", std::nullopt, CreateMode::PERSISTENT, 1000);
  for (const char* id : {"2", "0", "1"}) f.create(std::string("/brokers/ids/") + id);
  const DataTree& tree = f.zk.data_tree();
  CHECK(zkcli_run(tree, "ls /brokers/ids") == "[0, 1, 2]\n");
  CHECK(zkcli_run(tree, "  ls   -w  /brokers/ids ") == "[0, 1, 2]\n");
  CHECK(zkcli_run(tree, "get /brokers/ids") == "null\n");
  CHECK(zkcli_run(tree, "ls -s /brokers") ==
        "[ids]\n" + format_stat(tree.node("/brokers")->to_stat()));
  CHECK(zkcli_run(tree, "get -s /brokers") ==
        "null\n" + format_stat(tree.node("/brokers")->to_stat()));
  CHECK(zkcli_run(tree, "stat /brokers") == format_stat(tree.node("/brokers")->to_stat()));
  CHECK(zkcli_run(tree, "ls -R /brokers") ==
        "/brokers\n/brokers/ids\n/brokers/ids/0\n/brokers/ids/1\n/brokers/ids/2\n");
  CHECK(zkcli_run(tree, "ls") == "ls [-s] [-w] [-R] path\n");
  CHECK(zkcli_run(tree, "get -s") == "get [-s] [-w] path\n");
  CHECK(zkcli_run(tree, "stat") == "stat [-w] path\n");
  CHECK(zkcli_run(tree, "").empty());
  CHECK_THROWS_WITH(zkcli_run(tree, "deleteall /brokers"),
                    "zkCli view: unknown or unsupported command \"deleteall\" (the view runs ls, "
                    "get and stat)");
}

TEST_CASE("a Kafka 2.2 cluster's znodes print exactly as in a tutorial's transcript", "[zk][cli]") {
  // ZooKeeper 3.4 member with myid 2, whose zxid epoch was 0xa, started 2019-04-14 08:26:35 UTC.
  ZooKeeperServer zk(ZooKeeperConfig{.server_id = 2, .zxid_epoch = 0xa}, 1555230395075);
  const std::int64_t t = 1555230728000;
  const SessionId broker0 = zk.create_session(18000, t).session_id;
  const SessionId broker1 = zk.create_session(18000, t).session_id;
  REQUIRE(zk.create(broker0, "/brokers", std::nullopt, CreateMode::PERSISTENT, t).code == Code::OK);
  REQUIRE(zk.create(broker0, "/brokers/ids", std::nullopt, CreateMode::PERSISTENT, t).code ==
          Code::OK);
  // Transactions of the cluster's earlier life; failed creates take zxids too.
  while (zk.last_zxid() < 0xa0000003a) {
    REQUIRE(zk.create(broker0, "/brokers", std::nullopt, CreateMode::PERSISTENT, t).code ==
            Code::NODEEXISTS);
  }
  const auto register_broker = [&](SessionId session, std::int32_t id, std::string host,
                                   std::int64_t timestamp_ms, std::int64_t now_ms) {
    BrokerRegistration broker;
    broker.broker_id = id;
    broker.version = 4;
    broker.endpoints = {BrokerEndPoint{"PLAINTEXT", "PLAINTEXT", std::move(host), 9092}};
    broker.timestamp_ms = timestamp_ms;
    const std::string path = "/brokers/ids/" + std::to_string(id);
    REQUIRE(
        zk.multi(session,
                 {Op::create(path, std::nullopt, CreateMode::EPHEMERAL),
                  Op::set_data(path, encode_broker_registration(broker, ScalaVersion::v2_12), 0)},
                 now_ms)
            .code == Code::OK);
  };
  register_broker(broker1, 1, "192.168.238.155", 1555230728221, 1555230728240);  // 0xa0000003b
  register_broker(broker0, 0, "192.168.238.150", 1555230728500, 1555230728510);  // 0xa0000003c
  const SessionId broker2 = zk.create_session(18000, 1555230729000).session_id;  // 0xa0000003d
  const std::string controller =
      encode_controller({.version = 1, .broker_id = 1, .timestamp_ms = 1555230730096});
  REQUIRE(
      zk.create(broker1, "/controller", controller, CreateMode::EPHEMERAL, 1555230730110).code ==
      Code::OK);  // 0xa0000003e
  register_broker(broker2, 2, "192.168.238.160", 1555230731000, 1555230731010);

  const JavaTimeZone edt{"EDT", -240};
  const DataTree& tree = zk.data_tree();
  CHECK(zkcli_run(tree, "get -s /controller", edt) ==
        "{\"version\":1,\"brokerid\":1,\"timestamp\":\"1555230730096\"}\n"
        "cZxid = 0xa0000003e\n"
        "ctime = Sun Apr 14 04:32:10 EDT 2019\n"
        "mZxid = 0xa0000003e\n"
        "mtime = Sun Apr 14 04:32:10 EDT 2019\n"
        "pZxid = 0xa0000003e\n"
        "cversion = 0\n"
        "dataVersion = 0\n"
        "aclVersion = 0\n"
        "ephemeralOwner = 0x26a1af48ac30001\n"
        "dataLength = 54\n"
        "numChildren = 0\n");
  CHECK(zkcli_run(tree, "ls /brokers/ids", edt) == "[0, 1, 2]\n");
  CHECK(
      zkcli_run(tree, "get -s /brokers/ids/1", edt) ==
      "{\"listener_security_protocol_map\":{\"PLAINTEXT\":\"PLAINTEXT\"},"
      "\"endpoints\":[\"PLAINTEXT://192.168.238.155:9092\"],\"jmx_port\":-1,"
      "\"host\":\"192.168.238.155\",\"timestamp\":\"1555230728221\",\"port\":9092,\"version\":4}\n"
      "cZxid = 0xa0000003b\n"
      "ctime = Sun Apr 14 04:32:08 EDT 2019\n"
      "mZxid = 0xa0000003b\n"
      "mtime = Sun Apr 14 04:32:08 EDT 2019\n"
      "pZxid = 0xa0000003b\n"
      "cversion = 0\n"
      "dataVersion = 1\n"
      "aclVersion = 0\n"
      "ephemeralOwner = 0x26a1af48ac30001\n"
      "dataLength = 200\n"
      "numChildren = 0\n");
  CHECK(zkcli_run(tree, "get /brokers/ids", edt) == "null\n");
}

TEST_CASE("the tree dump for the GUI", "[zk][cli]") {
  ZkFixture f;
  f.create("/brokers", std::nullopt);
  f.create("/brokers/ids", std::nullopt);
  f.create("/brokers/ids/1", std::string("{}"), CreateMode::EPHEMERAL, 77);
  const std::vector<ZNodeTreeEntry> entries = znode_tree(f.zk.data_tree());
  std::vector<std::string> paths;
  std::vector<int> depths;
  for (const ZNodeTreeEntry& entry : entries) {
    paths.push_back(entry.path);
    depths.push_back(entry.depth);
  }
  CHECK(paths == std::vector<std::string>{"/", "/brokers", "/brokers/ids", "/brokers/ids/1",
                                          "/zookeeper", "/zookeeper/config", "/zookeeper/quota"});
  CHECK(depths == std::vector<int>{0, 1, 2, 3, 1, 2, 2});
  CHECK(entries[0].name == "/");
  CHECK(entries[3].name == "1");
  CHECK(entries[3].data == std::string("{}"));
  CHECK(entries[3].stat.ephemeral_owner == f.session);
  CHECK(entries[3].stat.ctime == 77);
  CHECK(znode_tree_text(f.zk.data_tree()) ==
        "/\n"
        "├── brokers\n"
        "│   └── ids\n"
        "│       └── 1 = {}  [ephemeral 0x100000000000000]\n"
        "└── zookeeper\n"
        "    ├── config\n"
        "    └── quota\n");
  CHECK(znode_tree_text(f.zk.data_tree(), "/brokers/ids") ==
        "/brokers/ids\n"
        "└── 1 = {}  [ephemeral 0x100000000000000]\n");
  CHECK(znode_tree(f.zk.data_tree(), "/brokers").size() == 3);
  CHECK_THROWS_WITH(znode_tree(f.zk.data_tree(), "/nope"), "znode tree: no znode at /nope");
}
