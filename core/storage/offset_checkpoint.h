// Kafka's offset checkpoint files (OffsetCheckpointFile): one per log directory for each of
//   replication-offset-checkpoint     every partition's high watermark
//   recovery-point-offset-checkpoint  the offset up to which each log is known flushed
//   log-start-offset-checkpoint       every partition's log start offset
// The format is CheckpointFile's (see checkpoint_file.h), version 0, one entry per line:
//
//   0
//   2
//   my-topic 0 42
//   my-topic 1 17
//
// Entries are written sorted by (topic, partition), so the same offsets give the same bytes.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "core/storage/file_system.h"
#include "core/storage/topic_partition.h"

namespace ksim::storage {

inline constexpr std::string_view replication_offset_checkpoint_file =
    "replication-offset-checkpoint";
inline constexpr std::string_view recovery_point_offset_checkpoint_file =
    "recovery-point-offset-checkpoint";
inline constexpr std::string_view log_start_offset_checkpoint_file = "log-start-offset-checkpoint";

inline constexpr std::int32_t offset_checkpoint_version = 0;

using TopicPartitionOffsets = std::map<TopicPartition, std::int64_t>;

// The file's bytes. Throws std::invalid_argument for an entry that could not be read back (an
// empty topic, a topic containing whitespace, a negative partition): Kafka never has those.
std::string format_offset_checkpoint(const TopicPartitionOffsets& offsets);

// Parses a file's bytes; `path` names the file in error messages. Throws CorruptDataError on a
// malformed file (wrong version, bad count, a line that is not "topic partition offset", a
// negative partition, or the same partition twice).
TopicPartitionOffsets parse_offset_checkpoint(std::string_view text, std::string_view path);

// Reads the file at `path`; a missing file reads as no entries.
TopicPartitionOffsets read_offset_checkpoint(FileSystem& fs, std::string_view path);

// Writes the file atomically ("<path>.tmp", fsync, rename over <path>).
void write_offset_checkpoint(FileSystem& fs, std::string_view path,
                             const TopicPartitionOffsets& offsets);

}  // namespace ksim::storage
