// meta.properties: format, parsing errors, and the broker.id / cluster.id startup checks.
#include <catch2/catch.hpp>

#include "core/storage/errors.h"
#include "core/storage/meta_properties.h"
#include "tests/storage/ckpt_test_fs.h"

using namespace ksim::storage;
using ksim::storage::testing::TestMapFileSystem;

namespace {

const std::string meta_properties_path = "data/broker-1/meta.properties";

std::string meta_properties_error(const std::string& text) {
  try {
    parse_meta_properties(text, meta_properties_path);
  } catch (const CorruptDataError& e) {
    return e.what();
  }
  return "(no error)";
}

MetaProperties zk_broker(std::int32_t broker_id, std::string cluster_id) {
  MetaProperties properties;
  properties.broker_id = broker_id;
  properties.cluster_id = std::move(cluster_id);
  return properties;
}

}  // namespace

TEST_CASE("meta.properties is written with a fixed comment and Kafka's key order") {
  CHECK(meta_properties_file == "meta.properties");
  CHECK(format_meta_properties(zk_broker(2, "tfIO-Ab4PdddYjiU3pEWqw")) ==
        "#\n#ksim meta.properties\nbroker.id=2\nversion=0\ncluster.id=tfIO-Ab4PdddYjiU3pEWqw\n");
  CHECK(format_meta_properties(MetaProperties{}) == "#\n#ksim meta.properties\nversion=0\n");
}

TEST_CASE("meta.properties parses what it writes, and what Kafka writes") {
  const auto properties = zk_broker(2, "tfIO-Ab4PdddYjiU3pEWqw");
  CHECK(parse_meta_properties(format_meta_properties(properties), meta_properties_path) == properties);
  // A file from a real Kafka 2.8 log directory.
  CHECK(parse_meta_properties("#\n#Wed May 08 10:23:45 CST 2024\nbroker.id=2\nversion=0\n"
                              "cluster.id=tfIO-Ab4PdddYjiU3pEWqw\n",
                              meta_properties_path) == properties);
}

TEST_CASE("meta.properties reading: comments, blanks, spacing, missing and unknown keys") {
  CHECK(parse_meta_properties("", meta_properties_path) == MetaProperties{});
  const auto parsed = parse_meta_properties(
      "! a comment\r\n\n   \n  # another\n  broker.id =  7\r\ncluster.id=abc=def\n"
      "log.dir.extra=ignored\nversion=0",
      meta_properties_path);
  CHECK(parsed.version == 0);
  CHECK(parsed.broker_id == 7);
  CHECK(parsed.cluster_id == "abc=def");
  const auto no_version = parse_meta_properties("broker.id=1\n", meta_properties_path);
  CHECK(no_version.version == 0);
  CHECK(no_version.broker_id == 1);
  CHECK_FALSE(no_version.cluster_id);
  CHECK(parse_meta_properties("cluster.id=\n", meta_properties_path).cluster_id == "");
}

TEST_CASE("Every malformed meta.properties is rejected, naming the file, line and problem") {
  const std::string in = "Malformed line in meta.properties (" + meta_properties_path + ")";
  CHECK(meta_properties_error("#\nbroker.id\n") == in + " line 2: 'broker.id' (expected key=value)");
  CHECK(meta_properties_error("=5\n") == in + " line 1: '=5' (empty key)");
  CHECK(meta_properties_error("broker.id=x\n") == in + " line 1: 'broker.id=x' (broker.id is not an integer)");
  CHECK(meta_properties_error("broker.id=1 \n") ==
        in + " line 1: 'broker.id=1 ' (broker.id is not an integer)");
  CHECK(meta_properties_error("broker.id=4294967296\n") ==
        in + " line 1: 'broker.id=4294967296' (broker.id is not an integer)");
  CHECK(meta_properties_error("version=zero\n") == in + " line 1: 'version=zero' (version is not an integer)");
  CHECK(meta_properties_error("broker.id=1\n\nbroker.id=2\n") ==
        in + " line 3: 'broker.id=2' (broker.id is already set on line 1)");
  CHECK(meta_properties_error("cluster.id=a\\\n  b\n") ==
        in + " line 1: 'cluster.id=a\\' (escapes and line continuations ('\\') are not supported)");
  CHECK(meta_properties_error("#\nversion=1\nnode.id=1\n") ==
        "Found unexpected version in meta.properties (" + meta_properties_path +
            ") line 2: 1. Zk-based brokers only support version 0 (which is implicit when the "
            "`version` field is missing).");
}

TEST_CASE("A cluster.id that would not read back is refused when writing") {
  CHECK_THROWS_AS(format_meta_properties(zk_broker(1, "a\nb")), std::invalid_argument);
  CHECK_THROWS_AS(format_meta_properties(zk_broker(1, "a\\b")), std::invalid_argument);
  CHECK_THROWS_WITH(format_meta_properties(zk_broker(1, " ab")),
                    "cluster.id ' ab' cannot be written to meta.properties");
}

TEST_CASE("meta.properties is written atomically and read back, missing means a new broker") {
  TestMapFileSystem fs;
  CHECK(read_meta_properties(fs, meta_properties_path) == std::nullopt);
  const auto properties = zk_broker(1, "sbkcoiSiQV2h_mQpwy05zQ");
  write_meta_properties(fs, meta_properties_path, properties);
  CHECK(fs.operations() == std::vector<std::string>{
                               "truncate " + meta_properties_path + ".tmp",
                               "append " + meta_properties_path + ".tmp 80",
                               "fsync " + meta_properties_path + ".tmp",
                               "rename " + meta_properties_path + ".tmp " + meta_properties_path,
                           });
  CHECK(fs.content(meta_properties_path) ==
        "#\n#ksim meta.properties\nbroker.id=1\nversion=0\ncluster.id=sbkcoiSiQV2h_mQpwy05zQ\n");
  CHECK(read_meta_properties(fs, meta_properties_path) == properties);

  fs.put(meta_properties_path, "broker.id=one\n");
  CHECK_THROWS_WITH(read_meta_properties(fs, meta_properties_path),
                    "Malformed line in meta.properties (" + meta_properties_path +
                        ") line 1: 'broker.id=one' (broker.id is not an integer)");
}

TEST_CASE("check_broker_id: Kafka's InconsistentBrokerIdException message") {
  const auto stored = zk_broker(1, "abc");
  CHECK_NOTHROW(check_broker_id(1, stored));
  CHECK_NOTHROW(check_broker_id(5, MetaProperties{}));
  CHECK_THROWS_AS(check_broker_id(2, stored), InconsistentStateError);
  CHECK_THROWS_WITH(
      check_broker_id(2, stored),
      "Configured broker.id 2 doesn't match stored broker.id Some(1) in meta.properties. If you "
      "moved your data, make sure your configured broker.id matches. If you intend to create a "
      "new broker, you should remove all data in your data directories (log.dirs).");
}

TEST_CASE("check_cluster_id: Kafka's InconsistentClusterIdException message") {
  const auto stored = zk_broker(1, "sbkcoiSiQV2h_mQpwy05zQ");
  CHECK_NOTHROW(check_cluster_id("sbkcoiSiQV2h_mQpwy05zQ", stored));
  CHECK_NOTHROW(check_cluster_id("anything", MetaProperties{}));
  CHECK_THROWS_AS(check_cluster_id("OkOjGPrdRimp8nkFohYkCw", stored), InconsistentStateError);
  CHECK_THROWS_WITH(
      check_cluster_id("OkOjGPrdRimp8nkFohYkCw", stored),
      "The Cluster ID OkOjGPrdRimp8nkFohYkCw doesn't match stored clusterId "
      "Some(sbkcoiSiQV2h_mQpwy05zQ) in meta.properties. The broker is trying to join the wrong "
      "cluster. Configured zookeeper.connect may be wrong.");
}
