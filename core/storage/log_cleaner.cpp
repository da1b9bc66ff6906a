#include "core/storage/log_cleaner.h"

#include <algorithm>
#include <string>
#include <unordered_map>

#include "core/storage/errors.h"

namespace ksim::storage {
namespace {

// The latest offset of every key in the cleanable range. Only looked up, never iterated, so
// its hash order cannot influence what is kept.
using OffsetMap = std::unordered_map<std::string, std::int64_t>;

std::string key_of(const Record& record) { return to_string(*record.key); }

// Rewrites one batch keeping `retained` records at their offsets and the batch's original last
// offset (Kafka's overrideLastOffset, which producer state relies on). A batch that keeps a
// tombstone gets a delete horizon (KIP-534) if it has none yet.
Bytes rewrite_batch(const BatchHeader& h, const std::vector<Record>& retained,
                    std::optional<std::int64_t> delete_horizon_ms) {
  BatchSpec spec;
  spec.base_offset = h.base_offset;
  spec.partition_leader_epoch = h.partition_leader_epoch;
  spec.compression = h.compression();
  spec.timestamp_type = h.timestamp_type();
  spec.transactional = h.is_transactional();
  spec.control = h.is_control();
  spec.producer_id = h.producer_id;
  spec.producer_epoch = h.producer_epoch;
  spec.base_sequence = h.base_sequence;
  spec.last_offset_delta = h.last_offset_delta;
  spec.delete_horizon_ms = delete_horizon_ms;
  return encode_batch(spec, retained);
}

}  // namespace

CleanerStats LogCleaner::clean(Log& log, std::int64_t now_ms, std::int64_t high_watermark) {
  return log.change([&] { return clean_log(log, now_ms, high_watermark); });
}

namespace {

// The cleanable segments' base offsets: whole, inactive, below the high watermark, older than
// min.compaction.lag.ms; and the first offset that is not cleanable.
std::vector<std::int64_t> cleanable_segments(const std::vector<const LogSegment*>& segments,
                                             const LogConfig& config, std::int64_t now_ms,
                                             std::int64_t high_watermark,
                                             std::int64_t& first_uncleanable_offset) {
  first_uncleanable_offset = std::min(high_watermark, segments.back()->base_offset());
  std::vector<std::int64_t> cleanable;
  for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
    const std::int64_t next_base = segments[i + 1]->base_offset();
    const bool within_lag =
        now_ms - segments[i]->largest_timestamp() < config.min_compaction_lag_ms;
    if (next_base > high_watermark || within_lag) {
      first_uncleanable_offset = segments[i]->base_offset();
      break;
    }
    cleanable.push_back(segments[i]->base_offset());
  }
  return cleanable;
}

}  // namespace

LogToClean LogCleaner::log_to_clean(const Log& log, std::int64_t now_ms,
                                    std::int64_t high_watermark, std::int64_t cleaner_checkpoint) {
  const std::vector<const LogSegment*> segments = log.segments();
  LogToClean result;
  const std::vector<std::int64_t> cleanable = cleanable_segments(
      segments, log.config(), now_ms, high_watermark, result.first_uncleanable_offset);
  result.first_dirty_offset =
      std::clamp(cleaner_checkpoint, log.log_start_offset(), result.first_uncleanable_offset);
  for (std::size_t i = 0; i < cleanable.size(); ++i) {
    // A segment wholly below the checkpoint is clean; one reaching past it is dirty.
    const std::int64_t next_base = segments[i + 1]->base_offset();
    (next_base <= result.first_dirty_offset ? result.clean_bytes : result.dirty_bytes) +=
        segments[i]->size();
  }
  return result;
}

CleanerStats LogCleaner::clean_log(Log& log, std::int64_t now_ms, std::int64_t high_watermark) {
  CleanerStats stats;
  const LogConfig& config = log.config();
  if (!config.compacts()) {
    stats.first_uncleanable_offset = std::min(high_watermark, log.active_segment().base_offset());
    return stats;
  }
  const std::vector<std::int64_t> cleanable = cleanable_segments(
      log.segments(), config, now_ms, high_watermark, stats.first_uncleanable_offset);
  if (cleanable.empty()) return stats;

  OffsetMap latest;
  for (std::int64_t base : cleanable) {
    log.segments_.at(base)->for_each_batch([&](const BatchLocation& location) {
      if (location.header.is_control()) return true;
      const Bytes bytes = log.segments_.at(base)->read_bytes(location.position,
                                                             location.header.size_in_bytes());
      for (const Record& record : decode_batch(bytes).records) {
        if (record.key) latest[key_of(record)] = record.offset;
      }
      return true;
    });
  }

  for (std::int64_t base : cleanable) {
    LogSegment& old = *log.segments_.at(base);
    std::vector<Bytes> batches;
    old.for_each_batch([&](const BatchLocation& location) {
      const Bytes bytes = old.read_bytes(location.position, location.header.size_in_bytes());
      const DecodedBatch batch = decode_batch(bytes);
      if (batch.header.is_control()) {
        batches.push_back(bytes);
        return true;
      }
      // KIP-534: a batch's tombstones go once the cleaner runs past the horizon stamped on the
      // batch when it was first cleaned.
      const auto horizon = batch.header.delete_horizon_ms();
      const bool tombstones_expired = horizon && now_ms >= *horizon;
      std::vector<Record> retained;
      bool keeps_tombstone = false;
      for (const Record& record : batch.records) {
        ++stats.records_read;
        const bool newest = record.key && latest.at(key_of(record)) == record.offset;
        if (!newest) continue;
        if (!record.value) {
          if (tombstones_expired) {
            ++stats.tombstones_removed;
            continue;
          }
          keeps_tombstone = true;
        }
        retained.push_back(record);
      }
      stats.records_retained += static_cast<std::int64_t>(retained.size());
      if (retained.empty()) return true;
      const bool needs_horizon = keeps_tombstone && !horizon;
      if (retained.size() == batch.records.size() && !needs_horizon) {
        batches.push_back(bytes);  // unchanged: the original bytes
      } else {
        batches.push_back(rewrite_batch(
            batch.header, retained,
            keeps_tombstone ? horizon.value_or(now_ms + config.delete_retention_ms)
                            : std::optional<std::int64_t>{}));
      }
      return true;
    });

    stats.bytes_before += old.size();
    ++stats.segments_cleaned;
    // An emptied segment is dropped, except the first: it keeps the log start offset where
    // retention put it (compaction never moves the log start offset, also across a restart).
    const bool first_segment = base == log.segments_.begin()->first;
    if (batches.empty() && !first_segment) {
      old.delete_files();
      log.segments_.erase(base);
      ++stats.segments_removed;
      continue;
    }
    auto cleaned = LogSegment::create(log.fs_, log.directory_, base, config, now_ms,
                                      kCleanedFileSuffix);
    for (const Bytes& batch : batches) {
      const BatchHeader header = read_batch_header(batch);
      cleaned->append(header.last_offset(), header.max_timestamp, header.last_offset(), batch);
    }
    cleaned->on_become_inactive();
    cleaned->flush();
    cleaned->change_file_suffix(kCleanedFileSuffix, kSwapFileSuffix);
    old.delete_files();
    cleaned->change_file_suffix(kSwapFileSuffix, "");
    stats.bytes_after += cleaned->size();
    log.segments_[base] = std::move(cleaned);
  }
  return stats;
}

}  // namespace ksim::storage
