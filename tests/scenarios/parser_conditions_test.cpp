// Every condition form of the README's expectation table.
#include <catch2/catch.hpp>

#include "tests/scenarios/parse_helpers.h"

using namespace ksim::scenarios;
using namespace ksim::scenarios::testing;
using Subject = Condition::Subject;
using ksim::storage::TopicPartition;

TEST_CASE("leader and controller: a broker id or none") {
  const Condition leader = expect_condition("leader t-0 == 2");
  CHECK(leader.subject == Subject::leader);
  CHECK(leader.partition == TopicPartition{"t", 0});
  CHECK(leader.comparison == Comparison::eq);
  CHECK(leader.number == 2);
  const Condition none = expect_condition("leader t-0 != none");
  CHECK(none.comparison == Comparison::ne);
  CHECK(none.number == -1);
  const Condition controller = expect_condition("controller == 0");
  CHECK(controller.subject == Subject::controller);
  CHECK(controller.number == 0);
  CHECK(controller.source == "controller == 0");
}

TEST_CASE("isr: a set, or contains / excludes one broker") {
  const Condition set = expect_condition("isr t-1 != [0, 1,2]");
  CHECK(set.subject == Subject::isr);
  CHECK(set.comparison == Comparison::ne);
  CHECK(set.brokers == std::vector<std::int32_t>{0, 1, 2});
  CHECK(set.source == "isr t-1 != [0, 1,2]");
  const Condition contains = expect_condition("isr t-1 contains 2");
  CHECK(contains.comparison == Comparison::contains);
  CHECK(contains.number == 2);
  CHECK(expect_condition("isr t-1 excludes 0").comparison == Comparison::excludes);
  CHECK(expect_condition("isr t-1 == []").brokers.empty());
}

TEST_CASE("replicas: a list in order") {
  const Condition replicas = expect_condition("replicas t-0 == [1,2,0]");
  CHECK(replicas.subject == Subject::replicas);
  CHECK(replicas.brokers == std::vector<std::int32_t>{1, 2, 0});
}

TEST_CASE("numbers with every comparison: leader-epoch, hw, leo (on a broker)") {
  CHECK(expect_condition("leader-epoch t-0 > 1").comparison == Comparison::gt);
  CHECK(expect_condition("leader-epoch t-0 > 1").subject == Subject::leader_epoch);
  const Condition hw = expect_condition("hw t-0 >= 10");
  CHECK(hw.subject == Subject::high_watermark);
  CHECK(hw.comparison == Comparison::ge);
  CHECK(hw.number == 10);
  CHECK_FALSE(hw.on_broker);
  const Condition hw_on = expect_condition("hw t-0 on broker 2 < 10");
  CHECK(hw_on.on_broker == 2);
  CHECK(hw_on.comparison == Comparison::lt);
  CHECK(hw_on.source == "hw t-0 on broker 2 < 10");
  const Condition leo = expect_condition("leo t-0 on broker 1 <= 7");
  CHECK(leo.subject == Subject::log_end_offset);
  CHECK(leo.on_broker == 1);
  CHECK(leo.comparison == Comparison::le);
  CHECK(leo.number == 7);
}

TEST_CASE("broker N: up, down or paused") {
  const Condition down = expect_condition("broker 1 == down");
  CHECK(down.subject == Subject::broker_state);
  CHECK(down.on_broker == 1);
  CHECK(down.text == "down");
  CHECK(expect_condition("broker 0 != paused").text == "paused");
  CHECK(expect_condition("broker 2 == up").comparison == Comparison::eq);
}

TEST_CASE("partition counts") {
  CHECK(expect_condition("under-replicated == 0").subject == Subject::under_replicated);
  const Condition offline = expect_condition("offline > 0");
  CHECK(offline.subject == Subject::offline);
  CHECK(offline.comparison == Comparison::gt);
}

TEST_CASE("the audit's counts, over all producers or one acks setting") {
  for (const char* name : {"acknowledged", "lost", "duplicated", "indeterminate", "sent"}) {
    const Condition count = expect_condition(std::string(name) + " == 5");
    CHECK(count.subject == Subject::audit_count);
    CHECK(count.name == name);
    CHECK_FALSE(count.acks);
    CHECK(count.number == 5);
  }
  CHECK(expect_condition("lost acks=1 == 5").acks == 1);
  CHECK(expect_condition("lost acks=0 == 5").acks == 0);
  CHECK(expect_condition("lost acks=all == 0").acks == -1);
  CHECK(expect_condition("lost acks=-1 == 0").acks == -1);
}

TEST_CASE("consumed: a consumer job, or the last console consumer") {
  const Condition last = expect_condition("consumed >= 2");
  CHECK(last.subject == Subject::consumed);
  CHECK(last.name.empty());
  const std::vector<Step> steps = script_steps(
      "kafka-console-consumer.sh --topic t --consumer-property client.id=c1 &\n"
      "expect consumed c1 == 3\n");
  const Condition job = std::get<Expect>(steps.at(1).command).condition;
  CHECK(job.name == "c1");
  CHECK(job.number == 3);
}

TEST_CASE("lag of a group, or of one of its partitions") {
  const Condition group = expect_condition("lag g1 == 0");
  CHECK(group.subject == Subject::lag);
  CHECK(group.name == "g1");
  CHECK(group.partition == TopicPartition{});
  const Condition partition = expect_condition("lag g1 t-2 > 3");
  CHECK(partition.name == "g1");
  CHECK(partition.partition == TopicPartition{"t", 2});
  CHECK(partition.comparison == Comparison::gt);
}

TEST_CASE("output contains / == text, and failed text") {
  const Condition contains = expect_condition("output contains 'Leader: 1'");
  CHECK(contains.subject == Subject::output);
  CHECK(contains.comparison == Comparison::contains);
  CHECK(contains.text == "Leader: 1");
  const Condition equals = expect_condition("output == \"Created topic t.\\n\"");
  CHECK(equals.comparison == Comparison::eq);
  CHECK(equals.text == "Created topic t.\n");
  CHECK(equals.source == "output == \"Created topic t.\\n\"");
  const Condition failed = expect_condition("failed \"NOT_ENOUGH_REPLICAS\"");
  CHECK(failed.subject == Subject::failed);
  CHECK(failed.comparison == Comparison::contains);
  CHECK(failed.text == "NOT_ENOUGH_REPLICAS");
  CHECK(expect_condition("failed").text.empty());
}
