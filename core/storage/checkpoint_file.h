// Kafka's checkpoint text format (server-common CheckpointFile), shared by the offset checkpoint
// files and leader-epoch-checkpoint:
//
//   <version>\n            always 0 for the files ksim writes
//   <entry count>\n
//   <one entry per line>\n
//
// Reading follows Kafka: an empty file, or one holding only the version line, reads as no
// entries; anything else that is off is a CorruptDataError naming the file, the line and the
// problem. Lines end with '\n' ("\r\n" is accepted too); the last one may lack it.
//
// Also here: the two file helpers the checkpoint writers share. They talk to File/FileSystem
// directly (open "<path>.tmp" with create_truncate, append, fsync, rename over <path>).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/storage/file_system.h"

namespace ksim::storage {

// One entry line of a checkpoint file and where it was (1-based, as an editor counts lines).
struct CheckpointLine {
  std::size_t line_number = 0;
  std::string_view text;
};

// Splits `text` into its version, count and entry lines; checks the version against
// `expected_version` and the count against the number of entry lines. `path` names the file in
// error messages. The returned views point into `text`.
std::vector<CheckpointLine> parse_checkpoint_lines(std::string_view text, std::string_view path,
                                                   std::int32_t expected_version);

// The file's text for the given entry lines (each without its '\n').
std::string format_checkpoint_lines(std::int32_t version, const std::vector<std::string>& entries);

// "Malformed line in checkpoint file (<path>) line <n>: '<line>' (<problem>)".
[[noreturn]] void throw_malformed_checkpoint_line(std::string_view path, const CheckpointLine& line,
                                                  std::string_view problem);

// The whitespace-separated fields of an entry line (Kafka splits at runs of whitespace).
std::vector<std::string_view> split_checkpoint_fields(std::string_view line);

// A whole base-10 integer (an optional '-' and digits, nothing else, in range), or nullopt.
std::optional<std::int32_t> parse_int32(std::string_view text);
std::optional<std::int64_t> parse_int64(std::string_view text);

namespace detail {

// The file's content, or nullopt when it does not exist.
std::optional<std::string> read_text_file_if_exists(FileSystem& fs, std::string_view path);

// Writes `text` to "<path>.tmp", fsyncs it and renames it over `path`: a reader sees the old or
// the new content, never a mix, even across a power loss. Errors (IoError) propagate; `path` is
// then untouched.
void write_text_file_atomically(FileSystem& fs, std::string_view path, std::string_view text);

}  // namespace detail

}  // namespace ksim::storage
