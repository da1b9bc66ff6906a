// Transcript: what a scenario run shows, line by line, in order: narration, the commands and
// their output, what the brokers and the controller did, background jobs' output, expectation
// results and the audit's summary. The terminal echoes it as it grows; the GUI's lesson and
// console panels read the lines.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "sim/kernel/sim_time.h"

namespace ksim::scenarios {

enum class TranscriptKind {
  narration,           // say "..."
  command,             // a tool command or a fault, as written
  output,              // a tool's stdout and stderr, byte for byte
  note,                // ksim's own remark (acknowledgements, a wait that ended, ...)
  cluster_event,       // a broker or the controller did something
  violation,           // a replication invariant broke (the old protocols' lessons)
  job_output,          // a background job's line, "[c1] value"
  expectation_passed,  // expect ...
  expectation_failed,
  summary,             // the audit's summary at the end
};

struct TranscriptLine {
  sim::SimTime time;
  TranscriptKind kind = TranscriptKind::note;
  std::string text;           // without the formatting the terminal adds
  std::int32_t line = 0;      // the script line it belongs to (0: none)
};

class Transcript {
 public:
  // `echo`: where each line is printed as it is added (nullptr: nowhere).
  explicit Transcript(std::ostream* echo = nullptr) : echo_(echo) {}

  void add(sim::SimTime time, TranscriptKind kind, std::string text, std::int32_t line = 0);
  const std::vector<TranscriptLine>& lines() const { return lines_; }

  // How the terminal shows a line (with its trailing newline).
  static std::string format(const TranscriptLine& line);

 private:
  std::ostream* echo_;
  std::vector<TranscriptLine> lines_;
};

}  // namespace ksim::scenarios
