#include "core/storage/log_segment.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <limits>
#include <tuple>

#include "core/storage/errors.h"

namespace ksim::storage {

std::string segment_file_name(std::int64_t base_offset, std::string_view suffix) {
  return fmt::format("{:020d}{}", base_offset, suffix);
}

std::optional<std::int64_t> parse_segment_file_name(std::string_view name,
                                                    std::string_view suffix) {
  if (name.size() != 20 + suffix.size() || name.substr(20) != suffix) return std::nullopt;
  std::int64_t value = 0;
  for (char c : name.substr(0, 20)) {
    if (c < '0' || c > '9') return std::nullopt;
    if (value > (std::numeric_limits<std::int64_t>::max() - (c - '0')) / 10) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

namespace {

std::string file_path(const std::string& directory, std::int64_t base_offset,
                      std::string_view kind_suffix, std::string_view file_suffix) {
  return join_path(directory, segment_file_name(base_offset, kind_suffix)) + std::string(file_suffix);
}

// Opens an index; one that fails its sanity check is emptied so that recover() rebuilds it.
template <typename Index>
Index open_index(FileSystem& fs, const std::string& path, std::int64_t base_offset,
                 std::int32_t max_index_bytes, OpenMode mode, bool& needs_rebuild) {
  if (mode == OpenMode::create_truncate) fs.open(path, OpenMode::create_truncate);
  try {
    return Index(fs, path, base_offset, max_index_bytes);
  } catch (const CorruptDataError&) {
    needs_rebuild = true;
    fs.open(path, OpenMode::create_truncate);
    return Index(fs, path, base_offset, max_index_bytes);
  }
}

}  // namespace

LogSegment::LogSegment(FileSystem& fs, std::string directory, std::int64_t base_offset,
                       const LogConfig& config, std::int64_t now_ms, std::string_view file_suffix,
                       OpenMode mode)
    : fs_(fs),
      directory_(std::move(directory)),
      base_offset_(base_offset),
      config_(config),
      log_path_(file_path(directory_, base_offset, kLogFileSuffix, file_suffix)),
      log_(fs.open(log_path_, mode)),
      offset_index_(open_index<OffsetIndex>(
          fs, file_path(directory_, base_offset, kIndexFileSuffix, file_suffix), base_offset,
          config.segment_index_bytes, mode, index_needs_rebuild_)),
      time_index_(open_index<TimeIndex>(
          fs, file_path(directory_, base_offset, kTimeIndexFileSuffix, file_suffix), base_offset,
          config.segment_index_bytes, mode, index_needs_rebuild_)),
      created_ms_(now_ms) {
  // A new segment's .log is empty: every batch in it will come through append().
  if (mode == OpenMode::create_truncate) recent_batches_position_ = 0;
}

std::unique_ptr<LogSegment> LogSegment::create(FileSystem& fs, const std::string& directory,
                                               std::int64_t base_offset, const LogConfig& config,
                                               std::int64_t now_ms, std::string_view file_suffix) {
  return std::unique_ptr<LogSegment>(new LogSegment(fs, directory, base_offset, config, now_ms,
                                                    file_suffix, OpenMode::create_truncate));
}

std::unique_ptr<LogSegment> LogSegment::open(FileSystem& fs, const std::string& directory,
                                             std::int64_t base_offset, const LogConfig& config,
                                             std::int64_t now_ms) {
  // A missing index (lost with a compaction swap, or deleted by hand) is rebuilt too.
  bool indexes_missing = false;
  for (auto kind : {kIndexFileSuffix, kTimeIndexFileSuffix}) {
    indexes_missing = indexes_missing || !fs.exists(file_path(directory, base_offset, kind, ""));
  }
  std::unique_ptr<LogSegment> segment(
      new LogSegment(fs, directory, base_offset, config, now_ms, "", OpenMode::read_write));
  segment->index_needs_rebuild_ = segment->index_needs_rebuild_ || indexes_missing;
  // Entries pointing past the end of the .log (an index that outlived a truncation) make the
  // index unusable: the owner rebuilds both from the log (recover()).
  const auto last = segment->offset_index_.last_entry();
  if (last && last->position >= segment->size()) segment->index_needs_rebuild_ = true;
  if (!segment->index_needs_rebuild_) {
    segment->load_timestamps_from_index();
    try {
      segment->load_rolling_based_timestamp();
    } catch (const CorruptDataError&) {
      segment->index_needs_rebuild_ = true;  // not even one whole batch: recover() decides
    }
  }
  return segment;
}

void LogSegment::load_timestamps_from_index() {
  if (auto last = time_index_.last_entry()) {
    max_timestamp_so_far_ = last->timestamp;
    offset_of_max_timestamp_so_far_ = last->offset;
  }
}

void LogSegment::append(std::int64_t largest_offset, std::int64_t largest_timestamp,
                        std::int64_t offset_of_largest_timestamp, ByteView batches) {
  assert(!batches.empty());
  assert(largest_offset - base_offset_ <= std::numeric_limits<std::int32_t>::max());
  const auto position = static_cast<std::uint32_t>(log_->size());
  log_->append(batches);  // a failure here wrote nothing
  const std::size_t offset_entries = offset_index_.entries();
  const std::size_t time_entries = time_index_.entries();
  const auto before = std::tuple(rolling_based_timestamp_, max_timestamp_so_far_,
                                 offset_of_max_timestamp_so_far_, bytes_since_last_index_entry_);
  bool indexed = false;
  try {
    if (!rolling_based_timestamp_ && position == 0) {
      rolling_based_timestamp_ = read_batch_header(batches).max_timestamp;
    }
    if (largest_timestamp > max_timestamp_so_far_) {
      max_timestamp_so_far_ = largest_timestamp;
      offset_of_max_timestamp_so_far_ = offset_of_largest_timestamp;
    }
    if (bytes_since_last_index_entry_ > static_cast<std::uint64_t>(config_.index_interval_bytes)) {
      if (!offset_index_.is_full()) offset_index_.append(largest_offset, position);
      time_index_.maybe_append(max_timestamp_so_far_, offset_of_max_timestamp_so_far_);
      bytes_since_last_index_entry_ = 0;
      indexed = true;
    }
    bytes_since_last_index_entry_ += batches.size();
  } catch (const IoError&) {
    forget_recent_batches();  // the .log may not be what it was
    // The batches are in the .log but an index write failed: take them back out, so the files
    // never hold a batch the log end offset does not count. If even that fails, the caller takes
    // the log offline and recovery sorts the files out at the next start.
    std::tie(rolling_based_timestamp_, max_timestamp_so_far_, offset_of_max_timestamp_so_far_,
             bytes_since_last_index_entry_) = before;
    try {
      offset_index_.truncate_to_entries(offset_entries);
      time_index_.truncate_to_entries(time_entries);
      log_->truncate(position);
    } catch (const IoError&) {
    }
    throw;
  }
  remember_appended_batches(batches, position, indexed);
}

void LogSegment::remember_appended_batches(ByteView batches, std::uint32_t position,
                                           bool restart) {
  // Enough for index.interval.bytes of small batches; beyond, the file is read as before.
  constexpr std::size_t kMaxRecentBatches = 1024;
  if (restart) {
    recent_batches_.clear();
    recent_batches_position_ = position;
  }
  if (!recent_batches_position_) return;
  std::size_t at = 0;
  try {
    while (at < batches.size()) {
      const BatchHeader header = read_batch_header(batches.subspan(at));
      recent_batches_.push_back({header, static_cast<std::uint32_t>(position + at)});
      at += header.size_in_bytes();
    }
  } catch (const CorruptDataError&) {
    at = 0;  // not whole batches (the caller validates them; a test may not)
  }
  if (at != batches.size() || recent_batches_.size() > kMaxRecentBatches) forget_recent_batches();
}

void LogSegment::forget_recent_batches() {
  recent_batches_position_.reset();
  recent_batches_.clear();
  recent_batches_.shrink_to_fit();
}

void LogSegment::for_each_batch(const std::function<bool(const BatchLocation&)>& visit,
                                std::uint32_t position) const {
  const std::uint64_t end = size();
  std::uint8_t header_bytes[kBatchHeaderSize];
  std::uint64_t at = position;
  while (at < end) {
    if (recent_batches_position_ && at >= *recent_batches_position_) {
      const auto recent = std::lower_bound(
          recent_batches_.begin(), recent_batches_.end(), at,
          [](const BatchLocation& batch, std::uint64_t p) { return batch.position < p; });
      if (recent != recent_batches_.end() && recent->position == at) {
        // From here to the end of the .log, the headers are known.
        for (auto it = recent; it != recent_batches_.end(); ++it) {
          if (!visit(*it)) return;
        }
        return;
      }
    }
    if (end - at < kBatchHeaderSize) {
      throw CorruptDataError(fmt::format("{}: {} bytes at position {} are too few for a batch header",
                                         log_path_, end - at, at));
    }
    log_->read_at(at, header_bytes);
    BatchLocation location{read_batch_header(header_bytes), static_cast<std::uint32_t>(at)};
    if (at + location.header.size_in_bytes() > end) {
      throw CorruptDataError(fmt::format("{}: batch at position {} claims {} bytes but only {} remain",
                                         log_path_, at, location.header.size_in_bytes(), end - at));
    }
    if (!visit(location)) return;
    at += location.header.size_in_bytes();
  }
}

std::optional<BatchLocation> LogSegment::translate_offset(std::int64_t offset,
                                                          std::uint32_t starting_position) const {
  std::uint32_t position = starting_position;
  if (auto entry = offset_index_.lookup(offset)) position = std::max(position, entry->position);
  std::optional<BatchLocation> found;
  for_each_batch(
      [&](const BatchLocation& batch) {
        if (batch.header.last_offset() >= offset) {
          found = batch;
          return false;
        }
        return true;
      },
      position);
  return found;
}

Bytes LogSegment::read_bytes(std::uint32_t position, std::size_t size) const {
  const std::uint64_t end = log_->size();
  if (position >= end) return {};
  Bytes out(static_cast<std::size_t>(std::min<std::uint64_t>(size, end - position)));
  out.resize(log_->read_at(position, out));
  return out;
}

std::int64_t LogSegment::read_next_offset() const {
  std::uint32_t position = 0;
  if (auto entry = offset_index_.last_entry()) position = entry->position;
  std::int64_t next = base_offset_;
  for_each_batch(
      [&](const BatchLocation& batch) {
        next = batch.header.next_offset();
        return true;
      },
      position);
  return next;
}

SegmentRecovery LogSegment::recover() {
  forget_recent_batches();
  offset_index_.reset();
  time_index_.reset();
  max_timestamp_so_far_ = -1;
  offset_of_max_timestamp_so_far_ = -1;
  rolling_based_timestamp_.reset();
  index_needs_rebuild_ = false;

  const std::uint64_t end = size();
  SegmentRecovery result;
  std::uint64_t at = 0;
  std::uint64_t last_index_entry_position = 0;
  std::int64_t previous_last_offset = base_offset_ - 1;
  Bytes batch;
  while (at < end) {
    const auto fail = [&](std::string problem) {
      result.problem = fmt::format("{} at position {}: {}", log_path_, at, std::move(problem));
    };
    if (end - at < kBatchHeaderSize) {
      fail(fmt::format("only {} bytes left, fewer than a batch header", end - at));
      break;
    }
    std::uint8_t header_bytes[kBatchHeaderSize];
    log_->read_at(at, header_bytes);
    BatchHeader header;
    try {
      header = read_batch_header(header_bytes, static_cast<std::size_t>(end - at));
    } catch (const CorruptDataError& e) {
      fail(e.what());
      break;
    }
    if (header.size_in_bytes() > end - at) {
      fail(fmt::format("batch claims {} bytes but only {} remain (a torn write)",
                       header.size_in_bytes(), end - at));
      break;
    }
    if (header.base_offset <= previous_last_offset || header.last_offset() < header.base_offset ||
        header.last_offset() - base_offset_ > std::numeric_limits<std::int32_t>::max()) {
      fail(fmt::format("batch offsets {}..{} do not follow offset {}", header.base_offset,
                       header.last_offset(), previous_last_offset));
      break;
    }
    batch.resize(header.size_in_bytes());
    log_->read_at(at, batch);
    if (!crc_is_valid(batch)) {
      fail("CRC mismatch (a torn or corrupt batch)");
      break;
    }
    if (at == 0) rolling_based_timestamp_ = header.max_timestamp;
    if (header.max_timestamp > max_timestamp_so_far_) {
      max_timestamp_so_far_ = header.max_timestamp;
      offset_of_max_timestamp_so_far_ = header.last_offset();
    }
    if (at - last_index_entry_position > static_cast<std::uint64_t>(config_.index_interval_bytes) &&
        !offset_index_.is_full()) {
      offset_index_.append(header.last_offset(), static_cast<std::uint32_t>(at));
      time_index_.maybe_append(max_timestamp_so_far_, offset_of_max_timestamp_so_far_);
      last_index_entry_position = at;
    }
    previous_last_offset = header.last_offset();
    at += header.size_in_bytes();
  }
  result.valid_bytes = at;
  result.truncated_bytes = end - at;
  if (result.truncated_bytes > 0) log_->truncate(at);
  bytes_since_last_index_entry_ = at - last_index_entry_position;
  // A normally closed segment always ends with its largest timestamp in the time index.
  on_become_inactive();
  return result;
}

std::uint64_t LogSegment::truncate_to(std::int64_t offset) {
  const auto location = translate_offset(offset);
  if (!location) return 0;
  const std::uint64_t removed = size() - location->position;
  forget_recent_batches();
  offset_index_.truncate_to(offset);
  time_index_.truncate_to(offset);
  log_->truncate(location->position);
  bytes_since_last_index_entry_ = 0;
  load_largest_timestamp();
  if (empty()) rolling_based_timestamp_.reset();
  return removed;
}

void LogSegment::load_largest_timestamp() {
  max_timestamp_so_far_ = -1;
  offset_of_max_timestamp_so_far_ = -1;
  load_timestamps_from_index();
  std::uint32_t position = 0;
  if (offset_of_max_timestamp_so_far_ >= 0) {
    if (auto entry = offset_index_.lookup(offset_of_max_timestamp_so_far_)) {
      position = entry->position;
    }
  }
  for_each_batch(
      [&](const BatchLocation& batch) {
        if (batch.header.max_timestamp > max_timestamp_so_far_) {
          max_timestamp_so_far_ = batch.header.max_timestamp;
          offset_of_max_timestamp_so_far_ = batch.header.last_offset();
        }
        return true;
      },
      position);
}

void LogSegment::load_rolling_based_timestamp() {
  if (rolling_based_timestamp_ || empty()) return;
  for_each_batch([&](const BatchLocation& batch) {
    rolling_based_timestamp_ = batch.header.max_timestamp;
    return false;
  });
}

bool LogSegment::should_roll(std::int64_t incoming_bytes, std::int64_t incoming_max_timestamp,
                             std::int64_t incoming_last_offset, std::int64_t now_ms) const {
  const auto current = static_cast<std::int64_t>(size());
  if (current > config_.segment_bytes - incoming_bytes) return true;
  if (current > 0) {
    const std::int64_t waited = rolling_based_timestamp_ && *rolling_based_timestamp_ >= 0
                                    ? incoming_max_timestamp - *rolling_based_timestamp_
                                    : now_ms - created_ms_;
    if (waited > config_.segment_ms) return true;
  }
  return offset_index_.is_full() || time_index_.is_full() ||
         incoming_last_offset - base_offset_ > std::numeric_limits<std::int32_t>::max();
}

void LogSegment::on_become_inactive() {
  forget_recent_batches();  // reads of older segments are rare: no memory kept for them
  if (max_timestamp_so_far_ >= 0) {
    time_index_.maybe_append(max_timestamp_so_far_, offset_of_max_timestamp_so_far_, true);
  }
}

std::int64_t LogSegment::largest_timestamp() const {
  return max_timestamp_so_far_ >= 0 ? max_timestamp_so_far_ : created_ms_;
}

void LogSegment::flush() {
  log_->fsync();
  offset_index_.flush();
  time_index_.flush();
}

void LogSegment::change_file_suffix(std::string_view old_suffix, std::string_view new_suffix) {
  const auto renamed = [&](const std::string& path) {
    assert(path.ends_with(old_suffix));
    return path.substr(0, path.size() - old_suffix.size()) + std::string(new_suffix);
  };
  std::string new_log_path = renamed(log_path_);
  fs_.rename(log_path_, new_log_path);
  log_path_ = std::move(new_log_path);
  offset_index_.rename(renamed(offset_index_.path()));
  time_index_.rename(renamed(time_index_.path()));
}

void LogSegment::delete_files() {
  for (const std::string& path : {log_path_, offset_index_.path(), time_index_.path()}) {
    if (fs_.exists(path)) fs_.remove(path);
  }
}

}  // namespace ksim::storage
