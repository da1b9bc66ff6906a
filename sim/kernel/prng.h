// Prng: one named stream of pseudo-random numbers (xoshiro256**, written here), with the
// distributions the simulator draws from, in integer arithmetic only.
//
// A stream's starting state is a function of (root seed, stream name) alone: SplitMix64 spreads
// the seed, FNV-1a hashes the name. So adding a stream, or drawing more from another stream,
// never changes what a given stream draws (FoundationDB keeps its random sources apart the same
// way). `fork("client/3")` derives a sub-stream from the stream's name, not from its position,
// so forking never disturbs the parent either.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "sim/kernel/assert.h"
#include "sim/kernel/ratio.h"
#include "sim/kernel/sim_time.h"

namespace ksim::sim {

// The bare generator: Blackman and Vigna's xoshiro256** 1.0.
class Xoshiro256StarStar {
 public:
  explicit Xoshiro256StarStar(const std::array<std::uint64_t, 4>& state);
  std::uint64_t next();
  const std::array<std::uint64_t, 4>& state() const { return s_; }

 private:
  std::array<std::uint64_t, 4> s_;
};

class Prng {
 public:
  Prng(std::uint64_t root_seed, std::string_view name);

  const std::string& name() const { return name_; }
  std::uint64_t root_seed() const { return root_seed_; }
  // How many 64-bit words this stream has produced (for reports and debugging).
  std::uint64_t draws() const { return draws_; }

  // The stream named "<this name>/<child>", e.g. prng("client").fork("3") is "client/3".
  Prng fork(std::string_view child) const;

  std::uint64_t next_u64() {
    ++draws_;
    return generator_.next();
  }

  // Uniform in [0, bound) without modulo bias (Lemire's multiply-and-reject); bound >= 1.
  std::uint64_t below(std::uint64_t bound);

  // Uniform in [lo, hi], both included, for any integer type.
  template <class T>
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
  T uniform(T lo, T hi) {
    KSIM_SIM_ASSERT(lo <= hi, "Prng::uniform with lo > hi");
    const auto ulo = static_cast<std::uint64_t>(lo);
    const std::uint64_t span = static_cast<std::uint64_t>(hi) - ulo;  // modulo 2^64
    const std::uint64_t offset = span == ~std::uint64_t{0} ? next_u64() : below(span + 1);
    return static_cast<T>(ulo + offset);
  }
  SimDuration uniform(SimDuration lo, SimDuration hi) {
    return SimDuration::from_us(uniform(lo.to_us(), hi.to_us()));
  }

  // Uniform index in [0, n); n >= 1.
  std::size_t index(std::size_t n) { return static_cast<std::size_t>(below(n)); }

  // True with probability numerator / denominator (numerator <= denominator, denominator >= 1).
  bool bernoulli(Ratio probability);

  // Exponentially distributed with the given mean, rounded down (a mean of zero gives zero).
  std::uint64_t exponential(std::uint64_t mean);
  SimDuration exponential(SimDuration mean);

  // Pareto-distributed (a long tail): scale * U^(-1/alpha) for U uniform in (0, 1], so at least
  // `scale`, with P(X > x) = (scale / x)^alpha, and capped at `max`. alpha > 0.
  std::uint64_t pareto(std::uint64_t scale, Ratio alpha, std::uint64_t max);
  SimDuration pareto(SimDuration scale, Ratio alpha, SimDuration max);

  // One element, uniformly.
  template <class T>
  const T& choose(std::span<const T> items) {
    KSIM_SIM_ASSERT(!items.empty(), "Prng::choose from an empty set");
    return items[index(items.size())];
  }
  template <class T>
  const T& choose(const std::vector<T>& items) {
    return choose(std::span<const T>(items));
  }

  // Fisher-Yates: every permutation equally likely.
  template <class T>
  void shuffle(std::span<T> items) {
    for (std::size_t i = items.size(); i > 1; --i) {
      const std::size_t j = index(i);
      using std::swap;
      swap(items[i - 1], items[j]);
    }
  }
  template <class T>
  void shuffle(std::vector<T>& items) {
    shuffle(std::span<T>(items));
  }

 private:
  std::uint64_t root_seed_;
  std::string name_;
  Xoshiro256StarStar generator_;
  std::uint64_t draws_ = 0;
};

// The generator state of the stream (root seed, name): SplitMix64 seeded with the seed's first
// SplitMix64 output xor FNV-1a(name), four outputs.
std::array<std::uint64_t, 4> derive_stream_state(std::uint64_t root_seed, std::string_view name);

}  // namespace ksim::sim
