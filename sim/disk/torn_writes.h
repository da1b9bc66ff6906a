// TornWritePlanner: decides, with the disk's own PRNG stream, what a power cut leaves of each
// file's unsynced tail (SQLite's crash VFS does the same per pending write: written, dropped, or
// garbage), and records each decision for the trace and the GUI.
//
// Per file with unsynced bytes, in sorted path order (the order power_loss asks), the draws are:
//   torn?                   bernoulli(torn_write_probability); if not, the whole tail is dropped
//   bytes kept              uniform in [1, unsynced]
//   garbage?                bernoulli(torn_write_garbage_probability)
//   garbage length, offset  uniform in [1, min(max, kept)], uniform in [0, kept - length]
//   garbage bytes           each written byte XOR uniform in [1, 255]: every one really differs
// So the same seed, the same stream and the same unsynced tails give the same disk afterwards.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/storage/file_system.h"
#include "core/storage/memory_file_system.h"
#include "sim/disk/disk_options.h"
#include "sim/kernel/prng.h"

namespace ksim::sim {

// What a power cut did to one file.
struct UnsyncedTailFate {
  std::string path;
  std::uint64_t durable_size = 0;    // bytes synced before the cut: always kept
  std::uint64_t unsynced_bytes = 0;  // written after the last fsync
  std::uint64_t bytes_kept = 0;      // of those, reached the disk (0: the whole tail dropped)
  std::uint64_t garbage_offset = 0;  // first garbage byte, counted from durable_size
  std::uint64_t garbage_bytes = 0;   // 0: no garbage
  bool torn() const { return bytes_kept != 0; }
  friend bool operator==(const UnsyncedTailFate&, const UnsyncedTailFate&) = default;
};

class TornWritePlanner {
 public:
  // `files` is the file system being cut (not a wrapper), read to garble the written bytes.
  // The options must be valid; the planner keeps references to all three arguments.
  TornWritePlanner(const DiskOptions& options, Prng& stream, storage::FileSystem& files);

  // A TornWriteChooser (core/storage/memory_file_system.h).
  storage::TornWrite choose(std::string_view path, std::uint64_t durable_size,
                            std::uint64_t unsynced_bytes);
  storage::TornWriteChooser chooser() {
    return [this](std::string_view path, std::uint64_t durable, std::uint64_t unsynced) {
      return choose(path, durable, unsynced);
    };
  }

  const std::vector<UnsyncedTailFate>& fates() const { return fates_; }

 private:
  const DiskOptions& options_;
  Prng& stream_;
  storage::FileSystem& files_;
  std::vector<UnsyncedTailFate> fates_;
};

}  // namespace ksim::sim
