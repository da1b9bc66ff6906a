#include "sim/trace/trace_format.h"

#include <fmt/format.h>

#include <limits>
#include <utility>

#include "sim/kernel/hash.h"
#include "sim/kernel/sim_time.h"

namespace ksim::sim::trace {

using nlohmann::ordered_json;

namespace {

std::string dump(const ordered_json& value) {
  // Replace, never throw, on invalid UTF-8 in a text somebody noted.
  return value.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

[[noreturn]] void fail(const std::string& where, std::string_view problem) {
  throw TraceError(fmt::format("{}: {}", where, problem));
}

ordered_json parse_object(std::string_view line, const std::string& where) {
  if (line.empty()) fail(where, "empty line");
  ordered_json value;
  try {
    value = ordered_json::parse(line.begin(), line.end());
  } catch (const ordered_json::parse_error& e) {
    fail(where, fmt::format("bad JSON: {}", e.what()));
  }
  if (!value.is_object()) fail(where, "not a JSON object");
  return value;
}

const ordered_json& field(const ordered_json& object, std::string_view key,
                          const std::string& where) {
  auto it = object.find(std::string(key));
  if (it == object.end()) fail(where, fmt::format("no \"{}\"", key));
  return *it;
}

std::uint64_t get_unsigned(const ordered_json& object, std::string_view key,
                           const std::string& where) {
  const ordered_json& value = field(object, key, where);
  if (!value.is_number_unsigned()) {
    fail(where, fmt::format("\"{}\" is {}, not a non-negative integer", key, dump(value)));
  }
  return value.get<std::uint64_t>();
}

std::int64_t get_signed(const ordered_json& object, std::string_view key,
                        const std::string& where) {
  const ordered_json& value = field(object, key, where);
  if (value.is_number_unsigned()) {
    const auto v = value.get<std::uint64_t>();
    if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      fail(where, fmt::format("\"{}\" is {}, out of range", key, v));
    }
    return static_cast<std::int64_t>(v);
  }
  if (!value.is_number_integer()) {
    fail(where, fmt::format("\"{}\" is {}, not an integer", key, dump(value)));
  }
  return value.get<std::int64_t>();
}

std::string get_string(const ordered_json& object, std::string_view key,
                       const std::string& where) {
  const ordered_json& value = field(object, key, where);
  if (!value.is_string()) fail(where, fmt::format("\"{}\" is {}, not a string", key, dump(value)));
  return value.get<std::string>();
}

std::uint64_t get_digest(const ordered_json& object, std::string_view key,
                         const std::string& where) {
  const std::string text = get_string(object, key, where);
  const std::optional<std::uint64_t> digest = parse_digest_hex(text);
  if (!digest) fail(where, fmt::format("\"{}\" is \"{}\", not 16 hex digits", key, text));
  return *digest;
}

void only_keys(const ordered_json& object, std::initializer_list<std::string_view> keys,
               const std::string& where, std::string_view what) {
  for (const auto& [key, value] : object.items()) {
    bool known = false;
    for (std::string_view k : keys) known = known || key == k;
    if (!known) fail(where, fmt::format("unknown key \"{}\" in {}", key, what));
  }
}

}  // namespace

TraceHeader make_trace_header(const RunHeader& run, std::string ksim_version,
                              std::string scenario_name, std::string scenario_text) {
  TraceHeader header;
  header.ksim_version = std::move(ksim_version);
  header.seed = run.seed();
  header.scenario_name = std::move(scenario_name);
  header.scenario_hash = digest_hex(fnv1a64(scenario_text));
  header.scenario_text = std::move(scenario_text);
  header.config = run.to_json();
  return header;
}

std::string digest_hex(std::uint64_t digest) { return fmt::format("{:016x}", digest); }

std::optional<std::uint64_t> parse_digest_hex(std::string_view text) {
  if (text.size() != 16) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    std::uint64_t digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<std::uint64_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<std::uint64_t>(c - 'a' + 10);
    } else {
      return std::nullopt;
    }
    value = (value << 4) | digit;
  }
  return value;
}

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (byte < 0x20) {
          out += "\\u00";
          out += hex[byte >> 4];
          out += hex[byte & 0xf];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

ordered_json header_to_json(const TraceHeader& header) {
  return ordered_json{{"ksim_trace", header.format_version},
                      {"ksim_version", header.ksim_version},
                      {"seed", header.seed},
                      {"scenario",
                       {{"name", header.scenario_name},
                        {"hash", header.scenario_hash},
                        {"text", header.scenario_text}}},
                      {"config", header.config}};
}

std::string header_line(const TraceHeader& header) { return dump(header_to_json(header)); }

std::string event_line(const TraceEvent& event) {
  std::string line;
  line.reserve(128);
  line += "{\"i\":";
  line += std::to_string(event.index);
  line += ",\"t\":";
  line += std::to_string(event.time_us);
  line += ",\"s\":";
  line += std::to_string(event.sequence);
  if (!event.node.empty()) {
    line += ",\"n\":";
    append_json_string(line, event.node);
  }
  line += ",\"k\":";
  append_json_string(line, event.kind);
  line += ",\"h\":\"";
  line += digest_hex(event.digest);
  line += '"';
  if (event.details.is_object() && !event.details.empty()) {
    line += ",\"d\":";
    line += dump(event.details);
  }
  line += '}';
  return line;
}

std::string end_line(const TraceEnd& end) {
  return fmt::format("{{\"end\":{{\"events\":{},\"t\":{},\"h\":\"{}\"}}}}", end.events,
                     end.time_us, digest_hex(end.digest));
}

TraceHeader parse_header_line(std::string_view line, const std::string& where) {
  const ordered_json object = parse_object(line, where);
  if (!object.contains("ksim_trace")) {
    fail(where, "not a ksim trace (the first line has no \"ksim_trace\" format version)");
  }
  TraceHeader header;
  header.format_version = get_signed(object, "ksim_trace", where);
  if (header.format_version != kTraceFormatVersion) {
    fail(where, fmt::format("trace format version {}; this ksim reads version {}",
                            header.format_version, kTraceFormatVersion));
  }
  only_keys(object, {"ksim_trace", "ksim_version", "seed", "scenario", "config"}, where,
            "the header");
  header.ksim_version = get_string(object, "ksim_version", where);
  header.seed = get_unsigned(object, "seed", where);
  const ordered_json& scenario = field(object, "scenario", where);
  if (!scenario.is_object()) fail(where, "\"scenario\" is not an object");
  header.scenario_name = get_string(scenario, "name", where);
  header.scenario_hash = get_string(scenario, "hash", where);
  header.scenario_text = get_string(scenario, "text", where);
  only_keys(scenario, {"name", "hash", "text"}, where, "\"scenario\"");
  header.config = field(object, "config", where);
  if (!header.config.is_object()) fail(where, "\"config\" is not an object");
  return header;
}

ParsedLine parse_body_line(std::string_view line, const std::string& where) {
  const ordered_json object = parse_object(line, where);
  ParsedLine parsed;
  if (object.contains("end")) {
    only_keys(object, {"end"}, where, "the end line");
    const ordered_json& end = object.at("end");
    if (!end.is_object()) fail(where, "\"end\" is not an object");
    only_keys(end, {"events", "t", "h"}, where, "\"end\"");
    parsed.end = TraceEnd{get_unsigned(end, "events", where), get_signed(end, "t", where),
                          get_digest(end, "h", where)};
    return parsed;
  }
  only_keys(object, {"i", "t", "s", "n", "k", "h", "d"}, where, "an event");
  TraceEvent event;
  event.index = get_unsigned(object, "i", where);
  event.time_us = get_signed(object, "t", where);
  event.sequence = get_unsigned(object, "s", where);
  if (object.contains("n")) event.node = get_string(object, "n", where);
  event.kind = get_string(object, "k", where);
  event.digest = get_digest(object, "h", where);
  if (object.contains("d")) {
    event.details = object.at("d");
    if (!event.details.is_object()) fail(where, "\"d\" is not an object");
  }
  parsed.event = std::move(event);
  return parsed;
}

std::string describe_event(const TraceEvent& event) {
  std::string text =
      fmt::format("#{} t={} seq {} {} {} digest {}", event.index,
                  time_detail::format_seconds(event.time_us), event.sequence,
                  event.node.empty() ? std::string("(no node)") : event.node, event.kind,
                  digest_hex(event.digest));
  if (event.details.is_object() && !event.details.empty()) {
    text += ' ';
    text += dump(event.details);
  }
  return text;
}

}  // namespace ksim::sim::trace
