// ConsumerCoordinator: a consumer's side of its group (Kafka's AbstractCoordinator and
// ConsumerCoordinator, classic protocol, eager rebalancing), without the heartbeat thread: its
// timers run when the host calls tick.
//
//   find the coordinator   FindCoordinator(group) to any broker; again on NOT_COORDINATOR,
//                          COORDINATOR_NOT_AVAILABLE, a failed request, or a session that timed
//                          out without a heartbeat answer
//   join                   eager: commit first when enable.auto.commit (waiting up to the
//                          rebalance timeout while the commit fails retriably), revoke every
//                          partition, then JoinGroup with one protocol per assignor (the
//                          subscription in ConsumerProtocol format); MEMBER_ID_REQUIRED: join
//                          again at once with the member id given
//   sync                   the leader runs the assignor the coordinator chose over every
//                          member's subscription; everyone sends SyncGroup and gets its partitions
//   stay                   Heartbeat every heartbeat.interval.ms; REBALANCE_IN_PROGRESS rejoins;
//                          ILLEGAL_GENERATION rejoins with the same member id; UNKNOWN_MEMBER_ID
//                          rejoins as a new member; no poll for max.poll.interval.ms leaves
//   positions              OffsetFetch for partitions without a position: the committed offset
//                          (and its leader epoch), else auto.offset.reset
//   commit                 every auto.commit.interval.ms when enable.auto.commit, or commit():
//                          the positions of every assigned partition (OffsetCommit)
//   close                  a last auto-commit, then LeaveGroup
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/client/kafka_consumer_config.h"
#include "core/client/kafka_consumer_metadata.h"
#include "core/client/kafka_consumer_network_client.h"
#include "core/client/kafka_consumer_records.h"
#include "core/client/partition_assignor.h"
#include "core/client/subscription_state.h"
#include "core/protocol/find_coordinator.h"
#include "core/protocol/heartbeat.h"
#include "core/protocol/join_group.h"
#include "core/protocol/leave_group.h"
#include "core/protocol/offset_commit.h"
#include "core/protocol/offset_fetch.h"
#include "core/protocol/sync_group.h"

namespace ksim::client {

// AbstractCoordinator.MemberState.
enum class MemberState { unjoined, preparing_rebalance, completing_rebalance, stable };
std::string_view member_state_name(MemberState state);

// AbstractCoordinator.Generation.
struct Generation {
  std::int32_t generation_id = protocol::unknown_generation_id;
  std::string member_id;
  std::optional<std::string> protocol_name;
  friend bool operator==(const Generation&, const Generation&) = default;
};

// What a commit was for, and how it ended.
enum class CommitKind { explicit_commit, auto_commit, before_rebalance, on_close };
struct OffsetCommitOutcome {
  std::uint64_t id = 0;
  CommitKind kind = CommitKind::explicit_commit;
  std::map<storage::TopicPartition, FetchPosition> offsets;
  protocol::Error error = protocol::Error::NONE;  // the first partition error, or how it failed
  bool failed_without_answer = false;             // disconnected, timed out, no coordinator
};

class ConsumerCoordinator {
 public:
  ConsumerCoordinator(const ConsumerConfig& config, SubscriptionState& subscriptions,
                      ConsumerMetadata& metadata, ConsumerNetworkClient& client);

  // Kafka's ConsumerCoordinator.poll: coordinator, join, heartbeat, auto-commit. The first
  // JoinGroup waits for the first metadata answer.
  void poll(std::int64_t now_ms);
  // The application polled (max.poll.interval.ms restarts).
  void on_application_poll(std::int64_t now_ms) { last_application_poll_ms_ = now_ms; }
  // A new subscription: rejoin.
  void on_subscription_change() { rejoin_needed_ = true; }
  // unsubscribe(): a member leaves its group at the next poll.
  void on_unsubscribe() { leave_requested_ = !generation_.member_id.empty(); }

  // Kafka's initWithCommittedOffsetsIfNeeded: true when every partition without a position has
  // had its committed offset looked up (and got it, or awaits a reset).
  bool refresh_committed_offsets_if_needed(std::int64_t now_ms);
  // assign() changed the partitions: look their committed offsets up afresh.
  void on_user_assignment() { without_committed_offset_.clear(); }

  // commitSync-like: the current positions, retried while retriable until
  // default.api.timeout.ms. Returns the outcome's id.
  std::uint64_t commit(std::int64_t now_ms);
  std::vector<OffsetCommitOutcome> take_commit_outcomes();
  // The offset this consumer last committed successfully for `tp`.
  std::optional<std::int64_t> committed(const storage::TopicPartition& tp) const;

  // close(): a last auto-commit, then LeaveGroup; closed() once both are done (or gave up).
  void close(std::int64_t now_ms);
  bool closed() const { return closed_; }

  void handle_response(std::int32_t correlation_id, const ConsumerResponseBody& response,
                       std::int64_t now_ms);
  void handle_failure(std::int32_t correlation_id, std::int64_t now_ms);
  bool owns(std::int32_t correlation_id) const { return requests_.count(correlation_id) != 0; }

  std::optional<std::int64_t> next_wakeup_ms(std::int64_t now_ms) const;
  std::vector<ConsumerError> take_errors();

  // What the group looks like from here.
  std::optional<std::int32_t> coordinator() const { return coordinator_; }
  MemberState state() const { return state_; }
  const Generation& generation() const { return generation_; }
  bool is_leader() const { return is_leader_; }
  bool rejoin_needed() const { return rejoin_needed_; }
  // Every topic the group subscribes to (the leader's metadata needs them all).
  const std::set<std::string>& group_subscription() const { return group_subscription_; }

 private:
  enum class RequestKind {
    find_coordinator,
    join_group,
    sync_group,
    heartbeat,
    leave_group,
    offset_commit,
    offset_fetch
  };
  struct PendingCommit {
    OffsetCommitOutcome outcome;
    std::int64_t deadline_ms = 0;  // retried while retriable until then
    bool retriable = false;        // explicit and before-rebalance commits retry
    std::optional<std::int64_t> retry_at_ms;
    std::optional<std::int32_t> in_flight;  // correlation id
  };

  // membership (consumer_coordinator.cpp)
  bool coordinator_unknown() const { return !coordinator_.has_value(); }
  bool uses_group_management() const;
  bool in_flight(RequestKind kind) const;
  void ensure_coordinator_ready(std::int64_t now_ms);
  void mark_coordinator_unknown(std::int64_t now_ms);
  void maybe_heartbeat(std::int64_t now_ms);
  bool on_join_prepare(std::int64_t now_ms);
  void send_join_group(std::int64_t now_ms);
  void on_leader_elected(const protocol::JoinGroupResponse& response, std::int64_t now_ms);
  void send_sync_group(std::vector<protocol::SyncGroupRequestAssignment> assignments,
                       std::int64_t now_ms);
  void on_join_complete(const protocol::SyncGroupResponse& response);
  void request_rejoin();
  void reset_state_and_rejoin(bool reset_member_id);
  void maybe_leave_group(std::int64_t now_ms);
  void fatal(std::string message);
  std::int32_t send(RequestKind kind, ConsumerRequestBody body, std::int64_t now_ms,
                    std::optional<std::int64_t> timeout_ms = std::nullopt);
  void handle_find_coordinator(const protocol::FindCoordinatorResponse& response,
                               std::int64_t now_ms);
  void handle_join_group(const protocol::JoinGroupResponse& response, std::int64_t now_ms);
  void handle_sync_group(const protocol::SyncGroupResponse& response, std::int64_t now_ms);
  void handle_heartbeat(const protocol::HeartbeatResponse& response, std::int32_t generation_id,
                        std::int64_t now_ms);

  // offsets (consumer_coordinator_offsets.cpp)
  std::uint64_t start_commit(CommitKind kind, std::int64_t now_ms);
  void maybe_auto_commit(std::int64_t now_ms);
  void send_pending_commits(std::int64_t now_ms);
  void handle_offset_commit(std::int32_t correlation_id,
                            const protocol::OffsetCommitResponse& response, std::int64_t now_ms);
  void fail_commit(std::int32_t correlation_id, std::int64_t now_ms);
  void finish_commit(std::map<std::uint64_t, PendingCommit>::iterator it, std::int64_t now_ms);
  bool commit_in_progress(std::uint64_t id) const { return pending_commits_.count(id) != 0; }
  void handle_offset_fetch(const protocol::OffsetFetchResponse& response, std::int64_t now_ms);
  std::vector<storage::TopicPartition> partitions_needing_committed_offsets() const;

  const ConsumerConfig& config_;
  SubscriptionState& subscriptions_;
  ConsumerMetadata& metadata_;
  ConsumerNetworkClient& client_;

  // coordinator discovery
  std::optional<std::int32_t> coordinator_;
  std::int64_t find_coordinator_not_before_ms_ = 0;
  // membership
  MemberState state_ = MemberState::unjoined;
  Generation generation_;
  bool is_leader_ = false;
  bool rejoin_needed_ = true;
  bool needs_join_prepare_ = true;
  std::int64_t join_not_before_ms_ = 0;
  std::optional<std::uint64_t> join_prepare_commit_;
  std::optional<std::int64_t> join_prepare_deadline_ms_;
  std::set<std::string> joined_subscription_;
  std::set<std::string> group_subscription_;
  PartitionsPerTopic assignment_snapshot_;  // the leader's metadata when it assigned
  // heartbeat (Kafka's Heartbeat timers)
  std::int64_t next_heartbeat_ms_ = 0;
  std::int64_t session_deadline_ms_ = 0;
  std::int64_t last_application_poll_ms_ = 0;
  // auto-commit and commits
  std::int64_t next_auto_commit_ms_;
  std::uint64_t next_commit_id_ = 1;
  std::map<std::uint64_t, PendingCommit> pending_commits_;
  std::vector<OffsetCommitOutcome> finished_commits_;
  std::map<storage::TopicPartition, std::int64_t> committed_;
  // committed-offset lookups
  std::set<storage::TopicPartition> offset_fetch_partitions_;  // of the one in flight
  std::set<storage::TopicPartition> without_committed_offset_;
  std::int64_t offset_fetch_not_before_ms_ = 0;
  // close
  bool closing_ = false;
  bool closed_ = false;
  std::optional<std::uint64_t> close_commit_;
  std::int64_t close_deadline_ms_ = 0;
  bool leave_sent_ = false;
  bool leave_requested_ = false;

  // correlation id -> what it was (and the generation a heartbeat was sent in)
  struct Request {
    RequestKind kind;
    std::int32_t generation_id = -1;
  };
  std::map<std::int32_t, Request> requests_;
  std::vector<ConsumerError> errors_;
};

}  // namespace ksim::client
