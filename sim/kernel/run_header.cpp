#include "sim/kernel/run_header.h"

#include <algorithm>

#include "sim/kernel/assert.h"

namespace ksim::sim {

void RunHeader::put(std::string_view key, std::string text, std::string json_key,
                    nlohmann::ordered_json json) {
  KSIM_SIM_ASSERT(!key.empty() && key != "seed", "RunHeader option key must be a new name");
  auto it =
      std::find_if(options_.begin(), options_.end(), [&](const Option& o) { return o.key == key; });
  if (it == options_.end()) {
    options_.push_back(
        Option{std::string(key), std::move(text), std::move(json_key), std::move(json)});
  } else {
    it->text = std::move(text);
    it->json_key = std::move(json_key);
    it->json = std::move(json);
  }
}

void RunHeader::set_unsigned(std::string_view key, std::uint64_t value) {
  put(key, std::to_string(value), std::string(key), value);
}
void RunHeader::set_signed(std::string_view key, std::int64_t value) {
  put(key, std::to_string(value), std::string(key), value);
}
void RunHeader::set_bool(std::string_view key, bool value) {
  put(key, value ? "true" : "false", std::string(key), value);
}
void RunHeader::set(std::string_view key, std::string_view value) {
  put(key, std::string(value), std::string(key), std::string(value));
}
void RunHeader::set(std::string_view key, SimDuration value) {
  put(key, value.to_string(), std::string(key) + "_us", value.to_us());
}
void RunHeader::set(std::string_view key, SimTime value) {
  put(key, value.to_string(), std::string(key) + "_us", value.to_us());
}
void RunHeader::set(std::string_view key, Ratio value) {
  put(key, value.to_string(), std::string(key),
      nlohmann::ordered_json{{"numerator", value.numerator}, {"denominator", value.denominator}});
}

std::optional<std::string> RunHeader::get(std::string_view key) const {
  for (const Option& o : options_) {
    if (o.key == key) return o.text;
  }
  return std::nullopt;
}

std::string RunHeader::to_string() const {
  std::string out = "ksim run\n  seed = " + std::to_string(seed_) + "\n";
  for (const Option& o : options_) {
    out += "  " + o.key + " = " + o.text + "\n";
  }
  return out;
}

nlohmann::ordered_json RunHeader::to_json() const {
  nlohmann::ordered_json options = nlohmann::ordered_json::object();
  for (const Option& o : options_) options[o.json_key] = o.json;
  return nlohmann::ordered_json{{"seed", seed_}, {"options", std::move(options)}};
}

}  // namespace ksim::sim
