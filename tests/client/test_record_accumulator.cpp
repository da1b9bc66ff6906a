#include <catch2/catch.hpp>

#include "core/client/record_accumulator.h"
#include "tests/client/producer_test_support.h"

using namespace ksim;
using namespace ksim::client;
using namespace ksim::client::test;

namespace {

std::vector<OutboundRequest> produce_requests(const std::vector<OutboundRequest>& requests) {
  return of_kind<protocol::ProduceRequest>(requests);
}

// Answers the metadata and InitProducerId requests of a first poll.
void bootstrap(KafkaProducer& producer, FakeCluster& cluster, std::int64_t now_ms) {
  for (const auto& request : producer.poll(now_ms)) {
    REQUIRE_FALSE(std::holds_alternative<protocol::ProduceRequest>(request.body));
    producer.handle_response(request.correlation_id, cluster.answer(request), now_ms);
  }
}

}  // namespace

TEST_CASE("a batch's size estimate is its encoded size", "[client][accumulator]") {
  ProducerBatch batch;
  batch.topic_partition = {"t", 0};
  for (int i = 0; i < 200; ++i) {
    PendingRecord record;
    record.send_id = static_cast<std::uint64_t>(i);
    record.send_time_ms = 1000 + i * 37;
    if (i % 3 == 0) record.key = bytes("key-" + std::to_string(i));
    if (i % 7 != 0) record.value = storage::Bytes(static_cast<std::size_t>(i * 3), 'x');
    if (i % 5 == 0) record.headers.push_back({"h", bytes("v")});
    batch.append(std::move(record));
  }
  batch.producer_id = 7;
  batch.producer_epoch = 2;
  batch.base_sequence = 40;
  const auto encoded = batch.encode();
  CHECK(encoded.size() == batch.size_in_bytes);
  const auto decoded = storage::decode_batch(encoded);
  CHECK(decoded.header.base_offset == 0);
  CHECK(decoded.header.producer_id == 7);
  CHECK(decoded.header.producer_epoch == 2);
  CHECK(decoded.header.base_sequence == 40);
  CHECK(decoded.header.timestamp_type() == storage::TimestampType::create_time);
  CHECK(decoded.header.max_timestamp == 1000 + 199 * 37);
  REQUIRE(decoded.records.size() == 200);
  CHECK(decoded.records[3].key == bytes("key-3"));
  CHECK(decoded.records[3].timestamp == 1000 + 3 * 37);
  CHECK_FALSE(decoded.records[7].value.has_value());
}

TEST_CASE("sequences wrap from INT32_MAX to 0", "[client][accumulator]") {
  CHECK(increment_sequence(5, 3) == 8);
  CHECK(increment_sequence(2147483647, 1) == 0);
  CHECK(increment_sequence(2147483640, 10) == 2);
}

TEST_CASE("a batch waits for linger.ms unless it is full", "[client][accumulator]") {
  FakeCluster cluster;
  cluster.create_topic("t", {1, 1});
  KafkaProducer producer(config_with({{"linger.ms", "5"}, {"batch.size", "200"}}), fixed_random());
  producer.set_known_brokers({1, 2, 3});
  producer.send(record("t", "a", 0), 0);
  bootstrap(producer, cluster, 0);  // metadata and producer id, no produce yet
  CHECK(producer.next_wakeup_ms() == 5);
  CHECK(produce_requests(producer.poll(4)).empty());
  producer.send(record("t", "b", 0), 4);
  CHECK(producer.next_wakeup_ms() == 5);  // linger counts from the batch's creation
  const auto at_5 = produce_requests(producer.poll(5));
  REQUIRE(at_5.size() == 1);
  const auto& request = std::get<protocol::ProduceRequest>(at_5[0].body);
  REQUIRE(request.partitions.size() == 1);
  const auto decoded = storage::decode_batch(request.partitions[0].records);
  CHECK(decoded.records.size() == 2);
  CHECK(decoded.records[1].timestamp == 4);  // CreateTime = send time

  // batch.size: records of 10 bytes fill a 200-byte batch (61 + 10 * 13 = 191, the 14th would
  // not fit), and a second batch behind a full one makes the partition ready at once.
  for (int i = 0; i < 14; ++i) producer.send(record("t", "vv" + std::to_string(i % 10), 1), 10);
  const auto full = produce_requests(producer.poll(10));
  REQUIRE(full.size() == 1);
  const auto& full_request = std::get<protocol::ProduceRequest>(full[0].body);
  REQUIRE(full_request.partitions.size() == 1);
  CHECK(full_request.partitions[0].topic_partition == storage::TopicPartition{"t", 1});
  CHECK(storage::decode_batch(full_request.partitions[0].records).records.size() == 13);
  // The 14th record's batch waits for its own linger.
  CHECK(producer.next_wakeup_ms() == 15);
}

TEST_CASE("begin_flush makes batches ready regardless of linger.ms", "[client][accumulator]") {
  FakeCluster cluster;
  cluster.create_topic("t", {1});
  KafkaProducer producer(config_with({{"linger.ms", "1000"}}), fixed_random());
  producer.set_known_brokers({1});
  producer.send(record("t", "a"), 0);
  bootstrap(producer, cluster, 0);
  CHECK(produce_requests(producer.poll(1)).empty());
  producer.begin_flush();
  CHECK(producer.flush_in_progress());
  CHECK(producer.next_wakeup_ms() == 1);
  const auto requests = producer.poll(1);
  REQUIRE(produce_requests(requests).size() == 1);
  producer.handle_response(requests[0].correlation_id, cluster.answer(requests[0]), 2);
  CHECK_FALSE(producer.flush_in_progress());
  CHECK(producer.take_outcomes().size() == 1);
}

TEST_CASE("one ProduceRequest per leader carries one batch per partition",
          "[client][accumulator]") {
  FakeCluster cluster;
  cluster.create_topic("t", {1, 2, 1, 2});
  cluster.create_topic("u", {2});
  KafkaProducer producer(config_with({{"linger.ms", "0"}}), fixed_random());
  producer.set_known_brokers({1, 2});
  bootstrap(producer, cluster, 0);
  for (int p = 0; p < 4; ++p) {
    producer.send(record("t", "a" + std::to_string(p), p), 0);
    producer.send(record("t", "b" + std::to_string(p), p), 0);
  }
  producer.send(record("u", "c", 0), 0);
  bootstrap(producer, cluster, 0);  // metadata for the new topics
  const auto requests = produce_requests(producer.poll(0));
  REQUIRE(requests.size() == 2);
  std::map<std::int32_t, std::vector<storage::TopicPartition>> by_broker;
  for (const auto& r : requests) {
    for (const auto& p : std::get<protocol::ProduceRequest>(r.body).partitions) {
      by_broker[r.destination].push_back(p.topic_partition);
      CHECK(storage::decode_batch(p.records).records.size() ==
            (p.topic_partition.topic == "u" ? 1u : 2u));
    }
  }
  CHECK(by_broker[1] == std::vector<storage::TopicPartition>{{"t", 0}, {"t", 2}});
  CHECK(by_broker[2] == std::vector<storage::TopicPartition>{{"t", 1}, {"t", 3}, {"u", 0}});
  for (const auto& r : requests) {
    CHECK(std::get<protocol::ProduceRequest>(r.body).acks == -1);
    CHECK(std::get<protocol::ProduceRequest>(r.body).timeout_ms == 30000);
    producer.handle_response(r.correlation_id, cluster.answer(r), 1);
  }
  const auto outcomes = by_send_id(producer.take_outcomes());
  REQUIRE(outcomes.size() == 9);
  CHECK(outcomes.at(1).offset == 0);  // a0
  CHECK(outcomes.at(2).offset == 1);  // b0
  CHECK(cluster.log({"t", 3}) == std::vector<std::string>{"a3", "b3"});
}

TEST_CASE("a request stops at max.request.size, the rest goes in the next one",
          "[client][accumulator]") {
  FakeCluster cluster;
  cluster.create_topic("t", {1, 1, 1});
  KafkaProducer producer(config_with({{"linger.ms", "0"}, {"max.request.size", "300"}}),
                         fixed_random());
  producer.set_known_brokers({1});
  bootstrap(producer, cluster, 0);
  // Each batch: 61 + one record with a 100-byte value (108 bytes) = 169: one per request.
  for (int p = 0; p < 3; ++p) producer.send(record("t", std::string(100, 'x'), p), 0);
  bootstrap(producer, cluster, 0);
  std::vector<std::size_t> sizes;
  for (int round = 0; round < 3; ++round) {
    const auto requests = produce_requests(producer.poll(0));
    REQUIRE(requests.size() == 1);
    sizes.push_back(std::get<protocol::ProduceRequest>(requests[0].body).partitions.size());
  }
  CHECK(sizes == std::vector<std::size_t>{1, 1, 1});
  // A record that cannot fit any request fails at once.
  const auto id = producer.send(record("t", std::string(400, 'x'), 0), 0);
  const auto outcomes = producer.take_outcomes();
  REQUIRE(outcomes.size() == 1);
  CHECK(outcomes[0].send_id == id);
  CHECK(outcomes[0].kind == SendOutcomeKind::failed);
  CHECK(outcomes[0].error == "MESSAGE_TOO_LARGE");
  CHECK(outcomes[0].message ==
        "The message is 470 bytes when serialized which is larger than 300, which is the value "
        "of the max.request.size configuration.");
}
