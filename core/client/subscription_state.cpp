#include "core/client/subscription_state.h"

#include <stdexcept>

namespace ksim::client {

std::string_view fetch_state_name(FetchState state) {
  switch (state) {
    case FetchState::initializing:
      return "INITIALIZING";
    case FetchState::fetching:
      return "FETCHING";
    case FetchState::await_reset:
      return "AWAIT_RESET";
  }
  return "INITIALIZING";
}

namespace {
constexpr const char* kMutuallyExclusive =
    "Subscription to topics, partitions and pattern are mutually exclusive";
}

bool SubscriptionState::subscribe(const std::set<std::string>& topics) {
  if (type_ == SubscriptionType::user_assigned) throw std::logic_error(kMutuallyExclusive);
  type_ = SubscriptionType::auto_topics;
  if (subscription_ == topics) return false;
  subscription_ = topics;
  return true;
}

void SubscriptionState::assign_from_user(const std::set<storage::TopicPartition>& partitions) {
  if (type_ == SubscriptionType::auto_topics) throw std::logic_error(kMutuallyExclusive);
  type_ = SubscriptionType::user_assigned;
  set_assignment(partitions);
}

void SubscriptionState::assign_from_subscribed(
    const std::set<storage::TopicPartition>& partitions) {
  for (const auto& tp : partitions) {
    if (subscription_.count(tp.topic) == 0) {
      throw std::invalid_argument("Assigned partition " + tp.to_string() +
                                  " for non-subscribed topic");
    }
  }
  set_assignment(partitions);
}

void SubscriptionState::set_assignment(const std::set<storage::TopicPartition>& partitions) {
  std::map<storage::TopicPartition, TopicPartitionState> next;
  for (const auto& tp : partitions) {
    auto existing = assignment_.find(tp);
    next.emplace(tp, existing != assignment_.end() ? existing->second : TopicPartitionState{});
  }
  assignment_ = std::move(next);
}

void SubscriptionState::unsubscribe() {
  type_ = SubscriptionType::none;
  subscription_.clear();
  assignment_.clear();
}

std::vector<storage::TopicPartition> SubscriptionState::assigned_partitions() const {
  std::vector<storage::TopicPartition> partitions;
  for (const auto& [tp, state] : assignment_) partitions.push_back(tp);
  return partitions;
}

const TopicPartitionState* SubscriptionState::state(const storage::TopicPartition& tp) const {
  auto it = assignment_.find(tp);
  return it == assignment_.end() ? nullptr : &it->second;
}

TopicPartitionState& SubscriptionState::must_state(const storage::TopicPartition& tp,
                                                   const char* operation) {
  auto it = assignment_.find(tp);
  if (it == assignment_.end()) {
    throw std::logic_error(std::string("No current assignment for partition ") + tp.to_string() +
                           " (" + operation + ")");
  }
  return it->second;
}

void SubscriptionState::seek(const storage::TopicPartition& tp, const FetchPosition& position) {
  auto& state = must_state(tp, "seek");
  state.position = position;
  state.fetch_state = FetchState::fetching;
  state.reset_strategy.reset();
  state.next_retry_time_ms.reset();
}

bool SubscriptionState::maybe_seek_after_reset(const storage::TopicPartition& tp,
                                               const FetchPosition& position,
                                               OffsetResetStrategy strategy) {
  auto it = assignment_.find(tp);
  if (it == assignment_.end() || it->second.fetch_state != FetchState::await_reset ||
      it->second.reset_strategy != strategy) {
    return false;
  }
  seek(tp, position);
  return true;
}

void SubscriptionState::set_position(const storage::TopicPartition& tp,
                                     const FetchPosition& position) {
  auto& state = must_state(tp, "position");
  if (!state.has_valid_position()) {
    throw std::logic_error("Cannot set a new position for partition " + tp.to_string() +
                           " without a valid current position");
  }
  state.position = position;
}

void SubscriptionState::request_offset_reset(const storage::TopicPartition& tp,
                                             OffsetResetStrategy strategy) {
  auto& state = must_state(tp, "reset");
  state.fetch_state = FetchState::await_reset;
  state.reset_strategy = strategy;
  state.position.reset();
  state.next_retry_time_ms.reset();
}

std::optional<FetchPosition> SubscriptionState::position(const storage::TopicPartition& tp) const {
  const auto* s = state(tp);
  if (s == nullptr || !s->has_valid_position()) return std::nullopt;
  return s->position;
}

std::vector<storage::TopicPartition> SubscriptionState::initializing_partitions() const {
  std::vector<storage::TopicPartition> partitions;
  for (const auto& [tp, state] : assignment_) {
    if (state.fetch_state == FetchState::initializing) partitions.push_back(tp);
  }
  return partitions;
}

std::vector<storage::TopicPartition> SubscriptionState::partitions_needing_reset(
    std::int64_t now_ms) const {
  std::vector<storage::TopicPartition> partitions;
  for (const auto& [tp, state] : assignment_) {
    if (state.fetch_state == FetchState::await_reset && is_retry_allowed(tp, now_ms)) {
      partitions.push_back(tp);
    }
  }
  return partitions;
}

void SubscriptionState::set_next_allowed_retry(
    const std::vector<storage::TopicPartition>& partitions, std::int64_t next_retry_time_ms) {
  for (const auto& tp : partitions) {
    auto it = assignment_.find(tp);
    if (it != assignment_.end()) it->second.next_retry_time_ms = next_retry_time_ms;
  }
}

bool SubscriptionState::is_retry_allowed(const storage::TopicPartition& tp,
                                         std::int64_t now_ms) const {
  const auto* s = state(tp);
  return s != nullptr && (!s->next_retry_time_ms || *s->next_retry_time_ms <= now_ms);
}

std::vector<storage::TopicPartition> SubscriptionState::fetchable_partitions() const {
  std::vector<storage::TopicPartition> partitions;
  for (const auto& [tp, state] : assignment_) {
    if (state.has_valid_position() && !state.paused) partitions.push_back(tp);
  }
  return partitions;
}

bool SubscriptionState::is_fetchable(const storage::TopicPartition& tp) const {
  const auto* s = state(tp);
  return s != nullptr && s->has_valid_position() && !s->paused;
}

std::map<storage::TopicPartition, FetchPosition> SubscriptionState::all_consumed() const {
  std::map<storage::TopicPartition, FetchPosition> consumed;
  for (const auto& [tp, state] : assignment_) {
    if (state.has_valid_position()) consumed.emplace(tp, *state.position);
  }
  return consumed;
}

void SubscriptionState::update_high_watermark(const storage::TopicPartition& tp,
                                              std::int64_t offset) {
  auto it = assignment_.find(tp);
  if (it != assignment_.end() && offset >= 0) it->second.high_watermark = offset;
}

void SubscriptionState::update_log_start_offset(const storage::TopicPartition& tp,
                                                std::int64_t offset) {
  auto it = assignment_.find(tp);
  if (it != assignment_.end() && offset >= 0) it->second.log_start_offset = offset;
}

void SubscriptionState::update_last_stable_offset(const storage::TopicPartition& tp,
                                                  std::int64_t offset) {
  auto it = assignment_.find(tp);
  if (it != assignment_.end() && offset >= 0) it->second.last_stable_offset = offset;
}

void SubscriptionState::update_current_leader(const storage::TopicPartition& tp,
                                              const LeaderAndEpoch& leader) {
  auto it = assignment_.find(tp);
  if (it != assignment_.end() && it->second.position) {
    it->second.position->current_leader = leader;
  }
}

std::optional<std::int64_t> SubscriptionState::partition_lag(
    const storage::TopicPartition& tp) const {
  const auto* s = state(tp);
  if (s == nullptr || !s->has_valid_position() || !s->high_watermark) return std::nullopt;
  return *s->high_watermark - s->position->offset;
}

void SubscriptionState::pause(const storage::TopicPartition& tp) {
  must_state(tp, "pause").paused = true;
}

void SubscriptionState::resume(const storage::TopicPartition& tp) {
  must_state(tp, "resume").paused = false;
}

}  // namespace ksim::client
