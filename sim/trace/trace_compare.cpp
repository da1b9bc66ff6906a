#include "sim/trace/trace_compare.h"

#include <fmt/format.h>

#include <algorithm>

#include "sim/kernel/sim_time.h"

namespace ksim::sim::trace {

using nlohmann::ordered_json;

namespace {

std::string seconds(std::int64_t us) { return time_detail::format_seconds(us); }

std::string compact(const ordered_json& value) {
  return value.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

// Equal values, or the same line in a file: a live event's text with invalid UTF-8 reads back
// with U+FFFD, which is the line the recording holds.
bool same_event(const TraceEvent& a, const TraceEvent& b) {
  return a == b || event_line(a) == event_line(b);
}

std::vector<std::string> event_differences(const TraceEvent& a, const TraceEvent& b) {
  std::vector<std::string> out;
  if (a.index != b.index) out.push_back(fmt::format("index #{} vs #{}", a.index, b.index));
  if (a.time_us != b.time_us) {
    out.push_back(fmt::format("time {} vs {}", seconds(a.time_us), seconds(b.time_us)));
  }
  if (a.sequence != b.sequence) {
    out.push_back(fmt::format("sequence {} vs {}", a.sequence, b.sequence));
  }
  if (a.node != b.node) out.push_back(fmt::format("node \"{}\" vs \"{}\"", a.node, b.node));
  if (a.kind != b.kind) out.push_back(fmt::format("kind {} vs {}", a.kind, b.kind));
  if (a.digest != b.digest) {
    out.push_back(
        fmt::format("digest {} vs {}", digest_hex(a.digest), digest_hex(b.digest)));
  }
  if (a.details != b.details) {
    out.push_back(fmt::format("details {} vs {}", compact(a.details), compact(b.details)));
  }
  return out;
}

// The options of a RunHeader JSON that differ, as "key: a vs b".
void config_differences(const ordered_json& a, const ordered_json& b,
                        std::vector<std::string>& out) {
  const ordered_json empty = ordered_json::object();
  const ordered_json& oa = a.contains("options") ? a.at("options") : empty;
  const ordered_json& ob = b.contains("options") ? b.at("options") : empty;
  auto show = [](const ordered_json& o, const std::string& key) {
    return o.contains(key) ? compact(o.at(key)) : std::string("(not set)");
  };
  for (const auto& [key, value] : oa.items()) {
    if (!ob.contains(key) || ob.at(key) != value) {
      out.push_back(fmt::format("config {}: {} vs {}", key, show(oa, key), show(ob, key)));
    }
  }
  for (const auto& [key, value] : ob.items()) {
    if (!oa.contains(key)) {
      out.push_back(fmt::format("config {}: {} vs {}", key, show(oa, key), show(ob, key)));
    }
  }
}

}  // namespace

void EventComparer::set_names(std::string expected_name, std::string actual_name) {
  expected_name_ = std::move(expected_name);
  actual_name_ = std::move(actual_name);
}

void EventComparer::set_headers(const TraceHeader& a, const TraceHeader& b) {
  header_notes_.clear();
  if (a.ksim_version != b.ksim_version) {
    header_notes_.push_back(fmt::format("ksim version {} vs {}", a.ksim_version, b.ksim_version));
  }
  if (a.seed != b.seed) header_notes_.push_back(fmt::format("seed {} vs {}", a.seed, b.seed));
  if (a.scenario_name != b.scenario_name) {
    header_notes_.push_back(
        fmt::format("scenario \"{}\" vs \"{}\"", a.scenario_name, b.scenario_name));
  }
  if (a.scenario_hash != b.scenario_hash) {
    header_notes_.push_back(
        fmt::format("scenario hash {} vs {}", a.scenario_hash, b.scenario_hash));
  }
  config_differences(a.config, b.config, header_notes_);
}

bool EventComparer::compare(const TraceEvent* expected, const TraceEvent* actual) {
  if (divergence_) return false;
  if (expected == nullptr && actual == nullptr) return true;
  if (expected != nullptr && actual != nullptr && same_event(*expected, *actual)) {
    ++compared_;
    next_index_ = expected->index + 1;
    if (context_events_ > 0) {
      if (context_.size() == context_events_) context_.pop_front();
      context_.push_back(*expected);
    }
    return true;
  }
  TraceDivergence d;
  if (expected != nullptr) d.expected = *expected;
  if (actual != nullptr) d.actual = *actual;
  if (expected != nullptr && actual != nullptr) {
    d.index = std::min(expected->index, actual->index);
    d.time_us = std::min(expected->time_us, actual->time_us);
    d.differences = event_differences(*expected, *actual);
  } else {
    const TraceEvent& present = expected != nullptr ? *expected : *actual;
    d.index = present.index;
    d.time_us = present.time_us;
    d.differences.push_back(fmt::format("the {} trace has no more events",
                                        expected == nullptr ? expected_name_ : actual_name_));
  }
  diverge(std::move(d));
  return false;
}

void EventComparer::compare_ends(const std::optional<TraceEnd>& expected,
                                 const std::optional<TraceEnd>& actual) {
  if (divergence_ || expected == actual) return;
  TraceDivergence d;
  auto describe_end = [](const std::optional<TraceEnd>& end) {
    return end ? fmt::format("{} events, stopped at {}, final digest {}", end->events,
                             seconds(end->time_us), digest_hex(end->digest))
               : std::string("no end line (the recording did not finish)");
  };
  d.index = next_index_;
  if (expected && actual) {
    d.time_us = std::min(expected->time_us, actual->time_us);
  } else {
    d.time_us = expected ? expected->time_us : actual->time_us;
  }
  d.differences.push_back(fmt::format("every event matches, but the ends differ: {} ({}) vs {} ({})",
                                      describe_end(expected), expected_name_,
                                      describe_end(actual), actual_name_));
  diverge(std::move(d));
}

void EventComparer::diverge(TraceDivergence d) {
  d.context.assign(context_.begin(), context_.end());
  d.header_notes = header_notes_;
  std::string& r = d.report;
  r += fmt::format("The traces diverge at event #{}, t={}.\n", d.index, seconds(d.time_us));
  for (const std::string& note : d.header_notes) r += fmt::format("  header: {}\n", note);
  if (!d.context.empty()) {
    r += fmt::format("The {} event{} before (identical in both):\n", d.context.size(),
                     d.context.size() == 1 ? "" : "s");
    for (const TraceEvent& event : d.context) r += fmt::format("    {}\n", describe_event(event));
  } else {
    r += "No event before it matches (the traces part at their first event).\n";
  }
  const std::size_t width = std::max(expected_name_.size(), actual_name_.size()) + 1;
  auto side = [&](const std::string& name, const std::optional<TraceEvent>& event) {
    r += fmt::format("  {:<{}} {}\n", name + ":", width,
                     event ? describe_event(*event) : std::string("(no event: the trace ends)"));
  };
  if (d.expected || d.actual) {
    side(expected_name_, d.expected);
    side(actual_name_, d.actual);
  }
  for (const std::string& difference : d.differences) r += fmt::format("  differs: {}\n", difference);
  if (d.expected && d.actual && d.differences.size() == 1 && d.expected->digest != d.actual->digest) {
    r += "  Only the digest differs: the same event ran, but what its handler did (the state it "
         "folded into the digest) differs, or something changed the state between events.\n";
  }
  divergence_ = std::move(d);
}

std::optional<TraceDivergence> compare_traces(const Trace& expected, const Trace& actual,
                                              std::size_t context_events) {
  EventComparer comparer(context_events);
  comparer.set_headers(expected.header, actual.header);
  const std::size_t n = std::max(expected.events.size(), actual.events.size());
  for (std::size_t i = 0; i < n; ++i) {
    const TraceEvent* a = i < expected.events.size() ? &expected.events[i] : nullptr;
    const TraceEvent* b = i < actual.events.size() ? &actual.events[i] : nullptr;
    if (!comparer.compare(a, b)) return comparer.divergence();
  }
  comparer.compare_ends(expected.end, actual.end);
  return comparer.divergence();
}

std::optional<TraceDivergence> compare_trace_files(const std::string& expected_path,
                                                   const std::string& actual_path,
                                                   std::size_t context_events) {
  TraceReader a(expected_path);
  TraceReader b(actual_path);
  EventComparer comparer(context_events);
  comparer.set_names(expected_path, actual_path);
  comparer.set_headers(a.header(), b.header());
  while (true) {
    std::optional<TraceEvent> ea = a.next();
    std::optional<TraceEvent> eb = b.next();
    if (!ea && !eb) break;
    if (!comparer.compare(ea ? &*ea : nullptr, eb ? &*eb : nullptr)) return comparer.divergence();
  }
  comparer.compare_ends(a.end(), b.end());
  return comparer.divergence();
}

// --- ReplayChecker -------------------------------------------------------------------------

ReplayChecker::ReplayChecker(std::string expected_path, std::size_t context_events,
                             bool stop_at_divergence)
    : expected_(std::move(expected_path)),
      comparer_(context_events),
      stop_at_divergence_(stop_at_divergence) {
  comparer_.set_names("recorded", "replay");
}

void ReplayChecker::set_actual_header(const TraceHeader& actual) {
  comparer_.set_headers(expected_.header(), actual);
}

void ReplayChecker::write_event(const TraceEvent& event) {
  if (comparer_.diverged()) return;
  const std::optional<TraceEvent> recorded = expected_.next();
  if (!comparer_.compare(recorded ? &*recorded : nullptr, &event) && stop_at_divergence_) {
    throw TraceDiverged(comparer_.divergence()->report);
  }
}

void ReplayChecker::finish(const TraceEnd& end) {
  if (comparer_.diverged()) return;
  if (std::optional<TraceEvent> left_over = expected_.next()) {
    comparer_.compare(&*left_over, nullptr);
    return;
  }
  comparer_.compare_ends(expected_.end(), end);
}

}  // namespace ksim::sim::trace
