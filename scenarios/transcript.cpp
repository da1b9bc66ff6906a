#include "scenarios/transcript.h"

#include <fmt/format.h>

namespace ksim::scenarios {

void Transcript::add(sim::SimTime time, TranscriptKind kind, std::string text, std::int32_t line) {
  lines_.push_back({time, kind, std::move(text), line});
  if (echo_ != nullptr) {
    *echo_ << format(lines_.back());
    echo_->flush();
  }
}

std::string Transcript::format(const TranscriptLine& line) {
  const std::string& text = line.text;
  switch (line.kind) {
    case TranscriptKind::narration:
      return fmt::format("\n# {}\n", text);
    case TranscriptKind::command:
      return fmt::format("$ {}\n", text);
    case TranscriptKind::output:
      return text.empty() || text.back() == '\n' ? text : text + "\n";
    case TranscriptKind::note:
      return fmt::format("  {}\n", text);
    case TranscriptKind::cluster_event:
      return fmt::format("  [{:>10}] {}\n", line.time.to_string(), text);
    case TranscriptKind::violation:
      return fmt::format("  [{:>10}] !! {}\n", line.time.to_string(), text);
    case TranscriptKind::job_output:
      return text + "\n";
    case TranscriptKind::expectation_passed:
      return fmt::format("  ok       expect {}\n", text);
    case TranscriptKind::expectation_failed:
      return fmt::format("  FAILED   expect {}\n", text);
    case TranscriptKind::summary:
      return text.empty() || text.back() == '\n' ? text : text + "\n";
  }
  return text + "\n";
}

}  // namespace ksim::scenarios
