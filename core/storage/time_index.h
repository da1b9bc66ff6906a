// A segment's time index (`00000000000000000000.timeindex`): 12-byte entries of
// (timestamp: int64 BE, offset - segment base offset: int32 BE). An entry is added with an
// offset-index entry when the segment's largest timestamp so far has grown, so timestamps and
// offsets both ascend. lookup(t) gives the last entry with timestamp <= t (Kafka's
// TimeIndex.lookup); ListOffsets by time and time-based retention use it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/storage/index_file.h"

namespace ksim::storage {

struct TimestampOffset {
  std::int64_t timestamp = -1;
  std::int64_t offset = 0;
  bool operator==(const TimestampOffset&) const = default;
};

class TimeIndex : public IndexFile<TimestampOffset, 12> {
 public:
  // Opens (creating if absent) and loads; throws CorruptDataError if not a valid time index.
  TimeIndex(FileSystem& fs, std::string path, std::int64_t base_offset,
            std::int32_t max_index_bytes);

  // Adds (timestamp, offset) if timestamp is larger than the last entry's (else ignored). With
  // skip_full_check the entry is added even to a full index (the final entry at roll time).
  void maybe_append(std::int64_t timestamp, std::int64_t offset, bool skip_full_check = false);
  // The last entry with timestamp <= target, or nullopt.
  std::optional<TimestampOffset> lookup(std::int64_t target_timestamp) const;
};

}  // namespace ksim::storage
