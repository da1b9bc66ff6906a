#include "core/storage/time_index.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>

#include "core/storage/errors.h"

namespace ksim::storage {

TimeIndex::TimeIndex(FileSystem& fs, std::string path, std::int64_t base_offset,
                     std::int32_t max_index_bytes)
    : fs_(fs),
      path_(std::move(path)),
      file_(fs.open(path_, OpenMode::create)),
      base_offset_(base_offset),
      max_entries_(static_cast<std::size_t>(max_index_bytes) / kEntrySize) {
  const std::uint64_t size = file_->size();
  if (size % kEntrySize != 0) {
    throw CorruptDataError(fmt::format(
        "Corrupt time index found, time index file ({}) has size {} which is not a multiple of "
        "{}",
        path_, size, kEntrySize));
  }
  Bytes content(size);
  file_->read_at(0, content);
  for (std::size_t at = 0; at < content.size(); at += kEntrySize) {
    const auto timestamp = static_cast<std::int64_t>(load_be64(&content[at]));
    const auto relative = static_cast<std::int32_t>(load_be32(&content[at + 8]));
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

std::optional<TimestampOffset> TimeIndex::last_entry() const {
  if (entries_.empty()) return std::nullopt;
  return entries_.back();
}

void TimeIndex::maybe_append(std::int64_t timestamp, std::int64_t offset, bool skip_full_check) {
  if (!skip_full_check && is_full()) return;
  if (!entries_.empty() && timestamp <= entries_.back().timestamp) return;
  assert(entries_.empty() || offset >= entries_.back().offset);
  std::uint8_t entry[kEntrySize];
  store_be64(entry, static_cast<std::uint64_t>(timestamp));
  store_be32(entry + 8, static_cast<std::uint32_t>(offset - base_offset_));
  file_->append(entry);
  entries_.push_back({timestamp, offset});
}

std::optional<TimestampOffset> TimeIndex::lookup(std::int64_t target_timestamp) const {
  auto after = std::upper_bound(
      entries_.begin(), entries_.end(), target_timestamp,
      [](std::int64_t target, const TimestampOffset& e) { return target < e.timestamp; });
  if (after == entries_.begin()) return std::nullopt;
  return *std::prev(after);
}

void TimeIndex::truncate_to(std::int64_t offset) {
  auto first_removed = std::lower_bound(
      entries_.begin(), entries_.end(), offset,
      [](const TimestampOffset& e, std::int64_t target) { return e.offset < target; });
  entries_.erase(first_removed, entries_.end());
  file_->truncate(entries_.size() * kEntrySize);
}

void TimeIndex::reset() {
  entries_.clear();
  file_->truncate(0);
}

void TimeIndex::flush() { file_->fsync(); }

void TimeIndex::rename(std::string new_path) {
  fs_.rename(path_, new_path);
  path_ = std::move(new_path);
}

}  // namespace ksim::storage
