// Reading a trace back (plain or gzip): TraceReader streams it event by event, read_trace
// loads it whole. Malformed input throws TraceError naming the file and the line: bad JSON, a
// missing or mistyped key, another format version, events out of order, a last line cut short,
// lines after the end line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sim/trace/line_file.h"
#include "sim/trace/trace_format.h"

namespace ksim::sim::trace {

class TraceReader {
 public:
  // Opens the file and reads the header line.
  explicit TraceReader(std::string path);

  const std::string& path() const { return in_.path(); }
  const TraceHeader& header() const { return header_; }
  // The next event; nullopt at the end of the file (end() then says whether it was finished).
  std::optional<TraceEvent> next();
  // The end line, once next() has returned nullopt; nullopt when the recording did not finish.
  const std::optional<TraceEnd>& end() const { return end_; }
  // The line of the event next() returned last ("run.trace:12").
  std::string where() const { return in_.where(); }

 private:
  LineReader in_;
  TraceHeader header_;
  std::optional<TraceEnd> end_;
  std::optional<std::uint64_t> last_index_;
  std::int64_t last_time_us_ = 0;
  std::string line_;
};

Trace read_trace(const std::string& path);

}  // namespace ksim::sim::trace
