// EventQueue: the pending events, ordered by (time, sequence). The sequence is a global counter
// assigned at scheduling, so events at the same time run in the order they were scheduled, and
// the order never depends on the heap's layout. A 4-ary min-heap of 16-byte keys (EventHeap)
// points into a slot table holding each event's times, kind, target and callback; slots are
// reused through a free list, so a steady workload allocates nothing.
//
// Both cancellation and rescheduling are lazy. Cancelling marks the slot; the entry is dropped
// when it reaches the top, or when cancelled entries make up a quarter of the heap and it is
// compacted (linear time: a few entries' worth per cancel, and the heap stays shallow).
// Rescheduling to a time no earlier than the entry's key only updates the slot (new time, new
// sequence); when the old key reaches the top it is re-keyed instead of run. So a timeout
// re-armed on every message (Kafka's session and lag timers) costs one re-key per period, not
// one heap operation per message, with exactly the order of cancel + schedule.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "sim/kernel/event.h"
#include "sim/kernel/event_callback.h"
#include "sim/kernel/event_heap.h"
#include "sim/kernel/sim_time.h"

namespace ksim::sim {

class EventQueue {
 public:
  // An event taken off the queue to be run.
  struct Popped {
    std::uint64_t sequence = 0;
    SimTime time;
    EventKind kind;
    NodeId target;
    EventCallback callback;
  };

  // Limits of the packed heap key (see Key): pending events at once, and events ever scheduled.
  static constexpr std::uint64_t max_pending = std::uint64_t{1} << 24;
  static constexpr std::uint64_t max_sequence = (std::uint64_t{1} << 40) - 1;

  EventHandle push(SimTime time, EventKind kind, NodeId target, EventCallback&& callback);

  // True when the event was pending and is now cancelled; false when it already ran, was
  // cancelled before, or the handle names no event. Its callback is destroyed at once.
  bool cancel(EventHandle handle);
  bool is_pending(EventHandle handle) const;
  // The time a pending event will run at.
  SimTime due_time(EventHandle handle) const;

  // Moves a pending event to `time`, exactly as cancel + push of the same kind, target and
  // callback would: it gets a new sequence, and the returned handle replaces the old one.
  EventHandle reschedule(EventHandle handle, SimTime time);

  // The time of the earliest pending event.
  std::optional<SimTime> next_time();
  // Takes the earliest pending event if there is one at or before `deadline`.
  bool pop_until(SimTime deadline, Popped& out);
  bool pop(Popped& out) { return pop_until(SimTime::max(), out); }

  // Pending events (cancelled ones excluded).
  std::size_t size() const { return heap_.size() - cancelled_in_heap_; }
  bool empty() const { return size() == 0; }
  // The sequence the next scheduled event gets.
  std::uint64_t next_sequence() const { return next_sequence_; }

 private:
  // A heap entry is one 128-bit key: time in the high word, then the sequence (40 bits) and the
  // slot (24 bits). Comparing keys compares (time, sequence): sequences are unique, so the slot
  // never decides, and the order is total.
  using Key = EventHeap::Key;
  static Key make_key(std::int64_t time_us, std::uint64_t sequence, std::uint32_t slot) {
    return (static_cast<Key>(static_cast<std::uint64_t>(time_us)) << 64) | (sequence << 24) | slot;
  }
  static std::int64_t key_time(Key k) { return static_cast<std::int64_t>(k >> 64); }
  static std::uint64_t key_sequence(Key k) { return static_cast<std::uint64_t>(k) >> 24; }
  static std::uint32_t key_slot(Key k) {
    return static_cast<std::uint32_t>(static_cast<std::uint64_t>(k) & (max_pending - 1));
  }

  // A slot's state word, kept apart from the rest so the hot loop reads a dense array: the
  // event's current sequence, with kCancelled set once it is cancelled; 0 while the slot is free.
  static constexpr std::uint64_t kCancelled = std::uint64_t{1} << 63;
  struct Slot {
    std::int64_t due_us = 0;    // when it runs
    std::int64_t keyed_us = 0;  // the time in its heap key (earlier when rescheduled lazily)
    EventKind kind;
    NodeId target;
    EventCallback callback;
  };

  // Drops cancelled entries and re-keys rescheduled ones until the top is an event to run.
  void settle_top();
  void compact();
  void free_slot(std::uint32_t slot);
  std::uint64_t take_sequence();

  EventHeap heap_;
  std::vector<std::uint64_t> slot_states_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::size_t cancelled_in_heap_ = 0;
  std::uint64_t next_sequence_ = 1;
};

}  // namespace ksim::sim
