// Integer logarithms and powers of two in 32.32 fixed point, for distributions that must not
// touch floating point (exponential and Pareto latencies). Tables of 257 entries are built at
// compile time by exact integer algorithms; values between entries are interpolated linearly
// (relative error below 3e-6, far under what a latency model can tell apart).
#pragma once

#include <cstdint>

namespace ksim::sim::fixed_point {

inline constexpr std::uint64_t kOne = std::uint64_t{1} << 32;  // 1.0 in 32.32
// ln 2 in 0.64 fixed point.
inline constexpr std::uint64_t kLn2Q64 = 0xb17217f7d1cf79ab;

// log2(1 + i/256) in 0.32 for i in [0, 256].
std::uint64_t log2_table(unsigned i);
// 2^(i/256) in 32.32 for i in [0, 256].
std::uint64_t exp2_table(unsigned i);

// -log2(u / 2^64) in 32.32, for u >= 1: in (0, 64]. The "surprise" of a uniform 64-bit draw.
std::uint64_t neg_log2_q32(std::uint64_t u);

// 2^(x / 2^32) in 32.32, for x < 31.0 (so the result fits in 63 bits).
std::uint64_t exp2_q32(std::uint64_t x);

}  // namespace ksim::sim::fixed_point
