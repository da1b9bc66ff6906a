// Log compaction (cleanup.policy=compact): keep the latest record of every key, with offsets
// preserved (Kafka's LogCleaner, one pass over one log).
//
// What is cleaned: whole segments, never the active one, only below the high watermark and
// only segments last written at least min.compaction.lag.ms ago. A record survives when it is
// the latest for its key among all cleanable segments, at its
// offset, and a rewritten batch keeps its original last offset. Tombstones (null values) follow
// KIP-534 (Kafka 2.8+): the first cleaning that keeps a tombstone stamps its batch with a delete
// horizon of now + delete.retention.ms; a cleaning after that horizon drops it. So a consumer
// that reads within delete.retention.ms of the first cleaning still sees the deletion.
//
// Crash safety: segment <base> is rewritten as `<base>.log.cleaned` (+ indexes), fsynced,
// renamed to `<base>.log.swap`, the old files are deleted, and the swap takes their names. A
// broker stopping anywhere in between finds either the old segment (and deletes the .cleaned
// leftovers) or a complete .swap (and completes the swap): see Log::load.
#pragma once

#include <cstdint>

#include "core/storage/log.h"

namespace ksim::storage {

struct CleanerStats {
  std::int64_t first_uncleanable_offset = 0;  // cleaning stopped below this offset
  std::size_t segments_cleaned = 0;
  std::size_t segments_removed = 0;  // left with no record at all, so deleted
  std::int64_t records_read = 0;
  std::int64_t records_retained = 0;
  std::int64_t tombstones_removed = 0;
  std::uint64_t bytes_before = 0;
  std::uint64_t bytes_after = 0;
};

// What of a log the cleaner could clean now (Kafka's LogToClean), in whole segments: the clean
// section below the cleaner's checkpoint (where the last cleaning stopped), the dirty section
// from there to the first uncleanable offset (the active segment, the high watermark, or the
// first segment written within min.compaction.lag.ms).
struct LogToClean {
  std::int64_t first_dirty_offset = 0;
  std::int64_t first_uncleanable_offset = 0;
  std::uint64_t clean_bytes = 0;
  std::uint64_t dirty_bytes = 0;
  // dirty / (clean + dirty), 0 for nothing cleanable; the cleaner takes a log when this reaches
  // min.cleanable.dirty.ratio.
  double dirty_ratio() const {
    const std::uint64_t total = clean_bytes + dirty_bytes;
    return total == 0 ? 0.0 : static_cast<double>(dirty_bytes) / static_cast<double>(total);
  }
};

class LogCleaner {
 public:
  static LogToClean log_to_clean(const Log& log, std::int64_t now_ms, std::int64_t high_watermark,
                                 std::int64_t cleaner_checkpoint);

  // One cleaning pass. A log whose policy does not compact is left alone.
  // An I/O error takes the log offline (see Log::is_offline).
  static CleanerStats clean(Log& log, std::int64_t now_ms, std::int64_t high_watermark);

 private:
  static CleanerStats clean_log(Log& log, std::int64_t now_ms, std::int64_t high_watermark);
};

}  // namespace ksim::storage
