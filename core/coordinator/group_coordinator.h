// Kafka's classic group coordinator (kafka.coordinator.group.GroupCoordinator with its
// GroupMetadataManager), sans-IO: one per broker, coordinating the groups whose
// __consumer_offsets partition this broker leads.
//
// Inputs: requests with the caller's handle and the current time, leadership changes of
// __consumer_offsets partitions (with the records read from the log), append completions, and
// time (advance). Outputs, taken by the caller:
//  - take_completed(): answers, each with the handle of the request it answers. Some come at
//    once, others later (a JoinGroup waits for the rebalance, a SyncGroup for the leader, an
//    OffsetCommit for its append);
//  - take_appends(): record batches to append to __consumer_offsets-N as the leader with
//    acks=all (offsets.commit.required.acks -1, offsets.commit.timeout.ms 5000). The caller
//    appends through its replica manager and reports with on_append_completed(); an
//    OffsetCommit is answered only then, with Kafka's error mapping.
//
// Delayed operations (Kafka's purgatories) are deadlines checked by advance(now):
//  - a member's session: removed when now >= last heartbeat + session.timeout.ms (a member that
//    joined in the current rebalance: + 300000, GroupCoordinator.NewMemberJoinTimeoutMs);
//  - a KIP-394 pending member (given an id with MEMBER_ID_REQUIRED): dropped after its session;
//  - the join phase: DelayedJoin (max rebalance.timeout.ms of the members; members that have not
//    rejoined are removed) or, for an Empty group, InitialDelayedJoin
//    (group.initial.rebalance.delay.ms, extended while new members keep coming, up to the
//    rebalance timeout);
//  - the sync phase: members that have not sent SyncGroup within the rebalance timeout after
//    the join completed are removed and the group rebalances (Kafka 3.2+, KAFKA-13425).
// A timer fires at its deadline: what it does is stamped with the deadline, not with the later
// `now` the caller passes. Each request first advances time to its `now`.
//
// Loading is synchronous: on_became_leader() replays the partition's records at once, so
// COORDINATOR_LOAD_IN_PROGRESS is never answered. Not modelled: static membership
// (group.instance.id is ignored), transactional offset commits, offset expiry
// (offsets.retention.ms, 7 days) and the group cleanup that comes with it, DeleteGroups, and the
// topic checks KafkaApis makes before the coordinator (UNKNOWN_TOPIC_OR_PARTITION on commit).
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/coordinator/group_metadata.h"
#include "core/coordinator/group_metadata_records.h"
#include "core/protocol/describe_groups.h"
#include "core/protocol/errors.h"
#include "core/protocol/find_coordinator.h"
#include "core/protocol/heartbeat.h"
#include "core/protocol/join_group.h"
#include "core/protocol/leave_group.h"
#include "core/protocol/list_groups.h"
#include "core/protocol/offset_commit.h"
#include "core/protocol/offset_fetch.h"
#include "core/protocol/sync_group.h"
#include "core/storage/bytes.h"
#include "core/storage/record_batch.h"
#include "core/storage/topic_partition.h"

namespace ksim::coordinator {

// The broker configs the coordinator reads, with Kafka's defaults.
struct GroupCoordinatorConfig {
  std::int32_t group_min_session_timeout_ms = 6000;
  std::int32_t group_max_session_timeout_ms = 1800000;
  std::int32_t group_initial_rebalance_delay_ms = 3000;
  std::int32_t group_max_size = std::numeric_limits<std::int32_t>::max();
  std::int32_t offsets_topic_num_partitions = 50;
  std::int32_t offset_metadata_max_bytes = 4096;     // offset.metadata.max.bytes
  std::int32_t offsets_commit_timeout_ms = 5000;     // offsets.commit.timeout.ms
  std::int16_t offsets_commit_required_acks = -1;    // offsets.commit.required.acks
  std::int32_t new_member_join_timeout_ms = 300000;  // GroupCoordinator.NewMemberJoinTimeoutMs
};

using CoordinatorResponse =
    std::variant<protocol::JoinGroupResponse, protocol::SyncGroupResponse,
                 protocol::HeartbeatResponse, protocol::LeaveGroupResponse,
                 protocol::OffsetCommitResponse, protocol::OffsetFetchResponse,
                 protocol::ListGroupsResponse, protocol::DescribeGroupsResponse>;

struct CompletedRequest {
  RequestHandle handle = 0;
  CoordinatorResponse response;
};

// "Append this batch to __consumer_offsets-N as its leader, acks=all, then call
// on_append_completed(append_id, ...)".
struct OffsetsTopicAppend {
  enum class Kind { offset_commit, group_metadata };
  std::uint64_t append_id = 0;
  Kind kind = Kind::offset_commit;
  std::string group_id;
  storage::TopicPartition topic_partition;
  std::int16_t required_acks = -1;
  std::int32_t timeout_ms = 5000;
  storage::Bytes records;  // one v2 batch, base offset 0 (the leader assigns offsets)
};

class GroupCoordinator {
 public:
  // Returns the random part of a new member id (Kafka: UUID.randomUUID().toString; see
  // java_random_uuid_string). Called once per new member.
  using MemberIdSuffixGenerator = std::function<std::string()>;

  GroupCoordinator(GroupCoordinatorConfig config, MemberIdSuffixGenerator member_id_suffix);

  // Requests. Each answer arrives through take_completed(), now or later.
  void join_group(RequestHandle handle, const protocol::JoinGroupRequest& request, std::int64_t now_ms);
  void sync_group(RequestHandle handle, const protocol::SyncGroupRequest& request, std::int64_t now_ms);
  void heartbeat(RequestHandle handle, const protocol::HeartbeatRequest& request, std::int64_t now_ms);
  void leave_group(RequestHandle handle, const protocol::LeaveGroupRequest& request, std::int64_t now_ms);
  void commit_offsets(RequestHandle handle, const protocol::OffsetCommitRequest& request, std::int64_t now_ms);
  void fetch_offsets(RequestHandle handle, const protocol::OffsetFetchRequest& request, std::int64_t now_ms);
  void list_groups(RequestHandle handle, const protocol::ListGroupsRequest& request, std::int64_t now_ms);
  void describe_groups(RequestHandle handle, const protocol::DescribeGroupsRequest& request, std::int64_t now_ms);

  std::vector<CompletedRequest> take_completed();
  std::vector<OffsetsTopicAppend> take_appends();
  // The outcome of an append: NONE with the batch's base offset, or the produce error
  // (NOT_LEADER_OR_FOLLOWER, NOT_ENOUGH_REPLICAS, REQUEST_TIMED_OUT, ...). Unknown ids are ignored.
  void on_append_completed(std::uint64_t append_id, protocol::Error error, std::int64_t base_offset,
                           std::int64_t now_ms);

  // This broker became leader of __consumer_offsets-<partition>: load its groups and offsets
  // from `records` (the partition's records in offset order, as read from the log; a record
  // without value is a tombstone). Nothing happens if the partition is already owned.
  void on_became_leader(std::int32_t partition, const std::vector<storage::Record>& records,
                        std::int64_t now_ms);
  // The same from the raw log: consecutive v2 batches (control batches are skipped). Throws
  // storage::CorruptDataError on bad bytes.
  void on_became_leader(std::int32_t partition, storage::ByteView log_bytes, std::int64_t now_ms);
  // No longer leader: the partition's groups are unloaded (members waiting for a JoinGroup or
  // SyncGroup answer get NOT_COORDINATOR) and later requests for them get NOT_COORDINATOR.
  void on_resigned(std::int32_t partition, std::int64_t now_ms);
  bool owns_partition(std::int32_t partition) const { return owned_partitions_.count(partition) > 0; }

  // The earliest deadline of a delayed operation, if any; advance() fires those due.
  std::optional<std::int64_t> next_deadline_ms() const;
  void advance(std::int64_t now_ms);

  // Which partition of __consumer_offsets coordinates a group.
  std::int32_t partition_for(std::string_view group_id) const;

  // Inspection (UI, tests).
  const GroupMetadata* group(std::string_view group_id) const;
  std::vector<std::string> group_ids() const;  // sorted
  const GroupCoordinatorConfig& config() const { return config_; }

 private:
  struct JoinOperation {
    bool initial = false;  // InitialDelayedJoin rather than DelayedJoin
    std::int64_t deadline_ms = 0;
    std::int32_t delay_ms = 0;            // InitialDelayedJoin: this delay
    std::int32_t configured_delay_ms = 0;  // group.initial.rebalance.delay.ms
    std::int32_t remaining_ms = 0;        // what is left of the rebalance timeout after it
  };
  struct SyncOperation {
    std::int64_t deadline_ms = 0;
    std::int32_t generation_id = 0;
  };
  struct GroupEntry {
    GroupMetadata group;
    std::uint64_t incarnation = 0;  // distinguishes a reloaded group from an unloaded one
    std::uint64_t created_sequence = 0;
    bool new_member_added = false;  // InitialDelayedJoin extends while members keep coming
    std::optional<JoinOperation> join;
    std::optional<SyncOperation> sync;
    std::map<std::string, std::int64_t> pending_member_deadlines;
  };
  struct PendingAppend {
    OffsetsTopicAppend::Kind kind = OffsetsTopicAppend::Kind::offset_commit;
    std::string group_id;
    std::uint64_t incarnation = 0;
    // Offset commit.
    RequestHandle handle = 0;
    std::vector<protocol::OffsetCommitRequestPartition> requested;
    std::vector<bool> metadata_too_large;
    std::vector<std::pair<storage::TopicPartition, OffsetAndMetadata>> written;
    // Group metadata after SyncGroup (empty for a group that became Empty).
    std::optional<std::int32_t> sync_generation_id;
    std::map<std::string, storage::Bytes> assignment;
  };

  // Request helpers.
  std::optional<protocol::Error> validate_group_status(std::string_view group_id, bool allow_empty_id) const;
  GroupEntry* find(std::string_view group_id);
  const GroupEntry* find(std::string_view group_id) const;
  GroupEntry& add_group(const std::string& group_id, GroupState state, std::int64_t now_ms);
  void respond(RequestHandle handle, CoordinatorResponse response);
  void respond_join_error(RequestHandle handle, const std::string& member_id, protocol::Error error);

  // Join/sync/heartbeat machinery.
  bool accept_joining_member(const GroupEntry& entry, const std::string& member_id) const;
  void do_new_member_join(GroupEntry& entry, RequestHandle handle, const protocol::JoinGroupRequest& request,
                          std::int64_t now_ms);
  void do_current_member_join(GroupEntry& entry, RequestHandle handle,
                              const protocol::JoinGroupRequest& request, std::int64_t now_ms);
  void add_member_and_rebalance(GroupEntry& entry, RequestHandle handle, const protocol::JoinGroupRequest& request,
                                const std::string& member_id, std::int64_t now_ms);
  void update_member_and_rebalance(GroupEntry& entry, MemberMetadata& member, RequestHandle handle,
                                   const protocol::JoinGroupRequest& request, std::int64_t now_ms);
  protocol::JoinGroupResponse current_join_result(const GroupEntry& entry, const std::string& member_id) const;
  void maybe_prepare_rebalance(GroupEntry& entry, std::int64_t now_ms);
  void prepare_rebalance(GroupEntry& entry, std::int64_t now_ms);
  void try_complete_join(GroupEntry& entry, std::int64_t now_ms);
  void on_complete_join(GroupEntry& entry, std::int64_t now_ms);
  void on_join_expired(GroupEntry& entry, std::int64_t now_ms);
  void on_sync_expired(GroupEntry& entry, std::int64_t now_ms);
  void on_heartbeat_expired(GroupEntry& entry, const std::string& member_id, std::int64_t now_ms);
  void on_pending_member_expired(GroupEntry& entry, const std::string& member_id, std::int64_t now_ms);
  void schedule_heartbeat_expiration(MemberMetadata& member, std::int32_t timeout_ms, std::int64_t now_ms);
  void remove_member_and_update_group(GroupEntry& entry, const std::string& member_id, std::int64_t now_ms);
  void remove_pending_sync_member(GroupEntry& entry, const std::string& member_id);
  void reset_and_propagate_assignment_error(GroupEntry& entry, protocol::Error error, std::int64_t now_ms);
  void set_and_propagate_assignment(GroupEntry& entry, const std::map<std::string, storage::Bytes>& assignment,
                                    std::int64_t now_ms);
  void propagate_assignment(GroupEntry& entry, protocol::Error error, std::int64_t now_ms);
  std::optional<protocol::Error> validate_current_member(const GroupEntry& entry, const std::string& member_id) const;

  // __consumer_offsets.
  void store_group(GroupEntry& entry, const std::map<std::string, storage::Bytes>& assignment,
                   std::optional<std::int32_t> sync_generation_id, std::int64_t now_ms);
  void store_offsets(GroupEntry& entry, RequestHandle handle, const protocol::OffsetCommitRequest& request,
                     std::int64_t now_ms);
  void do_commit_offsets(GroupEntry& entry, RequestHandle handle, const protocol::OffsetCommitRequest& request,
                         std::int64_t now_ms);
  void respond_commit_error(RequestHandle handle, const protocol::OffsetCommitRequest& request, protocol::Error error);
  std::uint64_t enqueue_append(OffsetsTopicAppend::Kind kind, const std::string& group_id, storage::Bytes batch,
                               PendingAppend pending);
  void load_partition(std::int32_t partition, const std::vector<storage::Record>& records, std::int64_t now_ms);
  void unload_group(GroupEntry& entry, std::int64_t now_ms);

  GroupCoordinatorConfig config_;
  MemberIdSuffixGenerator member_id_suffix_;
  std::set<std::int32_t> owned_partitions_;
  std::map<std::string, GroupEntry> groups_;
  std::uint64_t next_incarnation_ = 1;
  std::uint64_t next_group_sequence_ = 0;
  std::uint64_t next_append_id_ = 1;
  std::map<std::uint64_t, PendingAppend> pending_appends_;
  std::vector<CompletedRequest> completed_;
  std::vector<OffsetsTopicAppend> appends_;
  std::int64_t now_ms_ = 0;
};

// FindCoordinator as a broker answers it: which __consumer_offsets partition's leader to name
// (the caller looks the leader up; no leader -> COORDINATOR_NOT_AVAILABLE).
storage::TopicPartition coordinator_partition(const protocol::FindCoordinatorRequest& request,
                                              std::int32_t offsets_topic_num_partitions = 50);

}  // namespace ksim::coordinator
