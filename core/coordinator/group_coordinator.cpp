// The membership half of the group coordinator: JoinGroup, SyncGroup, Heartbeat, LeaveGroup and
// the delayed operations of a rebalance (GroupCoordinator.scala's handle*/on* methods).
#include "core/coordinator/group_coordinator.h"

#include <algorithm>
#include <stdexcept>
#include <iterator>
#include <tuple>
#include <utility>

#include "core/coordinator/offsets_topic.h"

namespace ksim::coordinator {

using protocol::Error;

GroupCoordinator::GroupCoordinator(GroupCoordinatorConfig config, MemberIdSuffixGenerator member_id_suffix)
    : config_(config), member_id_suffix_(std::move(member_id_suffix)) {
  if (!member_id_suffix_) throw std::invalid_argument("GroupCoordinator needs a member id generator");
  if (config_.offsets_topic_num_partitions <= 0) {
    throw std::invalid_argument("offsets.topic.num.partitions must be positive");
  }
}

std::int32_t GroupCoordinator::partition_for(std::string_view group_id) const {
  return coordinator::partition_for(group_id, config_.offsets_topic_num_partitions);
}

std::optional<Error> GroupCoordinator::validate_group_status(std::string_view group_id,
                                                             bool allow_empty_id) const {
  if (!allow_empty_id && group_id.empty()) return Error::INVALID_GROUP_ID;
  if (!owns_partition(partition_for(group_id))) return Error::NOT_COORDINATOR;
  return std::nullopt;
}

GroupCoordinator::GroupEntry* GroupCoordinator::find(std::string_view group_id) {
  auto it = groups_.find(std::string(group_id));
  return it == groups_.end() ? nullptr : &it->second;
}

const GroupCoordinator::GroupEntry* GroupCoordinator::find(std::string_view group_id) const {
  auto it = groups_.find(std::string(group_id));
  return it == groups_.end() ? nullptr : &it->second;
}

GroupCoordinator::GroupEntry& GroupCoordinator::add_group(const std::string& group_id, GroupState state,
                                                          std::int64_t now_ms) {
  GroupEntry entry{GroupMetadata(group_id, state, now_ms), next_incarnation_++, next_group_sequence_++,
                   false, std::nullopt, std::nullopt, {}};
  return groups_.insert_or_assign(group_id, std::move(entry)).first->second;
}

const GroupMetadata* GroupCoordinator::group(std::string_view group_id) const {
  const auto* entry = find(group_id);
  return entry ? &entry->group : nullptr;
}

std::vector<std::string> GroupCoordinator::group_ids() const {
  std::vector<std::string> ids;
  for (const auto& [id, entry] : groups_) ids.push_back(id);
  return ids;
}

void GroupCoordinator::respond(RequestHandle handle, CoordinatorResponse response) {
  completed_.push_back({handle, std::move(response)});
}

void GroupCoordinator::respond_join_error(RequestHandle handle, const std::string& member_id, Error error) {
  protocol::JoinGroupResponse response;
  response.error_code = error;
  response.member_id = member_id;
  respond(handle, std::move(response));
}

std::vector<CompletedRequest> GroupCoordinator::take_completed() { return std::exchange(completed_, {}); }
std::vector<OffsetsTopicAppend> GroupCoordinator::take_appends() { return std::exchange(appends_, {}); }

// ---------------------------------------------------------------------------------------------
// JoinGroup

void GroupCoordinator::join_group(RequestHandle handle, const protocol::JoinGroupRequest& request,
                                  std::int64_t now_ms) {
  advance(now_ms);
  if (auto error = validate_group_status(request.group_id, false)) {
    respond_join_error(handle, request.member_id, *error);
    return;
  }
  if (request.session_timeout_ms < config_.group_min_session_timeout_ms ||
      request.session_timeout_ms > config_.group_max_session_timeout_ms) {
    respond_join_error(handle, request.member_id, Error::INVALID_SESSION_TIMEOUT);
    return;
  }
  const bool is_unknown_member = request.member_id.empty();
  GroupEntry* entry = find(request.group_id);
  if (entry == nullptr) {
    if (!is_unknown_member) {
      respond_join_error(handle, request.member_id, Error::UNKNOWN_MEMBER_ID);
      return;
    }
    entry = &add_group(request.group_id, GroupState::Empty, now_ms_);
  }
  if (!accept_joining_member(*entry, request.member_id)) {
    entry->group.remove(request.member_id);
    respond_join_error(handle, "", Error::GROUP_MAX_SIZE_REACHED);
  } else if (is_unknown_member) {
    do_new_member_join(*entry, handle, request, now_ms_);
  } else {
    do_current_member_join(*entry, handle, request, now_ms_);
  }
  if (entry->group.is(GroupState::PreparingRebalance)) try_complete_join(*entry, now_ms_);
}

bool GroupCoordinator::accept_joining_member(const GroupEntry& entry, const std::string& member_id) const {
  const auto& group = entry.group;
  switch (group.state()) {
    case GroupState::Empty:
    case GroupState::Dead:
      return true;
    case GroupState::PreparingRebalance:
      return (group.has(member_id) && group.get(member_id).is_awaiting_join()) ||
             group.num_members_awaiting_join() < config_.group_max_size;
    case GroupState::CompletingRebalance:
    case GroupState::Stable:
      return group.has(member_id) || static_cast<std::int64_t>(group.size()) < config_.group_max_size;
  }
  return false;
}

void GroupCoordinator::do_new_member_join(GroupEntry& entry, RequestHandle handle,
                                          const protocol::JoinGroupRequest& request, std::int64_t now_ms) {
  auto& group = entry.group;
  if (group.is(GroupState::Dead)) {
    respond_join_error(handle, request.member_id, Error::COORDINATOR_NOT_AVAILABLE);
    return;
  }
  if (!group.supports_protocols(request.protocol_type, request.protocols)) {
    respond_join_error(handle, request.member_id, Error::INCONSISTENT_GROUP_PROTOCOL);
    return;
  }
  // KIP-394 (JoinGroup v4+): hand out the id and wait for the member to come back with it.
  const std::string member_id = request.client_id + "-" + member_id_suffix_();
  group.add_pending_member(member_id);
  entry.pending_member_deadlines[member_id] = now_ms + request.session_timeout_ms;
  respond_join_error(handle, member_id, Error::MEMBER_ID_REQUIRED);
}

void GroupCoordinator::do_current_member_join(GroupEntry& entry, RequestHandle handle,
                                              const protocol::JoinGroupRequest& request, std::int64_t now_ms) {
  auto& group = entry.group;
  const std::string& member_id = request.member_id;
  if (group.is(GroupState::Dead)) {
    respond_join_error(handle, member_id, Error::COORDINATOR_NOT_AVAILABLE);
    return;
  }
  if (!group.supports_protocols(request.protocol_type, request.protocols)) {
    respond_join_error(handle, member_id, Error::INCONSISTENT_GROUP_PROTOCOL);
    return;
  }
  if (group.is_pending_member(member_id)) {
    entry.pending_member_deadlines.erase(member_id);
    add_member_and_rebalance(entry, handle, request, member_id, now_ms);
    return;
  }
  if (!group.has(member_id)) {
    respond_join_error(handle, member_id, Error::UNKNOWN_MEMBER_ID);
    return;
  }
  auto& member = group.get(member_id);
  switch (group.state()) {
    case GroupState::PreparingRebalance:
      update_member_and_rebalance(entry, member, handle, request, now_ms);
      break;
    case GroupState::CompletingRebalance:
      if (member.matches(request.protocols)) {
        // The member did not get the JoinGroup answer: send it again.
        respond(handle, current_join_result(entry, member_id));
      } else {
        update_member_and_rebalance(entry, member, handle, request, now_ms);
      }
      break;
    case GroupState::Stable:
      if (group.is_leader(member_id) || !member.matches(request.protocols)) {
        // The leader rejoining (e.g. to rebalance for new metadata) or changed subscriptions.
        update_member_and_rebalance(entry, member, handle, request, now_ms);
      } else {
        respond(handle, current_join_result(entry, member_id));
      }
      break;
    case GroupState::Empty:
    case GroupState::Dead:
      respond_join_error(handle, member_id, Error::UNKNOWN_MEMBER_ID);
      break;
  }
}

protocol::JoinGroupResponse GroupCoordinator::current_join_result(const GroupEntry& entry,
                                                                  const std::string& member_id) const {
  const auto& group = entry.group;
  protocol::JoinGroupResponse response;
  if (group.is_leader(member_id)) response.members = group.current_member_metadata();
  response.member_id = member_id;
  response.generation_id = group.generation_id();
  response.protocol_type = group.protocol_type();
  response.protocol_name = group.protocol_name();
  response.leader = group.leader_id().value_or("");
  response.error_code = Error::NONE;
  return response;
}

void GroupCoordinator::add_member_and_rebalance(GroupEntry& entry, RequestHandle handle,
                                                const protocol::JoinGroupRequest& request,
                                                const std::string& member_id, std::int64_t now_ms) {
  auto& group = entry.group;
  MemberMetadata member;
  member.member_id = member_id;
  member.client_id = request.client_id;
  member.client_host = request.client_host;
  member.rebalance_timeout_ms = request.rebalance_timeout_ms;
  member.session_timeout_ms = request.session_timeout_ms;
  member.protocol_type = request.protocol_type;
  for (const auto& p : request.protocols) member.supported_protocols.emplace_back(p.name, p.metadata);
  member.is_new = true;
  // A member arriving while an empty group's first rebalance waits extends the initial delay.
  if (group.is(GroupState::PreparingRebalance) && group.generation_id() == 0) entry.new_member_added = true;
  group.add(std::move(member), handle);
  schedule_heartbeat_expiration(group.get(member_id), config_.new_member_join_timeout_ms, now_ms);
  maybe_prepare_rebalance(entry, now_ms);
}

void GroupCoordinator::update_member_and_rebalance(GroupEntry& entry, MemberMetadata& member, RequestHandle handle,
                                                   const protocol::JoinGroupRequest& request,
                                                   std::int64_t now_ms) {
  entry.group.update_member(member, request.protocols, request.rebalance_timeout_ms,
                            request.session_timeout_ms, handle);
  maybe_prepare_rebalance(entry, now_ms);
}

void GroupCoordinator::maybe_prepare_rebalance(GroupEntry& entry, std::int64_t now_ms) {
  if (entry.group.can_rebalance()) prepare_rebalance(entry, now_ms);
}

void GroupCoordinator::prepare_rebalance(GroupEntry& entry, std::int64_t now_ms) {
  auto& group = entry.group;
  if (group.is(GroupState::CompletingRebalance)) {
    reset_and_propagate_assignment_error(entry, Error::REBALANCE_IN_PROGRESS, now_ms);
  }
  entry.sync.reset();
  const bool was_empty = group.is(GroupState::Empty);
  const std::int32_t rebalance_timeout_ms = group.rebalance_timeout_ms();
  group.transition_to(GroupState::PreparingRebalance, now_ms);
  JoinOperation join;
  if (was_empty) {
    const std::int32_t delay = config_.group_initial_rebalance_delay_ms;
    join.initial = true;
    join.deadline_ms = now_ms + delay;
    join.delay_ms = delay;
    join.configured_delay_ms = delay;
    join.remaining_ms = std::max(rebalance_timeout_ms - delay, 0);
    entry.join = join;
  } else {
    join.deadline_ms = now_ms + rebalance_timeout_ms;
    entry.join = join;
    try_complete_join(entry, now_ms);
  }
}

void GroupCoordinator::try_complete_join(GroupEntry& entry, std::int64_t now_ms) {
  // InitialDelayedJoin never completes early; DelayedJoin does once everyone has rejoined.
  if (!entry.join || entry.join->initial || !entry.group.has_all_members_joined()) return;
  entry.join.reset();
  on_complete_join(entry, now_ms);
}

void GroupCoordinator::on_join_expired(GroupEntry& entry, std::int64_t now_ms) {
  const JoinOperation op = *entry.join;
  entry.join.reset();
  if (op.initial && entry.new_member_added && op.remaining_ms != 0) {
    entry.new_member_added = false;
    JoinOperation next;
    next.initial = true;
    next.delay_ms = std::min(op.configured_delay_ms, op.remaining_ms);
    next.deadline_ms = now_ms + next.delay_ms;
    next.configured_delay_ms = op.configured_delay_ms;
    next.remaining_ms = std::max(op.remaining_ms - op.delay_ms, 0);
    entry.join = next;
    return;
  }
  on_complete_join(entry, now_ms);
}

void GroupCoordinator::on_complete_join(GroupEntry& entry, std::int64_t now_ms) {
  auto& group = entry.group;
  for (const auto& member_id : group.not_yet_rejoined_members()) group.remove(member_id);
  if (group.is(GroupState::Dead)) return;
  if (!group.maybe_elect_new_joined_leader() && !group.empty()) {
    // Nobody rejoined: wait another rebalance timeout for the sessions to expire.
    JoinOperation join;
    join.deadline_ms = now_ms + group.rebalance_timeout_ms();
    entry.join = join;
    try_complete_join(entry, now_ms);
    return;
  }
  group.init_next_generation(now_ms);
  if (group.is(GroupState::Empty)) {
    store_group(entry, {}, std::nullopt, now_ms);
    return;
  }
  for (const auto& member_id : group.member_ids()) {
    auto& member = group.get(member_id);
    if (auto join_handle = group.take_join_handle(member)) {
      respond(*join_handle, current_join_result(entry, member_id));
    }
    schedule_heartbeat_expiration(member, member.session_timeout_ms, now_ms);
    member.is_new = false;
    group.add_pending_sync_member(member_id);
  }
  entry.sync = SyncOperation{now_ms + group.rebalance_timeout_ms(), group.generation_id()};
}

void GroupCoordinator::on_sync_expired(GroupEntry& entry, std::int64_t now_ms) {
  const SyncOperation op = *entry.sync;
  entry.sync.reset();
  auto& group = entry.group;
  if (op.generation_id != group.generation_id()) return;
  if (!group.is(GroupState::CompletingRebalance) && !group.is(GroupState::Stable)) return;
  if (group.pending_sync_members().empty()) return;
  const std::vector<std::string> pending(group.pending_sync_members().begin(), group.pending_sync_members().end());
  for (const auto& member_id : pending) group.remove(member_id);
  prepare_rebalance(entry, now_ms);
}

void GroupCoordinator::remove_pending_sync_member(GroupEntry& entry, const std::string& member_id) {
  entry.group.remove_pending_sync_member(member_id);
  if (entry.group.pending_sync_members().empty()) entry.sync.reset();
}

void GroupCoordinator::schedule_heartbeat_expiration(MemberMetadata& member, std::int32_t timeout_ms,
                                                     std::int64_t now_ms) {
  if (member.has_satisfied_heartbeat_without_heartbeat()) {
    member.heartbeat_deadline_ms.reset();
  } else {
    member.heartbeat_deadline_ms = now_ms + timeout_ms;
  }
}

void GroupCoordinator::on_heartbeat_expired(GroupEntry& entry, const std::string& member_id, std::int64_t now_ms) {
  auto& member = entry.group.get(member_id);
  member.heartbeat_deadline_ms.reset();
  if (member.has_satisfied_heartbeat_without_heartbeat()) return;
  remove_member_and_update_group(entry, member_id, now_ms);
}

void GroupCoordinator::on_pending_member_expired(GroupEntry& entry, const std::string& member_id,
                                                 std::int64_t now_ms) {
  entry.pending_member_deadlines.erase(member_id);
  if (!entry.group.is_pending_member(member_id)) return;
  entry.group.remove_pending_member(member_id);
  if (entry.group.is(GroupState::PreparingRebalance)) try_complete_join(entry, now_ms);
}

void GroupCoordinator::remove_member_and_update_group(GroupEntry& entry, const std::string& member_id,
                                                      std::int64_t now_ms) {
  auto& group = entry.group;
  // A new member may time out with its JoinGroup pending: answer it first.
  if (auto join_handle = group.take_join_handle(group.get(member_id))) {
    respond_join_error(*join_handle, "", Error::UNKNOWN_MEMBER_ID);
  }
  group.remove(member_id);
  switch (group.state()) {
    case GroupState::Dead:
    case GroupState::Empty:
      break;
    case GroupState::Stable:
    case GroupState::CompletingRebalance:
      maybe_prepare_rebalance(entry, now_ms);
      break;
    case GroupState::PreparingRebalance:
      try_complete_join(entry, now_ms);
      break;
  }
}

std::optional<Error> GroupCoordinator::validate_current_member(const GroupEntry& entry,
                                                                const std::string& member_id) const {
  if (!entry.group.has(member_id)) return Error::UNKNOWN_MEMBER_ID;
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// SyncGroup

void GroupCoordinator::sync_group(RequestHandle handle, const protocol::SyncGroupRequest& request,
                                  std::int64_t now_ms) {
  advance(now_ms);
  const auto answer = [&](Error error) {
    protocol::SyncGroupResponse response;
    response.error_code = error;
    respond(handle, std::move(response));
  };
  if (auto error = validate_group_status(request.group_id, false)) return answer(*error);
  GroupEntry* entry = find(request.group_id);
  if (entry == nullptr) return answer(Error::UNKNOWN_MEMBER_ID);
  auto& group = entry->group;
  if (group.is(GroupState::Dead)) return answer(Error::COORDINATOR_NOT_AVAILABLE);
  if (auto error = validate_current_member(*entry, request.member_id)) return answer(*error);
  if (request.generation_id != group.generation_id()) return answer(Error::ILLEGAL_GENERATION);
  if (request.protocol_type && group.protocol_type() != request.protocol_type) {
    return answer(Error::INCONSISTENT_GROUP_PROTOCOL);
  }
  if (request.protocol_name && group.protocol_name() != request.protocol_name) {
    return answer(Error::INCONSISTENT_GROUP_PROTOCOL);
  }
  switch (group.state()) {
    case GroupState::Empty:
      return answer(Error::UNKNOWN_MEMBER_ID);
    case GroupState::PreparingRebalance:
      return answer(Error::REBALANCE_IN_PROGRESS);
    case GroupState::CompletingRebalance: {
      group.get(request.member_id).awaiting_sync = handle;
      remove_pending_sync_member(*entry, request.member_id);
      if (group.is_leader(request.member_id)) {
        // Members the leader gave nothing get an empty assignment.
        std::map<std::string, storage::Bytes> assignment;
        for (const auto& a : request.assignments) assignment.insert_or_assign(a.member_id, a.assignment);
        for (const auto& id : group.member_ids()) assignment.try_emplace(id);
        for (auto it = assignment.begin(); it != assignment.end();) {
          it = group.has(it->first) ? std::next(it) : assignment.erase(it);
        }
        store_group(*entry, assignment, group.generation_id(), now_ms_);
      }
      return;
    }
    case GroupState::Stable: {
      remove_pending_sync_member(*entry, request.member_id);
      auto& member = group.get(request.member_id);
      protocol::SyncGroupResponse response;
      response.protocol_type = group.protocol_type();
      response.protocol_name = group.protocol_name();
      response.assignment = member.assignment;
      respond(handle, std::move(response));
      schedule_heartbeat_expiration(member, member.session_timeout_ms, now_ms_);
      return;
    }
    case GroupState::Dead:
      return answer(Error::COORDINATOR_NOT_AVAILABLE);
  }
}

void GroupCoordinator::reset_and_propagate_assignment_error(GroupEntry& entry, Error error, std::int64_t now_ms) {
  for (const auto& id : entry.group.member_ids()) entry.group.get(id).assignment.clear();
  propagate_assignment(entry, error, now_ms);
}

void GroupCoordinator::set_and_propagate_assignment(GroupEntry& entry,
                                                    const std::map<std::string, storage::Bytes>& assignment,
                                                    std::int64_t now_ms) {
  for (const auto& id : entry.group.member_ids()) {
    auto it = assignment.find(id);
    entry.group.get(id).assignment = it == assignment.end() ? storage::Bytes{} : it->second;
  }
  propagate_assignment(entry, Error::NONE, now_ms);
}

void GroupCoordinator::propagate_assignment(GroupEntry& entry, Error error, std::int64_t now_ms) {
  auto& group = entry.group;
  for (const auto& id : group.member_ids()) {
    auto& member = group.get(id);
    if (auto sync_handle = group.take_sync_handle(member)) {
      protocol::SyncGroupResponse response;
      response.error_code = error;
      if (error == Error::NONE) {
        response.protocol_type = group.protocol_type();
        response.protocol_name = group.protocol_name();
        response.assignment = member.assignment;
      }
      respond(*sync_handle, std::move(response));
      // Sessions that expired while waiting for the leader or the append were ignored; restart them.
      schedule_heartbeat_expiration(member, member.session_timeout_ms, now_ms);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Heartbeat and LeaveGroup

void GroupCoordinator::heartbeat(RequestHandle handle, const protocol::HeartbeatRequest& request,
                                 std::int64_t now_ms) {
  advance(now_ms);
  const auto answer = [&](Error error) { respond(handle, protocol::HeartbeatResponse{error}); };
  if (auto error = validate_group_status(request.group_id, false)) return answer(*error);
  GroupEntry* entry = find(request.group_id);
  if (entry == nullptr) return answer(Error::UNKNOWN_MEMBER_ID);
  auto& group = entry->group;
  if (group.is(GroupState::Dead)) return answer(Error::COORDINATOR_NOT_AVAILABLE);
  if (auto error = validate_current_member(*entry, request.member_id)) return answer(*error);
  if (request.generation_id != group.generation_id()) return answer(Error::ILLEGAL_GENERATION);
  auto& member = group.get(request.member_id);
  switch (group.state()) {
    case GroupState::Empty:
      return answer(Error::UNKNOWN_MEMBER_ID);
    case GroupState::CompletingRebalance:
    case GroupState::Stable:
      schedule_heartbeat_expiration(member, member.session_timeout_ms, now_ms_);
      return answer(Error::NONE);
    case GroupState::PreparingRebalance:
      schedule_heartbeat_expiration(member, member.session_timeout_ms, now_ms_);
      return answer(Error::REBALANCE_IN_PROGRESS);
    case GroupState::Dead:
      return answer(Error::COORDINATOR_NOT_AVAILABLE);
  }
}

void GroupCoordinator::leave_group(RequestHandle handle, const protocol::LeaveGroupRequest& request,
                                   std::int64_t now_ms) {
  advance(now_ms);
  protocol::LeaveGroupResponse response;
  if (auto error = validate_group_status(request.group_id, false)) {
    response.error_code = *error;
    return respond(handle, std::move(response));
  }
  GroupEntry* entry = find(request.group_id);
  if (entry != nullptr && entry->group.is(GroupState::Dead)) {
    response.error_code = Error::COORDINATOR_NOT_AVAILABLE;
    return respond(handle, std::move(response));
  }
  for (const auto& leaving : request.members) {
    protocol::LeaveGroupMemberResponse member_response{leaving.member_id, leaving.group_instance_id, Error::NONE};
    if (entry == nullptr || leaving.member_id.empty()) {
      member_response.error_code = Error::UNKNOWN_MEMBER_ID;
    } else if (entry->group.is_pending_member(leaving.member_id)) {
      entry->group.remove_pending_member(leaving.member_id);
      entry->pending_member_deadlines.erase(leaving.member_id);
      if (entry->group.is(GroupState::PreparingRebalance)) try_complete_join(*entry, now_ms_);
    } else if (auto error = validate_current_member(*entry, leaving.member_id)) {
      member_response.error_code = *error;
    } else {
      remove_member_and_update_group(*entry, leaving.member_id, now_ms_);
    }
    response.members.push_back(std::move(member_response));
  }
  respond(handle, std::move(response));
}

// ---------------------------------------------------------------------------------------------
// Time

std::optional<std::int64_t> GroupCoordinator::next_deadline_ms() const {
  std::optional<std::int64_t> next;
  const auto consider = [&](std::int64_t d) {
    if (!next || d < *next) next = d;
  };
  for (const auto& [id, entry] : groups_) {
    if (entry.join) consider(entry.join->deadline_ms);
    if (entry.sync) consider(entry.sync->deadline_ms);
    for (const auto& [member_id, deadline] : entry.pending_member_deadlines) consider(deadline);
    for (const auto& member_id : entry.group.member_ids()) {
      if (const auto& d = entry.group.get(member_id).heartbeat_deadline_ms) consider(*d);
    }
  }
  return next;
}

void GroupCoordinator::advance(std::int64_t now_ms) {
  // Each step fires the one earliest due operation, stamped with its deadline; ties go by group
  // id, then join, sync, member sessions, pending members (member ids in order).
  while (true) {
    enum Kind { join = 0, sync = 1, session = 2, pending = 3 };
    std::optional<std::tuple<std::int64_t, std::string, int, std::string>> due;
    const auto consider = [&](std::int64_t deadline, const std::string& group_id, int kind,
                              const std::string& member_id) {
      if (deadline > now_ms) return;
      auto candidate = std::make_tuple(deadline, group_id, kind, member_id);
      if (!due || candidate < *due) due = std::move(candidate);
    };
    for (const auto& [group_id, entry] : groups_) {
      if (entry.join) consider(entry.join->deadline_ms, group_id, join, "");
      if (entry.sync) consider(entry.sync->deadline_ms, group_id, sync, "");
      for (const auto& member_id : entry.group.member_ids()) {
        if (const auto& d = entry.group.get(member_id).heartbeat_deadline_ms) consider(*d, group_id, session, member_id);
      }
      for (const auto& [member_id, deadline] : entry.pending_member_deadlines) {
        consider(deadline, group_id, pending, member_id);
      }
    }
    if (!due) break;
    const auto& [deadline, group_id, kind, member_id] = *due;
    now_ms_ = std::max(now_ms_, deadline);
    GroupEntry& entry = groups_.at(group_id);
    switch (kind) {
      case join: on_join_expired(entry, deadline); break;
      case sync: on_sync_expired(entry, deadline); break;
      case session: on_heartbeat_expired(entry, member_id, deadline); break;
      default: on_pending_member_expired(entry, member_id, deadline); break;
    }
  }
  now_ms_ = std::max(now_ms_, now_ms);
}

storage::TopicPartition coordinator_partition(const protocol::FindCoordinatorRequest& request,
                                              std::int32_t offsets_topic_num_partitions) {
  return offsets_topic_partition_for(request.key, offsets_topic_num_partitions);
}

}  // namespace ksim::coordinator
