// Helpers for the consumer's tests: a broker's answers written by hand (metadata, ListOffsets,
// fetch with real encoded batches) and a look at what the consumer asked for.
#pragma once

#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/client/kafka_consumer.h"
#include "core/storage/record_batch.h"

namespace ksim::consumer_test {

using client::ConsumerOutboundRequest;
using storage::TopicPartition;

// Partitions 0 and 1 of topic "t".
inline const TopicPartition t0{"t", 0};
inline const TopicPartition t1{"t", 1};

inline client::ConsumerConfig config_of(
    std::vector<std::pair<std::string, std::string>> properties) {
  return client::ConsumerConfig::parse(properties);
}

// Metadata naming `leader` (and `epoch`) for partitions 0..partitions-1 of `topic`.
inline protocol::MetadataResponse metadata_of(
    const std::vector<std::tuple<std::string, std::int32_t, std::int32_t, std::int32_t>>& topics,
    std::vector<std::int32_t> brokers = {1, 2, 3}) {
  protocol::MetadataResponse response;
  for (auto id : brokers) response.brokers.push_back({id, "broker" + std::to_string(id), 9092});
  for (const auto& [name, partitions, leader, epoch] : topics) {
    protocol::MetadataResponseTopic topic;
    topic.name = name;
    for (std::int32_t p = 0; p < partitions; ++p) {
      protocol::MetadataResponsePartition partition;
      partition.topic_partition = {name, p};
      partition.leader_id = leader;
      partition.leader_epoch = epoch;
      partition.replica_nodes = {leader};
      partition.isr_nodes = {leader};
      topic.partitions.push_back(partition);
    }
    response.topics.push_back(topic);
  }
  return response;
}

// A batch of values "v<offset>" with keys "k<offset>" at base_offset, timestamps 1000 + offset.
inline storage::Bytes batch(std::int64_t base_offset, std::int32_t count, std::int32_t epoch,
                            bool control = false,
                            std::optional<std::int32_t> last_offset_delta = std::nullopt) {
  std::vector<storage::Record> records;
  for (std::int32_t i = 0; i < count; ++i) {
    storage::Record record;
    record.offset = base_offset + i;
    record.timestamp = 1000 + record.offset;
    record.key = storage::to_bytes("k" + std::to_string(record.offset));
    record.value = storage::to_bytes("v" + std::to_string(record.offset));
    records.push_back(std::move(record));
  }
  storage::BatchSpec spec;
  spec.base_offset = base_offset;
  spec.partition_leader_epoch = epoch;
  spec.control = control;
  spec.last_offset_delta = last_offset_delta;
  return storage::encode_batch(spec, records);
}

inline storage::Bytes concat(std::vector<storage::Bytes> parts) {
  storage::Bytes out;
  for (const auto& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

inline protocol::FetchResponse fetch_answer(const TopicPartition& tp, std::int64_t high_watermark,
                                            storage::Bytes records,
                                            protocol::Error error = protocol::Error::NONE) {
  protocol::FetchResponsePartition partition;
  partition.topic_partition = tp;
  partition.error_code = error;
  partition.high_watermark = error == protocol::Error::NONE ? high_watermark : -1;
  partition.last_stable_offset = partition.high_watermark;
  partition.log_start_offset = error == protocol::Error::NONE ? 0 : -1;
  partition.records = std::move(records);
  protocol::FetchResponse response;
  response.partitions.push_back(std::move(partition));
  return response;
}

inline protocol::ListOffsetsResponse list_offsets_answer(
    const TopicPartition& tp, std::int64_t offset, std::int32_t leader_epoch,
    protocol::Error error = protocol::Error::NONE) {
  protocol::ListOffsetsResponse response;
  response.partitions.push_back({tp, error, -1, offset, leader_epoch});
  return response;
}

inline std::string text(const std::optional<storage::Bytes>& bytes) {
  return bytes ? storage::to_string(*bytes) : std::string("<null>");
}

inline std::vector<std::int64_t> offsets_of(const std::vector<client::ConsumerRecord>& records) {
  std::vector<std::int64_t> offsets;
  for (const auto& r : records) offsets.push_back(r.offset);
  return offsets;
}

// The requests of type Body in the outbox (taken out of it).
template <typename Body>
std::vector<std::pair<ConsumerOutboundRequest, Body>> take(client::KafkaConsumer& consumer) {
  std::vector<std::pair<ConsumerOutboundRequest, Body>> found;
  for (auto& request : consumer.take_outbox()) {
    if (const auto* body = std::get_if<Body>(&request.body)) {
      found.emplace_back(request, *body);
    } else {
      FAIL("unexpected " << client::api_name(client::api_of(request.body)) << " request");
    }
  }
  return found;
}

// Exactly one request of type Body; fails the test otherwise.
template <typename Body>
std::pair<ConsumerOutboundRequest, Body> take_one(client::KafkaConsumer& consumer) {
  auto found = take<Body>(consumer);
  REQUIRE(found.size() == 1);
  return found.front();
}

}  // namespace ksim::consumer_test
