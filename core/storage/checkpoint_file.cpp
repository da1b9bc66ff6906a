#include "core/storage/checkpoint_file.h"

#include <charconv>

#include "core/storage/bytes.h"
#include "core/storage/errors.h"

namespace ksim::storage {
namespace {

// Every line of `text` with its number; a final line without '\n' counts, an empty tail after
// the last '\n' does not (Java's BufferedReader.readLine sees the same lines).
std::vector<CheckpointLine> split_lines(std::string_view text) {
  std::vector<CheckpointLine> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back({lines.size() + 1, line});
    start = end + 1;
  }
  return lines;
}

template <typename Int>
std::optional<Int> parse_integer(std::string_view text) {
  Int value{};
  const char* first = text.data();
  const char* last = text.data() + text.size();
  const auto [end, ec] = std::from_chars(first, last, value);
  if (text.empty() || ec != std::errc{} || end != last) return std::nullopt;
  return value;
}

}  // namespace

std::optional<std::int32_t> parse_int32(std::string_view text) {
  return parse_integer<std::int32_t>(text);
}

std::optional<std::int64_t> parse_int64(std::string_view text) {
  return parse_integer<std::int64_t>(text);
}

void throw_malformed_checkpoint_line(std::string_view path, const CheckpointLine& line,
                                     std::string_view problem) {
  throw CorruptDataError("Malformed line in checkpoint file (" + std::string(path) + ") line " +
                         std::to_string(line.line_number) + ": '" + std::string(line.text) +
                         "' (" + std::string(problem) + ")");
}

std::vector<CheckpointLine> parse_checkpoint_lines(std::string_view text, std::string_view path,
                                                   std::int32_t expected_version) {
  std::vector<CheckpointLine> lines = split_lines(text);
  if (lines.empty()) return {};

  const auto version = parse_int32(lines[0].text);
  if (!version) throw_malformed_checkpoint_line(path, lines[0], "expected the version number");
  if (*version != expected_version) {
    throw CorruptDataError("Unrecognized version of the checkpoint file (" + std::string(path) +
                           "): " + std::to_string(*version) + " (expected " +
                           std::to_string(expected_version) + ")");
  }
  if (lines.size() == 1) return {};  // Kafka reads a file cut after its version as empty.

  const auto count = parse_int32(lines[1].text);
  if (!count || *count < 0) {
    throw_malformed_checkpoint_line(path, lines[1], "expected the number of entries");
  }
  lines.erase(lines.begin(), lines.begin() + 2);
  if (lines.size() != static_cast<std::size_t>(*count)) {
    throw CorruptDataError("Expected " + std::to_string(*count) + " entries in checkpoint file (" +
                           std::string(path) + ") but found " + std::to_string(lines.size()));
  }
  return lines;
}

std::string format_checkpoint_lines(std::int32_t version, const std::vector<std::string>& entries) {
  std::string text = std::to_string(version) + "\n" + std::to_string(entries.size()) + "\n";
  for (const auto& entry : entries) {
    text += entry;
    text += '\n';
  }
  return text;
}

std::vector<std::string_view> split_checkpoint_fields(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\f' || c == '\v'; };
  while (i < line.size()) {
    while (i < line.size() && is_space(line[i])) ++i;
    const std::size_t start = i;
    while (i < line.size() && !is_space(line[i])) ++i;
    if (i > start) fields.push_back(line.substr(start, i - start));
  }
  return fields;
}

namespace detail {

std::optional<std::string> read_text_file_if_exists(FileSystem& fs, std::string_view path) {
  if (!fs.exists(path)) return std::nullopt;
  const auto file = fs.open(path, OpenMode::read_write);
  Bytes content(static_cast<std::size_t>(file->size()));
  std::size_t done = 0;
  while (done < content.size()) {
    const std::size_t n = file->read_at(done, MutableByteView(content).subspan(done));
    if (n == 0) break;  // the file shrank under us: take what is there
    done += n;
  }
  content.resize(done);
  return to_string(content);
}

void write_text_file_atomically(FileSystem& fs, std::string_view path, std::string_view text) {
  const std::string temporary = std::string(path) + ".tmp";
  {
    const auto file = fs.open(temporary, OpenMode::create_truncate);
    file->append(as_bytes(text));
    file->fsync();
  }
  fs.rename(temporary, path);
}

}  // namespace detail

}  // namespace ksim::storage
