// The partition log: leader and follower appends, reads from every offset, segment rolls.
#include <catch2/catch.hpp>

#include "core/storage/errors.h"
#include "core/storage/log.h"
#include "core/storage/log_segment.h"
#include "log_test_support.h"

using namespace ksim::storage;
using namespace ksim::storage::test;

TEST_CASE("segment files are named by their 20-digit base offset", "[log]") {
  CHECK(segment_file_name(0, ".log") == "00000000000000000000.log");
  CHECK(segment_file_name(170, ".timeindex") == "00000000000000000170.timeindex");
  CHECK(parse_segment_file_name("00000000000000000042.index", ".index") == 42);
  CHECK_FALSE(parse_segment_file_name("00000000000000000042.index", ".log"));
  CHECK_FALSE(parse_segment_file_name("0000000000000000042.log", ".log"));
  CHECK_FALSE(parse_segment_file_name("0000000000000000004x.log", ".log"));
  CHECK_FALSE(parse_segment_file_name("99999999999999999999.log", ".log"));  // overflows int64
}

TEST_CASE("a leader append assigns offsets from the LEO and stamps the leader epoch", "[log]") {
  MemoryFileSystem fs;
  Log log(fs, "t-0", LogConfig{}, {});
  CHECK(log.log_end_offset() == 0);
  CHECK(fs.exists("t-0/00000000000000000000.log"));
  CHECK(fs.exists("t-0/00000000000000000000.index"));
  CHECK(fs.exists("t-0/00000000000000000000.timeindex"));

  Bytes first = batch_of({"a", "b", "c"});
  const LogAppendInfo info = log.append_as_leader(first, 5, 2000);
  CHECK(info.first_offset == 0);
  CHECK(info.last_offset == 2);
  CHECK(info.num_records == 3);
  Bytes second = batch_of({"d"}, 1500);
  CHECK(log.append_as_leader(second, 6, 2000).first_offset == 3);
  CHECK(log.log_end_offset() == 4);

  const auto headers = log.batch_headers();
  REQUIRE(headers.size() == 2);
  CHECK(headers[0].base_offset == 0);
  CHECK(headers[0].partition_leader_epoch == 5);
  CHECK(headers[1].base_offset == 3);
  CHECK(headers[1].partition_leader_epoch == 6);
  CHECK(values_of(log.read_records(0)) == std::vector<std::string>{"a", "b", "c", "d"});
  CHECK(offsets_of(log.read_records(0)) == std::vector<std::int64_t>{0, 1, 2, 3});
}

TEST_CASE("reading from every offset returns exactly the records from that offset on", "[log]") {
  MemoryFileSystem fs;
  Log log(fs, "t-0", small_segments(400), {});
  for (int i = 0; i < 30; ++i) append_values(log, 1, 1 + i % 3);
  const std::int64_t leo = log.log_end_offset();
  REQUIRE(log.number_of_segments() > 3);
  const auto all = log.read_records(0);
  REQUIRE(static_cast<std::int64_t>(all.size()) == leo);
  for (std::int64_t offset = 0; offset <= leo; ++offset) {
    const auto records = log.read_records(offset);
    REQUIRE(static_cast<std::int64_t>(records.size()) == leo - offset);
    if (!records.empty()) CHECK(records.front().offset == offset);
    // A raw read starts with the batch holding the offset.
    const FetchDataInfo data = log.read(offset, 1);
    if (offset < leo) {
      const BatchHeader header = read_batch_header(data.records);
      CHECK(header.base_offset <= offset);
      CHECK(header.last_offset() >= offset);
      CHECK(data.records.size() == header.size_in_bytes());  // max_bytes 1: one whole batch
    } else {
      CHECK(data.records.empty());
    }
  }
}

TEST_CASE("a read stops before the batch holding max_offset (the high watermark)", "[log]") {
  MemoryFileSystem fs;
  Log log(fs, "t-0", LogConfig{}, {});
  append_values(log, 5, 2);  // batches at 0, 2, 4, 6, 8
  CHECK(offsets_of(log.read_records(0, 6)) == std::vector<std::int64_t>{0, 1, 2, 3, 4, 5});
  CHECK(log.read(6, 1 << 20, 6).records.empty());
  CHECK(log.read(3, 1 << 20, 4).records.size() == read_batch_header(log.read(2, 1).records).size_in_bytes());
}

TEST_CASE("reads outside [log start, LEO] are OFFSET_OUT_OF_RANGE", "[log]") {
  MemoryFileSystem fs;
  Log log(fs, "t-0", LogConfig{}, {});
  append_values(log, 3);
  CHECK_THROWS_AS(log.read(4, 100), OffsetOutOfRangeError);
  CHECK_THROWS_WITH(log.read(4, 100), Catch::Contains("only have log segments in the range 0 to 3"));
  log.maybe_increment_log_start_offset(2);
  CHECK_THROWS_AS(log.read(1, 100), OffsetOutOfRangeError);
  CHECK(log.read_records(2).size() == 1);
}

TEST_CASE("segments roll on segment.bytes and indexes get an entry every index.interval.bytes",
          "[log]") {
  MemoryFileSystem fs;
  LogConfig config;
  config.segment_bytes = 1000;
  config.index_interval_bytes = 200;
  Log log(fs, "t-0", config, {});
  append_values(log, 40);
  const auto segments = log.segments();
  REQUIRE(segments.size() > 2);
  std::int64_t expected_base = 0;
  for (const LogSegment* segment : segments) {
    CHECK(segment->base_offset() == expected_base);
    CHECK(segment->size() <= 1000);
    CHECK(fs.exists("t-0/" + segment_file_name(segment->base_offset(), ".log")));
    expected_base = segment->read_next_offset();
    // Entries are ascending and at least index.interval.bytes apart.
    const auto& entries = segment->offset_index().all_entries();
    for (std::size_t i = 1; i < entries.size(); ++i) {
      CHECK(entries[i].offset > entries[i - 1].offset);
      CHECK(entries[i].position - entries[i - 1].position > 200);
    }
    if (segment->size() > 400) CHECK_FALSE(entries.empty());
  }
  // The index file holds exactly the entries, 8 bytes each.
  const LogSegment& first = *segments.front();
  CHECK(read_file(fs, "t-0/00000000000000000000.index").size() ==
        first.offset_index().entries() * 8);
}

TEST_CASE("segments roll on segment.ms, measured from the first batch's timestamp", "[log]") {
  MemoryFileSystem fs;
  LogConfig config;
  config.segment_ms = 1000;
  Log log(fs, "t-0", config, {});
  Bytes a = batch_of({"a"}, 10'000);
  log.append_as_leader(a, 0, 10'000);
  Bytes b = batch_of({"b"}, 10'900);
  CHECK_FALSE(log.append_as_leader(b, 0, 10'900).rolled);
  Bytes c = batch_of({"c"}, 11'001);
  CHECK(log.append_as_leader(c, 0, 11'001).rolled);
  CHECK(log.number_of_segments() == 2);
  CHECK(log.active_segment().base_offset() == 2);
}

TEST_CASE("segments roll when the offset index is full", "[log]") {
  MemoryFileSystem fs;
  LogConfig config;
  // 24 bytes: three offset index entries (8 bytes), two time index entries (12 bytes).
  config.segment_index_bytes = 24;
  config.index_interval_bytes = 0;  // an entry for every batch after the first
  Log log(fs, "t-0", config, {});
  append_values(log, 5);  // one timestamp: the time index keeps a single entry
  // Batches 1, 2 and 3 filled the offset index; batch 4 starts a new segment.
  CHECK(log.number_of_segments() == 2);
  CHECK(log.segments()[0]->offset_index().entries() == 3);
  CHECK(log.active_segment().base_offset() == 4);

  // With a new timestamp on every batch the time index (two entries) fills first.
  MemoryFileSystem fs2;
  Log timed(fs2, "t-0", config, {});
  for (int i = 0; i < 4; ++i) append_values(timed, 1, 1, 0, 1000 + i);
  CHECK(timed.segments()[0]->time_index().entries() == 2);
  CHECK(timed.active_segment().base_offset() == 3);
}

TEST_CASE("a leader refuses corrupt, oversized and keyless-on-compacted batches", "[log]") {
  MemoryFileSystem fs;
  LogConfig config;
  config.max_message_bytes = 200;
  Log log(fs, "t-0", config, {});

  Bytes corrupt = batch_of({"hello"});
  corrupt.back() ^= 0x01;
  try {
    log.append_as_leader(corrupt, 0, 0);
    FAIL("expected CORRUPT_MESSAGE");
  } catch (const RecordValidationError& e) {
    CHECK(e.error_name() == "CORRUPT_MESSAGE");
  }
  Bytes large = batch_of({std::string(300, 'x')});
  try {
    log.append_as_leader(large, 0, 0);
    FAIL("expected MESSAGE_TOO_LARGE");
  } catch (const RecordValidationError& e) {
    CHECK(e.error_name() == "MESSAGE_TOO_LARGE");
    CHECK_THAT(e.what(), Catch::Contains("exceeds the maximum configured value of 200"));
  }
  Bytes truncated = batch_of({"abc"});
  truncated.resize(truncated.size() - 1);
  CHECK_THROWS_AS(log.append_as_leader(truncated, 0, 0), RecordValidationError);
  CHECK(log.log_end_offset() == 0);
  CHECK(log.size_in_bytes() == 0);

  LogConfig compacted;
  compacted.cleanup_policy = CleanupPolicy::compact;
  Log compacted_log(fs, "c-0", compacted, {});
  Bytes keyless = batch_of({"no key"});
  try {
    compacted_log.append_as_leader(keyless, 0, 0);
    FAIL("expected INVALID_RECORD");
  } catch (const RecordValidationError& e) {
    CHECK(e.error_name() == "INVALID_RECORD");
    CHECK_THAT(e.what(), Catch::Contains("Compacted topic cannot accept message without key"));
  }
}

TEST_CASE("a follower keeps the leader's offsets and epochs and refuses offsets below its LEO",
          "[log]") {
  MemoryFileSystem fs;
  Log leader(fs, "leader/t-0", LogConfig{}, {});
  append_values(leader, 3, 2, 7);
  Log follower(fs, "follower/t-0", LogConfig{}, {});
  const FetchDataInfo fetched = leader.read(0, 1 << 20);
  follower.append_as_follower(fetched.records, 0);
  CHECK(follower.log_end_offset() == 6);
  CHECK(follower.batch_headers()[2].partition_leader_epoch == 7);
  CHECK(follower.read_records(0) == leader.read_records(0));
  CHECK_THROWS_WITH(follower.append_as_follower(leader.read(4, 1 << 20).records, 0),
                    Catch::Contains("First offset 4 is less than the next offset 6"));
}

TEST_CASE("every codec round-trips through the log", "[log]") {
  for (auto codec : {CompressionType::none, CompressionType::gzip, CompressionType::snappy,
                     CompressionType::lz4, CompressionType::zstd}) {
    MemoryFileSystem fs;
    Log log(fs, "t-0", LogConfig{}, {});
    Bytes batch = batch_of({"one", "two", "three"}, 5, codec);
    log.append_as_leader(batch, 0, 5);
    CHECK(log.batch_headers()[0].compression() == codec);
    CHECK(values_of(log.read_records(1)) == std::vector<std::string>{"two", "three"});
  }
}
