// multi: atomic batches under one zxid, as Kafka uses them (CheckedEphemeral, controller epoch
// fencing), with ZooKeeper's per-op results on failure.
#include <catch2/catch.hpp>

#include "core/controller/zk_server.h"
#include "zk_test_support.h"

using namespace ksim::controller::zk;
using ksim::controller::zk::testing::ZkFixture;

TEST_CASE("Kafka's broker registration: create then setData in one transaction", "[zk][multi]") {
  ZkFixture f;
  f.create("/brokers");
  f.create("/brokers/ids");
  const std::string body = R"({"version":5})";
  const MultiResult result =
      f.zk.multi(f.session,
                 {Op::create("/brokers/ids/1", std::nullopt, CreateMode::EPHEMERAL),
                  Op::set_data("/brokers/ids/1", body, 0)},
                 42);
  REQUIRE(result.code == Code::OK);
  REQUIRE(result.results.size() == 2);
  CHECK(result.results[0].path == "/brokers/ids/1");
  CHECK(result.results[1].stat.version == 1);
  const GetDataResult read = f.zk.get_data(f.session, "/brokers/ids/1", false, 50);
  CHECK(read.data == body);
  // One zxid for both ops: czxid == mzxid, and dataVersion 1 as on a real Kafka cluster.
  CHECK(read.stat.czxid == 4);
  CHECK(read.stat.mzxid == 4);
  CHECK(read.stat.version == 1);
  CHECK(read.stat.ephemeral_owner == f.session);
  CHECK(read.stat.data_length == 13);
}

TEST_CASE("a failed op fails the whole multi, which still takes its zxid", "[zk][multi]") {
  ZkFixture f;
  f.create("/controller_epoch", std::string("0"));
  const Zxid before = f.zk.last_zxid();
  // A controller election whose expected epoch version is stale.
  const MultiResult result =
      f.zk.multi(f.session,
                 {Op::create("/controller", std::string("{}"), CreateMode::EPHEMERAL),
                  Op::set_data("/controller_epoch", std::string("1"), 5)},
                 0);
  CHECK(result.code == Code::BADVERSION);
  REQUIRE(result.results.size() == 2);
  CHECK(result.results[0].code == Code::OK);
  CHECK(result.results[1].code == Code::BADVERSION);
  CHECK(f.zk.data_tree().node("/controller") == nullptr);
  CHECK(f.zk.get_data(f.session, "/controller_epoch", false, 0).data == std::string("0"));
  CHECK(f.zk.last_zxid() == before + 1);
}

TEST_CASE("ops after the failing one report RUNTIMEINCONSISTENCY", "[zk][multi]") {
  ZkFixture f;
  f.create("/controller_epoch", std::string("1"));
  f.create("/state", std::string("{}"));
  // Kafka guards every controller write with a check on /controller_epoch's version.
  const MultiResult result = f.zk.multi(
      f.session,
      {Op::check("/controller_epoch", 3), Op::set_data("/state", std::string("{\"leader\":2}"), 0),
       Op::create("/x", std::nullopt, CreateMode::PERSISTENT)},
      0);
  CHECK(result.code == Code::BADVERSION);
  REQUIRE(result.results.size() == 3);
  CHECK(result.results[0].code == Code::BADVERSION);
  CHECK(result.results[1].code == Code::RUNTIMEINCONSISTENCY);
  CHECK(result.results[2].code == Code::RUNTIMEINCONSISTENCY);
  CHECK(f.zk.data_tree().node("/state")->stat.version == 0);

  const MultiResult fenced_ok = f.zk.multi(
      f.session,
      {Op::check("/controller_epoch", 0), Op::set_data("/state", std::string("{\"leader\":2}"), 0)},
      0);
  CHECK(fenced_ok.code == Code::OK);
  CHECK(f.zk.get_data(f.session, "/state", false, 0).data == std::string("{\"leader\":2}"));
  CHECK(f.zk.multi(f.session, {Op::check("/nope", -1)}, 0).code == Code::NONODE);
}

TEST_CASE("later ops see what earlier ops of the same multi did", "[zk][multi]") {
  ZkFixture f;
  const MultiResult result =
      f.zk.multi(f.session,
                 {Op::create("/a", std::nullopt, CreateMode::PERSISTENT),
                  Op::create("/a/b", std::nullopt, CreateMode::PERSISTENT), Op::check("/a/b", 0),
                  Op::set_data("/a/b", std::string("v"), 0), Op::delete_node("/a", -1)},
                 0);
  CHECK(result.code == Code::NOTEMPTY);  // /a still has /a/b
  CHECK(result.results[4].code == Code::NOTEMPTY);
  CHECK(f.zk.data_tree().node("/a") == nullptr);

  const MultiResult cleaned = f.zk.multi(f.session,
                                         {Op::create("/a", std::nullopt, CreateMode::PERSISTENT),
                                          Op::create("/a/b", std::nullopt, CreateMode::PERSISTENT),
                                          Op::set_data("/a/b", std::string("v"), 0),
                                          Op::delete_node("/a/b", 1), Op::delete_node("/a", 0)},
                                         0);
  CHECK(cleaned.code == Code::OK);
  CHECK(cleaned.results[2].stat.version == 1);
  CHECK(f.zk.data_tree().node("/a") == nullptr);
  CHECK(f.zk.data_tree().node("/")->to_stat().cversion == 1);  // -1, then 1 create + 1 delete
}

TEST_CASE("sequence numbers advance within a multi and are untouched by a failed one",
          "[zk][multi]") {
  ZkFixture f;
  f.create("/q");
  const MultiResult failed =
      f.zk.multi(f.session,
                 {Op::create("/q/n", std::nullopt, CreateMode::PERSISTENT_SEQUENTIAL),
                  Op::create("/missing/x", std::nullopt, CreateMode::PERSISTENT)},
                 0);
  CHECK(failed.code == Code::NONODE);
  CHECK(failed.results[0].code == Code::OK);
  CHECK(failed.results[1].code == Code::NONODE);
  const MultiResult two =
      f.zk.multi(f.session,
                 {Op::create("/q/n", std::nullopt, CreateMode::PERSISTENT_SEQUENTIAL),
                  Op::create("/q/n", std::nullopt, CreateMode::PERSISTENT_SEQUENTIAL)},
                 0);
  REQUIRE(two.code == Code::OK);
  CHECK(two.results[0].path == "/q/n0000000000");
  CHECK(two.results[1].path == "/q/n0000000001");
}

TEST_CASE("an empty multi succeeds and takes a zxid, a bad path throws first", "[zk][multi]") {
  ZkFixture f;
  const Zxid before = f.zk.last_zxid();
  const MultiResult empty = f.zk.multi(f.session, {}, 0);
  CHECK(empty.code == Code::OK);
  CHECK(empty.results.empty());
  CHECK(f.zk.last_zxid() == before + 1);
  CHECK_THROWS_WITH(f.zk.multi(f.session,
                               {Op::create("/ok", std::nullopt, CreateMode::PERSISTENT),
                                Op::create("bad", std::nullopt, CreateMode::PERSISTENT)},
                               0),
                    "Path must start with / character");
  CHECK(f.zk.data_tree().node("/ok") == nullptr);
  CHECK(f.zk.last_zxid() == before + 1);
}

TEST_CASE("a multi from a dead session answers SESSIONEXPIRED with no results", "[zk][multi]") {
  ZkFixture f;
  REQUIRE(f.zk.close_session(f.session, 0) == Code::OK);
  const MultiResult result =
      f.zk.multi(f.session, {Op::create("/a", std::nullopt, CreateMode::PERSISTENT)}, 0);
  CHECK(result.code == Code::SESSIONEXPIRED);
  CHECK(result.results.empty());
}
