// A scripted driver for GroupCoordinator tests: numbered request handles, member ids
// "<client>-uuidN", appends completed on demand, answers collected by handle.
#pragma once

#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "core/coordinator/group_coordinator.h"
#include "core/protocol/consumer_protocol.h"

namespace coordinator_test {

using namespace ksim::coordinator;
using namespace ksim::protocol;
using ksim::storage::Bytes;

inline constexpr const char* kGroup = "my-group";  // __consumer_offsets-12
inline constexpr std::int32_t kPartition = 12;

inline Bytes subscription(const std::vector<std::string>& topics) {
  ConsumerProtocolSubscription s;
  s.topics = topics;
  return encode_subscription(s);
}

inline Bytes assignment(const std::vector<ksim::storage::TopicPartition>& partitions) {
  ConsumerProtocolAssignment a;
  a.assigned_partitions = group_by_topic(partitions);
  return encode_assignment(a);
}

struct Harness {
  int uuids = 0;
  GroupCoordinator coordinator;
  RequestHandle next_handle = 1;
  std::map<RequestHandle, CoordinatorResponse> answers;
  std::vector<OffsetsTopicAppend> appends;  // not yet completed
  std::vector<Bytes> log;                   // batches appended successfully, in order
  std::int64_t log_end_offset = 0;

  explicit Harness(GroupCoordinatorConfig config = {})
      : coordinator(config, [this] { return "uuid" + std::to_string(++uuids); }) {
    coordinator.on_became_leader(kPartition, std::vector<ksim::storage::Record>{}, 0);
  }

  void collect() {
    for (auto& c : coordinator.take_completed()) {
      REQUIRE(answers.count(c.handle) == 0);
      answers.emplace(c.handle, std::move(c.response));
    }
    for (auto& a : coordinator.take_appends()) appends.push_back(std::move(a));
  }
  bool answered(RequestHandle h) {
    collect();
    return answers.count(h) > 0;
  }
  template <typename T>
  T answer(RequestHandle h) {
    collect();
    REQUIRE(answers.count(h) == 1);
    return std::get<T>(answers.at(h));
  }

  JoinGroupRequest join_request(const std::string& member_id, const std::string& client_id = "c1",
                                std::int32_t session_timeout_ms = 10000,
                                std::int32_t rebalance_timeout_ms = 20000) {
    JoinGroupRequest r;
    r.group_id = kGroup;
    r.member_id = member_id;
    r.client_id = client_id;
    r.client_host = "/10.0.0.1";
    r.session_timeout_ms = session_timeout_ms;
    r.rebalance_timeout_ms = rebalance_timeout_ms;
    r.protocols = {{"range", subscription({"t"})}};
    return r;
  }
  RequestHandle join(const JoinGroupRequest& r, std::int64_t now) {
    const auto h = next_handle++;
    coordinator.join_group(h, r, now);
    collect();
    return h;
  }
  // MEMBER_ID_REQUIRED round trip; returns the JoinGroup handle of the second join.
  RequestHandle join_new(const std::string& client_id, std::int64_t now, std::string& member_id,
                         std::int32_t session_timeout_ms = 10000, std::int32_t rebalance_timeout_ms = 20000) {
    const auto first = join(join_request("", client_id, session_timeout_ms, rebalance_timeout_ms), now);
    const auto response = answer<JoinGroupResponse>(first);
    REQUIRE(response.error_code == Error::MEMBER_ID_REQUIRED);
    member_id = response.member_id;
    return join(join_request(member_id, client_id, session_timeout_ms, rebalance_timeout_ms), now);
  }
  RequestHandle sync(const std::string& member_id, std::int32_t generation,
                     std::vector<SyncGroupRequestAssignment> assignments, std::int64_t now) {
    SyncGroupRequest r;
    r.group_id = kGroup;
    r.member_id = member_id;
    r.generation_id = generation;
    r.assignments = std::move(assignments);
    const auto h = next_handle++;
    coordinator.sync_group(h, r, now);
    collect();
    return h;
  }
  Error heartbeat(const std::string& member_id, std::int32_t generation, std::int64_t now) {
    HeartbeatRequest r{kGroup, generation, member_id, std::nullopt};
    const auto h = next_handle++;
    coordinator.heartbeat(h, r, now);
    return answer<HeartbeatResponse>(h).error_code;
  }
  RequestHandle leave(const std::string& member_id, std::int64_t now) {
    LeaveGroupRequest r;
    r.group_id = kGroup;
    r.members.push_back({member_id, std::nullopt, std::nullopt});
    const auto h = next_handle++;
    coordinator.leave_group(h, r, now);
    collect();
    return h;
  }
  RequestHandle commit(const std::string& member_id, std::int32_t generation,
                       std::vector<OffsetCommitRequestPartition> partitions, std::int64_t now) {
    OffsetCommitRequest r;
    r.group_id = kGroup;
    r.member_id = member_id;
    r.generation_id = generation;
    r.partitions = std::move(partitions);
    const auto h = next_handle++;
    coordinator.commit_offsets(h, r, now);
    collect();
    return h;
  }
  OffsetFetchResponse fetch(std::optional<std::vector<ksim::storage::TopicPartition>> partitions, std::int64_t now,
                            bool require_stable = false) {
    OffsetFetchRequest r;
    r.group_id = kGroup;
    r.partitions = std::move(partitions);
    r.require_stable = require_stable;
    const auto h = next_handle++;
    coordinator.fetch_offsets(h, r, now);
    return answer<OffsetFetchResponse>(h);
  }
  // Completes the oldest pending append: success gives it the next offsets of the log.
  OffsetsTopicAppend complete_append(Error error, std::int64_t now) {
    collect();
    REQUIRE(!appends.empty());
    auto append = appends.front();
    appends.erase(appends.begin());
    std::int64_t base_offset = -1;
    if (error == Error::NONE) {
      base_offset = log_end_offset;
      auto batch = append.records;
      const auto header = ksim::storage::read_batch_header(batch);
      ksim::storage::set_base_offset(batch, base_offset);
      log_end_offset = header.next_offset() + base_offset;
      log.push_back(batch);
    }
    coordinator.on_append_completed(append.append_id, error, base_offset, now);
    collect();
    return append;
  }
  Bytes log_bytes() const {
    Bytes all;
    for (const auto& b : log) all.insert(all.end(), b.begin(), b.end());
    return all;
  }
  const GroupMetadata& group() const {
    const auto* g = coordinator.group(kGroup);
    REQUIRE(g != nullptr);
    return *g;
  }
};

}  // namespace coordinator_test
