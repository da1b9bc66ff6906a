#include "sim/trace/trace_writer.h"

namespace ksim::sim::trace {

namespace {
constexpr std::size_t kPendingBytes = 1u << 16;
}

TraceWriter::TraceWriter(std::string path, const TraceHeader& header)
    : out_(std::move(path)) {
  pending_.reserve(kPendingBytes + 4096);
  pending_ += header_line(header);
  pending_ += '\n';
}

void TraceWriter::write_event(const TraceEvent& event) {
  pending_ += event_line(event);
  pending_ += '\n';
  ++events_;
  if (pending_.size() >= kPendingBytes) flush_pending();
}

void TraceWriter::finish(const TraceEnd& end) {
  pending_ += end_line(end);
  pending_ += '\n';
  flush_pending();
  out_.close();
}

void TraceWriter::flush_pending() {
  out_.write(pending_);
  pending_.clear();
}

}  // namespace ksim::sim::trace
