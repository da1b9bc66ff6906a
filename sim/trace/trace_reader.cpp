#include "sim/trace/trace_reader.h"

#include <fmt/format.h>

namespace ksim::sim::trace {

TraceReader::TraceReader(std::string path) : in_(std::move(path)) {
  if (!in_.next(line_)) {
    throw TraceError(fmt::format("{}: empty file, not a ksim trace (no header line)", in_.path()));
  }
  header_ = parse_header_line(line_, in_.where());
}

std::optional<TraceEvent> TraceReader::next() {
  if (end_) {
    if (in_.next(line_)) throw TraceError(in_.where() + ": a line after the end line");
    return std::nullopt;
  }
  if (!in_.next(line_)) return std::nullopt;
  ParsedLine parsed = parse_body_line(line_, in_.where());
  if (parsed.end) {
    end_ = parsed.end;
    if (last_index_ && end_->events <= *last_index_) {
      throw TraceError(fmt::format("{}: the end line counts {} events, but event #{} was written",
                                   in_.where(), end_->events, *last_index_));
    }
    return next();
  }
  TraceEvent& event = *parsed.event;
  if (last_index_ && event.index <= *last_index_) {
    throw TraceError(fmt::format("{}: event #{} after event #{} (indices must increase)",
                                 in_.where(), event.index, *last_index_));
  }
  if (last_index_ && event.time_us < last_time_us_) {
    throw TraceError(fmt::format("{}: event #{} at t={}us goes back in time (previous {}us)",
                                 in_.where(), event.index, event.time_us, last_time_us_));
  }
  last_index_ = event.index;
  last_time_us_ = event.time_us;
  return std::move(parsed.event);
}

Trace read_trace(const std::string& path) {
  TraceReader reader(path);
  Trace trace;
  trace.header = reader.header();
  while (std::optional<TraceEvent> event = reader.next()) trace.events.push_back(std::move(*event));
  trace.end = reader.end();
  return trace;
}

}  // namespace ksim::sim::trace
