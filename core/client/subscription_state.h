// SubscriptionState: what a consumer reads (Kafka's
// org.apache.kafka.clients.consumer.internals.SubscriptionState). Either topics it subscribed to
// (the group assigns their partitions) or partitions assigned by hand; for each assigned
// partition its fetch state and position, the last high watermark, log start offset and last
// stable offset a fetch reported, a pause flag, and a pending offset reset.
//
// A partition starts INITIALIZING (no position). A committed offset or seek() gives it a
// position (FETCHING); auto.offset.reset, seek_to_beginning() and seek_to_end() put it in
// AWAIT_RESET until ListOffsets answers. ksim does not model KIP-320's AWAIT_VALIDATION
// (OffsetsForLeaderEpoch after a leader change): a new leader's epoch is taken over directly.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/client/kafka_consumer_config.h"
#include "core/storage/topic_partition.h"

namespace ksim::client {

// The partition's leader as the metadata last said (Kafka's Metadata.LeaderAndEpoch).
struct LeaderAndEpoch {
  std::optional<std::int32_t> leader;
  std::optional<std::int32_t> epoch;
  friend bool operator==(const LeaderAndEpoch&, const LeaderAndEpoch&) = default;
};

// Kafka's SubscriptionState.FetchPosition: the next offset to read, the leader epoch of the last
// record read (the committed leader epoch of a commit), and the leader it is read from.
struct FetchPosition {
  std::int64_t offset = 0;
  std::optional<std::int32_t> offset_epoch;
  LeaderAndEpoch current_leader;
  friend bool operator==(const FetchPosition&, const FetchPosition&) = default;
};

// Kafka's FetchStates, without AWAIT_VALIDATION.
enum class FetchState { initializing, fetching, await_reset };
std::string_view fetch_state_name(FetchState state);

struct TopicPartitionState {
  FetchState fetch_state = FetchState::initializing;
  std::optional<FetchPosition> position;
  std::optional<std::int64_t> high_watermark;
  std::optional<std::int64_t> log_start_offset;
  std::optional<std::int64_t> last_stable_offset;
  bool paused = false;
  std::optional<OffsetResetStrategy> reset_strategy;  // set while AWAIT_RESET
  // A reset or committed-offset lookup is in flight or backing off until then.
  std::optional<std::int64_t> next_retry_time_ms;

  bool has_valid_position() const { return fetch_state == FetchState::fetching; }
};

enum class SubscriptionType { none, auto_topics, user_assigned };

class SubscriptionState {
 public:
  explicit SubscriptionState(OffsetResetStrategy default_reset_strategy)
      : default_reset_strategy_(default_reset_strategy) {}

  SubscriptionType subscription_type() const { return type_; }
  // subscribe(topics): the group assigns. Throws std::logic_error after assign() (Kafka's
  // "Subscription to topics, partitions and pattern are mutually exclusive"). Returns true if
  // the subscription changed.
  bool subscribe(const std::set<std::string>& topics);
  const std::set<std::string>& subscription() const { return subscription_; }
  // assign(partitions) by hand; partitions already assigned keep their state. Throws
  // std::logic_error after subscribe().
  void assign_from_user(const std::set<storage::TopicPartition>& partitions);
  // The group's assignment (partitions already assigned keep their state).
  void assign_from_subscribed(const std::set<storage::TopicPartition>& partitions);
  void unsubscribe();

  std::vector<storage::TopicPartition> assigned_partitions() const;
  bool is_assigned(const storage::TopicPartition& tp) const { return assignment_.count(tp) > 0; }
  const TopicPartitionState* state(const storage::TopicPartition& tp) const;

  // A position from a committed offset or seek(): FETCHING from there.
  void seek(const storage::TopicPartition& tp, const FetchPosition& position);
  // Moves to `position` only if the partition still awaits a reset by `strategy` (the answer to
  // a ListOffsets that a seek or a newer reset may have overtaken). Returns true if it moved.
  bool maybe_seek_after_reset(const storage::TopicPartition& tp, const FetchPosition& position,
                              OffsetResetStrategy strategy);
  // The position after records were handed to the application.
  void set_position(const storage::TopicPartition& tp, const FetchPosition& position);
  void request_offset_reset(const storage::TopicPartition& tp, OffsetResetStrategy strategy);
  void request_offset_reset(const storage::TopicPartition& tp) {
    request_offset_reset(tp, default_reset_strategy_);
  }
  OffsetResetStrategy default_reset_strategy() const { return default_reset_strategy_; }
  bool has_default_offset_reset_policy() const {
    return default_reset_strategy_ != OffsetResetStrategy::none;
  }

  std::optional<FetchPosition> position(const storage::TopicPartition& tp) const;
  // Partitions with no position and no reset pending (they need a committed offset or reset).
  std::vector<storage::TopicPartition> initializing_partitions() const;
  // AWAIT_RESET partitions whose retry time has come.
  std::vector<storage::TopicPartition> partitions_needing_reset(std::int64_t now_ms) const;
  // Marks partitions as in flight / backing off until `next_retry_time_ms`.
  void set_next_allowed_retry(const std::vector<storage::TopicPartition>& partitions,
                              std::int64_t next_retry_time_ms);
  bool is_retry_allowed(const storage::TopicPartition& tp, std::int64_t now_ms) const;
  // FETCHING and not paused, in assignment order (sorted).
  std::vector<storage::TopicPartition> fetchable_partitions() const;
  bool is_fetchable(const storage::TopicPartition& tp) const;
  // Positions of every partition that has one: what a commit sends.
  std::map<storage::TopicPartition, FetchPosition> all_consumed() const;

  void update_high_watermark(const storage::TopicPartition& tp, std::int64_t offset);
  void update_log_start_offset(const storage::TopicPartition& tp, std::int64_t offset);
  void update_last_stable_offset(const storage::TopicPartition& tp, std::int64_t offset);
  // The current leader of a positioned partition after a metadata update.
  void update_current_leader(const storage::TopicPartition& tp, const LeaderAndEpoch& leader);
  // HW - position (Kafka's records-lag), if both are known.
  std::optional<std::int64_t> partition_lag(const storage::TopicPartition& tp) const;

  void pause(const storage::TopicPartition& tp);
  void resume(const storage::TopicPartition& tp);

 private:
  TopicPartitionState& must_state(const storage::TopicPartition& tp, const char* operation);
  void set_assignment(const std::set<storage::TopicPartition>& partitions);

  OffsetResetStrategy default_reset_strategy_;
  SubscriptionType type_ = SubscriptionType::none;
  std::set<std::string> subscription_;
  std::map<storage::TopicPartition, TopicPartitionState> assignment_;
};

}  // namespace ksim::client
