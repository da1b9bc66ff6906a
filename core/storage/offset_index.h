// A segment's sparse offset index (`00000000000000000000.index`): 8-byte entries of
// (offset - segment base offset: int32 BE, byte position in the .log: int32 BE), one every
// index.interval.bytes of log, ascending. lookup(o) gives the last entry at or before o, from
// where a scan of the .log finds o. Kafka preallocates and memory-maps the file and trims it on
// close; we keep the entries in memory and the file holds exactly the entries written.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/storage/index_file.h"

namespace ksim::storage {

struct OffsetPosition {
  std::int64_t offset = 0;
  std::uint32_t position = 0;
  bool operator==(const OffsetPosition&) const = default;
};

class OffsetIndex : public IndexFile<OffsetPosition, 8> {
 public:
  // Opens (creating if absent) the index file and loads its entries. Throws CorruptDataError if
  // the file is not a valid index for base_offset (size not a multiple of 8, entries not
  // ascending): the caller rebuilds it from the log.
  OffsetIndex(FileSystem& fs, std::string path, std::int64_t base_offset,
              std::int32_t max_index_bytes);

  // Adds an entry; offset must be greater than the last entry's and the index not full.
  void append(std::int64_t offset, std::uint32_t position);
  // The last entry with offset <= target, or nullopt if target is before the first entry.
  std::optional<OffsetPosition> lookup(std::int64_t target_offset) const;
};

}  // namespace ksim::storage
