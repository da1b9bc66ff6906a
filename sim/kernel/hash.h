// Fixed hash functions the simulator's determinism rests on: FNV-1a (64-bit) for names and
// SplitMix64 for spreading seeds. Their outputs are part of every seed's meaning: changing them
// changes every run, so known-answer tests pin them.
#pragma once

#include <cstdint>
#include <string_view>

namespace ksim::sim {

constexpr std::uint64_t fnv1a64(std::string_view bytes) {
  std::uint64_t h = 0xcbf29ce484222325;
  for (char c : bytes) {
    h ^= static_cast<std::uint8_t>(c);
    h *= 0x100000001b3;
  }
  return h;
}

// Sebastiano Vigna's SplitMix64: advances `state` and returns the next output.
constexpr std::uint64_t splitmix64_next(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

}  // namespace ksim::sim
