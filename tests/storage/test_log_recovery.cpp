// Recovery after an unclean shutdown: torn and corrupt tails are cut, fsynced batches survive,
// garbage never crashes the broker.
#include <catch2/catch.hpp>

#include "core/storage/errors.h"
#include "core/storage/log.h"
#include "log_test_support.h"

using namespace ksim::storage;
using namespace ksim::storage::test;

namespace {

LogLoadParams unclean(std::int64_t recovery_point) {
  return {.log_start_offset = 0, .recovery_point = recovery_point, .had_clean_shutdown = false,
          .now_ms = 0};
}

}  // namespace

TEST_CASE("a power loss at every byte of the last batch keeps the valid prefix", "[recovery]") {
  const LogConfig config = small_segments(500);
  const std::uint64_t last_batch_size = batch_of({"last-1", "last-2", "last-3"}).size();
  for (std::uint64_t kept = 0; kept <= last_batch_size; ++kept) {
    for (bool garbage : {false, true}) {
      CAPTURE(kept, garbage);
      MemoryFileSystem fs;
      std::int64_t synced_leo = 0;
      std::vector<Record> synced_records;
      {
        Log log(fs, "t-0", config, {});
        append_values(log, 12, 2);
        log.flush();
        synced_leo = log.log_end_offset();
        synced_records = log.read_records(0);
        Bytes last = batch_of({"last-1", "last-2", "last-3"});
        log.append_as_leader(last, 0, 1000);
      }
      fs.power_loss([&](std::string_view path, std::uint64_t, std::uint64_t unsynced) {
        TornWrite torn;
        if (path.ends_with(".log")) {
          torn.bytes_kept = std::min<std::uint64_t>(kept, unsynced);
          if (garbage && torn.bytes_kept > 0) torn.garbage = {{torn.bytes_kept - 1, Bytes{0xFF}}};
        }
        return torn;
      });

      Log recovered(fs, "t-0", config, unclean(synced_leo));
      const bool whole = kept == last_batch_size && !garbage;
      CHECK(recovered.log_end_offset() == (whole ? synced_leo + 3 : synced_leo));
      const auto records = recovered.read_records(0);
      REQUIRE(records.size() >= synced_records.size());
      CHECK(std::equal(synced_records.begin(), synced_records.end(), records.begin()));
      CHECK(recovered.load_report().truncated_bytes ==
            (whole ? 0 : std::min(kept, last_batch_size)));
      // The log accepts appends again at the recovered LEO.
      append_values(recovered, 1);
      CHECK(recovered.read_records(recovered.log_end_offset() - 1).size() == 1);
    }
  }
}

TEST_CASE("kill -9 keeps the page cache, so nothing appended is lost", "[recovery]") {
  MemoryFileSystem fs;
  {
    Log log(fs, "t-0", small_segments(300), {});
    append_values(log, 20);
  }
  fs.crash_process();
  Log recovered(fs, "t-0", small_segments(300), unclean(0));
  CHECK(recovered.log_end_offset() == 20);
  CHECK(recovered.load_report().truncated_bytes == 0);
}

TEST_CASE("a corrupt batch in an older segment cuts the log there and drops later segments",
          "[recovery]") {
  MemoryFileSystem fs;
  const LogConfig config = small_segments(300);
  {
    Log log(fs, "t-0", config, {});
    append_values(log, 20);
  }
  // Flip a byte inside the second batch of the second segment.
  const auto names = fs.list("t-0");
  std::vector<std::int64_t> bases;
  for (const auto& name : names) {
    if (auto base = parse_segment_file_name(name, ".log")) bases.push_back(*base);
  }
  REQUIRE(bases.size() >= 3);
  const std::string victim = "t-0/" + segment_file_name(bases[1], ".log");
  Bytes content = read_file(fs, victim);
  const std::size_t first_batch = read_batch_header(content).size_in_bytes();
  content[first_batch + kBatchHeaderSize + 2] ^= 0xFF;  // inside the second batch's records
  {
    auto file = fs.open(victim, OpenMode::create_truncate);
    file->append(content);
    file->fsync();
  }
  Log recovered(fs, "t-0", config, unclean(0));
  CHECK(recovered.log_end_offset() == bases[1] + 1);
  CHECK(recovered.number_of_segments() == 2);
  REQUIRE_FALSE(recovered.load_report().problems.empty());
  CHECK_THAT(recovered.load_report().problems.front(), Catch::Contains("CRC"));
  CHECK_FALSE(fs.exists("t-0/" + segment_file_name(bases[2], ".log")));
}

TEST_CASE("recovery starts at the recovery point: earlier segments are trusted", "[recovery]") {
  MemoryFileSystem fs;
  const LogConfig config = small_segments(300);
  {
    Log log(fs, "t-0", config, {});
    append_values(log, 20);
  }
  Log recovered(fs, "t-0", config, unclean(15));
  // Only the segment holding offset 15 and later ones were revalidated.
  std::size_t from_15 = 0;
  for (const LogSegment* s : recovered.segments()) {
    if (s->read_next_offset() > 15) ++from_15;
  }
  CHECK(recovered.load_report().recovered_segments.size() == from_15);
  CHECK(recovered.log_end_offset() == 20);
}

TEST_CASE("garbage segment files never crash recovery", "[recovery]") {
  for (std::size_t size : {1u, 11u, 12u, 60u, 61u, 62u, 200u, 5000u}) {
    CAPTURE(size);
    MemoryFileSystem fs;
    fs.create_directories("t-0");
    Bytes garbage(size);
    std::uint32_t x = 12345;
    for (auto& b : garbage) {
      x = x * 1103515245u + 12345u;
      b = static_cast<std::uint8_t>(x >> 24);
    }
    {
      auto file = fs.open("t-0/00000000000000000000.log", OpenMode::create);
      file->append(garbage);
    }
    {
      auto file = fs.open("t-0/00000000000000000000.index", OpenMode::create);
      file->append(Bytes(size % 8 == 0 ? size + 3 : size, 0x7F));
    }
    Log recovered(fs, "t-0", LogConfig{}, unclean(0));
    CHECK(recovered.log_end_offset() == 0);
    CHECK(recovered.size_in_bytes() == 0);
    CHECK(recovered.load_report().truncated_bytes == size);
    // Even a clean-shutdown marker does not make a garbage tail crash the load.
    Log trusted(fs, "t-0", LogConfig{}, {});
    CHECK(trusted.log_end_offset() == 0);
  }
}

TEST_CASE("a clean open with garbage at the end of the active segment recovers it", "[recovery]") {
  MemoryFileSystem fs;
  {
    Log log(fs, "t-0", LogConfig{}, {});
    append_values(log, 3);
  }
  {
    auto file = fs.open("t-0/00000000000000000000.log", OpenMode::read_write);
    file->append(Bytes(30, 0xAB));
  }
  Log reopened(fs, "t-0", LogConfig{}, {});
  CHECK(reopened.log_end_offset() == 3);
  CHECK(reopened.load_report().truncated_bytes == 30);
}

TEST_CASE("leftovers of an interrupted compaction are cleaned up on load", "[recovery]") {
  MemoryFileSystem fs;
  {
    Log log(fs, "t-0", small_segments(300), {});
    append_values(log, 10);
  }
  fs.open("t-0/00000000000000000000.log.cleaned", OpenMode::create)->append(Bytes(10, 1));
  fs.open("t-0/00000000000000000099.index", OpenMode::create)->append(Bytes(8, 0));
  fs.open("t-0/00000000000000000000.log.deleted", OpenMode::create);
  Log reopened(fs, "t-0", small_segments(300), {});
  CHECK(reopened.log_end_offset() == 10);
  CHECK_FALSE(fs.exists("t-0/00000000000000000000.log.cleaned"));
  CHECK_FALSE(fs.exists("t-0/00000000000000000099.index"));
  CHECK_FALSE(fs.exists("t-0/00000000000000000000.log.deleted"));
  CHECK(reopened.load_report().deleted_files.size() == 3);
}
