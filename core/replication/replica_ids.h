// Lists of broker ids as the replication code keeps them (a partition's assignment, its ISR).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace ksim::replication {

inline bool contains(const std::vector<std::int32_t>& ids, std::int32_t id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace ksim::replication
