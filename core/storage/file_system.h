// The only way core/ touches files. Paths are relative to the file system's root and use '/'.
//
// Durability is explicit: append/truncate change what every reader sees at once (the page
// cache); only File::fsync makes bytes durable. Directory operations (create, rename, remove)
// are durable when they return: like a journaling file system, we model metadata as ordered.
// Implementations: PosixFileSystem (a real directory) and MemoryFileSystem (in memory, with a
// page cache that a power loss drops).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/storage/bytes.h"

namespace ksim::storage {

class File {
 public:
  virtual ~File() = default;
  virtual std::uint64_t size() const = 0;
  // Appends at the end of the file. Throws IoError (no_space when the disk is full; nothing is
  // written then).
  virtual void append(ByteView data) = 0;
  // Reads up to out.size() bytes at position; returns how many were read (fewer at end of file).
  virtual std::size_t read_at(std::uint64_t position, MutableByteView out) const = 0;
  // Cuts the file to `size` bytes (size <= size()).
  virtual void truncate(std::uint64_t size) = 0;
  // Makes every byte written so far durable.
  virtual void fsync() = 0;
};

enum class OpenMode {
  read_write,         // the file must exist
  create,             // created empty if absent, kept as it is if present
  create_truncate,    // created empty, or emptied if present
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // Throws IoError(not_found) for read_write on a missing file.
  virtual std::unique_ptr<File> open(std::string_view path, OpenMode mode) = 0;
  virtual bool exists(std::string_view path) const = 0;
  virtual bool is_directory(std::string_view path) const = 0;
  // Names (not paths) of the entries of a directory, sorted bytewise. Throws IoError(not_found).
  virtual std::vector<std::string> list(std::string_view directory) const = 0;
  // Creates the directory and its missing parents; no error if it exists.
  virtual void create_directories(std::string_view directory) = 0;
  // Removes a file, or an empty directory. Throws IoError(not_found).
  virtual void remove(std::string_view path) = 0;
  // Replaces `to` atomically if it exists.
  virtual void rename(std::string_view from, std::string_view to) = 0;
};

// Joins two path parts with '/'.
std::string join_path(std::string_view directory, std::string_view name);

// The canonical form of a path, as both implementations use it: "a//b/" and "./a/b" become
// "a/b", and "" (or ".") is the root. Throws std::invalid_argument for an absolute path, a ".."
// component or a NUL byte: a file system never reaches outside its root.
std::string normalize_path(std::string_view path);

// Reads a whole file.
Bytes read_file(FileSystem& fs, std::string_view path);

// Writes a file the way Kafka writes checkpoints: to `path.tmp`, fsync, rename over `path`.
// Readers see either the old or the new content, never a mix, even across a power loss.
void write_file_atomically(FileSystem& fs, std::string_view path, ByteView content);

// Removes a directory and everything below it (or a file); nothing if it does not exist.
void remove_recursively(FileSystem& fs, std::string_view path);

}  // namespace ksim::storage
