// AdminUtils.assignReplicasToBrokers against assignments worked out by hand from Kafka's
// algorithm, the examples in Kafka's own comments, and the seeds' transcripts.
#include "core/controller/replica_assignment.h"

#include <catch2/catch.hpp>

#include "core/controller/admin_error.h"

using namespace ksim::controller;

namespace {

std::vector<BrokerMetadata> brokers(std::initializer_list<std::int32_t> ids) {
  std::vector<BrokerMetadata> result;
  for (std::int32_t id : ids) result.push_back(BrokerMetadata{id, std::nullopt});
  return result;
}

// The AdminError a call throws (the test fails if it throws nothing).
template <typename Call>
AdminError admin_error_of(Call call) {
  try {
    call();
  } catch (const AdminError& error) {
    return error;
  }
  FAIL("no AdminError thrown");
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("the quickstart's topic: 3 brokers, RF 3, startIndex 1 gives [1, 2, 0]", "[assignment]") {
  // Seed 002: "Replicas: 1,2,0". Partition 0's first replica is broker[(0 + 1) % 3] = 1; the
  // next ones sit at shift 1 + (shift + j) % 2 from it.
  CHECK(assign_replicas_to_brokers(brokers({0, 1, 2}), 1, 3, {1, 0}) ==
        ReplicaAssignment{{0, {1, 2, 0}}});
  CHECK(assign_replicas_to_brokers(brokers({0, 1, 2}), 1, 3, {1, 2}) ==
        ReplicaAssignment{{0, {1, 2, 0}}});
  CHECK(assign_replicas_to_brokers(brokers({0, 1, 2}), 1, 3, {1, 1}) ==
        ReplicaAssignment{{0, {1, 0, 2}}});
  // Seed 004: "Replicas: 0,1,2" (startIndex 0, shift 0).
  CHECK(assign_replicas_to_brokers(brokers({0, 1, 2}), 1, 3, {0, 0}) ==
        ReplicaAssignment{{0, {0, 1, 2}}});
  // Seed 002's single-broker topic: "Replicas: 0".
  CHECK(assign_replicas_to_brokers(brokers({0}), 1, 1, {0, 0}) == ReplicaAssignment{{0, {0}}});
}

TEST_CASE("Kafka's comment example: 5 brokers, 10 partitions, RF 3", "[assignment]") {
  // AdminUtils' doc comment: the shift grows once the first replicas wrap around (p5).
  CHECK(assign_replicas_to_brokers(brokers({0, 1, 2, 3, 4}), 10, 3, {0, 0}) ==
        ReplicaAssignment{{0, {0, 1, 2}},
                          {1, {1, 2, 3}},
                          {2, {2, 3, 4}},
                          {3, {3, 4, 0}},
                          {4, {4, 0, 1}},
                          {5, {0, 2, 3}},
                          {6, {1, 3, 4}},
                          {7, {2, 4, 0}},
                          {8, {3, 0, 1}},
                          {9, {4, 1, 2}}});
}

TEST_CASE("seed 000: brokers 1-4, 4 partitions, RF 2 is startIndex 3 with shift 1",
          "[assignment]") {
  // "Replicas: 4,2 / 1,3 / 2,4 / 3,1" in the seed's describe.
  CHECK(assign_replicas_to_brokers(brokers({1, 2, 3, 4}), 4, 2, {3, 1}) ==
        ReplicaAssignment{{0, {4, 2}}, {1, {1, 3}}, {2, {2, 4}}, {3, {3, 1}}});
  // Only the shift modulo n - 1 matters.
  CHECK(assign_replicas_to_brokers(brokers({1, 2, 3, 4}), 4, 2, {3, 4}) ==
        assign_replicas_to_brokers(brokers({1, 2, 3, 4}), 4, 2, {3, 1}));
}

TEST_CASE("broker ids index the list as given, not by value", "[assignment]") {
  CHECK(assign_replicas_to_brokers(brokers({10, 20, 30}), 2, 2, {2, 0}) ==
        ReplicaAssignment{{0, {30, 10}}, {1, {10, 20}}});
}

TEST_CASE("added partitions continue with Kafka's fixed start", "[assignment]") {
  // Partition 0 is [1, 2, 0]: the fixed start is the index of the first broker with id >= 1.
  // p1: first (1 + 1) % 3 = broker 2, shift 1 -> [2, 1, 0]; p2: first broker 0 -> [0, 2, 1].
  CHECK(assign_replicas_for_new_partitions(brokers({0, 1, 2}), {1, 2, 0}, 1, 2) ==
        ReplicaAssignment{{1, {2, 1, 0}}, {2, {0, 2, 1}}});
  // The same as the explicit call Kafka makes.
  CHECK(assign_replicas_to_brokers(brokers({0, 1, 2}), 2, 3, AssignmentRandomness::fixed(1), 1) ==
        ReplicaAssignment{{1, {2, 1, 0}}, {2, {0, 2, 1}}});
  // A head larger than every broker id: indexWhere gives -1, max(0, -1) = 0.
  CHECK(assign_replicas_for_new_partitions(brokers({0, 1}), {7, 0}, 1, 1) ==
        ReplicaAssignment{{1, {1, 0}}});
  // Partition 3 of 3 brokers wraps: the shift grows by one.
  CHECK(assign_replicas_to_brokers(brokers({0, 1, 2}), 1, 2, AssignmentRandomness::fixed(0), 3) ==
        ReplicaAssignment{{3, {0, 2}}});
}

TEST_CASE("assignment errors in Kafka 1.1+ words", "[assignment][errors]") {
  const auto rf = admin_error_of([] { assign_replicas_to_brokers(brokers({0, 1, 2}), 1, 4, {}); });
  CHECK(std::string(rf.what()) == "Replication factor: 4 larger than available brokers: 3.");
  CHECK(rf.exception_class() == "org.apache.kafka.common.errors.InvalidReplicationFactorException");
  CHECK(rf.error() == ksim::protocol::Error::INVALID_REPLICATION_FACTOR);
  CHECK(rf.stack_trace().empty());

  const auto zero_rf = admin_error_of([] {
    assign_replicas_to_brokers(brokers({0, 1, 2}), 1, 0, {});
  });
  CHECK(std::string(zero_rf.what()) == "Replication factor must be larger than 0.");
  CHECK(zero_rf.error() == ksim::protocol::Error::INVALID_REPLICATION_FACTOR);

  const auto zero_partitions = admin_error_of([] {
    assign_replicas_to_brokers(brokers({0, 1, 2}), 0, 1, {});
  });
  CHECK(std::string(zero_partitions.what()) == "Number of partitions must be larger than 0.");
  CHECK(zero_partitions.exception_class() ==
        "org.apache.kafka.common.errors.InvalidPartitionsException");
  CHECK(zero_partitions.error() == ksim::protocol::Error::INVALID_PARTITIONS);

  // Partitions are checked first, then the replication factor.
  const auto both = admin_error_of([] { assign_replicas_to_brokers(brokers({0}), -1, 5, {}); });
  CHECK(std::string(both.what()) == "Number of partitions must be larger than 0.");
  // No brokers at all (Kafka's "larger than available brokers: 0.").
  const auto none = admin_error_of([] { assign_replicas_to_brokers({}, 3, 1, {}); });
  CHECK(std::string(none.what()) == "Replication factor: 1 larger than available brokers: 0.");
}

TEST_CASE("assignment errors before Kafka 1.1 and before 0.10.1", "[assignment][errors]") {
  const auto v1_0 = admin_error_of([] {
    assign_replicas_to_brokers(brokers({0}), 3, 3, {}, 0, KafkaVersion{1, 0, 0});
  });
  CHECK(std::string(v1_0.what()) == "replication factor: 3 larger than available brokers: 1");
  CHECK(v1_0.exception_class() ==
        "org.apache.kafka.common.errors.InvalidReplicationFactorException");
  // Seed 004 (0.9): "kafka.admin.AdminOperationException: replication factor: 4 larger than
  // available brokers: 3".
  const auto v0_9 = admin_error_of([] {
    assign_replicas_to_brokers(brokers({0, 1, 2}), 1, 4, {}, 0, KafkaVersion{0, 9, 0});
  });
  CHECK(std::string(v0_9.what()) == "replication factor: 4 larger than available brokers: 3");
  CHECK(v0_9.exception_class() == "kafka.admin.AdminOperationException");
  CHECK(std::string(admin_error_of([] {
                      assign_replicas_to_brokers(brokers({0}), 0, 1, {}, 0, KafkaVersion{0, 9, 0});
                    }).what()) == "number of partitions must be larger than 0");
  CHECK(std::string(admin_error_of([] {
                      assign_replicas_to_brokers(brokers({0}), 1, 0, {}, 0, KafkaVersion{0, 9, 0});
                    }).what()) == "replication factor must be larger than 0");
}

TEST_CASE("negative randomness and duplicate brokers are programmer errors",
          "[assignment][errors]") {
  CHECK_THROWS_AS(assign_replicas_to_brokers(brokers({0, 1}), 1, 1, {-1, 0}),
                  std::invalid_argument);
  CHECK_THROWS_WITH(assign_replicas_to_brokers({{0, "a"}, {0, "a"}}, 1, 2, {0, 0}),
                    "assign_replicas_to_brokers: broker 0 is listed twice");
}

TEST_CASE("rack-aware assignment: Kafka's comment example", "[assignment][rack]") {
  const std::vector<BrokerMetadata> racked{{0, "rack1"}, {1, "rack3"}, {2, "rack3"},
                                           {3, "rack2"}, {4, "rack2"}, {5, "rack1"}};
  CHECK(rack_alternated_broker_list(
            {{0, "rack1"}, {1, "rack3"}, {2, "rack3"}, {3, "rack2"}, {4, "rack2"}, {5, "rack1"}}) ==
        std::vector<std::int32_t>{0, 3, 1, 5, 4, 2});
  CHECK(assign_replicas_to_brokers(racked, 7, 3, {0, 0}) == ReplicaAssignment{{0, {0, 3, 1}},
                                                                              {1, {3, 1, 5}},
                                                                              {2, {1, 5, 4}},
                                                                              {3, {5, 4, 2}},
                                                                              {4, {4, 2, 0}},
                                                                              {5, {2, 0, 3}},
                                                                              {6, {0, 4, 2}}});
  CHECK(rack_alternated_broker_list({{0, "a"}, {1, "a"}, {2, "b"}}) ==
        std::vector<std::int32_t>{0, 2, 1});
}

TEST_CASE("rack-aware assignment puts a partition's replicas on different racks",
          "[assignment][rack]") {
  // Two racks of two: with RF 2 every partition spans both racks.
  const std::vector<BrokerMetadata> racked{{0, "a"}, {1, "a"}, {2, "b"}, {3, "b"}};
  const ReplicaAssignment assignment = assign_replicas_to_brokers(racked, 8, 2, {1, 3});
  REQUIRE(assignment.size() == 8);
  for (const auto& [partition, replicas] : assignment) {
    REQUIRE(replicas.size() == 2);
    CHECK((replicas[0] < 2) != (replicas[1] < 2));
  }
}

TEST_CASE("racks on some brokers only", "[assignment][rack][errors]") {
  const std::vector<BrokerMetadata> mixed{{0, "a"}, {1, std::nullopt}};
  CHECK(std::string(admin_error_of([&] { assign_replicas_to_brokers(mixed, 1, 1, {}); }).what()) ==
        "Not all brokers have rack information for replica rack aware assignment.");
  const auto enforced = admin_error_of([&] { broker_metadatas(mixed, RackAwareMode::enforced); });
  CHECK(std::string(enforced.what()) ==
        "Not all brokers have rack information. Add --disable-rack-aware in command line to make "
        "replica assignment without rack information.");
  CHECK(enforced.exception_class() == "kafka.admin.AdminOperationException");
  CHECK(broker_metadatas(mixed, RackAwareMode::safe) ==
        std::vector<BrokerMetadata>{{0, std::nullopt}, {1, std::nullopt}});
  CHECK(broker_metadatas({{2, "b"}, {0, "a"}}, RackAwareMode::disabled) ==
        std::vector<BrokerMetadata>{{0, std::nullopt}, {2, std::nullopt}});
  CHECK(broker_metadatas({{2, "b"}, {0, "a"}}, RackAwareMode::enforced) ==
        std::vector<BrokerMetadata>{{0, "a"}, {2, "b"}});
}
