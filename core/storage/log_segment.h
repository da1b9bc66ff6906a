// One segment of a partition log: `<base offset, 20 digits>.log` with its `.index` and
// `.timeindex` (Kafka's LogSegment). Batches are appended whole with offsets already assigned;
// the indexes get an entry (batch last offset, batch position) whenever more than
// index.interval.bytes were appended since the last entry.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/storage/file_system.h"
#include "core/storage/log_config.h"
#include "core/storage/offset_index.h"
#include "core/storage/record_batch.h"
#include "core/storage/time_index.h"

namespace ksim::storage {

inline constexpr std::string_view kLogFileSuffix = ".log";
inline constexpr std::string_view kIndexFileSuffix = ".index";
inline constexpr std::string_view kTimeIndexFileSuffix = ".timeindex";
// Files of a compaction in progress: .cleaned while written, .swap once complete (see log.h).
inline constexpr std::string_view kCleanedFileSuffix = ".cleaned";
inline constexpr std::string_view kSwapFileSuffix = ".swap";

// "00000000000000000042.log" for (42, ".log").
std::string segment_file_name(std::int64_t base_offset, std::string_view suffix);
// 42 for "00000000000000000042.log" with suffix ".log"; nullopt if the name is not 20 digits
// followed by exactly that suffix.
std::optional<std::int64_t> parse_segment_file_name(std::string_view name, std::string_view suffix);

// Where a batch sits in a segment.
struct BatchLocation {
  BatchHeader header;
  std::uint32_t position = 0;
};

// What a segment found when it validated its batches after an unclean shutdown.
struct SegmentRecovery {
  std::uint64_t valid_bytes = 0;
  std::uint64_t truncated_bytes = 0;
  std::string problem;  // why the first invalid batch was invalid; empty if all were valid
};

class LogSegment {
 public:
  // New empty segment files (emptied if they exist). `file_suffix` is appended to every file
  // name (".cleaned" while compaction writes a replacement).
  static std::unique_ptr<LogSegment> create(FileSystem& fs, const std::string& directory,
                                            std::int64_t base_offset, const LogConfig& config,
                                            std::int64_t now_ms, std::string_view file_suffix = "");
  // Existing files. Index files that fail their sanity check are rebuilt from the .log.
  static std::unique_ptr<LogSegment> open(FileSystem& fs, const std::string& directory,
                                          std::int64_t base_offset, const LogConfig& config,
                                          std::int64_t now_ms);

  std::int64_t base_offset() const { return base_offset_; }
  std::uint64_t size() const { return log_->size(); }
  bool empty() const { return size() == 0; }
  const std::string& log_path() const { return log_path_; }
  const OffsetIndex& offset_index() const { return offset_index_; }
  const TimeIndex& time_index() const { return time_index_; }

  // Appends batches whose headers are final (offsets and epoch assigned, CRC valid), as one
  // write. Like Kafka 3.x, one call adds at most one index entry: (largest offset, position of
  // the first batch), when more than index.interval.bytes were written since the last entry.
  void append(std::int64_t largest_offset, std::int64_t largest_timestamp,
              std::int64_t offset_of_largest_timestamp, ByteView batches);

  // The first batch at or after `starting_position` whose last offset >= offset.
  std::optional<BatchLocation> translate_offset(std::int64_t offset,
                                                std::uint32_t starting_position = 0) const;
  // Reads raw bytes; fewer at the end of the segment.
  Bytes read_bytes(std::uint32_t position, std::size_t size) const;
  // Calls `visit` for each batch header from `position` on, in order, until it returns false.
  // Throws CorruptDataError on a malformed header (recover() is the forgiving path).
  void for_each_batch(const std::function<bool(const BatchLocation&)>& visit,
                      std::uint32_t position = 0) const;
  // The offset after the last batch (base_offset if empty).
  std::int64_t read_next_offset() const;

  // True when the indexes could not be loaded (missing, malformed, pointing past the log, or the
  // log does not even start with a whole batch): the owner must call recover().
  bool needs_recovery() const { return index_needs_rebuild_; }
  // Validates every batch (header, length, CRC, ascending offsets), rebuilds both indexes, and
  // truncates at the first invalid or torn batch.
  SegmentRecovery recover();
  // Removes the batch holding `offset` and everything after it; returns bytes removed.
  std::uint64_t truncate_to(std::int64_t offset);

  // Kafka's LogSegment.shouldRoll: full (segment.bytes), old (segment.ms measured from the first
  // batch's max timestamp, or from creation if it has none), an index full, or an offset too
  // far from the base to be stored relative to it.
  bool should_roll(std::int64_t incoming_bytes, std::int64_t incoming_max_timestamp,
                   std::int64_t incoming_last_offset, std::int64_t now_ms) const;
  // Called when the segment stops being the active one, and on a clean shutdown: the final time
  // index entry (the segment's largest timestamp), even in a full index.
  void on_become_inactive();

  // The largest record timestamp in the segment, or the creation time when it has none
  // (Kafka falls back to the file's modification time).
  std::int64_t largest_timestamp() const;
  std::int64_t max_timestamp_so_far() const { return max_timestamp_so_far_; }

  void flush();
  // Renames the three files from `<name><old suffix>` to `<name><new suffix>`.
  void change_file_suffix(std::string_view old_suffix, std::string_view new_suffix);
  void delete_files();

 private:
  LogSegment(FileSystem& fs, std::string directory, std::int64_t base_offset,
             const LogConfig& config, std::int64_t now_ms, std::string_view file_suffix,
             OpenMode mode);
  void load_timestamps_from_index();
  // The time index's last entry, then a scan of the batches after it (Kafka's
  // loadLargestTimestamp).
  void load_largest_timestamp();
  void load_rolling_based_timestamp();
  // Records the batches append() wrote at `position`, first starting the list over there when
  // `restart` (a new index entry's position).
  void remember_appended_batches(ByteView batches, std::uint32_t position, bool restart);
  void forget_recent_batches();

  FileSystem& fs_;
  std::string directory_;
  std::int64_t base_offset_;
  LogConfig config_;
  std::string log_path_;
  std::unique_ptr<File> log_;
  bool index_needs_rebuild_ = false;  // declared before the indexes: set while they open
  OffsetIndex offset_index_;
  TimeIndex time_index_;
  std::int64_t created_ms_;
  std::uint64_t bytes_since_last_index_entry_ = 0;
  std::int64_t max_timestamp_so_far_ = -1;
  std::int64_t offset_of_max_timestamp_so_far_ = -1;
  std::optional<std::int64_t> rolling_based_timestamp_;
  // The batches from recent_batches_position_ to the end of the .log, as append() wrote them
  // (nullopt: not known; the file is read). Started over at every index entry, so a scan from
  // an index position (translate_offset, a read) visits these instead of reading each header
  // back from the file; they are the same headers, read from the same bytes.
  std::optional<std::uint32_t> recent_batches_position_;
  std::vector<BatchLocation> recent_batches_;
};

}  // namespace ksim::storage
