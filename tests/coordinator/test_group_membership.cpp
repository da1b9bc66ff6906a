// The classic group state machine through JoinGroup, SyncGroup, Heartbeat and LeaveGroup, and
// the rebalance timers, with exact times, generations and errors.
#include "coordinator_harness.h"

using namespace coordinator_test;

namespace {

// One member through the initial delay and its SyncGroup: Stable, generation 1, at t = 3000.
std::string stable_single_member(Harness& h) {
  std::string a;
  const auto join = h.join_new("c1", 0, a);
  h.coordinator.advance(3000);
  REQUIRE(h.answer<JoinGroupResponse>(join).generation_id == 1);
  const auto sync = h.sync(a, 1, {{a, assignment({{"t", 0}})}}, 3000);
  h.complete_append(Error::NONE, 3000);
  REQUIRE(h.answer<SyncGroupResponse>(sync).error_code == Error::NONE);
  REQUIRE(h.group().is(GroupState::Stable));
  return a;
}

}  // namespace

TEST_CASE("a first JoinGroup without member id gets MEMBER_ID_REQUIRED and its id (KIP-394)",
          "[coordinator][join]") {
  Harness h;
  const auto first = h.join(h.join_request(""), 0);
  const auto response = h.answer<JoinGroupResponse>(first);
  CHECK(response.error_code == Error::MEMBER_ID_REQUIRED);
  CHECK(response.member_id == "c1-uuid1");
  CHECK(response.generation_id == -1);
  CHECK(response.leader.empty());
  CHECK(h.group().is(GroupState::Empty));
  CHECK(h.group().is_pending_member("c1-uuid1"));
  CHECK(h.group().size() == 0);
  // A pending member that never comes back is forgotten after its session timeout.
  CHECK(h.coordinator.next_deadline_ms() == 10000);
  h.coordinator.advance(10000);
  CHECK_FALSE(h.group().is_pending_member("c1-uuid1"));
  CHECK(h.coordinator.next_deadline_ms() == std::nullopt);
}

TEST_CASE("one member: initial delay join sync heartbeat", "[coordinator][join]") {
  Harness h;
  std::string a;
  const auto join = h.join_new("c1", 0, a);
  CHECK(a == "c1-uuid1");
  CHECK(h.group().is(GroupState::PreparingRebalance));
  // group.initial.rebalance.delay.ms: the first rebalance of an empty group waits 3000 ms.
  CHECK(h.coordinator.next_deadline_ms() == 3000);
  h.coordinator.advance(2999);
  CHECK_FALSE(h.answered(join));
  h.coordinator.advance(3000);
  const auto joined = h.answer<JoinGroupResponse>(join);
  CHECK(joined.error_code == Error::NONE);
  CHECK(joined.generation_id == 1);
  CHECK(joined.leader == a);
  CHECK(joined.member_id == a);
  CHECK(joined.protocol_type == std::optional<std::string>("consumer"));
  CHECK(joined.protocol_name == std::optional<std::string>("range"));
  REQUIRE(joined.members.size() == 1);
  CHECK(joined.members[0].member_id == a);
  CHECK(joined.members[0].metadata == subscription({"t"}));
  CHECK(h.group().is(GroupState::CompletingRebalance));

  // The leader's SyncGroup is answered once the group metadata is appended.
  const auto sync = h.sync(a, 1, {{a, assignment({{"t", 0}})}}, 3100);
  CHECK_FALSE(h.answered(sync));
  REQUIRE(h.appends.size() == 1);
  CHECK(h.appends[0].kind == OffsetsTopicAppend::Kind::group_metadata);
  CHECK(h.appends[0].topic_partition.to_string() == "__consumer_offsets-12");
  CHECK(h.appends[0].required_acks == -1);
  CHECK(h.appends[0].timeout_ms == 5000);
  h.complete_append(Error::NONE, 3105);
  const auto synced = h.answer<SyncGroupResponse>(sync);
  CHECK(synced.error_code == Error::NONE);
  CHECK(synced.assignment == assignment({{"t", 0}}));
  CHECK(synced.protocol_name == std::optional<std::string>("range"));
  CHECK(h.group().is(GroupState::Stable));

  CHECK(h.heartbeat(a, 1, 4000) == Error::NONE);
  CHECK(h.heartbeat(a, 0, 4000) == Error::ILLEGAL_GENERATION);
  CHECK(h.heartbeat("c1-nobody", 1, 4000) == Error::UNKNOWN_MEMBER_ID);
  // A rejoin with the same protocols by a follower would just get the current generation; the
  // leader's own rejoin starts a rebalance, which completes at once as it is the only member.
  const auto rejoin = h.join(h.join_request(a), 5000);
  CHECK(h.answer<JoinGroupResponse>(rejoin).generation_id == 2);
}

TEST_CASE("members joining during the initial delay extend it", "[coordinator][join]") {
  Harness h;
  std::string a, b;
  const auto join_a = h.join_new("c1", 0, a);
  const auto join_b = h.join_new("c2", 1000, b);
  // Delay 3000 expires at 3000 with a new member added: another min(3000, 300000-3000) ms.
  h.coordinator.advance(3000);
  CHECK_FALSE(h.answered(join_a));
  CHECK(h.coordinator.next_deadline_ms() == 6000);
  h.coordinator.advance(5999);
  CHECK_FALSE(h.answered(join_b));
  h.coordinator.advance(6000);
  const auto ra = h.answer<JoinGroupResponse>(join_a);
  const auto rb = h.answer<JoinGroupResponse>(join_b);
  CHECK(ra.generation_id == 1);
  CHECK(rb.generation_id == 1);
  CHECK(ra.leader == a);  // the first member to join leads
  CHECK(rb.leader == a);
  CHECK(ra.members.size() == 2);
  CHECK(rb.members.empty());  // only the leader gets the members
}

TEST_CASE("three members: the leader's assignment reaches everyone", "[coordinator][join]") {
  Harness h;
  std::string a, b, c;
  const auto ja = h.join_new("c1", 0, a);
  const auto jb = h.join_new("c2", 0, b);
  const auto jc = h.join_new("c3", 0, c);
  h.coordinator.advance(6000);  // 3000, then one extension
  const auto leader = h.answer<JoinGroupResponse>(ja);
  CHECK(h.answer<JoinGroupResponse>(jb).generation_id == 1);
  CHECK(h.answer<JoinGroupResponse>(jc).generation_id == 1);
  REQUIRE(leader.members.size() == 3);
  // The members map is a Scala HashMap: the leader gets them in its order.
  std::vector<std::string> ids;
  for (const auto& m : leader.members) ids.push_back(m.member_id);
  CHECK(ids == h.group().member_ids());

  const auto sb = h.sync(b, 1, {}, 6010);
  const auto sc = h.sync(c, 1, {}, 6020);
  CHECK_FALSE(h.answered(sb));
  const auto sa = h.sync(a, 1,
                         {{a, assignment({{"t", 0}})}, {b, assignment({{"t", 1}})}, {c, assignment({{"t", 2}})}},
                         6030);
  h.complete_append(Error::NONE, 6040);
  CHECK(h.answer<SyncGroupResponse>(sa).assignment == assignment({{"t", 0}}));
  CHECK(h.answer<SyncGroupResponse>(sb).assignment == assignment({{"t", 1}}));
  CHECK(h.answer<SyncGroupResponse>(sc).assignment == assignment({{"t", 2}}));
  CHECK(h.group().is(GroupState::Stable));
  CHECK(h.heartbeat(c, 1, 7000) == Error::NONE);
}

TEST_CASE("a new member triggers a rebalance; the others learn it from heartbeats", "[coordinator][rebalance]") {
  Harness h;
  const std::string a = stable_single_member(h);
  std::string b;
  const auto jb = h.join_new("c2", 4000, b);
  CHECK(h.group().is(GroupState::PreparingRebalance));
  CHECK_FALSE(h.answered(jb));
  CHECK(h.heartbeat(a, 1, 4500) == Error::REBALANCE_IN_PROGRESS);
  const auto ja = h.join(h.join_request(a), 4600);  // everyone has rejoined: done at once
  const auto ra = h.answer<JoinGroupResponse>(ja);
  CHECK(ra.generation_id == 2);
  CHECK(ra.leader == a);
  CHECK(ra.members.size() == 2);
  CHECK(h.answer<JoinGroupResponse>(jb).generation_id == 2);
  CHECK(h.group().is(GroupState::CompletingRebalance));
  // Heartbeats during CompletingRebalance are fine; an old generation is not.
  CHECK(h.heartbeat(b, 2, 4700) == Error::NONE);
  CHECK(h.heartbeat(b, 1, 4700) == Error::ILLEGAL_GENERATION);
}

TEST_CASE("LeaveGroup rebalances the rest of the group", "[coordinator][rebalance]") {
  Harness h;
  const std::string a = stable_single_member(h);
  std::string b;
  const auto jb = h.join_new("c2", 4000, b);
  h.join(h.join_request(a), 4000);
  REQUIRE(h.answer<JoinGroupResponse>(jb).generation_id == 2);
  const auto sa = h.sync(a, 2, {{a, assignment({{"t", 0}})}, {b, assignment({{"t", 1}})}}, 4100);
  const auto sb = h.sync(b, 2, {}, 4100);
  h.complete_append(Error::NONE, 4100);
  REQUIRE(h.answer<SyncGroupResponse>(sb).error_code == Error::NONE);
  REQUIRE(h.answer<SyncGroupResponse>(sa).error_code == Error::NONE);

  const auto leave = h.leave(b, 5000);
  const auto left = h.answer<LeaveGroupResponse>(leave);
  CHECK(left.error_code == Error::NONE);
  REQUIRE(left.members.size() == 1);
  CHECK(left.members[0].error_code == Error::NONE);
  CHECK(h.group().is(GroupState::PreparingRebalance));
  CHECK(h.heartbeat(a, 2, 5100) == Error::REBALANCE_IN_PROGRESS);
  const auto ja = h.join(h.join_request(a), 5200);
  CHECK(h.answer<JoinGroupResponse>(ja).generation_id == 3);
  // Leaving twice: the member is gone.
  const auto again = h.answer<LeaveGroupResponse>(h.leave(b, 5300));
  CHECK(again.members[0].error_code == Error::UNKNOWN_MEMBER_ID);
}

TEST_CASE("a member whose session expires is removed at exactly last heartbeat + session.timeout.ms",
          "[coordinator][session]") {
  Harness h;
  const std::string a = stable_single_member(h);  // SyncGroup answered at 3000: session until 13000
  CHECK(h.coordinator.next_deadline_ms() == 13000);
  CHECK(h.heartbeat(a, 1, 7000) == Error::NONE);  // now until 17000
  CHECK(h.coordinator.next_deadline_ms() == 17000);
  h.coordinator.advance(16999);
  CHECK(h.group().has(a));
  h.coordinator.advance(17000);
  h.collect();
  CHECK_FALSE(h.group().has(a));
  // The last member gone: a rebalance with nobody completes at once, into Empty, generation 2,
  // and the empty group is written to __consumer_offsets.
  CHECK(h.group().is(GroupState::Empty));
  CHECK(h.group().generation_id() == 2);
  REQUIRE(h.appends.size() == 1);
  const auto decoded = ksim::storage::decode_batch(h.appends[0].records);
  REQUIRE(decoded.records.size() == 1);
  const auto value = decode_group_metadata_value(*decoded.records[0].value);
  CHECK(value.generation == 2);
  CHECK(value.protocol == std::nullopt);
  CHECK(value.leader == std::nullopt);
  CHECK(value.members.empty());
  CHECK(value.current_state_timestamp == 17000);
  CHECK(decoded.records[0].timestamp == 17000);
  CHECK(h.heartbeat(a, 1, 17001) == Error::UNKNOWN_MEMBER_ID);
}

TEST_CASE("members that do not rejoin within the rebalance timeout are removed", "[coordinator][rebalance]") {
  Harness h;
  const std::string a = stable_single_member(h);
  std::string b;
  const auto jb = h.join_new("c2", 4000, b);
  h.join(h.join_request(a), 4000);
  REQUIRE(h.answer<JoinGroupResponse>(jb).generation_id == 2);
  const auto sa = h.sync(a, 2, {{a, assignment({{"t", 0}})}, {b, assignment({{"t", 1}})}}, 4000);
  const auto sb = h.sync(b, 2, {}, 4000);
  h.complete_append(Error::NONE, 4000);
  REQUIRE(h.answer<SyncGroupResponse>(sa).error_code == Error::NONE);
  REQUIRE(h.answer<SyncGroupResponse>(sb).error_code == Error::NONE);

  // The leader rejoins at 5000; b keeps heartbeating but never rejoins.
  const auto ja = h.join(h.join_request(a), 5000);
  // b's session from its SyncGroup answer at 4000; a awaits its JoinGroup answer, which counts
  // as alive; then the DelayedJoin at 5000 + 20000.
  CHECK(h.coordinator.next_deadline_ms() == 14000);
  for (std::int64_t t = 6000; t < 25000; t += 3000) {
    CHECK(h.heartbeat(b, 2, t) == Error::REBALANCE_IN_PROGRESS);
  }
  // DelayedJoin: rebalance.timeout.ms 20000 from 5000.
  h.coordinator.advance(24999);
  CHECK_FALSE(h.answered(ja));
  h.coordinator.advance(25000);
  const auto ra = h.answer<JoinGroupResponse>(ja);
  CHECK(ra.generation_id == 3);
  CHECK(ra.members.size() == 1);
  CHECK_FALSE(h.group().has(b));
  CHECK(h.heartbeat(b, 2, 25001) == Error::UNKNOWN_MEMBER_ID);
}

TEST_CASE("members that never send SyncGroup are removed after the rebalance timeout", "[coordinator][rebalance]") {
  Harness h;
  std::string a, b;
  const auto ja = h.join_new("c1", 0, a);
  const auto jb = h.join_new("c2", 0, b);
  h.coordinator.advance(6000);
  REQUIRE(h.answer<JoinGroupResponse>(jb).generation_id == 1);
  REQUIRE(h.answer<JoinGroupResponse>(ja).generation_id == 1);
  const auto sa = h.sync(a, 1, {{a, assignment({{"t", 0}})}, {b, assignment({{"t", 1}})}}, 6000);
  h.complete_append(Error::NONE, 6000);
  REQUIRE(h.answer<SyncGroupResponse>(sa).error_code == Error::NONE);
  CHECK(h.group().is(GroupState::Stable));
  // b heartbeats but never syncs: at 6000 + 20000 it is dropped and the group rebalances.
  for (std::int64_t t = 9000; t < 26000; t += 3000) {
    CHECK(h.heartbeat(a, 1, t) == Error::NONE);
    CHECK(h.heartbeat(b, 1, t) == Error::NONE);
  }
  h.coordinator.advance(25999);
  CHECK(h.group().has(b));
  h.coordinator.advance(26000);
  CHECK_FALSE(h.group().has(b));
  CHECK(h.group().is(GroupState::PreparingRebalance));
  CHECK(h.heartbeat(a, 1, 26001) == Error::REBALANCE_IN_PROGRESS);
}

TEST_CASE("a KIP-394 member that does not come back holds the rebalance until its session ends",
          "[coordinator][rebalance]") {
  Harness h;
  const std::string a = stable_single_member(h);
  const auto first = h.join(h.join_request("", "c2"), 4000);
  REQUIRE(h.answer<JoinGroupResponse>(first).error_code == Error::MEMBER_ID_REQUIRED);
  // The leader's rejoin starts a rebalance, which waits for the pending member.
  const auto ja = h.join(h.join_request(a), 4000);
  CHECK_FALSE(h.answered(ja));
  h.coordinator.advance(13999);
  CHECK_FALSE(h.answered(ja));
  h.coordinator.advance(14000);
  CHECK(h.answer<JoinGroupResponse>(ja).generation_id == 2);
}

TEST_CASE("session timeouts outside the broker's bounds are refused", "[coordinator][join]") {
  Harness h;
  CHECK(h.answer<JoinGroupResponse>(h.join(h.join_request("", "c1", 5999), 0)).error_code ==
        Error::INVALID_SESSION_TIMEOUT);
  CHECK(h.answer<JoinGroupResponse>(h.join(h.join_request("", "c1", 1800001), 0)).error_code ==
        Error::INVALID_SESSION_TIMEOUT);
  CHECK(h.answer<JoinGroupResponse>(h.join(h.join_request("", "c1", 6000), 0)).error_code ==
        Error::MEMBER_ID_REQUIRED);
  CHECK(h.answer<JoinGroupResponse>(h.join(h.join_request("c1-unknown"), 0)).error_code ==
        Error::UNKNOWN_MEMBER_ID);
  auto other_type = h.join_request("");
  other_type.protocol_type = "connect";
  h.join(h.join_request(h.answer<JoinGroupResponse>(3).member_id), 0);  // a member joins: type "consumer"
  CHECK(h.answer<JoinGroupResponse>(h.join(other_type, 0)).error_code == Error::INCONSISTENT_GROUP_PROTOCOL);
  auto wrong_group = h.join_request("");
  wrong_group.group_id = "console-consumer-12345";  // __consumer_offsets-6, not ours
  CHECK(h.answer<JoinGroupResponse>(h.join(wrong_group, 0)).error_code == Error::NOT_COORDINATOR);
}

TEST_CASE("group.max.size refuses members beyond it", "[coordinator][join]") {
  GroupCoordinatorConfig config;
  config.group_max_size = 1;
  Harness h(config);
  std::string a;
  h.join_new("c1", 0, a);
  const auto second = h.join(h.join_request("", "c2"), 100);
  CHECK(h.answer<JoinGroupResponse>(second).error_code == Error::GROUP_MAX_SIZE_REACHED);
}

TEST_CASE("the protocol every member supports wins the vote", "[coordinator][join]") {
  Harness h;
  auto ra = h.join_request("", "c1");
  ra.protocols = {{"range", {}}, {"roundrobin", {}}};
  auto rb = h.join_request("", "c2");
  rb.protocols = {{"roundrobin", {}}, {"sticky", {}}};
  const auto ida = h.answer<JoinGroupResponse>(h.join(ra, 0)).member_id;
  const auto idb = h.answer<JoinGroupResponse>(h.join(rb, 0)).member_id;
  ra.member_id = ida;
  rb.member_id = idb;
  const auto ja = h.join(ra, 0);
  // b supports none of a's... it does: roundrobin is common.
  h.join(rb, 0);
  h.coordinator.advance(6000);
  CHECK(h.answer<JoinGroupResponse>(ja).protocol_name == std::optional<std::string>("roundrobin"));
  auto rc = h.join_request("", "c3");
  rc.protocols = {{"sticky", {}}};
  CHECK(h.answer<JoinGroupResponse>(h.join(rc, 7000)).error_code == Error::INCONSISTENT_GROUP_PROTOCOL);
}
