// kafka-consumer-groups.sh --list and --describe output, character for character as Kafka 3.x's
// ConsumerGroupCommand prints it.
#include <catch2/catch.hpp>

#include "core/coordinator/consumer_groups_command.h"
#include "core/protocol/consumer_protocol.h"

using namespace ksim::coordinator;
using namespace ksim::protocol;
using ksim::storage::TopicPartition;

namespace {

DescribedGroupMember member(const std::string& id, const std::string& host, const std::string& client,
                            const std::vector<TopicPartition>& partitions) {
  DescribedGroupMember m;
  m.member_id = id;
  m.client_host = host;
  m.client_id = client;
  ConsumerProtocolAssignment a;
  a.assigned_partitions = group_by_topic(partitions);
  m.member_assignment = encode_assignment(a);
  return m;
}

}  // namespace

TEST_CASE("kafka-consumer-groups list prints consumer groups one per line", "[coordinator][cli]") {
  const auto output = consumer_groups_list({{"my-group", "consumer", "Stable"},
                                            {"connect-cluster", "connect", "Stable"},
                                            {"offsets-only", "", "Empty"}});
  CHECK(output.out == "my-group\noffsets-only\n");
  CHECK(output.err.empty());
}

TEST_CASE("kafka-consumer-groups describe of a stable group: members by partition count then committed partitions no one owns",
          "[coordinator][cli]") {
  const std::string m1 = "consumer-1-0e2d1d6c-7b17-4f0e-9bd4-7d1e8d1e9e7a";
  const std::string m2 = "consumer-2-5f1c2a3b-1111-4222-8333-444455556666";
  DescribedGroup group;
  group.group_id = "my-group";
  group.group_state = "Stable";
  group.protocol_type = "consumer";
  group.protocol_data = "range";
  group.members = {member(m2, "/10.0.0.2", "consumer-2", {{"t", 2}}),
                   member(m1, "/10.0.0.1", "consumer-1", {{"t", 1}, {"t", 0}})};
  const std::map<TopicPartition, std::int64_t> committed = {{{"t", 0}, 5}, {{"t", 1}, 7}, {{"u", 0}, 4}};
  const std::map<TopicPartition, std::int64_t> log_end = {{{"t", 0}, 10}, {{"t", 2}, 3}, {{"u", 0}, 4}};
  const auto output = consumer_groups_describe(group, committed, log_end);
  CHECK(output.err.empty());
  CHECK(output.out ==
        "\nGROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID                                     HOST            CLIENT-ID\n"
        "my-group        t               0          5               10              5               consumer-1-0e2d1d6c-7b17-4f0e-9bd4-7d1e8d1e9e7a /10.0.0.1       consumer-1\n"
        "my-group        t               1          7               -               -               consumer-1-0e2d1d6c-7b17-4f0e-9bd4-7d1e8d1e9e7a /10.0.0.1       consumer-1\n"
        "my-group        t               2          -               3               -               consumer-2-5f1c2a3b-1111-4222-8333-444455556666 /10.0.0.2       consumer-2\n"
        "my-group        u               0          4               4               0               -                                               -               -\n");
}

TEST_CASE("kafka-consumer-groups describe of an empty group says it has no active members", "[coordinator][cli]") {
  DescribedGroup group;
  group.group_id = "con-1";
  group.group_state = "Empty";
  group.protocol_type = "consumer";
  std::map<TopicPartition, std::int64_t> committed;
  for (std::int32_t p = 0; p < 3; ++p) committed[{"hello", p}] = p;
  const auto output = consumer_groups_describe(group, committed, committed);
  CHECK(output.err == "\nConsumer group 'con-1' has no active members.\n");
  CHECK(output.out ==
        "\nGROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID\n"
        "con-1           hello           0          0               0               0               -               -               -\n"
        "con-1           hello           1          1               1               0               -               -               -\n"
        "con-1           hello           2          2               2               0               -               -               -\n");
}

TEST_CASE("more than four partitions come out in Scala's HashMap order", "[coordinator][cli]") {
  DescribedGroup group;
  group.group_id = "con-1";
  group.group_state = "Empty";
  std::map<TopicPartition, std::int64_t> committed;
  for (std::int32_t p = 0; p < 5; ++p) committed[{"hello", p}] = p;
  // improve(TopicPartition.hashCode) & 31 for hello-0..4: 19, 10, 3, 6, 22.
  const auto out = consumer_groups_describe(group, committed, committed).out;
  std::vector<char> order;
  std::size_t pos = 0;
  while ((pos = out.find("\ncon-1           hello           ", pos)) != std::string::npos) {
    pos += 33;
    order.push_back(out[pos]);
  }
  CHECK(order == std::vector<char>{'2', '3', '1', '0', '4'});
}

TEST_CASE("kafka-consumer-groups describe of a missing or rebalancing group", "[coordinator][cli]") {
  DescribedGroup dead;
  dead.group_id = "nope";
  dead.group_state = "Dead";
  const auto missing = consumer_groups_describe(dead, {}, {});
  CHECK(missing.out == "\nError: Consumer group 'nope' does not exist.\n");
  CHECK(missing.err.empty());

  DescribedGroup rebalancing;
  rebalancing.group_id = "g";
  rebalancing.group_state = "PreparingRebalance";
  rebalancing.members = {DescribedGroupMember{"c-1", std::nullopt, "c", "/h", {}, {}}};
  const auto output = consumer_groups_describe(rebalancing, {}, {});
  CHECK(output.err == "\nWarning: Consumer group 'g' is rebalancing.\n");
  CHECK(output.out.empty());  // no member owns anything yet and nothing is committed

  DescribedGroup empty;
  empty.group_id = "g";
  empty.group_state = "Empty";
  const auto nothing = consumer_groups_describe(empty, {}, {});
  CHECK(nothing.err == "\nConsumer group 'g' has no active members.\n");
  CHECK(nothing.out.empty());
}
