// The FileSystem contract (core/storage/file_system.h), checked against both implementations
// with the same tests: whatever passes on MemoryFileSystem behaves the same on a real disk.
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/storage/errors.h"
#include "core/storage/file_system.h"
#include "core/storage/memory_file_system.h"
#include "core/storage/posix_file_system.h"
#include "tests/storage/file_system_test_support.h"
#include "tests/support/temporary_directory.h"

using namespace ksim::storage;
using namespace ksim::storage::test;
using Kind = IoError::Kind;

namespace {

using ksim::test_support::TemporaryDirectory;

struct MemoryDisk {
  MemoryFileSystem fs;
};

struct PosixDisk {
  TemporaryDirectory directory;
  PosixFileSystem fs{directory.path() + "/root"};
};

std::string read_range(const File& file, std::uint64_t position, std::size_t length) {
  Bytes buffer(length, 0xEE);
  std::size_t read = file.read_at(position, buffer);
  buffer.resize(read);
  return to_string(buffer);
}

void write(FileSystem& fs, std::string_view path, std::string_view text) {
  auto file = fs.open(path, OpenMode::create_truncate);
  append(*file, text);
  file->fsync();
}

using Names = std::vector<std::string>;

}  // namespace

TEMPLATE_TEST_CASE("open read_write needs an existing file", "[fs]", MemoryDisk, PosixDisk) {
  TestType disk;
  FileSystem& fs = disk.fs;
  IoError error = io_error_from([&] { fs.open("missing.log", OpenMode::read_write); });
  CHECK(error.kind() == Kind::not_found);
  CHECK(std::string(error.what()) == "No such file or directory: missing.log");
  CHECK_FALSE(fs.exists("missing.log"));

  write(fs, "present.log", "kafka");
  auto file = fs.open("present.log", OpenMode::read_write);
  CHECK(file->size() == 5);
  CHECK(read_range(*file, 0, 5) == "kafka");
}

TEMPLATE_TEST_CASE("open create keeps a file and create_truncate empties it", "[fs]", MemoryDisk,
                   PosixDisk) {
  TestType disk;
  FileSystem& fs = disk.fs;
  {
    auto created = fs.open("a.log", OpenMode::create);
    CHECK(created->size() == 0);
    CHECK(fs.exists("a.log"));
    CHECK_FALSE(fs.is_directory("a.log"));
    append(*created, "first");
  }
  CHECK(fs.open("a.log", OpenMode::create)->size() == 5);
  CHECK(contents(fs, "a.log") == "first");

  auto emptied = fs.open("a.log", OpenMode::create_truncate);
  CHECK(emptied->size() == 0);
  CHECK(contents(fs, "a.log").empty());
  append(*emptied, "second");
  CHECK(contents(fs, "a.log") == "second");

  auto fresh = fs.open("b.log", OpenMode::create_truncate);
  CHECK(fresh->size() == 0);
  CHECK(fs.list("") == Names{"a.log", "b.log"});
}

TEMPLATE_TEST_CASE("open fails in a missing directory, under a file and on a directory", "[fs]",
                   MemoryDisk, PosixDisk) {
  TestType disk;
  FileSystem& fs = disk.fs;
  for (OpenMode mode : {OpenMode::read_write, OpenMode::create, OpenMode::create_truncate}) {
    IoError missing = io_error_from([&] { fs.open("no-such-dir/x.log", mode); });
    CHECK(missing.kind() == Kind::not_found);
    CHECK(std::string(missing.what()) == "No such file or directory: no-such-dir/x.log");
  }
  CHECK_FALSE(fs.exists("no-such-dir"));

  write(fs, "plain", "x");
  IoError under_file = io_error_from([&] { fs.open("plain/x.log", OpenMode::create); });
  CHECK(under_file.kind() == Kind::not_a_directory);
  CHECK(std::string(under_file.what()) == "Not a directory: plain/x.log");

  fs.create_directories("dir");
  IoError on_directory = io_error_from([&] { fs.open("dir", OpenMode::create); });
  CHECK(on_directory.kind() == Kind::io_failure);
  CHECK(std::string(on_directory.what()) == "Is a directory: dir");
  CHECK(io_error_from([&] { fs.open("", OpenMode::read_write); }).kind() == Kind::io_failure);
}

TEMPLATE_TEST_CASE("append and read_at agree at every boundary", "[fs]", MemoryDisk, PosixDisk) {
  TestType disk;
  FileSystem& fs = disk.fs;
  auto file = fs.open("00000000000000000000.log", OpenMode::create);
  std::string expected;
  for (std::size_t piece_size : {1u, 0u, 7u, 13u, 16u, 2u}) {
    std::string piece;
    for (std::size_t i = 0; i < piece_size; ++i) {
      piece += static_cast<char>('a' + (expected.size() + i) % 26);
    }
    append(*file, piece);
    expected += piece;
    REQUIRE(file->size() == expected.size());
  }
  REQUIRE(expected.size() == 39);
  for (std::size_t position = 0; position <= expected.size() + 2; ++position) {
    for (std::size_t length = 0; length <= expected.size() + 2; ++length) {
      std::string want = position < expected.size() ? expected.substr(position, length) : "";
      INFO("position " << position << " length " << length);
      REQUIRE(read_range(*file, position, length) == want);
    }
  }
}

TEMPLATE_TEST_CASE("read_at at or past the end of file reads short", "[fs]", MemoryDisk,
                   PosixDisk) {
  TestType disk;
  FileSystem& fs = disk.fs;
  auto file = fs.open("f", OpenMode::create);
  append(*file, "0123456789");
  Bytes buffer(8, 0xEE);
  CHECK(file->read_at(6, buffer) == 4);
  CHECK(to_string(ByteView(buffer).first(4)) == "6789");
  CHECK(buffer[4] == 0xEE);  // bytes past the short read are left alone
  CHECK(file->read_at(10, buffer) == 0);
  CHECK(file->read_at(1'000'000, buffer) == 0);
  CHECK(file->read_at(~std::uint64_t{0}, buffer) == 0);
  CHECK(file->read_at(3, MutableByteView{}) == 0);
}

TEMPLATE_TEST_CASE("handles on one file share what was written", "[fs]", MemoryDisk, PosixDisk) {
  TestType disk;
  FileSystem& fs = disk.fs;
  auto writer = fs.open("shared", OpenMode::create);
  auto reader = fs.open("shared", OpenMode::read_write);
  append(*writer, "abc");
  CHECK(reader->size() == 3);
  CHECK(read_range(*reader, 0, 10) == "abc");
  append(*reader, "def");  // appends land at the end, whoever writes
  append(*writer, "g");
  CHECK(read_range(*writer, 0, 10) == "abcdefg");
}

TEMPLATE_TEST_CASE("truncate cuts the file and appends continue from the cut", "[fs]",
                   MemoryDisk, PosixDisk) {
  TestType disk;
  FileSystem& fs = disk.fs;
  auto file = fs.open("segment.log", OpenMode::create);
  append(*file, "0123456789");
  file->truncate(10);
  CHECK(file->size() == 10);
  file->truncate(4);
  CHECK(file->size() == 4);
  CHECK(read_range(*file, 0, 10) == "0123");
  append(*file, "xyz");
  CHECK(contents(fs, "segment.log") == "0123xyz");
  file->truncate(0);
  CHECK(file->size() == 0);
  CHECK(read_range(*file, 0, 4).empty());
  CHECK_THROWS_AS(file->truncate(1), std::invalid_argument);
  CHECK(file->size() == 0);
}

TEMPLATE_TEST_CASE("list names a directory's entries sorted bytewise", "[fs]", MemoryDisk,
                   PosixDisk) {
  TestType disk;
  FileSystem& fs = disk.fs;
  fs.create_directories("logs/topic-0");
  for (const char* name : {"b", "a.log", "B", "a-1", "a", "\xC3\xA9t\xC3\xA9", "~z"}) {
    write(fs, join_path("logs", name), name);
  }
  CHECK(fs.list("logs") == Names{"B", "a", "a-1", "a.log", "b", "topic-0", "~z",
                                 "\xC3\xA9t\xC3\xA9"});
  CHECK(fs.list("logs/topic-0").empty());
  CHECK(fs.list("") == Names{"logs"});
  CHECK(fs.list(".") == Names{"logs"});

  IoError missing = io_error_from([&] { fs.list("nowhere"); });
  CHECK(missing.kind() == Kind::not_found);
  CHECK(std::string(missing.what()) == "No such file or directory: nowhere");
  IoError of_file = io_error_from([&] { fs.list("logs/b"); });
  CHECK(of_file.kind() == Kind::not_a_directory);
  CHECK(std::string(of_file.what()) == "Not a directory: logs/b");
  CHECK(io_error_from([&] { fs.list("logs/b/c"); }).kind() == Kind::not_a_directory);
}

TEMPLATE_TEST_CASE("create_directories builds nested directories", "[fs]", MemoryDisk,
                   PosixDisk) {
  TestType disk;
  FileSystem& fs = disk.fs;
  fs.create_directories("a/b/c");
  fs.create_directories("a/b/c");  // no error if it exists
  fs.create_directories("a/b2");
  fs.create_directories("");
  for (const char* directory : {"", "a", "a/b", "a/b/c", "a/b2"}) {
    CHECK(fs.exists(directory));
    CHECK(fs.is_directory(directory));
  }
  CHECK(fs.list("a") == Names{"b", "b2"});
  write(fs, "a/b/c/leaf", "deep");
  CHECK(contents(fs, "a/b/c/leaf") == "deep");
  CHECK_FALSE(fs.exists("a/b/c/leaf/x"));
  CHECK_FALSE(fs.is_directory("a/b/c/leaf"));
  CHECK_FALSE(fs.is_directory("a/missing"));

  IoError under_file = io_error_from([&] { fs.create_directories("a/b/c/leaf/d"); });
  CHECK(under_file.kind() == Kind::not_a_directory);
  CHECK(std::string(under_file.what()) == "Not a directory: a/b/c/leaf/d");
  CHECK(io_error_from([&] { fs.create_directories("a/b/c/leaf"); }).kind() ==
        Kind::not_a_directory);
}

TEMPLATE_TEST_CASE("rename moves a file and replaces the target atomically", "[fs]", MemoryDisk,
                   PosixDisk) {
  TestType disk;
  FileSystem& fs = disk.fs;
  write(fs, "checkpoint", "old");
  write(fs, "checkpoint.tmp", "new");
  auto old_handle = fs.open("checkpoint", OpenMode::read_write);
  auto new_handle = fs.open("checkpoint.tmp", OpenMode::read_write);

  fs.rename("checkpoint.tmp", "checkpoint");
  CHECK(contents(fs, "checkpoint") == "new");
  CHECK_FALSE(fs.exists("checkpoint.tmp"));
  CHECK(fs.list("") == Names{"checkpoint"});
  // A handle follows its file, not its path (an inode): the replaced file is still readable.
  CHECK(read_range(*old_handle, 0, 10) == "old");
  append(*new_handle, "er");
  CHECK(contents(fs, "checkpoint") == "newer");

  fs.create_directories("d");
  fs.rename("checkpoint", "d/moved");
  CHECK(contents(fs, "d/moved") == "newer");
  CHECK_FALSE(fs.exists("checkpoint"));
  fs.rename("d/moved", "d//moved");  // the same file: nothing happens
  CHECK(contents(fs, "d/moved") == "newer");
}

TEMPLATE_TEST_CASE("rename moves a directory with everything below it", "[fs]", MemoryDisk,
                   PosixDisk) {
  TestType disk;
  FileSystem& fs = disk.fs;
  fs.create_directories("topic-0/sub");
  write(fs, "topic-0/00000000000000000000.log", "records");
  write(fs, "topic-0/sub/x", "x");
  auto handle = fs.open("topic-0/00000000000000000000.log", OpenMode::read_write);
  fs.rename("topic-0", "topic-0.abc-delete");
  CHECK_FALSE(fs.exists("topic-0"));
  CHECK(fs.list("topic-0.abc-delete") == Names{"00000000000000000000.log", "sub"});
  CHECK(contents(fs, "topic-0.abc-delete/00000000000000000000.log") == "records");
  CHECK(contents(fs, "topic-0.abc-delete/sub/x") == "x");
  append(*handle, "+more");
  CHECK(contents(fs, "topic-0.abc-delete/00000000000000000000.log") == "records+more");
}

TEMPLATE_TEST_CASE("rename refuses what it cannot do", "[fs]", MemoryDisk, PosixDisk) {
  TestType disk;
  FileSystem& fs = disk.fs;
  fs.create_directories("dir/inner");
  write(fs, "file", "f");

  IoError missing = io_error_from([&] { fs.rename("ghost", "file"); });
  CHECK(missing.kind() == Kind::not_found);
  CHECK(std::string(missing.what()) == "No such file or directory: ghost");
  CHECK(io_error_from([&] { fs.rename("file", "nowhere/file"); }).kind() == Kind::not_found);
  CHECK(io_error_from([&] { fs.rename("file", "file/x"); }).kind() == Kind::not_a_directory);

  IoError onto_directory = io_error_from([&] { fs.rename("file", "dir"); });
  CHECK(onto_directory.kind() == Kind::io_failure);
  CHECK(std::string(onto_directory.what()) == "Is a directory: dir");
  fs.create_directories("empty");
  CHECK(io_error_from([&] { fs.rename("dir", "empty"); }).kind() == Kind::io_failure);
  CHECK(io_error_from([&] { fs.rename("dir", "file"); }).kind() == Kind::not_a_directory);
  CHECK(io_error_from([&] { fs.rename("dir", "dir/inner/dir"); }).kind() == Kind::io_failure);
  CHECK_THROWS_AS(fs.rename("", "elsewhere"), std::invalid_argument);

  // Nothing moved.
  CHECK(fs.list("") == Names{"dir", "empty", "file"});
  CHECK(fs.list("dir") == Names{"inner"});
  CHECK(contents(fs, "file") == "f");
}

TEMPLATE_TEST_CASE("remove deletes files and empty directories", "[fs]", MemoryDisk,
                   PosixDisk) {
  TestType disk;
  FileSystem& fs = disk.fs;
  fs.create_directories("d/e");
  write(fs, "d/f", "bytes");

  IoError not_empty = io_error_from([&] { fs.remove("d"); });
  CHECK(not_empty.kind() == Kind::io_failure);
  CHECK(std::string(not_empty.what()) == "Directory not empty: d");

  auto handle = fs.open("d/f", OpenMode::read_write);
  fs.remove("d/f");
  CHECK_FALSE(fs.exists("d/f"));
  // POSIX semantics: an open handle keeps the removed file alive.
  CHECK(read_range(*handle, 0, 10) == "bytes");
  append(*handle, "!");
  CHECK(handle->size() == 6);
  CHECK(read_range(*handle, 0, 10) == "bytes!");

  fs.remove("d/e");
  fs.remove("d");
  CHECK(fs.list("").empty());

  IoError missing = io_error_from([&] { fs.remove("d"); });
  CHECK(missing.kind() == Kind::not_found);
  CHECK(std::string(missing.what()) == "No such file or directory: d");
  CHECK_THROWS_AS(fs.remove(""), std::invalid_argument);
}

TEMPLATE_TEST_CASE("paths are normalized and stay under the root", "[fs]", MemoryDisk,
                   PosixDisk) {
  TestType disk;
  FileSystem& fs = disk.fs;
  fs.create_directories("a//b/");
  write(fs, "./a/b//c.txt", "c");
  CHECK(fs.is_directory("a/b"));
  CHECK(contents(fs, "a/b/c.txt") == "c");
  CHECK(fs.exists("a/./b/c.txt"));
  CHECK(fs.list("a/b/") == Names{"c.txt"});
  CHECK(fs.exists(""));
  CHECK(fs.is_directory(""));

  CHECK_THROWS_AS(fs.open("/etc/passwd", OpenMode::read_write), std::invalid_argument);
  CHECK_THROWS_AS(fs.open("a/../../escape", OpenMode::create), std::invalid_argument);
  CHECK_THROWS_AS(fs.exists(".."), std::invalid_argument);
  CHECK_THROWS_AS(fs.list("/"), std::invalid_argument);
  CHECK_THROWS_AS(fs.create_directories("../x"), std::invalid_argument);
  CHECK_THROWS_AS(fs.remove("a/.."), std::invalid_argument);
  CHECK_THROWS_AS(fs.rename("a/b/c.txt", "/tmp/c.txt"), std::invalid_argument);
  CHECK(fs.list("") == Names{"a"});
}

TEMPLATE_TEST_CASE("write_file_atomically replaces the content and leaves no .tmp file", "[fs]",
                   MemoryDisk, PosixDisk) {
  TestType disk;
  FileSystem& fs = disk.fs;
  fs.create_directories("data");
  write_file_atomically(fs, "data/recovery-point-offset-checkpoint", as_bytes("0\n1\ntopic 0 42\n"));
  CHECK(contents(fs, "data/recovery-point-offset-checkpoint") == "0\n1\ntopic 0 42\n");
  write_file_atomically(fs, "data/recovery-point-offset-checkpoint", as_bytes("0\n0\n"));
  CHECK(contents(fs, "data/recovery-point-offset-checkpoint") == "0\n0\n");
  write_file_atomically(fs, "meta.properties", ByteView{});
  CHECK(read_file(fs, "meta.properties").empty());
  CHECK(fs.list("data") == Names{"recovery-point-offset-checkpoint"});
  CHECK(fs.list("") == Names{"data", "meta.properties"});
  CHECK(io_error_from([&] { write_file_atomically(fs, "missing/x", as_bytes("x")); }).kind() ==
        Kind::not_found);
}

TEMPLATE_TEST_CASE("remove_recursively removes a whole tree", "[fs]", MemoryDisk, PosixDisk) {
  TestType disk;
  FileSystem& fs = disk.fs;
  fs.create_directories("keep");
  fs.create_directories("topic-0.abc-delete/a/b");
  fs.create_directories("topic-0.abc-delete/empty");
  write(fs, "topic-0.abc-delete/00000000000000000000.log", "log");
  write(fs, "topic-0.abc-delete/a/b/deep", "deep");
  write(fs, "topic-0.abc-delete/a/file", "file");
  remove_recursively(fs, "topic-0.abc-delete");
  CHECK_FALSE(fs.exists("topic-0.abc-delete"));
  CHECK(fs.list("") == Names{"keep"});

  remove_recursively(fs, "topic-0.abc-delete");  // already gone: nothing to do
  write(fs, "keep/file", "f");
  remove_recursively(fs, "keep/file");
  CHECK(fs.list("keep").empty());
  CHECK_THROWS_AS(remove_recursively(fs, ""), std::invalid_argument);
  CHECK(fs.exists("keep"));
}

TEMPLATE_TEST_CASE("large appends and read_file round-trip", "[fs]", MemoryDisk, PosixDisk) {
  TestType disk;
  FileSystem& fs = disk.fs;
  Bytes pattern(3 * 1024 * 1024 + 17);
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    pattern[i] = static_cast<std::uint8_t>((i * 131) ^ (i >> 11));
  }
  auto file = fs.open("big", OpenMode::create);
  file->append(ByteView(pattern).first(1000));
  file->append(ByteView(pattern).subspan(1000));
  file->fsync();
  CHECK(file->size() == pattern.size());
  CHECK(read_file(fs, "big") == pattern);
  Bytes middle(4096);
  REQUIRE(file->read_at(2'000'001, middle) == middle.size());
  CHECK(std::equal(middle.begin(), middle.end(), pattern.begin() + 2'000'001));

  file->truncate(100);  // most of the memory is given back; the bytes kept are intact
  file->append(ByteView(pattern).first(50));
  Bytes expected(pattern.begin(), pattern.begin() + 100);
  expected.insert(expected.end(), pattern.begin(), pattern.begin() + 50);
  CHECK(read_file(fs, "big") == expected);
}

TEST_CASE("join_path joins with one slash", "[fs]") {
  CHECK(join_path("logs", "topic-0") == "logs/topic-0");
  CHECK(join_path("logs/", "topic-0") == "logs/topic-0");
  CHECK(join_path("", "topic-0") == "topic-0");
  CHECK(join_path("logs", "") == "logs");
  CHECK(join_path("a/b", "c/d") == "a/b/c/d");
}

TEST_CASE("normalize_path gives the canonical relative form", "[fs]") {
  CHECK(normalize_path("") == "");
  CHECK(normalize_path(".") == "");
  CHECK(normalize_path("./") == "");
  CHECK(normalize_path("a") == "a");
  CHECK(normalize_path("a//b///c/") == "a/b/c");
  CHECK(normalize_path("./a/./b/.") == "a/b");
  CHECK(normalize_path("a/.hidden/..x/x..") == "a/.hidden/..x/x..");
  CHECK_THROWS_WITH(normalize_path("/abs"),
                    "Absolute path not allowed (paths are relative to the file system's root): "
                    "/abs");
  CHECK_THROWS_WITH(normalize_path("a/../b"), "Path component \"..\" not allowed: a/../b");
  CHECK_THROWS_AS(normalize_path(".."), std::invalid_argument);
  CHECK_THROWS_AS(normalize_path(std::string_view("a\0b", 3)), std::invalid_argument);
}
