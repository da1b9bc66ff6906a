// The leader epoch cache of one partition (Kafka's LeaderEpochFileCache) and its file,
// `leader-epoch-checkpoint` in the partition's directory (LeaderEpochCheckpointFile):
//
//   0                version
//   2                entry count
//   0 0              epoch startOffset: epoch 0 began at offset 0
//   3 120            epoch 3 began at offset 120
//
// Entries are kept with epochs and start offsets both strictly increasing. Every mutation
// rewrites the file atomically before it returns (Kafka flushes assign synchronously; its recent
// versions flush truncations in the background, which ksim does not model).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/storage/file_system.h"

namespace ksim::storage {

inline constexpr std::string_view leader_epoch_checkpoint_file = "leader-epoch-checkpoint";
inline constexpr std::int32_t leader_epoch_checkpoint_version = 0;

// OffsetsForLeaderEpochResponse's sentinels.
inline constexpr std::int32_t undefined_epoch = -1;
inline constexpr std::int64_t undefined_epoch_offset = -1;

// Epoch `epoch` began at `start_offset` (the offset of its first record).
struct EpochEntry {
  std::int32_t epoch = 0;
  std::int64_t start_offset = 0;
  friend bool operator==(const EpochEntry&, const EpochEntry&) = default;
};

// An OffsetsForLeaderEpoch answer: the epoch the leader answers for and where it ends.
struct EpochEndOffset {
  std::int32_t leader_epoch = undefined_epoch;
  std::int64_t end_offset = undefined_epoch_offset;
  friend bool operator==(const EpochEndOffset&, const EpochEndOffset&) = default;
};

// The file's bytes for `entries`, in the given order. Throws std::invalid_argument for a negative
// epoch or offset (it would not read back).
std::string format_leader_epoch_checkpoint(std::span<const EpochEntry> entries);
// Parses a file's bytes; `path` names it in errors. Throws CorruptDataError on a malformed file
// (including a negative epoch or offset). Entries come back in file order, unchecked for order.
std::vector<EpochEntry> parse_leader_epoch_checkpoint(std::string_view text,
                                                      std::string_view path);
// A missing file reads as no entries.
std::vector<EpochEntry> read_leader_epoch_checkpoint(FileSystem& fs, std::string_view path);
void write_leader_epoch_checkpoint(FileSystem& fs, std::string_view path,
                                   std::span<const EpochEntry> entries);

class LeaderEpochCache {
 public:
  // Loads `checkpoint_path` (a missing file is an empty cache), applying assign()'s rules to the
  // entries in file order as Kafka does; loading writes nothing.
  LeaderEpochCache(FileSystem& fs, std::string checkpoint_path);
  LeaderEpochCache(const LeaderEpochCache&) = delete;
  LeaderEpochCache& operator=(const LeaderEpochCache&) = delete;
  LeaderEpochCache(LeaderEpochCache&&) = default;
  LeaderEpochCache& operator=(LeaderEpochCache&&) = default;

  // Records that `epoch` begins at `start_offset`. Kafka's rules:
  // - ignored (no write) if `epoch` is the latest epoch and `start_offset` is not lower than its
  //   start: an epoch keeps its earliest start offset;
  // - otherwise the latest entries that conflict with it (epoch >= `epoch`, or start offset >=
  //   `start_offset`) are removed, then it is appended.
  // Throws std::invalid_argument for a negative epoch or offset (Kafka: IllegalArgumentException).
  void assign(std::int32_t epoch, std::int64_t start_offset);

  std::optional<std::int32_t> latest_epoch() const;
  std::optional<EpochEntry> latest_entry() const;
  std::optional<EpochEntry> earliest_entry() const;

  // The epoch the record at `offset` was written in: the entry with the largest start offset <=
  // `offset`; nullopt if `offset` is before the first entry (or the cache is empty).
  std::optional<std::int32_t> epoch_for_offset(std::int64_t offset) const;

  // The leader's answer to OffsetsForLeaderEpoch(requested_epoch) since Kafka 2.0 (KIP-279):
  // - undefined (-1, -1) if `requested_epoch` is undefined (-1);
  // - (requested_epoch, log_end_offset) if it is the latest epoch;
  // - undefined (-1, -1) if no epoch is greater than it, or if it is below the earliest epoch
  //   (the follower then falls back to its high watermark);
  // - else (the largest epoch <= requested_epoch, the start offset of the first epoch greater
  //   than requested_epoch).
  // Answering with the largest epoch <= requested lets a follower that asked about an epoch the
  // leader never had truncate to the end of an epoch both know (KIP-279's fix for the divergence
  // after fast successive leader changes).
  EpochEndOffset end_offset_for(std::int32_t requested_epoch, std::int64_t log_end_offset) const;

  // The 2.1+ answer (KAFKA-7415, still Kafka's today, used with KIP-320): as end_offset_for,
  // except that an epoch below the earliest gets (requested_epoch, start offset of the earliest
  // entry) instead of undefined, so the follower lands on the leader's log start.
  EpochEndOffset end_offset_for_since_2_1(std::int32_t requested_epoch,
                                          std::int64_t log_end_offset) const;

  // The 0.11 answer (KIP-101), an end offset with no epoch:
  // - undefined (-1) if `requested_epoch` is undefined (-1);
  // - `log_end_offset` if it is the latest epoch;
  // - undefined (-1) if no epoch is greater than it or it is below the earliest epoch;
  // - else the start offset of the first epoch greater than `requested_epoch`.
  // No "largest epoch <= requested" step: a follower whose latest epoch the leader never had
  // gets the start of the leader's next epoch and keeps records the leader does not have (the
  // divergence KIP-279 fixed).
  std::int64_t end_offset_for_kip101(std::int32_t requested_epoch,
                                     std::int64_t log_end_offset) const;

  // The log was truncated to `end_offset`: removes every entry whose start offset is >=
  // `end_offset`. No-op (no write) if `end_offset` is negative or nothing starts that late.
  void truncate_from_end(std::int64_t end_offset);

  // The log start moved to `start_offset`: removes every entry whose start offset is <=
  // `start_offset` and puts back the last of them starting at `start_offset` (so the epoch of
  // the record at `start_offset` stays known). No-op (no write) if no entry starts that early.
  void truncate_from_start(std::int64_t start_offset);

  // Removes every entry and writes the empty checkpoint (Kafka's clearAndFlush).
  void clear();

  const std::vector<EpochEntry>& entries() const { return epochs_; }
  const std::string& checkpoint_path() const { return checkpoint_path_; }

 private:
  // assign() without the write; true if the entries changed.
  bool apply_assign(EpochEntry entry);
  void write_checkpoint();

  FileSystem* fs_;
  std::string checkpoint_path_;
  std::vector<EpochEntry> epochs_;  // epochs and start offsets strictly increasing
};

}  // namespace ksim::storage
