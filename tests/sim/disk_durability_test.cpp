// The durability model, checked with the same scenarios against storage::MemoryFileSystem and
// DurableDirectoryFileSystem (real files in /tmp): kill -9 keeps the page cache, a power loss
// keeps what was synced (plus what a torn write keeps), metadata is durable at once, full and
// failing disks refuse writes. Both must leave the same visible files.
#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/storage/posix_file_system.h"
#include "disk_test_support.h"
#include "sim/disk/torn_writes.h"

using namespace ksim;
using namespace ksim::sim;
using namespace ksim::sim::disk_test;
using storage::IoError;
using storage::OpenMode;
using Kind = storage::IoError::Kind;

namespace {

storage::TornWrite keep_half_with_garbage(std::string_view, std::uint64_t,
                                          std::uint64_t unsynced) {
  return storage::TornWrite{unsynced / 2, {{1, storage::to_bytes("##")}}};
}

// A mixed workload: appends, syncs, a truncate, a checkpoint written atomically, a renamed
// directory, a removed file; some of it unsynced at the end.
template <class FileSystem>
void mixed_workload(FileSystem& fs) {
  fs.create_directories("my-topic-0");
  fs.create_directories("other-0");
  auto segment = fs.open("my-topic-0/00000000000000000000.log", OpenMode::create);
  append(*segment, "batch-0|batch-1|");
  segment->fsync();
  append(*segment, "batch-2|batch-3|");
  auto index = fs.open("my-topic-0/00000000000000000000.index", OpenMode::create);
  append(*index, "0123456789abcdef");
  index->fsync();
  index->truncate(8);
  append(*index, "XYZ");
  storage::write_file_atomically(fs, "recovery-point-offset-checkpoint",
                                 storage::as_bytes("0\n1\n"));
  auto other = fs.open("other-0/00000000000000000000.log", OpenMode::create);
  append(*other, "other-synced");
  other->fsync();
  append(*other, "+other-unsynced");
  fs.rename("other-0", "renamed-0");
  auto doomed = fs.open("doomed.tmp", OpenMode::create);
  append(*doomed, "never mind");
  fs.remove("doomed.tmp");
}

}  // namespace

TEMPLATE_TEST_CASE("kill -9 keeps unsynced bytes and a power loss drops them", "[sim][disk]",
                   MemoryDisk, DirectoryDisk) {
  TestType disk;
  auto& fs = disk.fs;
  fs.create_directories("my-topic-0");
  auto file = fs.open("my-topic-0/00000000000000000000.log", OpenMode::create);
  append(*file, "synced ");
  file->fsync();
  append(*file, "unsynced");
  CHECK(fs.unsynced_bytes() == 8);
  CHECK(fs.unsynced_bytes("my-topic-0/00000000000000000000.log") == 8);
  CHECK(storage::to_string(fs.durable_content("my-topic-0/00000000000000000000.log")) == "synced ");

  fs.crash_process();
  CHECK(contents(fs, "my-topic-0/00000000000000000000.log") == "synced unsynced");
  CHECK(fs.unsynced_bytes() == 8);

  fs.power_loss();
  CHECK(contents(fs, "my-topic-0/00000000000000000000.log") == "synced ");
  CHECK(fs.unsynced_bytes() == 0);
  CHECK(file->size() == 7);  // the handle sees the disk as it is now
  append(*file, "again");
  CHECK(contents(fs, "my-topic-0/00000000000000000000.log") == "synced again");
}

TEMPLATE_TEST_CASE("truncate and emptying by create_truncate are durable at once", "[sim][disk]",
                   MemoryDisk, DirectoryDisk) {
  TestType disk;
  auto& fs = disk.fs;
  auto index = fs.open("a.index", OpenMode::create);
  append(*index, "0123456789");
  index->fsync();
  index->truncate(4);
  append(*index, "abc");  // unsynced, past the durable cut
  auto emptied = fs.open("b.log", OpenMode::create);
  append(*emptied, "old content");
  emptied->fsync();
  fs.open("b.log", OpenMode::create_truncate);
  auto never_synced = fs.open("c.log", OpenMode::create);
  append(*never_synced, "lost");

  fs.power_loss();
  CHECK(snapshot(fs) == Snapshot{{"a.index", "0123"}, {"b.log", ""}, {"c.log", ""}});
}

TEMPLATE_TEST_CASE("durability follows a file through rename, and a directory's files too",
                   "[sim][disk]", MemoryDisk, DirectoryDisk) {
  TestType disk;
  auto& fs = disk.fs;
  storage::write_file_atomically(fs, "checkpoint", storage::as_bytes("version 1"));
  storage::write_file_atomically(fs, "checkpoint", storage::as_bytes("version 2"));
  fs.create_directories("topic-0");
  auto segment = fs.open("topic-0/0.log", OpenMode::create);
  append(*segment, "durable|");
  segment->fsync();
  append(*segment, "volatile");
  auto moved = fs.open("scratch.tmp", OpenMode::create);
  append(*moved, "unsynced before the rename");
  fs.rename("scratch.tmp", "scratch.done");
  fs.rename("topic-0", "topic-0.deleted");
  CHECK(fs.unsynced_bytes("topic-0.deleted/0.log") == 8);
  CHECK(fs.unsynced_bytes("scratch.done") == 26);

  fs.crash_process();
  CHECK(snapshot(fs) == Snapshot{{"checkpoint", "version 2"},
                                 {"scratch.done", "unsynced before the rename"},
                                 {"topic-0.deleted/0.log", "durable|volatile"}});
  fs.power_loss();
  CHECK(snapshot(fs) == Snapshot{{"checkpoint", "version 2"},
                                 {"scratch.done", ""},
                                 {"topic-0.deleted/0.log", "durable|"}});
  append(*segment, "+after");  // the handle follows the file
  CHECK(contents(fs, "topic-0.deleted/0.log") == "durable|+after");
}

TEMPLATE_TEST_CASE("a removed file stays readable through its handle and a power loss ignores it",
                   "[sim][disk]", MemoryDisk, DirectoryDisk) {
  TestType disk;
  auto& fs = disk.fs;
  auto file = fs.open("00000000000000000000.log.deleted", OpenMode::create);
  append(*file, "segment bytes");
  CHECK(fs.used_bytes() == 13);
  fs.remove("00000000000000000000.log.deleted");
  CHECK_FALSE(fs.exists("00000000000000000000.log.deleted"));
  CHECK(fs.used_bytes() == 13);  // freed with the last handle
  CHECK(fs.unsynced_bytes() == 13);
  fs.power_loss();
  CHECK(file->size() == 13);
  storage::Bytes buffer(13);
  CHECK(file->read_at(0, buffer) == 13);
  CHECK(storage::to_string(buffer) == "segment bytes");
  file.reset();
  CHECK(fs.used_bytes() == 0);
  CHECK(fs.unsynced_bytes() == 0);
  CHECK(snapshot(fs).empty());
}

TEMPLATE_TEST_CASE("a torn write keeps the chosen prefix with its garbage", "[sim][disk]",
                   MemoryDisk, DirectoryDisk) {
  TestType disk;
  auto& fs = disk.fs;
  auto a = fs.open("a.log", OpenMode::create);
  append(*a, "AAAA");
  a->fsync();
  append(*a, "abcdefgh");
  auto b = fs.open("b.log", OpenMode::create);
  append(*b, "0123456789");
  auto synced = fs.open("c.log", OpenMode::create);
  append(*synced, "all synced");
  synced->fsync();

  std::vector<std::string> asked;
  fs.power_loss([&](std::string_view path, std::uint64_t durable, std::uint64_t unsynced) {
    asked.push_back(std::string(path) + " " + std::to_string(durable) + "+" +
                    std::to_string(unsynced));
    return keep_half_with_garbage(path, durable, unsynced);
  });
  CHECK(asked == std::vector<std::string>{"a.log 4+8", "b.log 0+10"});
  CHECK(snapshot(fs) ==
        Snapshot{{"a.log", "AAAAa##d"}, {"b.log", "0##34"}, {"c.log", "all synced"}});
  CHECK(fs.unsynced_bytes() == 0);
  CHECK(storage::to_string(fs.durable_content("a.log")) == "AAAAa##d");
}

TEMPLATE_TEST_CASE("an impossible torn write is refused before anything changes", "[sim][disk]",
                   MemoryDisk, DirectoryDisk) {
  TestType disk;
  auto& fs = disk.fs;
  auto a = fs.open("a.log", OpenMode::create);
  append(*a, "abc");
  auto b = fs.open("b.log", OpenMode::create);
  append(*b, "xyz");
  auto too_much = [](std::string_view path, std::uint64_t, std::uint64_t unsynced) {
    return storage::TornWrite{path == "b.log" ? unsynced + 1 : unsynced, {}};
  };
  CHECK_THROWS_WITH(fs.power_loss(too_much),
                    "Torn write of b.log keeps 4 bytes but only 3 are unsynced");
  auto garbage_outside = [](std::string_view, std::uint64_t, std::uint64_t) {
    return storage::TornWrite{2, {{1, storage::to_bytes("!!")}}};
  };
  CHECK_THROWS_WITH(
      fs.power_loss(garbage_outside),
      "Garbage at unsynced offset 1 (2 bytes) lies outside the 2 bytes kept of a.log");
  CHECK(snapshot(fs) == Snapshot{{"a.log", "abc"}, {"b.log", "xyz"}});
  CHECK(fs.unsynced_bytes() == 6);
}

TEMPLATE_TEST_CASE("a full disk refuses appends whole until space is freed", "[sim][disk]",
                   MemoryDisk, DirectoryDisk) {
  TestType disk;
  auto& fs = disk.fs;
  fs.set_capacity_bytes(10);
  CHECK(fs.capacity_bytes() == std::optional<std::uint64_t>(10));
  auto a = fs.open("a.log", OpenMode::create);
  append(*a, "123456");
  auto b = fs.open("b.log", OpenMode::create);
  IoError full = io_error_from([&] { append(*b, "12345"); });
  CHECK(full.kind() == Kind::no_space);
  CHECK(std::string(full.what()) == "No space left on device: b.log");
  CHECK(b->size() == 0);
  CHECK(fs.used_bytes() == 6);
  append(*b, "1234");  // exactly full
  CHECK(io_error_from([&] { append(*a, "x"); }).kind() == Kind::no_space);
  append(*a, "");  // nothing to write: no space needed
  a->truncate(2);
  append(*b, "5678");
  CHECK(snapshot(fs) == Snapshot{{"a.log", "12"}, {"b.log", "12345678"}});
  fs.remove("b.log");
  b.reset();
  append(*a, "34567890");
  fs.set_capacity_bytes(std::nullopt);
  append(*a, "more than ten bytes now");
  CHECK(fs.used_bytes() == 33);
}

TEMPLATE_TEST_CASE("a failing disk refuses writes with an I/O error and changes nothing",
                   "[sim][disk]", MemoryDisk, DirectoryDisk) {
  TestType disk;
  auto& fs = disk.fs;
  auto file = fs.open("a.log", OpenMode::create);
  append(*file, "kept");
  fs.set_fail_writes(true);
  CHECK(fs.fail_writes());
  IoError on_append = io_error_from([&] { append(*file, "lost"); });
  CHECK(on_append.kind() == Kind::io_failure);
  CHECK(std::string(on_append.what()) == "Input/output error: a.log");
  CHECK(io_error_from([&] { file->fsync(); }).kind() == Kind::io_failure);
  CHECK(io_error_from([&] { file->truncate(1); }).kind() == Kind::io_failure);
  CHECK(contents(fs, "a.log") == "kept");
  CHECK(fs.unsynced_bytes() == 4);
  CHECK(fs.fsync_calls() == 0);
  fs.set_fail_writes(false);
  file->fsync();
  CHECK(fs.fsync_calls() == 1);
  CHECK(fs.unsynced_bytes() == 0);
}

TEMPLATE_TEST_CASE("counters follow appends, syncs, truncates and removals", "[sim][disk]",
                   MemoryDisk, DirectoryDisk) {
  TestType disk;
  auto& fs = disk.fs;
  auto a = fs.open("a", OpenMode::create);
  append(*a, "12345");
  a->fsync();
  append(*a, "678");
  auto b = fs.open("b", OpenMode::create);
  append(*b, "xy");
  CHECK(fs.used_bytes() == 10);
  CHECK(fs.bytes_written() == 10);
  CHECK(fs.unsynced_bytes() == 5);
  CHECK(fs.fsync_calls() == 1);
  a->truncate(4);  // cuts into the durable part
  CHECK(fs.unsynced_bytes("a") == 0);
  CHECK(fs.unsynced_bytes() == 2);
  CHECK(fs.used_bytes() == 6);
  fs.rename("b", "a");  // replaces a; its handle still holds it
  CHECK(fs.used_bytes() == 6);
  a.reset();
  CHECK(fs.used_bytes() == 2);
  CHECK(fs.bytes_written() == 10);
  CHECK(fs.unsynced_bytes("a") == 2);
  CHECK(io_error_from([&] { fs.unsynced_bytes("missing"); }).kind() == Kind::not_found);
}

TEST_CASE("the same workload and faults leave the same files in memory and in a directory",
          "[sim][disk]") {
  DiskOptions options;
  options.torn_write_probability = Ratio::one();
  options.torn_write_garbage_probability = Ratio::percent(50);
  options.torn_write_garbage_bytes_max = 3;
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    INFO("seed " << seed);
    MemoryDisk memory;
    DirectoryDisk directory;
    mixed_workload(memory.fs);
    mixed_workload(directory.fs);
    const Snapshot before = snapshot(memory.fs);
    CHECK(before.size() == 4);
    REQUIRE(snapshot(directory.fs) == before);
    CHECK(directory.fs.unsynced_bytes() == memory.fs.unsynced_bytes());
    CHECK(directory.fs.used_bytes() == memory.fs.used_bytes());

    memory.fs.crash_process();
    directory.fs.crash_process();
    REQUIRE(snapshot(memory.fs) == before);
    REQUIRE(snapshot(directory.fs) == before);

    Prng memory_stream(seed, "disk/broker-1/power_loss");
    Prng directory_stream(seed, "disk/broker-1/power_loss");
    TornWritePlanner memory_planner(options, memory_stream, memory.fs);
    TornWritePlanner directory_planner(options, directory_stream, directory.fs);
    memory.fs.power_loss(memory_planner.chooser());
    directory.fs.power_loss(directory_planner.chooser());
    CHECK(memory_planner.fates() == directory_planner.fates());
    const Snapshot after = snapshot(memory.fs);
    CHECK(snapshot(directory.fs) == after);
    // Synced bytes always survive; the rest is a torn prefix.
    CHECK(after.at("recovery-point-offset-checkpoint") == "0\n1\n");
    CHECK(after.at("my-topic-0/00000000000000000000.log").starts_with("batch-0|batch-1|"));
    CHECK(after.at("my-topic-0/00000000000000000000.index").starts_with("01234567"));
    CHECK(after.at("renamed-0/00000000000000000000.log").starts_with("other-synced"));
    CHECK(memory.fs.unsynced_bytes() == 0);
    CHECK(directory.fs.unsynced_bytes() == 0);
  }
}

TEST_CASE("files already in a data directory count as durable", "[sim][disk]") {
  TemporaryDirectory temporary;
  const std::string root = temporary.path() + "/data";
  {
    storage::PosixFileSystem before(root);
    before.create_directories("my-topic-0");
    auto file = before.open(first_segment, OpenMode::create);
    append(*file, "written by an earlier run");
  }
  DurableDirectoryFileSystem fs(root);
  CHECK(fs.used_bytes() == 25);
  CHECK(fs.unsynced_bytes() == 0);
  auto file = fs.open(first_segment, OpenMode::read_write);
  append(*file, " + this run");
  fs.power_loss();
  CHECK(contents(fs, first_segment) == "written by an earlier run");
}

TEST_CASE("after a power loss the real files hold exactly the durable bytes", "[sim][disk]") {
  TemporaryDirectory temporary;
  const std::string root = temporary.path() + "/data";
  DurableDirectoryFileSystem fs(root);
  CHECK(fs.directory() == root);
  fs.create_directories("my-topic-0");
  auto file = fs.open(first_segment, OpenMode::create);
  append(*file, "synced|");
  file->fsync();
  append(*file, "torn tail");
  fs.power_loss([](std::string_view, std::uint64_t, std::uint64_t) {
    return storage::TornWrite{4, {{0, storage::to_bytes("T")}}};
  });
  storage::PosixFileSystem outside(root);  // what `ls` and `ksim dump-log` see
  CHECK(contents(outside, first_segment) == "synced|Torn");
  CHECK(std::filesystem::file_size(root + "/" + first_segment) == 11);
  CHECK(outside.list("") == std::vector<std::string>{"my-topic-0"});
}
