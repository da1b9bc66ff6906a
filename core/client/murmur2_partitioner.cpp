#include "core/client/murmur2_partitioner.h"

#include <stdexcept>
#include <utility>

namespace ksim::client {

std::int32_t murmur2(storage::ByteView data) {
  constexpr std::uint32_t seed = 0x9747b28cu;
  constexpr std::uint32_t m = 0x5bd1e995u;
  constexpr int r = 24;
  const std::size_t length = data.size();
  std::uint32_t h = seed ^ static_cast<std::uint32_t>(length);
  const std::size_t whole_words = length / 4;
  for (std::size_t i = 0; i < whole_words; ++i) {
    const std::size_t at = i * 4;
    std::uint32_t k = std::uint32_t{data[at]} | (std::uint32_t{data[at + 1]} << 8) |
                      (std::uint32_t{data[at + 2]} << 16) | (std::uint32_t{data[at + 3]} << 24);
    k *= m;
    k ^= k >> r;
    k *= m;
    h *= m;
    h ^= k;
  }
  const std::size_t tail = length & ~std::size_t{3};
  switch (length % 4) {
    case 3:
      h ^= std::uint32_t{data[tail + 2]} << 16;
      [[fallthrough]];
    case 2:
      h ^= std::uint32_t{data[tail + 1]} << 8;
      [[fallthrough]];
    case 1:
      h ^= std::uint32_t{data[tail]};
      h *= m;
      break;
    default:
      break;
  }
  h ^= h >> 13;
  h *= m;
  h ^= h >> 15;
  return static_cast<std::int32_t>(h);
}

std::int32_t partition_for_key(storage::ByteView key, std::int32_t num_partitions) {
  if (num_partitions <= 0) {
    throw std::invalid_argument("partition_for_key: a topic has at least one partition, got " +
                                std::to_string(num_partitions));
  }
  return to_positive(murmur2(key)) % num_partitions;
}

BuiltInPartitioner::BuiltInPartitioner(std::int32_t sticky_batch_size, RandomSource random)
    : sticky_batch_size_(sticky_batch_size), random_(std::move(random)) {
  if (!random_) throw std::invalid_argument("BuiltInPartitioner needs a random source");
}

std::int32_t BuiltInPartitioner::next_partition(
    std::int32_t num_partitions, const std::vector<std::int32_t>& available_partitions) {
  const auto random = to_positive(static_cast<std::int32_t>(random_()));
  if (!available_partitions.empty()) {
    const auto count = static_cast<std::int32_t>(available_partitions.size());
    return available_partitions[static_cast<std::size_t>(random % count)];
  }
  return random % num_partitions;
}

std::int32_t BuiltInPartitioner::sticky_partition(
    const std::string& topic, std::int32_t num_partitions,
    const std::vector<std::int32_t>& available_partitions) {
  if (num_partitions <= 0) {
    throw std::invalid_argument("sticky_partition: topic " + topic +
                                " has no partitions in metadata");
  }
  auto& info = topics_[topic];
  if (info.partition < 0 || info.partition >= num_partitions) {
    info.partition = next_partition(num_partitions, available_partitions);
    info.produced_bytes = 0;
  }
  return info.partition;
}

void BuiltInPartitioner::update_partition_info(const std::string& topic, std::int32_t partition,
                                               std::int64_t appended_bytes) {
  auto it = topics_.find(topic);
  if (it == topics_.end() || it->second.partition != partition) return;
  it->second.produced_bytes += appended_bytes;
  if (it->second.produced_bytes >= sticky_batch_size_) {
    it->second.partition = -1;  // switch on the next record
    it->second.produced_bytes = 0;
  }
}

}  // namespace ksim::client
