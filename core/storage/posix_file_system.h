// PosixFileSystem: a FileSystem rooted at a real directory, so a student can `ls` and
// `hexdump` what the broker wrote.
//
// Every path is resolved under the root (through a descriptor of the root, with the *at
// system calls); absolute paths and ".." are rejected (normalize_path). Symbolic links that
// someone plants inside the root are followed: the root is trusted, not sandboxed.
// Durability: File::fsync is fsync(2). Creating a file or directory, rename and remove fsync
// the parent directory afterwards (as Kafka does after an atomic move), so directory
// operations are durable when they return, as file_system.h says. Truncation is ftruncate(2)
// and, as on any POSIX file system, only as durable as the next fsync makes it.
// Errors are IoError with the kind from errno (ENOENT -> not_found, ENOSPC/EDQUOT -> no_space,
// ENOTDIR -> not_a_directory, EEXIST -> already_exists, others -> io_failure) and the message
// "<strerror>: <path relative to the root>".
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/storage/file_system.h"

namespace ksim::storage {

class PosixFileSystem final : public FileSystem {
 public:
  // Creates `root` (and its missing parents) if needed. Throws IoError if it cannot, or if
  // `root` is not a directory.
  explicit PosixFileSystem(std::string root);
  ~PosixFileSystem() override;
  PosixFileSystem(const PosixFileSystem&) = delete;
  PosixFileSystem& operator=(const PosixFileSystem&) = delete;

  const std::string& root() const { return root_; }

  // Files are opened read-write with O_APPEND: append always writes at the end.
  std::unique_ptr<File> open(std::string_view path, OpenMode mode) override;
  bool exists(std::string_view path) const override;
  bool is_directory(std::string_view path) const override;
  std::vector<std::string> list(std::string_view directory) const override;
  void create_directories(std::string_view directory) override;
  void remove(std::string_view path) override;
  // Refuses (IoError io_failure, "Is a directory") to replace a directory, like
  // MemoryFileSystem, although rename(2) would replace an empty one.
  void rename(std::string_view from, std::string_view to) override;

 private:
  void sync_parent_directory(const std::string& path) const;

  std::string root_;
  int root_fd_ = -1;
};

}  // namespace ksim::storage
