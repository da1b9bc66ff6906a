// The iteration order of a java.util.HashMap<String, ?> (Java 8+), which decides the order of
// configs in `kafka-topics.sh --describe` from Kafka 2.8 (org.apache.kafka.clients.admin.Config
// keeps its entries in a HashMap) and of topics described over --bootstrap-server.
//
// new HashMap<>(initialCapacity) allocates tableSizeFor(initialCapacity) bins on the first put
// and doubles whenever size exceeds 3/4 of the bins; bin = (h ^ (h >>> 16)) & (bins - 1) with h
// = String.hashCode; iteration walks bins in order, each in insertion order (resizes keep it).
// Bins are never treeified here (that needs 8 keys in one bin of a 64+ table).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace ksim::controller {

// Indexes of `keys` (inserted in this order, distinct) in iteration order.
std::vector<std::size_t> java_hash_map_order(const std::vector<std::string>& keys,
                                             std::size_t initial_capacity);
// The default constructor's map (16 bins).
inline std::vector<std::size_t> java_hash_map_order(const std::vector<std::string>& keys) {
  return java_hash_map_order(keys, 16);
}

}  // namespace ksim::controller
