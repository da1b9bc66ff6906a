// ConsumerMetadata: what a consumer knows of the cluster (Kafka's ConsumerMetadata / Metadata):
// the brokers, the partitions of the topics it needs and each one's leader and leader epoch.
// Refreshed by a Metadata request to any broker when something asks for it (an unknown leader,
// NOT_LEADER_OR_FOLLOWER, a broken connection), at most every retry.backoff.ms, and every
// metadata.max.age.ms regardless. A partition's entry is replaced only by one with an equal or
// newer leader epoch, so a stale broker's answer cannot move a consumer back to a deposed leader
// (KIP-320).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/client/kafka_consumer_config.h"
#include "core/client/partition_assignor.h"
#include "core/client/subscription_state.h"
#include "core/protocol/metadata.h"
#include "core/storage/topic_partition.h"

namespace ksim::client {

class ConsumerMetadata {
 public:
  explicit ConsumerMetadata(const ConsumerConfig& config);

  // The topics the consumer needs; a topic not known yet asks for an update.
  void set_topics(const std::set<std::string>& topics);
  const std::set<std::string>& topics() const { return topics_; }

  void request_update() { need_update_ = true; }
  bool update_requested() const { return need_update_; }
  bool in_flight() const { return in_flight_; }
  // When the next Metadata request is due (<= now: now); nullopt while one is in flight or no
  // topic is needed.
  std::optional<std::int64_t> next_update_time_ms() const;
  protocol::MetadataRequest build_request() const;
  void on_request_sent(std::int64_t now_ms);
  void update(const protocol::MetadataResponse& response, std::int64_t now_ms);
  void failed_update(std::int64_t now_ms);
  // Incremented by every update, so a caller can see that something may have changed.
  std::uint64_t update_version() const { return update_version_; }

  LeaderAndEpoch current_leader(const storage::TopicPartition& tp) const;
  std::optional<std::int32_t> partition_count(const std::string& topic) const;
  // The partition counts of those of `topics` the metadata knows (the leader's assignor input).
  PartitionsPerTopic partitions_per_topic(const std::set<std::string>& topics) const;
  const std::vector<std::int32_t>& broker_ids() const { return broker_ids_; }

 private:
  struct PartitionInfo {
    std::int32_t leader_id = -1;
    std::int32_t leader_epoch = -1;
  };

  ConsumerConfig config_;
  std::set<std::string> topics_;
  bool need_update_ = false;
  bool in_flight_ = false;
  std::optional<std::int64_t> last_attempt_ms_;
  std::optional<std::int64_t> last_success_ms_;
  std::uint64_t update_version_ = 0;
  std::vector<std::int32_t> broker_ids_;
  std::map<std::string, std::int32_t> partition_counts_;
  std::map<storage::TopicPartition, PartitionInfo> partitions_;
};

}  // namespace ksim::client
