// KafkaVersion: printing and parsing "major.minor[.patch]".
#include "core/controller/kafka_version.h"

#include <fmt/format.h>

#include <charconv>
#include <stdexcept>
#include <vector>

namespace ksim::controller {

std::string KafkaVersion::to_string() const { return fmt::format("{}.{}.{}", major, minor, patch); }

KafkaVersion parse_kafka_version(const std::string& text) {
  std::vector<std::int32_t> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = text.find('.', start);
    const std::size_t end = dot == std::string::npos ? text.size() : dot;
    std::int32_t value = 0;
    const char* first = text.data() + start;
    const char* last = text.data() + end;
    const auto [stop, error] = std::from_chars(first, last, value);
    if (first == last || error != std::errc() || stop != last || value < 0) {
      throw std::invalid_argument(
          fmt::format("invalid Kafka version \"{}\": expected major.minor[.patch]", text));
    }
    parts.push_back(value);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (parts.size() < 2 || parts.size() > 3) {
    throw std::invalid_argument(
        fmt::format("invalid Kafka version \"{}\": expected major.minor[.patch]", text));
  }
  return KafkaVersion{parts[0], parts[1], parts.size() == 3 ? parts[2] : 0};
}

}  // namespace ksim::controller
