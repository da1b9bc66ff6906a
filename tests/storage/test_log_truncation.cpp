// Truncation at every offset of a multi-segment log, and what a reopened log finds afterwards.
#include <catch2/catch.hpp>

#include "core/storage/log.h"
#include "log_test_support.h"

using namespace ksim::storage;
using namespace ksim::storage::test;

namespace {

// The batch boundaries of a log: truncating at `target` keeps every batch ending at or below it.
std::int64_t expected_leo_after_truncation(const std::vector<BatchHeader>& batches,
                                           std::int64_t target) {
  std::int64_t leo = batches.empty() ? 0 : batches.front().base_offset;
  for (const BatchHeader& b : batches) {
    if (b.last_offset() < target) leo = b.next_offset();
  }
  return leo;
}

}  // namespace

TEST_CASE("truncate_to at every offset of a multi-segment log", "[log][truncation]") {
  const LogConfig config = small_segments(350);
  std::int64_t leo = 0;
  std::vector<BatchHeader> batches;
  {
    MemoryFileSystem fs;
    Log log(fs, "t-0", config, {});
    for (int i = 0; i < 24; ++i) append_values(log, 1, 1 + i % 3);
    leo = log.log_end_offset();
    batches = log.batch_headers();
    REQUIRE(log.number_of_segments() >= 4);
  }
  for (std::int64_t target = 0; target <= leo + 1; ++target) {
    CAPTURE(target);
    MemoryFileSystem fs;
    Log log(fs, "t-0", config, {});
    for (int i = 0; i < 24; ++i) append_values(log, 1, 1 + i % 3);
    const auto before = log.read_records(0);

    const bool truncated = log.truncate_to(target);
    const std::int64_t expected = std::min(expected_leo_after_truncation(batches, target), leo);
    CHECK(truncated == (target < leo));
    CHECK(log.log_end_offset() == expected);
    const auto after = log.read_records(0);
    REQUIRE(static_cast<std::int64_t>(after.size()) == expected);
    CHECK(std::equal(after.begin(), after.end(), before.begin()));
    // No segment file starts at or beyond the new LEO, except an empty active one at it.
    for (const std::string& name : fs.list("t-0")) {
      if (auto base = parse_segment_file_name(name, ".log")) CHECK(*base <= expected);
    }
    CHECK(log.recovery_point() <= expected);

    // The log continues from there, and a clean reopen sees the same thing.
    append_values(log, 2);
    const auto continued = log.read_records(0);
    CHECK(static_cast<std::int64_t>(continued.size()) == expected + 2);
    CHECK(continued.back().offset == expected + 1);
    log.flush();
    Log reopened(fs, "t-0", config, {.log_start_offset = 0, .recovery_point = log.recovery_point(),
                                     .had_clean_shutdown = true, .now_ms = 0});
    CHECK(reopened.log_end_offset() == expected + 2);
    CHECK(reopened.read_records(0) == continued);
  }
}

TEST_CASE("truncate_fully_and_start_at empties the log at a new offset", "[log][truncation]") {
  MemoryFileSystem fs;
  Log log(fs, "t-0", small_segments(200), {});
  append_values(log, 10);
  log.truncate_fully_and_start_at(57, 0);
  CHECK(log.log_start_offset() == 57);
  CHECK(log.log_end_offset() == 57);
  CHECK(log.number_of_segments() == 1);
  CHECK(fs.list("t-0") == std::vector<std::string>{"00000000000000000057.index",
                                                   "00000000000000000057.log",
                                                   "00000000000000000057.timeindex",
                                                   "leader-epoch-checkpoint"});
  append_values(log, 1);
  CHECK(offsets_of(log.read_records(57)) == std::vector<std::int64_t>{57});
}
