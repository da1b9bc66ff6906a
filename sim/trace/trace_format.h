// The ksim trace format (version 1), one JSON object per line (README.md beside this file):
//   line 1        the header: format version, ksim version, seed, scenario, the run's config
//   then          one line per processed event: index, time, sequence, node, kind, digest, details
//   last (maybe)  the end: how many events, the time the run stopped at, the final digest
// Here: the values of those lines, their exact text, and parsing them back.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sim/kernel/run_header.h"

namespace ksim::sim::trace {

inline constexpr std::int64_t kTraceFormatVersion = 1;

// Bad input: a file that is not a trace, or a malformed line. The message names the file and
// the line ("run.trace:12: bad JSON: ...").
class TraceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct TraceHeader {
  std::int64_t format_version = kTraceFormatVersion;
  std::string ksim_version;
  std::uint64_t seed = 0;
  std::string scenario_name;
  std::string scenario_text;    // may be empty when only the hash is known
  std::string scenario_hash;    // FNV-1a 64 of the text, 16 hex digits
  nlohmann::ordered_json config = nlohmann::ordered_json::object();  // RunHeader::to_json()

  friend bool operator==(const TraceHeader&, const TraceHeader&) = default;
};

// The header of a run: its RunHeader (seed and every option) as the config, the scenario's
// text and its FNV-1a 64 hash. `ksim_version` is the CLI's KSIM_VERSION.
TraceHeader make_trace_header(const RunHeader& run, std::string ksim_version,
                              std::string scenario_name, std::string scenario_text);

// One processed event as the trace records it.
struct TraceEvent {
  std::uint64_t index = 0;      // processed events from 0
  std::int64_t time_us = 0;     // simulated time, integer microseconds
  std::uint64_t sequence = 0;   // the kernel's scheduling order (breaks time ties)
  std::string node;             // the target node's name ("broker 1"); empty when none
  std::string kind;             // the interned kind name ("net.deliver")
  std::uint64_t digest = 0;     // the kernel's digest after the event
  nlohmann::ordered_json details;  // an object, or null when nothing was noted

  friend bool operator==(const TraceEvent&, const TraceEvent&) = default;
};

// The last line, written when the recording finished: the run stopped at `time_us` after
// `events` events with `digest` (which includes what the driver did after the last event).
struct TraceEnd {
  std::uint64_t events = 0;
  std::int64_t time_us = 0;
  std::uint64_t digest = 0;

  friend bool operator==(const TraceEnd&, const TraceEnd&) = default;
};

struct Trace {
  TraceHeader header;
  std::vector<TraceEvent> events;
  std::optional<TraceEnd> end;  // nullopt: the recording did not finish (the run crashed)
};

// 16 lowercase hex digits, and back (nullopt unless exactly that).
std::string digest_hex(std::uint64_t digest);
std::optional<std::uint64_t> parse_digest_hex(std::string_view text);

// Exact line texts, without the newline. Same values, same bytes.
nlohmann::ordered_json header_to_json(const TraceHeader& header);
std::string header_line(const TraceHeader& header);
std::string event_line(const TraceEvent& event);
std::string end_line(const TraceEnd& end);
// Appends `text` as a JSON string (quoted and escaped as nlohmann::json dumps it).
void append_json_string(std::string& out, std::string_view text);

// Parsing one line; throws TraceError with `where` ("run.trace:3") in front of the problem.
TraceHeader parse_header_line(std::string_view line, const std::string& where);
// A line after the header: an event, or the end line.
struct ParsedLine {
  std::optional<TraceEvent> event;
  std::optional<TraceEnd> end;
};
ParsedLine parse_body_line(std::string_view line, const std::string& where);

// "#12 t=15.002s seq 14 broker 1 net.deliver" plus the details, for reports.
std::string describe_event(const TraceEvent& event);

}  // namespace ksim::sim::trace
