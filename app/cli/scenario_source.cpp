#include "app/cli/scenario_source.h"

#include <fmt/format.h>

#include <cctype>
#include <filesystem>
#include <optional>
#include <stdexcept>

#include "scenarios/library.h"
#include "scenarios/parser.h"

namespace ksim::cli {

scenarios::Script load_scenario(const std::string& file_or_name) {
  const bool looks_like_path = file_or_name.find('/') != std::string::npos ||
                               file_or_name.ends_with(".ksim") ||
                               std::filesystem::exists(file_or_name);
  if (looks_like_path) return scenarios::load_script(file_or_name);
  const std::optional<scenarios::LibraryScenario> scenario =
      scenarios::find_library_scenario(file_or_name);
  if (!scenario) {
    throw std::runtime_error(fmt::format(
        "no scenario file or library scenario named '{}' (see `ksim list`)", file_or_name));
  }
  return scenarios::parse_script(scenario->text, std::string(scenario->name) + ".ksim");
}

sim::SimDuration parse_cli_duration(const std::string& text, const std::string& option) {
  // Integer or decimal, then a unit; exact to the microsecond.
  std::size_t digits = 0;
  while (digits < text.size() && (std::isdigit(static_cast<unsigned char>(text[digits])) != 0 ||
                                  text[digits] == '.')) {
    ++digits;
  }
  const std::string number = text.substr(0, digits);
  const std::string unit = text.substr(digits);
  std::int64_t per_unit_us = 0;
  if (unit == "us") per_unit_us = 1;
  if (unit == "ms") per_unit_us = 1000;
  if (unit == "s") per_unit_us = 1000000;
  if (unit == "m") per_unit_us = 60000000;
  if (unit == "h") per_unit_us = 3600000000;
  const std::size_t dot = number.find('.');
  if (number.empty() || per_unit_us == 0 || number == "." ||
      (dot != std::string::npos && number.find('.', dot + 1) != std::string::npos)) {
    throw std::invalid_argument(fmt::format(
        "{}: '{}' is not a duration (a number and a unit: 250ms, 30s, 1.5m, 2h)", option, text));
  }
  const std::string whole = number.substr(0, dot);
  std::string fraction = dot == std::string::npos ? "" : number.substr(dot + 1);
  std::int64_t us = (whole.empty() ? 0 : std::stoll(whole)) * per_unit_us;
  std::int64_t scale = per_unit_us;
  for (const char c : fraction) {
    scale /= 10;
    if (scale == 0) {
      throw std::invalid_argument(fmt::format("{}: '{}' is finer than a microsecond", option, text));
    }
    us += (c - '0') * scale;
  }
  return sim::SimDuration::from_us(us);
}

}  // namespace ksim::cli
