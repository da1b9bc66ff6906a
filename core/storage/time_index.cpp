#include "core/storage/time_index.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>

#include "core/storage/errors.h"

namespace ksim::storage {

TimeIndex::TimeIndex(FileSystem& fs, std::string path, std::int64_t base_offset,
                     std::int32_t max_index_bytes)
    : IndexFile(fs, std::move(path), base_offset, max_index_bytes) {
  const Bytes bytes = content();
  if (bytes.size() % kEntrySize != 0) {
    throw CorruptDataError(fmt::format(
        "Corrupt time index found, time index file ({}) has size {} which is not a multiple of "
        "{}",
        path_, bytes.size(), kEntrySize));
  }
  for (std::size_t at = 0; at < bytes.size(); at += kEntrySize) {
    const auto timestamp = static_cast<std::int64_t>(load_be64(&bytes[at]));
    const auto relative = static_cast<std::int32_t>(load_be32(&bytes[at + 8]));
    const std::int64_t offset = base_offset_ + relative;
    if (relative < 0 || (!entries_.empty() && (timestamp <= entries_.back().timestamp ||
                                               offset < entries_.back().offset))) {
      throw CorruptDataError(fmt::format(
          "Corrupt time index found, time index file ({}) has entry {} (timestamp {}, offset {}) "
          "out of order",
          path_, at / kEntrySize, timestamp, offset));
    }
    entries_.push_back({timestamp, offset});
  }
}

void TimeIndex::maybe_append(std::int64_t timestamp, std::int64_t offset, bool skip_full_check) {
  if (!skip_full_check && is_full()) return;
  // An empty index behaves as if its last entry were (-1, base offset), as in Kafka: a batch
  // without timestamps (-1) adds nothing.
  if (timestamp <= (entries_.empty() ? -1 : entries_.back().timestamp)) return;
  assert(entries_.empty() || offset >= entries_.back().offset);
  std::uint8_t encoded[kEntrySize];
  store_be64(encoded, static_cast<std::uint64_t>(timestamp));
  store_be32(encoded + 8, static_cast<std::uint32_t>(offset - base_offset_));
  append_entry({timestamp, offset}, encoded);
}

std::optional<TimestampOffset> TimeIndex::lookup(std::int64_t target_timestamp) const {
  auto after = std::upper_bound(
      entries_.begin(), entries_.end(), target_timestamp,
      [](std::int64_t target, const TimestampOffset& e) { return target < e.timestamp; });
  if (after == entries_.begin()) return std::nullopt;
  return *std::prev(after);
}

}  // namespace ksim::storage
