#include "core/client/kafka_consumer_metadata.h"

#include <algorithm>

namespace ksim::client {

ConsumerMetadata::ConsumerMetadata(const ConsumerConfig& config) : config_(config) {}

void ConsumerMetadata::set_topics(const std::set<std::string>& topics) {
  for (const auto& topic : topics) {
    if (partition_counts_.count(topic) == 0) need_update_ = true;
  }
  topics_ = topics;
}

std::optional<std::int64_t> ConsumerMetadata::next_update_time_ms() const {
  if (in_flight_ || topics_.empty()) return std::nullopt;
  const std::int64_t backoff_end =
      last_attempt_ms_ ? *last_attempt_ms_ + config_.retry_backoff_ms : 0;
  if (need_update_ || !last_success_ms_) return backoff_end;
  return std::max(backoff_end, *last_success_ms_ + config_.metadata_max_age_ms);
}

protocol::MetadataRequest ConsumerMetadata::build_request() const {
  protocol::MetadataRequest request;
  request.topics = std::vector<std::string>(topics_.begin(), topics_.end());
  request.allow_auto_topic_creation = config_.allow_auto_create_topics;
  return request;
}

void ConsumerMetadata::on_request_sent(std::int64_t now_ms) {
  in_flight_ = true;
  last_attempt_ms_ = now_ms;
}

void ConsumerMetadata::update(const protocol::MetadataResponse& response, std::int64_t now_ms) {
  in_flight_ = false;
  need_update_ = false;
  last_success_ms_ = now_ms;
  ++update_version_;
  broker_ids_.clear();
  for (const auto& broker : response.brokers) broker_ids_.push_back(broker.node_id);
  std::sort(broker_ids_.begin(), broker_ids_.end());
  for (const auto& topic : response.topics) {
    if (topic.error_code != protocol::Error::NONE) {
      // UNKNOWN_TOPIC_OR_PARTITION: gone (or not created yet); LEADER_NOT_AVAILABLE: being
      // created. Ask again after the backoff while the topic is still needed.
      if (topic.error_code == protocol::Error::UNKNOWN_TOPIC_OR_PARTITION) {
        partition_counts_.erase(topic.name);
      }
      if (topics_.count(topic.name) != 0) need_update_ = true;
      continue;
    }
    partition_counts_[topic.name] = static_cast<std::int32_t>(topic.partitions.size());
    for (const auto& partition : topic.partitions) {
      PartitionInfo info{partition.leader_id, partition.leader_epoch};
      if (partition.error_code != protocol::Error::NONE) info.leader_id = -1;
      auto [it, inserted] = partitions_.emplace(partition.topic_partition, info);
      if (!inserted) {
        // A stale broker's answer (an older epoch) does not replace what a newer one said.
        if (info.leader_epoch >= 0 && info.leader_epoch < it->second.leader_epoch) {
          need_update_ = true;
          continue;
        }
        it->second = info;
      }
      if (info.leader_id < 0 && topics_.count(topic.name) != 0) need_update_ = true;
    }
  }
}

void ConsumerMetadata::failed_update(std::int64_t now_ms) {
  in_flight_ = false;
  need_update_ = true;
  last_attempt_ms_ = now_ms;
}

LeaderAndEpoch ConsumerMetadata::current_leader(const storage::TopicPartition& tp) const {
  auto it = partitions_.find(tp);
  if (it == partitions_.end()) return {};
  LeaderAndEpoch leader;
  if (it->second.leader_id >= 0) leader.leader = it->second.leader_id;
  if (it->second.leader_epoch >= 0) leader.epoch = it->second.leader_epoch;
  return leader;
}

std::optional<std::int32_t> ConsumerMetadata::partition_count(const std::string& topic) const {
  auto it = partition_counts_.find(topic);
  if (it == partition_counts_.end()) return std::nullopt;
  return it->second;
}

PartitionsPerTopic ConsumerMetadata::partitions_per_topic(
    const std::set<std::string>& topics) const {
  PartitionsPerTopic counts;
  for (const auto& topic : topics) {
    if (auto count = partition_count(topic)) counts.emplace(topic, *count);
  }
  return counts;
}

}  // namespace ksim::client
