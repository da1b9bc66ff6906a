// The leader epoch cache (Kafka's LeaderEpochFileCache) and leader-epoch-checkpoint.
#include <catch2/catch.hpp>

#include "core/storage/errors.h"
#include "core/storage/leader_epoch_cache.h"
#include "tests/storage/ckpt_test_fs.h"

using namespace ksim::storage;
using ksim::storage::testing::TestMapFileSystem;

namespace {

const std::string epoch_checkpoint_path = "data/broker-1/orders-0/leader-epoch-checkpoint";
using Entries = std::vector<EpochEntry>;

// A cache whose file already holds `entries`, with the operation log cleared.
LeaderEpochCache cache_with(TestMapFileSystem& fs, const Entries& entries) {
  fs.put(epoch_checkpoint_path, format_leader_epoch_checkpoint(entries));
  LeaderEpochCache cache(fs, epoch_checkpoint_path);
  REQUIRE(cache.entries() == entries);
  fs.clear_operations();
  return cache;
}

std::string epoch_checkpoint_error(const std::string& text) {
  try {
    parse_leader_epoch_checkpoint(text, epoch_checkpoint_path);
  } catch (const CorruptDataError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

namespace Catch {
template <>
struct StringMaker<EpochEntry> {
  static std::string convert(const EpochEntry& e) {
    return "(" + std::to_string(e.epoch) + ", " + std::to_string(e.start_offset) + ")";
  }
};
template <>
struct StringMaker<EpochEndOffset> {
  static std::string convert(const EpochEndOffset& e) {
    return "(epoch " + std::to_string(e.leader_epoch) + ", end " + std::to_string(e.end_offset) +
           ")";
  }
};
}  // namespace Catch

TEST_CASE("leader-epoch-checkpoint is version, count, then 'epoch startOffset' lines") {
  CHECK(leader_epoch_checkpoint_file == "leader-epoch-checkpoint");
  const Entries entries{{0, 0}, {3, 120}, {7, 9000000000}};
  CHECK(format_leader_epoch_checkpoint(entries) == "0\n3\n0 0\n3 120\n7 9000000000\n");
  CHECK(format_leader_epoch_checkpoint({}) == "0\n0\n");
  CHECK(parse_leader_epoch_checkpoint(format_leader_epoch_checkpoint(entries), epoch_checkpoint_path) == entries);
  CHECK(parse_leader_epoch_checkpoint("", epoch_checkpoint_path).empty());
  const Entries negative{{-1, 0}};
  CHECK_THROWS_WITH(format_leader_epoch_checkpoint(negative),
                    "negative leader epoch entry (-1, 0) cannot be written to "
                    "leader-epoch-checkpoint");
}

TEST_CASE("Every malformed leader-epoch-checkpoint is rejected, naming the file, line and problem") {
  const std::string in = "checkpoint file (" + epoch_checkpoint_path + ")";
  CHECK(epoch_checkpoint_error("2\n0\n") == "Unrecognized version of the " + in + ": 2 (expected 0)");
  CHECK(epoch_checkpoint_error("zero\n") ==
        "Malformed line in " + in + " line 1: 'zero' (expected the version number)");
  CHECK(epoch_checkpoint_error("0\n1\n5\n") ==
        "Malformed line in " + in + " line 3: '5' (expected 'epoch offset')");
  CHECK(epoch_checkpoint_error("0\n2\n0 0\n1 2 3\n") ==
        "Malformed line in " + in + " line 4: '1 2 3' (expected 'epoch offset')");
  CHECK(epoch_checkpoint_error("0\n1\n-1 0\n") ==
        "Malformed line in " + in + " line 3: '-1 0' (epoch '-1' is not a non-negative integer)");
  CHECK(epoch_checkpoint_error("0\n1\nx 0\n") ==
        "Malformed line in " + in + " line 3: 'x 0' (epoch 'x' is not a non-negative integer)");
  CHECK(epoch_checkpoint_error("0\n1\n1 -5\n") ==
        "Malformed line in " + in + " line 3: '1 -5' (offset '-5' is not a non-negative integer)");
  CHECK(epoch_checkpoint_error("0\n1\n1 5x\n") ==
        "Malformed line in " + in + " line 3: '1 5x' (offset '5x' is not a non-negative integer)");
  CHECK(epoch_checkpoint_error("0\n2\n1 5\n") == "Expected 2 entries in " + in + " but found 1");
}

TEST_CASE("assign: the first entry, and later epochs at later offsets, are appended") {
  TestMapFileSystem fs;
  LeaderEpochCache cache(fs, epoch_checkpoint_path);
  CHECK(cache.entries().empty());
  CHECK_FALSE(cache.latest_epoch());
  cache.assign(0, 0);
  cache.assign(1, 10);
  cache.assign(4, 25);
  CHECK(cache.entries() == Entries{{0, 0}, {1, 10}, {4, 25}});
  CHECK(cache.latest_epoch() == 4);
  CHECK(cache.latest_entry() == EpochEntry{4, 25});
  CHECK(cache.earliest_entry() == EpochEntry{0, 0});
  CHECK(fs.content(epoch_checkpoint_path) == "0\n3\n0 0\n1 10\n4 25\n");
}

TEST_CASE("assign: the latest epoch keeps its earliest start offset") {
  TestMapFileSystem fs;
  auto cache = cache_with(fs, {{0, 0}, {2, 10}});
  SECTION("a later start offset is ignored and nothing is written") {
    cache.assign(2, 15);
    CHECK(cache.entries() == Entries{{0, 0}, {2, 10}});
    cache.assign(2, 10);
    CHECK(cache.entries() == Entries{{0, 0}, {2, 10}});
    CHECK(fs.operations().empty());
  }
  SECTION("an earlier start offset replaces it") {
    cache.assign(2, 7);
    CHECK(cache.entries() == Entries{{0, 0}, {2, 7}});
    CHECK(fs.content(epoch_checkpoint_path) == "0\n2\n0 0\n2 7\n");
  }
}

TEST_CASE("assign: a new entry removes the latest entries it conflicts with") {
  TestMapFileSystem fs;
  SECTION("a higher epoch at a lower start offset removes entries starting at or after it") {
    auto cache = cache_with(fs, {{0, 0}, {1, 10}, {2, 20}});
    cache.assign(3, 15);
    CHECK(cache.entries() == Entries{{0, 0}, {1, 10}, {3, 15}});
    CHECK(fs.content(epoch_checkpoint_path) == "0\n3\n0 0\n1 10\n3 15\n");
  }
  SECTION("a higher epoch at the same start offset replaces an epoch with no records") {
    auto cache = cache_with(fs, {{0, 0}, {1, 10}});
    cache.assign(2, 10);
    CHECK(cache.entries() == Entries{{0, 0}, {2, 10}});
  }
  SECTION("a lower epoch than the latest removes every entry with an epoch >= it") {
    auto cache = cache_with(fs, {{0, 0}, {5, 10}});
    cache.assign(3, 20);
    CHECK(cache.entries() == Entries{{0, 0}, {3, 20}});
  }
  SECTION("an entry conflicting with all of them leaves only itself") {
    auto cache = cache_with(fs, {{1, 5}, {2, 10}});
    cache.assign(3, 0);
    CHECK(cache.entries() == Entries{{3, 0}});
  }
}

TEST_CASE("assign: a negative epoch or offset is refused and changes nothing") {
  TestMapFileSystem fs;
  auto cache = cache_with(fs, {{0, 0}});
  CHECK_THROWS_WITH(cache.assign(-1, 5),
                    "Received invalid partition leader epoch entry EpochEntry(epoch=-1, "
                    "startOffset=5)");
  CHECK_THROWS_AS(cache.assign(1, -1), std::invalid_argument);
  CHECK(cache.entries() == Entries{{0, 0}});
  CHECK(fs.operations().empty());
}

TEST_CASE("epoch_for_offset: the epoch whose range holds the offset") {
  TestMapFileSystem fs;
  auto cache = cache_with(fs, {{1, 5}, {2, 10}, {5, 30}});
  CHECK_FALSE(cache.epoch_for_offset(0));
  CHECK_FALSE(cache.epoch_for_offset(4));
  CHECK(cache.epoch_for_offset(5) == 1);
  CHECK(cache.epoch_for_offset(9) == 1);
  CHECK(cache.epoch_for_offset(10) == 2);
  CHECK(cache.epoch_for_offset(29) == 2);
  CHECK(cache.epoch_for_offset(30) == 5);
  CHECK(cache.epoch_for_offset(1000) == 5);
  TestMapFileSystem empty_fs;
  CHECK_FALSE(LeaderEpochCache(empty_fs, epoch_checkpoint_path).epoch_for_offset(0));
}

// KIP-101's basic case. Leader A wrote offsets 0-1 in epoch 0; B then led epoch 1 from offset 2
// and is leader now with LEO 3. A comes back as a follower and asks about its latest epoch, 0.
TEST_CASE("OffsetsForLeaderEpoch, KIP-101 example: the end of a past epoch is the next start") {
  TestMapFileSystem fs;
  const auto leader = cache_with(fs, {{0, 0}, {1, 2}});
  CHECK(leader.end_offset_for_kip101(0, 3) == 2);
  CHECK(leader.end_offset_for(0, 3) == EpochEndOffset{0, 2});
  CHECK(leader.end_offset_for_since_2_1(0, 3) == EpochEndOffset{0, 2});
  // The current epoch ends at the log end offset.
  CHECK(leader.end_offset_for_kip101(1, 3) == 3);
  CHECK(leader.end_offset_for(1, 3) == EpochEndOffset{1, 3});
  CHECK(leader.end_offset_for_since_2_1(1, 3) == EpochEndOffset{1, 3});
}

// KIP-279's case: fast successive leader changes. The follower wrote offsets 3-5 in epoch 1 as a
// short-lived leader; the leader never saw epoch 1: it has epoch 0 from 0 and epoch 2 from 5.
TEST_CASE("OffsetsForLeaderEpoch, KIP-279 example: an epoch the leader never had") {
  TestMapFileSystem fs;
  const auto leader = cache_with(fs, {{0, 0}, {2, 5}});
  // 0.11 answers with the start of epoch 2: the follower keeps its epoch-1 offsets 3 and 4,
  // which the leader has as epoch 0 records. The logs diverge.
  CHECK(leader.end_offset_for_kip101(1, 8) == 5);
  // 2.0 answers with the largest epoch <= 1 it knows, 0, ending at 5: the follower truncates to
  // min(its own end of epoch 0 (3), 5) = 3 and fetches the leader's records from there.
  CHECK(leader.end_offset_for(1, 8) == EpochEndOffset{0, 5});
  CHECK(leader.end_offset_for_since_2_1(1, 8) == EpochEndOffset{0, 5});
}

TEST_CASE("OffsetsForLeaderEpoch: an epoch below the earliest entry") {
  TestMapFileSystem fs;
  // KAFKA-7415's example: the earliest entry is (epoch 5, start 10); a query for epoch 4.
  const auto leader = cache_with(fs, {{5, 10}, {6, 20}});
  CHECK(leader.end_offset_for_kip101(4, 30) == undefined_epoch_offset);
  CHECK(leader.end_offset_for(4, 30) == EpochEndOffset{undefined_epoch, undefined_epoch_offset});
  CHECK(leader.end_offset_for_since_2_1(4, 30) == EpochEndOffset{4, 10});
}

TEST_CASE("OffsetsForLeaderEpoch: undefined answers") {
  TestMapFileSystem fs;
  const EpochEndOffset undefined{undefined_epoch, undefined_epoch_offset};
  CHECK(undefined == EpochEndOffset{-1, -1});
  const auto leader = cache_with(fs, {{0, 0}, {2, 5}});
  SECTION("the undefined epoch") {
    CHECK(leader.end_offset_for_kip101(undefined_epoch, 8) == -1);
    CHECK(leader.end_offset_for(undefined_epoch, 8) == undefined);
    CHECK(leader.end_offset_for_since_2_1(undefined_epoch, 8) == undefined);
  }
  SECTION("an epoch above the latest") {
    CHECK(leader.end_offset_for_kip101(3, 8) == -1);
    CHECK(leader.end_offset_for(3, 8) == undefined);
    CHECK(leader.end_offset_for_since_2_1(3, 8) == undefined);
  }
  SECTION("an empty cache") {
    TestMapFileSystem empty_fs;
    const LeaderEpochCache empty(empty_fs, epoch_checkpoint_path);
    CHECK(empty.end_offset_for_kip101(0, 8) == -1);
    CHECK(empty.end_offset_for(0, 8) == undefined);
    CHECK(empty.end_offset_for_since_2_1(0, 8) == undefined);
  }
}

TEST_CASE("OffsetsForLeaderEpoch: with gaps, the largest epoch <= requested answers") {
  TestMapFileSystem fs;
  const auto leader = cache_with(fs, {{1, 0}, {4, 10}, {9, 50}});
  CHECK(leader.end_offset_for(4, 70) == EpochEndOffset{4, 50});
  CHECK(leader.end_offset_for(7, 70) == EpochEndOffset{4, 50});
  CHECK(leader.end_offset_for(3, 70) == EpochEndOffset{1, 10});
  CHECK(leader.end_offset_for_kip101(7, 70) == 50);
  CHECK(leader.end_offset_for_kip101(3, 70) == 10);
  CHECK(leader.end_offset_for(9, 70) == EpochEndOffset{9, 70});
}

TEST_CASE("truncate_from_end removes entries starting at or after the new log end") {
  TestMapFileSystem fs;
  auto cache = cache_with(fs, {{0, 0}, {1, 10}, {2, 20}});
  SECTION("nothing starts that late: no change, no write") {
    cache.truncate_from_end(21);
    cache.truncate_from_end(-1);
    CHECK(cache.entries() == Entries{{0, 0}, {1, 10}, {2, 20}});
    CHECK(fs.operations().empty());
  }
  SECTION("an entry starting exactly there goes") {
    cache.truncate_from_end(20);
    CHECK(cache.entries() == Entries{{0, 0}, {1, 10}});
    CHECK(fs.content(epoch_checkpoint_path) == "0\n2\n0 0\n1 10\n");
  }
  SECTION("several go") {
    cache.truncate_from_end(5);
    CHECK(cache.entries() == Entries{{0, 0}});
  }
  SECTION("all go") {
    cache.truncate_from_end(0);
    CHECK(cache.entries().empty());
    CHECK(fs.content(epoch_checkpoint_path) == "0\n0\n");
  }
}

TEST_CASE("truncate_from_start drops entries before the new log start and moves the first") {
  TestMapFileSystem fs;
  auto cache = cache_with(fs, {{0, 0}, {1, 10}, {2, 20}});
  SECTION("inside an epoch: that epoch now starts at the log start") {
    cache.truncate_from_start(15);
    CHECK(cache.entries() == Entries{{1, 15}, {2, 20}});
    CHECK(fs.content(epoch_checkpoint_path) == "0\n2\n1 15\n2 20\n");
  }
  SECTION("inside the first epoch") {
    cache.truncate_from_start(5);
    CHECK(cache.entries() == Entries{{0, 5}, {1, 10}, {2, 20}});
  }
  SECTION("exactly at an epoch's start keeps that entry") {
    cache.truncate_from_start(20);
    CHECK(cache.entries() == Entries{{2, 20}});
  }
  SECTION("past every start: the latest epoch remains, starting at the log start") {
    cache.truncate_from_start(100);
    CHECK(cache.entries() == Entries{{2, 100}});
    CHECK(cache.epoch_for_offset(99) == std::nullopt);
    CHECK(cache.epoch_for_offset(100) == 2);
  }
  SECTION("before every start: no change, no write") {
    auto later = cache_with(fs, {{3, 50}});
    later.truncate_from_start(49);
    CHECK(later.entries() == Entries{{3, 50}});
    CHECK(fs.operations().empty());
  }
}

TEST_CASE("clear removes every entry and writes the empty checkpoint") {
  TestMapFileSystem fs;
  auto cache = cache_with(fs, {{0, 0}, {1, 10}});
  cache.clear();
  CHECK(cache.entries().empty());
  CHECK(fs.content(epoch_checkpoint_path) == "0\n0\n");
  CHECK(LeaderEpochCache(fs, epoch_checkpoint_path).entries().empty());
}

TEST_CASE("Every change is written atomically and survives a reload") {
  TestMapFileSystem fs;
  {
    LeaderEpochCache cache(fs, epoch_checkpoint_path);
    CHECK(fs.operations().empty());  // loading a missing file writes nothing
    cache.assign(0, 0);
    CHECK(fs.operations() == std::vector<std::string>{
                                 "truncate " + epoch_checkpoint_path + ".tmp",
                                 "append " + epoch_checkpoint_path + ".tmp 8",
                                 "fsync " + epoch_checkpoint_path + ".tmp",
                                 "rename " + epoch_checkpoint_path + ".tmp " + epoch_checkpoint_path,
                             });
    cache.assign(1, 10);
    cache.assign(2, 20);
    cache.truncate_from_end(20);
    cache.assign(3, 20);
    cache.truncate_from_start(5);
  }
  CHECK(fs.content(epoch_checkpoint_path) == "0\n3\n0 5\n1 10\n3 20\n");
  CHECK(fs.paths() == std::vector<std::string>{epoch_checkpoint_path});
  fs.clear_operations();
  LeaderEpochCache reloaded(fs, epoch_checkpoint_path);
  CHECK(reloaded.entries() == Entries{{0, 5}, {1, 10}, {3, 20}});
  CHECK(fs.operations().empty());  // loading writes nothing
}

TEST_CASE("Loading applies assign's rules to the file's entries, as Kafka does") {
  TestMapFileSystem fs;
  fs.put(epoch_checkpoint_path, "0\n4\n0 0\n2 10\n2 12\n1 20\n");
  fs.clear_operations();
  LeaderEpochCache cache(fs, epoch_checkpoint_path);
  // (2, 12) is ignored (epoch 2 keeps offset 10); (1, 20) removes (2, 10).
  CHECK(cache.entries() == Entries{{0, 0}, {1, 20}});
  CHECK(fs.operations().empty());
  CHECK(fs.content(epoch_checkpoint_path) == "0\n4\n0 0\n2 10\n2 12\n1 20\n");
}

TEST_CASE("A corrupt leader-epoch-checkpoint fails the load with its path and line") {
  TestMapFileSystem fs;
  fs.put(epoch_checkpoint_path, "0\n2\n0 0\n1\n");
  CHECK_THROWS_WITH(LeaderEpochCache(fs, epoch_checkpoint_path),
                    "Malformed line in checkpoint file (" + epoch_checkpoint_path +
                        ") line 4: '1' (expected 'epoch offset')");
}

TEST_CASE("A failed write propagates the disk's error and leaves the old file") {
  TestMapFileSystem fs;
  auto cache = cache_with(fs, {{0, 0}});
  fs.fail_appends = true;
  CHECK_THROWS_AS(cache.assign(1, 10), IoError);
  CHECK(fs.content(epoch_checkpoint_path) == "0\n1\n0 0\n");
}
