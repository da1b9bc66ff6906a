// DurableDirectoryFileSystem: a broker's files in a real directory (ksim's --data-dir), so a
// student can `ls my-topic-0/` and run `ksim dump-log` on what the broker wrote, with the same
// durability model as storage::MemoryFileSystem laid over it.
//
// Files are real (written through storage::PosixFileSystem); the model tracks, per file, its
// size and how many of its first bytes are durable:
// - append adds unsynced bytes; File::fsync through this layer makes them all durable in the
//   model. It does not call fsync(2) on the file: the model is the truth of the simulated world,
//   and the host's disk is only where a student looks. (PosixFileSystem still syncs directories
//   after create, rename and remove.)
// - truncate, creating a file, create_truncate's emptying, rename and remove are metadata,
//   durable at once, exactly as in MemoryFileSystem. The model follows renames (a file's state
//   travels with it, a renamed directory takes its files along) and removes.
// - crash_process (kill -9) keeps everything: the OS page cache survives a process kill, and
//   here the bytes really are in the files.
// - power_loss truncates each real file to its durable size, plus the prefix of its unsynced
//   tail that a TornWriteChooser keeps (with its garbage written in), so the directory holds
//   exactly what the power cut would leave. Files removed while open are left alone.
// - Files already in the directory when it is opened (a ksim restarted on an existing
//   --data-dir) count as durable. The process must not write to the files except through this
//   layer: the model would not know.
// Capacity and failing writes behave as in MemoryFileSystem (same errors, same messages), and a
// File handle keeps working after its file is renamed or removed, and across faults.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/storage/file_system.h"
#include "core/storage/memory_file_system.h"
#include "core/storage/posix_file_system.h"

namespace ksim::sim {

namespace durable_directory_detail {
using Volume = storage::DiskVolume;
struct FileState;
}  // namespace durable_directory_detail

class DurableDirectoryFileSystem final : public storage::FileSystem {
 public:
  // Creates `directory` (and its parents) if needed; every file already below it is durable.
  // Throws storage::IoError if the directory cannot be created or read.
  explicit DurableDirectoryFileSystem(std::string directory);
  ~DurableDirectoryFileSystem() override;
  DurableDirectoryFileSystem(const DurableDirectoryFileSystem&) = delete;
  DurableDirectoryFileSystem& operator=(const DurableDirectoryFileSystem&) = delete;

  const std::string& directory() const { return real_.root(); }

  // FileSystem: PosixFileSystem's behaviour and errors, plus the model.
  std::unique_ptr<storage::File> open(std::string_view path, storage::OpenMode mode) override;
  bool exists(std::string_view path) const override;
  bool is_directory(std::string_view path) const override;
  std::vector<std::string> list(std::string_view directory) const override;
  void create_directories(std::string_view directory) override;
  void remove(std::string_view path) override;
  void rename(std::string_view from, std::string_view to) override;

  // Faults, as in MemoryFileSystem.
  void crash_process();
  void power_loss();
  // Every choice is checked (std::invalid_argument naming the file) before any file changes.
  void power_loss(const storage::TornWriteChooser& choose);
  void set_capacity_bytes(std::optional<std::uint64_t> capacity);
  std::optional<std::uint64_t> capacity_bytes() const;
  void set_fail_writes(bool fail);
  bool fail_writes() const;

  // Observations, as in MemoryFileSystem.
  std::uint64_t used_bytes() const;
  std::uint64_t bytes_written() const;
  std::uint64_t fsync_calls() const;
  std::uint64_t unsynced_bytes() const;
  std::uint64_t unsynced_bytes(std::string_view path) const;
  storage::Bytes durable_content(std::string_view path);

 private:
  using FileStates = std::map<std::string, std::shared_ptr<durable_directory_detail::FileState>>;
  void track_existing_files(const std::string& directory);
  std::shared_ptr<durable_directory_detail::FileState> track(const std::string& path,
                                                             std::uint64_t size);
  const durable_directory_detail::FileState& state_of(std::string_view path) const;

  storage::PosixFileSystem real_;
  std::shared_ptr<durable_directory_detail::Volume> volume_;
  FileStates files_;  // every regular file below the root, by normalized path
};

}  // namespace ksim::sim
