// meta.properties, at the root of every log directory: which broker and cluster the directory
// belongs to (Kafka's BrokerMetadataCheckpoint / MetaProperties, ZooKeeper mode, version 0).
// Java properties text; ksim writes
//
//   #
//   #ksim meta.properties
//   broker.id=1
//   version=0
//   cluster.id=tfIO-Ab4PdddYjiU3pEWqw
//
// Kafka's second comment line is a wall-clock date (Properties.store); core has no clock, so
// ksim writes a fixed line. The keys come in the order Java 9+ stores them (hash order), the
// order found in real Kafka log directories.
//
// Reading accepts the subset of the properties syntax Kafka's own file uses: blank lines,
// comments ('#' or '!' first), and `key=value` lines (whitespace around the key and before the
// value is ignored). Escapes and line continuations ('\') are rejected, as is a repeated key.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/storage/file_system.h"

namespace ksim::storage {

inline constexpr std::string_view meta_properties_file = "meta.properties";

struct MetaProperties {
  // ZooKeeper-mode brokers support only version 0 (which is what a missing `version` means).
  std::int32_t version = 0;
  std::optional<std::int32_t> broker_id;
  std::optional<std::string> cluster_id;
  friend bool operator==(const MetaProperties&, const MetaProperties&) = default;
};

// The file's bytes (absent fields are left out). Throws std::invalid_argument for a cluster.id
// that would not read back the same (a backslash, a line break, or leading whitespace).
std::string format_meta_properties(const MetaProperties& properties);

// Parses a file's bytes; `path` names it in errors. Throws CorruptDataError naming the file, the
// line and the problem: a line that is not key=value, a repeated key, a version or broker.id that
// is not an integer, or a version other than 0. Unknown keys are ignored, as Kafka does.
MetaProperties parse_meta_properties(std::string_view text, std::string_view path);

// nullopt when the file does not exist (a new broker's empty log directory).
std::optional<MetaProperties> read_meta_properties(FileSystem& fs, std::string_view path);

// Writes the file atomically ("<path>.tmp", fsync, rename over <path>).
void write_meta_properties(FileSystem& fs, std::string_view path,
                           const MetaProperties& properties);

// Startup checks, with Kafka's messages (InconsistentBrokerIdException,
// InconsistentClusterIdException): throw InconsistentStateError when `stored` has an id that
// differs from the configured one. A missing stored id passes.
void check_broker_id(std::int32_t configured_broker_id, const MetaProperties& stored);
void check_cluster_id(std::string_view cluster_id, const MetaProperties& stored);

}  // namespace ksim::storage
