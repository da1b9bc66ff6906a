#include "core/storage/log.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>

#include "core/storage/errors.h"

namespace ksim::storage {
namespace {

bool ends_with(std::string_view name, std::string_view suffix) { return name.ends_with(suffix); }

// Splits a buffer into its batches' headers, checking what both a leader and a follower check
// (Kafka's analyzeAndValidateRecords): framing, size and (unless the caller validates every
// batch whole anyway, as a leader does) the CRC. Throws RecordValidationError.
enum class CrcCheck { here, by_caller };
std::vector<BatchHeader> parse_batches(ByteView batches, const std::string& partition,
                                       CrcCheck crc = CrcCheck::here) {
  std::vector<BatchHeader> headers;
  std::size_t at = 0;
  while (at < batches.size()) {
    const ByteView rest = batches.subspan(at);
    BatchHeader header;
    try {
      header = read_batch_header(rest, rest.size());
    } catch (const CorruptDataError& e) {
      throw RecordValidationError("CORRUPT_MESSAGE",
                                  fmt::format("Record batch at byte {} of the append to {} is "
                                              "corrupt: {}",
                                              at, partition, e.what()));
    }
    if (header.size_in_bytes() > rest.size()) {
      throw RecordValidationError(
          "CORRUPT_MESSAGE",
          fmt::format("Record batch at byte {} of the append to {} claims {} bytes but only {} "
                      "remain",
                      at, partition, header.size_in_bytes(), rest.size()));
    }
    if (crc == CrcCheck::here && !crc_is_valid(rest.first(header.size_in_bytes()))) {
      throw RecordValidationError(
          "CORRUPT_MESSAGE",
          fmt::format("Record batch in the append to {} is corrupt (stored crc = {})", partition,
                      header.crc));
    }
    headers.push_back(header);
    at += header.size_in_bytes();
  }
  if (headers.empty()) {
    throw RecordValidationError("CORRUPT_MESSAGE",
                                fmt::format("The append to {} holds no record batch", partition));
  }
  return headers;
}

// What a leader checks on top, for batches from producers (Kafka's LogValidator): size against
// max.message.bytes, a client's batch shape, and every record's structure.
void validate_from_client(ByteView batches, const std::vector<BatchHeader>& headers,
                          const std::string& partition, const LogConfig& config) {
  const auto invalid = [](std::string message) {
    throw RecordValidationError("INVALID_RECORD", std::move(message));
  };
  std::size_t at = 0;
  for (const BatchHeader& header : headers) {
    const ByteView batch = batches.subspan(at, header.size_in_bytes());
    at += header.size_in_bytes();
    if (header.size_in_bytes() > static_cast<std::size_t>(config.max_message_bytes)) {
      throw RecordValidationError(
          "MESSAGE_TOO_LARGE",
          fmt::format("The record batch size in the append to {} is {} bytes which exceeds the "
                      "maximum configured value of {}.",
                      partition, header.size_in_bytes(), config.max_message_bytes));
    }
    // The CRC first: a damaged header is CORRUPT_MESSAGE, whatever its fields say.
    BatchValidation validation;
    try {
      validation = validate_batch(batch);
    } catch (const CorruptDataError& e) {
      throw RecordValidationError(
          "CORRUPT_MESSAGE",
          fmt::format("Record batch in the append to {} is corrupt: {}", partition, e.what()));
    }
    if (header.base_offset != 0) {
      invalid(fmt::format("The baseOffset of the record batch in the append to {} should be 0, "
                          "but it is {}",
                          partition, header.base_offset));
    }
    if (header.is_control()) {
      invalid(fmt::format("Clients are not allowed to write control records (append to {})",
                          partition));
    }
    if (header.producer_id >= 0 && header.base_sequence < 0) {
      invalid(fmt::format("Invalid sequence number {} in record batch with producerId {} (append "
                          "to {})",
                          header.base_sequence, header.producer_id, partition));
    }
    if (header.records_count <= 0 || header.records_count != header.last_offset_delta + 1) {
      invalid(fmt::format("Record batch in the append to {} has {} records but lastOffsetDelta "
                          "{}",
                          partition, header.records_count, header.last_offset_delta));
    }
    if (config.compacts() && validation.has_record_without_key) {
      invalid(fmt::format("Compacted topic cannot accept message without key in topic partition "
                          "{}.",
                          partition));
    }
  }
  if (batches.size() > static_cast<std::size_t>(config.segment_bytes)) {
    throw RecordValidationError(
        "RECORD_LIST_TOO_LARGE",
        fmt::format("Message batch size is {} bytes in append to partition {} which exceeds the "
                    "maximum configured segment size of {}.",
                    batches.size(), partition, config.segment_bytes));
  }
}

std::string partition_name(const std::string& directory) {
  const auto slash = directory.find_last_of('/');
  return slash == std::string::npos ? directory : directory.substr(slash + 1);
}

}  // namespace


Log::Log(FileSystem& fs, std::string directory, const LogConfig& config,
         const LogLoadParams& params)
    : fs_(fs),
      directory_(std::move(directory)),
      config_(config),
      epoch_cache_((fs.create_directories(directory_),
                    LeaderEpochCache(fs, join_path(directory_, leader_epoch_checkpoint_file)))),
      producer_state_(partition_name(directory_)) {
  config_.validate();
  load(params);
}

Log::~Log() = default;

void Log::update_config(const LogConfig& config) {
  config.validate();
  config_ = config;
}

// --- loading and recovery ----------------------------------------------------------------

void Log::remove_leftover_files(std::vector<std::string>& names) {
  std::vector<std::string> kept;
  for (const std::string& name : names) {
    const bool leftover = ends_with(name, kCleanedFileSuffix) || ends_with(name, ".deleted") ||
                          ends_with(name, ".tmp");
    if (leftover) {
      fs_.remove(join_path(directory_, name));
      load_report_.deleted_files.push_back(name);
    } else {
      kept.push_back(name);
    }
  }
  names = std::move(kept);
}

// A `<base>.log.swap` is a compacted replacement of segment <base> that was complete when the
// broker stopped (see log_cleaner.h): it takes the old segment's place. Index files are rebuilt
// from it, so index .swap files are simply removed.
void Log::complete_swaps(const std::vector<std::string>& names) {
  const std::string log_swap = std::string(kLogFileSuffix) + std::string(kSwapFileSuffix);
  for (const std::string& name : names) {
    if (!ends_with(name, kSwapFileSuffix)) continue;
    const std::string path = join_path(directory_, name);
    const auto base = parse_segment_file_name(name, log_swap);
    if (base) {
      for (auto kind : {kLogFileSuffix, kIndexFileSuffix, kTimeIndexFileSuffix}) {
        const std::string old = join_path(directory_, segment_file_name(*base, kind));
        if (fs_.exists(old)) fs_.remove(old);
      }
      fs_.rename(path, join_path(directory_, segment_file_name(*base, kLogFileSuffix)));
    } else {
      fs_.remove(path);
      load_report_.deleted_files.push_back(name);
    }
  }
}

void Log::load(const LogLoadParams& params) {
  fs_.create_directories(directory_);
  std::vector<std::string> names = fs_.list(directory_);
  remove_leftover_files(names);
  complete_swaps(names);
  names = fs_.list(directory_);

  // Index files whose .log is gone are orphans.
  for (const std::string& name : names) {
    for (auto kind : {kIndexFileSuffix, kTimeIndexFileSuffix}) {
      if (auto base = parse_segment_file_name(name, kind)) {
        if (!fs_.exists(join_path(directory_, segment_file_name(*base, kLogFileSuffix)))) {
          fs_.remove(join_path(directory_, name));
          load_report_.deleted_files.push_back(name);
        }
      }
    }
  }
  for (const std::string& name : names) {
    if (auto base = parse_segment_file_name(name, kLogFileSuffix)) {
      segments_.emplace(*base, LogSegment::open(fs_, directory_, *base, config_, params.now_ms));
    }
  }

  // Segments to revalidate: after an unclean shutdown, the one holding the recovery point and
  // every later one; always, any segment whose indexes could not be trusted. The first segment
  // cut short makes every later segment unreachable: they are deleted.
  // (A segment recovered only for its indexes after a clean shutdown is cut alone, as Kafka's
  // loadSegmentFiles does.) Recovered batches also restore the leader epochs they carry.
  std::vector<std::int64_t> recovered;
  for (auto it = segments_.begin(); it != segments_.end(); ++it) {
    auto next = std::next(it);
    const bool beyond_recovery_point =
        !params.had_clean_shutdown &&
        (next == segments_.end() || next->first > params.recovery_point);
    if (beyond_recovery_point || it->second->needs_recovery()) {
      SegmentRecovery recovery = it->second->recover();
      recovered.push_back(it->first);
      load_report_.truncated_bytes += recovery.truncated_bytes;
      if (!recovery.problem.empty()) load_report_.problems.push_back(recovery.problem);
      load_report_.recovered_segments.push_back(recovery);
      if (recovery.truncated_bytes > 0 && beyond_recovery_point) {
        for (auto later = std::next(it); later != segments_.end();) {
          load_report_.truncated_bytes += later->second->size();
          load_report_.deleted_files.push_back(
              segment_file_name(later->first, kLogFileSuffix));
          later->second->delete_files();
          later = segments_.erase(later);
        }
        break;
      }
    }
  }

  for (std::int64_t base : recovered) {
    segments_.at(base)->for_each_batch([&](const BatchLocation& batch) {
      const auto latest = epoch_cache_.latest_epoch();
      if (batch.header.partition_leader_epoch >= 0 &&
          (!latest || *latest < batch.header.partition_leader_epoch)) {
        epoch_cache_.assign(batch.header.partition_leader_epoch, batch.header.base_offset);
      }
      return true;
    });
  }

  if (segments_.empty()) {
    segments_.emplace(params.log_start_offset,
                      LogSegment::create(fs_, directory_, params.log_start_offset, config_,
                                         params.now_ms));
  }
  try {
    log_end_offset_ = active().read_next_offset();
  } catch (const CorruptDataError&) {
    // A clean-shutdown marker, yet the active segment does not end on a batch boundary: trust
    // the bytes, not the marker, and recover the segment.
    SegmentRecovery recovery = active().recover();
    load_report_.truncated_bytes += recovery.truncated_bytes;
    load_report_.problems.push_back(recovery.problem);
    load_report_.recovered_segments.push_back(recovery);
    log_end_offset_ = active().read_next_offset();
  }
  log_start_offset_ = std::max(params.log_start_offset, segments_.begin()->first);
  if (log_start_offset_ > log_end_offset_) {
    truncate_fully_and_start_at(log_start_offset_, params.now_ms);
  }
  recovery_point_ = params.had_clean_shutdown ? log_end_offset_
                                              : std::min(params.recovery_point, log_end_offset_);
  recovery_point_ = std::max(recovery_point_, log_start_offset_);
  // Epochs that began beyond what survived recovery, or before the log start, are gone.
  epoch_cache_.truncate_from_end(log_end_offset_);
  epoch_cache_.truncate_from_start(log_start_offset_);
  rebuild_producer_state();
}

// --- producer state ------------------------------------------------------------------------

namespace {

// Every batch from `log_start_offset` on, replayed into `state` as a follower would append it
// (Kafka's loadProducersFromRecords).
void replay_producer_state(const std::map<std::int64_t, std::unique_ptr<LogSegment>>& segments,
                           std::int64_t log_start_offset, ProducerStateManager& state) {
  for (const auto& [base, segment] : segments) {
    segment->for_each_batch([&](const BatchLocation& batch) {
      if (batch.header.last_offset() >= log_start_offset) state.load_batch(batch.header);
      return true;
    });
  }
}

}  // namespace

void Log::rebuild_producer_state() {
  producer_state_.truncate_fully_and_start_at(log_start_offset_);
  replay_producer_state(segments_, log_start_offset_, producer_state_);
  producer_state_.update_map_end_offset(log_end_offset_);
}

void Log::rebuild_producer_state_after_truncation() {
  std::vector<std::int64_t> affected;
  for (const auto& [producer_id, entry] : producer_state_.active_producers()) {
    if (entry.last_data_offset() >= log_end_offset_) affected.push_back(producer_id);
  }
  if (!affected.empty()) {
    // Batches older than the retained 5 may be what is left of these producers: read the log.
    ProducerStateManager replayed(producer_state_.topic_partition());
    replay_producer_state(segments_, log_start_offset_, replayed);
    for (const std::int64_t producer_id : affected) {
      const ProducerStateEntry* entry = replayed.last_entry(producer_id);
      producer_state_.set_entry(producer_id, entry != nullptr
                                                 ? std::optional<ProducerStateEntry>(*entry)
                                                 : std::nullopt);
    }
  }
  producer_state_.update_map_end_offset(log_end_offset_);
}

std::vector<std::int64_t> Log::remove_expired_producers(std::int64_t now_ms,
                                                        std::int64_t expiration_ms) {
  return producer_state_.remove_expired_producers(now_ms, expiration_ms);
}

void Log::assign_epoch_start_offset(std::int32_t epoch, std::int64_t start_offset) {
  return change([&] {
    epoch_cache_.assign(epoch, start_offset);
  });
}

// Kafka assigns every appended batch's epoch to the cache: a newer epoch starts there, and an
// older one removes the entries that conflict with it (LeaderEpochFileCache.assign's rules).
void Log::assign_epochs(const std::vector<BatchHeader>& headers) {
  for (const BatchHeader& header : headers) {
    if (header.partition_leader_epoch >= 0) {
      epoch_cache_.assign(header.partition_leader_epoch, header.base_offset);
    }
  }
}

// --- appends -------------------------------------------------------------------------------

LogSegment& Log::active() { return *segments_.rbegin()->second; }

LogSegment& Log::maybe_roll(std::int64_t incoming_bytes, std::int64_t incoming_max_timestamp,
                            std::int64_t incoming_first_offset, std::int64_t incoming_last_offset,
                            std::int64_t now_ms, bool& rolled) {
  LogSegment& segment = active();
  const bool too_far = incoming_last_offset - segment.base_offset() >
                       std::numeric_limits<std::int32_t>::max();
  if (segment.empty()) {
    // An empty active segment is only replaced when the offsets would not fit relative to its
    // base (a follower's first batch after a long compacted gap).
    if (too_far) {
      delete_segment(segment.base_offset());
      create_active_segment(std::max(incoming_first_offset, log_end_offset_), now_ms);
      rolled = true;
    }
  } else if (segment.should_roll(incoming_bytes, incoming_max_timestamp, incoming_last_offset,
                                 now_ms)) {
    roll_to(std::max(incoming_first_offset, log_end_offset_), now_ms);
    rolled = true;
  }
  return active();
}

void Log::create_active_segment(std::int64_t base_offset, std::int64_t now_ms) {
  segments_.emplace(base_offset,
                    LogSegment::create(fs_, directory_, base_offset, config_, now_ms));
}

LogAppendInfo Log::append_as_leader(MutableByteView batches, std::int32_t leader_epoch,
                                    std::int64_t now_ms, AppendOrigin origin) {
  return change([&] {
    const std::string partition = partition_name(directory_);
    std::vector<BatchHeader> headers = parse_batches(batches, partition, CrcCheck::by_caller);
    validate_from_client(batches, headers, partition, config_);  // CRC and every record
    // Assign offsets and stamp the epoch in place; neither field is covered by the CRC.
    std::int64_t next_offset = log_end_offset_;
    std::size_t at = 0;
    for (BatchHeader& header : headers) {
      const MutableByteView batch = batches.subspan(at, header.size_in_bytes());
      set_base_offset(batch, next_offset);
      set_partition_leader_epoch(batch, leader_epoch);
      if (config_.message_timestamp_type == TimestampType::log_append_time) {
        set_log_append_time(batch, now_ms);
      }
      header = read_batch_header(batch, batch.size());
      next_offset = header.next_offset();
      at += header.size_in_bytes();
    }
    LogAppendInfo info = append_validated(batches, headers, now_ms, origin);
    if (!info.duplicate && config_.message_timestamp_type == TimestampType::log_append_time) {
      info.log_append_time_ms = now_ms;
    }
    return info;
  });
}

LogAppendInfo Log::append_as_follower(ByteView batches, std::int64_t now_ms) {
  return change([&] {
    const std::string partition = partition_name(directory_);
    // A follower copies what its leader accepted: max.message.bytes does not apply again.
    std::vector<BatchHeader> headers = parse_batches(batches, partition);
    std::int64_t expected_at_least = log_end_offset_;
    for (const BatchHeader& header : headers) {
      if (header.base_offset < expected_at_least) {
        throw RecordValidationError(
            "CORRUPT_MESSAGE",
            fmt::format("Unexpected offset in append to {}. First offset {} is less than the next "
                        "offset {}. Log start offset = {}",
                        partition, header.base_offset, expected_at_least, log_start_offset_));
      }
      expected_at_least = header.next_offset();
    }
    return append_validated(batches, headers, now_ms, AppendOrigin::replication);
  });
}

LogAppendInfo Log::append_validated(ByteView batches, const std::vector<BatchHeader>& headers,
                                    std::int64_t now_ms, AppendOrigin origin) {
  LogAppendInfo info;
  info.first_offset = headers.front().base_offset;
  info.last_offset = headers.back().last_offset();
  info.valid_bytes = batches.size();
  info.num_batches = static_cast<std::int32_t>(headers.size());
  for (const BatchHeader& header : headers) {
    info.num_records += header.records_count;
    if (header.max_timestamp > info.max_timestamp) {
      info.max_timestamp = header.max_timestamp;
      info.offset_of_max_timestamp = header.last_offset();
    }
  }
  // Kafka rolls first, then looks at the producers: a refused or duplicate batch may still roll.
  LogSegment& segment =
      maybe_roll(static_cast<std::int64_t>(batches.size()), info.max_timestamp, info.first_offset,
                 info.last_offset, now_ms, info.rolled);
  const ProducerStateAnalysis producers = producer_state_.analyze(headers, origin);
  if (producers.duplicate) {
    info.duplicate = true;
    info.first_offset = producers.duplicate->first_offset();
    info.last_offset = producers.duplicate->last_offset;
    info.log_append_time_ms = producers.duplicate->timestamp;
    return info;
  }
  segment.append(info.last_offset, info.max_timestamp, info.offset_of_max_timestamp, batches);
  log_end_offset_ = info.last_offset + 1;
  assign_epochs(headers);
  producer_state_.update(producers);
  producer_state_.update_map_end_offset(log_end_offset_);
  return info;
}

// --- reads ---------------------------------------------------------------------------------

const LogSegment* Log::segment_for(std::int64_t offset) const {
  auto it = segments_.upper_bound(offset);
  if (it == segments_.begin()) return nullptr;
  return std::prev(it)->second.get();
}

FetchDataInfo Log::read(std::int64_t start_offset, std::size_t max_bytes,
                        std::optional<std::int64_t> max_offset, bool min_one_message) const {
  if (start_offset > log_end_offset_ || start_offset < log_start_offset_) {
    throw OffsetOutOfRangeError(fmt::format(
        "Received request for offset {} for partition {}, but we only have log segments in the "
        "range {} to {}.",
        start_offset, partition_name(directory_), log_start_offset_, log_end_offset_));
  }
  FetchDataInfo result{start_offset, {}};
  const std::int64_t limit = max_offset ? std::min(*max_offset, log_end_offset_) : log_end_offset_;
  if (start_offset >= limit) return result;

  auto it = segments_.upper_bound(start_offset);
  if (it != segments_.begin()) --it;
  for (; it != segments_.end(); ++it) {
    const LogSegment& segment = *it->second;
    const auto first = segment.translate_offset(start_offset);
    if (!first) continue;  // nothing at or after start_offset here (gaps after compaction)
    std::uint64_t end_position = segment.size();
    if (limit < log_end_offset_) {
      if (auto stop = segment.translate_offset(limit, first->position)) {
        end_position = stop->position;
      }
    }
    std::size_t total = 0;
    segment.for_each_batch(
        [&](const BatchLocation& batch) {
          if (batch.position >= end_position) return false;
          const std::size_t size = batch.header.size_in_bytes();
          if (total + size > max_bytes && !(total == 0 && min_one_message)) return false;
          total += size;
          return true;
        },
        first->position);
    result.records = segment.read_bytes(first->position, total);
    return result;
  }
  return result;
}

std::vector<Record> Log::read_records(std::int64_t start_offset,
                                      std::optional<std::int64_t> max_offset) const {
  std::vector<Record> records;
  const std::int64_t limit = max_offset ? std::min(*max_offset, log_end_offset_) : log_end_offset_;
  std::int64_t next = start_offset;
  while (next < limit) {
    const FetchDataInfo data = read(next, std::size_t{1} << 20, limit);
    if (data.records.empty()) break;
    std::int64_t last_seen = next - 1;
    for (Record& record : decode_records(data.records)) {
      last_seen = std::max(last_seen, record.offset);
      if (record.offset >= next && record.offset < limit) records.push_back(std::move(record));
    }
    std::size_t at = 0;
    while (at < data.records.size()) {  // continue after the last batch, even if it was emptied
      const BatchHeader header = read_batch_header(ByteView(data.records).subspan(at));
      last_seen = std::max(last_seen, header.last_offset());
      at += header.size_in_bytes();
    }
    next = last_seen + 1;
  }
  return records;
}

std::vector<BatchHeader> Log::batch_headers(std::int64_t start_offset) const {
  std::vector<BatchHeader> headers;
  for (const auto& [base, segment] : segments_) {
    segment->for_each_batch([&](const BatchLocation& batch) {
      if (batch.header.last_offset() >= start_offset) headers.push_back(batch.header);
      return true;
    });
  }
  return headers;
}

std::vector<Record> decode_records(ByteView batches) {
  std::vector<Record> records;
  std::size_t at = 0;
  while (at < batches.size()) {
    const BatchHeader header = read_batch_header(batches.subspan(at));
    DecodedBatch batch = decode_batch(batches.subspan(at, header.size_in_bytes()));
    for (Record& record : batch.records) records.push_back(std::move(record));
    at += header.size_in_bytes();
  }
  return records;
}

// --- truncation, roll, flush ---------------------------------------------------------------

bool Log::truncate_to(std::int64_t target_offset) {
  return change([&] {
    if (target_offset < 0) {
      throw std::invalid_argument(fmt::format("Cannot truncate partition {} to a negative offset "
                                              "({})",
                                              partition_name(directory_), target_offset));
    }
    if (target_offset >= log_end_offset_) {
      // Nothing to cut, but an epoch may have been started at the LEO with nothing appended.
      epoch_cache_.truncate_from_end(log_end_offset_);
      return false;
    }
    if (target_offset <= segments_.begin()->first) {
      truncate_fully_and_start_at(target_offset, active().largest_timestamp());
      return true;
    }
    while (segments_.rbegin()->first >= target_offset) {
      delete_segment(segments_.rbegin()->first);
    }
    active().truncate_to(target_offset);
    log_end_offset_ = active().read_next_offset();
    recovery_point_ = std::min(recovery_point_, log_end_offset_);
    log_start_offset_ = std::min(log_start_offset_, log_end_offset_);
    epoch_cache_.truncate_from_end(log_end_offset_);
    rebuild_producer_state_after_truncation();
    return true;
  });
}

void Log::truncate_fully_and_start_at(std::int64_t new_offset, std::int64_t now_ms) {
  return change([&] {
    while (!segments_.empty()) delete_segment(segments_.begin()->first);
    segments_.emplace(new_offset, LogSegment::create(fs_, directory_, new_offset, config_, now_ms));
    log_start_offset_ = new_offset;
    log_end_offset_ = new_offset;
    recovery_point_ = new_offset;
    epoch_cache_.clear();
    producer_state_.truncate_fully_and_start_at(new_offset);
  });
}

void Log::maybe_increment_log_start_offset(std::int64_t new_log_start_offset,
                                           std::optional<std::int64_t> high_watermark) {
  return change([&] {
    if (new_log_start_offset <= log_start_offset_) return;
    const std::int64_t bound = high_watermark.value_or(log_end_offset_);
    if (new_log_start_offset > bound) {
      throw OffsetOutOfRangeError(fmt::format(
          "Cannot increment the log start offset to {} of partition {} since it is larger than "
          "the high watermark {}",
          new_log_start_offset, partition_name(directory_), bound));
    }
    log_start_offset_ = new_log_start_offset;
    recovery_point_ = std::max(recovery_point_, log_start_offset_);
    epoch_cache_.truncate_from_start(log_start_offset_);
  });
}

void Log::close() {
  return change([&] {
    active().on_become_inactive();
    active().flush();  // the final time index entry, even when the log was already flushed
    flush();
  });
}

void Log::roll(std::int64_t now_ms) {
  return change([&] { roll_to(log_end_offset_, now_ms); });
}

// Kafka's roll: the active segment (if not empty) gets its final time index entry, a new one
// starts at `base_offset` (>= the LEO), and everything below it is flushed (moving the recovery
// point there): also segments recovered at startup whose rebuilt indexes were never synced.
void Log::roll_to(std::int64_t base_offset, std::int64_t now_ms) {
  LogSegment& old = active();
  if (old.empty()) return;
  old.on_become_inactive();
  create_active_segment(base_offset, now_ms);
  flush(base_offset);
}

void Log::flush(std::int64_t offset) {
  return change([&] {
    offset = std::min(offset, log_end_offset_);
    if (offset <= recovery_point_) return;
    for (auto& [base, segment] : segments_) {
      if (base >= offset) break;
      auto next = segments_.upper_bound(base);
      const std::int64_t segment_end = next == segments_.end() ? log_end_offset_ : next->first;
      if (segment_end > recovery_point_) segment->flush();
    }
    recovery_point_ = offset;
  });
}

// --- retention -----------------------------------------------------------------------------

void Log::delete_segment(std::int64_t base_offset) {
  auto it = segments_.find(base_offset);
  assert(it != segments_.end());
  it->second->delete_files();
  segments_.erase(it);
}

void Log::update_log_start_offset_after_deletion() {
  log_start_offset_ = std::max(log_start_offset_, segments_.begin()->first);
  recovery_point_ = std::max(recovery_point_, log_start_offset_);
  epoch_cache_.truncate_from_start(log_start_offset_);
}

std::vector<SegmentDeletion> Log::delete_old_segments(std::int64_t now_ms,
                                                      std::int64_t high_watermark) {
  return change([&] {
    std::vector<SegmentDeletion> deleted;
    // Kafka's deletableSegments/deleteSegments: oldest first while `breached` holds, only
    // segments entirely below the high watermark, never an empty last segment. When the active
    // segment itself is due, the log rolls first, so the segment deleted is no longer active.
    const auto delete_while = [&](SegmentDeletionReason reason, auto breached) {
      while (!segments_.empty()) {
        auto oldest = segments_.begin();
        const auto next = std::next(oldest);
        const bool last = next == segments_.end();
        const std::int64_t upper_bound = last ? log_end_offset_ : next->first;
        if (last && oldest->second->empty()) break;
        if (upper_bound > high_watermark || !breached(*oldest->second, last, upper_bound)) break;
        if (last) roll_to(log_end_offset_, now_ms);
        deleted.push_back({oldest->first, upper_bound, oldest->second->size(), reason});
        delete_segment(oldest->first);
      }
    };
    delete_while(SegmentDeletionReason::log_start_offset,
                 [&](const LogSegment&, bool last, std::int64_t upper_bound) {
                   return !last && upper_bound <= log_start_offset_;
                 });
    if (config_.deletes() && config_.retention_bytes >= 0) {
      auto excess = static_cast<std::int64_t>(size_in_bytes()) - config_.retention_bytes;
      delete_while(SegmentDeletionReason::retention_size,
                   [&](const LogSegment& s, bool, std::int64_t) {
                     const auto size = static_cast<std::int64_t>(s.size());
                     if (excess - size < 0) return false;
                     excess -= size;
                     return true;
                   });
    }
    if (config_.deletes() && config_.retention_ms >= 0) {
      delete_while(SegmentDeletionReason::retention_time,
                   [&](const LogSegment& s, bool, std::int64_t) {
                     return now_ms - s.largest_timestamp() > config_.retention_ms;
                   });
    }
    if (!deleted.empty()) update_log_start_offset_after_deletion();
    return deleted;
  });
}

std::uint64_t Log::size_in_bytes() const {
  std::uint64_t total = 0;
  for (const auto& [base, segment] : segments_) total += segment->size();
  return total;
}

std::vector<const LogSegment*> Log::segments() const {
  std::vector<const LogSegment*> out;
  for (const auto& [base, segment] : segments_) out.push_back(segment.get());
  return out;
}

void Log::delete_directory() {
  segments_.clear();
  remove_recursively(fs_, directory_);
}

}  // namespace ksim::storage
