// EventDetails: what happened in an event, in words, for a trace. The kernel hands a buffer out
// only while a trace is being written (`Simulation::event_details()` is null otherwise), so an
// untraced run pays one null check where a layer has something to say:
//
//   if (EventDetails* details = sim.event_details()) details->set("from", sender_name);
//
// The trace writer takes the buffer after each processed event and writes it with that event.
// What is noted between events (a fault injected by the driver, between two run calls) goes with
// the next event written. Details never touch the digest: a traced run is the same run.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>

namespace ksim::sim {

class EventDetails {
 public:
  // Sets `key` to `value`, replacing an earlier value.
  void set(std::string_view key, nlohmann::ordered_json value) {
    fields_[std::string(key)] = std::move(value);
  }
  // Appends `value` to the array `key` (created on first use).
  void append(std::string_view key, nlohmann::ordered_json value) {
    fields_[std::string(key)].push_back(std::move(value));
  }

  bool empty() const { return fields_.is_null() || fields_.empty(); }
  // An object, or null when nothing was noted.
  const nlohmann::ordered_json& fields() const { return fields_; }
  // Hands the details over and starts afresh.
  nlohmann::ordered_json take() { return std::exchange(fields_, nlohmann::ordered_json()); }
  void clear() { fields_ = nlohmann::ordered_json(); }

 private:
  nlohmann::ordered_json fields_;
};

}  // namespace ksim::sim
