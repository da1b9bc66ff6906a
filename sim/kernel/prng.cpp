#include "sim/kernel/prng.h"

#include <bit>
#include <limits>

#include "sim/kernel/fixed_point.h"
#include "sim/kernel/hash.h"

namespace ksim::sim {

namespace {
__extension__ using u128 = unsigned __int128;

std::uint64_t saturate_to_i64_max(u128 v) {
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  return v > kMax ? kMax : static_cast<std::uint64_t>(v);
}

std::int64_t checked_nonnegative(SimDuration d, const char* what) {
  KSIM_SIM_ASSERT(d >= SimDuration::zero(), what);
  return d.to_us();
}
}  // namespace

Xoshiro256StarStar::Xoshiro256StarStar(const std::array<std::uint64_t, 4>& state) : s_(state) {
  KSIM_SIM_ASSERT((s_[0] | s_[1] | s_[2] | s_[3]) != 0, "xoshiro256** state must not be all zero");
}

std::uint64_t Xoshiro256StarStar::next() {
  const std::uint64_t result = std::rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = std::rotl(s_[3], 45);
  return result;
}

std::array<std::uint64_t, 4> derive_stream_state(std::uint64_t root_seed, std::string_view name) {
  std::uint64_t seed_state = root_seed;
  std::uint64_t state = splitmix64_next(seed_state) ^ fnv1a64(name);
  std::array<std::uint64_t, 4> s{};
  for (auto& word : s) word = splitmix64_next(state);
  return s;  // never all zero: SplitMix64 outputs four distinct values of a bijection
}

Prng::Prng(std::uint64_t root_seed, std::string_view name)
    : root_seed_(root_seed), name_(name), generator_(derive_stream_state(root_seed, name)) {}

Prng Prng::fork(std::string_view child) const {
  KSIM_SIM_ASSERT(!child.empty(), "Prng::fork with an empty name");
  std::string full = name_;
  full += '/';
  full += child;
  return Prng(root_seed_, full);
}

std::uint64_t Prng::below(std::uint64_t bound) {
  KSIM_SIM_ASSERT(bound != 0, "Prng::below(0)");
  // Lemire, "Fast Random Integer Generation in an Interval" (2019): the high word of x * bound
  // is uniform once the low word is outside the 2^64 mod bound values that would bias it.
  u128 product = static_cast<u128>(next_u64()) * bound;
  auto low = static_cast<std::uint64_t>(product);
  if (low < bound) {
    const std::uint64_t threshold = (0 - bound) % bound;
    while (low < threshold) {
      product = static_cast<u128>(next_u64()) * bound;
      low = static_cast<std::uint64_t>(product);
    }
  }
  return static_cast<std::uint64_t>(product >> 64);
}

bool Prng::bernoulli(Ratio probability) {
  KSIM_SIM_ASSERT(probability.denominator != 0, "Prng::bernoulli with a zero denominator");
  KSIM_SIM_ASSERT(probability.numerator <= probability.denominator,
                  "Prng::bernoulli with a probability above 1");
  if (probability.numerator == 0) return false;  // no draw: a zero fault rate costs nothing
  return below(probability.denominator) < probability.numerator;
}

std::uint64_t Prng::exponential(std::uint64_t mean) {
  // -ln U = -log2 U * ln 2 for U uniform in (0, 1]; all in fixed point.
  std::uint64_t u = next_u64();
  if (u == 0) u = 1;
  const std::uint64_t neg_log2 = fixed_point::neg_log2_q32(u);  // 32.32, at most 64.0
  const auto neg_ln = static_cast<std::uint64_t>(
      (static_cast<u128>(neg_log2) * fixed_point::kLn2Q64) >> 64);  // 32.32, below 45.0
  return saturate_to_i64_max((static_cast<u128>(neg_ln) * mean) >> 32);
}

SimDuration Prng::exponential(SimDuration mean) {
  const std::int64_t us = checked_nonnegative(mean, "Prng::exponential with a negative mean");
  return SimDuration::from_us(
      static_cast<std::int64_t>(exponential(static_cast<std::uint64_t>(us))));
}

std::uint64_t Prng::pareto(std::uint64_t scale, Ratio alpha, std::uint64_t max) {
  KSIM_SIM_ASSERT(alpha.numerator != 0 && alpha.denominator != 0, "Prng::pareto needs alpha > 0");
  KSIM_SIM_ASSERT(scale <= max, "Prng::pareto with scale above max");
  std::uint64_t u = next_u64();
  if (u == 0) u = 1;
  // U^(-1/alpha) = 2^(-log2 U / alpha).
  const u128 exponent =
      static_cast<u128>(fixed_point::neg_log2_q32(u)) * alpha.denominator / alpha.numerator;
  if (exponent >= (static_cast<u128>(30) << 32)) return max;
  const std::uint64_t factor = fixed_point::exp2_q32(static_cast<std::uint64_t>(exponent));
  const u128 value = (static_cast<u128>(scale) * factor) >> 32;
  return value > max ? max : static_cast<std::uint64_t>(value);
}

SimDuration Prng::pareto(SimDuration scale, Ratio alpha, SimDuration max) {
  const std::int64_t s = checked_nonnegative(scale, "Prng::pareto with a negative scale");
  const std::int64_t m = checked_nonnegative(max, "Prng::pareto with a negative max");
  return SimDuration::from_us(static_cast<std::int64_t>(
      pareto(static_cast<std::uint64_t>(s), alpha, static_cast<std::uint64_t>(m))));
}

}  // namespace ksim::sim
