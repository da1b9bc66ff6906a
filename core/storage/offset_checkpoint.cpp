#include "core/storage/offset_checkpoint.h"

#include <stdexcept>
#include <vector>

#include "core/storage/checkpoint_file.h"
#include "core/storage/errors.h"

namespace ksim::storage {

std::string format_offset_checkpoint(const TopicPartitionOffsets& offsets) {
  std::vector<std::string> entries;
  entries.reserve(offsets.size());
  for (const auto& [partition, offset] : offsets) {
    const bool readable = !partition.topic.empty() && partition.partition >= 0 &&
                          partition.topic.find_first_of(" \t\f\v\r\n") == std::string::npos;
    if (!readable) {
      throw std::invalid_argument("partition '" + partition.to_string() +
                                  "' cannot be written to an offset checkpoint file");
    }
    entries.push_back(partition.topic + " " + std::to_string(partition.partition) + " " +
                      std::to_string(offset));
  }
  return format_checkpoint_lines(offset_checkpoint_version, entries);
}

TopicPartitionOffsets parse_offset_checkpoint(std::string_view text, std::string_view path) {
  std::map<TopicPartition, std::size_t> first_seen_on_line;
  TopicPartitionOffsets offsets;
  for (const CheckpointLine& line : parse_checkpoint_lines(text, path, offset_checkpoint_version)) {
    const auto fields = split_checkpoint_fields(line.text);
    if (fields.size() != 3) {
      throw_malformed_checkpoint_line(path, line, "expected 'topic partition offset'");
    }
    const auto partition = parse_int32(fields[1]);
    if (!partition || *partition < 0) {
      throw_malformed_checkpoint_line(
          path, line, "partition '" + std::string(fields[1]) + "' is not a non-negative integer");
    }
    const auto offset = parse_int64(fields[2]);
    if (!offset) {
      throw_malformed_checkpoint_line(path, line,
                                      "offset '" + std::string(fields[2]) + "' is not an integer");
    }
    TopicPartition key{std::string(fields[0]), *partition};
    const auto [seen, inserted] = first_seen_on_line.emplace(key, line.line_number);
    if (!inserted) {
      throw_malformed_checkpoint_line(path, line,
                                      key.to_string() + " already appears on line " +
                                          std::to_string(seen->second));
    }
    offsets.emplace(std::move(key), *offset);
  }
  return offsets;
}

TopicPartitionOffsets read_offset_checkpoint(FileSystem& fs, std::string_view path) {
  const auto text = detail::read_text_file_if_exists(fs, path);
  if (!text) return {};
  return parse_offset_checkpoint(*text, path);
}

void write_offset_checkpoint(FileSystem& fs, std::string_view path,
                             const TopicPartitionOffsets& offsets) {
  detail::write_text_file_atomically(fs, path, format_offset_checkpoint(offsets));
}

}  // namespace ksim::storage
