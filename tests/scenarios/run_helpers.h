// Running a script in a test: the runner, and its transcript as the terminal shows it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "scenarios/parser.h"
#include "scenarios/runner.h"

namespace ksim::scenarios::testing {

inline std::string transcript_text(const Transcript& transcript) {
  std::string text;
  for (const TranscriptLine& line : transcript.lines()) text += Transcript::format(line);
  return text;
}

struct Run {
  std::unique_ptr<ScenarioRunner> runner;
  std::string text;
};

// Parses `script` as test.ksim and runs it to its end.
inline Run run_script(const std::string& script,
                      std::optional<std::uint64_t> seed = std::nullopt) {
  RunOptions options;
  options.seed = seed;
  Run run;
  run.runner = std::make_unique<ScenarioRunner>(parse_script(script, "test.ksim"), options);
  run.runner->run();
  run.text = transcript_text(run.runner->transcript());
  return run;
}

}  // namespace ksim::scenarios::testing
