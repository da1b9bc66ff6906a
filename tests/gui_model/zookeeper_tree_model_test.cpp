// The ZooKeeper panel's model, live on acks1-failover-loss: /brokers/ids loses broker 0 when its
// session expires and gets it back when it restarts; the partition state's JSON and stat.
#include <catch2/catch.hpp>

#include "app/gui/model/zookeeper_tree_model.h"
#include "tests/gui_model/play.h"

namespace ksim::gui::model {
namespace {

std::vector<std::string> row_paths(const std::vector<ZnodeRow>& rows) {
  std::vector<std::string> paths;
  for (const ZnodeRow& row : rows) paths.push_back(row.path);
  return paths;
}

}  // namespace

TEST_CASE("zookeeper: /brokers/ids live, and the partition state as JSON with its stat") {
  auto runner = testing::library_runner("acks1-failover-loss");
  sim::cluster::KafkaCluster& cluster = runner->cluster();
  ZooKeeperTreeModel tree;
  CHECK(ZooKeeperTreeModel::tree_of(cluster) == nullptr);  // not started yet

  // 21 s: broker 0 was killed at 2.6 s and its session expired at 20 s.
  REQUIRE(testing::step_until(*runner, [&] { return cluster.now() >= sim::SimTime::from_s(21); }));
  const controller::zk::DataTree* live = ZooKeeperTreeModel::tree_of(cluster);
  REQUIRE(live != nullptr);
  CHECK(ZooKeeperTreeModel::details(*live, "/brokers/ids").children ==
        std::vector<std::string>{"1", "2"});
  CHECK_FALSE(ZooKeeperTreeModel::details(*live, "/brokers/ids/0").exists);

  testing::play(*runner, sim::SimDuration::from_ms(100), [] {});
  const controller::zk::DataTree& end = *ZooKeeperTreeModel::tree_of(cluster);
  const ZnodeDetails ids = ZooKeeperTreeModel::details(end, "/brokers/ids");
  CHECK(ids.exists);
  CHECK(ids.children == std::vector<std::string>{"0", "1", "2"});
  CHECK(ids.stat.num_children == 3);

  const ZnodeDetails state =
      ZooKeeperTreeModel::details(end, "/brokers/topics/payments/partitions/0/state");
  REQUIRE(state.exists);
  CHECK(state.has_data);
  CHECK(state.json);
  CHECK(state.data ==
        "{\n"
        "  \"controller_epoch\": 1,\n"
        "  \"leader\": 1,\n"
        "  \"version\": 1,\n"
        "  \"leader_epoch\": 1,\n"
        "  \"isr\": [\n"
        "    1,\n"
        "    2,\n"
        "    0\n"
        "  ]\n"
        "}");
  CHECK(state.stat.czxid == 68);
  CHECK(state.stat.mzxid == 92);
  CHECK(state.stat.version == 2);  // created, leader 0 -> 1, ISR [1,2] -> [1,2,0]
  CHECK(state.stat.ephemeral_owner == 0);

  const ZnodeDetails broker1 = ZooKeeperTreeModel::details(end, "/brokers/ids/1");
  CHECK(broker1.json);
  CHECK(broker1.data.find("\"endpoints\": [\n    \"PLAINTEXT://broker1:9092\"\n  ]") !=
        std::string::npos);
  CHECK(broker1.stat.czxid == 21);
  CHECK(broker1.stat.ephemeral_owner == 111411200000000001);
  // Broker 0 registered again with a new session after its restart.
  const ZnodeDetails broker0 = ZooKeeperTreeModel::details(end, "/brokers/ids/0");
  CHECK(broker0.stat.ephemeral_owner != 0);
  CHECK(broker0.stat.czxid > state.stat.czxid);

  // The rows: the root expanded, then what the teacher opens.
  CHECK(row_paths(tree.rows(end)) ==
        std::vector<std::string>{"/", "/admin", "/brokers", "/config", "/consumers", "/controller",
                                 "/controller_epoch", "/isr_change_notification",
                                 "/latest_producer_id_block", "/log_dir_event_notification",
                                 "/zookeeper"});
  tree.expand_to("/brokers/ids");
  std::vector<ZnodeRow> rows = tree.rows(cluster);
  REQUIRE(rows.size() == 17);
  CHECK(rows[2].path == "/brokers");
  CHECK(rows[2].expanded);
  CHECK(rows[2].child_count == 3);
  CHECK(rows[3].path == "/brokers/ids");
  CHECK(rows[3].depth == 2);
  CHECK(rows[4].path == "/brokers/ids/0");
  CHECK(rows[4].name == "0");
  CHECK(rows[4].depth == 3);
  CHECK(rows[4].ephemeral);
  CHECK(rows[7].path == "/brokers/seqid");
  CHECK(rows[8].path == "/brokers/topics");
  CHECK_FALSE(rows[8].expanded);
  // Broker 0's registration is the latest change under /brokers/ids.
  CHECK(rows[4].mzxid == broker0.stat.czxid);
  CHECK(rows[3].pzxid == broker0.stat.czxid);
  CHECK(rows[5].mzxid == 21);
  // Collapsing /brokers hides its subtree but remembers that ids was open.
  tree.toggle("/brokers");
  CHECK(tree.rows(end).size() == 11);
  CHECK(tree.expanded("/brokers/ids"));
  tree.toggle("/brokers");
  CHECK(tree.rows(end).size() == 17);
  tree.set_expanded("/", false);
  CHECK(row_paths(tree.rows(end)) == std::vector<std::string>{"/"});

  tree.select("/controller");
  REQUIRE(tree.selected().has_value());
  CHECK(*tree.selected() == "/controller");
}

TEST_CASE("zookeeper: data is pretty-printed only when it is a JSON object or array") {
  bool json = true;
  CHECK(ZooKeeperTreeModel::pretty_data("{\"a\":1,\"b\":[1,2]}", &json) ==
        "{\n  \"a\": 1,\n  \"b\": [\n    1,\n    2\n  ]\n}");
  CHECK(json);
  CHECK(ZooKeeperTreeModel::pretty_data("17", &json) == "17");
  CHECK_FALSE(json);
  CHECK(ZooKeeperTreeModel::pretty_data("{not json", &json) == "{not json");
  CHECK_FALSE(json);
  CHECK(ZooKeeperTreeModel::pretty_data("", &json).empty());
  CHECK_FALSE(json);
}

}  // namespace ksim::gui::model
