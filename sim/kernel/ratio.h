// Ratio: a probability or factor as an integer fraction (TigerBeetle's `Ratio`). Fault options
// hold these, never floating point, so a scenario line or a GUI slider maps to exact values:
// `Ratio::ppm(2500)` is 0.25%, `Ratio::percent(5)`, `Ratio{1, 3}`.
#pragma once

#include <compare>
#include <cstdint>
#include <string>

namespace ksim::sim {

struct Ratio {
  std::uint64_t numerator = 0;
  std::uint64_t denominator = 1;

  static constexpr Ratio zero() { return {0, 1}; }
  static constexpr Ratio one() { return {1, 1}; }
  static constexpr Ratio percent(std::uint64_t n) { return {n, 100}; }
  static constexpr Ratio ppm(std::uint64_t n) { return {n, 1'000'000}; }

  // "3/4"
  std::string to_string() const {
    return std::to_string(numerator) + "/" + std::to_string(denominator);
  }
  friend constexpr bool operator==(Ratio, Ratio) = default;
};

}  // namespace ksim::sim
