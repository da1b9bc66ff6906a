#include "sim/kernel/fixed_point.h"

#include <array>
#include <bit>

#include "sim/kernel/assert.h"

namespace ksim::sim::fixed_point {

namespace {

__extension__ using u128 = unsigned __int128;

constexpr unsigned kTableBits = 8;
constexpr unsigned kTableSize = 1u << kTableBits;  // 256 intervals, 257 entries
constexpr std::uint64_t kQ62One = std::uint64_t{1} << 62;

// log2(x) for x in [1, 2) given in 2.62 fixed point, by repeated squaring: each squaring
// doubles the logarithm, and whether the square reaches 2 is the next binary digit.
constexpr std::uint64_t log2_fraction_q32(std::uint64_t x_q62) {
  std::uint64_t result = 0;
  for (int bit = 31; bit >= 0; --bit) {
    x_q62 = static_cast<std::uint64_t>((static_cast<u128>(x_q62) * x_q62) >> 62);
    if (x_q62 >= 2 * kQ62One) {
      x_q62 >>= 1;
      result |= std::uint64_t{1} << bit;
    }
  }
  return result;
}

constexpr std::array<std::uint64_t, kTableSize + 1> make_log2_table() {
  std::array<std::uint64_t, kTableSize + 1> t{};
  for (unsigned i = 0; i < kTableSize; ++i) {
    t[i] = log2_fraction_q32(static_cast<std::uint64_t>(kTableSize + i) << (62 - kTableBits));
  }
  t[kTableSize] = kOne;
  return t;
}

// floor(sqrt(n)) by Newton's method on integers.
constexpr std::uint64_t isqrt(u128 n) {
  if (n == 0) return 0;
  u128 x = n;
  u128 y = (x + 1) / 2;
  while (y < x) {
    x = y;
    y = (x + n / x) / 2;
  }
  return static_cast<std::uint64_t>(x);
}

constexpr std::array<std::uint64_t, kTableSize + 1> make_exp2_table() {
  // roots[j] = 2^(2^j / 256) in 2.62, from 2^(1/2) down by square roots.
  std::array<std::uint64_t, kTableBits> roots{};
  std::uint64_t r = 2 * kQ62One;
  for (unsigned j = kTableBits; j-- > 0;) {
    r = isqrt(static_cast<u128>(r) << 62);
    roots[j] = r;
  }
  std::array<std::uint64_t, kTableSize + 1> t{};
  for (unsigned i = 0; i < kTableSize; ++i) {
    std::uint64_t v = kQ62One;
    for (unsigned j = 0; j < kTableBits; ++j) {
      if ((i >> j) & 1u) v = static_cast<std::uint64_t>((static_cast<u128>(v) * roots[j]) >> 62);
    }
    t[i] = (v + (std::uint64_t{1} << 29)) >> 30;  // 2.62 -> 32.32, rounded
  }
  t[kTableSize] = 2 * kOne;
  return t;
}

constexpr auto kLog2Table = make_log2_table();
constexpr auto kExp2Table = make_exp2_table();

// Linear interpolation between entries i and i+1 with a weight of `w` / 2^bits.
constexpr std::uint64_t interpolate(const std::array<std::uint64_t, kTableSize + 1>& t,
                                    std::uint64_t i, std::uint64_t w, unsigned bits) {
  return t[i] + (((t[i + 1] - t[i]) * w) >> bits);
}

}  // namespace

std::uint64_t log2_table(unsigned i) {
  KSIM_SIM_ASSERT(i <= kTableSize, "log2 table index out of range");
  return kLog2Table[i];
}

std::uint64_t exp2_table(unsigned i) {
  KSIM_SIM_ASSERT(i <= kTableSize, "exp2 table index out of range");
  return kExp2Table[i];
}

std::uint64_t neg_log2_q32(std::uint64_t u) {
  KSIM_SIM_ASSERT(u != 0, "neg_log2_q32 of zero");
  const auto zeros = static_cast<unsigned>(std::countl_zero(u));
  const std::uint64_t mantissa = u << zeros;  // top bit set: u / 2^64 = mantissa / 2^64 / 2^zeros
  // mantissa / 2^63 is in [1, 2): its next 8 bits pick the interval, the 32 after weigh it.
  const std::uint64_t index = (mantissa >> (63 - kTableBits)) & (kTableSize - 1);
  const std::uint64_t weight = (mantissa >> (63 - kTableBits - 32)) & (kOne - 1);
  const std::uint64_t log2_mantissa = interpolate(kLog2Table, index, weight, 32);
  // log2(u / 2^64) = log2(mantissa / 2^63) - 1 - zeros.
  return ((static_cast<std::uint64_t>(zeros) + 1) << 32) - log2_mantissa;
}

std::uint64_t exp2_q32(std::uint64_t x) {
  KSIM_SIM_ASSERT(x < (std::uint64_t{31} << 32), "exp2_q32 argument too large");
  const std::uint64_t whole = x >> 32;
  const std::uint64_t fraction = x & (kOne - 1);
  const std::uint64_t index = fraction >> (32 - kTableBits);
  const std::uint64_t weight = fraction & ((std::uint64_t{1} << (32 - kTableBits)) - 1);
  return interpolate(kExp2Table, index, weight, 32 - kTableBits) << whole;
}

}  // namespace ksim::sim::fixed_point
