// What a segment's two index files share (Kafka's AbstractIndex): a file of fixed-size entries,
// kept in memory in ascending order, that can be cut at an offset, emptied for a rebuild,
// flushed and renamed. OffsetIndex and TimeIndex add their entry layout and their lookup.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/storage/file_system.h"

namespace ksim::storage {

// Entry must have an `offset` member; entries ascend by it.
template <typename Entry, std::size_t EntrySize>
class IndexFile {
 public:
  static constexpr std::size_t kEntrySize = EntrySize;

  const std::string& path() const { return path_; }
  std::int64_t base_offset() const { return base_offset_; }
  std::size_t entries() const { return entries_.size(); }
  std::size_t max_entries() const { return max_entries_; }
  bool is_full() const { return entries_.size() >= max_entries_; }
  const std::vector<Entry>& all_entries() const { return entries_; }
  std::optional<Entry> last_entry() const {
    if (entries_.empty()) return std::nullopt;
    return entries_.back();
  }

  // Removes every entry with offset >= offset.
  void truncate_to(std::int64_t offset) {
    auto first_removed = std::lower_bound(
        entries_.begin(), entries_.end(), offset,
        [](const Entry& e, std::int64_t target) { return e.offset < target; });
    entries_.erase(first_removed, entries_.end());
    file_->truncate(entries_.size() * EntrySize);
  }
  // Keeps only the first `count` entries (undoing appends that a failed write made).
  void truncate_to_entries(std::size_t count) {
    if (count >= entries_.size()) return;
    entries_.resize(count);
    file_->truncate(count * EntrySize);
  }
  // Removes every entry (before a rebuild from the log).
  void reset() {
    entries_.clear();
    file_->truncate(0);
  }
  void flush() { file_->fsync(); }
  void rename(std::string new_path) {
    fs_.rename(path_, new_path);
    path_ = std::move(new_path);
  }

 protected:
  // Opens (creating if absent) the file; the subclass decodes content() into entries.
  IndexFile(FileSystem& fs, std::string path, std::int64_t base_offset,
            std::int32_t max_index_bytes)
      : fs_(fs),
        path_(std::move(path)),
        file_(fs.open(path_, OpenMode::create)),
        base_offset_(base_offset),
        max_entries_(static_cast<std::size_t>(max_index_bytes) / EntrySize) {}

  Bytes content() const {
    Bytes bytes(file_->size());
    bytes.resize(file_->read_at(0, bytes));
    return bytes;
  }
  void append_entry(const Entry& entry, const std::uint8_t (&encoded)[EntrySize]) {
    file_->append(encoded);
    entries_.push_back(entry);
  }

  FileSystem& fs_;
  std::string path_;
  std::unique_ptr<File> file_;
  std::int64_t base_offset_;
  std::size_t max_entries_;
  std::vector<Entry> entries_;
};

}  // namespace ksim::storage
