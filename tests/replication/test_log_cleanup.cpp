// The broker's log housekeeping as the ReplicaManager's tick runs it (log_cleanup.h): retention
// 30 s after startup and then every log.retention.check.interval.ms on leaders and followers,
// below each replica's own high watermark; the log cleaner on compacted logs whose dirty ratio
// reaches min.cleanable.dirty.ratio.
#include <catch2/catch.hpp>

#include "cluster_test_support.h"
#include "core/storage/log_cleaner.h"
#include "replication_test_support.h"

namespace ksim::replication::test {
namespace {

// One record per batch with a key, as a producer sends to a compacted topic.
storage::Bytes keyed_batch(const std::string& key, const std::string& value) {
  storage::Record record;
  record.timestamp = 1000;
  record.key = storage::to_bytes(key);
  record.value = storage::to_bytes(value);
  return storage::encode_batch(storage::BatchSpec{}, {record});
}

protocol::ProduceRequest keyed_produce(const std::string& key, const std::string& value) {
  protocol::ProduceRequest request;
  request.acks = 1;
  request.timeout_ms = 30000;
  request.partitions.push_back({tp0, keyed_batch(key, value)});
  return request;
}

ReplicationConfig housekeeping_config() {
  ReplicationConfig config = config_for(ProtocolVersion::v3_7);
  config.log_retention_check_interval_ms = 10000;
  config.log_cleaner_backoff_ms = 5000;
  return config;
}

// Every batch in a segment of its own (a one-record batch is about 70 bytes).
TopicConfig small_segments(storage::CleanupPolicy policy) {
  TopicConfig topic;
  topic.log_config.segment_bytes = 100;
  topic.log_config.retention_ms = 20000;
  topic.log_config.cleanup_policy = policy;
  return topic;
}

// Lets the follower fetch from `from_ms` until both replicas know the leader's HW: a caught-up
// follower's fetch waits replica.fetch.wait.max.ms (500 ms) for data, and brings the HW back.
// Returns the time it ends at.
std::int64_t replicate(TestCluster& cluster, std::int64_t from_ms) {
  std::int64_t now_ms = from_ms;
  for (int round = 0; round < 4; ++round) {
    cluster.send_fetches(now_ms);
    now_ms += 500;
    cluster.tick(now_ms);
  }
  return now_ms;
}

}  // namespace

TEST_CASE("retention runs 30 s after startup, then every log.retention.check.interval.ms, on "
          "every replica",
          "[manager][retention]") {
  TestCluster cluster({1, 2}, housekeeping_config());
  for (std::int32_t id : {1, 2}) {
    cluster.rm(id).set_topic_config("t", small_segments(storage::CleanupPolicy::delete_segments));
  }
  cluster.leader_and_isr(partition_state(1, 0, {1, 2}, {1, 2}), 0);
  // Three batches with timestamp 1000 (each rolls a segment), replicated and committed.
  for (const char* value : {"a", "b", "c"}) {
    cluster.rm(1).append_records(1, produce_request(1, {value}), 10);
  }
  replicate(cluster, 10);
  REQUIRE(cluster.rm(1).get_partition(tp0)->high_watermark() == 3);
  REQUIRE(cluster.rm(2).get_partition(tp0)->high_watermark() == 3);

  // The records' newest timestamp is 1000; retention.ms 20000 expires them after 21000. The
  // first check is at 30000, not at 21000.
  cluster.tick(29999);
  CHECK(cluster.rm(1).take_log_cleanups().empty());
  CHECK(cluster.rm(1).get_partition(tp0)->log().log_start_offset() == 0);
  cluster.tick(30000);
  for (std::int32_t id : {1, 2}) {
    const std::vector<LogCleanupEvent> events = cluster.rm(id).take_log_cleanups();
    REQUIRE(events.size() == 1);
    CHECK(describe(events[0]) ==
          "deleted segments [0, 1), [1, 2), [2, 3) (retention.ms breached); log start offset 3");
    const storage::Log& log = cluster.rm(id).get_partition(tp0)->log();
    CHECK(log.log_start_offset() == 3);
    CHECK(log.log_end_offset() == 3);
  }

  // Records appended later expire at the next checks, every 10000 ms from the first.
  cluster.rm(1).append_records(1, produce_request(1, {"d"}), 30001);
  REQUIRE(replicate(cluster, 30001) < 39999);
  cluster.tick(39999);
  CHECK(cluster.rm(1).take_log_cleanups().empty());
  cluster.tick(40000);  // the record's timestamp is 1000 (the producer's): long expired
  CHECK(cluster.rm(1).take_log_cleanups().size() == 1);
  CHECK(cluster.rm(1).get_partition(tp0)->log().log_start_offset() == 4);
}

TEST_CASE("retention never deletes what a replica's own high watermark has not passed",
          "[manager][retention]") {
  TestCluster cluster({1, 2}, housekeeping_config());
  for (std::int32_t id : {1, 2}) {
    cluster.rm(id).set_topic_config("t", small_segments(storage::CleanupPolicy::delete_segments));
  }
  cluster.leader_and_isr(partition_state(1, 0, {1, 2}, {1, 2}), 0);
  for (const char* value : {"a", "b", "c"}) {
    cluster.rm(1).append_records(1, produce_request(1, {value}), 10);
  }
  // Broker 2 never fetches: the leader's HW stays 0 and nothing is deleted.
  cluster.rm(1).tick(30000);
  CHECK(cluster.rm(1).take_log_cleanups().empty());
  CHECK(cluster.rm(1).get_partition(tp0)->log().log_start_offset() == 0);
}

TEST_CASE("the log cleaner compacts a log whose dirty ratio reaches min.cleanable.dirty.ratio",
          "[manager][cleaner]") {
  TestCluster cluster({1}, housekeeping_config());
  TopicConfig topic = small_segments(storage::CleanupPolicy::compact);
  cluster.rm(1).set_topic_config("t", topic);
  cluster.leader_and_isr(partition_state(1, 0, {1}, {1}), 0);
  ReplicaManager& rm = cluster.rm(1);
  const std::vector<std::pair<std::string, std::string>> writes = {
      {"alice", "london"}, {"bob", "paris"}, {"alice", "berlin"}, {"bob", "tokyo"},
      {"carol", "rome"}};
  // The records' timestamps are 1000: at 2000 they are past min.compaction.lag.ms (0).
  for (const auto& [key, value] : writes) rm.append_records(1, keyed_produce(key, value), 2000);
  Partition& partition = *rm.get_partition(tp0);
  REQUIRE(partition.high_watermark() == 5);

  // The cleaner's first look is due at startup (0), so the first tick cleans; the next look is
  // log.cleaner.backoff.ms later.
  rm.tick(2000);
  std::vector<LogCleanupEvent> events = rm.take_log_cleanups();
  REQUIRE(events.size() == 1);
  REQUIRE(events[0].cleaned);
  // The active segment (offset 4, carol) is never cleaned: offsets 0-3 were, all dirty.
  CHECK(describe(events[0]).starts_with(
      "log cleaner: cleaned offsets [0, 4) (dirty ratio 1.00): 4 records read, 2 kept, "));
  CHECK(values_in(partition.log()) == std::vector<std::string>{"berlin", "tokyo", "rome"});
  CHECK(partition.log().read_records(0).front().offset == 2);

  // Nothing new is dirty: the next look cleans nothing.
  CHECK(rm.next_deadline_ms(2000) <= 7000);
  rm.tick(7000);
  CHECK(rm.take_log_cleanups().empty());

  // A new record rolls the segment: offset 4 is dirty now, but 1 dirty segment of 3 is below
  // the ratio 0.5. Two more make the dirty part the larger.
  rm.append_records(1, keyed_produce("carol", "oslo"), 7001);
  rm.tick(12000);
  CHECK(rm.take_log_cleanups().empty());
  rm.append_records(1, keyed_produce("dave", "lima"), 12001);
  rm.append_records(1, keyed_produce("erin", "kyiv"), 12002);
  rm.tick(17000);
  events = rm.take_log_cleanups();
  REQUIRE(events.size() == 1);
  CHECK(values_in(partition.log()) ==
        std::vector<std::string>{"berlin", "tokyo", "oslo", "lima", "kyiv"});
}

TEST_CASE("log.cleaner.enable=false leaves a compacted log alone", "[manager][cleaner]") {
  ReplicationConfig config = housekeeping_config();
  config.log_cleaner_enable = false;
  TestCluster cluster({1}, config);
  cluster.rm(1).set_topic_config("t", small_segments(storage::CleanupPolicy::compact));
  cluster.leader_and_isr(partition_state(1, 0, {1}, {1}), 0);
  for (const char* value : {"v1", "v2", "v3"}) {
    cluster.rm(1).append_records(1, keyed_produce("k", value), 10);
  }
  cluster.rm(1).tick(60000);
  CHECK(cluster.rm(1).take_log_cleanups().empty());
  CHECK(values_in(cluster.rm(1).get_partition(tp0)->log()).size() == 3);
}

TEST_CASE("a log to clean: clean bytes below the checkpoint, dirty up to the first uncleanable",
          "[storage][cleaner]") {
  TestCluster cluster({1}, housekeeping_config());
  cluster.rm(1).set_topic_config("t", small_segments(storage::CleanupPolicy::compact));
  cluster.leader_and_isr(partition_state(1, 0, {1}, {1}), 0);
  for (const char* value : {"v1", "v2", "v3", "v4"}) {
    cluster.rm(1).append_records(1, keyed_produce(value, value), 2000);
  }
  const storage::Log& log = cluster.rm(1).get_partition(tp0)->log();
  REQUIRE(log.number_of_segments() == 4);
  const std::uint64_t segment = log.segments()[0]->size();
  // Segments 0-2 are cleanable (3 is active); the checkpoint at 1 makes segment 0 clean.
  storage::LogToClean to_clean = storage::LogCleaner::log_to_clean(log, 2000, 4, 1);
  CHECK(to_clean.first_dirty_offset == 1);
  CHECK(to_clean.first_uncleanable_offset == 3);
  CHECK(to_clean.clean_bytes == segment);
  CHECK(to_clean.dirty_bytes == 2 * segment);
  // The high watermark at 2 stops it at segment 2.
  to_clean = storage::LogCleaner::log_to_clean(log, 2000, 2, 0);
  CHECK(to_clean.first_uncleanable_offset == 2);
  CHECK(to_clean.dirty_bytes == 2 * segment);
}

}  // namespace ksim::replication::test
