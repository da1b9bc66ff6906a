// EventLogModel: see event_log_model.h.
#include "app/gui/model/event_log_model.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <fmt/format.h>
#include <stdexcept>

#include "core/controller/zk_kafka_paths.h"

namespace ksim::gui::model {

namespace {

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// The scenario language's fault commands (scenarios/script_faults.cpp).
constexpr std::array<std::string_view, 12> kFaultCommands = {
    "kill", "power-off", "shutdown", "pause", "resume", "start",
    "stop", "isolate",   "split",    "slow",  "heal",   "fill"};

bool token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
}

}  // namespace

std::string_view to_string(EventKind kind) {
  switch (kind) {
    case EventKind::leader_change: return "leader change";
    case EventKind::isr_change: return "ISR change";
    case EventKind::truncation: return "truncation";
    case EventKind::controller: return "controller";
    case EventKind::broker_state: return "broker state";
    case EventKind::fault: return "fault";
    case EventKind::command: return "command";
    case EventKind::client: return "client";
    case EventKind::violation: return "violation";
    case EventKind::expectation: return "expectation";
    case EventKind::narration: return "narration";
    case EventKind::other: return "other";
  }
  return "?";
}

void EventFilter::show_only(std::initializer_list<EventKind> shown) {
  kinds = 0;
  for (EventKind kind : shown) kinds |= bit(kind);
}

bool EventFilter::matches(const EventRow& row) const {
  if ((kinds & bit(row.kind)) == 0) return false;
  if (broker && row.broker != *broker) return false;
  if (partition && row.partition != *partition) return false;
  return true;
}

EventLogModel::EventLogModel(EventLogOptions options) : options_(options) {
  if (options_.capacity == 0) throw std::invalid_argument("EventLogModel: capacity must be > 0");
}

EventKind EventLogModel::classify_broker_event(std::string_view what, bool truncation) {
  if (truncation || what.starts_with("truncated ")) return EventKind::truncation;
  const bool from_controller = what.starts_with("controller: ");
  if (from_controller) what.remove_prefix(std::string_view("controller: ").size());
  if (what.starts_with("leader of ") || what.starts_with("follower of ")) {
    return EventKind::leader_change;
  }
  if (contains(what, ": new partition, leader ") ||
      (contains(what, ": leader ") && contains(what, " -> "))) {
    return EventKind::leader_change;
  }
  if (contains(what, ": ISR ") && contains(what, " -> ")) return EventKind::isr_change;
  if (contains(what, "is the controller") || contains(what, "resigned as controller") ||
      contains(what, "controller election") || what.starts_with("learned the controller")) {
    return EventKind::controller;
  }
  if (what.starts_with("started") || what.starts_with("shut down") ||
      what.starts_with("controlled shutdown") || what.starts_with("registered at") ||
      what.starts_with("ZooKeeper session expired") || what.starts_with("storage error") ||
      contains(what, " is alive (") || (what.starts_with("broker ") && what.ends_with(" failed")) ||
      contains(what, "is shutting down") || contains(what, "is still held by an earlier session")) {
    return EventKind::broker_state;
  }
  return from_controller ? EventKind::controller : EventKind::other;
}

EventKind EventLogModel::classify_transcript_line(scenarios::TranscriptKind kind,
                                                  std::string_view text) {
  using scenarios::TranscriptKind;
  switch (kind) {
    case TranscriptKind::narration: return EventKind::narration;
    case TranscriptKind::command: {
      const std::string_view first = text.substr(0, text.find(' '));
      const bool fault =
          std::find(kFaultCommands.begin(), kFaultCommands.end(), first) != kFaultCommands.end();
      return fault ? EventKind::fault : EventKind::command;
    }
    case TranscriptKind::note:
      if (contains(text, "acknowledged") || contains(text, "sends failed")) {
        return EventKind::client;
      }
      if (text.starts_with("broker ")) return EventKind::fault;  // "broker 0 killed"
      return EventKind::other;
    case TranscriptKind::violation: return EventKind::violation;
    case TranscriptKind::expectation_passed:
    case TranscriptKind::expectation_failed: return EventKind::expectation;
    case TranscriptKind::cluster_event: return classify_broker_event(text, false);
    case TranscriptKind::output:
    case TranscriptKind::job_output:
    case TranscriptKind::summary: return EventKind::other;
  }
  return EventKind::other;
}

std::string EventLogModel::partition_named(std::string_view text,
                                           const std::set<std::string>& topics) {
  std::size_t at = 0;
  while (at < text.size()) {
    while (at < text.size() && !token_char(text[at])) ++at;
    std::size_t end = at;
    while (end < text.size() && token_char(text[end])) ++end;
    std::string_view token = text.substr(at, end - at);
    while (!token.empty() && token.back() == '.') token.remove_suffix(1);  // end of a sentence
    const std::size_t dash = token.rfind('-');
    if (dash != std::string_view::npos && dash > 0 && dash + 1 < token.size() &&
        std::all_of(token.begin() + static_cast<std::ptrdiff_t>(dash) + 1, token.end(), is_digit) &&
        topics.count(std::string(token.substr(0, dash))) != 0) {
      return std::string(token);
    }
    at = end;
  }
  return {};
}

std::int32_t EventLogModel::broker_named(std::string_view text) {
  constexpr std::string_view kBroker = "broker ";
  for (std::size_t at = text.find(kBroker); at != std::string_view::npos;
       at = text.find(kBroker, at + 1)) {
    if (at > 0 && token_char(text[at - 1])) continue;
    std::size_t digits = at + kBroker.size();
    std::int32_t id = 0;
    bool any = false;
    while (digits < text.size() && is_digit(text[digits]) && id < 100'000'000) {
      id = id * 10 + (text[digits] - '0');
      any = true;
      ++digits;
    }
    if (any) return id;
  }
  return -1;
}

void EventLogModel::add(EventRow row) {
  row.sequence = next_sequence_++;
  if (row.broker >= 0) brokers_.insert(row.broker);
  if (!row.partition.empty()) partitions_.insert(row.partition);
  if (rows_.size() == options_.capacity) {
    rows_.pop_front();
    ++dropped_;
  }
  rows_.push_back(std::move(row));
}

void EventLogModel::update(sim::cluster::KafkaCluster& cluster,
                           const scenarios::Transcript* transcript) {
  if (cluster.zookeeper().has_server()) {
    const controller::zk::DataNode* topics =
        cluster.zookeeper().server().data_tree().node(controller::ZkPaths::topics);
    if (topics != nullptr && topics->children.size() != topics_.size()) {
      topics_ = std::set<std::string>(topics->children.begin(), topics->children.end());
    }
  }
  const std::vector<sim::cluster::BrokerEvent>& events = cluster.events();
  const std::vector<scenarios::TranscriptLine> no_lines;
  const std::vector<scenarios::TranscriptLine>& lines =
      transcript != nullptr ? transcript->lines() : no_lines;

  // Merge the two in time order; the transcript's line first at equal times (a command comes
  // before what it caused). Cluster events are skipped in the transcript: taken from the cluster.
  while (events_seen_ < events.size() || lines_seen_ < lines.size()) {
    const bool take_line =
        lines_seen_ < lines.size() &&
        (events_seen_ == events.size() || lines[lines_seen_].time <= events[events_seen_].time);
    if (take_line) {
      const scenarios::TranscriptLine& line = lines[lines_seen_++];
      if (line.kind == scenarios::TranscriptKind::cluster_event ||
          line.kind == scenarios::TranscriptKind::output ||
          line.kind == scenarios::TranscriptKind::job_output ||
          line.kind == scenarios::TranscriptKind::summary) {
        continue;
      }
      EventRow row;
      row.time = line.time;
      row.kind = classify_transcript_line(line.kind, line.text);
      row.text = line.text;
      row.script_line = line.line;
      row.partition = partition_named(line.text, topics_);
      if (row.kind == EventKind::fault || row.kind == EventKind::command) {
        row.broker = broker_named(line.text);
      }
      add(std::move(row));
      continue;
    }
    const sim::cluster::BrokerEvent& event = events[events_seen_++];
    if (!options_.show_internal_topics && contains(event.what, "__consumer_offsets")) continue;
    EventRow row;
    row.time = event.time;
    row.kind = classify_broker_event(event.what, event.truncation.has_value());
    row.broker = event.broker_id;
    row.text = fmt::format("broker {}: {}", event.broker_id, event.what);
    row.partition = event.truncation ? event.truncation->topic_partition.to_string()
                                     : partition_named(event.what, topics_);
    add(std::move(row));
  }
}

std::vector<const EventRow*> EventLogModel::filtered(const EventFilter& filter) const {
  std::vector<const EventRow*> out;
  for (const EventRow& row : rows_) {
    if (filter.matches(row)) out.push_back(&row);
  }
  return out;
}

const std::vector<std::uint64_t>& EventLogModel::matching(const EventFilter& filter) {
  if (!(filter == cached_filter_)) {
    cached_filter_ = filter;
    cached_.clear();
    cached_through_ = 0;
  }
  // Drop what the log dropped, then look at the rows added since.
  const std::uint64_t first_kept = rows_.empty() ? next_sequence_ : rows_.front().sequence;
  cached_.erase(cached_.begin(), std::lower_bound(cached_.begin(), cached_.end(), first_kept));
  for (std::uint64_t sequence = std::max(cached_through_, first_kept); sequence < next_sequence_;
       ++sequence) {
    if (filter.matches(*row(sequence))) cached_.push_back(sequence);
  }
  cached_through_ = next_sequence_;
  return cached_;
}

const EventRow* EventLogModel::row(std::uint64_t sequence) const {
  if (rows_.empty() || sequence < rows_.front().sequence || sequence > rows_.back().sequence) {
    return nullptr;
  }
  return &rows_[static_cast<std::size_t>(sequence - rows_.front().sequence)];
}

std::optional<sim::SimTime> EventLogModel::select(std::uint64_t sequence) const {
  const EventRow* found = row(sequence);
  if (found == nullptr) return std::nullopt;
  return found->time;
}

const EventRow* EventLogModel::last_at_or_before(sim::SimTime time,
                                                 const EventFilter& filter) const {
  auto end = std::upper_bound(rows_.begin(), rows_.end(), time,
                              [](sim::SimTime t, const EventRow& row) { return t < row.time; });
  for (auto it = end; it != rows_.begin();) {
    --it;
    if (filter.matches(*it)) return &*it;
  }
  return nullptr;
}

}  // namespace ksim::gui::model
