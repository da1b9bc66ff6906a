#include "core/storage/offset_index.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>

#include "core/storage/errors.h"

namespace ksim::storage {

OffsetIndex::OffsetIndex(FileSystem& fs, std::string path, std::int64_t base_offset,
                         std::int32_t max_index_bytes)
    : fs_(fs),
      path_(std::move(path)),
      file_(fs.open(path_, OpenMode::create)),
      base_offset_(base_offset),
      max_entries_(static_cast<std::size_t>(max_index_bytes) / kEntrySize) {
  const std::uint64_t size = file_->size();
  if (size % kEntrySize != 0) {
    throw CorruptDataError(fmt::format(
        "Corrupt index found, index file ({}) has non-zero size but the last offset is {} and "
        "the size {} is not a multiple of {}",
        path_, base_offset_, size, kEntrySize));
  }
  Bytes content(size);
  file_->read_at(0, content);
  entries_.reserve(size / kEntrySize);
  for (std::size_t at = 0; at < content.size(); at += kEntrySize) {
    const auto relative = static_cast<std::int32_t>(load_be32(&content[at]));
    const std::uint32_t position = load_be32(&content[at + 4]);
    const std::int64_t offset = base_offset_ + relative;
    if (relative < 0 || (!entries_.empty() && (offset <= entries_.back().offset ||
                                               position < entries_.back().position))) {
      throw CorruptDataError(fmt::format(
          "Corrupt index found, index file ({}) has entry {} (offset {}, position {}) out of "
          "order",
          path_, at / kEntrySize, offset, position));
    }
    entries_.push_back({offset, position});
  }
}

std::optional<OffsetPosition> OffsetIndex::last_entry() const {
  if (entries_.empty()) return std::nullopt;
  return entries_.back();
}

void OffsetIndex::append(std::int64_t offset, std::uint32_t position) {
  assert(!is_full());
  assert(entries_.empty() || offset > entries_.back().offset);
  assert(offset - base_offset_ <= INT32_MAX);
  write_entry(offset, position);
  entries_.push_back({offset, position});
}

void OffsetIndex::write_entry(std::int64_t offset, std::uint32_t position) {
  std::uint8_t entry[kEntrySize];
  store_be32(entry, static_cast<std::uint32_t>(offset - base_offset_));
  store_be32(entry + 4, position);
  file_->append(entry);
}

std::optional<OffsetPosition> OffsetIndex::lookup(std::int64_t target_offset) const {
  auto after = std::upper_bound(
      entries_.begin(), entries_.end(), target_offset,
      [](std::int64_t target, const OffsetPosition& e) { return target < e.offset; });
  if (after == entries_.begin()) return std::nullopt;
  return *std::prev(after);
}

void OffsetIndex::truncate_to(std::int64_t offset) {
  auto first_removed = std::lower_bound(
      entries_.begin(), entries_.end(), offset,
      [](const OffsetPosition& e, std::int64_t target) { return e.offset < target; });
  entries_.erase(first_removed, entries_.end());
  file_->truncate(entries_.size() * kEntrySize);
}

void OffsetIndex::reset() {
  entries_.clear();
  file_->truncate(0);
}

void OffsetIndex::flush() { file_->fsync(); }

void OffsetIndex::rename(std::string new_path) {
  fs_.rename(path_, new_path);
  path_ = std::move(new_path);
}

}  // namespace ksim::storage
