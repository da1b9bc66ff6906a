// TornWritePlanner: the draws of a power cut.
#include "sim/disk/torn_writes.h"

#include <algorithm>
#include <string>

#include "core/storage/errors.h"

namespace ksim::sim {

TornWritePlanner::TornWritePlanner(const DiskOptions& options, Prng& stream,
                                   storage::FileSystem& files)
    : options_(options), stream_(stream), files_(files) {}

storage::TornWrite TornWritePlanner::choose(std::string_view path, std::uint64_t durable_size,
                                            std::uint64_t unsynced_bytes) {
  UnsyncedTailFate fate{std::string(path), durable_size, unsynced_bytes, 0, 0, 0};
  storage::TornWrite torn;
  if (unsynced_bytes > 0 && stream_.bernoulli(options_.torn_write_probability)) {
    fate.bytes_kept = stream_.uniform<std::uint64_t>(1, unsynced_bytes);
    torn.bytes_kept = fate.bytes_kept;
    if (stream_.bernoulli(options_.torn_write_garbage_probability)) {
      const std::uint64_t longest =
          std::min(options_.torn_write_garbage_bytes_max, fate.bytes_kept);
      fate.garbage_bytes = stream_.uniform<std::uint64_t>(1, longest);
      fate.garbage_offset = stream_.uniform<std::uint64_t>(0, fate.bytes_kept - fate.garbage_bytes);
      storage::Bytes garbage(static_cast<std::size_t>(fate.garbage_bytes));
      const auto file = files_.open(path, storage::OpenMode::read_write);
      const std::size_t read = file->read_at(durable_size + fate.garbage_offset, garbage);
      if (read != garbage.size()) {
        throw storage::IoError(storage::IoError::Kind::io_failure,
                               "Short read of the unsynced tail at a power loss: " +
                                   std::string(path));
      }
      for (std::uint8_t& byte : garbage) {
        byte = static_cast<std::uint8_t>(byte ^ stream_.uniform<std::uint32_t>(1, 255));
      }
      torn.garbage.push_back({fate.garbage_offset, std::move(garbage)});
    }
  }
  fates_.push_back(std::move(fate));
  return torn;
}

}  // namespace ksim::sim
