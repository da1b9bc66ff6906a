// What every file system with explicit durability shares (MemoryFileSystem here, and the
// simulator's real-directory one): the disk-wide accounting and switches, the disk-full check,
// and how a power cut may tear the unsynced tail of a file.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/storage/bytes.h"

namespace ksim::storage {

// The disk as a whole: its limits, its switches and its counters. Shared by every file of the
// disk (and by open handles, so a handle outliving its file system stays safe).
struct DiskVolume {
  std::optional<std::uint64_t> capacity_bytes;
  bool fail_writes = false;
  std::uint64_t used_bytes = 0;
  std::uint64_t unsynced_bytes = 0;
  std::uint64_t bytes_written = 0;
  std::uint64_t fsync_calls = 0;
};

// Throws IoError(no_space, "No space left on device: <path>") when `bytes` more do not fit.
void check_room(const DiskVolume& volume, std::uint64_t bytes, const std::string& path);

// Bytes that land on the disk in place of what was written, when a power cut tears a write.
struct GarbageBytes {
  std::uint64_t offset_in_tail = 0;  // 0 is the file's first unsynced byte (at durable_size)
  Bytes bytes;
};

// What a power cut leaves of one file's unsynced tail: its first bytes_kept bytes reached the
// disk (0 drops the whole tail), and some of those hold garbage instead of the written bytes.
// Every garbage range must lie inside the kept bytes.
struct TornWrite {
  std::uint64_t bytes_kept = 0;
  std::vector<GarbageBytes> garbage;
};

// Called once per file that has unsynced bytes, in sorted path order, with the file's path,
// its durable size and how many bytes past it were written but not synced.
using TornWriteChooser = std::function<TornWrite(
    std::string_view path, std::uint64_t durable_size, std::uint64_t unsynced_bytes)>;

// Throws std::invalid_argument naming the file when a chooser's answer is impossible (keeps more
// than was unsynced, or puts garbage outside the kept bytes). Checked for every file before a
// power cut changes anything.
void validate_torn_write(const TornWrite& torn, std::uint64_t unsynced_bytes,
                         const std::string& path);

}  // namespace ksim::storage
