// The producer's partitioners: Kafka's murmur2 hash of a record key (Utils.murmur2, seed
// 0x9747b28c) and the partition it picks, and the built-in "uniform sticky" partitioner for
// records without a key (KIP-794, Kafka 3.3+): stick to one partition until batch.size bytes have
// been produced to it, then pick another at random among the partitions that have a leader.
// core draws no random numbers of its own: the caller hands in the random source.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/storage/bytes.h"

namespace ksim::client {

// Kafka's murmur2 over the key bytes, as the Java client computes it (a signed 32-bit value).
std::int32_t murmur2(storage::ByteView data);

// Utils.toPositive: clears the sign bit (not Math.abs, which would leave INT_MIN negative).
constexpr std::int32_t to_positive(std::int32_t n) { return n & 0x7fffffff; }

// The partition of a keyed record: toPositive(murmur2(key)) % numPartitions (over all the
// topic's partitions, available or not). num_partitions must be positive.
std::int32_t partition_for_key(storage::ByteView key, std::int32_t num_partitions);

// A source of uniformly distributed 32-bit numbers (the simulator's PRNG stream for this client).
using RandomSource = std::function<std::uint32_t()>;

// BuiltInPartitioner: the sticky partition of each topic for records without a key.
class BuiltInPartitioner {
 public:
  BuiltInPartitioner(std::int32_t sticky_batch_size, RandomSource random);

  // The partition the next keyless record of `topic` goes to. `available_partitions` are those
  // with a leader (chosen from if any), otherwise any of the num_partitions.
  std::int32_t sticky_partition(const std::string& topic, std::int32_t num_partitions,
                                const std::vector<std::int32_t>& available_partitions);

  // A keyless record of `appended_bytes` went to `partition`: once batch.size bytes have been
  // produced to the sticky partition, the next record switches to a new one.
  void update_partition_info(const std::string& topic, std::int32_t partition,
                             std::int64_t appended_bytes);

 private:
  struct StickyPartitionInfo {
    std::int32_t partition = -1;  // -1: pick a new one on the next record
    std::int64_t produced_bytes = 0;
  };
  std::int32_t next_partition(std::int32_t num_partitions,
                              const std::vector<std::int32_t>& available_partitions);

  std::int32_t sticky_batch_size_;
  RandomSource random_;
  std::map<std::string, StickyPartitionInfo> topics_;
};

}  // namespace ksim::client
