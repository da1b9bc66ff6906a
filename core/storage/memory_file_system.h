// MemoryFileSystem: a FileSystem held in memory, with the durability a disk really offers, so
// the simulator can kill a process (kill -9) or cut the power and see what survives.
//
// The model, after LevelDB's FaultInjectionTestEnv (DropUnsyncedFileData), SQLite's crash VFS
// and Kafka's MockLog:
// - Each file has visible content (the page cache, what every reader sees) and a durable size:
//   its durable content is always the first durable_size() bytes of the visible content.
//   append changes only the visible content; File::fsync makes all of it durable (O(1)).
//   truncate is a metadata operation, durable at once: it cuts the visible content to `size`
//   and the durable size to min(durable size, size). So durable content never needs a copy of
//   its own: nothing can change a byte that is already durable except a truncate, which removes
//   it durably too.
// - Directory operations (create_directories, creating a file with open, create_truncate's
//   emptying, rename, remove) are durable when they return, as file_system.h says.
// - kill -9 (crash_process) loses nothing: the page cache belongs to the kernel.
// - A power loss (power_loss) keeps only durable content, except that a file's unsynced tail
//   may be torn: the caller chooses how much of it reached the disk and which of those bytes
//   are garbage. The core has no randomness; the simulator decides with its own PRNG.
//
// A File handle refers to the file itself (like an inode), not to its path: it keeps working
// after the file is renamed, and after it is removed (the bytes are freed with the last handle).
// Handles also keep working across crash_process() and power_loss(): the model does not know
// which process owns them; the simulator drops the handles of the process it kills. (A file
// removed while open is no longer on the disk, so a power loss leaves its content alone.)
// Error messages name the path a handle was opened with.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/storage/bytes.h"
#include "core/storage/durability_model.h"
#include "core/storage/file_system.h"

namespace ksim::storage {

namespace memory_file_system_detail {
using Volume = DiskVolume;
struct Entry;
}  // namespace memory_file_system_detail

class MemoryFileSystem final : public FileSystem {
 public:
  MemoryFileSystem();
  ~MemoryFileSystem() override;
  MemoryFileSystem(const MemoryFileSystem&) = delete;
  MemoryFileSystem& operator=(const MemoryFileSystem&) = delete;

  // FileSystem. Errors: IoError not_found (missing file or parent directory), not_a_directory
  // (a path component is a file), io_failure ("Is a directory", "Directory not empty", rename
  // onto a directory or into itself); std::invalid_argument for a bad path (normalize_path) or
  // for removing or renaming the root.
  std::unique_ptr<File> open(std::string_view path, OpenMode mode) override;
  bool exists(std::string_view path) const override;
  bool is_directory(std::string_view path) const override;
  std::vector<std::string> list(std::string_view directory) const override;
  void create_directories(std::string_view directory) override;
  void remove(std::string_view path) override;
  void rename(std::string_view from, std::string_view to) override;

  // Faults.
  // kill -9: the process dies, the page cache survives. Changes nothing in the model; it is
  // here so the simulator says what happened, and so the model has one place to change.
  void crash_process();
  // A power cut: every file's visible content becomes its durable content (unsynced bytes are
  // dropped). Directory entries survive (they are durable at once).
  void power_loss();
  // A power cut that may tear writes: `choose` says what each file's unsynced tail leaves. The
  // choices are all checked (std::invalid_argument naming the file) before anything changes.
  // Afterwards every file's content is durable.
  void power_loss(const TornWriteChooser& choose);
  // A disk of `capacity` bytes (counting visible file content; directories are free), or
  // unlimited (nullopt, the default). An append that would exceed it throws
  // IoError(no_space, "No space left on device: <path>") and writes nothing.
  void set_capacity_bytes(std::optional<std::uint64_t> capacity);
  std::optional<std::uint64_t> capacity_bytes() const;
  // A failing disk: while on, File::append, File::truncate and File::fsync throw
  // IoError(io_failure, "Input/output error: <path>") and change nothing.
  void set_fail_writes(bool fail);
  bool fail_writes() const;

  // Observations, for the simulator, benchmarks and tests.
  std::uint64_t used_bytes() const;      // visible bytes of every file, removed-but-open too
  std::uint64_t bytes_written() const;   // bytes ever appended
  std::uint64_t fsync_calls() const;     // File::fsync calls that succeeded
  std::uint64_t unsynced_bytes() const;  // visible bytes that a power loss would drop, in total
  std::uint64_t unsynced_bytes(std::string_view path) const;  // ... in one file
  Bytes durable_content(std::string_view path) const;  // what a power loss would leave

 private:
  std::shared_ptr<memory_file_system_detail::Volume> volume_;
  std::unique_ptr<memory_file_system_detail::Entry> root_;
};

}  // namespace ksim::storage
