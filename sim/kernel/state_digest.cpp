#include "sim/kernel/state_digest.h"

#include <algorithm>

#include "sim/kernel/hash.h"

namespace ksim::sim {

void StateDigest::mix(std::string_view bytes) {
  mix_word(fnv1a64(bytes));
  mix_word(bytes.size());
}

std::optional<std::uint64_t> first_divergence(std::span<const std::uint64_t> a,
                                              std::span<const std::uint64_t> b) {
  const std::size_t common = std::min(a.size(), b.size());
  const auto [ia, ib] =
      std::mismatch(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(common), b.begin());
  const auto index = static_cast<std::uint64_t>(ia - a.begin());
  if (index < common || a.size() != b.size()) return index;
  return std::nullopt;
}

}  // namespace ksim::sim
