// MemoryFileSystem's disk model: what kill -9 and a power loss leave, torn writes, a full disk
// and a failing disk, and the counters the simulator reads.
#include <catch2/catch.hpp>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "core/storage/errors.h"
#include "core/storage/file_system.h"
#include "core/storage/memory_file_system.h"
#include "tests/storage/file_system_test_support.h"

using namespace ksim::storage;
using namespace ksim::storage::test;
using Kind = IoError::Kind;

namespace {

std::string durable(const MemoryFileSystem& fs, std::string_view path) {
  return to_string(fs.durable_content(path));
}

TornWrite keep_all(std::string_view, std::uint64_t, std::uint64_t unsynced) {
  return TornWrite{unsynced, {}};
}

TornWrite keep_all_as_garbage(std::string_view, std::uint64_t, std::uint64_t unsynced) {
  return TornWrite{unsynced, {{0, Bytes(static_cast<std::size_t>(unsynced), 0xA5)}}};
}

TornWrite keep_half(std::string_view, std::uint64_t, std::uint64_t unsynced) {
  return TornWrite{unsynced / 2, {}};
}

// Cuts the power of a MemoryFileSystem just before its n-th mutating operation, then throws
// PowerCut: the writer stops where a dead machine would.
struct PowerCut {};

class PowerCuttingFileSystem final : public FileSystem {
 public:
  PowerCuttingFileSystem(MemoryFileSystem& disk, int operations_before_cut,
                         TornWriteChooser chooser)
      : disk_(disk), remaining_(operations_before_cut), chooser_(std::move(chooser)) {}

  void step() {
    if (remaining_-- == 0) {
      disk_.power_loss(chooser_);
      throw PowerCut{};
    }
  }

  std::unique_ptr<File> open(std::string_view path, OpenMode mode) override;
  bool exists(std::string_view path) const override { return disk_.exists(path); }
  bool is_directory(std::string_view path) const override { return disk_.is_directory(path); }
  std::vector<std::string> list(std::string_view directory) const override {
    return disk_.list(directory);
  }
  void create_directories(std::string_view directory) override {
    step();
    disk_.create_directories(directory);
  }
  void remove(std::string_view path) override {
    step();
    disk_.remove(path);
  }
  void rename(std::string_view from, std::string_view to) override {
    step();
    disk_.rename(from, to);
  }

 private:
  MemoryFileSystem& disk_;
  int remaining_;
  TornWriteChooser chooser_;
};

class PowerCuttingFile final : public File {
 public:
  PowerCuttingFile(PowerCuttingFileSystem& fs, std::unique_ptr<File> file)
      : fs_(fs), file_(std::move(file)) {}
  std::uint64_t size() const override { return file_->size(); }
  void append(ByteView data) override {
    fs_.step();
    file_->append(data);
  }
  std::size_t read_at(std::uint64_t position, MutableByteView out) const override {
    return file_->read_at(position, out);
  }
  void truncate(std::uint64_t size) override {
    fs_.step();
    file_->truncate(size);
  }
  void fsync() override {
    fs_.step();
    file_->fsync();
  }

 private:
  PowerCuttingFileSystem& fs_;
  std::unique_ptr<File> file_;
};

std::unique_ptr<File> PowerCuttingFileSystem::open(std::string_view path, OpenMode mode) {
  step();
  return std::make_unique<PowerCuttingFile>(*this, disk_.open(path, mode));
}

}  // namespace

TEST_CASE("kill -9 keeps unsynced bytes: the page cache survives the process", "[fs][memory]") {
  MemoryFileSystem fs;
  auto file = fs.open("00000000000000000000.log", OpenMode::create);
  append(*file, "abc");
  file->fsync();
  append(*file, "def");
  fs.crash_process();
  CHECK(contents(fs, "00000000000000000000.log") == "abcdef");
  CHECK(durable(fs, "00000000000000000000.log") == "abc");
  CHECK(fs.unsynced_bytes("00000000000000000000.log") == 3);
  // Nothing is lost later either: the kernel would write the page cache out.
  file->fsync();
  fs.power_loss();
  CHECK(contents(fs, "00000000000000000000.log") == "abcdef");
}

TEST_CASE("a power loss drops unsynced bytes", "[fs][memory]") {
  MemoryFileSystem fs;
  auto file = fs.open("segment.log", OpenMode::create);
  append(*file, "abc");
  file->fsync();
  append(*file, "def");
  append(*file, "gh");
  CHECK(fs.unsynced_bytes() == 5);
  CHECK(fs.used_bytes() == 8);
  fs.power_loss();
  CHECK(contents(fs, "segment.log") == "abc");
  CHECK(durable(fs, "segment.log") == "abc");
  CHECK(fs.unsynced_bytes("segment.log") == 0);
  CHECK(fs.unsynced_bytes() == 0);
  CHECK(fs.used_bytes() == 3);
  CHECK(fs.open("segment.log", OpenMode::read_write)->size() == 3);
}

TEST_CASE("a created file survives a power loss, empty if never synced", "[fs][memory]") {
  MemoryFileSystem fs;
  fs.create_directories("logs/topic-0");
  auto file = fs.open("logs/topic-0/00000000000000000000.index", OpenMode::create);
  append(*file, "unsynced");
  fs.power_loss();
  CHECK(fs.is_directory("logs/topic-0"));
  CHECK(fs.list("logs/topic-0") == std::vector<std::string>{"00000000000000000000.index"});
  CHECK(contents(fs, "logs/topic-0/00000000000000000000.index").empty());
}

TEST_CASE("fsync then power loss keeps everything", "[fs][memory]") {
  MemoryFileSystem fs;
  auto file = fs.open("f", OpenMode::create);
  append(*file, "one");
  file->fsync();
  append(*file, "two");
  file->fsync();
  int chooser_calls = 0;
  fs.power_loss([&](std::string_view, std::uint64_t, std::uint64_t) {
    ++chooser_calls;
    return TornWrite{};
  });
  CHECK(chooser_calls == 0);
  CHECK(contents(fs, "f") == "onetwo");
  CHECK(durable(fs, "f") == "onetwo");
}

TEST_CASE("a torn write keeps exactly the chosen prefix and garbage", "[fs][memory]") {
  MemoryFileSystem fs;
  auto file = fs.open("f", OpenMode::create);
  append(*file, "hello");
  file->fsync();
  append(*file, " world!!");
  fs.power_loss([](std::string_view path, std::uint64_t durable_size, std::uint64_t unsynced) {
    CHECK(path == "f");
    CHECK(durable_size == 5);
    CHECK(unsynced == 8);
    // " world!!" -> the first 5 bytes " worl" reach the disk, with "XY" over "wo".
    return TornWrite{5, {{1, to_bytes("XY")}}};
  });
  CHECK(contents(fs, "f") == "hello XYrl");
  CHECK(durable(fs, "f") == "hello XYrl");  // what is on the disk after the reboot
  CHECK(fs.unsynced_bytes() == 0);
  CHECK(fs.used_bytes() == 10);

  append(*file, "++");
  fs.power_loss(keep_all_as_garbage);
  CHECK(contents(fs, "f") == "hello XYrl\xA5\xA5");
  append(*file, "abcd");
  fs.power_loss(keep_half);
  CHECK(contents(fs, "f") == "hello XYrl\xA5\xA5" "ab");
  append(*file, "abcd");
  fs.power_loss(keep_all);
  CHECK(contents(fs, "f") == "hello XYrl\xA5\xA5" "ababcd");
}

TEST_CASE("a power loss asks about each file with unsynced bytes in sorted path order",
          "[fs][memory]") {
  MemoryFileSystem fs;
  fs.create_directories("a");
  auto synced = fs.open("c", OpenMode::create);
  append(*synced, "synced");
  synced->fsync();
  auto b = fs.open("b", OpenMode::create);
  append(*b, "1");
  auto az = fs.open("a/z", OpenMode::create);
  append(*az, "123");
  az->fsync();
  append(*az, "4567");
  auto a1 = fs.open("a-1", OpenMode::create);
  append(*a1, "12");
  std::vector<std::tuple<std::string, std::uint64_t, std::uint64_t>> asked;
  fs.power_loss([&](std::string_view path, std::uint64_t durable_size, std::uint64_t unsynced) {
    asked.emplace_back(std::string(path), durable_size, unsynced);
    return TornWrite{1, {}};
  });
  // Bytewise order of the whole path: '-' (0x2D) sorts before '/' (0x2F).
  using Asked = std::tuple<std::string, std::uint64_t, std::uint64_t>;
  CHECK(asked == std::vector<Asked>{{"a-1", 0, 2}, {"a/z", 3, 4}, {"b", 0, 1}});
  CHECK(contents(fs, "a-1") == "1");
  CHECK(contents(fs, "a/z") == "1234");
  CHECK(contents(fs, "b") == "1");
  CHECK(contents(fs, "c") == "synced");
}

TEST_CASE("bad torn-write choices are rejected before anything changes", "[fs][memory]") {
  MemoryFileSystem fs;
  auto first = fs.open("first", OpenMode::create);
  append(*first, "aaaa");
  auto second = fs.open("second", OpenMode::create);
  append(*second, "bbbb");

  auto too_long = [](std::string_view path, std::uint64_t, std::uint64_t unsynced) {
    return TornWrite{path == "second" ? unsynced + 1 : 1, {}};
  };
  CHECK_THROWS_WITH(fs.power_loss(too_long),
                    "Torn write of second keeps 5 bytes but only 4 are unsynced");
  auto garbage_outside = [](std::string_view, std::uint64_t, std::uint64_t) {
    return TornWrite{2, {{1, to_bytes("xy")}}};
  };
  CHECK_THROWS_WITH(fs.power_loss(garbage_outside),
                    "Garbage at unsynced offset 1 (2 bytes) lies outside the 2 bytes kept of "
                    "first");
  CHECK(fs.unsynced_bytes("first") == 4);
  CHECK(fs.unsynced_bytes("second") == 4);
  CHECK(contents(fs, "first") == "aaaa");
}

TEST_CASE("truncate is durable at once, even below the durable size", "[fs][memory]") {
  MemoryFileSystem fs;
  auto file = fs.open("f", OpenMode::create);
  append(*file, "abcdef");
  file->fsync();
  file->truncate(2);
  CHECK(durable(fs, "f") == "ab");
  CHECK(fs.unsynced_bytes("f") == 0);
  fs.power_loss();
  CHECK(contents(fs, "f") == "ab");

  SECTION("appends after the truncation are unsynced") {
    append(*file, "123456");
    CHECK(fs.unsynced_bytes("f") == 6);
    CHECK(durable(fs, "f") == "ab");
    fs.power_loss();
    CHECK(contents(fs, "f") == "ab");
  }
  SECTION("a truncation above the durable size keeps the durable bytes") {
    append(*file, "cdef");
    file->fsync();
    append(*file, "ghij");
    file->truncate(8);  // inside the unsynced tail
    CHECK(durable(fs, "f") == "abcdef");
    CHECK(fs.unsynced_bytes("f") == 2);
    append(*file, "XY");
    std::uint64_t seen_durable = 0;
    std::uint64_t seen_unsynced = 0;
    fs.power_loss([&](std::string_view, std::uint64_t durable_size, std::uint64_t unsynced) {
      seen_durable = durable_size;
      seen_unsynced = unsynced;
      return TornWrite{3, {}};
    });
    CHECK(seen_durable == 6);
    CHECK(seen_unsynced == 4);
    CHECK(contents(fs, "f") == "abcdefghX");
  }
}

TEST_CASE("create_truncate empties a file durably", "[fs][memory]") {
  MemoryFileSystem fs;
  {
    auto file = fs.open("f", OpenMode::create);
    append(*file, "old content");
    file->fsync();
  }
  auto file = fs.open("f", OpenMode::create_truncate);
  CHECK(durable(fs, "f").empty());
  append(*file, "new");
  fs.power_loss();
  CHECK(fs.exists("f"));
  CHECK(contents(fs, "f").empty());
}

TEST_CASE("directory operations are durable when they return", "[fs][memory]") {
  MemoryFileSystem fs;
  fs.create_directories("logs/topic-0");
  fs.create_directories("logs/topic-1");
  for (const char* name : {"logs/topic-0/a", "logs/topic-0/b", "logs/gone"}) {
    auto file = fs.open(name, OpenMode::create);
    append(*file, name);
    file->fsync();
  }
  fs.rename("logs/topic-0/a", "logs/topic-1/a");
  fs.rename("logs/topic-0", "logs/topic-0.x-delete");
  fs.remove("logs/gone");
  fs.power_loss();
  CHECK(fs.list("logs") == std::vector<std::string>{"topic-0.x-delete", "topic-1"});
  CHECK(contents(fs, "logs/topic-1/a") == "logs/topic-0/a");
  CHECK(contents(fs, "logs/topic-0.x-delete/b") == "logs/topic-0/b");
}

TEST_CASE("write_file_atomically survives a power loss at any point", "[fs][memory]") {
  const std::string old_content = "0\n1\nfoo 0 100\n";
  const std::string new_content = "0\n2\nfoo 0 250\nbar 3 7\n";
  const std::vector<std::pair<const char*, TornWriteChooser>> choosers = {
      {"drop unsynced", TornWriteChooser{}},
      {"keep unsynced", keep_all},
      {"keep half", keep_half},
      {"garbage", keep_all_as_garbage}};
  for (bool had_old_file : {true, false}) {
    for (const auto& [chooser_name, chooser] : choosers) {
      bool finished = false;
      for (int cut_before = 0; !finished; ++cut_before) {
        INFO("old file " << had_old_file << ", " << chooser_name << ", cut before operation "
                         << cut_before);
        REQUIRE(cut_before < 10);
        MemoryFileSystem disk;
        disk.create_directories("data");
        if (had_old_file) write_file_atomically(disk, "data/checkpoint", as_bytes(old_content));
        PowerCuttingFileSystem cutting(disk, cut_before, chooser);
        try {
          write_file_atomically(cutting, "data/checkpoint", as_bytes(new_content));
          finished = true;
          disk.power_loss(chooser);  // right after it returned
        } catch (const PowerCut&) {
        }
        if (disk.exists("data/checkpoint")) {
          std::string seen = contents(disk, "data/checkpoint");
          CHECK((seen == new_content || (had_old_file && seen == old_content)));
          if (finished) CHECK(seen == new_content);
        } else {
          CHECK_FALSE(had_old_file);
          CHECK_FALSE(finished);
        }
      }
    }
  }
}

TEST_CASE("a full disk refuses an append whole", "[fs][memory]") {
  MemoryFileSystem fs;
  CHECK(fs.capacity_bytes() == std::nullopt);
  fs.set_capacity_bytes(10);
  CHECK(fs.capacity_bytes() == 10);
  auto a = fs.open("a", OpenMode::create);
  auto b = fs.open("b", OpenMode::create);
  append(*a, "123456");
  IoError full = io_error_from([&] { append(*b, "abcde"); });
  CHECK(full.kind() == Kind::no_space);
  CHECK(std::string(full.what()) == "No space left on device: b");
  CHECK(b->size() == 0);  // nothing written
  CHECK(fs.used_bytes() == 6);
  CHECK(fs.bytes_written() == 6);
  CHECK(fs.unsynced_bytes() == 6);
  append(*b, "abcd");  // exactly full
  CHECK(fs.used_bytes() == 10);
  CHECK(io_error_from([&] { append(*a, "x"); }).kind() == Kind::no_space);
  append(*a, "");  // nothing to write always fits

  a->truncate(5);  // frees a byte
  append(*b, "e");
  CHECK(contents(fs, "b") == "abcde");
  CHECK(contents(fs, "a") == "12345");

  fs.set_capacity_bytes(4);  // smaller than what is used: every append fails
  CHECK(io_error_from([&] { append(*a, "x"); }).kind() == Kind::no_space);
  b.reset();
  fs.remove("b");  // frees its 5 bytes
  CHECK(fs.used_bytes() == 5);
  fs.set_capacity_bytes(std::nullopt);
  append(*a, std::string(1000, 'z'));
  CHECK(fs.used_bytes() == 1005);
}

TEST_CASE("the fail-writes switch makes append, truncate and fsync fail", "[fs][memory]") {
  MemoryFileSystem fs;
  auto file = fs.open("logs.log", OpenMode::create);
  append(*file, "abc");
  fs.set_fail_writes(true);
  CHECK(fs.fail_writes());
  IoError failed = io_error_from([&] { append(*file, "def"); });
  CHECK(failed.kind() == Kind::io_failure);
  CHECK(std::string(failed.what()) == "Input/output error: logs.log");
  CHECK(io_error_from([&] { file->fsync(); }).kind() == Kind::io_failure);
  CHECK(io_error_from([&] { file->truncate(1); }).kind() == Kind::io_failure);
  // Nothing changed, and reads still work.
  CHECK(contents(fs, "logs.log") == "abc");
  CHECK(durable(fs, "logs.log").empty());
  CHECK(fs.fsync_calls() == 0);
  CHECK(fs.bytes_written() == 3);

  fs.set_fail_writes(false);
  append(*file, "def");
  file->fsync();
  CHECK(durable(fs, "logs.log") == "abcdef");
}

TEST_CASE("counters say what was written and what is unsynced", "[fs][memory]") {
  MemoryFileSystem fs;
  fs.create_directories("d");
  auto x = fs.open("d/x", OpenMode::create);
  auto y = fs.open("y", OpenMode::create);
  append(*x, "12345");
  append(*y, "123");
  CHECK(fs.bytes_written() == 8);
  CHECK(fs.unsynced_bytes() == 8);
  CHECK(fs.unsynced_bytes("d/x") == 5);
  CHECK(fs.unsynced_bytes("y") == 3);
  x->fsync();
  x->fsync();
  CHECK(fs.fsync_calls() == 2);
  CHECK(fs.unsynced_bytes() == 3);
  CHECK(fs.unsynced_bytes("d/x") == 0);
  y->truncate(1);
  CHECK(fs.unsynced_bytes() == 1);
  CHECK(fs.bytes_written() == 8);  // counts appends, never goes down
  CHECK(fs.used_bytes() == 6);

  CHECK(io_error_from([&] { fs.unsynced_bytes("missing"); }).kind() == Kind::not_found);
  CHECK(io_error_from([&] { fs.durable_content("d/missing"); }).kind() == Kind::not_found);
  CHECK(io_error_from([&] { fs.durable_content("d"); }).kind() == Kind::io_failure);
  CHECK(io_error_from([&] { fs.durable_content("y/z"); }).kind() == Kind::not_a_directory);
}

TEST_CASE("a removed file's bytes stay in use while a handle holds them", "[fs][memory]") {
  MemoryFileSystem fs;
  auto file = fs.open("f", OpenMode::create);
  append(*file, "abcdef");
  {
    auto replacement = fs.open("g", OpenMode::create);
    append(*replacement, "xy");
    replacement->fsync();
  }
  fs.rename("g", "f");  // replaces f; its bytes live on in `file`
  CHECK(fs.used_bytes() == 8);
  CHECK(fs.unsynced_bytes() == 6);
  fs.power_loss();  // f's old node is no longer on the disk: left alone
  CHECK(file->size() == 6);
  file.reset();
  CHECK(fs.used_bytes() == 2);
  CHECK(fs.unsynced_bytes() == 0);
  CHECK(contents(fs, "f") == "xy");
}

TEST_CASE("a handle stays usable after its file system is gone", "[fs][memory]") {
  std::unique_ptr<File> file;
  {
    MemoryFileSystem fs;
    file = fs.open("f", OpenMode::create);
    append(*file, "abc");
  }
  append(*file, "d");
  file->fsync();
  Bytes out(4);
  CHECK(file->read_at(0, out) == 4);
  CHECK(to_string(out) == "abcd");
}

TEST_CASE("many small appends stay cheap and exact", "[fs][memory]") {
  MemoryFileSystem fs;
  auto file = fs.open("f", OpenMode::create);
  std::uint8_t batch[61];
  for (std::size_t i = 0; i < 100'000; ++i) {
    for (std::size_t j = 0; j < sizeof batch; ++j) {
      batch[j] = static_cast<std::uint8_t>(i + j);
    }
    file->append(batch);
    if (i % 1000 == 999) file->fsync();
  }
  CHECK(file->size() == 6'100'000);
  CHECK(fs.unsynced_bytes() == 0);
  Bytes out(61);
  REQUIRE(file->read_at(61 * 54'321, out) == 61);
  CHECK(out[0] == static_cast<std::uint8_t>(54'321));
  CHECK(out[60] == static_cast<std::uint8_t>(54'321 + 60));
}
