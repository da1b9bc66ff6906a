// RangeAssignor and RoundRobinAssignor against the assignments Kafka's own unit tests expect
// (clients/src/test/java/org/apache/kafka/clients/consumer/RangeAssignorTest.java and
// RoundRobinAssignorTest.java, the cases without racks).
#include <catch2/catch.hpp>
#include <sstream>

#include "core/client/partition_assignor.h"

namespace ksim::client {
namespace {

using storage::TopicPartition;
using Partitions = std::vector<TopicPartition>;

MemberSubscription member(std::string id, std::vector<std::string> topics,
                          std::optional<std::string> instance = std::nullopt) {
  return {std::move(id), std::move(instance), std::move(topics)};
}

// "t1-0, t1-1, t2-0", as Kafka's verifyRackAssignment writes an assignment.
std::string names(const Partitions& partitions) {
  std::ostringstream out;
  for (std::size_t i = 0; i < partitions.size(); ++i) {
    out << (i ? ", " : "") << partitions[i].to_string();
  }
  return out.str();
}

TEST_CASE("range: one consumer, no topic or a nonexistent topic: an empty assignment",
          "[consumer][assignor]") {
  auto none = range_assign({}, {member("consumer1", {})});
  CHECK(none == GroupAssignment{{"consumer1", {}}});
  auto nonexistent = range_assign({}, {member("consumer1", {"topic1"})});
  CHECK(nonexistent == GroupAssignment{{"consumer1", {}}});
}

TEST_CASE("range: Kafka's RangeAssignorTest cases", "[consumer][assignor]") {
  SECTION("testOneConsumerOneTopic") {
    auto a = range_assign({{"topic1", 3}}, {member("consumer1", {"topic1"})});
    CHECK(names(a["consumer1"]) == "topic1-0, topic1-1, topic1-2");
  }
  SECTION("testOnlyAssignsPartitionsFromSubscribedTopics") {
    auto a = range_assign({{"topic1", 3}, {"other", 3}}, {member("consumer1", {"topic1"})});
    CHECK(names(a["consumer1"]) == "topic1-0, topic1-1, topic1-2");
  }
  SECTION("testOneConsumerMultipleTopics") {
    auto a =
        range_assign({{"topic1", 1}, {"topic2", 2}}, {member("consumer1", {"topic1", "topic2"})});
    CHECK(names(a["consumer1"]) == "topic1-0, topic2-0, topic2-1");
  }
  SECTION("testTwoConsumersOneTopicOnePartition") {
    auto a = range_assign({{"topic1", 1}},
                          {member("consumer1", {"topic1"}), member("consumer2", {"topic1"})});
    CHECK(names(a["consumer1"]) == "topic1-0");
    CHECK(a["consumer2"].empty());
  }
  SECTION("testTwoConsumersOneTopicTwoPartitions") {
    auto a = range_assign({{"topic1", 2}},
                          {member("consumer1", {"topic1"}), member("consumer2", {"topic1"})});
    CHECK(names(a["consumer1"]) == "topic1-0");
    CHECK(names(a["consumer2"]) == "topic1-1");
  }
  SECTION("testMultipleConsumersMixedTopics") {
    auto a =
        range_assign({{"topic1", 3}, {"topic2", 2}},
                     {member("consumer1", {"topic1"}), member("consumer2", {"topic1", "topic2"}),
                      member("consumer3", {"topic1"})});
    CHECK(names(a["consumer1"]) == "topic1-0");
    CHECK(names(a["consumer2"]) == "topic1-1, topic2-0, topic2-1");
    CHECK(names(a["consumer3"]) == "topic1-2");
  }
  SECTION("testTwoConsumersTwoTopicsSixPartitions") {
    // The members arrive in any order; the assignor sorts them.
    auto a = range_assign(
        {{"topic1", 3}, {"topic2", 3}},
        {member("consumer2", {"topic1", "topic2"}), member("consumer1", {"topic1", "topic2"})});
    CHECK(names(a["consumer1"]) == "topic1-0, topic1-1, topic2-0, topic2-1");
    CHECK(names(a["consumer2"]) == "topic1-2, topic2-2");
  }
  SECTION("testTwoStaticConsumersTwoTopicsSixPartitions: instance ids, not member ids, order") {
    auto a = range_assign({{"topic1", 3}, {"topic2", 3}},
                          {member("consumer-b", {"topic1", "topic2"}, "instance1"),
                           member("consumer-a", {"topic1", "topic2"}, "instance2")});
    CHECK(names(a["consumer-b"]) == "topic1-0, topic1-1, topic2-0, topic2-1");
    CHECK(names(a["consumer-a"]) == "topic1-2, topic2-2");
  }
  SECTION("testOneStaticConsumerAndOneDynamicConsumerTwoTopicsSixPartitions") {
    auto a = range_assign({{"topic1", 3}, {"topic2", 3}},
                          {member("consumer-b", {"topic1", "topic2"}, "instance1"),
                           member("consumer-a", {"topic1", "topic2"})});
    CHECK(names(a["consumer-b"]) == "topic1-0, topic1-1, topic2-0, topic2-1");
    CHECK(names(a["consumer-a"]) == "topic1-2, topic2-2");
  }
  SECTION("testStaticMemberRangeAssignmentPersistent") {
    std::vector<MemberSubscription> members = {
        member("consumer1", {"topic1", "topic2"}, "instance1"),
        member("consumer2", {"topic1", "topic2"}, "instance2"),
        member("consumer3", {"topic1", "topic2"}, "instance3"),
        member("consumer4", {"topic1", "topic2"})};
    auto a = range_assign({{"topic1", 5}, {"topic2", 4}}, members);
    CHECK(names(a["consumer1"]) == "topic1-0, topic1-1, topic2-0");
    CHECK(names(a["consumer2"]) == "topic1-2, topic2-1");
    CHECK(names(a["consumer3"]) == "topic1-3, topic2-2");
    CHECK(names(a["consumer4"]) == "topic1-4, topic2-3");
    members.back().member_id = "consumer5";  // a new dynamic member replaces consumer4
    auto b = range_assign({{"topic1", 5}, {"topic2", 4}}, members);
    CHECK(names(b["consumer5"]) == "topic1-4, topic2-3");
    CHECK(b.count("consumer4") == 0);
  }
}

TEST_CASE("range: the non-rack-aware expectations of Kafka's rack tests", "[consumer][assignor]") {
  const std::vector<std::string> all = {"t1", "t2", "t3"};
  SECTION("testRackAwareAssignmentWithUniformSubscription") {
    auto a = range_assign(
        {{"t1", 6}, {"t2", 7}, {"t3", 2}},
        {member("consumer0", all), member("consumer1", all), member("consumer2", all)});
    CHECK(names(a["consumer0"]) == "t1-0, t1-1, t2-0, t2-1, t2-2, t3-0");
    CHECK(names(a["consumer1"]) == "t1-2, t1-3, t2-3, t2-4, t3-1");
    CHECK(names(a["consumer2"]) == "t1-4, t1-5, t2-5, t2-6");
  }
  SECTION("testRackAwareAssignmentWithNonEqualSubscription") {
    auto a = range_assign(
        {{"t1", 6}, {"t2", 7}, {"t3", 2}},
        {member("consumer0", all), member("consumer1", all), member("consumer2", {"t1", "t3"})});
    CHECK(names(a["consumer0"]) == "t1-0, t1-1, t2-0, t2-1, t2-2, t2-3, t3-0");
    CHECK(names(a["consumer1"]) == "t1-2, t1-3, t2-4, t2-5, t2-6, t3-1");
    CHECK(names(a["consumer2"]) == "t1-4, t1-5");
  }
  SECTION("testCoPartitionedAssignmentWithSameSubscription (topics t7..t9 unknown)") {
    const std::vector<std::string> topics = {"t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9"};
    auto a = range_assign(
        {{"t1", 6}, {"t2", 6}, {"t3", 2}, {"t4", 2}, {"t5", 4}, {"t6", 4}},
        {member("consumer0", topics), member("consumer1", topics), member("consumer2", topics)});
    CHECK(names(a["consumer0"]) == "t1-0, t1-1, t2-0, t2-1, t3-0, t4-0, t5-0, t5-1, t6-0, t6-1");
    CHECK(names(a["consumer1"]) == "t1-2, t1-3, t2-2, t2-3, t3-1, t4-1, t5-2, t6-2");
    CHECK(names(a["consumer2"]) == "t1-4, t1-5, t2-4, t2-5, t5-3, t6-3");
  }
}

TEST_CASE("roundrobin: Kafka's RoundRobinAssignorTest cases", "[consumer][assignor]") {
  SECTION("testOneConsumerNoTopic / NonexistentTopic") {
    CHECK(round_robin_assign({}, {member("consumer", {})}) == GroupAssignment{{"consumer", {}}});
    CHECK(round_robin_assign({}, {member("consumer", {"topic"})}) ==
          GroupAssignment{{"consumer", {}}});
  }
  SECTION("testOneConsumerOneTopic") {
    auto a = round_robin_assign({{"topic", 3}}, {member("consumer", {"topic"})});
    CHECK(names(a["consumer"]) == "topic-0, topic-1, topic-2");
  }
  SECTION("testOnlyAssignsPartitionsFromSubscribedTopics") {
    auto a = round_robin_assign({{"topic", 3}, {"other", 3}}, {member("consumer", {"topic"})});
    CHECK(names(a["consumer"]) == "topic-0, topic-1, topic-2");
  }
  SECTION("testOneConsumerMultipleTopics") {
    auto a = round_robin_assign({{"topic1", 1}, {"topic2", 2}},
                                {member("consumer", {"topic1", "topic2"})});
    CHECK(names(a["consumer"]) == "topic1-0, topic2-0, topic2-1");
  }
  SECTION("testTwoConsumersOneTopicOnePartition") {
    auto a = round_robin_assign({{"topic", 1}},
                                {member("consumer1", {"topic"}), member("consumer2", {"topic"})});
    CHECK(names(a["consumer1"]) == "topic-0");
    CHECK(a["consumer2"].empty());
  }
  SECTION("testTwoConsumersOneTopicTwoPartitions") {
    auto a = round_robin_assign({{"topic", 2}},
                                {member("consumer1", {"topic"}), member("consumer2", {"topic"})});
    CHECK(names(a["consumer1"]) == "topic-0");
    CHECK(names(a["consumer2"]) == "topic-1");
  }
  SECTION("testMultipleConsumersMixedTopics") {
    auto a = round_robin_assign(
        {{"topic1", 3}, {"topic2", 2}},
        {member("consumer1", {"topic1"}), member("consumer2", {"topic1", "topic2"}),
         member("consumer3", {"topic1"})});
    CHECK(names(a["consumer1"]) == "topic1-0");
    CHECK(names(a["consumer2"]) == "topic1-1, topic2-0, topic2-1");
    CHECK(names(a["consumer3"]) == "topic1-2");
  }
  SECTION("testTwoDynamicConsumersTwoTopicsSixPartitions") {
    auto a = round_robin_assign(
        {{"topic1", 3}, {"topic2", 3}},
        {member("consumer1", {"topic1", "topic2"}), member("consumer2", {"topic1", "topic2"})});
    CHECK(names(a["consumer1"]) == "topic1-0, topic1-2, topic2-1");
    CHECK(names(a["consumer2"]) == "topic1-1, topic2-0, topic2-2");
  }
  SECTION("testTwoStaticConsumersTwoTopicsSixPartitions") {
    auto a = round_robin_assign({{"topic1", 3}, {"topic2", 3}},
                                {member("consumer-b", {"topic1", "topic2"}, "instance1"),
                                 member("consumer-a", {"topic1", "topic2"}, "instance2")});
    CHECK(names(a["consumer-b"]) == "topic1-0, topic1-2, topic2-1");
    CHECK(names(a["consumer-a"]) == "topic1-1, topic2-0, topic2-2");
  }
  SECTION("testOneStaticConsumerAndOneDynamicConsumerTwoTopicsSixPartitions") {
    auto a = round_robin_assign({{"topic1", 3}, {"topic2", 3}},
                                {member("consumer-b", {"topic1", "topic2"}, "instance1"),
                                 member("consumer-a", {"topic1", "topic2"})});
    CHECK(names(a["consumer-b"]) == "topic1-0, topic1-2, topic2-1");
    CHECK(names(a["consumer-a"]) == "topic1-1, topic2-0, topic2-2");
  }
  SECTION("testStaticMemberAssignmentPersistent") {
    std::vector<MemberSubscription> members = {
        member("consumer1", {"topic1", "topic2"}, "instance1"),
        member("consumer2", {"topic1", "topic2"}, "instance2"),
        member("consumer3", {"topic1", "topic2"}, "instance3"),
        member("consumer4", {"topic1", "topic2"})};
    auto a = round_robin_assign({{"topic1", 3}, {"topic2", 3}}, members);
    CHECK(names(a["consumer1"]) == "topic1-0, topic2-1");
    CHECK(names(a["consumer2"]) == "topic1-1, topic2-2");
    CHECK(names(a["consumer3"]) == "topic1-2");
    CHECK(names(a["consumer4"]) == "topic2-0");
  }
  SECTION("testStaticMemberAssignmentPersistentAfterMemberIdChanges") {
    auto a = round_robin_assign({{"topic1", 3}, {"topic2", 3}},
                                {member("consumer4", {"topic1", "topic2"}, "instance1"),
                                 member("consumer5", {"topic1", "topic2"}, "instance2"),
                                 member("consumer1", {"topic1", "topic2"}, "instance3")});
    CHECK(names(a["consumer4"]) == "topic1-0, topic2-0");
    CHECK(names(a["consumer5"]) == "topic1-1, topic2-1");
    CHECK(names(a["consumer1"]) == "topic1-2, topic2-2");
  }
}

TEST_CASE("assign_partitions picks the assignor by partition.assignment.strategy",
          "[consumer][assignor]") {
  std::vector<MemberSubscription> members = {member("a", {"t"}), member("b", {"t"})};
  auto range = assign_partitions(AssignorKind::range, {{"t", 4}}, members);
  auto round_robin = assign_partitions(AssignorKind::roundrobin, {{"t", 4}}, members);
  CHECK(names(range["a"]) == "t-0, t-1");
  CHECK(names(round_robin["a"]) == "t-0, t-2");
}

}  // namespace
}  // namespace ksim::client
