// Retention by time and by size: whole segments, oldest first, never the active one, only below
// the high watermark; the log start offset follows.
#include <catch2/catch.hpp>

#include "core/storage/log.h"
#include "log_test_support.h"

using namespace ksim::storage;
using namespace ksim::storage::test;

namespace {

// Segments of 3 single-record batches each, written at t = 1000 * segment index.
Log& fill(Log& log, int segments) {
  for (int s = 0; s < segments; ++s) {
    for (int b = 0; b < 3; ++b) append_values(log, 1, 1, 0, 1000 * s);
    log.roll(1000 * s);
  }
  return log;
}

}  // namespace

TEST_CASE("retention.ms deletes segments whose newest record is older than the retention",
          "[retention]") {
  MemoryFileSystem fs;
  LogConfig config;
  config.retention_ms = 2500;
  Log log(fs, "t-0", config, {});
  fill(log, 5);  // segments at offsets 0,3,6,9,12 with timestamps 0..4000, active at 15
  REQUIRE(log.number_of_segments() == 6);

  const auto deleted = log.delete_old_segments(4000, log.log_end_offset());
  // now 4000: segments last written at 0 and 1000 are older than 2500 ms.
  REQUIRE(deleted.size() == 2);
  CHECK(deleted[0].base_offset == 0);
  CHECK(deleted[0].reason == SegmentDeletionReason::retention_time);
  CHECK(deleted[1].base_offset == 3);
  CHECK(log.log_start_offset() == 6);
  CHECK_FALSE(fs.exists("t-0/00000000000000000000.log"));
  CHECK_FALSE(fs.exists("t-0/00000000000000000003.index"));
  CHECK(log.read_records(6).front().offset == 6);

  // Far in the future everything but the active segment goes.
  log.delete_old_segments(1'000'000, log.log_end_offset());
  CHECK(log.number_of_segments() == 1);
  CHECK(log.log_start_offset() == 15);
  CHECK(log.log_end_offset() == 15);
}

TEST_CASE("an expired active segment is rolled first, so the active one is never deleted",
          "[retention]") {
  MemoryFileSystem fs;
  LogConfig config;
  config.retention_ms = 10;
  Log log(fs, "t-0", config, {});
  append_values(log, 5, 1, 0, 0);
  // Not all below the high watermark: kept.
  CHECK(log.delete_old_segments(1'000'000, 4).empty());
  // All committed and expired: Kafka rolls, then deletes the now inactive segment.
  const auto deleted = log.delete_old_segments(1'000'000, log.log_end_offset());
  REQUIRE(deleted.size() == 1);
  CHECK(deleted[0].next_offset == 5);
  CHECK(log.number_of_segments() == 1);
  CHECK(log.active_segment().base_offset() == 5);
  CHECK(log.active_segment().empty());
  CHECK(log.log_start_offset() == 5);
  CHECK(log.log_end_offset() == 5);
  // An empty active segment is never deleted.
  CHECK(log.delete_old_segments(2'000'000, 5).empty());
}

TEST_CASE("retention only deletes segments entirely below the high watermark", "[retention]") {
  MemoryFileSystem fs;
  LogConfig config;
  config.retention_ms = 0;
  Log log(fs, "t-0", config, {});
  fill(log, 4);
  const auto deleted = log.delete_old_segments(1'000'000, 7);
  REQUIRE(deleted.size() == 2);  // [0,3) and [3,6) are below HW 7; [6,9) is not entirely
  CHECK(log.log_start_offset() == 6);
}

TEST_CASE("retention.bytes deletes the oldest segments until the log fits", "[retention]") {
  MemoryFileSystem fs;
  LogConfig config;
  config.retention_ms = -1;
  Log log(fs, "t-0", config, {});
  fill(log, 4);
  const std::uint64_t segment_size = log.segments()[0]->size();
  config.retention_bytes = static_cast<std::int64_t>(segment_size * 2);
  log.update_config(config);
  const auto deleted = log.delete_old_segments(0, log.log_end_offset());
  REQUIRE(deleted.size() == 2);
  CHECK(deleted[0].reason == SegmentDeletionReason::retention_size);
  // Kafka deletes a segment only if what remains is still at least retention.bytes.
  const auto retention = static_cast<std::uint64_t>(config.retention_bytes);
  CHECK(log.size_in_bytes() >= retention);
  CHECK(log.size_in_bytes() - log.segments().front()->size() < retention);
  CHECK(log.log_start_offset() == 6);
}

TEST_CASE("retention.ms=-1 and retention.bytes=-1 keep everything", "[retention]") {
  MemoryFileSystem fs;
  LogConfig config;
  config.retention_ms = -1;
  Log log(fs, "t-0", config, {});
  fill(log, 3);
  CHECK(log.delete_old_segments(1'000'000'000, log.log_end_offset()).empty());
}

TEST_CASE("segments entirely below the log start offset are deleted", "[retention]") {
  MemoryFileSystem fs;
  LogConfig config;
  config.retention_ms = -1;
  Log log(fs, "t-0", config, {});
  fill(log, 3);
  log.maybe_increment_log_start_offset(4);
  const auto deleted = log.delete_old_segments(0, log.log_end_offset());
  REQUIRE(deleted.size() == 1);
  CHECK(deleted[0].reason == SegmentDeletionReason::log_start_offset);
  CHECK(log.log_start_offset() == 4);
  CHECK(log.read_records(4).front().offset == 4);
}

TEST_CASE("a compact-only topic is not trimmed by retention.ms", "[retention]") {
  MemoryFileSystem fs;
  LogConfig config;
  config.retention_ms = 0;
  config.cleanup_policy = CleanupPolicy::compact;
  Log log(fs, "t-0", config, {});
  Bytes batch = keyed_batch({{"k", "v"}});
  log.append_as_leader(batch, 0, 0);
  log.roll(0);
  CHECK(log.delete_old_segments(1'000'000, log.log_end_offset()).empty());
}

TEST_CASE("invalid log configs are refused in Kafka's words", "[retention]") {
  LogConfig config;
  config.segment_bytes = 10;
  CHECK_THROWS_WITH(config.validate(),
                    "Invalid value 10 for configuration segment.bytes: Value must be at least 14");
  CHECK_THROWS_WITH(parse_cleanup_policy("compcat"),
                    Catch::Contains("Invalid value compcat for configuration cleanup.policy"));
  CHECK(parse_cleanup_policy("delete,compact") == CleanupPolicy::compact_and_delete);
}
