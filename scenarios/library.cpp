#include "scenarios/library.h"

#include "scenarios/parser.h"

namespace ksim::scenarios {

std::optional<LibraryScenario> find_library_scenario(std::string_view name) {
  for (const LibraryScenario& scenario : library_scenarios()) {
    if (scenario.name == name) return scenario;
  }
  return std::nullopt;
}

std::string library_description(const LibraryScenario& scenario) {
  return parse_script(scenario.text, std::string(scenario.name) + ".ksim").setup.description;
}

}  // namespace ksim::scenarios
