// PerfettoWriter: a run as Chrome trace event JSON, which ui.perfetto.dev (and
// chrome://tracing) opens: one process per node ("broker 1", "zookeeper", "client") with every
// event as an instant on its "events" thread (named by kind, with the index, sequence and
// details as arguments), and the broker events (leader and ISR changes, truncations) as named
// instants on its "broker events" thread. ts is the simulated time in microseconds.
// Streamed: nothing of the run is kept but the node names. Gzip when the name ends in ".gz".
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "sim/trace/line_file.h"
#include "sim/trace/trace_format.h"
#include "sim/trace/trace_recorder.h"

namespace ksim::sim::trace {

class PerfettoWriter final : public TraceSink {
 public:
  // Creates the file and writes the opening (the header, when given, goes in "otherData").
  explicit PerfettoWriter(std::string path, const TraceHeader* header = nullptr);

  void write_event(const TraceEvent& event) override;
  // Marks where the run stopped and closes the JSON.
  void finish(const TraceEnd& end) override;

  const std::string& path() const { return out_.path(); }

 private:
  std::int64_t pid_of(const std::string& node);
  void begin_entry();
  void flush_pending(bool force);

  LineWriter out_;
  std::string pending_;
  std::map<std::string, std::int64_t> pids_;  // node name -> pid, in order of appearance
  bool first_entry_ = true;
};

// Converts a trace file (plain or gzip) to Perfetto's JSON, streaming. Throws TraceError.
void write_perfetto(const std::string& trace_path, const std::string& perfetto_path);

}  // namespace ksim::sim::trace
