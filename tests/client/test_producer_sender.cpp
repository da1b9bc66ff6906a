#include <catch2/catch.hpp>

#include "tests/client/producer_test_support.h"

using namespace ksim;
using namespace ksim::client;
using namespace ksim::client::test;

namespace {

protocol::ProduceResponse error_response(const OutboundRequest& request, protocol::Error error) {
  protocol::ProduceResponse response;
  for (const auto& p : std::get<protocol::ProduceRequest>(request.body).partitions) {
    protocol::PartitionProduceResponse answer;
    answer.topic_partition = p.topic_partition;
    answer.error_code = error;
    response.partitions.push_back(answer);
  }
  return response;
}

storage::DecodedBatch only_batch(const OutboundRequest& request) {
  const auto& produce = std::get<protocol::ProduceRequest>(request.body);
  REQUIRE(produce.partitions.size() == 1);
  return storage::decode_batch(produce.partitions[0].records);
}

}  // namespace

TEST_CASE("max.in.flight.requests.per.connection caps the requests to one broker",
          "[client][sender]") {
  FakeCluster cluster;
  cluster.create_topic("t", {1});
  KafkaProducer producer(config_with({{"linger.ms", "0"},
                                      {"enable.idempotence", "false"},
                                      {"max.in.flight.requests.per.connection", "2"}}),
                         fixed_random());
  producer.set_known_brokers({1});
  producer.send(record("t", "warm-up"), 0);
  run_until_complete(producer, cluster, 0);
  producer.take_outcomes();

  std::vector<OutboundRequest> outstanding;
  for (int i = 0; i < 4; ++i) {
    producer.send(record("t", "v" + std::to_string(i)), 10 + i);
    for (auto& r : poll_answering_control(producer, cluster, 10 + i)) outstanding.push_back(r);
  }
  CHECK(outstanding.size() == 2);  // v0 and v1; v2 and v3 wait (in one batch)
  CHECK_FALSE(producer.next_wakeup_ms() == std::optional<std::int64_t>{13});
  producer.handle_response(outstanding[0].correlation_id, cluster.answer(outstanding[0]), 20);
  const auto next = poll_answering_control(producer, cluster, 20);
  REQUIRE(next.size() == 1);
  CHECK(only_batch(next[0]).records.size() == 2);
}

TEST_CASE("max.in.flight=1 keeps one batch of a partition in flight (order guaranteed)",
          "[client][sender]") {
  FakeCluster cluster;
  cluster.create_topic("t", {1, 1});
  KafkaProducer producer(
      config_with(
          {{"linger.ms", "0"}, {"acks", "1"}, {"max.in.flight.requests.per.connection", "1"}}),
      fixed_random());
  producer.set_known_brokers({1});
  producer.send(record("t", "a", 0), 0);
  const auto first = poll_answering_control(producer, cluster, 0);
  // The metadata answer arrived during the poll: the produce follows on the next one.
  const auto produce = first.empty() ? poll_answering_control(producer, cluster, 0) : first;
  REQUIRE(produce.size() == 1);
  producer.send(record("t", "b", 0), 1);
  CHECK(poll_answering_control(producer, cluster, 1).empty());
  producer.handle_response(produce[0].correlation_id,
                           error_response(produce[0], protocol::Error::NOT_ENOUGH_REPLICAS), 2);
  // The retry of "a" goes first, alone, after the backoff; "b" only after it.
  CHECK(poll_answering_control(producer, cluster, 50).empty());
  const auto retry = poll_answering_control(producer, cluster, 102);
  REQUIRE(retry.size() == 1);
  CHECK(storage::to_string(*only_batch(retry[0]).records[0].value) == "a");
  producer.handle_response(retry[0].correlation_id, cluster.answer(retry[0]), 103);
  const auto then = poll_answering_control(producer, cluster, 103);
  REQUIRE(then.size() == 1);
  CHECK(storage::to_string(*only_batch(then[0]).records[0].value) == "b");
}

TEST_CASE(
    "NOT_LEADER_OR_FOLLOWER refreshes metadata and retries to the new leader with the "
    "same sequence",
    "[client][sender]") {
  FakeCluster cluster;
  cluster.create_topic("t", {1});
  KafkaProducer producer(config_with({{"linger.ms", "0"}}), fixed_random());
  producer.set_known_brokers({1, 2});
  const auto id = producer.send(record("t", "a", 0), 0);
  std::vector<OutboundRequest> sent;
  for (int i = 0; i < 3 && sent.empty(); ++i) sent = poll_answering_control(producer, cluster, 0);
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].destination == 1);
  const auto first = only_batch(sent[0]);
  CHECK(first.header.producer_id == 1000);
  CHECK(first.header.producer_epoch == 0);
  CHECK(first.header.base_sequence == 0);

  cluster.move_leader({"t", 0}, 2);
  producer.handle_response(sent[0].correlation_id, cluster.answer(sent[0]), 10);
  CHECK(producer.take_outcomes().empty());
  // Metadata is asked again once retry.backoff.ms has passed since the last request (at 0).
  CHECK(producer.next_wakeup_ms() == 100);
  const auto at_100 = producer.poll(100);
  REQUIRE(at_100.size() == 1);
  REQUIRE(std::holds_alternative<protocol::MetadataRequest>(at_100[0].body));
  producer.handle_response(at_100[0].correlation_id, cluster.answer(at_100[0]), 100);
  // The batch itself waits retry.backoff.ms from its failed attempt (at 10).
  CHECK(producer.next_wakeup_ms() == 110);
  CHECK(producer.poll(109).empty());
  const auto retry = producer.poll(110);
  REQUIRE(retry.size() == 1);
  CHECK(retry[0].destination == 2);
  const auto again = only_batch(retry[0]);
  CHECK(again.header.producer_id == 1000);
  CHECK(again.header.producer_epoch == 0);
  CHECK(again.header.base_sequence == 0);
  producer.handle_response(retry[0].correlation_id, cluster.answer(retry[0]), 115);
  const auto outcomes = producer.take_outcomes();
  REQUIRE(outcomes.size() == 1);
  const auto& o = outcomes[0];
  CHECK(o.send_id == id);
  CHECK(o.kind == SendOutcomeKind::acknowledged);
  CHECK(o.topic_partition == storage::TopicPartition{"t", 0});
  CHECK(o.offset == 0);
  CHECK(o.attempts == 2);
  CHECK(o.producer_id == 1000);
  CHECK(o.producer_epoch == 0);
  CHECK(o.sequence == 0);
  CHECK(o.send_time_ms == 0);
  CHECK(o.completion_time_ms == 115);
  CHECK(cluster.log({"t", 0}) == std::vector<std::string>{"a"});
}

TEST_CASE("delivery.timeout.ms: failed if never sent, indeterminate once sent",
          "[client][sender]") {
  FakeCluster cluster;
  cluster.create_topic("t", {-1, 1});  // t-0 has no leader
  KafkaProducer producer(
      config_with(
          {{"linger.ms", "0"}, {"request.timeout.ms", "30000"}, {"delivery.timeout.ms", "35000"}}),
      fixed_random());
  producer.set_known_brokers({1});
  const auto held = producer.send(record("t", "held", 0), 0);
  const auto lost = producer.send(record("t", "lost", 1), 0);
  std::vector<OutboundRequest> sent;
  for (int i = 0; i < 3 && sent.empty(); ++i) sent = poll_answering_control(producer, cluster, 0);
  REQUIRE(sent.size() == 1);  // only t-1 has a leader; the answer never comes
  // 30000: the request times out (retriable); the retry goes after the backoff.
  std::int64_t now = 0;
  std::vector<SendOutcome> outcomes;
  while (now < 40000 && outcomes.size() < 2) {
    now = *producer.next_wakeup_ms();
    poll_answering_control(producer, cluster, now);  // produce requests are never answered
    for (auto& o : producer.take_outcomes()) outcomes.push_back(o);
  }
  const auto by_id = by_send_id(outcomes);
  REQUIRE(by_id.size() == 2);
  const auto& h = by_id.at(held);
  CHECK(h.kind == SendOutcomeKind::failed);
  CHECK(h.error == "REQUEST_TIMED_OUT");
  CHECK(h.attempts == 0);
  CHECK(h.completion_time_ms == 35000);
  CHECK(h.message == "Expiring 1 record(s) for t-0:35000 ms has passed since batch creation");
  const auto& l = by_id.at(lost);
  CHECK(l.kind == SendOutcomeKind::indeterminate);
  CHECK(l.reason == IndeterminateReason::delivery_timeout_after_send);
  CHECK(l.error == "REQUEST_TIMED_OUT");
  CHECK(l.attempts == 2);  // sent at 0, timed out at 30000, sent again at 30100
  CHECK(l.completion_time_ms == 35000);
  CHECK(producer.incomplete_send_count() == 0);
}

TEST_CASE("a request past request.timeout.ms fails everything in flight on its connection",
          "[client][sender]") {
  FakeCluster cluster;
  cluster.create_topic("t", {1, 1});
  KafkaProducer producer(config_with({{"linger.ms", "0"},
                                      {"retries", "0"},
                                      {"request.timeout.ms", "1000"},
                                      {"max.in.flight.requests.per.connection", "2"}}),
                         fixed_random());
  producer.set_known_brokers({1});
  CHECK_FALSE(producer.idempotent());  // retries=0 turns the default idempotence off
  producer.send(record("t", "warm-up"), 0);
  run_until_complete(producer, cluster, 0);
  producer.take_outcomes();

  const auto a = producer.send(record("t", "a", 0), 100);
  const auto first = poll_answering_control(producer, cluster, 100);
  const auto b = producer.send(record("t", "b", 1), 600);
  const auto second = poll_answering_control(producer, cluster, 600);
  REQUIRE(first.size() == 1);
  REQUIRE(second.size() == 1);
  CHECK(producer.next_wakeup_ms() == 1100);
  CHECK(producer.poll(1099).empty());
  producer.poll(1100);
  const auto outcomes = by_send_id(producer.take_outcomes());
  REQUIRE(outcomes.size() == 2);
  CHECK(outcomes.at(a).kind == SendOutcomeKind::indeterminate);
  CHECK(outcomes.at(a).reason == IndeterminateReason::request_timed_out);
  CHECK(outcomes.at(a).error == "REQUEST_TIMED_OUT");
  CHECK(outcomes.at(a).message == "Disconnected from node 1 due to timeout");
  CHECK(outcomes.at(b).kind == SendOutcomeKind::indeterminate);
  CHECK(outcomes.at(b).reason == IndeterminateReason::disconnected);
  CHECK(outcomes.at(b).error == "NETWORK_EXCEPTION");
  // A late answer to a failed request is ignored.
  producer.handle_response(first[0].correlation_id, cluster.answer(first[0]), 1200);
  CHECK(producer.take_outcomes().empty());
}

TEST_CASE("acks=0: every record is sent_unknown the moment its request leaves",
          "[client][sender]") {
  FakeCluster cluster;
  cluster.create_topic("t", {1});
  KafkaProducer producer(config_with({{"acks", "0"}, {"linger.ms", "0"}}), fixed_random());
  producer.set_known_brokers({1});
  CHECK_FALSE(producer.idempotent());
  const auto a = producer.send(record("t", "a"), 0);
  const auto b = producer.send(record("t", "b"), 0);
  std::vector<OutboundRequest> sent;
  for (int i = 0; i < 3 && sent.empty(); ++i) sent = poll_answering_control(producer, cluster, 0);
  REQUIRE(sent.size() == 1);
  CHECK_FALSE(sent[0].expects_response);
  CHECK(std::get<protocol::ProduceRequest>(sent[0].body).acks == 0);
  const auto batch = only_batch(sent[0]);
  CHECK(batch.header.producer_id == -1);
  CHECK(batch.header.base_sequence == -1);
  const auto outcomes = by_send_id(producer.take_outcomes());
  REQUIRE(outcomes.size() == 2);
  for (const auto id : {a, b}) {
    CHECK(outcomes.at(id).kind == SendOutcomeKind::sent_unknown);
    CHECK(outcomes.at(id).offset == -1);
    CHECK(outcomes.at(id).attempts == 1);
    CHECK(outcomes.at(id).completion_time_ms == 0);
  }
  CHECK(producer.incomplete_send_count() == 0);
  CHECK(producer.next_wakeup_ms() == 300000);  // only the metadata refresh is left
}

TEST_CASE("without idempotence a retry after a lost answer appends the records twice",
          "[client][sender]") {
  for (const bool idempotent : {false, true}) {
    DYNAMIC_SECTION("enable.idempotence=" << idempotent) {
      FakeCluster cluster;
      cluster.create_topic("t", {1});
      KafkaProducer producer(
          config_with({{"linger.ms", "0"}, {"enable.idempotence", idempotent ? "true" : "false"}}),
          fixed_random());
      producer.set_known_brokers({1});
      const auto id = producer.send(record("t", "once"), 0);
      std::vector<OutboundRequest> sent;
      for (int i = 0; i < 3 && sent.empty(); ++i) {
        sent = poll_answering_control(producer, cluster, 0);
      }
      REQUIRE(sent.size() == 1);
      cluster.answer(sent[0]);                  // the broker appends...
      producer.handle_disconnect(1, 5);         // ...and the answer is lost with the connection
      CHECK(producer.take_outcomes().empty());  // retriable: NETWORK_EXCEPTION
      run_until_complete(producer, cluster, 5);
      const auto outcomes = producer.take_outcomes();
      REQUIRE(outcomes.size() == 1);
      CHECK(outcomes[0].send_id == id);
      CHECK(outcomes[0].kind == SendOutcomeKind::acknowledged);
      CHECK(outcomes[0].attempts == 2);
      if (idempotent) {
        // Same producer id, epoch and sequence: the broker knows it and answers its offset.
        CHECK(cluster.log({"t", 0}) == std::vector<std::string>{"once"});
        CHECK(outcomes[0].offset == 0);
      } else {
        CHECK(cluster.log({"t", 0}) == std::vector<std::string>{"once", "once"});
        CHECK(outcomes[0].offset == 1);
      }
    }
  }
}

TEST_CASE(
    "a non-retriable error fails the batch, or leaves it indeterminate after a possible append",
    "[client][sender]") {
  FakeCluster cluster;
  cluster.create_topic("t", {1});
  KafkaProducer producer(config_with({{"linger.ms", "0"}, {"enable.idempotence", "false"}}),
                         fixed_random());
  producer.set_known_brokers({1});
  const auto a = producer.send(record("t", "a"), 0);
  std::vector<OutboundRequest> sent;
  for (int i = 0; i < 3 && sent.empty(); ++i) sent = poll_answering_control(producer, cluster, 0);
  REQUIRE(sent.size() == 1);
  producer.handle_response(sent[0].correlation_id,
                           error_response(sent[0], protocol::Error::INVALID_RECORD), 1);
  auto outcomes = producer.take_outcomes();
  REQUIRE(outcomes.size() == 1);
  CHECK(outcomes[0].send_id == a);
  CHECK(outcomes[0].kind == SendOutcomeKind::failed);
  CHECK(outcomes[0].error == "INVALID_RECORD");

  // NOT_ENOUGH_REPLICAS_AFTER_APPEND (written, retriable), then a non-retriable answer.
  const auto b = producer.send(record("t", "b"), 10);
  const auto first = poll_answering_control(producer, cluster, 10);
  REQUIRE(first.size() == 1);
  producer.handle_response(
      first[0].correlation_id,
      error_response(first[0], protocol::Error::NOT_ENOUGH_REPLICAS_AFTER_APPEND), 11);
  const auto second = poll_answering_control(producer, cluster, 111);
  REQUIRE(second.size() == 1);
  producer.handle_response(second[0].correlation_id,
                           error_response(second[0], protocol::Error::INVALID_RECORD), 112);
  outcomes = producer.take_outcomes();
  REQUIRE(outcomes.size() == 1);
  CHECK(outcomes[0].send_id == b);
  CHECK(outcomes[0].kind == SendOutcomeKind::indeterminate);
  CHECK(outcomes[0].reason == IndeterminateReason::error_after_possible_append);
  CHECK(outcomes[0].error == "INVALID_RECORD");
  CHECK(outcomes[0].attempts == 2);
}

TEST_CASE("a send waits max.block.ms for its topic's metadata", "[client][sender]") {
  FakeCluster cluster;  // no topic "t"
  KafkaProducer producer(config_with({{"max.block.ms", "1000"}}), fixed_random());
  producer.set_known_brokers({1});
  const auto id = producer.send(record("t", "a"), 0);
  run_until_complete(producer, cluster, 0);
  const auto outcomes = producer.take_outcomes();
  REQUIRE(outcomes.size() == 1);
  CHECK(outcomes[0].send_id == id);
  CHECK(outcomes[0].kind == SendOutcomeKind::failed);
  CHECK(outcomes[0].error == "REQUEST_TIMED_OUT");
  CHECK(outcomes[0].message == "Topic t not present in metadata after 1000 ms.");
  CHECK(outcomes[0].completion_time_ms == 1000);
}

TEST_CASE("close sends what is queued, force_close completes everything at once",
          "[client][sender]") {
  FakeCluster cluster;
  cluster.create_topic("t", {1});
  KafkaProducer producer(config_with({{"linger.ms", "60000"}}), fixed_random());
  producer.set_known_brokers({1});
  producer.send(record("t", "a"), 0);
  producer.close();
  CHECK_THROWS_AS(producer.send(record("t", "b"), 0), std::logic_error);
  run_until_complete(producer, cluster, 0);
  auto outcomes = producer.take_outcomes();
  REQUIRE(outcomes.size() == 1);
  CHECK(outcomes[0].kind == SendOutcomeKind::acknowledged);
  CHECK(outcomes[0].completion_time_ms == 0);

  KafkaProducer forced(config_with({{"linger.ms", "0"}}), fixed_random());
  forced.set_known_brokers({1});
  const auto in_flight = forced.send(record("t", "x"), 0);
  std::vector<OutboundRequest> sent;
  for (int i = 0; i < 3 && sent.empty(); ++i) sent = poll_answering_control(forced, cluster, 0);
  REQUIRE(sent.size() == 1);
  const auto waiting = forced.send(record("t", "y"), 1);
  const auto unknown_topic = forced.send(record("nope", "z"), 1);
  forced.force_close(2);
  const auto by_id = by_send_id(forced.take_outcomes());
  REQUIRE(by_id.size() == 3);
  CHECK(by_id.at(in_flight).kind == SendOutcomeKind::indeterminate);
  CHECK(by_id.at(in_flight).reason == IndeterminateReason::producer_closed);
  CHECK(by_id.at(waiting).kind == SendOutcomeKind::failed);
  CHECK(by_id.at(waiting).error == "PRODUCER_CLOSED");
  CHECK(by_id.at(unknown_topic).kind == SendOutcomeKind::failed);
  CHECK(forced.incomplete_send_count() == 0);
}
