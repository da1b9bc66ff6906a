// ConsumerConfig: the settings of Kafka's consumer, with Kafka's names and 3.x defaults
// (org.apache.kafka.clients.consumer.ConsumerConfig), parsed from (name, value) string pairs as a
// student writes them in a consumer.properties file or on a --consumer-property flag.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/protocol/fetch.h"

namespace ksim::client {

// auto.offset.reset: where a partition without a valid position starts.
enum class OffsetResetStrategy { latest, earliest, none };
std::string_view offset_reset_name(OffsetResetStrategy strategy);

// partition.assignment.strategy: the assignors ksim has (Kafka's class names
// org.apache.kafka.clients.consumer.RangeAssignor and RoundRobinAssignor). JoinGroup names them
// "range" and "roundrobin".
enum class AssignorKind { range, roundrobin };
std::string_view assignor_protocol_name(AssignorKind kind);

struct ConsumerConfig {
  std::vector<std::string> bootstrap_servers;  // handed to the host; the consumer never dials
  std::string client_id;
  std::optional<std::string> group_id;  // nullopt: no group (assign() only, no commits)
  OffsetResetStrategy auto_offset_reset = OffsetResetStrategy::latest;
  bool enable_auto_commit = true;  // forced false without a group.id unless set explicitly
  std::int64_t auto_commit_interval_ms = 5000;
  std::int32_t session_timeout_ms = 45000;  // 10000 before 3.0 (KIP-735)
  std::int32_t heartbeat_interval_ms = 3000;
  std::int32_t max_poll_interval_ms = 300000;  // also the JoinGroup rebalance timeout
  // Kafka 3.x's default is [RangeAssignor, CooperativeStickyAssignor]; ksim has no cooperative
  // rebalancing, so the default is range alone (what a 2.x consumer sent).
  std::vector<AssignorKind> partition_assignment_strategy = {AssignorKind::range};
  std::int32_t fetch_min_bytes = 1;
  std::int32_t fetch_max_bytes = 52428800;
  std::int32_t fetch_max_wait_ms = 500;
  std::int32_t max_partition_fetch_bytes = 1048576;
  std::int32_t max_poll_records = 500;
  std::int32_t request_timeout_ms = 30000;
  std::int32_t default_api_timeout_ms = 60000;  // bounds commit-before-rebalance and close
  std::int64_t retry_backoff_ms = 100;
  std::int64_t reconnect_backoff_ms = 50;
  std::int64_t reconnect_backoff_max_ms = 1000;
  std::int64_t metadata_max_age_ms = 300000;
  protocol::IsolationLevel isolation_level = protocol::IsolationLevel::read_uncommitted;
  bool allow_auto_create_topics = true;

  // Kafka's words for a bad value ("Invalid value abc for configuration max.poll.records: Not a
  // number of type INT", "... String must be one of: latest, earliest, none"); an unknown name
  // is an error too ("Unknown consumer configuration fetch.max.byte"), except the
  // deserializers and security settings, which ksim accepts and ignores. Throws
  // std::invalid_argument. Without a group.id, enable.auto.commit becomes false unless it was
  // set to true explicitly, which is an error ("enable.auto.commit cannot be set to true when
  // default group id (null) is used."). Runs validate() on the result.
  static ConsumerConfig parse(const std::vector<std::pair<std::string, std::string>>& properties);

  // Ranges ("Invalid value 0 for configuration max.poll.records: Value must be at least 1") and
  // "Heartbeat must be set lower than the session timeout". Throws std::invalid_argument.
  void validate() const;
};

}  // namespace ksim::client
