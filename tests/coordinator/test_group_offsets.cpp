// OffsetCommit -> the exact __consumer_offsets batch -> append -> answer; OffsetFetch; failover
// to another coordinator that loads the partition; tombstones; resignation; error mapping.
#include "coordinator_harness.h"

#include "core/coordinator/group_metadata_records.h"

using namespace coordinator_test;
using ksim::storage::TopicPartition;

namespace {

// One member through the initial delay and its SyncGroup, assigned t-0 and t-1, at t = 3000.
std::string stable_member_of_t0_t1(Harness& h) {
  std::string a;
  const auto join = h.join_new("c1", 0, a);
  h.coordinator.advance(3000);
  REQUIRE(h.answer<JoinGroupResponse>(join).generation_id == 1);
  const auto sync = h.sync(a, 1, {{a, assignment({{"t", 0}, {"t", 1}})}}, 3000);
  h.complete_append(Error::NONE, 3000);
  REQUIRE(h.answer<SyncGroupResponse>(sync).error_code == Error::NONE);
  return a;
}

OffsetCommitRequestPartition partition(const std::string& topic, std::int32_t p, std::int64_t offset,
                                       std::int32_t epoch = 0) {
  OffsetCommitRequestPartition r;
  r.topic_partition = {topic, p};
  r.committed_offset = offset;
  r.committed_leader_epoch = epoch;
  return r;
}

}  // namespace

TEST_CASE("an offset commit is answered when its record is appended to __consumer_offsets",
          "[coordinator][offsets]") {
  Harness h;
  const std::string a = stable_member_of_t0_t1(h);
  const auto commit = h.commit(a, 1, {partition("t", 0, 5), partition("t", 1, 7, 3)}, 4000);
  CHECK_FALSE(h.answered(commit));
  REQUIRE(h.appends.size() == 1);
  const auto& append = h.appends[0];
  CHECK(append.kind == OffsetsTopicAppend::Kind::offset_commit);
  CHECK(append.topic_partition.to_string() == "__consumer_offsets-12");
  CHECK(append.required_acks == -1);

  const auto batch = ksim::storage::decode_batch(append.records);
  CHECK(batch.header.base_offset == 0);
  CHECK(batch.header.producer_id == -1);
  CHECK(batch.header.producer_epoch == -1);
  CHECK(batch.header.base_sequence == 0);  // MemoryRecords.builder(..., baseSequence 0, ...)
  CHECK(batch.header.base_timestamp == 4000);
  CHECK(batch.header.max_timestamp == 4000);
  REQUIRE(batch.records.size() == 2);
  const Bytes key0 = {0x00, 0x01, 0x00, 0x08, 'm', 'y', '-', 'g', 'r', 'o', 'u', 'p',
                      0x00, 0x01, 't', 0x00, 0x00, 0x00, 0x00};
  const Bytes value0 = {0x00, 0x03, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0x00, 0x00,
                        0, 0, 0, 0, 0, 0, 0x0f, 0xa0};  // commit timestamp 4000
  CHECK(batch.records[0].key == key0);
  CHECK(batch.records[0].value == value0);
  const Bytes value1 = {0x00, 0x03, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 3, 0x00, 0x00,
                        0, 0, 0, 0, 0, 0, 0x0f, 0xa0};
  CHECK(batch.records[1].value == value1);

  // While the append waits for the ISR, a fetch asking for stable offsets is told to retry.
  const auto unstable = h.fetch(std::vector<TopicPartition>{{"t", 0}}, 4001, true);
  CHECK(unstable.partitions[0].error_code == Error::UNSTABLE_OFFSET_COMMIT);
  CHECK(h.fetch(std::vector<TopicPartition>{{"t", 0}}, 4001).partitions[0].committed_offset == -1);

  h.complete_append(Error::NONE, 4010);
  const auto committed = h.answer<OffsetCommitResponse>(commit);
  REQUIRE(committed.partitions.size() == 2);
  CHECK(committed.partitions[0].error_code == Error::NONE);
  CHECK(committed.partitions[1].error_code == Error::NONE);

  const auto fetched = h.fetch(std::nullopt, 4020);
  CHECK(fetched.error_code == Error::NONE);
  REQUIRE(fetched.partitions.size() == 2);
  CHECK(fetched.partitions[0].topic_partition == TopicPartition{"t", 0});
  CHECK(fetched.partitions[0].committed_offset == 5);
  CHECK(fetched.partitions[0].committed_leader_epoch == 0);
  CHECK(fetched.partitions[0].metadata == std::optional<std::string>(""));
  CHECK(fetched.partitions[1].committed_offset == 7);
  CHECK(fetched.partitions[1].committed_leader_epoch == 3);
  const auto unknown = h.fetch(std::vector<TopicPartition>{{"u", 0}}, 4020);
  CHECK(unknown.partitions[0].committed_offset == -1);
  CHECK(unknown.partitions[0].error_code == Error::NONE);
}

TEST_CASE("failed appends map to coordinator errors as Kafka's storeOffsets does", "[coordinator][offsets]") {
  Harness h;
  const std::string a = stable_member_of_t0_t1(h);
  const auto c1 = h.commit(a, 1, {partition("t", 0, 5)}, 4000);
  h.complete_append(Error::NOT_LEADER_OR_FOLLOWER, 4001);
  CHECK(h.answer<OffsetCommitResponse>(c1).partitions[0].error_code == Error::NOT_COORDINATOR);
  const auto c2 = h.commit(a, 1, {partition("t", 0, 6)}, 4002);
  h.complete_append(Error::NOT_ENOUGH_REPLICAS, 4003);
  CHECK(h.answer<OffsetCommitResponse>(c2).partitions[0].error_code == Error::COORDINATOR_NOT_AVAILABLE);
  const auto c3 = h.commit(a, 1, {partition("t", 0, 7)}, 4004);
  h.complete_append(Error::REQUEST_TIMED_OUT, 4005);
  CHECK(h.answer<OffsetCommitResponse>(c3).partitions[0].error_code == Error::REQUEST_TIMED_OUT);
  // Nothing was stored, and nothing is pending any more.
  const auto fetched = h.fetch(std::vector<TopicPartition>{{"t", 0}}, 4006, true);
  CHECK(fetched.partitions[0].committed_offset == -1);
  CHECK(fetched.partitions[0].error_code == Error::NONE);
}

TEST_CASE("commits are checked against the group's members and generation", "[coordinator][offsets]") {
  Harness h;
  const std::string a = stable_member_of_t0_t1(h);
  CHECK(h.answer<OffsetCommitResponse>(h.commit(a, 0, {partition("t", 0, 1)}, 4000)).partitions[0].error_code ==
        Error::ILLEGAL_GENERATION);
  CHECK(h.answer<OffsetCommitResponse>(h.commit("x", 1, {partition("t", 0, 1)}, 4000)).partitions[0].error_code ==
        Error::UNKNOWN_MEMBER_ID);
  // Outside group management (generation -1, no member) only an empty group accepts commits.
  CHECK(h.answer<OffsetCommitResponse>(h.commit("", -1, {partition("t", 0, 1)}, 4000)).partitions[0].error_code ==
        Error::UNKNOWN_MEMBER_ID);
  OffsetCommitRequestPartition big = partition("t", 0, 1);
  big.committed_metadata = std::string(4097, 'x');
  CHECK(h.answer<OffsetCommitResponse>(h.commit(a, 1, {big}, 4000)).partitions[0].error_code ==
        Error::OFFSET_METADATA_TOO_LARGE);
}

TEST_CASE("groups and offsets survive a coordinator failover; tombstones delete", "[coordinator][offsets]") {
  Harness h;
  const std::string a = stable_member_of_t0_t1(h);
  const auto c = h.commit(a, 1, {partition("t", 0, 5), partition("t", 1, 7)}, 4000);
  h.complete_append(Error::NONE, 4000);
  REQUIRE(h.answer<OffsetCommitResponse>(c).partitions[0].error_code == Error::NONE);
  const Bytes log = h.log_bytes();  // the group metadata batch, then the offsets batch

  // The old coordinator resigns: its groups are gone, requests get NOT_COORDINATOR.
  h.coordinator.on_resigned(kPartition, 5000);
  CHECK(h.coordinator.group(kGroup) == nullptr);
  CHECK(h.heartbeat(a, 1, 5000) == Error::NOT_COORDINATOR);
  CHECK(h.fetch(std::nullopt, 5000).error_code == Error::NOT_COORDINATOR);

  // Another broker becomes leader of __consumer_offsets-12 and loads it.
  int uuids = 0;
  GroupCoordinator other({}, [&] { return "other" + std::to_string(++uuids); });
  other.on_became_leader(kPartition, log, 6000);
  const auto* group = other.group(kGroup);
  REQUIRE(group != nullptr);
  CHECK(group->is(GroupState::Stable));
  CHECK(group->generation_id() == 1);
  CHECK(group->leader_id() == std::optional<std::string>(a));
  CHECK(group->protocol_name() == std::optional<std::string>("range"));
  REQUIRE(group->has(a));
  CHECK(group->get(a).assignment == assignment({{"t", 0}, {"t", 1}}));
  CHECK(group->get(a).client_host == "/10.0.0.1");
  // Loaded members' sessions start at the load.
  CHECK(other.next_deadline_ms() == 16000);
  other.heartbeat(1, HeartbeatRequest{kGroup, 1, a, std::nullopt}, 6500);
  OffsetFetchRequest fetch;
  fetch.group_id = kGroup;
  other.fetch_offsets(2, fetch, 6500);
  auto completed = other.take_completed();
  REQUIRE(completed.size() == 2);
  CHECK(std::get<HeartbeatResponse>(completed[0].response).error_code == Error::NONE);
  const auto& offsets = std::get<OffsetFetchResponse>(completed[1].response);
  REQUIRE(offsets.partitions.size() == 2);
  CHECK(offsets.partitions[0].committed_offset == 5);
  CHECK(offsets.partitions[1].committed_offset == 7);

  // A tombstone for t-0 after them: a third coordinator loads only t-1.
  CoordinatorRecord tombstone{encode_offset_commit_key({kGroup, "t", 0}), std::nullopt};
  Bytes with_tombstone = log;
  auto tomb_batch = build_offsets_topic_batch({tombstone}, 7000, -1);
  ksim::storage::set_base_offset(tomb_batch, h.log_end_offset);
  with_tombstone.insert(with_tombstone.end(), tomb_batch.begin(), tomb_batch.end());
  GroupCoordinator third({}, [] { return std::string("x"); });
  third.on_became_leader(kPartition, with_tombstone, 8000);
  third.fetch_offsets(3, fetch, 8000);
  const auto after = std::get<OffsetFetchResponse>(third.take_completed().at(0).response);
  REQUIRE(after.partitions.size() == 1);
  CHECK(after.partitions[0].topic_partition == TopicPartition{"t", 1});

  // A group tombstone removes the group; its offsets alone would make an Empty group.
  CoordinatorRecord group_tombstone{encode_group_metadata_key({kGroup}), std::nullopt};
  auto group_tomb_batch = build_offsets_topic_batch({group_tombstone}, 7000, -1);
  ksim::storage::set_base_offset(group_tomb_batch, h.log_end_offset + 1);
  with_tombstone.insert(with_tombstone.end(), group_tomb_batch.begin(), group_tomb_batch.end());
  GroupCoordinator fourth({}, [] { return std::string("x"); });
  fourth.on_became_leader(kPartition, with_tombstone, 8000);
  CHECK(fourth.group(kGroup) == nullptr);
}

TEST_CASE("a commit whose coordinator resigns before the append completes gets NOT_COORDINATOR",
          "[coordinator][offsets]") {
  Harness h;
  const std::string a = stable_member_of_t0_t1(h);
  const auto c = h.commit(a, 1, {partition("t", 0, 5)}, 4000);
  h.coordinator.on_resigned(kPartition, 4001);
  h.complete_append(Error::NOT_LEADER_OR_FOLLOWER, 4002);
  CHECK(h.answer<OffsetCommitResponse>(c).partitions[0].error_code == Error::NOT_COORDINATOR);
}

TEST_CASE("members waiting in a rebalance get NOT_COORDINATOR when the coordinator resigns", "[coordinator]") {
  Harness h;
  std::string a;
  const auto join = h.join_new("c1", 0, a);
  h.coordinator.on_resigned(kPartition, 100);
  CHECK(h.answer<JoinGroupResponse>(join).error_code == Error::NOT_COORDINATOR);
  CHECK(h.coordinator.next_deadline_ms() == std::nullopt);
}

TEST_CASE("ListGroups and DescribeGroups", "[coordinator]") {
  Harness h;
  const std::string a = stable_member_of_t0_t1(h);
  const auto list_handle = h.next_handle++;
  h.coordinator.list_groups(list_handle, {}, 4000);
  const auto listed = h.answer<ListGroupsResponse>(list_handle);
  REQUIRE(listed.groups.size() == 1);
  CHECK(listed.groups[0].group_id == kGroup);
  CHECK(listed.groups[0].protocol_type == "consumer");
  CHECK(listed.groups[0].group_state == "Stable");

  const auto describe_handle = h.next_handle++;
  h.coordinator.describe_groups(describe_handle, {{kGroup, "unknown-group", "console-consumer-12345"}, false}, 4000);
  const auto described = h.answer<DescribeGroupsResponse>(describe_handle);
  REQUIRE(described.groups.size() == 3);
  CHECK(described.groups[0].group_state == "Stable");
  CHECK(described.groups[0].protocol_data == "range");
  REQUIRE(described.groups[0].members.size() == 1);
  CHECK(described.groups[0].members[0].member_id == a);
  CHECK(described.groups[0].members[0].client_id == "c1");
  CHECK(described.groups[0].members[0].member_assignment == assignment({{"t", 0}, {"t", 1}}));
  CHECK(described.groups[1].group_state == "Dead");  // also __consumer_offsets-12, but unknown
  CHECK(described.groups[2].error_code == Error::NOT_COORDINATOR);
}
