#include "core/coordinator/group_metadata.h"

#include <algorithm>
#include <stdexcept>

#include "core/controller/zk_json_order.h"
#include "core/coordinator/offsets_topic.h"

namespace ksim::coordinator {

std::string_view group_state_name(GroupState state) {
  switch (state) {
    case GroupState::Empty: return "Empty";
    case GroupState::PreparingRebalance: return "PreparingRebalance";
    case GroupState::CompletingRebalance: return "CompletingRebalance";
    case GroupState::Stable: return "Stable";
    case GroupState::Dead: return "Dead";
  }
  return "Unknown";
}

bool MemberMetadata::matches(const std::vector<protocol::JoinGroupRequestProtocol>& protocols) const {
  if (protocols.size() != supported_protocols.size()) return false;
  for (std::size_t i = 0; i < protocols.size(); ++i) {
    if (protocols[i].name != supported_protocols[i].first ||
        protocols[i].metadata != supported_protocols[i].second) {
      return false;
    }
  }
  return true;
}

const storage::Bytes& MemberMetadata::metadata(std::string_view protocol) const {
  for (const auto& [name, metadata] : supported_protocols) {
    if (name == protocol) return metadata;
  }
  throw std::logic_error("member " + member_id + " does not support protocol " + std::string(protocol));
}

std::string MemberMetadata::vote(const std::set<std::string>& candidates) const {
  for (const auto& [name, metadata] : supported_protocols) {
    if (candidates.count(name) > 0) return name;
  }
  throw std::logic_error("member " + member_id + " does not support any of the candidate protocols");
}

GroupMetadata::GroupMetadata(std::string group_id, GroupState initial_state, std::int64_t now_ms)
    : group_id_(std::move(group_id)), state_(initial_state), current_state_timestamp_(now_ms) {}

namespace {

bool valid_previous_state(GroupState target, GroupState from) {
  switch (target) {
    case GroupState::Dead: return true;
    case GroupState::CompletingRebalance: return from == GroupState::PreparingRebalance;
    case GroupState::Stable: return from == GroupState::CompletingRebalance;
    case GroupState::PreparingRebalance:
      return from == GroupState::Stable || from == GroupState::CompletingRebalance ||
             from == GroupState::Empty;
    case GroupState::Empty: return from == GroupState::PreparingRebalance;
  }
  return false;
}

}  // namespace

bool GroupMetadata::can_rebalance() const {
  return valid_previous_state(GroupState::PreparingRebalance, state_);
}

void GroupMetadata::transition_to(GroupState target, std::int64_t now_ms) {
  if (!valid_previous_state(target, state_)) {
    throw std::logic_error("Group " + group_id_ + " should be in one of the valid previous states of " +
                           std::string(group_state_name(target)) + " prior to the transition, but it is in " +
                           std::string(group_state_name(state_)));
  }
  state_ = target;
  current_state_timestamp_ = now_ms;
}

MemberMetadata& GroupMetadata::get(std::string_view member_id) {
  auto it = members_.find(std::string(member_id));
  if (it == members_.end()) throw std::logic_error("group " + group_id_ + " has no member " + std::string(member_id));
  return it->second;
}

const MemberMetadata& GroupMetadata::get(std::string_view member_id) const {
  auto it = members_.find(std::string(member_id));
  if (it == members_.end()) throw std::logic_error("group " + group_id_ + " has no member " + std::string(member_id));
  return it->second;
}

std::vector<std::string> GroupMetadata::member_ids() const {
  std::vector<std::string> keys;
  keys.reserve(members_.size());
  for (const auto& [id, member] : members_) keys.push_back(id);
  const auto order = controller::zk::scala_mutable_hash_map_order(
      keys, controller::zk::ScalaVersion::v2_13, 0);
  std::vector<std::string> ordered;
  ordered.reserve(keys.size());
  for (const auto i : order) ordered.push_back(keys[i]);
  return ordered;
}

void GroupMetadata::add(MemberMetadata member, std::optional<RequestHandle> join_handle) {
  if (members_.empty()) protocol_type_ = member.protocol_type;
  if (!leader_id_) leader_id_ = member.member_id;
  for (const auto& [name, metadata] : member.supported_protocols) ++supported_protocols_[name];
  member.awaiting_join = join_handle;
  if (join_handle) ++num_members_awaiting_join_;
  pending_members_.erase(member.member_id);
  const std::string id = member.member_id;
  members_.insert_or_assign(id, std::move(member));
}

void GroupMetadata::remove(std::string_view member_id) {
  const std::string id(member_id);
  auto it = members_.find(id);
  if (it != members_.end()) {
    for (const auto& [name, metadata] : it->second.supported_protocols) --supported_protocols_[name];
    if (it->second.is_awaiting_join()) --num_members_awaiting_join_;
    members_.erase(it);
  }
  if (is_leader(id)) {
    const auto ids = member_ids();
    leader_id_ = ids.empty() ? std::nullopt : std::optional<std::string>(ids.front());
  }
  pending_members_.erase(id);
  pending_sync_members_.erase(id);
}

void GroupMetadata::update_member(MemberMetadata& member,
                                  const std::vector<protocol::JoinGroupRequestProtocol>& protocols,
                                  std::int32_t rebalance_timeout_ms, std::int32_t session_timeout_ms,
                                  RequestHandle join_handle) {
  for (const auto& [name, metadata] : member.supported_protocols) --supported_protocols_[name];
  member.supported_protocols.clear();
  for (const auto& p : protocols) {
    member.supported_protocols.emplace_back(p.name, p.metadata);
    ++supported_protocols_[p.name];
  }
  member.rebalance_timeout_ms = rebalance_timeout_ms;
  member.session_timeout_ms = session_timeout_ms;
  if (!member.is_awaiting_join()) ++num_members_awaiting_join_;
  member.awaiting_join = join_handle;
}

std::optional<RequestHandle> GroupMetadata::take_join_handle(MemberMetadata& member) {
  if (!member.is_awaiting_join()) return std::nullopt;
  const auto handle = member.awaiting_join;
  member.awaiting_join.reset();
  --num_members_awaiting_join_;
  return handle;
}

std::optional<RequestHandle> GroupMetadata::take_sync_handle(MemberMetadata& member) {
  const auto handle = member.awaiting_sync;
  member.awaiting_sync.reset();
  return handle;
}

bool GroupMetadata::has_all_members_joined() const {
  return static_cast<std::int32_t>(members_.size()) == num_members_awaiting_join_ &&
         pending_members_.empty();
}

std::vector<std::string> GroupMetadata::not_yet_rejoined_members() const {
  std::vector<std::string> out;
  for (const auto& id : member_ids()) {
    if (!members_.at(id).is_awaiting_join()) out.push_back(id);
  }
  return out;
}

std::int32_t GroupMetadata::rebalance_timeout_ms() const {
  std::int32_t timeout = 0;
  for (const auto& [id, member] : members_) timeout = std::max(timeout, member.rebalance_timeout_ms);
  return timeout;
}

bool GroupMetadata::supports_protocols(
    std::string_view member_protocol_type,
    const std::vector<protocol::JoinGroupRequestProtocol>& protocols) const {
  if (members_.empty()) return !member_protocol_type.empty() && !protocols.empty();
  if (!protocol_type_ || *protocol_type_ != member_protocol_type) return false;
  const auto n = static_cast<std::int32_t>(members_.size());
  return std::any_of(protocols.begin(), protocols.end(), [&](const auto& p) {
    auto it = supported_protocols_.find(p.name);
    return it != supported_protocols_.end() && it->second == n;
  });
}

std::string GroupMetadata::select_protocol() const {
  if (members_.empty()) throw std::logic_error("Cannot select protocol for empty group");
  std::set<std::string> candidates;
  const auto n = static_cast<std::int32_t>(members_.size());
  for (const auto& [name, count] : supported_protocols_) {
    if (count == n) candidates.insert(name);
  }
  // allMemberMetadata.map(_.vote(candidates)).groupBy(identity).maxBy(_._2.size): groupBy
  // yields an immutable.HashMap, whose order decides ties.
  std::vector<std::string> voted;
  std::vector<std::int32_t> votes;
  for (const auto& id : member_ids()) {
    const auto choice = members_.at(id).vote(candidates);
    auto it = std::find(voted.begin(), voted.end(), choice);
    if (it == voted.end()) {
      voted.push_back(choice);
      votes.push_back(1);
    } else {
      ++votes[static_cast<std::size_t>(it - voted.begin())];
    }
  }
  std::vector<std::int32_t> hashes;
  for (const auto& v : voted) hashes.push_back(java_string_hash_code(v));
  std::size_t best = voted.size();
  for (const auto i : scala_champ_order(hashes)) {
    if (best == voted.size() || votes[i] > votes[best]) best = i;
  }
  return voted[best];
}

void GroupMetadata::init_next_generation(std::int64_t now_ms) {
  ++generation_id_;
  if (!members_.empty()) {
    protocol_name_ = select_protocol();
    transition_to(GroupState::CompletingRebalance, now_ms);
  } else {
    protocol_name_.reset();
    transition_to(GroupState::Empty, now_ms);
  }
  pending_sync_members_.clear();
}

bool GroupMetadata::maybe_elect_new_joined_leader() {
  if (!leader_id_) return false;
  if (members_.at(*leader_id_).is_awaiting_join()) return true;
  for (const auto& id : member_ids()) {
    if (members_.at(id).is_awaiting_join()) {
      leader_id_ = id;
      return true;
    }
  }
  return false;
}

std::vector<protocol::JoinGroupResponseMember> GroupMetadata::current_member_metadata() const {
  if (!protocol_name_) throw std::logic_error("no protocol selected for group " + group_id_);
  std::vector<protocol::JoinGroupResponseMember> out;
  for (const auto& id : member_ids()) {
    const auto& member = members_.at(id);
    out.push_back({id, member.group_instance_id, member.metadata(*protocol_name_)});
  }
  return out;
}

std::optional<OffsetAndMetadata> GroupMetadata::offset(const storage::TopicPartition& tp) const {
  auto it = offsets_.find(tp);
  if (it == offsets_.end()) return std::nullopt;
  return it->second.offset_and_metadata;
}

void GroupMetadata::prepare_offset_commit(
    const std::vector<std::pair<storage::TopicPartition, OffsetAndMetadata>>& offsets) {
  for (const auto& [tp, offset] : offsets) pending_offset_commits_.insert_or_assign(tp, offset);
}

void GroupMetadata::on_offset_commit_append(const storage::TopicPartition& tp,
                                            const CommitRecordMetadataAndOffset& committed) {
  auto pending = pending_offset_commits_.find(tp);
  if (pending != pending_offset_commits_.end()) {
    auto current = offsets_.find(tp);
    // CommitRecordMetadataAndOffset.olderThan: a later batch replaces an earlier one.
    if (current == offsets_.end() || !current->second.appended_batch_offset ||
        *current->second.appended_batch_offset < committed.appended_batch_offset.value_or(-1)) {
      offsets_.insert_or_assign(tp, committed);
    }
    if (pending->second == committed.offset_and_metadata) pending_offset_commits_.erase(pending);
  }
}

void GroupMetadata::fail_pending_offset_write(const storage::TopicPartition& tp,
                                              const OffsetAndMetadata& offset) {
  auto pending = pending_offset_commits_.find(tp);
  if (pending != pending_offset_commits_.end() && pending->second == offset) {
    pending_offset_commits_.erase(pending);
  }
}

void GroupMetadata::load(std::optional<std::string> protocol_type, std::int32_t generation_id,
                         std::optional<std::string> protocol_name, std::optional<std::string> leader_id,
                         std::optional<std::int64_t> current_state_timestamp) {
  protocol_type_ = std::move(protocol_type);
  generation_id_ = generation_id;
  protocol_name_ = std::move(protocol_name);
  leader_id_ = std::move(leader_id);
  current_state_timestamp_ = current_state_timestamp;
}

}  // namespace ksim::coordinator
