// A broker's log directory: meta.properties, the clean-shutdown marker, checkpoints, recovery.
#include <catch2/catch.hpp>

#include "core/storage/errors.h"
#include "core/storage/log_manager.h"
#include "log_test_support.h"

using namespace ksim::storage;
using namespace ksim::storage::test;

namespace {

LogManagerConfig broker(std::int32_t id) {
  LogManagerConfig config;
  config.log_dir = "kafka-logs";
  config.broker_id = id;
  config.cluster_id = "ksim-cluster";
  config.default_log_config = small_segments(300);
  return config;
}

}  // namespace

TEST_CASE("a clean shutdown writes checkpoints and the marker; a restart trusts them",
          "[log-manager]") {
  MemoryFileSystem fs;
  {
    LogManager logs(fs, broker(1), 0);
    CHECK(fs.exists("kafka-logs/meta.properties"));
    Log& a = logs.get_or_create_log({"orders", 0}, small_segments(300), 0);
    Log& b = logs.get_or_create_log({"orders", 1}, small_segments(300), 0);
    append_values(a, 12);
    append_values(b, 3);
    a.maybe_increment_log_start_offset(2);
    logs.shutdown();
  }
  CHECK(fs.exists("kafka-logs/.kafka_cleanshutdown"));
  CHECK(to_string(read_file(fs, "kafka-logs/recovery-point-offset-checkpoint")) ==
        "0\n2\norders 0 12\norders 1 3\n");
  CHECK(to_string(read_file(fs, "kafka-logs/log-start-offset-checkpoint")) ==
        "0\n2\norders 0 2\norders 1 0\n");

  fs.power_loss();  // everything was synced by the shutdown: nothing is lost
  LogManager restarted(fs, broker(1), 0);
  CHECK(restarted.startup().had_clean_shutdown);
  CHECK_FALSE(fs.exists("kafka-logs/.kafka_cleanshutdown"));  // a crash from now on is unclean
  REQUIRE(restarted.partitions().size() == 2);
  CHECK(restarted.get_log({"orders", 0})->log_end_offset() == 12);
  CHECK(restarted.get_log({"orders", 0})->log_start_offset() == 2);
  CHECK(restarted.get_log({"orders", 1})->log_end_offset() == 3);
  CHECK(restarted.startup().partitions.at({"orders", 0}).recovered_segments.empty());
}

TEST_CASE("without the marker, a restart recovers from the checkpointed recovery points",
          "[log-manager]") {
  MemoryFileSystem fs;
  std::int64_t flushed = 0;
  {
    LogManager logs(fs, broker(1), 0);
    Log& log = logs.get_or_create_log({"t", 0}, small_segments(300), 0);
    append_values(log, 10);
    log.flush();
    logs.checkpoint_recovery_points();
    append_values(log, 5);  // rolls flush full segments; the rest is in the page cache only
    flushed = log.recovery_point();
    REQUIRE(flushed < 15);
  }
  SECTION("kill -9: the page cache survives") {
    fs.crash_process();
    LogManager restarted(fs, broker(1), 0);
    CHECK_FALSE(restarted.startup().had_clean_shutdown);
    CHECK(restarted.get_log({"t", 0})->log_end_offset() == 15);
    CHECK_FALSE(restarted.startup().partitions.at({"t", 0}).recovered_segments.empty());
  }
  SECTION("power loss: what was not synced is gone") {
    fs.power_loss();
    LogManager restarted(fs, broker(1), 0);
    CHECK(restarted.get_log({"t", 0})->log_end_offset() == flushed);
  }
}

TEST_CASE("a broker whose id differs from meta.properties refuses to start", "[log-manager]") {
  MemoryFileSystem fs;
  { LogManager first(fs, broker(1), 0); }
  CHECK_THROWS_AS(LogManager(fs, broker(2), 0), InconsistentStateError);
  CHECK_THROWS_WITH(LogManager(fs, broker(2), 0),
                    Catch::StartsWith("Configured broker.id 2 doesn't match stored broker.id "
                                      "Some(1) in meta.properties"));
  LogManagerConfig other_cluster = broker(1);
  other_cluster.cluster_id = "another";
  CHECK_THROWS_WITH(LogManager(fs, other_cluster, 0),
                    Catch::Contains("doesn't match stored clusterId Some(ksim-cluster)"));
}

TEST_CASE("a directory that is not topic-partition stops the startup with its name",
          "[log-manager]") {
  MemoryFileSystem fs;
  fs.create_directories("kafka-logs/not_a_partition");
  CHECK_THROWS_WITH(LogManager(fs, broker(1), 0), Catch::Contains("not_a_partition"));
}

TEST_CASE("the high watermark checkpoint round-trips", "[log-manager]") {
  MemoryFileSystem fs;
  LogManager logs(fs, broker(3), 0);
  logs.checkpoint_high_watermarks({{{"t", 0}, 7}, {{"t", 1}, 0}});
  CHECK(to_string(read_file(fs, "kafka-logs/replication-offset-checkpoint")) ==
        "0\n2\nt 0 7\nt 1 0\n");
  CHECK(logs.read_high_watermarks().at({"t", 0}) == 7);
}

TEST_CASE("the leader epoch cache follows appends, truncation and the log start",
          "[log-manager]") {
  MemoryFileSystem fs;
  Log log(fs, "t-0", small_segments(300), {});
  log.assign_epoch_start_offset(0, 0);
  append_values(log, 3, 1, 0);
  append_values(log, 3, 1, 2);  // a new leader in epoch 2 at offset 3
  append_values(log, 2, 1, 5);  // epoch 5 at offset 6
  CHECK(log.leader_epoch_cache().entries() ==
        std::vector<EpochEntry>{{0, 0}, {2, 3}, {5, 6}});
  CHECK(to_string(read_file(fs, "t-0/leader-epoch-checkpoint")) == "0\n3\n0 0\n2 3\n5 6\n");
  log.truncate_to(5);
  CHECK(log.leader_epoch_cache().entries() == std::vector<EpochEntry>{{0, 0}, {2, 3}});
  log.maybe_increment_log_start_offset(4);
  CHECK(log.leader_epoch_cache().entries() == std::vector<EpochEntry>{{2, 4}});
  // A reopened log loads the same cache.
  Log reopened(fs, "t-0", small_segments(300), {.log_start_offset = 4});
  CHECK(reopened.leader_epoch_cache().entries() == std::vector<EpochEntry>{{2, 4}});
}
