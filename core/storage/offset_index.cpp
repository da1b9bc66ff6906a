#include "core/storage/offset_index.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <limits>

#include "core/storage/errors.h"

namespace ksim::storage {

OffsetIndex::OffsetIndex(FileSystem& fs, std::string path, std::int64_t base_offset,
                         std::int32_t max_index_bytes)
    : IndexFile(fs, std::move(path), base_offset, max_index_bytes) {
  const Bytes bytes = content();
  if (bytes.size() % kEntrySize != 0) {
    throw CorruptDataError(fmt::format(
        "Corrupt index found, index file ({}) has size {} which is not a multiple of {}", path_,
        bytes.size(), kEntrySize));
  }
  entries_.reserve(bytes.size() / kEntrySize);
  for (std::size_t at = 0; at < bytes.size(); at += kEntrySize) {
    const auto relative = static_cast<std::int32_t>(load_be32(&bytes[at]));
    const std::uint32_t position = load_be32(&bytes[at + 4]);
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

void OffsetIndex::append(std::int64_t offset, std::uint32_t position) {
  assert(!is_full());
  assert(entries_.empty() || offset > entries_.back().offset);
  assert(offset - base_offset_ <= std::numeric_limits<std::int32_t>::max());
  std::uint8_t encoded[kEntrySize];
  store_be32(encoded, static_cast<std::uint32_t>(offset - base_offset_));
  store_be32(encoded + 4, position);
  append_entry({offset, position}, encoded);
}

std::optional<OffsetPosition> OffsetIndex::lookup(std::int64_t target_offset) const {
  auto after = std::upper_bound(
      entries_.begin(), entries_.end(), target_offset,
      [](std::int64_t target, const OffsetPosition& e) { return target < e.offset; });
  if (after == entries_.begin()) return std::nullopt;
  return *std::prev(after);
}

}  // namespace ksim::storage
