// What the producer knows of the cluster (Kafka's ProducerMetadata): the brokers, each topic's
// partition count and the leader of each partition, learnt from Metadata answers. An update is
// requested when a topic is new, a leader is missing or moved (NOT_LEADER_OR_FOLLOWER, ...), a
// connection drops, or metadata.max.age.ms has passed; requests are spaced by retry.backoff.ms.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/protocol/metadata.h"
#include "core/storage/topic_partition.h"

namespace ksim::client {

class ProducerMetadata {
 public:
  ProducerMetadata(std::int64_t refresh_backoff_ms, std::int64_t metadata_max_age_ms);

  // The bootstrap brokers (bootstrap.servers, by broker id).
  void set_bootstrap_brokers(std::vector<std::int32_t> broker_ids);
  // Bootstrap brokers and the brokers the last Metadata answer listed, in id order.
  std::vector<std::int32_t> known_brokers() const;

  // A topic the producer sends to; a topic not known yet asks for an update.
  void add_topic(const std::string& topic);
  const std::set<std::string>& topics() const { return topics_; }

  void request_update() { update_requested_ = true; }
  bool update_requested() const { return update_requested_; }
  bool update_in_flight() const { return update_in_flight_; }

  // When the next Metadata request is due (<= now: send one now); nullopt while one is in
  // flight or there is no topic to ask about.
  std::optional<std::int64_t> next_update_ms() const;
  protocol::MetadataRequest build_request() const;
  void on_request_sent(std::int64_t now_ms);
  void on_response(const protocol::MetadataResponse& response, std::int64_t now_ms);
  // Timed out or disconnected: ask again after the backoff.
  void on_request_failed(std::int64_t now_ms);

  std::optional<std::int32_t> partition_count(const std::string& topic) const;
  // The leader, if the partition is known and has one.
  std::optional<std::int32_t> leader(const storage::TopicPartition& tp) const;
  // The partitions of `topic` that have a leader.
  std::vector<std::int32_t> available_partitions(const std::string& topic) const;

 private:
  struct PartitionInfo {
    std::int32_t leader_id = -1;
    std::int32_t leader_epoch = -1;
  };
  struct TopicInfo {
    std::vector<PartitionInfo> partitions;
  };

  std::int64_t refresh_backoff_ms_;
  std::int64_t metadata_max_age_ms_;
  std::vector<std::int32_t> bootstrap_brokers_;
  std::vector<std::int32_t> cluster_brokers_;
  std::set<std::string> topics_;
  std::map<std::string, TopicInfo> cluster_topics_;
  bool update_requested_ = false;
  bool update_in_flight_ = false;
  std::int64_t last_refresh_attempt_ms_ = -1;  // -1: never (no backoff before the first)
  std::int64_t last_successful_refresh_ms_ = -1;
};

}  // namespace ksim::client
