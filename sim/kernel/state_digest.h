// StateDigest: a running 64-bit hash of a run. The kernel folds in every processed event (time,
// sequence, kind, target); event handlers fold in their effects with `digest().mix(...)`. With
// history on, the digest after each event is kept (event index -> digest), so two runs of the
// same seed can be compared event by event and the first divergence found.
#pragma once

#include <concepts>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace ksim::sim {

// The digest after each processed event: entry i is the digest once event i (0-based) is done.
using DigestHistory = std::vector<std::uint64_t>;

class StateDigest {
 public:
  static constexpr std::uint64_t initial_value = 0x6b73696d2d763031;  // "ksim-v01"

  std::uint64_t value() const { return value_; }

  void mix_word(std::uint64_t word) {
    // An invertible step (xor, odd multiply, xorshift): distinct words give distinct states,
    // and the state never collapses.
    value_ = (value_ ^ word) * 0xbf58476d1ce4e5b9;
    value_ ^= value_ >> 31;
  }
  // Any integer (signed values are folded as their two's-complement bits) or bool.
  template <std::integral T>
  void mix(T v) {
    mix_word(static_cast<std::uint64_t>(v));
  }
  // Bytes and length, so "ab","c" and "a","bc" fold differently.
  void mix(std::string_view bytes);

  void reset() { value_ = initial_value; }

 private:
  std::uint64_t value_ = initial_value;
};

// The first event index at which two histories differ, or where the shorter one ends; nullopt
// when they are identical.
std::optional<std::uint64_t> first_divergence(std::span<const std::uint64_t> a,
                                              std::span<const std::uint64_t> b);

}  // namespace ksim::sim
