// The segment indexes on their own: lookups, cuts, the bytes on disk, and files that do not
// parse as an index.
#include <catch2/catch.hpp>

#include "core/storage/errors.h"
#include "core/storage/memory_file_system.h"
#include "core/storage/offset_index.h"
#include "core/storage/time_index.h"

using namespace ksim::storage;

TEST_CASE("the offset index finds the last entry at or before an offset", "[index]") {
  MemoryFileSystem fs;
  OffsetIndex index(fs, "00000000000000000100.index", 100, 1024);
  index.append(103, 0);
  index.append(110, 4096);
  index.append(125, 8200);
  CHECK_FALSE(index.lookup(102));
  CHECK(index.lookup(103) == OffsetPosition{103, 0});
  CHECK(index.lookup(124) == OffsetPosition{110, 4096});
  CHECK(index.lookup(999) == OffsetPosition{125, 8200});
  // On disk: relative offset and position, big-endian, 8 bytes each.
  CHECK(read_file(fs, "00000000000000000100.index") ==
        Bytes{0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0x10, 0, 0, 0, 0, 25, 0, 0, 0x20, 0x08});

  index.truncate_to(110);
  CHECK(index.entries() == 1);
  CHECK(read_file(fs, "00000000000000000100.index").size() == 8);
  OffsetIndex reloaded(fs, "00000000000000000100.index", 100, 1024);
  CHECK(reloaded.all_entries() == std::vector<OffsetPosition>{{103, 0}});
  CHECK(reloaded.max_entries() == 128);
}

TEST_CASE("an index file that is not an index is refused with its name", "[index]") {
  MemoryFileSystem fs;
  fs.open("a.index", OpenMode::create)->append(Bytes{0, 0, 0, 1, 0, 0, 0});
  CHECK_THROWS_WITH(OffsetIndex(fs, "a.index", 0, 1024),
                    Catch::Contains("a.index") && Catch::Contains("not a multiple of 8"));
  // Entries out of order.
  fs.open("b.index", OpenMode::create)
      ->append(Bytes{0, 0, 0, 5, 0, 0, 0, 9, 0, 0, 0, 2, 0, 0, 0, 10});
  CHECK_THROWS_AS(OffsetIndex(fs, "b.index", 0, 1024), CorruptDataError);
  fs.open("c.timeindex", OpenMode::create)->append(Bytes(13, 0));
  CHECK_THROWS_WITH(TimeIndex(fs, "c.timeindex", 0, 1024), Catch::Contains("multiple of 12"));
}

TEST_CASE("the time index only grows with the largest timestamp", "[index]") {
  MemoryFileSystem fs;
  TimeIndex index(fs, "00000000000000000000.timeindex", 0, 24);  // two entries
  index.maybe_append(1000, 3);
  index.maybe_append(1000, 5);  // not larger: ignored
  index.maybe_append(900, 6);   // smaller: ignored
  index.maybe_append(2000, 8);
  CHECK(index.is_full());
  index.maybe_append(3000, 9);  // full: ignored
  CHECK(index.entries() == 2);
  index.maybe_append(3000, 9, true);  // the final entry at roll time goes in regardless
  CHECK(index.all_entries() ==
        std::vector<TimestampOffset>{{1000, 3}, {2000, 8}, {3000, 9}});
  CHECK_FALSE(index.lookup(999));
  CHECK(index.lookup(1999) == TimestampOffset{1000, 3});
  CHECK(index.lookup(5000) == TimestampOffset{3000, 9});
  index.truncate_to(8);
  CHECK(index.all_entries() == std::vector<TimestampOffset>{{1000, 3}});
}
