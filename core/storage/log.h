// A partition's log: the directory `<topic>-<partition>/` holding its segments (Kafka's
// UnifiedLog/LocalLog without the replication state). It assigns offsets on a leader append,
// keeps a follower's offsets, reads from any offset, rolls, truncates, flushes (the recovery
// point), deletes by retention, compacts, and recovers after an unclean shutdown.
//
// Offsets: the log start offset is the first offset that may be read; the log end offset (LEO)
// is the offset the next record gets. The recovery point is the offset below which everything
// was fsynced: recovery after an unclean shutdown only revalidates what lies beyond it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/storage/errors.h"
#include "core/storage/file_system.h"
#include "core/storage/leader_epoch_cache.h"
#include "core/storage/log_config.h"
#include "core/storage/log_segment.h"
#include "core/storage/producer_state_manager.h"
#include "core/storage/record_batch.h"

namespace ksim::storage {

// What an append wrote (Kafka's LogAppendInfo).
struct LogAppendInfo {
  std::int64_t first_offset = -1;
  std::int64_t last_offset = -1;
  std::int64_t max_timestamp = -1;
  std::int64_t offset_of_max_timestamp = -1;
  std::int64_t log_append_time_ms = -1;  // set when message.timestamp.type=LogAppendTime
  std::int32_t num_records = 0;
  std::int32_t num_batches = 0;
  std::uint64_t valid_bytes = 0;
  bool rolled = false;  // a new segment was started for this append
  // A producer's retry of a batch the log already holds (Kafka's maybeDuplicate): nothing was
  // written; first_offset, last_offset and log_append_time_ms are the original batch's (its
  // offsets and its max timestamp, as Kafka answers them).
  bool duplicate = false;
};

// Bytes read from the log: whole batches, the first of which holds fetch_offset (it may start
// before it: a reader skips the records below the offset it asked for).
struct FetchDataInfo {
  std::int64_t fetch_offset = 0;
  Bytes records;
};

// How the log was found when opened.
struct LogLoadParams {
  std::int64_t log_start_offset = 0;      // from log-start-offset-checkpoint
  std::int64_t recovery_point = 0;        // from recovery-point-offset-checkpoint
  bool had_clean_shutdown = true;         // the .kafka_cleanshutdown marker was present
  std::int64_t now_ms = 0;
};

// What load found and did (for the transcript and for tests).
struct LogLoadReport {
  std::vector<SegmentRecovery> recovered_segments;  // one per revalidated segment
  std::uint64_t truncated_bytes = 0;                // corrupt or torn bytes cut off
  std::vector<std::string> deleted_files;           // leftovers: .cleaned, .deleted, orphan index
  std::vector<std::string> problems;                // what was invalid, per truncation
};

// Why segments were deleted.
enum class SegmentDeletionReason { retention_time, retention_size, log_start_offset };

struct SegmentDeletion {
  std::int64_t base_offset = 0;
  std::int64_t next_offset = 0;
  std::uint64_t size = 0;
  SegmentDeletionReason reason = SegmentDeletionReason::retention_time;
};

class Log {
 public:
  // Opens the partition directory (created if missing), deleting leftovers of interrupted
  // compactions, and recovering every segment from the recovery point on unless the shutdown
  // was clean. Throws CorruptDataError only for what cannot be repaired by truncation.
  Log(FileSystem& fs, std::string directory, const LogConfig& config, const LogLoadParams& params);
  ~Log();
  Log(const Log&) = delete;
  Log& operator=(const Log&) = delete;

  const std::string& directory() const { return directory_; }
  const LogConfig& config() const { return config_; }
  void update_config(const LogConfig& config);
  const LogLoadReport& load_report() const { return load_report_; }

  std::int64_t log_start_offset() const { return log_start_offset_; }
  std::int64_t log_end_offset() const { return log_end_offset_; }
  std::int64_t recovery_point() const { return recovery_point_; }
  std::uint64_t size_in_bytes() const;
  std::size_t number_of_segments() const { return segments_.size(); }
  std::vector<const LogSegment*> segments() const;
  const LogSegment& active_segment() const { return *segments_.rbegin()->second; }

  // The partition's leader epochs (leader-epoch-checkpoint in the directory). Appends record
  // each new epoch's first offset; truncation and log start changes trim it.
  const LeaderEpochCache& leader_epoch_cache() const { return epoch_cache_; }
  // A new leader records (its epoch, its LEO) before any append (Kafka 2.1+).
  void assign_epoch_start_offset(std::int32_t epoch, std::int64_t start_offset);

  // Leader append: validates each batch (magic, length, CRC, record count, max.message.bytes,
  // keys on a compacted topic), then assigns offsets from the LEO and stamps the leader epoch
  // in place, then checks the producer state as `origin` requires (producer_state_manager.h):
  // a client's duplicate is not written (LogAppendInfo::duplicate). Throws
  // RecordValidationError (ProducerStateError for the producer checks; nothing appended) or
  // IoError.
  LogAppendInfo append_as_leader(MutableByteView batches, std::int32_t leader_epoch,
                                 std::int64_t now_ms, AppendOrigin origin = AppendOrigin::client);
  // Follower append: the batches keep the leader's offsets and epochs; they must be valid and
  // start at or after the LEO. The producer state takes them in unchecked.
  LogAppendInfo append_as_follower(ByteView batches, std::int64_t now_ms);

  // The idempotent producers' state (Kafka's ProducerStateManager). It follows the log: built
  // by scanning the log from its start when the log is opened (ksim writes no `.snapshot`
  // files), updated by every append, rebuilt for the producers whose batches a truncation
  // removed, cleared by truncate_fully_and_start_at. A higher log start offset keeps it (3.x).
  const ProducerStateManager& producer_state_manager() const { return producer_state_; }
  // Kafka's PeriodicProducerExpirationCheck: forgets producers whose last batch's timestamp is
  // producer.id.expiration.ms or more before now. Returns the ids removed.
  std::vector<std::int64_t> remove_expired_producers(
      std::int64_t now_ms, std::int64_t expiration_ms = kDefaultProducerIdExpirationMs);

  // Reads whole batches from start_offset, at most max_bytes unless the first batch alone is
  // larger (min_one_message), stopping before the batch holding max_offset (exclusive; a
  // consumer passes the high watermark). Throws OffsetOutOfRangeError.
  FetchDataInfo read(std::int64_t start_offset, std::size_t max_bytes,
                     std::optional<std::int64_t> max_offset = std::nullopt,
                     bool min_one_message = true) const;
  // Convenience: the records from start_offset (inclusive) up to max_offset (exclusive).
  std::vector<Record> read_records(std::int64_t start_offset,
                                   std::optional<std::int64_t> max_offset = std::nullopt) const;
  // The batch headers from start_offset to the end (dump-log, the GUI's partition strip).
  std::vector<BatchHeader> batch_headers(std::int64_t start_offset = 0) const;

  // Removes every batch that holds an offset >= target_offset (a batch straddling the target
  // goes as a whole, as in Kafka, so the new LEO may be below target). Returns true if anything
  // was removed.
  bool truncate_to(std::int64_t target_offset);
  // Deletes everything and starts empty at new_offset (a follower behind the leader's start).
  void truncate_fully_and_start_at(std::int64_t new_offset, std::int64_t now_ms);
  // Raises the log start offset (DeleteRecords, or a leader's start seen by a follower); never
  // beyond the high watermark (the LEO when not given).
  void maybe_increment_log_start_offset(std::int64_t new_log_start_offset,
                                        std::optional<std::int64_t> high_watermark = {});

  // Starts a new active segment at the LEO (a no-op if the active segment is empty), flushing
  // everything below it.
  void roll(std::int64_t now_ms);
  // A clean shutdown: the active segment's final time index entry, then everything flushed.
  void close();
  // fsyncs every segment below `offset` and moves the recovery point there.
  void flush(std::int64_t offset);
  void flush() { flush(log_end_offset_); }

  // Deletes whole segments, oldest first, only those entirely below high_watermark, in Kafka's
  // order: those below the log start offset, those over retention.bytes (while what remains is
  // still at least retention.bytes), those whose newest record is older than retention.ms. An
  // expired active segment is rolled first, so the active segment itself is never deleted. A
  // compact-only topic only loses segments below its log start offset.
  std::vector<SegmentDeletion> delete_old_segments(std::int64_t now_ms,
                                                   std::int64_t high_watermark);

  // Deletes the directory and everything in it (topic deletion).
  void delete_directory();

  // An I/O error in any change (append, roll, flush, truncation, retention) takes the log
  // offline, as Kafka takes a failed log directory offline: every later change throws IoError
  // until the log is opened again (at the broker's next start). Reads still show what is there.
  bool is_offline() const { return offline_; }

 private:
  friend class LogCleaner;
  void load(const LogLoadParams& params);
  void remove_leftover_files(std::vector<std::string>& names);
  void complete_swaps(const std::vector<std::string>& names);
  LogSegment& active();
  LogSegment& maybe_roll(std::int64_t incoming_bytes, std::int64_t incoming_max_timestamp,
                         std::int64_t incoming_first_offset, std::int64_t incoming_last_offset,
                         std::int64_t now_ms, bool& rolled);
  void roll_to(std::int64_t base_offset, std::int64_t now_ms);
  void create_active_segment(std::int64_t base_offset, std::int64_t now_ms);
  LogAppendInfo append_validated(ByteView batches, const std::vector<BatchHeader>& headers,
                                 std::int64_t now_ms, AppendOrigin origin);
  // Replays every batch from the log start into an empty producer state.
  void rebuild_producer_state();
  // After a truncation: producers whose retained batches all survived keep their entry; the
  // others get what a replay of the remaining log gives (or nothing).
  void rebuild_producer_state_after_truncation();
  const LogSegment* segment_for(std::int64_t offset) const;
  void delete_segment(std::int64_t base_offset);
  void update_log_start_offset_after_deletion();
  void assign_epochs(const std::vector<BatchHeader>& headers);
  // Runs a change; an IoError from it takes the log offline. Throws if already offline.
  template <typename Body>
  auto change(Body&& body);

  FileSystem& fs_;
  std::string directory_;
  LogConfig config_;
  std::map<std::int64_t, std::unique_ptr<LogSegment>> segments_;  // by base offset
  std::int64_t log_start_offset_ = 0;
  std::int64_t log_end_offset_ = 0;
  std::int64_t recovery_point_ = 0;
  LeaderEpochCache epoch_cache_;
  ProducerStateManager producer_state_;
  LogLoadReport load_report_;
  bool offline_ = false;
};

template <typename Body>
auto Log::change(Body&& body) {
  if (offline_) {
    throw IoError(IoError::Kind::io_failure,
                  "The log directory " + directory_ +
                      " is offline after an I/O error; it comes back when the broker restarts");
  }
  try {
    return body();
  } catch (const IoError&) {
    offline_ = true;
    throw;
  }
}

// Decodes every record of a buffer of concatenated batches (what read() returns).
std::vector<Record> decode_records(ByteView batches);

}  // namespace ksim::storage
