// The consumer's fetch path without a group: positions, offset resets through ListOffsets,
// fetch requests per leader, decoding of real batches, the HW limit, and fetch errors.
#include <catch2/catch.hpp>

#include "consumer_test_support.h"

namespace ksim::consumer_test {
namespace {

using protocol::Error;

// A consumer assigned t-0 whose metadata says broker 1 leads in epoch 5.
client::KafkaConsumer& with_metadata(client::KafkaConsumer& consumer,
                                     std::vector<TopicPartition> partitions = {t0},
                                     std::int32_t partition_count = 1) {
  consumer.assign(partitions);
  consumer.poll(0);
  auto [request, body] = take_one<protocol::MetadataRequest>(consumer);
  CHECK(request.destination == client::any_broker);
  REQUIRE(body.topics);
  CHECK(*body.topics == std::vector<std::string>{"t"});
  consumer.handle_response(request.correlation_id, metadata_of({{"t", partition_count, 1, 5}}), 0);
  return consumer;
}

TEST_CASE("auto.offset.reset=earliest asks the leader for timestamp -2, then fetches from there",
          "[consumer][fetch]") {
  client::KafkaConsumer consumer(config_of({{"auto.offset.reset", "earliest"}}));
  with_metadata(consumer);
  auto [request, list] = take_one<protocol::ListOffsetsRequest>(consumer);
  CHECK(request.destination == 1);
  CHECK(list.replica_id == -1);
  REQUIRE(list.partitions.size() == 1);
  CHECK(list.partitions[0].topic_partition == t0);
  CHECK(list.partitions[0].timestamp == -2);
  CHECK(list.partitions[0].current_leader_epoch == 5);
  CHECK(consumer.subscriptions().state(t0)->fetch_state == client::FetchState::await_reset);
  CHECK_FALSE(consumer.position(t0));

  consumer.handle_response(request.correlation_id, list_offsets_answer(t0, 3, 5), 10);
  CHECK(consumer.position(t0) == 3);
  CHECK(consumer.subscriptions().position(t0)->offset_epoch == 5);
  auto [fetch_request, fetch] = take_one<protocol::FetchRequest>(consumer);
  CHECK(fetch_request.destination == 1);
  CHECK(fetch.replica_id == -1);
  CHECK(fetch.max_wait_ms == 500);
  CHECK(fetch.min_bytes == 1);
  CHECK(fetch.max_bytes == 52428800);
  CHECK(fetch.isolation_level == protocol::IsolationLevel::read_uncommitted);
  REQUIRE(fetch.partitions.size() == 1);
  CHECK(fetch.partitions[0].topic_partition == t0);
  CHECK(fetch.partitions[0].fetch_offset == 3);
  CHECK(fetch.partitions[0].current_leader_epoch == 5);
  CHECK(fetch.partitions[0].last_fetched_epoch == -1);
  CHECK(fetch.partitions[0].log_start_offset == -1);
  CHECK(fetch.partitions[0].partition_max_bytes == 1048576);
}

TEST_CASE("auto.offset.reset=latest (the default) asks for timestamp -1", "[consumer][fetch]") {
  client::KafkaConsumer consumer(config_of({}));
  with_metadata(consumer);
  auto [request, list] = take_one<protocol::ListOffsetsRequest>(consumer);
  CHECK(list.partitions[0].timestamp == -1);
  consumer.handle_response(request.correlation_id, list_offsets_answer(t0, 42, 5), 0);
  CHECK(consumer.position(t0) == 42);
}

TEST_CASE("auto.offset.reset=none: poll reports NoOffsetForPartitionException and asks nothing",
          "[consumer][fetch]") {
  client::KafkaConsumer consumer(config_of({{"auto.offset.reset", "none"}}));
  with_metadata(consumer, {t0, t1}, 2);
  CHECK(consumer.take_outbox().empty());
  auto result = consumer.poll(5);
  CHECK(result.records.empty());
  REQUIRE(result.errors.size() == 1);
  CHECK(result.errors[0].kind == client::ConsumerErrorKind::no_offset_for_partition);
  CHECK(client::exception_name(result.errors[0].kind) == "NoOffsetForPartitionException");
  CHECK(result.errors[0].message ==
        "Undefined offset with no reset policy for partitions: [t-0, t-1]");
  CHECK(result.errors[0].partitions == std::vector<TopicPartition>{t0, t1});
  CHECK(consumer.take_outbox().empty());

  // A seek gives a position without any reset.
  consumer.seek(t0, 7);
  auto after = consumer.poll(6);
  REQUIRE(after.errors.size() == 1);
  CHECK(after.errors[0].partitions == std::vector<TopicPartition>{t1});
  auto [request, fetch] = take_one<protocol::FetchRequest>(consumer);
  REQUIRE(fetch.partitions.size() == 1);
  CHECK(fetch.partitions[0].fetch_offset == 7);
}

TEST_CASE("seek_to_beginning and seek_to_end reset through ListOffsets at the next poll",
          "[consumer][fetch]") {
  client::KafkaConsumer consumer(config_of({}));
  with_metadata(consumer);
  auto [first, list] = take_one<protocol::ListOffsetsRequest>(consumer);
  consumer.handle_response(first.correlation_id, list_offsets_answer(t0, 100, 5), 0);
  take_one<protocol::FetchRequest>(consumer);

  consumer.seek_to_beginning({});
  CHECK_FALSE(consumer.position(t0));
  consumer.poll(1);
  auto [second, earliest] = take_one<protocol::ListOffsetsRequest>(consumer);
  CHECK(earliest.partitions[0].timestamp == -2);

  // A later seek_to_end overtakes the earliest reset in flight: its answer is not applied.
  consumer.seek_to_end({t0});
  consumer.handle_response(second.correlation_id, list_offsets_answer(t0, 0, 5), 2);
  CHECK_FALSE(consumer.position(t0));
  // The partition is still in flight for the earlier request until it backs off.
  consumer.poll(2 + 100);
  auto [third, latest] = take_one<protocol::ListOffsetsRequest>(consumer);
  CHECK(latest.partitions[0].timestamp == -1);
  consumer.handle_response(third.correlation_id, list_offsets_answer(t0, 120, 5), 103);
  CHECK(consumer.position(t0) == 120);
}

TEST_CASE("records come from real batches, and those below the position inside a batch are skipped",
          "[consumer][fetch]") {
  client::KafkaConsumer consumer(config_of({}));
  with_metadata(consumer);
  consumer.seek(t0, 2);
  consumer.take_outbox();
  consumer.poll(1);
  auto [request, fetch] = take_one<protocol::FetchRequest>(consumer);
  CHECK(fetch.partitions[0].fetch_offset == 2);
  consumer.handle_response(request.correlation_id,
                           fetch_answer(t0, 8, concat({batch(0, 5, 3), batch(5, 3, 4)})), 20);
  CHECK(consumer.high_watermark(t0) == 8);
  auto result = consumer.poll(21);
  CHECK(result.errors.empty());
  REQUIRE(offsets_of(result.records) == std::vector<std::int64_t>{2, 3, 4, 5, 6, 7});
  const auto& first = result.records[0];
  CHECK(first.topic_partition == t0);
  CHECK(first.leader_epoch == 3);
  CHECK(text(first.key) == "k2");
  CHECK(text(first.value) == "v2");
  CHECK(first.timestamp == 1002);
  CHECK(first.timestamp_type == storage::TimestampType::create_time);
  CHECK(result.records[3].leader_epoch == 4);
  CHECK(consumer.position(t0) == 8);
  CHECK(consumer.subscriptions().position(t0)->offset_epoch == 4);
  CHECK(consumer.lag(t0) == 0);
  // The next fetch goes out as the records are handed over.
  auto [next_request, next] = take_one<protocol::FetchRequest>(consumer);
  CHECK(next.partitions[0].fetch_offset == 8);
}

TEST_CASE("nothing at or above the high watermark the leader reported is handed out",
          "[consumer][fetch]") {
  client::KafkaConsumer consumer(config_of({}));
  with_metadata(consumer);
  consumer.seek(t0, 0);
  consumer.take_outbox();
  consumer.poll(1);
  auto [request, fetch] = take_one<protocol::FetchRequest>(consumer);
  // A (misbehaving) leader returns offsets 0..4 but says HW = 3.
  consumer.handle_response(request.correlation_id, fetch_answer(t0, 3, batch(0, 5, 0)), 2);
  auto result = consumer.poll(3);
  CHECK(offsets_of(result.records) == std::vector<std::int64_t>{0, 1, 2});
  CHECK(consumer.position(t0) == 3);
  auto [next_request, next] = take_one<protocol::FetchRequest>(consumer);
  CHECK(next.partitions[0].fetch_offset == 3);
}

TEST_CASE(
    "max.poll.records: positions move with what is handed out, and a used-up fetch ends at its "
    "last batch's end",
    "[consumer][fetch]") {
  client::KafkaConsumer consumer(config_of({{"max.poll.records", "2"}}));
  with_metadata(consumer);
  consumer.seek(t0, 0);
  consumer.take_outbox();
  consumer.poll(1);
  auto [request, fetch] = take_one<protocol::FetchRequest>(consumer);
  // Four records at 0..3 in a compacted batch whose last offset is still 5.
  consumer.handle_response(request.correlation_id, fetch_answer(t0, 6, batch(0, 4, 1, false, 5)),
                           2);
  auto first = consumer.poll(3);
  CHECK(offsets_of(first.records) == std::vector<std::int64_t>{0, 1});
  CHECK(consumer.position(t0) == 2);
  CHECK(consumer.take_outbox().empty());  // data still buffered: no new fetch
  auto second = consumer.poll(4);
  CHECK(offsets_of(second.records) == std::vector<std::int64_t>{2, 3});
  // Kafka only finds the fetch used up when asking for one record more: not yet.
  CHECK(consumer.position(t0) == 4);
  CHECK(consumer.take_outbox().empty());
  auto third = consumer.poll(5);
  CHECK(third.records.empty());
  CHECK(consumer.position(t0) == 6);
  auto [next_request, next] = take_one<protocol::FetchRequest>(consumer);
  CHECK(next.partitions[0].fetch_offset == 6);
}

TEST_CASE("control batches are skipped and the position moves past them", "[consumer][fetch]") {
  client::KafkaConsumer consumer(config_of({}));
  with_metadata(consumer);
  consumer.seek(t0, 0);
  consumer.take_outbox();
  consumer.poll(1);
  auto [request, fetch] = take_one<protocol::FetchRequest>(consumer);
  consumer.handle_response(
      request.correlation_id,
      fetch_answer(t0, 4, concat({batch(0, 2, 0), batch(2, 1, 0, true), batch(3, 1, 0)})), 2);
  auto result = consumer.poll(3);
  CHECK(offsets_of(result.records) == std::vector<std::int64_t>{0, 1, 3});
  CHECK(consumer.position(t0) == 4);
}

TEST_CASE("a partial batch at the end of a fetch is ignored", "[consumer][fetch]") {
  client::KafkaConsumer consumer(config_of({}));
  with_metadata(consumer);
  consumer.seek(t0, 0);
  consumer.take_outbox();
  consumer.poll(1);
  auto [request, fetch] = take_one<protocol::FetchRequest>(consumer);
  auto bytes = concat({batch(0, 2, 0), batch(2, 2, 0)});
  bytes.erase(bytes.end() - 5, bytes.end());  // the last batch cut short
  consumer.handle_response(request.correlation_id, fetch_answer(t0, 4, bytes), 2);
  auto result = consumer.poll(3);
  CHECK(offsets_of(result.records) == std::vector<std::int64_t>{0, 1});
  CHECK(consumer.position(t0) == 2);
}

TEST_CASE("a corrupt batch is a KafkaException and the position stays", "[consumer][fetch]") {
  client::KafkaConsumer consumer(config_of({}));
  with_metadata(consumer);
  consumer.seek(t0, 0);
  consumer.take_outbox();
  consumer.poll(1);
  auto [request, fetch] = take_one<protocol::FetchRequest>(consumer);
  auto bytes = batch(0, 2, 0);
  bytes.back() ^= 0xff;  // breaks the CRC
  consumer.handle_response(request.correlation_id, fetch_answer(t0, 2, bytes), 2);
  auto result = consumer.poll(3);
  CHECK(result.records.empty());
  REQUIRE(result.errors.size() == 1);
  CHECK(result.errors[0].kind == client::ConsumerErrorKind::corrupt_record);
  CHECK(result.errors[0].message.find(
            "Received exception when fetching the next record from t-0") == 0);
  CHECK(consumer.position(t0) == 0);
}

TEST_CASE("OFFSET_OUT_OF_RANGE resets by auto.offset.reset", "[consumer][fetch]") {
  client::KafkaConsumer consumer(config_of({{"auto.offset.reset", "earliest"}}));
  with_metadata(consumer);
  consumer.take_outbox();
  consumer.seek(t0, 50);
  consumer.poll(1);
  auto [request, fetch] = take_one<protocol::FetchRequest>(consumer);
  consumer.handle_response(request.correlation_id,
                           fetch_answer(t0, -1, {}, Error::OFFSET_OUT_OF_RANGE), 2);
  CHECK_FALSE(consumer.position(t0));
  auto [list_request, list] = take_one<protocol::ListOffsetsRequest>(consumer);
  CHECK(list.partitions[0].timestamp == -2);
  consumer.handle_response(list_request.correlation_id, list_offsets_answer(t0, 10, 5), 3);
  CHECK(consumer.position(t0) == 10);
}

TEST_CASE("OFFSET_OUT_OF_RANGE with auto.offset.reset=none is an OffsetOutOfRangeException",
          "[consumer][fetch]") {
  client::KafkaConsumer consumer(config_of({{"auto.offset.reset", "none"}}));
  with_metadata(consumer);
  consumer.seek(t0, 50);
  consumer.poll(1);
  auto [request, fetch] = take_one<protocol::FetchRequest>(consumer);
  consumer.handle_response(request.correlation_id,
                           fetch_answer(t0, -1, {}, Error::OFFSET_OUT_OF_RANGE), 2);
  auto result = consumer.poll(3);
  REQUIRE(result.errors.size() == 1);
  CHECK(result.errors[0].kind == client::ConsumerErrorKind::offset_out_of_range);
  CHECK(result.errors[0].message ==
        "Fetch position FetchPosition{offset=50} is out of range for partition t-0");
  CHECK(consumer.position(t0) == 50);
}

TEST_CASE(
    "NOT_LEADER_OR_FOLLOWER and FENCED_LEADER_EPOCH refresh metadata, and the next fetch goes "
    "to the new leader with its epoch",
    "[consumer][fetch]") {
  const auto error = GENERATE(Error::NOT_LEADER_OR_FOLLOWER, Error::FENCED_LEADER_EPOCH);
  client::KafkaConsumer consumer(config_of({}));
  with_metadata(consumer);
  consumer.seek(t0, 4);
  consumer.take_outbox();
  consumer.poll(1000);
  auto [request, fetch] = take_one<protocol::FetchRequest>(consumer);
  consumer.handle_response(request.correlation_id, fetch_answer(t0, -1, {}, error), 1001);
  // Until the new metadata arrives, the consumer fetches from the old leader again.
  auto outbox = consumer.take_outbox();
  REQUIRE(outbox.size() == 2);
  const auto meta_request = outbox[0];
  CHECK(std::holds_alternative<protocol::MetadataRequest>(meta_request.body));
  CHECK(std::get<protocol::FetchRequest>(outbox[1].body).partitions[0].fetch_offset == 4);
  CHECK(outbox[1].destination == 1);
  consumer.handle_response(meta_request.correlation_id, metadata_of({{"t", 1, 2, 6}}), 1002);
  auto [next_request, next] = take_one<protocol::FetchRequest>(consumer);
  CHECK(next_request.destination == 2);
  CHECK(next.partitions[0].current_leader_epoch == 6);
  CHECK(next.partitions[0].fetch_offset == 4);
  CHECK(consumer.subscriptions().position(t0)->current_leader.leader == 2);
}

TEST_CASE("UNKNOWN_LEADER_EPOCH retries the fetch without a metadata refresh",
          "[consumer][fetch]") {
  client::KafkaConsumer consumer(config_of({}));
  with_metadata(consumer);
  consumer.seek(t0, 4);
  consumer.take_outbox();
  consumer.poll(1000);
  auto [request, fetch] = take_one<protocol::FetchRequest>(consumer);
  consumer.handle_response(request.correlation_id,
                           fetch_answer(t0, -1, {}, Error::UNKNOWN_LEADER_EPOCH), 1001);
  auto [next_request, next] = take_one<protocol::FetchRequest>(consumer);
  CHECK(next_request.destination == 1);
  CHECK(next.partitions[0].current_leader_epoch == 5);
}

TEST_CASE("a stale broker's metadata with an older epoch does not move the consumer back",
          "[consumer][fetch]") {
  client::KafkaConsumer consumer(config_of({{"metadata.max.age.ms", "1000"}}));
  with_metadata(consumer);
  consumer.seek(t0, 0);
  consumer.take_outbox();
  consumer.poll(1000);
  auto requests = consumer.take_outbox();
  REQUIRE(requests.size() == 2);  // the periodic refresh and the fetch
  const auto meta = std::find_if(requests.begin(), requests.end(), [](const auto& r) {
    return std::holds_alternative<protocol::MetadataRequest>(r.body);
  });
  REQUIRE(meta != requests.end());
  consumer.handle_response(meta->correlation_id, metadata_of({{"t", 1, 3, 4}}), 1001);
  CHECK(consumer.metadata().current_leader(t0).leader == 1);
  CHECK(consumer.metadata().current_leader(t0).epoch == 5);
}

TEST_CASE("one fetch per leader covers all its partitions, and none goes while one is in flight",
          "[consumer][fetch]") {
  client::KafkaConsumer consumer(config_of({}));
  consumer.assign({t0, t1, {"u", 0}});
  consumer.poll(0);
  auto [meta_request, meta] = take_one<protocol::MetadataRequest>(consumer);
  CHECK(*meta.topics == std::vector<std::string>{"t", "u"});
  consumer.seek(t0, 1);
  consumer.seek(t1, 2);
  consumer.seek({"u", 0}, 3);
  consumer.handle_response(meta_request.correlation_id,
                           metadata_of({{"t", 2, 1, 0}, {"u", 1, 2, 0}}), 1);
  auto fetches = take<protocol::FetchRequest>(consumer);
  REQUIRE(fetches.size() == 2);
  CHECK(fetches[0].first.destination == 1);
  REQUIRE(fetches[0].second.partitions.size() == 2);
  CHECK(fetches[0].second.partitions[0].topic_partition == t0);
  CHECK(fetches[0].second.partitions[0].fetch_offset == 1);
  CHECK(fetches[0].second.partitions[1].topic_partition == t1);
  CHECK(fetches[0].second.partitions[1].fetch_offset == 2);
  CHECK(fetches[1].first.destination == 2);
  CHECK(fetches[1].second.partitions[0].fetch_offset == 3);
  consumer.poll(2);
  CHECK(consumer.take_outbox().empty());
}

TEST_CASE("a fetch answered after a seek is dropped", "[consumer][fetch]") {
  client::KafkaConsumer consumer(config_of({}));
  with_metadata(consumer);
  consumer.seek(t0, 0);
  consumer.take_outbox();
  consumer.poll(1);
  auto [request, fetch] = take_one<protocol::FetchRequest>(consumer);
  consumer.seek(t0, 10);
  consumer.handle_response(request.correlation_id, fetch_answer(t0, 5, batch(0, 5, 0)), 2);
  auto result = consumer.poll(3);
  CHECK(result.records.empty());
  CHECK(consumer.position(t0) == 10);
  auto [next_request, next] = take_one<protocol::FetchRequest>(consumer);
  CHECK(next.partitions[0].fetch_offset == 10);
}

TEST_CASE(
    "request.timeout.ms: an unanswered fetch fails, its broker is disconnected and the "
    "metadata refreshed",
    "[consumer][fetch]") {
  client::KafkaConsumer consumer(config_of({{"auto.offset.reset", "none"}}));
  with_metadata(consumer);
  consumer.seek(t0, 0);
  consumer.take_outbox();
  consumer.poll(1000);
  auto [request, fetch] = take_one<protocol::FetchRequest>(consumer);
  CHECK(consumer.next_wakeup_ms(1000) == 31000);
  consumer.tick(30999);
  CHECK(consumer.take_outbox().empty());
  consumer.tick(31000);
  auto outbox = consumer.take_outbox();
  // Metadata at once; the broker is unavailable for reconnect.backoff.ms (50).
  REQUIRE(outbox.size() == 1);
  CHECK(std::holds_alternative<protocol::MetadataRequest>(outbox[0].body));
  // The late answer is ignored.
  consumer.handle_response(request.correlation_id, fetch_answer(t0, 5, batch(0, 5, 0)), 31001);
  CHECK(consumer.poll(31001).records.empty());
  CHECK(consumer.next_wakeup_ms(31001) == 31050);
  consumer.tick(31050);
  auto [again, refetch] = take_one<protocol::FetchRequest>(consumer);
  CHECK(again.destination == 1);
}

TEST_CASE("a broken connection fails what was in flight to that broker and backs off",
          "[consumer][fetch]") {
  client::KafkaConsumer consumer(config_of({{"auto.offset.reset", "none"}}));
  with_metadata(consumer);
  consumer.seek(t0, 0);
  consumer.take_outbox();
  consumer.poll(1000);
  auto [request, fetch] = take_one<protocol::FetchRequest>(consumer);
  consumer.handle_disconnect(1, 1001);
  auto [meta_request, meta] = take_one<protocol::MetadataRequest>(consumer);
  consumer.handle_response(meta_request.correlation_id, metadata_of({{"t", 1, 1, 5}}), 1002);
  CHECK(consumer.take_outbox().empty());  // broker 1 backs off until 1051
  CHECK(consumer.next_wakeup_ms(1002) == 1051);
  consumer.handle_disconnect(1, 1020);  // a second failure before reconnecting
  CHECK(consumer.take_outbox().empty());
  // The metadata refresh waits for retry.backoff.ms after the last one (1002 + 100).
  CHECK(consumer.next_wakeup_ms(1020) == 1101);
  consumer.tick(1101);
  auto [meta_again, meta2] = take_one<protocol::MetadataRequest>(consumer);
  consumer.handle_response(meta_again.correlation_id, metadata_of({{"t", 1, 1, 5}}), 1102);
  CHECK(consumer.take_outbox().empty());
  CHECK(consumer.next_wakeup_ms(1102) == 1120);  // 100 ms from 1020: the backoff doubled
  consumer.tick(1120);
  auto [again, refetch] = take_one<protocol::FetchRequest>(consumer);
  CHECK(again.destination == 1);
}

TEST_CASE("an answer of the wrong kind is refused", "[consumer][fetch]") {
  client::KafkaConsumer consumer(config_of({}));
  consumer.assign({t0});
  consumer.poll(0);
  auto [request, meta] = take_one<protocol::MetadataRequest>(consumer);
  CHECK_THROWS_WITH(consumer.handle_response(request.correlation_id, protocol::FetchResponse{}, 1),
                    "correlation id 0 was a Metadata request but got a Fetch response");
}

}  // namespace
}  // namespace ksim::consumer_test
