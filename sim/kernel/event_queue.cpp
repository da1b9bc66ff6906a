#include "sim/kernel/event_queue.h"

#include <utility>

namespace ksim::sim {

namespace {
// Compact only past this many cancelled entries, so small queues never pay for it.
constexpr std::size_t kCompactionFloor = 256;
}  // namespace

std::uint64_t EventQueue::take_sequence() {
  KSIM_SIM_ASSERT(next_sequence_ <= max_sequence, "more than 2^40 events scheduled in one run");
  return next_sequence_++;
}

EventHandle EventQueue::push(SimTime time, EventKind kind, NodeId target,
                             EventCallback&& callback) {
  KSIM_SIM_ASSERT(static_cast<bool>(callback), "scheduling an event without a callback");
  std::uint32_t slot = 0;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    KSIM_SIM_ASSERT(slots_.size() < max_pending, "more than 2^24 events pending at once");
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
    slot_states_.push_back(0);
  }
  const std::uint64_t sequence = take_sequence();
  slot_states_[slot] = sequence;
  Slot& s = slots_[slot];
  s.due_us = time.to_us();
  s.keyed_us = time.to_us();
  s.kind = kind;
  s.target = target;
  s.callback = std::move(callback);
  heap_.push(make_key(time.to_us(), sequence, slot));
  return EventHandle{slot, sequence};
}

bool EventQueue::is_pending(EventHandle handle) const {
  // A cancelled or free slot's state never equals a real handle's sequence.
  return !handle.is_null() && handle.slot < slot_states_.size() &&
         slot_states_[handle.slot] == handle.sequence;
}

bool EventQueue::cancel(EventHandle handle) {
  if (!is_pending(handle)) return false;
  slot_states_[handle.slot] |= kCancelled;
  slots_[handle.slot].callback.reset();
  ++cancelled_in_heap_;
  if (cancelled_in_heap_ > kCompactionFloor && cancelled_in_heap_ * 4 > heap_.size()) compact();
  return true;
}

SimTime EventQueue::due_time(EventHandle handle) const {
  KSIM_SIM_ASSERT(is_pending(handle), "due_time of an event that is not pending");
  return SimTime::from_us(slots_[handle.slot].due_us);
}

EventHandle EventQueue::reschedule(EventHandle handle, SimTime time) {
  KSIM_SIM_ASSERT(is_pending(handle), "rescheduling an event that is not pending");
  Slot& s = slots_[handle.slot];
  if (time.to_us() < s.keyed_us) {
    // Earlier than its heap key: a plain cancel + push (into another slot).
    EventCallback callback = std::move(s.callback);
    const EventKind kind = s.kind;
    const NodeId target = s.target;
    cancel(handle);
    return push(time, kind, target, std::move(callback));
  }
  // Later (or equal): only the slot changes; the old key is re-keyed when it reaches the top.
  const std::uint64_t sequence = take_sequence();
  slot_states_[handle.slot] = sequence;
  s.due_us = time.to_us();
  return EventHandle{handle.slot, sequence};
}

std::optional<SimTime> EventQueue::next_time() {
  settle_top();
  if (heap_.empty()) return std::nullopt;
  return SimTime::from_us(key_time(heap_.top()));
}

bool EventQueue::pop_until(SimTime deadline, Popped& out) {
  settle_top();
  if (heap_.empty() || key_time(heap_.top()) > deadline.to_us()) return false;
  const Key top = heap_.pop();
  const std::uint32_t slot = key_slot(top);
  Slot& s = slots_[slot];
  out.sequence = slot_states_[slot];
  out.time = SimTime::from_us(key_time(top));
  out.kind = s.kind;
  out.target = s.target;
  out.callback = std::move(s.callback);
  free_slot(slot);
  return true;
}

void EventQueue::settle_top() {
  while (!heap_.empty()) {
    const Key top = heap_.top();
    const std::uint32_t slot = key_slot(top);
    const std::uint64_t state = slot_states_[slot];
    if (state == key_sequence(top)) return;
    if ((state & kCancelled) != 0) {
      heap_.pop();
      free_slot(slot);
      --cancelled_in_heap_;
    } else {
      // Rescheduled lazily: re-key at its due time (never earlier than this key).
      Slot& s = slots_[slot];
      s.keyed_us = s.due_us;
      heap_.replace_top(make_key(s.due_us, state, slot));
    }
  }
}

void EventQueue::compact() {
  heap_.rebuild([this](Key k) -> std::optional<Key> {
    const std::uint32_t slot = key_slot(k);
    const std::uint64_t state = slot_states_[slot];
    if ((state & kCancelled) != 0) {
      free_slot(slot);
      return std::nullopt;
    }
    Slot& s = slots_[slot];
    s.keyed_us = s.due_us;
    return make_key(s.due_us, state, slot);
  });
  cancelled_in_heap_ = 0;
}

void EventQueue::free_slot(std::uint32_t slot) {
  slot_states_[slot] = 0;
  slots_[slot].callback.reset();
  free_slots_.push_back(slot);
}

}  // namespace ksim::sim
