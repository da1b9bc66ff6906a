// A classic consumer group as the coordinator holds it (Kafka's GroupMetadata and
// MemberMetadata): the state machine
//
//   Empty --join--> PreparingRebalance --all joined / timeout--> CompletingRebalance
//     ^                 ^      ^                                        |
//     |                 |      +----- member joins/leaves/fails --------+ leader's SyncGroup
//     +-- no members ---+                                               v
//                       +------- member joins/leaves/fails -------- Stable
//   (any state) --unloaded or deleted--> Dead
//
// members keyed by member id (client.id + "-" + a UUID), the generation, the leader, the chosen
// protocol (the one every member supports, by vote), members awaiting JoinGroup/SyncGroup
// answers (their request handles), and the committed offsets with commits still being appended.
// Time and the handles are values passed in: this class never answers anyone by itself.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/protocol/join_group.h"
#include "core/storage/bytes.h"
#include "core/storage/topic_partition.h"

namespace ksim::coordinator {

// Who is waiting for an answer: the caller's handle for a request it gave the coordinator.
using RequestHandle = std::uint64_t;

enum class GroupState { Empty, PreparingRebalance, CompletingRebalance, Stable, Dead };
// "Empty", "PreparingRebalance", ... as GroupState.toString prints them.
std::string_view group_state_name(GroupState state);

struct MemberMetadata {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  std::int32_t rebalance_timeout_ms = 0;
  std::int32_t session_timeout_ms = 0;
  std::string protocol_type;
  // (name, metadata) in the member's order of preference.
  std::vector<std::pair<std::string, storage::Bytes>> supported_protocols;
  storage::Bytes assignment;

  std::optional<RequestHandle> awaiting_join;  // a JoinGroup waiting for the rebalance
  std::optional<RequestHandle> awaiting_sync;  // a SyncGroup waiting for the leader's assignment
  bool is_new = false;  // joined in this rebalance; until it completes, its session is 5 minutes
  // When the session expires unless a heartbeat (or a rebalance step) comes first; nullopt while
  // no expiration is scheduled (Kafka completes the DelayedHeartbeat of a member that is awaiting
  // a JoinGroup or SyncGroup answer, which counts as alive).
  std::optional<std::int64_t> heartbeat_deadline_ms;

  bool is_awaiting_join() const { return awaiting_join.has_value(); }
  bool is_awaiting_sync() const { return awaiting_sync.has_value(); }
  // MemberMetadata.hasSatisfiedHeartbeat with heartbeatSatisfied false: new members must
  // heartbeat (or rejoin); others awaiting a rebalance answer count as alive.
  bool has_satisfied_heartbeat_without_heartbeat() const {
    return !is_new && (is_awaiting_join() || is_awaiting_sync());
  }
  // Same protocols with the same metadata, in the same order (MemberMetadata.matches).
  bool matches(const std::vector<protocol::JoinGroupRequestProtocol>& protocols) const;
  const storage::Bytes& metadata(std::string_view protocol) const;  // std::logic_error if absent
  // The first of this member's protocols that is a candidate (MemberMetadata.vote).
  std::string vote(const std::set<std::string>& candidates) const;
};

// OffsetAndMetadata with the offset of the __consumer_offsets batch that stored it
// (CommitRecordMetadataAndOffset): a later append wins.
struct OffsetAndMetadata {
  std::int64_t committed_offset = -1;
  std::int32_t leader_epoch = -1;  // -1: none
  std::string metadata;
  std::int64_t commit_timestamp_ms = 0;
  friend bool operator==(const OffsetAndMetadata&, const OffsetAndMetadata&) = default;
};
struct CommitRecordMetadataAndOffset {
  std::optional<std::int64_t> appended_batch_offset;
  OffsetAndMetadata offset_and_metadata;
};

class GroupMetadata {
 public:
  GroupMetadata(std::string group_id, GroupState initial_state, std::int64_t now_ms);

  const std::string& group_id() const { return group_id_; }
  GroupState state() const { return state_; }
  bool is(GroupState s) const { return state_ == s; }
  // PreparingRebalance may follow the current state (Stable, CompletingRebalance, Empty).
  bool can_rebalance() const;
  // Throws std::logic_error when `target` may not follow the current state (Kafka's
  // assertValidTransition); sets the current state timestamp.
  void transition_to(GroupState target, std::int64_t now_ms);
  std::optional<std::int64_t> current_state_timestamp() const { return current_state_timestamp_; }

  std::int32_t generation_id() const { return generation_id_; }
  const std::optional<std::string>& protocol_type() const { return protocol_type_; }
  const std::optional<std::string>& protocol_name() const { return protocol_name_; }
  const std::optional<std::string>& leader_id() const { return leader_id_; }
  bool is_leader(std::string_view member_id) const { return leader_id_ && *leader_id_ == member_id; }

  // Members.
  bool has(std::string_view member_id) const { return members_.count(std::string(member_id)) > 0; }
  MemberMetadata& get(std::string_view member_id);
  const MemberMetadata& get(std::string_view member_id) const;
  std::size_t size() const { return members_.size(); }
  bool empty() const { return members_.empty(); }
  // Member ids in the order Kafka iterates them: its members map is a Scala 2.13
  // mutable.HashMap[String, MemberMetadata] (buckets by spread hash).
  std::vector<std::string> member_ids() const;
  // Adds a member (the first becomes leader) awaiting a JoinGroup answer on `join_handle`.
  void add(MemberMetadata member, std::optional<RequestHandle> join_handle);
  // Removes a member; a removed leader is replaced by the first member in iteration order.
  void remove(std::string_view member_id);
  // Replaces a rejoining member's protocols and sets its JoinGroup handle (updateMember).
  void update_member(MemberMetadata& member,
                     const std::vector<protocol::JoinGroupRequestProtocol>& protocols,
                     std::int32_t rebalance_timeout_ms, std::int32_t session_timeout_ms,
                     RequestHandle join_handle);
  // Clears the member's JoinGroup handle and returns it (maybeInvokeJoinCallback).
  std::optional<RequestHandle> take_join_handle(MemberMetadata& member);
  std::optional<RequestHandle> take_sync_handle(MemberMetadata& member);

  // KIP-394: members given an id with MEMBER_ID_REQUIRED that have not joined with it yet.
  void add_pending_member(const std::string& member_id) { pending_members_.insert(member_id); }
  void remove_pending_member(const std::string& member_id) { pending_members_.erase(member_id); }
  bool is_pending_member(std::string_view member_id) const {
    return pending_members_.count(std::string(member_id)) > 0;
  }
  const std::set<std::string>& pending_members() const { return pending_members_; }

  // Members that have not sent SyncGroup since the last JoinGroup completed.
  void add_pending_sync_member(const std::string& member_id) { pending_sync_members_.insert(member_id); }
  void remove_pending_sync_member(const std::string& member_id) { pending_sync_members_.erase(member_id); }
  const std::set<std::string>& pending_sync_members() const { return pending_sync_members_; }

  std::int32_t num_members_awaiting_join() const { return num_members_awaiting_join_; }
  // Every member has rejoined and no KIP-394 member is still to come.
  bool has_all_members_joined() const;
  std::vector<std::string> not_yet_rejoined_members() const;
  // The largest rebalance timeout of the members.
  std::int32_t rebalance_timeout_ms() const;

  // An empty group accepts any non-empty protocol list; otherwise the type must match and one
  // of the protocols must be supported by every member.
  bool supports_protocols(std::string_view member_protocol_type,
                          const std::vector<protocol::JoinGroupRequestProtocol>& protocols) const;
  // Each member votes for its most preferred protocol among those every member supports; the
  // most votes win (ties: the first in Scala's HashMap order of the protocol names).
  std::string select_protocol() const;
  // Bumps the generation and goes to CompletingRebalance (with a protocol) or Empty.
  void init_next_generation(std::int64_t now_ms);
  // If the leader has not rejoined, makes the first member that has the leader. False when no
  // member has rejoined.
  bool maybe_elect_new_joined_leader();
  // The leader's JoinGroup answer: every member with its metadata for the chosen protocol.
  std::vector<protocol::JoinGroupResponseMember> current_member_metadata() const;

  // Committed offsets.
  const std::map<storage::TopicPartition, CommitRecordMetadataAndOffset>& offsets() const { return offsets_; }
  std::optional<OffsetAndMetadata> offset(const storage::TopicPartition& tp) const;
  bool has_offsets() const { return !offsets_.empty() || !pending_offset_commits_.empty(); }
  bool has_pending_offset_commits_for(const storage::TopicPartition& tp) const {
    return pending_offset_commits_.count(tp) > 0;
  }
  void prepare_offset_commit(const std::vector<std::pair<storage::TopicPartition, OffsetAndMetadata>>& offsets);
  void on_offset_commit_append(const storage::TopicPartition& tp,
                               const CommitRecordMetadataAndOffset& committed);
  void fail_pending_offset_write(const storage::TopicPartition& tp, const OffsetAndMetadata& offset);
  // Loading from the log: offsets as read (tombstones already applied).
  void initialize_offsets(std::map<storage::TopicPartition, CommitRecordMetadataAndOffset> offsets) {
    offsets_ = std::move(offsets);
  }
  // Loading a GroupMetadataValue.
  void load(std::optional<std::string> protocol_type, std::int32_t generation_id,
            std::optional<std::string> protocol_name, std::optional<std::string> leader_id,
            std::optional<std::int64_t> current_state_timestamp);

 private:
  std::string group_id_;
  GroupState state_;
  std::optional<std::int64_t> current_state_timestamp_;
  std::int32_t generation_id_ = 0;
  std::optional<std::string> protocol_type_;
  std::optional<std::string> protocol_name_;
  std::optional<std::string> leader_id_;
  std::map<std::string, MemberMetadata> members_;  // looked up by id; iterated via member_ids()
  std::set<std::string> pending_members_;
  std::set<std::string> pending_sync_members_;
  std::map<std::string, std::int32_t> supported_protocols_;  // protocol -> members supporting it
  std::int32_t num_members_awaiting_join_ = 0;
  std::map<storage::TopicPartition, CommitRecordMetadataAndOffset> offsets_;
  std::map<storage::TopicPartition, OffsetAndMetadata> pending_offset_commits_;
};

}  // namespace ksim::coordinator
