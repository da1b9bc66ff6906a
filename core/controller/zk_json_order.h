// Why the keys of Kafka's znode JSON come in the order they do, computed exactly.
//
// Kafka builds each znode body as a Scala (or Java) map and hands it to Jackson, which writes the
// entries in the map's iteration order. That order is the hash table's, so it is fixed but not
// alphabetical: a partition state is {"controller_epoch":..,"leader":..,"version":1,
// "leader_epoch":..,"isr":[..]} and a topic with 12 partitions lists "11" before "0". These
// functions replay the collections Kafka uses and return the indexes of `keys` in iteration
// order; the JSON writers use them.
//
// - scala.collection.mutable.HashMap (BrokerIdZNode, TopicZNode). Scala 2.13 (Kafka 3.x) keeps
//   buckets sorted by the spread hash; Scala 2.12 (Kafka 2.x) indexes by the top bits of a
//   rotated byteswap32 hash and iterates buckets from the last. `initial_entries` is how many of
//   the keys (the first ones) were given to mutable.Map(k1 -> v1, ...), which in 2.13 sizes the
//   table for them; 0 for a map made empty and filled with +=.
// - scala.collection.immutable.Map (ControllerZNode, TopicPartitionStateZNode): up to four
//   entries keep insertion order (Map1..Map4); more become a hash trie on the improved hash, five
//   bits a level from the lowest (2.13's CHAMP lists a node's own entries before its sub-nodes;
//   2.12 keeps them interleaved).
// - java.util.Properties (ConfigEntityZNode's "config"). On Java 9+ (Kafka 3.x) it is backed by
//   a ConcurrentHashMap of 16 bins that doubles at 3/4 full, bins in index order, each in
//   insertion order (the resize split as Java does it; bins are never treeified, that needs 8
//   keys in one bin). On Java 8 it is a Hashtable of 11 buckets (hash % 11, grown to 2n+1 at
//   3/4), iterated from the last bucket, newest entry first.
// Keys are hashed with Java's String.hashCode over UTF-16 code units. Keys must be distinct.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ksim::controller::zk {

enum class ScalaVersion { v2_12, v2_13 };
enum class JavaVersion { java8, java9_or_later };

// java.lang.String.hashCode of the UTF-8 text decoded as Java would.
std::int32_t java_string_hash(std::string_view utf8);

std::vector<std::size_t> scala_mutable_hash_map_order(const std::vector<std::string>& keys,
                                                      ScalaVersion scala,
                                                      std::size_t initial_entries);
std::vector<std::size_t> scala_immutable_map_order(const std::vector<std::string>& keys,
                                                   ScalaVersion scala);
std::vector<std::size_t> java_properties_order(const std::vector<std::string>& keys,
                                               JavaVersion java);

}  // namespace ksim::controller::zk
