#include <catch2/catch.hpp>

#include "tests/client/producer_test_support.h"

using namespace ksim;
using namespace ksim::client;
using namespace ksim::client::test;

namespace {

// Polls (answering metadata and InitProducerId) until produce requests come out.
std::vector<OutboundRequest> next_produce(KafkaProducer& producer, FakeCluster& cluster,
                                          std::int64_t now_ms) {
  std::vector<OutboundRequest> produce;
  for (int i = 0; i < 4 && produce.empty(); ++i) {
    produce = poll_answering_control(producer, cluster, now_ms);
  }
  return produce;
}

storage::BatchHeader header_of(const OutboundRequest& request, std::size_t index = 0) {
  const auto& produce = std::get<protocol::ProduceRequest>(request.body);
  return storage::read_batch_header(produce.partitions.at(index).records);
}

protocol::ProduceResponse answer_with(const OutboundRequest& request, protocol::Error error,
                                      std::int64_t log_start_offset = -1) {
  protocol::ProduceResponse response;
  for (const auto& p : std::get<protocol::ProduceRequest>(request.body).partitions) {
    protocol::PartitionProduceResponse answer;
    answer.topic_partition = p.topic_partition;
    answer.error_code = error;
    answer.log_start_offset = log_start_offset;
    response.partitions.push_back(answer);
  }
  return response;
}

KafkaProducer idempotent_producer() {
  KafkaProducer producer(config_with({{"linger.ms", "0"}}), fixed_random());
  producer.set_known_brokers({1});
  return producer;
}

}  // namespace

TEST_CASE("InitProducerId comes first, then sequences count records per partition across batches",
          "[client][idempotence]") {
  FakeCluster cluster;
  cluster.create_topic("t", {1, 1});
  KafkaProducer producer = idempotent_producer();
  for (int i = 0; i < 3; ++i) producer.send(record("t", "a" + std::to_string(i), 0), 0);
  const auto first_poll = producer.poll(0);
  REQUIRE(first_poll.size() == 2);
  CHECK(std::holds_alternative<protocol::MetadataRequest>(first_poll[0].body));
  CHECK(std::holds_alternative<protocol::InitProducerIdRequest>(first_poll[1].body));
  // Metadata alone is not enough: no produce before the producer id.
  producer.handle_response(first_poll[0].correlation_id, cluster.answer(first_poll[0]), 0);
  CHECK(producer.poll(0).empty());
  producer.handle_response(first_poll[1].correlation_id, cluster.answer(first_poll[1]), 0);
  CHECK(producer.producer_id_and_epoch() == ProducerIdAndEpoch{1000, 0});

  const auto b0 = producer.poll(0);
  REQUIRE(b0.size() == 1);
  CHECK(header_of(b0[0]).base_sequence == 0);
  CHECK(header_of(b0[0]).producer_id == 1000);
  CHECK(header_of(b0[0]).producer_epoch == 0);
  CHECK(header_of(b0[0]).records_count == 3);
  for (int i = 3; i < 5; ++i) producer.send(record("t", "a" + std::to_string(i), 0), 1);
  producer.send(record("t", "other", 1), 1);
  const auto b1 = producer.poll(1);  // a second request in flight to the same broker
  REQUIRE(b1.size() == 1);
  const auto& partitions = std::get<protocol::ProduceRequest>(b1[0].body).partitions;
  REQUIRE(partitions.size() == 2);
  CHECK(header_of(b1[0], 0).base_sequence == 3);  // t-0 continues after 3 records
  CHECK(header_of(b1[0], 1).base_sequence == 0);  // t-1 starts at 0
  producer.handle_response(b0[0].correlation_id, cluster.answer(b0[0]), 2);
  producer.handle_response(b1[0].correlation_id, cluster.answer(b1[0]), 2);
  const auto outcomes = by_send_id(producer.take_outcomes());
  REQUIRE(outcomes.size() == 6);
  for (std::uint64_t id = 1; id <= 5; ++id) {
    CHECK(outcomes.at(id).sequence == static_cast<std::int32_t>(id - 1));
    CHECK(outcomes.at(id).offset == static_cast<std::int64_t>(id - 1));
    CHECK(outcomes.at(id).producer_id == 1000);
  }
  CHECK(outcomes.at(6).sequence == 0);
}

TEST_CASE("DUPLICATE_SEQUENCE_NUMBER counts as success", "[client][idempotence]") {
  FakeCluster cluster;
  cluster.create_topic("t", {1});
  KafkaProducer producer = idempotent_producer();
  const auto id = producer.send(record("t", "a"), 0);
  const auto sent = next_produce(producer, cluster, 0);
  REQUIRE(sent.size() == 1);
  producer.handle_response(sent[0].correlation_id,
                           answer_with(sent[0], protocol::Error::DUPLICATE_SEQUENCE_NUMBER), 1);
  const auto outcomes = producer.take_outcomes();
  REQUIRE(outcomes.size() == 1);
  CHECK(outcomes[0].send_id == id);
  CHECK(outcomes[0].kind == SendOutcomeKind::acknowledged);
  CHECK(outcomes[0].offset == -1);  // the broker no longer knows where it is
  CHECK(outcomes[0].error.empty());
}

TEST_CASE("at most 5 batches of an idempotent producer are in flight", "[client][idempotence]") {
  FakeCluster cluster;
  cluster.create_topic("t", {1});
  KafkaProducer producer = idempotent_producer();
  std::vector<OutboundRequest> outstanding;
  for (int i = 0; i < 7; ++i) {
    producer.send(record("t", "v" + std::to_string(i)), i);
    for (auto& r : next_produce(producer, cluster, i)) outstanding.push_back(r);
  }
  REQUIRE(outstanding.size() == 5);
  for (std::size_t i = 0; i < outstanding.size(); ++i) {
    CHECK(header_of(outstanding[i]).base_sequence == static_cast<std::int32_t>(i));
  }
  producer.handle_response(outstanding[0].correlation_id, cluster.answer(outstanding[0]), 10);
  const auto next = producer.poll(10);
  REQUIRE(next.size() == 1);
  CHECK(header_of(next[0]).base_sequence == 5);
  CHECK(header_of(next[0]).records_count == 2);
}

TEST_CASE("OUT_OF_ORDER_SEQUENCE_NUMBER behind a retried batch is retried in order, same epoch",
          "[client][idempotence]") {
  FakeCluster cluster;
  cluster.create_topic("t", {1});
  KafkaProducer producer = idempotent_producer();
  producer.send(record("t", "a"), 0);
  const auto first = next_produce(producer, cluster, 0);
  producer.send(record("t", "b"), 1);
  const auto second = next_produce(producer, cluster, 1);
  REQUIRE(first.size() == 1);
  REQUIRE(second.size() == 1);
  // "a" is refused before the append; "b" then arrives with a gap before it.
  producer.handle_response(first[0].correlation_id,
                           answer_with(first[0], protocol::Error::NOT_ENOUGH_REPLICAS), 2);
  producer.handle_response(second[0].correlation_id,
                           answer_with(second[0], protocol::Error::OUT_OF_ORDER_SEQUENCE_NUMBER),
                           3);
  CHECK(producer.take_outcomes().empty());
  CHECK(producer.producer_id_and_epoch().epoch == 0);  // "b" is not the next batch: no bump
  // "a" goes again alone first (after its backoff); "b" waits until "a" is done.
  const auto retry_a = producer.poll(102);
  REQUIRE(retry_a.size() == 1);
  CHECK(header_of(retry_a[0]).base_sequence == 0);
  CHECK(header_of(retry_a[0]).producer_epoch == 0);
  CHECK(producer.poll(103).empty());
  producer.handle_response(retry_a[0].correlation_id, cluster.answer(retry_a[0]), 104);
  const auto retry_b = producer.poll(104);
  REQUIRE(retry_b.size() == 1);
  CHECK(header_of(retry_b[0]).base_sequence == 1);
  CHECK(header_of(retry_b[0]).producer_epoch == 0);
  producer.handle_response(retry_b[0].correlation_id, cluster.answer(retry_b[0]), 105);
  CHECK(cluster.log({"t", 0}) == std::vector<std::string>{"a", "b"});
  const auto outcomes = producer.take_outcomes();
  REQUIRE(outcomes.size() == 2);
  CHECK(outcomes[0].offset == 0);
  CHECK(outcomes[1].offset == 1);
}

TEST_CASE("OUT_OF_ORDER_SEQUENCE_NUMBER for the next batch bumps the epoch and renumbers",
          "[client][idempotence]") {
  FakeCluster cluster;
  cluster.create_topic("t", {1});
  KafkaProducer producer = idempotent_producer();
  producer.send(record("t", "a"), 0);
  producer.send(record("t", "b"), 0);
  const auto first = next_produce(producer, cluster, 0);
  REQUIRE(first.size() == 1);
  producer.handle_response(first[0].correlation_id, cluster.answer(first[0]), 1);
  producer.take_outcomes();
  producer.send(record("t", "c"), 2);
  const auto second = producer.poll(2);
  REQUIRE(second.size() == 1);
  CHECK(header_of(second[0]).base_sequence == 2);
  // The broker says sequence 2 does not follow what it has, though 0-1 were acknowledged.
  producer.handle_response(second[0].correlation_id,
                           answer_with(second[0], protocol::Error::OUT_OF_ORDER_SEQUENCE_NUMBER),
                           3);
  CHECK(producer.producer_id_and_epoch() == ProducerIdAndEpoch{1000, 1});
  const auto retry = producer.poll(103);
  REQUIRE(retry.size() == 1);
  CHECK(header_of(retry[0]).producer_epoch == 1);
  CHECK(header_of(retry[0]).base_sequence == 0);
  producer.handle_response(retry[0].correlation_id, cluster.answer(retry[0]), 104);
  const auto outcomes = producer.take_outcomes();
  REQUIRE(outcomes.size() == 1);
  CHECK(outcomes[0].kind == SendOutcomeKind::acknowledged);
  CHECK(outcomes[0].producer_epoch == 1);
  CHECK(outcomes[0].sequence == 0);
  CHECK(outcomes[0].offset == 2);
}

TEST_CASE("UNKNOWN_PRODUCER_ID past the log start bumps the epoch (KIP-360)",
          "[client][idempotence]") {
  FakeCluster cluster;
  cluster.create_topic("t", {1});
  KafkaProducer producer = idempotent_producer();
  producer.send(record("t", "a"), 0);
  const auto first = next_produce(producer, cluster, 0);
  REQUIRE(first.size() == 1);
  producer.handle_response(first[0].correlation_id, cluster.answer(first[0]), 1);
  producer.send(record("t", "b"), 2);
  const auto second = producer.poll(2);
  REQUIRE(second.size() == 1);
  // Without a log start offset: just retry, same epoch.
  producer.handle_response(second[0].correlation_id,
                           answer_with(second[0], protocol::Error::UNKNOWN_PRODUCER_ID, -1), 3);
  CHECK(producer.producer_id_and_epoch().epoch == 0);
  const auto again = producer.poll(103);
  REQUIRE(again.size() == 1);
  CHECK(header_of(again[0]).base_sequence == 1);
  // Retention removed the producer's batches (log start 5 > last acknowledged offset 0).
  producer.handle_response(again[0].correlation_id,
                           answer_with(again[0], protocol::Error::UNKNOWN_PRODUCER_ID, 5), 104);
  CHECK(producer.producer_id_and_epoch() == ProducerIdAndEpoch{1000, 1});
  const auto bumped = producer.poll(204);
  REQUIRE(bumped.size() == 1);
  CHECK(header_of(bumped[0]).producer_epoch == 1);
  CHECK(header_of(bumped[0]).base_sequence == 0);
}

TEST_CASE("a batch that expires after being sent holds its partition until resolved",
          "[client][idempotence]") {
  FakeCluster cluster;
  cluster.create_topic("t", {1});
  KafkaProducer producer(
      config_with(
          {{"linger.ms", "0"}, {"request.timeout.ms", "1000"}, {"delivery.timeout.ms", "1500"}}),
      fixed_random());
  producer.set_known_brokers({1});
  const auto a = producer.send(record("t", "a"), 0);
  const auto sent = next_produce(producer, cluster, 0);
  REQUIRE(sent.size() == 1);
  cluster.answer(sent[0]);  // appended, the answer lost: the request times out at 1000
  CHECK(poll_answering_control(producer, cluster, 1000).empty());  // metadata only
  const auto retry = producer.poll(1100);
  REQUIRE(retry.size() == 1);  // same sequence 0; its answer is lost too
  CHECK(header_of(retry[0]).base_sequence == 0);
  const auto b = producer.send(record("t", "b"), 1400);
  // At 1500 "a" expires in flight: indeterminate, sequence 0 unresolved.
  const auto next = producer.poll(1500);
  auto outcomes = producer.take_outcomes();
  REQUIRE(outcomes.size() == 1);
  CHECK(outcomes[0].send_id == a);
  CHECK(outcomes[0].kind == SendOutcomeKind::indeterminate);
  CHECK(outcomes[0].reason == IndeterminateReason::delivery_timeout_after_send);
  // Nothing of "a" is in flight any more: the last acknowledged sequence (none) is not the one
  // before the next (1), so the epoch is bumped and "b" starts the new epoch at 0.
  CHECK(producer.producer_id_and_epoch() == ProducerIdAndEpoch{1000, 1});
  REQUIRE(next.size() == 1);
  CHECK(header_of(next[0]).producer_epoch == 1);
  CHECK(header_of(next[0]).base_sequence == 0);
  producer.handle_response(next[0].correlation_id, cluster.answer(next[0]), 1501);
  outcomes = producer.take_outcomes();
  REQUIRE(outcomes.size() == 1);
  CHECK(outcomes[0].send_id == b);
  CHECK(outcomes[0].kind == SendOutcomeKind::acknowledged);
  CHECK(cluster.log({"t", 0}) == std::vector<std::string>{"a", "b"});
}
