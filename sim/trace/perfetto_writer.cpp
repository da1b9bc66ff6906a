#include "sim/trace/perfetto_writer.h"

#include <fmt/format.h>

#include "sim/trace/trace_reader.h"

namespace ksim::sim::trace {

using nlohmann::ordered_json;

namespace {

constexpr std::size_t kPendingBytes = 1u << 16;
constexpr std::int64_t kEventsThread = 1;
constexpr std::int64_t kBrokerEventsThread = 2;
// Events addressed to no node go on a track of their own.
constexpr std::string_view kWorldTrack = "(world)";

std::string dump(const ordered_json& value) {
  return value.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

// "net.deliver" -> "net": the category Perfetto can filter on.
std::string_view category_of(std::string_view kind) {
  const std::size_t dot = kind.find('.');
  return dot == std::string_view::npos ? kind : kind.substr(0, dot);
}

}  // namespace

PerfettoWriter::PerfettoWriter(std::string path, const TraceHeader* header)
    : out_(std::move(path)) {
  pending_.reserve(kPendingBytes + 4096);
  pending_ += "{\"displayTimeUnit\":\"ms\"";
  if (header != nullptr) {
    const ordered_json other{{"ksim_version", header->ksim_version},
                             {"seed", std::to_string(header->seed)},
                             {"scenario", header->scenario_name},
                             {"scenario_hash", header->scenario_hash}};
    pending_ += ",\"otherData\":";
    pending_ += dump(other);
  }
  pending_ += ",\"traceEvents\":[";
}

void PerfettoWriter::begin_entry() {
  pending_ += first_entry_ ? "\n" : ",\n";
  first_entry_ = false;
}

std::int64_t PerfettoWriter::pid_of(const std::string& node) {
  const std::string& name = node.empty() ? std::string(kWorldTrack) : node;
  auto it = pids_.find(name);
  if (it != pids_.end()) return it->second;
  const auto pid = static_cast<std::int64_t>(pids_.size()) + 1;
  pids_.emplace(name, pid);
  std::string quoted;
  append_json_string(quoted, name);
  begin_entry();
  pending_ += fmt::format(
      "{{\"ph\":\"M\",\"pid\":{0},\"tid\":0,\"name\":\"process_name\",\"args\":{{\"name\":{1}}}}},\n"
      "{{\"ph\":\"M\",\"pid\":{0},\"tid\":0,\"name\":\"process_sort_index\",\"args\":{{\"sort_index\":{0}}}}},\n"
      "{{\"ph\":\"M\",\"pid\":{0},\"tid\":{2},\"name\":\"thread_name\",\"args\":{{\"name\":\"events\"}}}},\n"
      "{{\"ph\":\"M\",\"pid\":{0},\"tid\":{3},\"name\":\"thread_name\",\"args\":{{\"name\":\"broker events\"}}}}",
      pid, quoted, kEventsThread, kBrokerEventsThread);
  return pid;
}

void PerfettoWriter::write_event(const TraceEvent& event) {
  const std::int64_t pid = pid_of(event.node);
  begin_entry();
  pending_ += fmt::format("{{\"ph\":\"i\",\"s\":\"t\",\"pid\":{},\"tid\":{},\"ts\":{},\"name\":",
                          pid, kEventsThread, event.time_us);
  append_json_string(pending_, event.kind);
  pending_ += ",\"cat\":";
  append_json_string(pending_, category_of(event.kind));
  pending_ += fmt::format(",\"args\":{{\"i\":{},\"seq\":{}", event.index, event.sequence);
  const bool has_details = event.details.is_object() && !event.details.empty();
  if (has_details) {
    for (const auto& [key, value] : event.details.items()) {
      pending_ += ',';
      append_json_string(pending_, key);
      pending_ += ':';
      pending_ += dump(value);
    }
  }
  pending_ += "}}";
  if (has_details && event.details.contains("ev") && event.details.at("ev").is_array()) {
    for (const ordered_json& what : event.details.at("ev")) {
      begin_entry();
      pending_ += fmt::format(
          "{{\"ph\":\"i\",\"s\":\"t\",\"pid\":{},\"tid\":{},\"ts\":{},\"cat\":\"broker\",\"name\":",
          pid, kBrokerEventsThread, event.time_us);
      pending_ += what.is_string() ? dump(what) : dump(ordered_json(dump(what)));
      pending_ += fmt::format(",\"args\":{{\"i\":{}}}}}", event.index);
    }
  }
  flush_pending(false);
}

void PerfettoWriter::finish(const TraceEnd& end) {
  begin_entry();
  pending_ += fmt::format(
      "{{\"ph\":\"i\",\"s\":\"g\",\"pid\":0,\"tid\":0,\"ts\":{},\"name\":\"run stopped\","
      "\"args\":{{\"events\":{},\"digest\":\"{}\"}}}}",
      end.time_us, end.events, digest_hex(end.digest));
  pending_ += "\n]}\n";
  flush_pending(true);
  out_.close();
}

void PerfettoWriter::flush_pending(bool force) {
  if (!force && pending_.size() < kPendingBytes) return;
  out_.write(pending_);
  pending_.clear();
}

void write_perfetto(const std::string& trace_path, const std::string& perfetto_path) {
  TraceReader reader(trace_path);
  PerfettoWriter writer(perfetto_path, &reader.header());
  std::uint64_t events = 0;
  std::int64_t last_time_us = 0;
  std::uint64_t last_digest = 0;
  while (std::optional<TraceEvent> event = reader.next()) {
    writer.write_event(*event);
    events = event->index + 1;
    last_time_us = event->time_us;
    last_digest = event->digest;
  }
  writer.finish(reader.end().value_or(TraceEnd{events, last_time_us, last_digest}));
}

}  // namespace ksim::sim::trace
