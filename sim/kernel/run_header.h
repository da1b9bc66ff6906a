// RunHeader: the root seed and every option of a run, in the order they were set, printed as one
// block before the run starts (TigerBeetle's simulator does the same) and written as the header
// of a trace. Each layer adds its own options under a prefix ("kernel.", "network.", ...).
//
// Text form, one option a line:        JSON form (nlohmann::ordered_json):
//   ksim run                              {"seed": 42, "options": {
//     seed = 42                              "kernel.max_events_per_run": 10000000,
//     kernel.max_events_per_run = 10000000   "network.latency_mean_us": 1500,
//     network.latency_mean = 0.0015s         "network.loss": {"numerator": 1, "denominator": 100}}}
//     network.loss = 1/100
// Durations and times are exact: the text shows seconds, the JSON key gains "_us" and holds
// integer microseconds.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "sim/kernel/ratio.h"
#include "sim/kernel/sim_time.h"

namespace ksim::sim {

class RunHeader {
 public:
  explicit RunHeader(std::uint64_t seed) : seed_(seed) {}

  std::uint64_t seed() const { return seed_; }

  // Adds an option, or replaces the value of one already set (keeping its place).
  template <class T>
    requires std::is_integral_v<T>
  void set(std::string_view key, T value) {
    if constexpr (std::is_same_v<T, bool>) {
      set_bool(key, value);
    } else if constexpr (std::is_signed_v<T>) {
      set_signed(key, static_cast<std::int64_t>(value));
    } else {
      set_unsigned(key, static_cast<std::uint64_t>(value));
    }
  }
  void set(std::string_view key, std::string_view value);
  void set(std::string_view key, const char* value) { set(key, std::string_view(value)); }
  void set(std::string_view key, SimDuration value);
  void set(std::string_view key, SimTime value);
  void set(std::string_view key, Ratio value);

  // The value's text form ("0.0015s", "1/100", "true"), or nothing when the key is not set.
  std::optional<std::string> get(std::string_view key) const;
  std::size_t size() const { return options_.size(); }

  std::string to_string() const;
  nlohmann::ordered_json to_json() const;

 private:
  struct Option {
    std::string key;
    std::string text;
    std::string json_key;
    nlohmann::ordered_json json;
  };
  void set_unsigned(std::string_view key, std::uint64_t value);
  void set_signed(std::string_view key, std::int64_t value);
  void set_bool(std::string_view key, bool value);
  void put(std::string_view key, std::string text, std::string json_key,
           nlohmann::ordered_json json);

  std::uint64_t seed_;
  std::vector<Option> options_;
};

}  // namespace ksim::sim
