#include "sim/kernel/event_queue.h"

#include <catch2/catch.hpp>
#include <memory>
#include <set>
#include <utility>
#include <vector>

#include "sim/kernel/event_callback.h"
#include "sim/kernel/prng.h"

using namespace ksim::sim;

namespace {

// Pops everything and returns the sequences in pop order, running each callback.
std::vector<std::uint64_t> drain(EventQueue& q) {
  std::vector<std::uint64_t> order;
  EventQueue::Popped e;
  while (q.pop(e)) {
    order.push_back(e.sequence);
    e.callback();
  }
  return order;
}

}  // namespace

TEST_CASE("EventQueue pops by time, then by scheduling order", "[sim][queue]") {
  EventQueue q;
  std::vector<int> ran;
  auto at = [&](std::int64_t us, int tag) {
    return q.push(SimTime::from_us(us), EventKind{}, NodeId::none(),
                  [&ran, tag] { ran.push_back(tag); });
  };
  CHECK(at(30, 1).sequence == 1);
  CHECK(at(10, 2).sequence == 2);
  CHECK(at(20, 3).sequence == 3);
  CHECK(at(10, 4).sequence == 4);  // same time as tag 2, scheduled later
  CHECK(at(10, 5).sequence == 5);
  CHECK(at(0, 6).sequence == 6);
  CHECK(q.size() == 6);
  CHECK(q.next_time() == SimTime::from_us(0));
  CHECK(drain(q) == std::vector<std::uint64_t>{6, 2, 4, 5, 3, 1});
  CHECK(ran == std::vector<int>{6, 2, 4, 5, 3, 1});
  CHECK(q.empty());
  CHECK(!q.next_time().has_value());
}

TEST_CASE("EventQueue keeps (time, sequence) order across many ties", "[sim][queue]") {
  EventQueue q;
  // 1000 events on 7 distinct times, pushed in a scrambled time order.
  for (std::uint64_t i = 0; i < 1000; ++i) {
    q.push(SimTime::from_us(static_cast<std::int64_t>((i * 5) % 7)), EventKind{}, NodeId::none(),
           [] {});
  }
  EventQueue::Popped e;
  SimTime last_time = SimTime::zero();
  std::uint64_t last_sequence = 0;
  std::size_t popped = 0;
  while (q.pop(e)) {
    if (e.time == last_time) {
      CHECK(e.sequence > last_sequence);
    } else {
      CHECK(e.time > last_time);
    }
    last_time = e.time;
    last_sequence = e.sequence;
    ++popped;
  }
  CHECK(popped == 1000);
}

TEST_CASE("EventQueue cancels by handle", "[sim][queue]") {
  EventQueue q;
  auto noop = [] {};
  const EventHandle a = q.push(SimTime::from_us(1), EventKind{}, NodeId::none(), noop);
  const EventHandle b = q.push(SimTime::from_us(2), EventKind{}, NodeId::none(), noop);
  const EventHandle c = q.push(SimTime::from_us(3), EventKind{}, NodeId::none(), noop);
  CHECK(q.is_pending(b));
  CHECK(q.cancel(b));
  CHECK_FALSE(q.is_pending(b));
  CHECK_FALSE(q.cancel(b));  // twice: nothing
  CHECK_FALSE(q.cancel(EventHandle{}));
  CHECK(q.size() == 2);
  CHECK(q.cancel(a));
  CHECK(q.next_time() == SimTime::from_us(3));  // a cancelled top is skipped
  CHECK(drain(q) == std::vector<std::uint64_t>{c.sequence});
  CHECK_FALSE(q.cancel(c));  // already ran
}

TEST_CASE("A stale handle never cancels the event that reuses its slot", "[sim][queue]") {
  EventQueue q;
  const EventHandle first = q.push(SimTime::from_us(1), EventKind{}, NodeId::none(), [] {});
  CHECK(drain(q).size() == 1);
  const EventHandle second = q.push(SimTime::from_us(2), EventKind{}, NodeId::none(), [] {});
  CHECK(second.slot == first.slot);  // the slot was reused
  CHECK_FALSE(q.cancel(first));
  CHECK(q.is_pending(second));
  CHECK(q.size() == 1);
}

TEST_CASE("Cancelling destroys the callback at once", "[sim][queue]") {
  EventQueue q;
  auto payload = std::make_shared<int>(7);
  std::weak_ptr<int> watch = payload;
  const EventHandle h = q.push(SimTime::from_us(5), EventKind{}, NodeId::none(),
                               [p = std::move(payload)] { (void)*p; });
  CHECK_FALSE(watch.expired());
  q.cancel(h);
  CHECK(watch.expired());
}

TEST_CASE("Mass cancellation compacts the heap and keeps the order", "[sim][queue]") {
  EventQueue q;
  std::vector<EventHandle> handles;
  for (std::int64_t i = 0; i < 5000; ++i) {
    handles.push_back(
        q.push(SimTime::from_us((i * 7919) % 5000), EventKind{}, NodeId::none(), [] {}));
  }
  // Cancel every event whose time is not a multiple of 10 (4500 of them).
  for (std::int64_t i = 0; i < 5000; ++i) {
    if ((i * 7919) % 5000 % 10 != 0) {
      CHECK(q.cancel(handles[static_cast<std::size_t>(i)]));
    }
  }
  CHECK(q.size() == 500);
  EventQueue::Popped e;
  std::int64_t previous = -1;
  std::size_t count = 0;
  while (q.pop(e)) {
    CHECK(e.time.to_us() % 10 == 0);
    CHECK(e.time.to_us() > previous);  // times are distinct here
    previous = e.time.to_us();
    ++count;
  }
  CHECK(count == 500);
}

TEST_CASE("Kind and target travel with the event", "[sim][queue]") {
  EventQueue q;
  q.push(SimTime::from_us(9), EventKind{3}, NodeId{42}, [] {});
  EventQueue::Popped e;
  REQUIRE(q.pop(e));
  CHECK(e.kind == EventKind{3});
  CHECK(e.target == NodeId{42});
  CHECK(e.time == SimTime::from_us(9));
}

TEST_CASE("EventCallback stores small callables inline and large ones on the heap",
          "[sim][queue]") {
  struct Small {
    std::int64_t a, b, c, d, e;
    void operator()() const {}
  };
  struct Large {
    std::int64_t words[16];
    void operator()() const {}
  };
  STATIC_REQUIRE(EventCallback::stored_inline<Small>());
  STATIC_REQUIRE_FALSE(EventCallback::stored_inline<Large>());

  int sum = 0;
  Large large{};
  large.words[15] = 5;
  EventCallback heap_cb = [large, &sum] { sum += static_cast<int>(large.words[15]); };
  EventCallback moved = std::move(heap_cb);
  CHECK_FALSE(static_cast<bool>(heap_cb));  // NOLINT(bugprone-use-after-move)
  moved();
  CHECK(sum == 5);

  auto owned = std::make_unique<int>(11);
  EventCallback move_only = [p = std::move(owned), &sum] { sum += *p; };
  EventCallback other;
  other = std::move(move_only);
  other();
  CHECK(sum == 16);
}

TEST_CASE("An EventQueue can be moved with its pending events", "[sim][queue]") {
  EventQueue q;
  int ran = 0;
  const EventHandle h = q.push(SimTime::from_us(2), EventKind{}, NodeId::none(), [&] { ran += 1; });
  q.push(SimTime::from_us(1), EventKind{}, NodeId::none(), [&] { ran += 10; });
  EventQueue moved = std::move(q);
  CHECK(moved.size() == 2);
  CHECK(moved.is_pending(h));
  CHECK(drain(moved) == std::vector<std::uint64_t>{2, 1});
  CHECK(ran == 11);
}

TEST_CASE("EventQueue agrees with a sorted reference under random operations", "[sim][queue]") {
  // Random pushes, pops, cancels and reschedules against a std::set of (time, sequence).
  EventQueue q;
  std::set<std::pair<std::int64_t, std::uint64_t>> reference;
  std::vector<std::pair<EventHandle, std::int64_t>> live;  // handle, time
  Prng prng(99, "queue-reference");
  std::int64_t now = 0;
  for (int op = 0; op < 50'000; ++op) {
    const auto action = prng.uniform(0, 9);
    if (action < 4 || reference.empty()) {
      const std::int64_t t = now + prng.uniform<std::int64_t>(0, 1'000);
      const EventHandle h = q.push(SimTime::from_us(t), EventKind{}, NodeId::none(), [] {});
      reference.emplace(t, h.sequence);
      live.emplace_back(h, t);
    } else if (action < 7) {
      EventQueue::Popped e;
      REQUIRE(q.pop(e));
      REQUIRE(std::pair{e.time.to_us(), e.sequence} == *reference.begin());
      reference.erase(reference.begin());
      now = e.time.to_us();
    } else {
      const std::size_t i = prng.index(live.size());
      auto [h, t] = live[i];
      live[i] = live.back();
      live.pop_back();
      if (!q.is_pending(h)) continue;
      reference.erase({t, h.sequence});
      if (action == 7) {
        CHECK(q.cancel(h));
      } else {
        const std::int64_t to = now + prng.uniform<std::int64_t>(0, 1'000);
        const EventHandle moved = q.reschedule(h, SimTime::from_us(to));
        reference.emplace(to, moved.sequence);
        live.emplace_back(moved, to);
      }
    }
    REQUIRE(q.size() == reference.size());
  }
  EventQueue::Popped e;
  while (q.pop(e)) {
    REQUIRE(std::pair{e.time.to_us(), e.sequence} == *reference.begin());
    reference.erase(reference.begin());
  }
  CHECK(reference.empty());
}
