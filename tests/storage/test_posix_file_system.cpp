// PosixFileSystem on a real directory: what lands on the disk, its root, and its errno errors.
// (The behaviour it shares with MemoryFileSystem is in test_file_system_conformance.cpp.)
#include <stdlib.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/storage/errors.h"
#include "core/storage/file_system.h"
#include "core/storage/posix_file_system.h"
#include "tests/storage/file_system_test_support.h"
#include "tests/support/temporary_directory.h"

using namespace ksim::storage;
using namespace ksim::storage::test;
using Kind = IoError::Kind;
namespace stdfs = std::filesystem;

namespace {

using ksim::test_support::TemporaryDirectory;

std::string read_real_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  std::string content(static_cast<std::size_t>(stdfs::file_size(path)), '\0');
  in.read(content.data(), static_cast<std::streamsize>(content.size()));
  return content;
}

void write_real_file(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

}  // namespace

TEST_CASE("PosixFileSystem creates its root and writes real files under it", "[fs][posix]") {
  TemporaryDirectory temporary;
  std::string root = temporary.path() + "/broker-0/logs";
  PosixFileSystem fs(root);
  CHECK(fs.root() == root);
  CHECK(stdfs::is_directory(root));

  fs.create_directories("topic-0");
  auto file = fs.open("topic-0/00000000000000000000.log", OpenMode::create);
  file->append(as_bytes(std::string("\x00\x01kafka\xff", 8)));
  // Appended bytes are in the page cache: any reader of the real file sees them at once.
  CHECK(read_real_file(root + "/topic-0/00000000000000000000.log") ==
        std::string("\x00\x01kafka\xff", 8));
  file->fsync();
  file->truncate(2);
  CHECK(stdfs::file_size(root + "/topic-0/00000000000000000000.log") == 2);

  write_file_atomically(fs, "meta.properties", as_bytes("broker.id=0\n"));
  CHECK(read_real_file(root + "/meta.properties") == "broker.id=0\n");
  CHECK(!stdfs::exists(root + "/meta.properties.tmp"));

  // An existing root is reused as it is.
  PosixFileSystem again(root);
  CHECK(again.list("") == std::vector<std::string>{"meta.properties", "topic-0"});
  CHECK(to_string(read_file(again, "meta.properties")) == "broker.id=0\n");
}

TEST_CASE("PosixFileSystem sees what others put in its directory", "[fs][posix]") {
  TemporaryDirectory temporary;
  PosixFileSystem fs(temporary.path());
  stdfs::create_directories(temporary.path() + "/made/outside");
  write_real_file(temporary.path() + "/made/file", "from outside");
  CHECK(fs.list("made") == std::vector<std::string>{"file", "outside"});
  CHECK(fs.is_directory("made/outside"));
  auto file = fs.open("made/file", OpenMode::read_write);
  CHECK(file->size() == 12);
  write_real_file(temporary.path() + "/made/file", "changed");  // truncated and rewritten
  CHECK(file->size() == 7);
  CHECK(to_string(read_file(fs, "made/file")) == "changed");
}

TEST_CASE("PosixFileSystem refuses a root that is not a directory", "[fs][posix]") {
  TemporaryDirectory temporary;
  write_real_file(temporary.path() + "/file", "x");
  IoError is_file = io_error_from([&] { PosixFileSystem fs(temporary.path() + "/file"); });
  CHECK(is_file.kind() == Kind::not_a_directory);
  CHECK(std::string(is_file.what()) == "Not a directory: " + temporary.path() + "/file");
  CHECK(io_error_from([&] { PosixFileSystem fs(temporary.path() + "/file/below"); }).kind() ==
        Kind::not_a_directory);
  CHECK_THROWS_AS(PosixFileSystem(""), std::invalid_argument);
}

TEST_CASE("PosixFileSystem never reaches outside its root", "[fs][posix]") {
  TemporaryDirectory temporary;
  std::string root = temporary.path() + "/root";
  PosixFileSystem fs(root);
  write_real_file(temporary.path() + "/sibling", "outside");
  CHECK_THROWS_AS(fs.open("../sibling", OpenMode::create_truncate), std::invalid_argument);
  CHECK_THROWS_AS(fs.open(temporary.path() + "/sibling", OpenMode::create_truncate),
                  std::invalid_argument);
  CHECK_THROWS_AS(fs.remove("../sibling"), std::invalid_argument);
  CHECK_THROWS_AS(fs.rename("../sibling", "inside"), std::invalid_argument);
  CHECK_THROWS_AS(fs.list(".."), std::invalid_argument);
  CHECK_THROWS_AS(fs.create_directories("a/../../b"), std::invalid_argument);
  CHECK_THROWS_AS(remove_recursively(fs, ".."), std::invalid_argument);
  CHECK(read_real_file(temporary.path() + "/sibling") == "outside");
  CHECK(fs.list("").empty());
  std::vector<std::string> outside;
  for (const auto& entry : stdfs::directory_iterator(temporary.path())) {
    outside.push_back(entry.path().filename().string());
  }
  std::sort(outside.begin(), outside.end());
  CHECK(outside == std::vector<std::string>{"root", "sibling"});
}

TEST_CASE("PosixFileSystem errors carry the errno kind, message and path", "[fs][posix]") {
  TemporaryDirectory temporary;
  PosixFileSystem fs(temporary.path());
  fs.create_directories("dir");
  IoError missing = io_error_from([&] { fs.open("dir/missing.log", OpenMode::read_write); });
  CHECK(missing.kind() == Kind::not_found);
  CHECK(std::string(missing.what()) == "No such file or directory: dir/missing.log");

  auto file = fs.open("dir/f", OpenMode::create);
  IoError not_directory = io_error_from([&] { fs.list("dir/f"); });
  CHECK(not_directory.kind() == Kind::not_a_directory);
  CHECK(std::string(not_directory.what()) == "Not a directory: dir/f");

  IoError rename_error = io_error_from([&] { fs.rename("dir", "dir/sub"); });
  CHECK(rename_error.kind() == Kind::io_failure);
  CHECK(std::string(rename_error.what()) == "Invalid argument: dir -> dir/sub");
}

TEST_CASE("PosixFileSystem handles outlive the file system", "[fs][posix]") {
  TemporaryDirectory temporary;
  std::unique_ptr<File> file;
  {
    PosixFileSystem fs(temporary.path());
    file = fs.open("f", OpenMode::create);
  }
  file->append(as_bytes("still here"));
  file->fsync();
  CHECK(read_real_file(temporary.path() + "/f") == "still here");
}
