#include <fmt/format.h>

#include <catch2/catch.hpp>

#include "core/client/murmur2_partitioner.h"
#include "tests/client/producer_test_support.h"

using namespace ksim;
using namespace ksim::client;
using namespace ksim::client::test;

TEST_CASE("murmur2 matches Kafka's UtilsTest vectors", "[client][partitioner]") {
  const std::vector<std::pair<std::string, std::int32_t>> vectors = {
      {"21", -973932308},
      {"foobar", -790332482},
      {"a-little-bit-long-string", -985981536},
      {"a-little-bit-longer-string", -1486304829},
      {"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971},
      {"abc", 479470107},
      {"", 275646681},
  };
  for (const auto& [input, expected] : vectors) {
    INFO(input);
    CHECK(murmur2(storage::as_bytes(input)) == expected);
  }
}

TEST_CASE("to_positive clears the sign bit, as Utils.toPositive", "[client][partitioner]") {
  CHECK(to_positive(-1) == 0x7fffffff);
  CHECK(to_positive(std::numeric_limits<std::int32_t>::min()) == 0);
  CHECK(to_positive(-790332482) == 1357151166);
  CHECK(to_positive(12) == 12);
}

TEST_CASE("a key's partition is toPositive(murmur2(key)) % partitions", "[client][partitioner]") {
  // 1357151166 % 10 = 6, % 3 = 0; "21": toPositive(-973932308) = 1173551340, % 7 = 3.
  CHECK(partition_for_key(storage::as_bytes("foobar"), 10) == 6);
  CHECK(partition_for_key(storage::as_bytes("foobar"), 3) == 0);
  CHECK(partition_for_key(storage::as_bytes("21"), 7) == 1173551340 % 7);
  CHECK_THROWS_AS(partition_for_key(storage::as_bytes("x"), 0), std::invalid_argument);
}

TEST_CASE("keyed records of the producer always land on their key's partition",
          "[client][partitioner]") {
  FakeCluster cluster;
  cluster.create_topic("t", {1, 2, 3, 1, 2, 3, 1, 2, 3, 1});
  KafkaProducer producer(config_with({{"linger.ms", "0"}}), fixed_random());
  producer.set_known_brokers({1});
  for (int i = 0; i < 6; ++i) {
    producer.send(record("t", "v" + std::to_string(i), std::nullopt, i % 2 == 0 ? "foobar" : "21"),
                  0);
  }
  run_until_complete(producer, cluster, 0);
  const auto outcomes = producer.take_outcomes();
  REQUIRE(outcomes.size() == 6);
  for (const auto& o : outcomes) {
    REQUIRE(o.kind == SendOutcomeKind::acknowledged);
    const bool foobar = (o.send_id - 1) % 2 == 0;
    CHECK(o.topic_partition->partition == (foobar ? 6 : 1173551340 % 10));
  }
  CHECK(cluster.log({"t", 6}) == std::vector<std::string>{"v0", "v2", "v4"});
  CHECK(cluster.log({"t", 0}) == std::vector<std::string>{"v1", "v3", "v5"});
}

TEST_CASE("the sticky partitioner keeps a partition until batch.size bytes, then draws again",
          "[client][partitioner]") {
  BuiltInPartitioner partitioner(100, scripted_random({7, 2, 0x80000005u}));
  const std::vector<std::int32_t> available = {0, 1, 2, 3, 4};
  // 7 % 5 = 2.
  CHECK(partitioner.sticky_partition("t", 5, available) == 2);
  partitioner.update_partition_info("t", 2, 60);
  CHECK(partitioner.sticky_partition("t", 5, available) == 2);
  partitioner.update_partition_info("t", 2, 40);  // 100 bytes: switch
  CHECK(partitioner.sticky_partition("t", 5, available) == 2 % 5);
  partitioner.update_partition_info("t", 2, 100);
  // toPositive(0x80000005) = 5, % 3 = 2: the third available partition.
  CHECK(partitioner.sticky_partition("t", 5, {0, 3, 4}) == 4);
  // Topics stick independently; a topic without available partitions draws from all.
  BuiltInPartitioner other(100, scripted_random({9}));
  CHECK(other.sticky_partition("u", 4, {}) == 1);
}

TEST_CASE("keyless records of the producer stick to one partition for batch.size bytes",
          "[client][partitioner]") {
  FakeCluster cluster;
  cluster.create_topic("t", {1, 1, 1, 1});
  KafkaProducer producer(config_with({{"batch.size", "200"}, {"linger.ms", "0"}}),
                         scripted_random({1, 3}));
  producer.set_known_brokers({1});
  exchange(producer, cluster, 0);  // nothing to send yet
  // Each record "x-NN" (4 bytes) is 11 bytes in a batch; the first batch also counts 61 bytes of
  // header, so the sticky partition switches after the record that takes it to 200 bytes.
  std::vector<std::uint64_t> ids;
  for (int i = 0; i < 20; ++i) {
    ids.push_back(producer.send(record("t", fmt::format("x-{:02}", i)), 0));
  }
  run_until_complete(producer, cluster, 0);
  const auto outcomes = by_send_id(producer.take_outcomes());
  std::vector<std::int32_t> partitions;
  for (const auto id : ids) partitions.push_back(outcomes.at(id).topic_partition->partition);
  // 61 + 11 * 13 = 204 >= 200 after 13 records: records 0..12 on partition 1, then partition 3.
  for (std::size_t i = 0; i < 13; ++i) CHECK(partitions[i] == 1);
  for (std::size_t i = 13; i < 20; ++i) CHECK(partitions[i] == 3);
}
