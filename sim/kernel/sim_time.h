// Virtual time: `SimTime` (a point, microseconds since the simulation started) and
// `SimDuration` (a signed span of microseconds). Integers only; arithmetic that would overflow
// is a programmer error. Printed as exact decimal seconds: "15.002s", "0.000250s", "-1.500s".
#pragma once

#include <compare>
#include <cstdint>
#include <iosfwd>
#include <limits>
#include <string>

#include "sim/kernel/assert.h"

namespace ksim::sim {

namespace time_detail {
inline std::int64_t checked_add(std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  KSIM_SIM_ASSERT(!__builtin_add_overflow(a, b, &r), "virtual time overflow in addition");
  return r;
}
inline std::int64_t checked_sub(std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  KSIM_SIM_ASSERT(!__builtin_sub_overflow(a, b, &r), "virtual time overflow in subtraction");
  return r;
}
inline std::int64_t checked_mul(std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  KSIM_SIM_ASSERT(!__builtin_mul_overflow(a, b, &r), "virtual time overflow in multiplication");
  return r;
}
// Exact decimal seconds of a signed count of microseconds (see the file comment).
std::string format_seconds(std::int64_t us);
}  // namespace time_detail

class SimDuration {
 public:
  constexpr SimDuration() = default;

  static constexpr SimDuration from_us(std::int64_t us) { return SimDuration(us); }
  static SimDuration from_ms(std::int64_t ms) {
    return SimDuration(time_detail::checked_mul(ms, 1'000));
  }
  static SimDuration from_s(std::int64_t s) {
    return SimDuration(time_detail::checked_mul(s, 1'000'000));
  }
  static constexpr SimDuration zero() { return SimDuration(0); }
  static constexpr SimDuration max() {
    return SimDuration(std::numeric_limits<std::int64_t>::max());
  }

  constexpr std::int64_t to_us() const { return us_; }
  // Whole milliseconds, truncated toward zero.
  constexpr std::int64_t to_ms() const { return us_ / 1'000; }
  // Whole seconds, truncated toward zero.
  constexpr std::int64_t to_s() const { return us_ / 1'000'000; }

  friend constexpr auto operator<=>(SimDuration, SimDuration) = default;

  friend SimDuration operator+(SimDuration a, SimDuration b) {
    return SimDuration(time_detail::checked_add(a.us_, b.us_));
  }
  friend SimDuration operator-(SimDuration a, SimDuration b) {
    return SimDuration(time_detail::checked_sub(a.us_, b.us_));
  }
  friend SimDuration operator-(SimDuration a) {
    return SimDuration(time_detail::checked_sub(0, a.us_));
  }
  friend SimDuration operator*(SimDuration a, std::int64_t k) {
    return SimDuration(time_detail::checked_mul(a.us_, k));
  }
  friend SimDuration operator*(std::int64_t k, SimDuration a) { return a * k; }
  // Truncated toward zero; dividing by zero is a programmer error.
  friend SimDuration operator/(SimDuration a, std::int64_t k) {
    KSIM_SIM_ASSERT(k != 0, "SimDuration divided by zero");
    KSIM_SIM_ASSERT(!(k == -1 && a.us_ == std::numeric_limits<std::int64_t>::min()),
                    "virtual time overflow in division");
    return SimDuration(a.us_ / k);
  }
  SimDuration& operator+=(SimDuration d) { return *this = *this + d; }
  SimDuration& operator-=(SimDuration d) { return *this = *this - d; }

  std::string to_string() const { return time_detail::format_seconds(us_); }

 private:
  constexpr explicit SimDuration(std::int64_t us) : us_(us) {}
  std::int64_t us_ = 0;
};

class SimTime {
 public:
  constexpr SimTime() = default;

  // The simulation starts at zero; points before it do not exist.
  static SimTime from_us(std::int64_t us) {
    KSIM_SIM_ASSERT(us >= 0, "SimTime before the start of the simulation");
    return SimTime(us);
  }
  static SimTime from_ms(std::int64_t ms) { return zero() + SimDuration::from_ms(ms); }
  static SimTime from_s(std::int64_t s) { return zero() + SimDuration::from_s(s); }
  static constexpr SimTime zero() { return SimTime(0); }
  // "Never": later than every time a run can reach.
  static constexpr SimTime max() { return SimTime(std::numeric_limits<std::int64_t>::max()); }

  constexpr std::int64_t to_us() const { return us_; }
  constexpr std::int64_t to_ms() const { return us_ / 1'000; }
  constexpr std::int64_t to_s() const { return us_ / 1'000'000; }
  // The span since the start of the simulation.
  constexpr SimDuration since_start() const { return SimDuration::from_us(us_); }

  friend constexpr auto operator<=>(SimTime, SimTime) = default;

  friend SimTime operator+(SimTime t, SimDuration d) {
    return from_us(time_detail::checked_add(t.us_, d.to_us()));
  }
  friend SimTime operator+(SimDuration d, SimTime t) { return t + d; }
  friend SimTime operator-(SimTime t, SimDuration d) {
    return from_us(time_detail::checked_sub(t.us_, d.to_us()));
  }
  friend SimDuration operator-(SimTime a, SimTime b) {
    return SimDuration::from_us(time_detail::checked_sub(a.us_, b.us_));
  }
  SimTime& operator+=(SimDuration d) { return *this = *this + d; }
  SimTime& operator-=(SimDuration d) { return *this = *this - d; }

  std::string to_string() const { return time_detail::format_seconds(us_); }

 private:
  constexpr explicit SimTime(std::int64_t us) : us_(us) {}
  std::int64_t us_ = 0;
};

std::ostream& operator<<(std::ostream& out, SimDuration d);
std::ostream& operator<<(std::ostream& out, SimTime t);

// `using namespace ksim::sim::time_literals;` then `250_us`, `15_ms`, `3_s`.
namespace time_literals {
inline std::int64_t literal_value(unsigned long long v) {
  KSIM_SIM_ASSERT(v <= static_cast<unsigned long long>(std::numeric_limits<std::int64_t>::max()),
                  "duration literal out of range");
  return static_cast<std::int64_t>(v);
}
inline SimDuration operator""_us(unsigned long long v) {
  return SimDuration::from_us(literal_value(v));
}
inline SimDuration operator""_ms(unsigned long long v) {
  return SimDuration::from_ms(literal_value(v));
}
inline SimDuration operator""_s(unsigned long long v) {
  return SimDuration::from_s(literal_value(v));
}
}  // namespace time_literals

}  // namespace ksim::sim
