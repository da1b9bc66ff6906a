#include "core/client/producer_metadata.h"

#include <algorithm>
#include <utility>

namespace ksim::client {

ProducerMetadata::ProducerMetadata(std::int64_t refresh_backoff_ms,
                                   std::int64_t metadata_max_age_ms)
    : refresh_backoff_ms_(refresh_backoff_ms), metadata_max_age_ms_(metadata_max_age_ms) {}

void ProducerMetadata::set_bootstrap_brokers(std::vector<std::int32_t> broker_ids) {
  std::sort(broker_ids.begin(), broker_ids.end());
  broker_ids.erase(std::unique(broker_ids.begin(), broker_ids.end()), broker_ids.end());
  bootstrap_brokers_ = std::move(broker_ids);
}

std::vector<std::int32_t> ProducerMetadata::known_brokers() const {
  std::vector<std::int32_t> all = bootstrap_brokers_;
  all.insert(all.end(), cluster_brokers_.begin(), cluster_brokers_.end());
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  return all;
}

void ProducerMetadata::add_topic(const std::string& topic) {
  if (topics_.insert(topic).second && !cluster_topics_.contains(topic)) update_requested_ = true;
}

std::optional<std::int64_t> ProducerMetadata::next_update_ms() const {
  if (update_in_flight_ || topics_.empty()) return std::nullopt;
  const std::int64_t backoff_over =
      last_refresh_attempt_ms_ < 0 ? 0 : last_refresh_attempt_ms_ + refresh_backoff_ms_;
  if (update_requested_ || last_successful_refresh_ms_ < 0) return backoff_over;
  return std::max(backoff_over, last_successful_refresh_ms_ + metadata_max_age_ms_);
}

protocol::MetadataRequest ProducerMetadata::build_request() const {
  protocol::MetadataRequest request;
  request.topics = std::vector<std::string>(topics_.begin(), topics_.end());
  request.allow_auto_topic_creation = true;
  return request;
}

void ProducerMetadata::on_request_sent(std::int64_t now_ms) {
  update_in_flight_ = true;
  update_requested_ = false;
  last_refresh_attempt_ms_ = now_ms;
}

void ProducerMetadata::on_request_failed(std::int64_t now_ms) {
  update_in_flight_ = false;
  update_requested_ = true;
  last_refresh_attempt_ms_ = now_ms;
}

void ProducerMetadata::on_response(const protocol::MetadataResponse& response,
                                   std::int64_t now_ms) {
  update_in_flight_ = false;
  last_refresh_attempt_ms_ = now_ms;
  last_successful_refresh_ms_ = now_ms;
  if (!response.brokers.empty()) {
    cluster_brokers_.clear();
    for (const auto& broker : response.brokers) cluster_brokers_.push_back(broker.node_id);
    std::sort(cluster_brokers_.begin(), cluster_brokers_.end());
  }
  for (const auto& topic : response.topics) {
    if (topic.error_code == protocol::Error::UNKNOWN_TOPIC_OR_PARTITION ||
        topic.error_code == protocol::Error::INVALID_TOPIC_EXCEPTION) {
      cluster_topics_.erase(topic.name);
      continue;
    }
    if (topic.partitions.empty()) continue;  // e.g. LEADER_NOT_AVAILABLE while being created
    std::int32_t count = 0;
    for (const auto& p : topic.partitions) {
      count = std::max(count, p.topic_partition.partition + 1);
    }
    TopicInfo updated;
    updated.partitions.resize(static_cast<std::size_t>(count));
    const auto old = cluster_topics_.find(topic.name);
    for (const auto& p : topic.partitions) {
      if (p.topic_partition.partition < 0) continue;
      const auto index = static_cast<std::size_t>(p.topic_partition.partition);
      PartitionInfo info;
      info.leader_id = p.error_code == protocol::Error::LEADER_NOT_AVAILABLE ? -1 : p.leader_id;
      info.leader_epoch = p.leader_epoch;
      // KIP-320: an answer from a broker with older metadata does not move a leader back.
      if (old != cluster_topics_.end() && index < old->second.partitions.size()) {
        const PartitionInfo& cached = old->second.partitions[index];
        if (info.leader_epoch >= 0 && cached.leader_epoch > info.leader_epoch) info = cached;
      }
      updated.partitions[index] = info;
    }
    cluster_topics_[topic.name] = std::move(updated);
  }
}

std::optional<std::int32_t> ProducerMetadata::partition_count(const std::string& topic) const {
  const auto it = cluster_topics_.find(topic);
  if (it == cluster_topics_.end()) return std::nullopt;
  return static_cast<std::int32_t>(it->second.partitions.size());
}

std::optional<std::int32_t> ProducerMetadata::leader(const storage::TopicPartition& tp) const {
  const auto it = cluster_topics_.find(tp.topic);
  if (it == cluster_topics_.end() || tp.partition < 0 ||
      static_cast<std::size_t>(tp.partition) >= it->second.partitions.size()) {
    return std::nullopt;
  }
  const std::int32_t leader_id =
      it->second.partitions[static_cast<std::size_t>(tp.partition)].leader_id;
  if (leader_id < 0) return std::nullopt;
  return leader_id;
}

std::vector<std::int32_t> ProducerMetadata::available_partitions(const std::string& topic) const {
  std::vector<std::int32_t> available;
  const auto it = cluster_topics_.find(topic);
  if (it == cluster_topics_.end()) return available;
  for (std::size_t i = 0; i < it->second.partitions.size(); ++i) {
    if (it->second.partitions[i].leader_id >= 0) available.push_back(static_cast<std::int32_t>(i));
  }
  return available;
}

}  // namespace ksim::client
