// Consumer groups end to end in the simulated cluster: Kafka's consumer (core/client) on client
// nodes, the group coordinator in every broker (core/coordinator), __consumer_offsets created on
// the first FindCoordinator and replicated like any topic. The replication invariants run after
// every event. Exact values for fixed seeds.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>

#include "cluster_test_support.h"
#include "core/coordinator/offsets_topic.h"
#include "sim/clients/consumer_process.h"
#include "sim/clients/producer_process.h"

namespace ksim::sim::cluster::test {

namespace {

using Partitions = std::vector<storage::TopicPartition>;
using Config = std::vector<std::pair<std::string, std::string>>;

Partitions partitions(const std::string& topic, std::vector<std::int32_t> numbers) {
  Partitions out;
  for (std::int32_t n : numbers) out.push_back(tp(topic, n));
  return out;
}

// The consumer's latest assignment (empty when it has none).
Partitions assignment_of(KafkaCluster& cluster, const std::string& name) {
  const auto& assignments = cluster.consumer_history(name).assignments;
  return assignments.empty() ? Partitions{} : assignments.back().second;
}

// A started cluster of three brokers with topic `topic` (`count` partitions, RF 3, full ISRs).
void start_with_topic(KafkaCluster& cluster, const std::string& topic, std::int32_t count) {
  cluster.start();
  cluster.wait_until_ready();
  cluster.create_topic(topic, count, 3);
  for (std::int32_t p = 0; p < count; ++p) wait_for_isr(cluster, tp(topic, p), 3);
}

// Produces `values[i]` to partition i % count through the scripted client, acks=all.
std::vector<std::string> produce_round_robin(KafkaCluster& cluster, const std::string& topic,
                                             std::int32_t count, const std::string& prefix,
                                             int n) {
  std::vector<std::string> values;
  for (int i = 0; i < n; ++i) {
    const std::string value = fmt::format("{}{}", prefix, i);
    REQUIRE(produce(cluster, tp(topic, i % count), {value}, -1).acknowledged());
    values.push_back(value);
  }
  return values;
}

std::multiset<std::string> consumed_values(KafkaCluster& cluster,
                                           const std::vector<std::string>& names) {
  std::multiset<std::string> out;
  for (const auto& name : names) {
    for (const auto& r : cluster.consumer_history(name).records) out.insert(r.value.value_or(""));
  }
  return out;
}

// (e) Within one group, a record read again (by another member or the same one) must be
// explained by a rebalance: the reader got the partition assigned after the first read, at a
// moment when no commit of the group had passed the record's offset yet. Returns what is not.
std::vector<std::string> unexplained_redeliveries(KafkaCluster& cluster,
                                                  const std::vector<std::string>& members) {
  struct Read {
    std::string member;
    SimTime at;
  };
  std::map<std::pair<storage::TopicPartition, std::int64_t>, std::vector<Read>> reads;
  std::vector<std::pair<SimTime, std::map<storage::TopicPartition, std::int64_t>>> commits;
  for (const auto& name : members) {
    const auto& history = cluster.consumer_history(name);
    for (const auto& r : history.records) reads[{r.topic_partition, r.offset}].push_back({name, r.consumed_at});
    for (const auto& c : history.commits) {
      if (c.succeeded()) commits.emplace_back(c.completed_at, c.offsets);
    }
  }
  const auto committed_at = [&](const storage::TopicPartition& p, SimTime when) {
    std::int64_t offset = -1;
    for (const auto& [at, offsets] : commits) {
      if (at > when) continue;
      if (auto it = offsets.find(p); it != offsets.end()) offset = std::max(offset, it->second);
    }
    return offset;
  };
  std::vector<std::string> problems;
  for (auto& [key, list] : reads) {
    std::sort(list.begin(), list.end(), [](const Read& a, const Read& b) { return a.at < b.at; });
    for (std::size_t i = 1; i < list.size(); ++i) {
      const auto& assignments = cluster.consumer_history(list[i].member).assignments;
      bool explained = false;
      for (const auto& [at, parts] : assignments) {
        if (at < list[i - 1].at || at > list[i].at) continue;
        if (std::find(parts.begin(), parts.end(), key.first) == parts.end()) continue;
        if (committed_at(key.first, at) <= key.second) explained = true;
      }
      if (!explained) {
        problems.push_back(fmt::format("{}@{} read by {} at {} and by {} at {}", key.first.to_string(),
                                       key.second, list[i - 1].member, list[i - 1].at.to_string(),
                                       list[i].member, list[i].at.to_string()));
      }
    }
  }
  return problems;
}

}  // namespace

TEST_CASE("a consumer reads every acknowledged record of a topic from the beginning",
          "[cluster][groups]") {
  KafkaCluster cluster(cluster_options(41));
  start_with_topic(cluster, "t", 3);
  // Half the records before the consumer exists, half while it reads.
  clients::ProducerProcess& producer = cluster.add_producer("producer", {{"acks", "all"}, {"enable.idempotence", "false"}});
  for (int i = 0; i < 30; ++i) producer.send("t", fmt::format("k{}", i), fmt::format("v{}", i));
  cluster.run_until([&] { return producer.flushed(); }, 30_s, "the first half acknowledged");
  const SimTime start = cluster.now();
  clients::ConsumerProcess& reader =
      cluster.add_consumer("reader", {{"group.id", "readers"}, {"auto.offset.reset", "earliest"}});
  reader.subscribe({"t"});
  for (int i = 30; i < 60; ++i) producer.send("t", fmt::format("k{}", i), fmt::format("v{}", i));
  cluster.run_until([&] { return producer.flushed(); }, 30_s, "the second half acknowledged");
  const auto& produced = cluster.producer_history("producer");
  REQUIRE(produced.count(client::SendOutcomeKind::acknowledged) == 60);
  cluster.run_until([&] { return cluster.consumer_history("reader").records.size() >= 60; }, 60_s,
                    "every record read");
  cluster.run_for(2_s);
  const auto& history = cluster.consumer_history("reader");
  // Every acknowledged record exactly once, at the offset its acknowledgement named.
  std::map<std::pair<storage::TopicPartition, std::int64_t>, std::string> acknowledged;
  for (const auto& r : produced.records) {
    acknowledged[{*r.outcome->topic_partition, r.outcome->offset}] = *r.value;
  }
  std::map<std::pair<storage::TopicPartition, std::int64_t>, std::string> read;
  for (const auto& r : history.records) {
    CHECK(read.emplace(std::pair{r.topic_partition, r.offset}, *r.value).second);
  }
  CHECK(read == acknowledged);
  // The group forms after group.initial.rebalance.delay.ms (3 s) from the first JoinGroup; the
  // first records come with the poll after the fetches' answers.
  REQUIRE(history.assignments.size() == 1);
  CHECK(history.assignments.front().second == partitions("t", {0, 1, 2}));
  CHECK((history.assignments.front().first - start).to_string() == "3.510827s");
  CHECK((history.records.front().consumed_at - start).to_string() == "3.600s");
  CHECK(history.records.front().poll == 36);
}

TEST_CASE("one group over six partitions: RangeAssignor's split for 2 then 3 members; two groups",
          "[cluster][groups]") {
  KafkaCluster cluster(cluster_options(42));
  start_with_topic(cluster, "t", 6);
  const Config group_a = {{"group.id", "a"}, {"auto.offset.reset", "earliest"}};
  cluster.add_consumer("c1", group_a).subscribe({"t"});
  cluster.add_consumer("c2", group_a).subscribe({"t"});
  cluster.add_consumer("solo", {{"group.id", "b"}, {"auto.offset.reset", "earliest"}})
      .subscribe({"t"});
  cluster.run_until([&] { return assignment_of(cluster, "c1").size() == 3 && assignment_of(cluster, "c2").size() == 3; },
                    30_s, "two members with three partitions each");
  CHECK(assignment_of(cluster, "c1") == partitions("t", {0, 1, 2}));
  CHECK(assignment_of(cluster, "c2") == partitions("t", {3, 4, 5}));
  std::vector<std::string> values = produce_round_robin(cluster, "t", 6, "first-", 24);
  cluster.run_until([&] { return consumed_values(cluster, {"c1", "c2"}).size() >= 24; }, 30_s,
                    "the first 24 read");
  const SimTime third_joins = cluster.now();
  cluster.add_consumer("c3", group_a).subscribe({"t"});
  cluster.run_until([&] {
    return assignment_of(cluster, "c1").size() == 2 && assignment_of(cluster, "c2").size() == 2 &&
           assignment_of(cluster, "c3").size() == 2;
  }, 60_s, "three members with two partitions each");
  // The members learn of the rebalance from their next heartbeat (heartbeat.interval.ms 3 s).
  CHECK((cluster.now() - third_joins).to_string() == "2.883992s");
  CHECK(assignment_of(cluster, "c1") == partitions("t", {0, 1}));
  CHECK(assignment_of(cluster, "c2") == partitions("t", {2, 3}));
  CHECK(assignment_of(cluster, "c3") == partitions("t", {4, 5}));
  const std::vector<std::string> more = produce_round_robin(cluster, "t", 6, "second-", 24);
  values.insert(values.end(), more.begin(), more.end());
  cluster.run_until([&] {
    return consumed_values(cluster, {"c1", "c2", "c3"}).size() >= 48 &&
           cluster.consumer_history("solo").records.size() >= 48;
  }, 30_s, "everything read by both groups");
  cluster.run_for(2_s);
  const std::multiset<std::string> expected(values.begin(), values.end());
  // Each message to exactly one member of group a; group b's one member gets every message too.
  CHECK(consumed_values(cluster, {"c1", "c2", "c3"}) == expected);
  CHECK(consumed_values(cluster, {"solo"}) == expected);
  // c3 read only from its partitions, c1 and c2 from theirs.
  for (const auto& r : cluster.consumer_history("c3").records) CHECK(r.topic_partition.partition >= 4);
  CHECK(unexplained_redeliveries(cluster, {"c1", "c2", "c3"}).empty());
  CHECK(cluster.consumer_history("c1").records.size() == 20);
  CHECK(cluster.consumer_history("c2").records.size() == 20);
  CHECK(cluster.consumer_history("c3").records.size() == 8);
  CHECK(cluster.consumer_groups({"--bootstrap-server", "broker0:9092", "--list"}).out == "a\nb\n");
}

TEST_CASE("a killed member: the group rebalances within the session timeout and its partitions move",
          "[cluster][groups]") {
  KafkaCluster cluster(cluster_options(43));
  start_with_topic(cluster, "t", 6);
  const Config config = {{"group.id", "g"},
                         {"auto.offset.reset", "earliest"},
                         {"session.timeout.ms", "10000"},
                         {"auto.commit.interval.ms", "1000"}};
  for (const char* name : {"c1", "c2", "c3"}) cluster.add_consumer(name, config).subscribe({"t"});
  cluster.run_until([&] { return assignment_of(cluster, "c3").size() == 2 && assignment_of(cluster, "c1").size() == 2; }, 30_s,
                    "three members");
  std::vector<std::string> values = produce_round_robin(cluster, "t", 6, "before-", 30);
  cluster.run_until([&] { return consumed_values(cluster, {"c1", "c2", "c3"}).size() >= 30; }, 30_s,
                    "everything read");
  const Partitions c2_had = assignment_of(cluster, "c2");
  CHECK(c2_had == partitions("t", {2, 3}));
  const std::size_t c1_assignments = cluster.consumer_history("c1").assignments.size();
  // More records the dead member would have read, then kill -9.
  const std::vector<std::string> more = produce_round_robin(cluster, "t", 6, "around-", 12);
  values.insert(values.end(), more.begin(), more.end());
  const SimTime killed = cluster.now();
  REQUIRE(cluster.world().kill("c2"));
  cluster.run_until([&] {
    const auto& h = cluster.consumer_history("c1");
    return h.assignments.size() > c1_assignments && assignment_of(cluster, "c1").size() == 3 &&
           assignment_of(cluster, "c3").size() == 3;
  }, 30_s, "the two survivors share the six partitions");
  const SimDuration took = cluster.now() - killed;
  CHECK(took.to_string() == "11.788556s");
  CHECK(took <= SimDuration::from_ms(10000 + 3000 + 1000));  // session + heartbeat interval + join
  CHECK(took >= SimDuration::from_ms(10000 - 3000));
  CHECK(assignment_of(cluster, "c1") == partitions("t", {0, 1, 2}));
  CHECK(assignment_of(cluster, "c3") == partitions("t", {3, 4, 5}));
  const std::vector<std::string> after = produce_round_robin(cluster, "t", 6, "after-", 12);
  values.insert(values.end(), after.begin(), after.end());
  cluster.run_until([&] {
    std::set<std::string> distinct;
    for (const auto& v : consumed_values(cluster, {"c1", "c2", "c3"})) distinct.insert(v);
    return distinct.size() >= values.size();
  }, 30_s, "every record read by some member");
  std::set<std::string> distinct;
  for (const auto& v : consumed_values(cluster, {"c1", "c2", "c3"})) distinct.insert(v);
  CHECK(distinct == std::set<std::string>(values.begin(), values.end()));
  CHECK(unexplained_redeliveries(cluster, {"c1", "c2", "c3"}).empty());
  // The dead member's reads since its last auto-commit are read again by their new owner.
  CHECK(consumed_values(cluster, {"c1", "c2", "c3"}).size() - distinct.size() == 10);
}

TEST_CASE("committed offsets survive the failover of the group's coordinator",
          "[cluster][groups]") {
  KafkaCluster cluster(cluster_options(44));
  start_with_topic(cluster, "t", 3);
  const Config config = {{"group.id", "g"},
                         {"auto.offset.reset", "earliest"},
                         {"enable.auto.commit", "false"}};
  const std::vector<std::string> first = produce_round_robin(cluster, "t", 3, "old-", 12);
  clients::ConsumerProcess& c1 = cluster.add_consumer("c1", config);
  c1.subscribe({"t"});
  cluster.run_until([&] { return cluster.consumer_history("c1").records.size() >= 12; }, 30_s,
                    "the first 12 read");
  cluster.consumer("c1").commit();
  cluster.run_until([&] { return !cluster.consumer_history("c1").commits.empty(); }, 30_s,
                    "the commit's outcome");
  const clients::ConsumerCommit commit = cluster.consumer_history("c1").commits.back();
  CHECK(commit.succeeded());
  CHECK(commit.offsets == std::map<storage::TopicPartition, std::int64_t>{
                              {tp("t", 0), 4}, {tp("t", 1), 4}, {tp("t", 2), 4}});
  // The member goes (kill -9), then the broker coordinating the group.
  REQUIRE(cluster.world().kill("c1"));
  const storage::TopicPartition offsets = coordinator::offsets_topic_partition_for("g");
  const std::int32_t old_coordinator = leader_of(cluster, offsets);
  REQUIRE(cluster.kill(old_coordinator));
  cluster.run_until([&] {
    const auto state = cluster.partition_state(offsets);
    return state && state->leader_and_isr.has_leader() && state->leader_and_isr.leader != old_coordinator;
  }, 30_s, "a new leader for the group's offsets partition");
  const std::int32_t new_coordinator = leader_of(cluster, offsets);
  CHECK(offsets.partition == 3);  // "g".hashCode() = 103, 103 % 50
  CHECK(old_coordinator == 1);
  CHECK(new_coordinator == 0);
  // The new leader loads the partition (the commit with it) when its LeaderAndIsr arrives.
  cluster.run_until([&] {
    return cluster.broker(new_coordinator)->group_coordinator().owns_partition(offsets.partition);
  }, 30_s, "the new coordinator loaded the group");
  for (std::int32_t p = 0; p < 3; ++p) wait_for_isr(cluster, tp("t", p), 2);
  // The loaded group: c1's commit, and c1 itself until its session times out.
  CHECK(cluster.consumer_groups({"--describe", "--group", "g"}).out ==
        "\n"
        "GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             "
        "CONSUMER-ID                             HOST            CLIENT-ID\n"
        "g               t               0          4               4               0               "
        "c1-15a1889a-dbf3-47c9-b0ae-7ba3fbb64829 /c1             c1\n"
        "g               t               1          4               4               0               "
        "c1-15a1889a-dbf3-47c9-b0ae-7ba3fbb64829 /c1             c1\n"
        "g               t               2          4               4               0               "
        "c1-15a1889a-dbf3-47c9-b0ae-7ba3fbb64829 /c1             c1\n");
  // New records through Kafka's producer (it follows the new leaders by itself).
  clients::ProducerProcess& producer =
      cluster.add_producer("producer", {{"acks", "all"}, {"enable.idempotence", "false"}});
  std::vector<std::string> second;
  for (int i = 0; i < 6; ++i) {
    second.push_back(fmt::format("new-{}", i));
    producer.send("t", std::nullopt, second.back(), i % 3);
  }
  cluster.run_until([&] { return producer.flushed(); }, 30_s, "the new records acknowledged");
  REQUIRE(cluster.producer_history("producer").count(client::SendOutcomeKind::acknowledged) == 6);
  // A new member resumes from the committed offsets: only the new records.
  const SimTime c2_added = cluster.now();
  cluster.add_consumer("c2", config).subscribe({"t"});
  cluster.run_until([&] { return cluster.consumer_history("c2").records.size() >= 6; }, 90_s,
                    "the new records read");
  const SimTime c2_first_read = cluster.consumer_history("c2").records.front().consumed_at;
  cluster.run_for(3_s);
  CHECK(consumed_values(cluster, {"c2"}) == std::multiset<std::string>(second.begin(), second.end()));
  for (const auto& r : cluster.consumer_history("c2").records) CHECK(r.offset >= 4);
  std::map<std::int32_t, std::int64_t> first_offset;
  for (const auto& r : cluster.consumer_history("c2").records) {
    first_offset.emplace(r.topic_partition.partition, r.offset);
  }
  CHECK(first_offset == std::map<std::int32_t, std::int64_t>{{0, 4}, {1, 4}, {2, 4}});
  // The rebalance c2 starts waits for the dead c1 until its session (45 s, restarted when the new
  // coordinator loaded the group) runs out.
  CHECK((c2_first_read - c2_added).to_string() == "44.900s");
}

TEST_CASE("kafka-consumer-groups.sh --describe and --list", "[cluster][groups]") {
  KafkaCluster cluster(cluster_options(45));
  start_with_topic(cluster, "t", 2);
  produce_round_robin(cluster, "t", 2, "v", 10);
  cluster
      .add_consumer("console-consumer",
                    {{"group.id", "g"}, {"auto.offset.reset", "earliest"}, {"enable.auto.commit", "false"}})
      .subscribe({"t"});
  cluster.add_consumer("other", {{"group.id", "other-group"}}).subscribe({"t"});
  cluster.run_until([&] { return cluster.consumer_history("console-consumer").records.size() >= 10; },
                    30_s, "the ten records read");
  cluster.consumer("console-consumer").commit();
  cluster.run_until([&] { return !cluster.consumer_history("console-consumer").commits.empty(); },
                    30_s, "the commit's outcome");
  produce_round_robin(cluster, "t", 2, "w", 3);  // t-0 gets two, t-1 one: the lag

  const coordinator::ConsoleOutput described = cluster.consumer_groups(
      {"--bootstrap-server", "localhost:9092", "--describe", "--group", "g"});
  CHECK(described.out ==
        "\n"
        "GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             "
        "CONSUMER-ID                                           HOST              CLIENT-ID\n"
        "g               t               0          5               7               2               "
        "console-consumer-47bc187c-2554-497a-b216-5cdba93b78f3 /console-consumer console-consumer\n"
        "g               t               1          5               6               1               "
        "console-consumer-47bc187c-2554-497a-b216-5cdba93b78f3 /console-consumer console-consumer\n");
  CHECK(described.err.empty());
  CHECK(cluster.consumer_groups({"--bootstrap-server", "localhost:9092", "--list"}).out ==
        "other-group\ng\n");

  // Closed (LeaveGroup): the offsets stay, nobody owns them.
  cluster.consumer("console-consumer").close();
  cluster.run_until([&] { return cluster.consumer("console-consumer").closed(); }, 30_s, "closed");
  const coordinator::ConsoleOutput empty = cluster.consumer_groups({"--describe", "--group", "g"});
  CHECK(empty.out ==
        "\n"
        "GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             "
        "CONSUMER-ID     HOST            CLIENT-ID\n"
        "g               t               0          5               7               2               "
        "-               -               -\n"
        "g               t               1          5               6               1               "
        "-               -               -\n");
  CHECK(empty.err == "\nConsumer group 'g' has no active members.\n");
  CHECK(cluster.consumer_groups({"--describe", "--group", "nope"}).out ==
        "\nError: Consumer group 'nope' does not exist.\n");
}

}  // namespace ksim::sim::cluster::test
