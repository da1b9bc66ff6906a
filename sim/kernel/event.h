// What the kernel knows about an event besides its callback: its kind (an interned name for
// traces and digests), its target node (or none), the handle that cancels it, and the record
// of a processed event (index, sequence, time, kind, target).
#pragma once

#include <compare>
#include <cstdint>
#include <string>

#include "sim/kernel/sim_time.h"

namespace ksim::sim {

// The kind of an event, interned by Simulation::event_kind("network.deliver"). Id 0 is the
// kind "event", used when a caller gives none.
struct EventKind {
  std::uint16_t id = 0;
  friend constexpr auto operator<=>(EventKind, EventKind) = default;
};

// The node an event is addressed to (a broker, controller or client), or none for events of the
// world itself. Node ids are assigned by the layers above the kernel.
struct NodeId {
  std::int32_t value = -1;

  static constexpr NodeId none() { return NodeId{-1}; }
  constexpr bool is_none() const { return value < 0; }
  std::string to_string() const { return is_none() ? "none" : std::to_string(value); }
  friend constexpr auto operator<=>(NodeId, NodeId) = default;
};

// Names one scheduled event so it can be cancelled. A default handle names no event. Handles
// stay safe to use after their event ran or was cancelled: cancelling then does nothing.
struct EventHandle {
  std::uint32_t slot = 0;
  std::uint64_t sequence = 0;  // 0: no event (sequences start at 1)

  constexpr bool is_null() const { return sequence == 0; }
  friend constexpr bool operator==(EventHandle, EventHandle) = default;
};

// A processed event as the kernel saw it. `index` counts processed events from 0 (cancelled
// events are never processed); `sequence` is the global scheduling order that breaks time ties.
struct EventRecord {
  std::uint64_t index = 0;
  std::uint64_t sequence = 0;
  SimTime time;
  EventKind kind;
  NodeId target;
  friend constexpr bool operator==(const EventRecord&, const EventRecord&) = default;
};

}  // namespace ksim::sim
