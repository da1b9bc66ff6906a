// A segment's sparse offset index (`00000000000000000000.index`): 8-byte entries of
// (offset - segment base offset: int32 BE, byte position in the .log: int32 BE), one every
// index.interval.bytes of log, ascending. lookup(o) gives the last entry at or before o, from
// where a scan of the .log finds o. Kafka preallocates and memory-maps the file and trims it on
// close; we keep the entries in memory and the file holds exactly the entries written.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/storage/file_system.h"

namespace ksim::storage {

struct OffsetPosition {
  std::int64_t offset = 0;
  std::uint32_t position = 0;
  bool operator==(const OffsetPosition&) const = default;
};

class OffsetIndex {
 public:
  static constexpr std::size_t kEntrySize = 8;

  // Opens (creating if absent) the index file and loads its entries. Throws CorruptDataError if
  // the file is not a valid index for base_offset (size not a multiple of 8, entries not
  // ascending): the caller rebuilds it from the log.
  OffsetIndex(FileSystem& fs, std::string path, std::int64_t base_offset,
              std::int32_t max_index_bytes);

  const std::string& path() const { return path_; }
  std::int64_t base_offset() const { return base_offset_; }
  std::size_t entries() const { return entries_.size(); }
  std::size_t max_entries() const { return max_entries_; }
  bool is_full() const { return entries_.size() >= max_entries_; }
  std::optional<OffsetPosition> last_entry() const;
  const std::vector<OffsetPosition>& all_entries() const { return entries_; }

  // Adds an entry; offset must be greater than the last entry's and the index not full.
  void append(std::int64_t offset, std::uint32_t position);
  // The last entry with offset <= target, or nullopt if target is before the first entry.
  std::optional<OffsetPosition> lookup(std::int64_t target_offset) const;
  // Removes every entry with offset >= offset.
  void truncate_to(std::int64_t offset);
  // Removes every entry (before a rebuild).
  void reset();
  void flush();
  void rename(std::string new_path);

 private:
  void write_entry(std::int64_t offset, std::uint32_t position);

  FileSystem& fs_;
  std::string path_;
  std::unique_ptr<File> file_;
  std::int64_t base_offset_;
  std::size_t max_entries_;
  std::vector<OffsetPosition> entries_;
};

}  // namespace ksim::storage
