#include "core/client/consumer_coordinator.h"

#include <algorithm>

#include "core/protocol/consumer_protocol.h"
#include "core/storage/errors.h"

namespace ksim::client {

using protocol::Error;

std::string_view member_state_name(MemberState state) {
  switch (state) {
    case MemberState::unjoined:
      return "UNJOINED";
    case MemberState::preparing_rebalance:
      return "PREPARING_REBALANCE";
    case MemberState::completing_rebalance:
      return "COMPLETING_REBALANCE";
    case MemberState::stable:
      return "STABLE";
  }
  return "UNJOINED";
}

// Kafka's JOIN_GROUP_TIMEOUT_LAPSE: JoinGroup may wait the whole rebalance timeout.
constexpr std::int64_t kJoinGroupTimeoutLapseMs = 5000;
// Kafka's KafkaConsumer.DEFAULT_CLOSE_TIMEOUT_MS.
constexpr std::int64_t kCloseTimeoutMs = 30000;

ConsumerCoordinator::ConsumerCoordinator(const ConsumerConfig& config,
                                         SubscriptionState& subscriptions,
                                         ConsumerMetadata& metadata, ConsumerNetworkClient& client)
    : config_(config),
      subscriptions_(subscriptions),
      metadata_(metadata),
      client_(client),
      next_auto_commit_ms_(config.auto_commit_interval_ms) {}

bool ConsumerCoordinator::in_flight(RequestKind kind) const {
  return std::any_of(requests_.begin(), requests_.end(),
                     [&](const auto& entry) { return entry.second.kind == kind; });
}

bool ConsumerCoordinator::uses_group_management() const {
  return subscriptions_.subscription_type() == SubscriptionType::auto_topics;
}

std::int32_t ConsumerCoordinator::send(RequestKind kind, ConsumerRequestBody body,
                                       std::int64_t now_ms,
                                       std::optional<std::int64_t> timeout_ms) {
  const std::int32_t destination =
      kind == RequestKind::find_coordinator ? any_broker : *coordinator_;
  const std::int32_t id = client_.send(destination, std::move(body), now_ms, timeout_ms);
  requests_[id] = Request{kind, generation_.generation_id};
  return id;
}

void ConsumerCoordinator::poll(std::int64_t now_ms) {
  if (closed_) return;
  const bool needs_coordinator = uses_group_management() || !pending_commits_.empty() || closing_ ||
                                 !partitions_needing_committed_offsets().empty();
  if (needs_coordinator && config_.group_id) ensure_coordinator_ready(now_ms);
  if (closing_) {
    send_pending_commits(now_ms);
    if (now_ms >= close_deadline_ms_) closed_ = true;
    if (close_commit_ && commit_in_progress(*close_commit_)) return;
    if (!leave_sent_) maybe_leave_group(now_ms);
    const bool leave_pending = in_flight(RequestKind::leave_group);
    if (!leave_pending) closed_ = true;
    return;
  }
  if (leave_requested_ && !coordinator_unknown()) {
    leave_requested_ = false;
    maybe_leave_group(now_ms);  // "the consumer unsubscribed from all topics"
    leave_sent_ = false;
  }
  if (uses_group_management() && !coordinator_unknown()) {
    // The heartbeat thread's work.
    maybe_heartbeat(now_ms);
    const bool in_group =
        state_ == MemberState::stable || state_ == MemberState::completing_rebalance;
    if (in_group && now_ms - last_application_poll_ms_ > config_.max_poll_interval_ms) {
      // Kafka: "consumer poll timeout has expired. This means the time between subsequent
      // calls to poll() was longer than the configured max.poll.interval.ms".
      maybe_leave_group(now_ms);
    }
  }
  if (uses_group_management()) {
    if (joined_subscription_ != subscriptions_.subscription() && state_ == MemberState::stable) {
      request_rejoin();
    }
    // The leader rejoins when the partitions of the group's topics changed since it assigned.
    if (is_leader_ && state_ == MemberState::stable &&
        metadata_.partitions_per_topic(group_subscription_) != assignment_snapshot_) {
      request_rejoin();
    }
    const bool joining =
        state_ == MemberState::preparing_rebalance || state_ == MemberState::completing_rebalance;
    if (rejoin_needed_ && !joining && !coordinator_unknown() && now_ms >= join_not_before_ms_ &&
        metadata_.update_version() > 0) {
      if (on_join_prepare(now_ms)) send_join_group(now_ms);
    }
  }
  maybe_auto_commit(now_ms);
  send_pending_commits(now_ms);
}

void ConsumerCoordinator::ensure_coordinator_ready(std::int64_t now_ms) {
  if (!coordinator_unknown() || now_ms < find_coordinator_not_before_ms_) return;
  if (in_flight(RequestKind::find_coordinator)) return;
  send(RequestKind::find_coordinator,
       protocol::FindCoordinatorRequest{*config_.group_id, protocol::CoordinatorType::group},
       now_ms);
}

void ConsumerCoordinator::mark_coordinator_unknown(std::int64_t now_ms) {
  if (coordinator_unknown()) return;
  coordinator_.reset();
  // Kafka disconnects its coordinator connection: what was in flight there fails. Fetches to the
  // same broker travel on another connection in Kafka and are left alone here.
  std::vector<std::int32_t> abandoned;
  for (const auto& [id, request] : requests_) {
    if (request.kind != RequestKind::find_coordinator) abandoned.push_back(id);
  }
  for (auto id : abandoned) {
    client_.fail(id, now_ms);
    handle_failure(id, now_ms);
  }
}

void ConsumerCoordinator::maybe_heartbeat(std::int64_t now_ms) {
  if (state_ != MemberState::stable && state_ != MemberState::completing_rebalance) return;
  if (now_ms >= session_deadline_ms_) {
    // "session timed out without receiving a heartbeat response"
    mark_coordinator_unknown(now_ms);
    return;
  }
  if (in_flight(RequestKind::heartbeat) || now_ms < next_heartbeat_ms_) return;
  next_heartbeat_ms_ = now_ms + config_.heartbeat_interval_ms;
  send(RequestKind::heartbeat,
       protocol::HeartbeatRequest{*config_.group_id, generation_.generation_id,
                                  generation_.member_id, std::nullopt},
       now_ms);
}

bool ConsumerCoordinator::on_join_prepare(std::int64_t now_ms) {
  if (!needs_join_prepare_) return true;
  if (config_.enable_auto_commit && !subscriptions_.all_consumed().empty()) {
    if (!join_prepare_deadline_ms_)
      join_prepare_deadline_ms_ = now_ms + config_.max_poll_interval_ms;
    if (!join_prepare_commit_) {
      join_prepare_commit_ = start_commit(CommitKind::before_rebalance, now_ms);
      pending_commits_.at(*join_prepare_commit_).deadline_ms = *join_prepare_deadline_ms_;
      send_pending_commits(now_ms);
    }
    if (commit_in_progress(*join_prepare_commit_) && now_ms < *join_prepare_deadline_ms_) {
      return false;  // wait for the commit (Kafka: "wait for commit offset response")
    }
  }
  join_prepare_commit_.reset();
  join_prepare_deadline_ms_.reset();
  // Eager: every partition is revoked before the join.
  subscriptions_.assign_from_subscribed({});
  is_leader_ = false;
  needs_join_prepare_ = false;
  return true;
}

void ConsumerCoordinator::send_join_group(std::int64_t now_ms) {
  joined_subscription_ = subscriptions_.subscription();
  protocol::ConsumerProtocolSubscription subscription;
  subscription.topics.assign(joined_subscription_.begin(), joined_subscription_.end());
  subscription.owned_partitions =
      protocol::group_by_topic(subscriptions_.assigned_partitions());  // empty: eager
  subscription.generation_id = generation_.generation_id;
  protocol::JoinGroupRequest request;
  request.group_id = *config_.group_id;
  request.session_timeout_ms = config_.session_timeout_ms;
  request.rebalance_timeout_ms = config_.max_poll_interval_ms;
  request.member_id = generation_.member_id;
  request.protocol_type = protocol::consumer_protocol_type;
  for (const auto kind : config_.partition_assignment_strategy) {
    request.protocols.push_back(
        {std::string(assignor_protocol_name(kind)), protocol::encode_subscription(subscription)});
  }
  request.client_id = config_.client_id;
  state_ = MemberState::preparing_rebalance;
  send(RequestKind::join_group, std::move(request), now_ms,
       std::int64_t{config_.max_poll_interval_ms} + kJoinGroupTimeoutLapseMs);
}

void ConsumerCoordinator::handle_join_group(const protocol::JoinGroupResponse& response,
                                            std::int64_t now_ms) {
  if (state_ != MemberState::preparing_rebalance) return;  // left or reset meanwhile
  switch (response.error_code) {
    case Error::NONE: {
      if (response.protocol_type && *response.protocol_type != protocol::consumer_protocol_type) {
        fatal("JoinGroup answered protocol type " + *response.protocol_type);
        return;
      }
      state_ = MemberState::completing_rebalance;
      generation_ = Generation{response.generation_id, response.member_id, response.protocol_name};
      // The heartbeat thread starts with the completing rebalance.
      next_heartbeat_ms_ = now_ms + config_.heartbeat_interval_ms;
      session_deadline_ms_ = now_ms + config_.session_timeout_ms;
      if (response.leader == response.member_id) {
        on_leader_elected(response, now_ms);
      } else {
        is_leader_ = false;
        send_sync_group({}, now_ms);
      }
      return;
    }
    case Error::MEMBER_ID_REQUIRED:
      // KIP-394: join again at once with the id the coordinator gave.
      generation_ = Generation{protocol::unknown_generation_id, response.member_id, std::nullopt};
      state_ = MemberState::unjoined;
      rejoin_needed_ = true;
      return;
    case Error::UNKNOWN_MEMBER_ID:
      reset_state_and_rejoin(true);
      needs_join_prepare_ = false;  // nothing is assigned: no need to commit or revoke again
      return;
    case Error::ILLEGAL_GENERATION:
    case Error::REBALANCE_IN_PROGRESS:
      state_ = MemberState::unjoined;
      rejoin_needed_ = true;
      return;
    case Error::COORDINATOR_NOT_AVAILABLE:
    case Error::NOT_COORDINATOR:
      state_ = MemberState::unjoined;
      rejoin_needed_ = true;
      mark_coordinator_unknown(now_ms);
      return;
    case Error::COORDINATOR_LOAD_IN_PROGRESS:
      state_ = MemberState::unjoined;
      rejoin_needed_ = true;
      join_not_before_ms_ = now_ms + config_.retry_backoff_ms;
      return;
    default:
      // INCONSISTENT_GROUP_PROTOCOL, INVALID_SESSION_TIMEOUT, INVALID_GROUP_ID,
      // GROUP_MAX_SIZE_REACHED...: Kafka throws them from poll.
      state_ = MemberState::unjoined;
      rejoin_needed_ = true;
      join_not_before_ms_ = now_ms + config_.retry_backoff_ms;
      fatal("JoinGroup failed: " + std::string(protocol::error_name(response.error_code)));
      return;
  }
}

void ConsumerCoordinator::on_leader_elected(const protocol::JoinGroupResponse& response,
                                            std::int64_t now_ms) {
  is_leader_ = true;
  const auto chosen = std::find_if(
      config_.partition_assignment_strategy.begin(), config_.partition_assignment_strategy.end(),
      [&](AssignorKind kind) { return response.protocol_name == assignor_protocol_name(kind); });
  if (chosen == config_.partition_assignment_strategy.end()) {
    fatal("Coordinator selected invalid assignment protocol: " +
          response.protocol_name.value_or("null"));
    reset_state_and_rejoin(false);
    return;
  }
  std::vector<MemberSubscription> members;
  group_subscription_.clear();
  for (const auto& member : response.members) {
    MemberSubscription subscription;
    subscription.member_id = member.member_id;
    subscription.group_instance_id = member.group_instance_id;
    try {
      subscription.topics = protocol::decode_subscription(member.metadata).topics;
    } catch (const storage::CorruptDataError& e) {
      fatal("member " + member.member_id + "'s subscription does not decode: " + e.what());
      reset_state_and_rejoin(false);
      return;
    }
    group_subscription_.insert(subscription.topics.begin(), subscription.topics.end());
    members.push_back(std::move(subscription));
  }
  // The leader's metadata must cover every member's topics (Kafka's updateGroupSubscription);
  // topics it does not know yet get nothing now and a rebalance once they are known.
  metadata_.set_topics([&] {
    auto topics = metadata_.topics();
    topics.insert(group_subscription_.begin(), group_subscription_.end());
    return topics;
  }());
  assignment_snapshot_ = metadata_.partitions_per_topic(group_subscription_);
  const GroupAssignment assignment = assign_partitions(*chosen, assignment_snapshot_, members);
  std::vector<protocol::SyncGroupRequestAssignment> assignments;
  for (const auto& [member_id, partitions] : assignment) {
    protocol::ConsumerProtocolAssignment encoded;
    encoded.assigned_partitions = protocol::group_by_topic(partitions);
    assignments.push_back({member_id, protocol::encode_assignment(encoded)});
  }
  send_sync_group(std::move(assignments), now_ms);
}

void ConsumerCoordinator::send_sync_group(
    std::vector<protocol::SyncGroupRequestAssignment> assignments, std::int64_t now_ms) {
  protocol::SyncGroupRequest request;
  request.group_id = *config_.group_id;
  request.generation_id = generation_.generation_id;
  request.member_id = generation_.member_id;
  request.protocol_type = protocol::consumer_protocol_type;
  request.protocol_name = generation_.protocol_name;
  request.assignments = std::move(assignments);
  send(RequestKind::sync_group, std::move(request), now_ms);
}

void ConsumerCoordinator::handle_sync_group(const protocol::SyncGroupResponse& response,
                                            std::int64_t now_ms) {
  if (state_ != MemberState::completing_rebalance) return;
  switch (response.error_code) {
    case Error::NONE:
      on_join_complete(response);
      return;
    case Error::REBALANCE_IN_PROGRESS:
      state_ = MemberState::unjoined;
      request_rejoin();
      return;
    case Error::UNKNOWN_MEMBER_ID:
      reset_state_and_rejoin(true);
      return;
    case Error::ILLEGAL_GENERATION:
      reset_state_and_rejoin(false);
      return;
    case Error::COORDINATOR_NOT_AVAILABLE:
    case Error::NOT_COORDINATOR:
      state_ = MemberState::unjoined;
      request_rejoin();
      mark_coordinator_unknown(now_ms);
      return;
    default:
      state_ = MemberState::unjoined;
      request_rejoin();
      join_not_before_ms_ = now_ms + config_.retry_backoff_ms;
      fatal("SyncGroup failed: " + std::string(protocol::error_name(response.error_code)));
      return;
  }
}

void ConsumerCoordinator::on_join_complete(const protocol::SyncGroupResponse& response) {
  protocol::ConsumerProtocolAssignment assignment;
  try {
    assignment = protocol::decode_assignment(response.assignment);
  } catch (const storage::CorruptDataError& e) {
    fatal(std::string("the assignment does not decode: ") + e.what());
    reset_state_and_rejoin(false);
    return;
  }
  std::set<storage::TopicPartition> partitions;
  bool matches_subscription = true;
  for (const auto& tp : protocol::flatten(assignment.assigned_partitions)) {
    if (subscriptions_.subscription().count(tp.topic) == 0) {
      matches_subscription = false;  // the subscription changed since the join
      continue;
    }
    partitions.insert(tp);
  }
  state_ = MemberState::stable;
  rejoin_needed_ = !matches_subscription;
  needs_join_prepare_ = true;
  subscriptions_.assign_from_subscribed(partitions);
  // Positions come from committed offsets: look them up afresh.
  without_committed_offset_.clear();
}

void ConsumerCoordinator::request_rejoin() { rejoin_needed_ = true; }

void ConsumerCoordinator::reset_state_and_rejoin(bool reset_member_id) {
  state_ = MemberState::unjoined;
  const std::string member_id = reset_member_id ? std::string() : generation_.member_id;
  generation_ = Generation{protocol::unknown_generation_id, member_id, std::nullopt};
  is_leader_ = false;
  rejoin_needed_ = true;
  needs_join_prepare_ = true;
}

void ConsumerCoordinator::handle_heartbeat(const protocol::HeartbeatResponse& response,
                                           std::int32_t generation_id, std::int64_t now_ms) {
  switch (response.error_code) {
    case Error::NONE:
      session_deadline_ms_ = now_ms + config_.session_timeout_ms;
      return;
    case Error::REBALANCE_IN_PROGRESS:
      session_deadline_ms_ = now_ms + config_.session_timeout_ms;
      if (state_ == MemberState::stable) request_rejoin();
      return;
    case Error::ILLEGAL_GENERATION:
    case Error::UNKNOWN_MEMBER_ID:
      // Only if the generation is still the one the heartbeat was sent in.
      if (generation_id == generation_.generation_id) {
        reset_state_and_rejoin(response.error_code == Error::UNKNOWN_MEMBER_ID);
      }
      return;
    case Error::COORDINATOR_NOT_AVAILABLE:
    case Error::NOT_COORDINATOR:
      mark_coordinator_unknown(now_ms);
      return;
    default:
      fatal("Heartbeat failed: " + std::string(protocol::error_name(response.error_code)));
      next_heartbeat_ms_ = now_ms + config_.retry_backoff_ms;
      return;
  }
}

void ConsumerCoordinator::maybe_leave_group(std::int64_t now_ms) {
  leave_sent_ = true;
  if (!generation_.member_id.empty() && !coordinator_unknown()) {
    protocol::LeaveGroupRequest request;
    request.group_id = *config_.group_id;
    request.members.push_back({generation_.member_id, std::nullopt,
                               closing_           ? "the consumer is being closed"
                               : leave_requested_ ? "the consumer unsubscribed from all topics"
                                                  : "consumer poll timeout has expired."});
    send(RequestKind::leave_group, std::move(request), now_ms);
  }
  reset_state_and_rejoin(true);
  subscriptions_.assign_from_subscribed({});
  needs_join_prepare_ = false;
}

void ConsumerCoordinator::close(std::int64_t now_ms) {
  if (closing_ || closed_) return;
  closing_ = true;
  close_deadline_ms_ = now_ms + kCloseTimeoutMs;
  if (!config_.group_id) {
    closed_ = true;
    return;
  }
  if (config_.enable_auto_commit && !subscriptions_.all_consumed().empty()) {
    close_commit_ = start_commit(CommitKind::on_close, now_ms);
    pending_commits_.at(*close_commit_).deadline_ms = close_deadline_ms_;
  }
  if (!uses_group_management()) leave_sent_ = true;  // nothing to leave
  poll(now_ms);
}

void ConsumerCoordinator::fatal(std::string message) {
  errors_.push_back({ConsumerErrorKind::group_error, std::move(message), {}});
}

void ConsumerCoordinator::handle_find_coordinator(const protocol::FindCoordinatorResponse& response,
                                                  std::int64_t now_ms) {
  if (response.error_code == Error::NONE && response.node_id >= 0) {
    coordinator_ = response.node_id;
    // A new coordinator gets a full session before it counts as silent.
    session_deadline_ms_ = now_ms + config_.session_timeout_ms;
    next_heartbeat_ms_ = std::min(next_heartbeat_ms_, now_ms);
    return;
  }
  // COORDINATOR_NOT_AVAILABLE (no leader for its __consumer_offsets partition yet) and the
  // like: ask again after retry.backoff.ms.
  find_coordinator_not_before_ms_ = now_ms + config_.retry_backoff_ms;
}

void ConsumerCoordinator::handle_response(std::int32_t correlation_id,
                                          const ConsumerResponseBody& response,
                                          std::int64_t now_ms) {
  auto it = requests_.find(correlation_id);
  if (it == requests_.end()) return;
  const Request request = it->second;
  requests_.erase(it);
  std::visit(
      [&](const auto& body) {
        using Body = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<Body, protocol::FindCoordinatorResponse>) {
          handle_find_coordinator(body, now_ms);
        } else if constexpr (std::is_same_v<Body, protocol::JoinGroupResponse>) {
          handle_join_group(body, now_ms);
        } else if constexpr (std::is_same_v<Body, protocol::SyncGroupResponse>) {
          handle_sync_group(body, now_ms);
        } else if constexpr (std::is_same_v<Body, protocol::HeartbeatResponse>) {
          handle_heartbeat(body, request.generation_id, now_ms);
        } else if constexpr (std::is_same_v<Body, protocol::LeaveGroupResponse>) {
          // Nothing to do: the member already reset itself.
        } else if constexpr (std::is_same_v<Body, protocol::OffsetCommitResponse>) {
          handle_offset_commit(correlation_id, body, now_ms);
        } else if constexpr (std::is_same_v<Body, protocol::OffsetFetchResponse>) {
          handle_offset_fetch(body, now_ms);
        }
      },
      response);
}

void ConsumerCoordinator::handle_failure(std::int32_t correlation_id, std::int64_t now_ms) {
  auto it = requests_.find(correlation_id);
  if (it == requests_.end()) return;
  const Request request = it->second;
  requests_.erase(it);
  switch (request.kind) {
    case RequestKind::find_coordinator:
      find_coordinator_not_before_ms_ = now_ms + config_.retry_backoff_ms;
      break;
    case RequestKind::join_group:
    case RequestKind::sync_group:
      if (state_ == MemberState::preparing_rebalance ||
          state_ == MemberState::completing_rebalance) {
        state_ = MemberState::unjoined;
        rejoin_needed_ = true;
      }
      break;
    case RequestKind::heartbeat:
      next_heartbeat_ms_ = now_ms + config_.retry_backoff_ms;
      break;
    case RequestKind::leave_group:
      break;
    case RequestKind::offset_commit:
      fail_commit(correlation_id, now_ms);
      break;
    case RequestKind::offset_fetch:
      offset_fetch_partitions_.clear();
      offset_fetch_not_before_ms_ = now_ms + config_.retry_backoff_ms;
      break;
  }
  // A failed request to the coordinator: Kafka marks it unknown and finds it again.
  if (request.kind != RequestKind::find_coordinator) mark_coordinator_unknown(now_ms);
}

std::optional<std::int64_t> ConsumerCoordinator::next_wakeup_ms(std::int64_t now_ms) const {
  if (closed_) return std::nullopt;
  std::optional<std::int64_t> next;
  auto consider = [&](std::int64_t t) {
    t = std::max(t, now_ms);
    if (!next || t < *next) next = t;
  };
  if (coordinator_unknown() && config_.group_id &&
      (uses_group_management() || !pending_commits_.empty() || closing_ ||
       !partitions_needing_committed_offsets().empty())) {
    consider(find_coordinator_not_before_ms_);
  }
  if (!coordinator_unknown() &&
      (state_ == MemberState::stable || state_ == MemberState::completing_rebalance)) {
    if (!in_flight(RequestKind::heartbeat)) consider(next_heartbeat_ms_);
    consider(session_deadline_ms_);
    consider(last_application_poll_ms_ + config_.max_poll_interval_ms + 1);
  }
  if (uses_group_management() && rejoin_needed_ && state_ == MemberState::unjoined) {
    consider(join_not_before_ms_);
  }
  if (config_.enable_auto_commit && config_.group_id) consider(next_auto_commit_ms_);
  for (const auto& [id, commit] : pending_commits_) {
    if (commit.retry_at_ms) consider(*commit.retry_at_ms);
    if (join_prepare_commit_ == id) consider(commit.deadline_ms);
  }
  if (!coordinator_unknown() && offset_fetch_partitions_.empty() &&
      !partitions_needing_committed_offsets().empty()) {
    consider(offset_fetch_not_before_ms_);
  }
  if (closing_) consider(close_deadline_ms_);
  return next;
}

std::vector<ConsumerError> ConsumerCoordinator::take_errors() {
  std::vector<ConsumerError> taken;
  taken.swap(errors_);
  return taken;
}

}  // namespace ksim::client
