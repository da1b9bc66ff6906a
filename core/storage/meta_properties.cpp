#include "core/storage/meta_properties.h"

#include <functional>
#include <map>
#include <stdexcept>
#include <vector>

#include "core/storage/checkpoint_file.h"
#include "core/storage/errors.h"

namespace ksim::storage {
namespace {

constexpr std::string_view version_key = "version";
constexpr std::string_view broker_id_key = "broker.id";
constexpr std::string_view cluster_id_key = "cluster.id";

constexpr std::string_view whitespace = " \t\f";

std::string_view trim_left(std::string_view s) {
  const auto first = s.find_first_not_of(whitespace);
  return first == std::string_view::npos ? std::string_view{} : s.substr(first);
}

std::string_view trim_right(std::string_view s) {
  const auto last = s.find_last_not_of(whitespace);
  return last == std::string_view::npos ? std::string_view{} : s.substr(0, last + 1);
}

[[noreturn]] void throw_malformed(std::string_view path, std::size_t line_number,
                                  std::string_view line, std::string_view problem) {
  throw CorruptDataError("Malformed line in meta.properties (" + std::string(path) + ") line " +
                         std::to_string(line_number) + ": '" + std::string(line) + "' (" +
                         std::string(problem) + ")");
}

// Kafka prints a stored id as the Scala Option it holds.
std::string scala_some(std::int32_t value) { return "Some(" + std::to_string(value) + ")"; }
std::string scala_some(std::string_view value) { return "Some(" + std::string(value) + ")"; }

}  // namespace

std::string format_meta_properties(const MetaProperties& properties) {
  if (properties.cluster_id) {
    const std::string& id = *properties.cluster_id;
    if (id.find_first_of("\\\r\n") != std::string::npos || trim_left(id).size() != id.size()) {
      throw std::invalid_argument("cluster.id '" + id + "' cannot be written to meta.properties");
    }
  }
  std::string text = "#\n#ksim meta.properties\n";
  if (properties.broker_id) text += "broker.id=" + std::to_string(*properties.broker_id) + "\n";
  text += "version=" + std::to_string(properties.version) + "\n";
  if (properties.cluster_id) text += "cluster.id=" + *properties.cluster_id + "\n";
  return text;
}

MetaProperties parse_meta_properties(std::string_view text, std::string_view path) {
  MetaProperties properties;
  std::map<std::string, std::size_t, std::less<>> line_of_key;
  std::size_t line_number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

    const std::string_view content = trim_left(line);
    if (content.empty() || content.front() == '#' || content.front() == '!') continue;
    if (content.find('\\') != std::string_view::npos) {
      throw_malformed(path, line_number, line,
                      "escapes and line continuations ('\\') are not supported");
    }
    const auto equals = content.find('=');
    if (equals == std::string_view::npos) throw_malformed(path, line_number, line, "expected key=value");
    const std::string_view key = trim_right(content.substr(0, equals));
    const std::string_view value = trim_left(content.substr(equals + 1));
    if (key.empty()) throw_malformed(path, line_number, line, "empty key");
    const auto [seen, inserted] = line_of_key.emplace(std::string(key), line_number);
    if (!inserted) {
      throw_malformed(path, line_number, line,
                      std::string(key) + " is already set on line " + std::to_string(seen->second));
    }

    if (key == version_key) {
      const auto version = parse_int32(value);
      if (!version) throw_malformed(path, line_number, line, "version is not an integer");
      if (*version != 0) {
        throw CorruptDataError("Found unexpected version in meta.properties (" +
                               std::string(path) + ") line " + std::to_string(line_number) +
                               ": " + std::to_string(*version) +
                               ". Zk-based brokers only support version 0 (which is implicit "
                               "when the `version` field is missing).");
      }
      properties.version = *version;
    } else if (key == broker_id_key) {
      const auto broker_id = parse_int32(value);
      if (!broker_id) throw_malformed(path, line_number, line, "broker.id is not an integer");
      properties.broker_id = *broker_id;
    } else if (key == cluster_id_key) {
      properties.cluster_id = std::string(value);
    }
  }
  return properties;
}

std::optional<MetaProperties> read_meta_properties(FileSystem& fs, std::string_view path) {
  const auto text = detail::read_text_file_if_exists(fs, path);
  if (!text) return std::nullopt;
  return parse_meta_properties(*text, path);
}

void write_meta_properties(FileSystem& fs, std::string_view path,
                           const MetaProperties& properties) {
  detail::write_text_file_atomically(fs, path, format_meta_properties(properties));
}

void check_broker_id(std::int32_t configured_broker_id, const MetaProperties& stored) {
  if (!stored.broker_id || *stored.broker_id == configured_broker_id) return;
  throw InconsistentStateError(
      "Configured broker.id " + std::to_string(configured_broker_id) +
      " doesn't match stored broker.id " + scala_some(*stored.broker_id) +
      " in meta.properties. If you moved your data, make sure your configured broker.id "
      "matches. If you intend to create a new broker, you should remove all data in your data "
      "directories (log.dirs).");
}

void check_cluster_id(std::string_view cluster_id, const MetaProperties& stored) {
  if (!stored.cluster_id || *stored.cluster_id == cluster_id) return;
  throw InconsistentStateError("The Cluster ID " + std::string(cluster_id) +
                               " doesn't match stored clusterId " +
                               scala_some(*stored.cluster_id) +
                               " in meta.properties. The broker is trying to join the wrong "
                               "cluster. Configured zookeeper.connect may be wrong.");
}

}  // namespace ksim::storage
