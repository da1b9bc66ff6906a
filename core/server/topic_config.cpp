#include "core/server/topic_config.h"

#include <charconv>
#include <stdexcept>
#include <string>

namespace ksim::server {

namespace {

template <typename Int>
Int parse_number(const std::string& name, const std::string& value, const char* type) {
  Int result{};
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), result);
  if (error != std::errc{} || end != value.data() + value.size()) {
    throw std::invalid_argument("Invalid value " + value + " for configuration " + name +
                                ": Not a number of type " + type);
  }
  return result;
}

std::int32_t as_int(const std::string& name, const std::string& value) {
  return parse_number<std::int32_t>(name, value, "INT");
}

}  // namespace

replication::TopicConfig topic_config_from_entries(const storage::LogConfig& defaults,
                                                   const controller::ConfigEntries& entries) {
  replication::TopicConfig config;
  config.log_config = storage::log_config_from_entries(defaults, entries);
  for (const auto& [name, value] : entries) {
    if (name == "min.insync.replicas") config.min_insync_replicas = as_int(name, value);
  }
  return config;
}

}  // namespace ksim::server
