// java.util.HashMap iteration order for String keys.
#include "core/controller/java_hash_map_order.h"

#include <algorithm>
#include <cstdint>

#include "core/controller/zk_json_order.h"

namespace ksim::controller {
namespace {

// HashMap.tableSizeFor: the next power of two >= capacity, at least 1.
std::size_t table_size_for(std::size_t capacity) {
  std::size_t size = 1;
  while (size < capacity) size <<= 1;
  return size;
}

}  // namespace

std::vector<std::size_t> java_hash_map_order(const std::vector<std::string>& keys,
                                             std::size_t initial_capacity) {
  // Replay the resizes: resize() sets the threshold to (int)(bins * 0.75) below 16 bins and
  // doubles it from there.
  std::size_t bins = 0;
  std::size_t threshold = table_size_for(initial_capacity);
  for (std::size_t size = 1; size <= keys.size(); ++size) {
    if (bins == 0) {
      bins = threshold;
      threshold = bins * 3 / 4;
    }
    if (size > threshold) {
      const bool small = bins < 16;
      bins <<= 1;
      threshold = small ? bins * 3 / 4 : threshold * 2;
    }
  }
  std::vector<std::size_t> order(keys.size());
  std::vector<std::size_t> bin_of(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    order[i] = i;
    const auto h = static_cast<std::uint32_t>(zk::java_string_hash(keys[i]));
    bin_of[i] = bins == 0 ? 0 : static_cast<std::size_t>(h ^ (h >> 16)) & (bins - 1);
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return bin_of[a] < bin_of[b]; });
  return order;
}

}  // namespace ksim::controller
