// KafkaVersion: the Kafka release whose behaviour a tool or the controller reproduces, where
// Kafka changed it between releases (messages, output formats, znode versions). Compared as
// (major, minor, patch): KafkaVersion{2, 4} <= KafkaVersion{2, 8}.
#pragma once

#include <compare>
#include <cstdint>
#include <string>

namespace ksim::controller {

struct KafkaVersion {
  std::int32_t major = 2;
  std::int32_t minor = 8;
  std::int32_t patch = 0;

  std::string to_string() const;  // "2.8.0"
  friend auto operator<=>(const KafkaVersion&, const KafkaVersion&) = default;
};

// Parses "2.8", "0.10.1", "3.7.0"; throws std::invalid_argument naming the text otherwise.
KafkaVersion parse_kafka_version(const std::string& text);

}  // namespace ksim::controller
