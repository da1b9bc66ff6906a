// The consumer's group membership driven by a hand-written coordinator: FindCoordinator,
// JoinGroup (MEMBER_ID_REQUIRED), the leader's assignment, SyncGroup, committed offsets,
// heartbeats, rejoins, commits before a rebalance, auto-commit timing, coordinator rediscovery,
// leaving.
#include <catch2/catch.hpp>

#include "consumer_test_support.h"
#include "core/protocol/consumer_protocol.h"

namespace ksim::consumer_test {
namespace {

using protocol::Error;
const TopicPartition t2{"t", 2};

template <typename Body>
std::optional<std::pair<ConsumerOutboundRequest, Body>> find(
    std::vector<ConsumerOutboundRequest>& outbox) {
  for (auto it = outbox.begin(); it != outbox.end(); ++it) {
    if (const auto* body = std::get_if<Body>(&it->body)) {
      std::pair<ConsumerOutboundRequest, Body> found{*it, *body};
      outbox.erase(it);
      return found;
    }
  }
  return std::nullopt;
}

template <typename Body>
std::pair<ConsumerOutboundRequest, Body> expect(std::vector<ConsumerOutboundRequest>& outbox) {
  auto found = find<Body>(outbox);
  REQUIRE(found);
  return *found;
}

protocol::SyncGroupResponse sync_answer(const std::vector<TopicPartition>& partitions) {
  protocol::ConsumerProtocolAssignment assignment;
  assignment.assigned_partitions = protocol::group_by_topic(partitions);
  protocol::SyncGroupResponse response;
  response.protocol_type = "consumer";
  response.protocol_name = "range";
  response.assignment = protocol::encode_assignment(assignment);
  return response;
}

protocol::JoinGroupResponse join_answer(std::int32_t generation, const std::string& member,
                                        const std::string& leader,
                                        const std::vector<std::string>& members = {}) {
  protocol::JoinGroupResponse response;
  response.generation_id = generation;
  response.protocol_type = "consumer";
  response.protocol_name = "range";
  response.leader = leader;
  response.member_id = member;
  for (const auto& id : members) {
    protocol::ConsumerProtocolSubscription subscription;
    subscription.topics = {"t"};
    response.members.push_back({id, std::nullopt, protocol::encode_subscription(subscription)});
  }
  return response;
}

using Properties = std::vector<std::pair<std::string, std::string>>;

struct Group {
  client::KafkaConsumer consumer;
  std::vector<ConsumerOutboundRequest> outbox;

  explicit Group(Properties properties)
      : consumer(config_of([&] {
          properties.insert(properties.begin(), {"group.id", "g"});
          return properties;
        }())) {}

  std::vector<ConsumerOutboundRequest>& take() {
    auto more = consumer.take_outbox();
    outbox.insert(outbox.end(), more.begin(), more.end());
    return outbox;
  }
  template <typename Response>
  void answer(const ConsumerOutboundRequest& request, Response response, std::int64_t now_ms) {
    consumer.handle_response(request.correlation_id, response, now_ms);
  }

  // subscribe(t), find coordinator 2, metadata (t: 3 partitions led by 1), JoinGroup as a
  // follower or the leader of [member, other], SyncGroup giving `assigned`. Ends at time 10 in
  // generation 1 with the committed-offset lookup in the outbox.
  void join(const std::vector<TopicPartition>& assigned, bool leader = false) {
    consumer.subscribe({"t"});
    consumer.poll(0);
    auto [find_request, find] = expect<protocol::FindCoordinatorRequest>(take());
    auto [meta_request, meta] = expect<protocol::MetadataRequest>(take());
    answer(meta_request, metadata_of({{"t", 3, 1, 0}}), 1);
    answer(find_request, protocol::FindCoordinatorResponse{Error::NONE, "", 2, "broker2", 9092}, 2);
    auto [join_request, join] = expect<protocol::JoinGroupRequest>(take());
    answer(join_request,
           leader ? join_answer(1, "member-a", "member-a", {"member-a", "member-b"})
                  : join_answer(1, "member-a", "member-b"),
           3);
    auto [sync_request, sync] = expect<protocol::SyncGroupRequest>(take());
    answer(sync_request, sync_answer(assigned), 10);
  }
};

TEST_CASE(
    "joining as leader: MEMBER_ID_REQUIRED, the range assignment for everyone, SyncGroup, "
    "then committed offsets or auto.offset.reset",
    "[consumer][group]") {
  Group group(Properties{{"client.id", "reader"}, {"auto.offset.reset", "earliest"}});
  auto& consumer = group.consumer;
  consumer.subscribe({"t"});
  consumer.poll(0);
  auto& outbox = group.take();
  REQUIRE(outbox.size() == 2);
  auto [find_request, find] = expect<protocol::FindCoordinatorRequest>(outbox);
  CHECK(find_request.destination == client::any_broker);
  CHECK(find.key == "g");
  CHECK(find.key_type == protocol::CoordinatorType::group);
  auto [meta_request, meta] = expect<protocol::MetadataRequest>(outbox);

  group.answer(find_request, protocol::FindCoordinatorResponse{Error::NONE, "", 2, "b2", 9092}, 1);
  // No JoinGroup before the first metadata answer.
  CHECK(group.take().empty());
  group.answer(meta_request, metadata_of({{"t", 3, 1, 0}}), 2);
  CHECK(consumer.coordinator()->coordinator() == 2);

  auto [join_request, join] = expect<protocol::JoinGroupRequest>(group.take());
  CHECK(join_request.destination == 2);
  CHECK(join.group_id == "g");
  CHECK(join.member_id.empty());
  CHECK(join.session_timeout_ms == 45000);
  CHECK(join.rebalance_timeout_ms == 300000);
  CHECK(join.protocol_type == "consumer");
  CHECK(join.client_id == "reader");
  REQUIRE(join.protocols.size() == 1);
  CHECK(join.protocols[0].name == "range");
  const auto subscription = protocol::decode_subscription(join.protocols[0].metadata);
  CHECK(subscription.topics == std::vector<std::string>{"t"});
  CHECK(subscription.owned_partitions.empty());
  CHECK(subscription.generation_id == -1);
  CHECK(consumer.coordinator()->state() == client::MemberState::preparing_rebalance);

  protocol::JoinGroupResponse required;
  required.error_code = Error::MEMBER_ID_REQUIRED;
  required.member_id = "reader-1";
  group.answer(join_request, required, 3);
  auto [rejoin_request, rejoin] = expect<protocol::JoinGroupRequest>(group.take());
  CHECK(rejoin.member_id == "reader-1");

  group.answer(rejoin_request, join_answer(1, "reader-1", "reader-1", {"reader-2", "reader-1"}), 4);
  CHECK(consumer.coordinator()->state() == client::MemberState::completing_rebalance);
  CHECK(consumer.coordinator()->is_leader());
  auto [sync_request, sync] = expect<protocol::SyncGroupRequest>(group.take());
  CHECK(sync_request.destination == 2);
  CHECK(sync.generation_id == 1);
  CHECK(sync.member_id == "reader-1");
  CHECK(sync.protocol_name == "range");
  REQUIRE(sync.assignments.size() == 2);
  CHECK(sync.assignments[0].member_id == "reader-1");
  CHECK(protocol::flatten(
            protocol::decode_assignment(sync.assignments[0].assignment).assigned_partitions) ==
        std::vector<TopicPartition>{t0, t1});
  CHECK(sync.assignments[1].member_id == "reader-2");
  CHECK(protocol::flatten(
            protocol::decode_assignment(sync.assignments[1].assignment).assigned_partitions) ==
        std::vector<TopicPartition>{t2});

  group.answer(sync_request, sync_answer({t0, t1}), 5);
  CHECK(consumer.coordinator()->state() == client::MemberState::stable);
  CHECK(consumer.assignment() == std::vector<TopicPartition>{t0, t1});
  CHECK(consumer.coordinator()->generation() ==
        client::Generation{1, "reader-1", std::string("range")});

  auto [offsets_request, offsets] = expect<protocol::OffsetFetchRequest>(group.take());
  CHECK(offsets_request.destination == 2);
  CHECK(offsets.group_id == "g");
  CHECK(*offsets.partitions == std::vector<TopicPartition>{t0, t1});
  CHECK(group.take().empty());  // nothing is reset or fetched before the answer

  protocol::OffsetFetchResponse committed;
  committed.partitions.push_back({t0, 5, 0, "", Error::NONE});
  committed.partitions.push_back({t1, -1, -1, "", Error::NONE});
  group.answer(offsets_request, committed, 6);
  CHECK(consumer.position(t0) == 5);
  CHECK(consumer.subscriptions().position(t0)->offset_epoch == 0);
  CHECK_FALSE(consumer.position(t1));
  auto [list_request, list] = expect<protocol::ListOffsetsRequest>(group.take());
  CHECK(list_request.destination == 1);
  REQUIRE(list.partitions.size() == 1);
  CHECK(list.partitions[0].topic_partition == t1);
  CHECK(list.partitions[0].timestamp == -2);
  auto [fetch_request, fetch] = expect<protocol::FetchRequest>(group.take());
  REQUIRE(fetch.partitions.size() == 1);
  CHECK(fetch.partitions[0].topic_partition == t0);
  CHECK(fetch.partitions[0].fetch_offset == 5);
}

TEST_CASE("a follower sends an empty SyncGroup and heartbeats every heartbeat.interval.ms",
          "[consumer][group]") {
  Group group(Properties{{"enable.auto.commit", "false"}});
  auto& consumer = group.consumer;
  consumer.subscribe({"t"});
  consumer.poll(0);
  auto [find_request, find] = expect<protocol::FindCoordinatorRequest>(group.take());
  auto [meta_request, meta] = expect<protocol::MetadataRequest>(group.take());
  group.answer(meta_request, metadata_of({{"t", 3, 1, 0}}), 1);
  group.answer(find_request, protocol::FindCoordinatorResponse{Error::NONE, "", 2, "b2", 9092}, 2);
  auto [join_request, join] = expect<protocol::JoinGroupRequest>(group.take());
  group.answer(join_request, join_answer(7, "member-a", "member-b"), 100);
  CHECK_FALSE(consumer.coordinator()->is_leader());
  auto [sync_request, sync] = expect<protocol::SyncGroupRequest>(group.take());
  CHECK(sync.generation_id == 7);
  CHECK(sync.member_id == "member-a");
  CHECK(sync.assignments.empty());
  group.answer(sync_request, sync_answer({t2}), 150);
  CHECK(consumer.assignment() == std::vector<TopicPartition>{t2});
  group.take().clear();  // the committed-offset lookup

  // The heartbeat timer started with the JoinGroup answer (at 100).
  CHECK(consumer.next_wakeup_ms(150) == 3100);
  consumer.tick(3099);
  CHECK(group.take().empty());
  consumer.tick(3100);
  auto [hb_request, hb] = expect<protocol::HeartbeatRequest>(group.take());
  CHECK(hb_request.destination == 2);
  CHECK(hb.group_id == "g");
  CHECK(hb.generation_id == 7);
  CHECK(hb.member_id == "member-a");
  group.answer(hb_request, protocol::HeartbeatResponse{}, 3105);
  consumer.tick(6099);
  CHECK(group.take().empty());
  consumer.tick(6100);
  expect<protocol::HeartbeatRequest>(group.take());
}

TEST_CASE(
    "REBALANCE_IN_PROGRESS: commit first (auto-commit), revoke everything, rejoin with the "
    "same member id",
    "[consumer][group]") {
  Group group(Properties{});
  auto& consumer = group.consumer;
  group.join({t0, t1});
  auto [offsets_request, offsets] = expect<protocol::OffsetFetchRequest>(group.take());
  protocol::OffsetFetchResponse committed;
  committed.partitions.push_back({t0, 4, 0, "", Error::NONE});
  committed.partitions.push_back({t1, 9, 0, "", Error::NONE});
  group.answer(offsets_request, committed, 11);
  auto [fetch_request, fetch] = expect<protocol::FetchRequest>(group.take());
  group.answer(fetch_request, fetch_answer(t0, 6, batch(4, 2, 0)), 12);
  CHECK(offsets_of(consumer.poll(13).records) == std::vector<std::int64_t>{4, 5});
  group.take().clear();

  consumer.tick(3003);
  auto [hb_request, hb] = expect<protocol::HeartbeatRequest>(group.take());
  group.answer(hb_request, protocol::HeartbeatResponse{Error::REBALANCE_IN_PROGRESS}, 3004);
  CHECK(consumer.coordinator()->rejoin_needed());
  auto& outbox = group.take();
  auto [commit_request, commit] = expect<protocol::OffsetCommitRequest>(outbox);
  CHECK_FALSE(find<protocol::JoinGroupRequest>(outbox));  // the join waits for the commit
  CHECK(commit_request.destination == 2);
  CHECK(commit.group_id == "g");
  CHECK(commit.generation_id == 1);
  CHECK(commit.member_id == "member-a");
  REQUIRE(commit.partitions.size() == 2);
  CHECK(commit.partitions[0].topic_partition == t0);
  CHECK(commit.partitions[0].committed_offset == 6);
  CHECK(commit.partitions[0].committed_leader_epoch == 0);
  CHECK(commit.partitions[1].committed_offset == 9);
  CHECK(consumer.assignment() == std::vector<TopicPartition>{t0, t1});  // not revoked yet

  protocol::OffsetCommitResponse committed_answer;
  committed_answer.partitions = {{t0, Error::NONE}, {t1, Error::NONE}};
  group.answer(commit_request, committed_answer, 3010);
  CHECK(consumer.committed(t0) == 6);
  CHECK(consumer.committed(t1) == 9);
  auto outcomes = consumer.take_commit_outcomes();
  REQUIRE(outcomes.size() == 1);
  CHECK(outcomes[0].kind == client::CommitKind::before_rebalance);
  CHECK(outcomes[0].error == Error::NONE);
  CHECK(consumer.assignment().empty());  // eager: everything revoked
  auto [join_request, join] = expect<protocol::JoinGroupRequest>(group.take());
  CHECK(join.member_id == "member-a");
  CHECK(protocol::decode_subscription(join.protocols[0].metadata).generation_id == 1);
}

TEST_CASE("ILLEGAL_GENERATION rejoins with the member id, UNKNOWN_MEMBER_ID as a new member",
          "[consumer][group]") {
  const auto [error, expected_member] =
      GENERATE(std::make_pair(Error::ILLEGAL_GENERATION, std::string("member-a")),
               std::make_pair(Error::UNKNOWN_MEMBER_ID, std::string()));
  Group group(Properties{{"enable.auto.commit", "false"}});
  auto& consumer = group.consumer;
  group.join({t0});
  group.take().clear();
  consumer.tick(3003);
  auto [hb_request, hb] = expect<protocol::HeartbeatRequest>(group.take());
  group.answer(hb_request, protocol::HeartbeatResponse{error}, 3004);
  CHECK(consumer.assignment().empty());
  auto [join_request, join] = expect<protocol::JoinGroupRequest>(group.take());
  CHECK(join.member_id == expected_member);
  CHECK(protocol::decode_subscription(join.protocols[0].metadata).generation_id == -1);
}

TEST_CASE("SyncGroup answering REBALANCE_IN_PROGRESS joins again", "[consumer][group]") {
  Group group(Properties{});
  auto& consumer = group.consumer;
  consumer.subscribe({"t"});
  consumer.poll(0);
  auto [find_request, find] = expect<protocol::FindCoordinatorRequest>(group.take());
  auto [meta_request, meta] = expect<protocol::MetadataRequest>(group.take());
  group.answer(meta_request, metadata_of({{"t", 3, 1, 0}}), 1);
  group.answer(find_request, protocol::FindCoordinatorResponse{Error::NONE, "", 2, "b2", 9092}, 2);
  auto [join_request, join] = expect<protocol::JoinGroupRequest>(group.take());
  group.answer(join_request, join_answer(1, "member-a", "member-b"), 3);
  auto [sync_request, sync] = expect<protocol::SyncGroupRequest>(group.take());
  protocol::SyncGroupResponse rebalancing;
  rebalancing.error_code = Error::REBALANCE_IN_PROGRESS;
  group.answer(sync_request, rebalancing, 4);
  auto [again_request, again] = expect<protocol::JoinGroupRequest>(group.take());
  CHECK(again.member_id == "member-a");
  CHECK(consumer.coordinator()->state() == client::MemberState::preparing_rebalance);
}

TEST_CASE("auto-commit every auto.commit.interval.ms of the consumed positions",
          "[consumer][group]") {
  Group group(Properties{{"auto.commit.interval.ms", "5000"}});
  auto& consumer = group.consumer;
  group.join({t0});
  auto [offsets_request, offsets] = expect<protocol::OffsetFetchRequest>(group.take());
  protocol::OffsetFetchResponse committed;
  committed.partitions.push_back({t0, 2, 0, "", Error::NONE});
  group.answer(offsets_request, committed, 11);
  group.take().clear();

  // The timer runs from the consumer's start (0): the first auto-commit is due at 5000.
  consumer.tick(4999);
  for (const auto& request : group.take()) {
    CHECK_FALSE(std::holds_alternative<protocol::OffsetCommitRequest>(request.body));
  }
  group.outbox.clear();
  consumer.tick(5000);
  auto [commit_request, commit] = expect<protocol::OffsetCommitRequest>(group.take());
  REQUIRE(commit.partitions.size() == 1);
  CHECK(commit.partitions[0].committed_offset == 2);
  protocol::OffsetCommitResponse ok;
  ok.partitions = {{t0, Error::NONE}};
  group.answer(commit_request, ok, 5001);
  auto outcomes = consumer.take_commit_outcomes();
  REQUIRE(outcomes.size() == 1);
  CHECK(outcomes[0].kind == client::CommitKind::auto_commit);
  CHECK(consumer.committed(t0) == 2);
  group.outbox.clear();
  consumer.tick(9999);
  CHECK_FALSE(find<protocol::OffsetCommitRequest>(group.take()));
  consumer.tick(10000);
  CHECK(find<protocol::OffsetCommitRequest>(group.take()));
}

TEST_CASE("NOT_COORDINATOR finds the coordinator again, and heartbeats go to the new one",
          "[consumer][group]") {
  Group group(Properties{{"enable.auto.commit", "false"}});
  auto& consumer = group.consumer;
  group.join({t0});
  group.take().clear();
  consumer.tick(3003);
  auto [hb_request, hb] = expect<protocol::HeartbeatRequest>(group.take());
  group.answer(hb_request, protocol::HeartbeatResponse{Error::NOT_COORDINATOR}, 3004);
  CHECK_FALSE(consumer.coordinator()->coordinator());
  auto [find_request, find] = expect<protocol::FindCoordinatorRequest>(group.take());
  group.answer(find_request, protocol::FindCoordinatorResponse{Error::NONE, "", 3, "b3", 9092},
               3010);
  // Still a member of generation 1: it heartbeats the new coordinator at once.
  auto [hb2_request, hb2] = expect<protocol::HeartbeatRequest>(group.take());
  CHECK(hb2_request.destination == 3);
  CHECK(hb2.generation_id == 1);
  CHECK(consumer.coordinator()->state() == client::MemberState::stable);
}

TEST_CASE(
    "the coordinator's connection breaking, or a session without heartbeat answers, "
    "rediscovers it",
    "[consumer][group]") {
  SECTION("disconnect") {
    Group group(Properties{{"enable.auto.commit", "false"}});
    group.join({t0});
    group.take().clear();
    group.consumer.handle_disconnect(2, 20);
    CHECK_FALSE(group.consumer.coordinator()->coordinator());
    CHECK(find<protocol::FindCoordinatorRequest>(group.take()));
  }
  SECTION("session.timeout.ms") {
    Group group(Properties{{"enable.auto.commit", "false"},
                           {"session.timeout.ms", "10000"},
                           {"request.timeout.ms", "60000"}});
    group.join({t0});
    group.take().clear();
    group.consumer.tick(3003);
    CHECK(find<protocol::HeartbeatRequest>(group.take()));  // never answered
    // The session started with the JoinGroup answer at 3.
    CHECK(group.consumer.next_wakeup_ms(3003).value_or(-1) == 10003);
    group.consumer.tick(10002);
    CHECK(group.consumer.coordinator()->coordinator() == 2);
    group.consumer.tick(10003);
    CHECK_FALSE(group.consumer.coordinator()->coordinator());
    CHECK(find<protocol::FindCoordinatorRequest>(group.take()));
  }
}

TEST_CASE("commit(): OffsetCommit of the positions, retried after NOT_COORDINATOR",
          "[consumer][group]") {
  Group group(Properties{{"enable.auto.commit", "false"}});
  auto& consumer = group.consumer;
  group.join({t0});
  auto [offsets_request, offsets] = expect<protocol::OffsetFetchRequest>(group.take());
  protocol::OffsetFetchResponse committed;
  committed.partitions.push_back({t0, 8, 0, "", Error::NONE});
  group.answer(offsets_request, committed, 11);
  group.take().clear();
  const auto id = consumer.commit(20);
  auto [commit_request, commit] = expect<protocol::OffsetCommitRequest>(group.take());
  CHECK(commit.partitions[0].committed_offset == 8);
  protocol::OffsetCommitResponse moved;
  moved.partitions = {{t0, Error::NOT_COORDINATOR}};
  group.answer(commit_request, moved, 21);
  CHECK(consumer.take_commit_outcomes().empty());  // retried, not finished
  auto [find_request, find] = expect<protocol::FindCoordinatorRequest>(group.take());
  group.answer(find_request, protocol::FindCoordinatorResponse{Error::NONE, "", 3, "b3", 9092}, 22);
  group.outbox.clear();
  consumer.tick(121);  // retry.backoff.ms after the failure
  auto [retry_request, retry] = expect<protocol::OffsetCommitRequest>(group.take());
  CHECK(retry_request.destination == 3);
  protocol::OffsetCommitResponse ok;
  ok.partitions = {{t0, Error::NONE}};
  group.answer(retry_request, ok, 122);
  auto outcomes = consumer.take_commit_outcomes();
  REQUIRE(outcomes.size() == 1);
  CHECK(outcomes[0].id == id);
  CHECK(outcomes[0].kind == client::CommitKind::explicit_commit);
  CHECK(outcomes[0].error == Error::NONE);
  CHECK(consumer.committed(t0) == 8);
}

TEST_CASE("a commit refused with ILLEGAL_GENERATION is a CommitFailedException and a rejoin",
          "[consumer][group]") {
  Group group(Properties{{"enable.auto.commit", "false"}});
  auto& consumer = group.consumer;
  group.join({t0});
  auto [offsets_request, offsets] = expect<protocol::OffsetFetchRequest>(group.take());
  protocol::OffsetFetchResponse committed;
  committed.partitions.push_back({t0, 8, 0, "", Error::NONE});
  group.answer(offsets_request, committed, 11);
  group.take().clear();
  consumer.commit(20);
  auto [commit_request, commit] = expect<protocol::OffsetCommitRequest>(group.take());
  protocol::OffsetCommitResponse refused;
  refused.partitions = {{t0, Error::ILLEGAL_GENERATION}};
  group.answer(commit_request, refused, 21);
  auto result = consumer.poll(22);
  REQUIRE(result.errors.size() == 1);
  CHECK(result.errors[0].kind == client::ConsumerErrorKind::commit_failed);
  CHECK(client::exception_name(result.errors[0].kind) == "CommitFailedException");
  CHECK_FALSE(consumer.committed(t0));
  CHECK(find<protocol::JoinGroupRequest>(group.take()));
}

TEST_CASE("close(): a last auto-commit, then LeaveGroup", "[consumer][group]") {
  Group group(Properties{});
  auto& consumer = group.consumer;
  group.join({t0});
  auto [offsets_request, offsets] = expect<protocol::OffsetFetchRequest>(group.take());
  protocol::OffsetFetchResponse committed;
  committed.partitions.push_back({t0, 3, 0, "", Error::NONE});
  group.answer(offsets_request, committed, 11);
  group.take().clear();
  consumer.close(50);
  CHECK_FALSE(consumer.closed());
  auto& outbox = group.take();
  auto [commit_request, commit] = expect<protocol::OffsetCommitRequest>(outbox);
  CHECK_FALSE(find<protocol::LeaveGroupRequest>(outbox));
  protocol::OffsetCommitResponse ok;
  ok.partitions = {{t0, Error::NONE}};
  group.answer(commit_request, ok, 51);
  auto [leave_request, leave] = expect<protocol::LeaveGroupRequest>(group.take());
  CHECK(leave_request.destination == 2);
  CHECK(leave.group_id == "g");
  REQUIRE(leave.members.size() == 1);
  CHECK(leave.members[0].member_id == "member-a");
  CHECK(leave.members[0].reason == "the consumer is being closed");
  CHECK_FALSE(consumer.closed());
  protocol::LeaveGroupResponse left;
  left.members.push_back({"member-a", std::nullopt, Error::NONE});
  group.answer(leave_request, left, 52);
  CHECK(consumer.closed());
  CHECK(consumer.take_outbox().empty());
}

TEST_CASE("no poll for max.poll.interval.ms: the member leaves, and rejoins at the next poll",
          "[consumer][group]") {
  Group group(Properties{{"enable.auto.commit", "false"}, {"max.poll.interval.ms", "20000"}});
  auto& consumer = group.consumer;
  group.join({t0});
  group.take().clear();
  // Heartbeats keep the session alive, but the application stopped polling at 0.
  for (std::int64_t now = 3003; now <= 18003; now += 3000) {
    consumer.tick(now);
    auto [hb_request, hb] = expect<protocol::HeartbeatRequest>(group.take());
    group.answer(hb_request, protocol::HeartbeatResponse{}, now + 1);
    group.outbox.clear();
  }
  consumer.tick(20000);
  CHECK_FALSE(find<protocol::LeaveGroupRequest>(group.take()));
  consumer.tick(20001);
  auto [leave_request, leave] = expect<protocol::LeaveGroupRequest>(group.take());
  CHECK(leave.members[0].member_id == "member-a");
  CHECK(leave.members[0].reason == "consumer poll timeout has expired.");
  CHECK(consumer.assignment().empty());
  consumer.poll(20002);
  auto [join_request, join] = expect<protocol::JoinGroupRequest>(group.take());
  CHECK(join.member_id.empty());
}

TEST_CASE("the leader rejoins when a subscribed topic gains partitions", "[consumer][group]") {
  Group group(Properties{{"enable.auto.commit", "false"}, {"metadata.max.age.ms", "1000"}});
  auto& consumer = group.consumer;
  group.join({t0, t1}, /*leader=*/true);
  group.take().clear();
  consumer.tick(1001);
  auto [meta_request, meta] = expect<protocol::MetadataRequest>(group.take());
  group.answer(meta_request, metadata_of({{"t", 4, 1, 0}}), 1002);
  CHECK(consumer.coordinator()->rejoin_needed());
  CHECK(find<protocol::JoinGroupRequest>(group.take()));
}

TEST_CASE("assign() with a group.id: committed offsets, and commits outside any generation",
          "[consumer][group]") {
  Group group(Properties{{"enable.auto.commit", "false"}, {"auto.offset.reset", "none"}});
  auto& consumer = group.consumer;
  consumer.assign({t0});
  consumer.poll(0);
  auto& outbox = group.take();
  auto [find_request, find] = expect<protocol::FindCoordinatorRequest>(outbox);
  auto [meta_request, meta] = expect<protocol::MetadataRequest>(outbox);
  group.answer(meta_request, metadata_of({{"t", 1, 1, 0}}), 1);
  group.answer(find_request, protocol::FindCoordinatorResponse{Error::NONE, "", 2, "b2", 9092}, 2);
  auto [offsets_request, offsets] = expect<protocol::OffsetFetchRequest>(group.take());
  protocol::OffsetFetchResponse none;
  none.partitions.push_back({t0, -1, -1, "", Error::NONE});
  group.answer(offsets_request, none, 3);
  CHECK(group.take().empty());  // no reset policy: nothing more is asked
  auto result = consumer.poll(4);
  REQUIRE(result.errors.size() == 1);
  CHECK(result.errors[0].kind == client::ConsumerErrorKind::no_offset_for_partition);
  CHECK(group.take().empty());
  CHECK_FALSE(consumer.next_wakeup_ms(4) == 4);

  consumer.seek(t0, 12);
  consumer.poll(5);
  group.take().clear();
  consumer.commit(6);
  auto [commit_request, commit] = expect<protocol::OffsetCommitRequest>(group.take());
  CHECK(commit.generation_id == -1);
  CHECK(commit.member_id.empty());
  CHECK(commit.partitions[0].committed_offset == 12);
  CHECK(commit.partitions[0].committed_leader_epoch == -1);
}

TEST_CASE("subscribe() and commit() need a group.id", "[consumer][group]") {
  client::KafkaConsumer consumer(config_of({}));
  const char* message =
      "To use the group management or offset commit APIs, you must provide a valid group.id in "
      "the consumer configuration.";
  CHECK_THROWS_WITH(consumer.subscribe({"t"}), message);
  CHECK_THROWS_WITH(consumer.commit(0), message);
}

}  // namespace
}  // namespace ksim::consumer_test
