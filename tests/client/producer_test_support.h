// Helpers for the producer tests: records from strings, and a fake cluster that answers the
// producer's requests the way brokers would (Metadata from its partition table, Produce by
// appending the decoded values to an in-memory log per partition, with the broker's idempotence
// rules: duplicates of the last 5 batches answered with their first offset, gaps refused with
// OUT_OF_ORDER_SEQUENCE_NUMBER, a new epoch starting at sequence 0, an older epoch refused with
// INVALID_PRODUCER_EPOCH).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/client/kafka_producer.h"
#include "core/storage/record_batch.h"

namespace ksim::client::test {

inline storage::Bytes bytes(std::string_view s) { return storage::to_bytes(s); }

inline ProducerRecord record(std::string topic, std::string value,
                             std::optional<std::int32_t> partition = std::nullopt,
                             std::optional<std::string> key = std::nullopt) {
  ProducerRecord r;
  r.topic = std::move(topic);
  r.partition = partition;
  if (key.has_value()) r.key = bytes(*key);
  r.value = bytes(value);
  return r;
}

// A source of "random" numbers that returns the given ones in turn.
inline RandomSource scripted_random(std::vector<std::uint32_t> values) {
  auto state =
      std::make_shared<std::pair<std::vector<std::uint32_t>, std::size_t>>(std::move(values), 0);
  return [state]() {
    const auto v = state->first[state->second % state->first.size()];
    ++state->second;
    return v;
  };
}

inline RandomSource fixed_random() {
  return [] { return 0u; };
}

struct FakeCluster {
  struct ProducerEntry {
    std::int16_t epoch = -1;
    std::int32_t last_sequence = -1;
    // (first sequence, last sequence, first offset) of the last 5 batches.
    std::deque<std::tuple<std::int32_t, std::int32_t, std::int64_t>> batches;
  };
  struct PartitionState {
    std::int32_t leader = -1;
    std::int32_t leader_epoch = 0;
    std::vector<std::string> log;
    std::map<std::int64_t, ProducerEntry> producers;
  };

  std::vector<std::int32_t> brokers{1, 2, 3};
  std::map<storage::TopicPartition, PartitionState> partitions;
  std::int64_t next_producer_id = 1000;
  std::int64_t append_time_ms = -1;  // >= 0: answer with this LogAppendTime

  void create_topic(const std::string& topic, const std::vector<std::int32_t>& leaders) {
    for (std::size_t i = 0; i < leaders.size(); ++i) {
      partitions[{topic, static_cast<std::int32_t>(i)}].leader = leaders[i];
    }
  }
  void move_leader(const storage::TopicPartition& tp, std::int32_t leader) {
    auto& p = partitions.at(tp);
    p.leader = leader;
    p.leader_epoch += 1;
  }
  const std::vector<std::string>& log(const storage::TopicPartition& tp) const {
    return partitions.at(tp).log;
  }

  protocol::MetadataResponse metadata(const protocol::MetadataRequest& request) const {
    protocol::MetadataResponse response;
    for (const std::int32_t id : brokers) response.brokers.push_back({id, "broker", 9092});
    for (const auto& topic : request.topics.value_or(std::vector<std::string>{})) {
      protocol::MetadataResponseTopic t;
      t.name = topic;
      for (const auto& [tp, p] : partitions) {
        if (tp.topic != topic) continue;
        protocol::MetadataResponsePartition mp;
        mp.topic_partition = tp;
        mp.leader_id = p.leader;
        mp.leader_epoch = p.leader_epoch;
        if (p.leader < 0) mp.error_code = protocol::Error::LEADER_NOT_AVAILABLE;
        t.partitions.push_back(mp);
      }
      if (t.partitions.empty()) t.error_code = protocol::Error::UNKNOWN_TOPIC_OR_PARTITION;
      response.topics.push_back(t);
    }
    return response;
  }

  protocol::InitProducerIdResponse init_producer_id() {
    return {protocol::Error::NONE, next_producer_id++, 0};
  }

  // Appends (or refuses) one partition's batch as the leader `broker` would.
  protocol::PartitionProduceResponse append(std::int32_t broker,
                                            const protocol::PartitionProduceData& data) {
    protocol::PartitionProduceResponse answer;
    answer.topic_partition = data.topic_partition;
    const auto found = partitions.find(data.topic_partition);
    if (found == partitions.end()) {
      answer.error_code = protocol::Error::UNKNOWN_TOPIC_OR_PARTITION;
      return answer;
    }
    auto& p = found->second;
    if (p.leader != broker) {
      answer.error_code = protocol::Error::NOT_LEADER_OR_FOLLOWER;
      return answer;
    }
    const auto batch = storage::decode_batch(data.records);
    const auto& h = batch.header;
    const std::int32_t count = static_cast<std::int32_t>(batch.records.size());
    answer.log_start_offset = 0;
    if (h.producer_id >= 0) {
      auto& entry = p.producers[h.producer_id];
      const std::int32_t last = h.base_sequence + count - 1;
      if (h.producer_epoch < entry.epoch) {
        answer.error_code = protocol::Error::INVALID_PRODUCER_EPOCH;
        return answer;
      }
      if (h.producer_epoch > entry.epoch) {
        // A producer the partition has no state for may start anywhere (its state may have been
        // removed with old segments); a new epoch of a known one starts at 0.
        if (h.base_sequence != 0 && entry.epoch >= 0) {
          answer.error_code = protocol::Error::OUT_OF_ORDER_SEQUENCE_NUMBER;
          return answer;
        }
        entry = ProducerEntry{};
        entry.epoch = h.producer_epoch;
      } else {
        for (const auto& [first, end, offset] : entry.batches) {
          if (first == h.base_sequence && end == last) {
            answer.base_offset = offset;  // a duplicate: its first offset, nothing appended
            return answer;
          }
        }
        if (h.base_sequence != entry.last_sequence + 1) {
          answer.error_code = protocol::Error::OUT_OF_ORDER_SEQUENCE_NUMBER;
          return answer;
        }
      }
      entry.last_sequence = last;
      entry.batches.emplace_back(h.base_sequence, last, static_cast<std::int64_t>(p.log.size()));
      if (entry.batches.size() > 5) entry.batches.pop_front();
    }
    answer.base_offset = static_cast<std::int64_t>(p.log.size());
    answer.log_append_time_ms = append_time_ms;
    for (const auto& r : batch.records) {
      p.log.push_back(r.value.has_value() ? storage::to_string(*r.value) : "<null>");
    }
    return answer;
  }

  protocol::ProduceResponse produce(std::int32_t broker, const protocol::ProduceRequest& request) {
    protocol::ProduceResponse response;
    for (const auto& data : request.partitions) response.partitions.push_back(append(broker, data));
    return response;
  }

  // The answer to any request, as the broker `destination` gives it.
  ResponseBody answer(const OutboundRequest& request) {
    if (const auto* produce_request = std::get_if<protocol::ProduceRequest>(&request.body)) {
      return produce(request.destination, *produce_request);
    }
    if (const auto* metadata_request = std::get_if<protocol::MetadataRequest>(&request.body)) {
      return metadata(*metadata_request);
    }
    return init_producer_id();
  }
};

// Polls and answers every request at once until the producer has nothing more to send now.
inline void exchange(KafkaProducer& producer, FakeCluster& cluster, std::int64_t now_ms) {
  for (int round = 0; round < 100; ++round) {
    const auto requests = producer.poll(now_ms);
    if (requests.empty()) return;
    for (const auto& request : requests) {
      if (!request.expects_response) {
        cluster.answer(request);
        continue;
      }
      producer.handle_response(request.correlation_id, cluster.answer(request), now_ms);
    }
  }
}

// Answers every non-produce request of one poll; returns the produce requests unanswered.
inline std::vector<OutboundRequest> poll_answering_control(KafkaProducer& producer,
                                                           FakeCluster& cluster,
                                                           std::int64_t now_ms) {
  std::vector<OutboundRequest> produce;
  for (const auto& request : producer.poll(now_ms)) {
    if (std::holds_alternative<protocol::ProduceRequest>(request.body)) {
      produce.push_back(request);
    } else {
      producer.handle_response(request.correlation_id, cluster.answer(request), now_ms);
    }
  }
  return produce;
}

// Runs the producer against the cluster from `from_ms` until no send is left, waking up when it
// asks; answers everything at once.
inline std::int64_t run_until_complete(KafkaProducer& producer, FakeCluster& cluster,
                                       std::int64_t from_ms, std::int64_t limit_ms = 1'000'000) {
  std::int64_t now = from_ms;
  while (producer.incomplete_send_count() > 0 && now <= limit_ms) {
    exchange(producer, cluster, now);
    const auto wakeup = producer.next_wakeup_ms();
    if (!wakeup.has_value()) break;
    now = std::max(now + 1, *wakeup);
  }
  return now;
}

inline std::map<std::uint64_t, SendOutcome> by_send_id(const std::vector<SendOutcome>& outcomes) {
  std::map<std::uint64_t, SendOutcome> map;
  for (const auto& o : outcomes) map[o.send_id] = o;
  return map;
}

inline ProducerConfig config_with(
    const std::vector<std::pair<std::string, std::string>>& settings) {
  return parse_producer_config(settings);
}

// Requests of one kind among those a poll returned.
template <typename Body>
std::vector<OutboundRequest> of_kind(const std::vector<OutboundRequest>& requests) {
  std::vector<OutboundRequest> found;
  for (const auto& r : requests) {
    if (std::holds_alternative<Body>(r.body)) found.push_back(r);
  }
  return found;
}

}  // namespace ksim::client::test
