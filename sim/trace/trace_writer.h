// TraceWriter: the JSON-lines trace of a run (trace_format.h): the header when it is created,
// then one line per event, then the end line at finish. Gzip when the name ends in ".gz".
// Attach it to a run through a TraceRecorder.
#pragma once

#include <cstdint>
#include <string>

#include "sim/trace/line_file.h"
#include "sim/trace/trace_format.h"
#include "sim/trace/trace_recorder.h"

namespace ksim::sim::trace {

class TraceWriter final : public TraceSink {
 public:
  // Creates the file and writes the header line; throws TraceError when it cannot.
  TraceWriter(std::string path, const TraceHeader& header);

  void write_event(const TraceEvent& event) override;
  void finish(const TraceEnd& end) override;

  const std::string& path() const { return out_.path(); }
  std::uint64_t events_written() const { return events_; }
  // Bytes of text written so far (before compression), the header included.
  std::uint64_t bytes_written() const { return out_.bytes_written() + pending_.size(); }

 private:
  void flush_pending();

  LineWriter out_;
  std::string pending_;  // lines not yet handed to zlib (fewer, larger writes)
  std::uint64_t events_ = 0;
};

}  // namespace ksim::sim::trace
