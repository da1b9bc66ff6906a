// The built-in scenario library (scenarios/library/*.ksim), compiled into the binary: `ksim
// list`, `ksim show NAME`, `ksim run NAME` and the GUI's scenario picker read it from here.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ksim::scenarios {

struct LibraryScenario {
  std::string_view name;  // the file's stem: "quickstart"
  std::string_view text;  // the script
};

// Every scenario, by name.
std::span<const LibraryScenario> library_scenarios();
// The one named `name`, or nullopt.
std::optional<LibraryScenario> find_library_scenario(std::string_view name);
// Its `description "..."` line's text ("" when it has none).
std::string library_description(const LibraryScenario& scenario);
// The default scenario: what `ksim` runs with no arguments and the GUI opens.
inline constexpr std::string_view default_scenario = "quickstart";

}  // namespace ksim::scenarios
