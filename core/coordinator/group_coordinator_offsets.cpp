// The storage half of the group coordinator (GroupMetadataManager): OffsetCommit and
// OffsetFetch, ListGroups and DescribeGroups, writing groups and offsets to __consumer_offsets,
// and loading/unloading a partition's groups when this broker gains or loses its leadership.
#include <algorithm>
#include <stdexcept>

#include "core/controller/zk_json_order.h"
#include "core/coordinator/group_coordinator.h"
#include "core/coordinator/offsets_topic.h"
#include "core/storage/errors.h"

namespace ksim::coordinator {

using protocol::Error;

namespace {

// GroupMetadataManager.storeGroup's mapping of a failed append.
Error group_append_error(Error error) {
  switch (error) {
    case Error::UNKNOWN_TOPIC_OR_PARTITION:
    case Error::NOT_ENOUGH_REPLICAS:
    case Error::NOT_ENOUGH_REPLICAS_AFTER_APPEND:
      return Error::COORDINATOR_NOT_AVAILABLE;
    case Error::NOT_LEADER_OR_FOLLOWER:
    case Error::KAFKA_STORAGE_ERROR:
      return Error::NOT_COORDINATOR;
    case Error::REQUEST_TIMED_OUT:
      return Error::REBALANCE_IN_PROGRESS;
    case Error::MESSAGE_TOO_LARGE:
    case Error::RECORD_LIST_TOO_LARGE:
      return Error::UNKNOWN_SERVER_ERROR;
    default:
      return error;
  }
}

// GroupMetadataManager.storeOffsets's mapping of a failed append.
Error offset_commit_append_error(Error error) {
  switch (error) {
    case Error::UNKNOWN_TOPIC_OR_PARTITION:
    case Error::NOT_ENOUGH_REPLICAS:
    case Error::NOT_ENOUGH_REPLICAS_AFTER_APPEND:
      return Error::COORDINATOR_NOT_AVAILABLE;
    case Error::NOT_LEADER_OR_FOLLOWER:
    case Error::KAFKA_STORAGE_ERROR:
      return Error::NOT_COORDINATOR;
    case Error::MESSAGE_TOO_LARGE:
    case Error::RECORD_LIST_TOO_LARGE:
      return Error::INVALID_COMMIT_OFFSET_SIZE;
    default:
      return error;
  }
}

}  // namespace

std::uint64_t GroupCoordinator::enqueue_append(OffsetsTopicAppend::Kind kind, const std::string& group_id,
                                               storage::Bytes batch, PendingAppend pending) {
  const std::uint64_t id = next_append_id_++;
  OffsetsTopicAppend append;
  append.append_id = id;
  append.kind = kind;
  append.group_id = group_id;
  append.topic_partition = {group_metadata_topic_name, partition_for(group_id)};
  append.required_acks = config_.offsets_commit_required_acks;
  append.timeout_ms = config_.offsets_commit_timeout_ms;
  append.records = std::move(batch);
  appends_.push_back(std::move(append));
  pending.kind = kind;
  pending.group_id = group_id;
  pending_appends_.emplace(id, std::move(pending));
  return id;
}

void GroupCoordinator::store_group(GroupEntry& entry, const std::map<std::string, storage::Bytes>& assignment,
                                   std::optional<std::int32_t> sync_generation_id, std::int64_t now_ms) {
  const auto& group = entry.group;
  GroupMetadataValue value;
  value.protocol_type = group.protocol_type().value_or("");
  value.generation = group.generation_id();
  value.protocol = group.protocol_name();
  value.leader = group.leader_id();
  value.current_state_timestamp = group.current_state_timestamp().value_or(-1);
  for (const auto& id : group.member_ids()) {
    const auto& member = group.get(id);
    GroupMetadataValueMember m;
    m.member_id = id;
    m.group_instance_id = member.group_instance_id;
    m.client_id = member.client_id;
    m.client_host = member.client_host;
    m.rebalance_timeout = member.rebalance_timeout_ms;
    m.session_timeout = member.session_timeout_ms;
    m.subscription = member.metadata(group.protocol_name().value());
    m.assignment = assignment.at(id);
    value.members.push_back(std::move(m));
  }
  const auto batch = build_offsets_topic_batch(
      {{encode_group_metadata_key({group.group_id()}), encode_group_metadata_value(value)}}, now_ms,
      storage::kNoSequence);
  PendingAppend pending;
  pending.incarnation = entry.incarnation;
  pending.sync_generation_id = sync_generation_id;
  pending.assignment = assignment;
  enqueue_append(OffsetsTopicAppend::Kind::group_metadata, group.group_id(), batch, std::move(pending));
}

// ---------------------------------------------------------------------------------------------
// OffsetCommit

void GroupCoordinator::respond_commit_error(RequestHandle handle, const protocol::OffsetCommitRequest& request,
                                            Error error) {
  protocol::OffsetCommitResponse response;
  for (const auto& p : request.partitions) response.partitions.push_back({p.topic_partition, error});
  respond(handle, std::move(response));
}

void GroupCoordinator::commit_offsets(RequestHandle handle, const protocol::OffsetCommitRequest& request,
                                      std::int64_t now_ms) {
  advance(now_ms);
  if (auto error = validate_group_status(request.group_id, true)) {
    return respond_commit_error(handle, request, *error);
  }
  GroupEntry* entry = find(request.group_id);
  if (entry == nullptr) {
    if (request.generation_id >= 0) return respond_commit_error(handle, request, Error::ILLEGAL_GENERATION);
    // Not using Kafka for group management (assign() and commitSync): allowed, in a new Empty group.
    entry = &add_group(request.group_id, GroupState::Empty, now_ms_);
  }
  do_commit_offsets(*entry, handle, request, now_ms_);
}

void GroupCoordinator::do_commit_offsets(GroupEntry& entry, RequestHandle handle,
                                         const protocol::OffsetCommitRequest& request, std::int64_t now_ms) {
  auto& group = entry.group;
  if (group.is(GroupState::Dead)) return respond_commit_error(handle, request, Error::COORDINATOR_NOT_AVAILABLE);
  if (request.generation_id >= 0 || !request.member_id.empty() || request.group_instance_id) {
    if (auto error = validate_current_member(entry, request.member_id)) {
      return respond_commit_error(handle, request, *error);
    }
    if (request.generation_id != group.generation_id()) {
      return respond_commit_error(handle, request, Error::ILLEGAL_GENERATION);
    }
  } else if (!group.is(GroupState::Empty)) {
    // Only members may commit for a group that has some.
    return respond_commit_error(handle, request, Error::UNKNOWN_MEMBER_ID);
  }
  switch (group.state()) {
    case GroupState::Empty:
      return store_offsets(entry, handle, request, now_ms);
    case GroupState::Stable:
    case GroupState::PreparingRebalance: {
      auto& member = group.get(request.member_id);
      schedule_heartbeat_expiration(member, member.session_timeout_ms, now_ms);
      return store_offsets(entry, handle, request, now_ms);
    }
    case GroupState::CompletingRebalance:
      return respond_commit_error(handle, request, Error::REBALANCE_IN_PROGRESS);
    case GroupState::Dead:
      return respond_commit_error(handle, request, Error::COORDINATOR_NOT_AVAILABLE);
  }
}

void GroupCoordinator::store_offsets(GroupEntry& entry, RequestHandle handle,
                                     const protocol::OffsetCommitRequest& request, std::int64_t now_ms) {
  PendingAppend pending;
  pending.incarnation = entry.incarnation;
  pending.handle = handle;
  pending.requested = request.partitions;
  std::vector<CoordinatorRecord> records;
  for (const auto& p : request.partitions) {
    const std::string metadata = p.committed_metadata.value_or("");
    const bool too_large = metadata.size() > static_cast<std::size_t>(config_.offset_metadata_max_bytes);
    pending.metadata_too_large.push_back(too_large);
    if (too_large) continue;
    const OffsetAndMetadata offset{p.committed_offset, p.committed_leader_epoch, metadata, now_ms};
    OffsetCommitValue value;
    value.offset = offset.committed_offset;
    value.leader_epoch = offset.leader_epoch;
    value.metadata = offset.metadata;
    value.commit_timestamp = offset.commit_timestamp_ms;
    records.push_back({encode_offset_commit_key({request.group_id, p.topic_partition.topic,
                                                 p.topic_partition.partition}),
                       encode_offset_commit_value(value)});
    pending.written.emplace_back(p.topic_partition, offset);
  }
  if (records.empty()) return respond_commit_error(handle, request, Error::OFFSET_METADATA_TOO_LARGE);
  entry.group.prepare_offset_commit(pending.written);
  auto batch = build_offsets_topic_batch(records, now_ms, 0);
  enqueue_append(OffsetsTopicAppend::Kind::offset_commit, request.group_id, std::move(batch), std::move(pending));
}

void GroupCoordinator::on_append_completed(std::uint64_t append_id, Error error, std::int64_t base_offset,
                                           std::int64_t now_ms) {
  advance(now_ms);
  auto it = pending_appends_.find(append_id);
  if (it == pending_appends_.end()) return;
  PendingAppend pending = std::move(it->second);
  pending_appends_.erase(it);
  GroupEntry* entry = find(pending.group_id);
  if (entry != nullptr && (entry->incarnation != pending.incarnation || entry->group.is(GroupState::Dead))) {
    entry = nullptr;  // the group this append was for was unloaded
  }
  if (pending.kind == OffsetsTopicAppend::Kind::offset_commit) {
    Error response_error = Error::NONE;
    if (error == Error::NONE) {
      if (entry != nullptr) {
        for (const auto& [tp, offset] : pending.written) entry->group.on_offset_commit_append(tp, {base_offset, offset});
      }
    } else {
      if (entry != nullptr) {
        for (const auto& [tp, offset] : pending.written) entry->group.fail_pending_offset_write(tp, offset);
      }
      response_error = offset_commit_append_error(error);
    }
    protocol::OffsetCommitResponse response;
    for (std::size_t i = 0; i < pending.requested.size(); ++i) {
      response.partitions.push_back({pending.requested[i].topic_partition,
                                     pending.metadata_too_large[i] ? Error::OFFSET_METADATA_TOO_LARGE : response_error});
    }
    respond(pending.handle, std::move(response));
    return;
  }
  // Group metadata: after the leader's SyncGroup, the assignment is handed out only if the
  // group is still in the same rebalance.
  if (entry == nullptr || !pending.sync_generation_id) return;
  auto& group = entry->group;
  if (!group.is(GroupState::CompletingRebalance) || group.generation_id() != *pending.sync_generation_id) return;
  if (error != Error::NONE) {
    reset_and_propagate_assignment_error(*entry, group_append_error(error), now_ms_);
    maybe_prepare_rebalance(*entry, now_ms_);
  } else {
    set_and_propagate_assignment(*entry, pending.assignment, now_ms_);
    group.transition_to(GroupState::Stable, now_ms_);
  }
}

// ---------------------------------------------------------------------------------------------
// OffsetFetch, ListGroups, DescribeGroups

void GroupCoordinator::fetch_offsets(RequestHandle handle, const protocol::OffsetFetchRequest& request,
                                     std::int64_t now_ms) {
  advance(now_ms);
  protocol::OffsetFetchResponse response;
  if (auto error = validate_group_status(request.group_id, true)) {
    response.error_code = *error;
    return respond(handle, std::move(response));
  }
  const GroupEntry* entry = find(request.group_id);
  const auto no_offset = [](const storage::TopicPartition& tp, Error error) {
    protocol::OffsetFetchResponsePartition p;
    p.topic_partition = tp;
    p.metadata = "";
    p.error_code = error;
    return p;
  };
  if (entry == nullptr || entry->group.is(GroupState::Dead)) {
    for (const auto& tp : request.partitions.value_or(std::vector<storage::TopicPartition>{})) {
      response.partitions.push_back(no_offset(tp, Error::NONE));
    }
    return respond(handle, std::move(response));
  }
  const auto& group = entry->group;
  std::vector<storage::TopicPartition> partitions;
  if (request.partitions) {
    partitions = *request.partitions;
  } else {
    for (const auto& [tp, offset] : group.offsets()) partitions.push_back(tp);
  }
  for (const auto& tp : partitions) {
    if (request.require_stable && group.has_pending_offset_commits_for(tp)) {
      response.partitions.push_back(no_offset(tp, Error::UNSTABLE_OFFSET_COMMIT));
    } else if (const auto offset = group.offset(tp)) {
      protocol::OffsetFetchResponsePartition p;
      p.topic_partition = tp;
      p.committed_offset = offset->committed_offset;
      p.committed_leader_epoch = offset->leader_epoch;
      p.metadata = offset->metadata;
      response.partitions.push_back(std::move(p));
    } else {
      response.partitions.push_back(no_offset(tp, Error::NONE));
    }
  }
  respond(handle, std::move(response));
}

void GroupCoordinator::list_groups(RequestHandle handle, const protocol::ListGroupsRequest& request,
                                   std::int64_t now_ms) {
  advance(now_ms);
  // The group cache is a ConcurrentHashMap (kafka.utils.Pool): its order, over the groups in the
  // order they were added.
  std::vector<const GroupEntry*> entries;
  for (const auto& [id, entry] : groups_) entries.push_back(&entry);
  std::sort(entries.begin(), entries.end(),
            [](const GroupEntry* a, const GroupEntry* b) { return a->created_sequence < b->created_sequence; });
  std::vector<std::string> keys;
  for (const auto* e : entries) keys.push_back(e->group.group_id());
  protocol::ListGroupsResponse response;
  for (const auto i : controller::zk::java_properties_order(keys, controller::zk::JavaVersion::java9_or_later)) {
    const auto& group = entries[i]->group;
    const std::string state(group_state_name(group.state()));
    if (!request.states_filter.empty() &&
        std::find(request.states_filter.begin(), request.states_filter.end(), state) == request.states_filter.end()) {
      continue;
    }
    response.groups.push_back({group.group_id(), group.protocol_type().value_or(""), state});
  }
  respond(handle, std::move(response));
}

void GroupCoordinator::describe_groups(RequestHandle handle, const protocol::DescribeGroupsRequest& request,
                                       std::int64_t now_ms) {
  advance(now_ms);
  protocol::DescribeGroupsResponse response;
  for (const auto& group_id : request.groups) {
    protocol::DescribedGroup described;
    described.group_id = group_id;
    if (auto error = validate_group_status(group_id, true)) {
      described.error_code = *error;  // GroupCoordinator.EmptyGroup: no state, no members
      response.groups.push_back(std::move(described));
      continue;
    }
    const GroupEntry* entry = find(group_id);
    if (entry == nullptr) {
      described.group_state = "Dead";  // GroupCoordinator.DeadGroup
      response.groups.push_back(std::move(described));
      continue;
    }
    const auto& group = entry->group;
    described.group_state = std::string(group_state_name(group.state()));
    described.protocol_type = group.protocol_type().value_or("");
    const bool stable = group.is(GroupState::Stable);
    if (stable) described.protocol_data = group.protocol_name().value_or("");
    for (const auto& id : group.member_ids()) {
      const auto& member = group.get(id);
      protocol::DescribedGroupMember m;
      m.member_id = id;
      m.group_instance_id = member.group_instance_id;
      m.client_id = member.client_id;
      m.client_host = member.client_host;
      if (stable) {
        m.member_metadata = member.metadata(*group.protocol_name());
        m.member_assignment = member.assignment;
      }
      described.members.push_back(std::move(m));
    }
    response.groups.push_back(std::move(described));
  }
  respond(handle, std::move(response));
}

// ---------------------------------------------------------------------------------------------
// Loading and unloading

void GroupCoordinator::on_became_leader(std::int32_t partition, storage::ByteView log_bytes, std::int64_t now_ms) {
  std::vector<storage::Record> records;
  std::size_t position = 0;
  while (position < log_bytes.size()) {
    const auto rest = log_bytes.subspan(position);
    storage::BatchHeader header;
    try {
      header = storage::read_batch_header(rest);
    } catch (const storage::CorruptDataError& e) {
      throw storage::CorruptDataError("__consumer_offsets-" + std::to_string(partition) + " at byte " +
                                      std::to_string(position) + ": " + e.what());
    }
    if (header.size_in_bytes() > rest.size()) {
      throw storage::CorruptDataError("__consumer_offsets-" + std::to_string(partition) + " at byte " +
                                      std::to_string(position) + ": batch of " +
                                      std::to_string(header.size_in_bytes()) + " bytes is truncated");
    }
    auto decoded = storage::decode_batch(rest.first(header.size_in_bytes()));
    if (!decoded.header.is_control()) {
      for (auto& r : decoded.records) records.push_back(std::move(r));
    }
    position += header.size_in_bytes();
  }
  on_became_leader(partition, records, now_ms);
}

void GroupCoordinator::on_became_leader(std::int32_t partition, const std::vector<storage::Record>& records,
                                        std::int64_t now_ms) {
  advance(now_ms);
  if (partition < 0 || partition >= config_.offsets_topic_num_partitions) {
    throw std::invalid_argument("__consumer_offsets has no partition " + std::to_string(partition));
  }
  if (owns_partition(partition)) return;
  load_partition(partition, records, now_ms_);
  owned_partitions_.insert(partition);
}

void GroupCoordinator::load_partition(std::int32_t partition, const std::vector<storage::Record>& records,
                                      std::int64_t now_ms) {
  std::map<std::string, std::map<storage::TopicPartition, CommitRecordMetadataAndOffset>> loaded_offsets;
  std::map<std::string, GroupMetadataValue> loaded_groups;
  std::set<std::string> removed_groups;
  for (const auto& record : records) {
    if (!record.key) {
      throw storage::CorruptDataError("__consumer_offsets-" + std::to_string(partition) + " offset " +
                                      std::to_string(record.offset) + ": record without a key");
    }
    const auto key = decode_record_key(*record.key);
    if (const auto* offset_key = std::get_if<OffsetCommitKey>(&key)) {
      const storage::TopicPartition tp{offset_key->topic, offset_key->partition};
      if (!record.value) {
        loaded_offsets[offset_key->group].erase(tp);
      } else {
        const auto value = decode_offset_commit_value(*record.value);
        loaded_offsets[offset_key->group].insert_or_assign(
            tp, CommitRecordMetadataAndOffset{
                    record.offset, {value.offset, value.leader_epoch, value.metadata, value.commit_timestamp}});
      }
    } else if (const auto* group_key = std::get_if<GroupMetadataKey>(&key)) {
      if (!record.value) {
        loaded_groups.erase(group_key->group);
        removed_groups.insert(group_key->group);
      } else {
        loaded_groups.insert_or_assign(group_key->group, decode_group_metadata_value(*record.value));
        removed_groups.erase(group_key->group);
      }
    }  // UnknownKey: records of a newer coordinator, skipped as Kafka does
  }
  for (const auto& [group_id, value] : loaded_groups) {
    auto& entry = add_group(group_id, value.members.empty() ? GroupState::Empty : GroupState::Stable, now_ms);
    auto& group = entry.group;
    group.load(value.protocol_type.empty() ? std::nullopt : std::optional<std::string>(value.protocol_type),
               value.generation, value.protocol, value.leader,
               value.current_state_timestamp == -1 ? std::nullopt
                                                   : std::optional<std::int64_t>(value.current_state_timestamp));
    for (const auto& m : value.members) {
      MemberMetadata member;
      member.member_id = m.member_id;
      member.group_instance_id = m.group_instance_id;
      member.client_id = m.client_id;
      member.client_host = m.client_host;
      member.rebalance_timeout_ms = m.rebalance_timeout;
      member.session_timeout_ms = m.session_timeout;
      member.protocol_type = value.protocol_type;
      member.supported_protocols.emplace_back(value.protocol.value_or(""), m.subscription);
      member.assignment = m.assignment;
      group.add(std::move(member), std::nullopt);
    }
    auto offsets = loaded_offsets.find(group_id);
    if (offsets != loaded_offsets.end()) {
      group.initialize_offsets(std::move(offsets->second));
      loaded_offsets.erase(offsets);
    }
    // onGroupLoaded: every member's session starts now.
    for (const auto& id : group.member_ids()) {
      auto& member = group.get(id);
      schedule_heartbeat_expiration(member, member.session_timeout_ms, now_ms);
    }
  }
  for (auto& [group_id, offsets] : loaded_offsets) {
    if (offsets.empty() || removed_groups.count(group_id) > 0) continue;
    auto& entry = add_group(group_id, GroupState::Empty, now_ms);
    entry.group.initialize_offsets(std::move(offsets));
  }
}

void GroupCoordinator::on_resigned(std::int32_t partition, std::int64_t now_ms) {
  advance(now_ms);
  if (!owns_partition(partition)) return;
  owned_partitions_.erase(partition);
  for (auto it = groups_.begin(); it != groups_.end();) {
    if (partition_for(it->first) == partition) {
      unload_group(it->second, now_ms_);
      it = groups_.erase(it);
    } else {
      ++it;
    }
  }
}

void GroupCoordinator::unload_group(GroupEntry& entry, std::int64_t now_ms) {
  auto& group = entry.group;
  const GroupState previous = group.state();
  group.transition_to(GroupState::Dead, now_ms);
  for (const auto& id : group.member_ids()) {
    auto& member = group.get(id);
    if (previous == GroupState::PreparingRebalance) {
      if (auto h = group.take_join_handle(member)) respond_join_error(*h, id, Error::NOT_COORDINATOR);
    } else if (previous == GroupState::Stable || previous == GroupState::CompletingRebalance) {
      if (auto h = group.take_sync_handle(member)) {
        protocol::SyncGroupResponse response;
        response.error_code = Error::NOT_COORDINATOR;
        respond(*h, std::move(response));
      }
    }
  }
}

}  // namespace ksim::coordinator
