#include "core/coordinator/offsets_topic.h"

#include <cstdio>
#include <limits>

#include "core/controller/zk_json_order.h"

namespace ksim::coordinator {
namespace {

using u32 = std::uint32_t;

// scala.collection.Hashing.improve, which 2.13's immutable.HashMap applies to key.##.
u32 improve(u32 hcode) {
  u32 h = hcode + ~(hcode << 9);
  h ^= h >> 14;
  h += h << 4;
  return h ^ (h >> 10);
}

void champ_order(const std::vector<u32>& improved, const std::vector<std::size_t>& members,
                 int shift, std::vector<std::size_t>& out) {
  if (shift >= 32) {  // a full collision node keeps insertion order
    out.insert(out.end(), members.begin(), members.end());
    return;
  }
  std::vector<std::vector<std::size_t>> slots(32);
  for (const std::size_t m : members) slots[(improved[m] >> shift) & 31u].push_back(m);
  for (const auto& slot : slots) {
    if (slot.size() == 1) out.push_back(slot[0]);
  }
  for (const auto& slot : slots) {
    if (slot.size() > 1) champ_order(improved, slot, shift + 5, out);
  }
}

}  // namespace

std::map<std::string, std::string> offsets_topic_configs() {
  return {{"cleanup.policy", "compact"},
          {"compression.type", "producer"},
          {"segment.bytes", std::to_string(offsets_topic_segment_bytes_default)}};
}

std::int32_t java_string_hash_code(std::string_view s) {
  return controller::zk::java_string_hash(s);
}

std::int32_t kafka_utils_abs(std::int32_t n) {
  if (n == std::numeric_limits<std::int32_t>::min()) return 0;
  return n < 0 ? -n : n;
}

std::int32_t partition_for(std::string_view group_id, std::int32_t offsets_topic_partition_count) {
  return kafka_utils_abs(java_string_hash_code(group_id)) % offsets_topic_partition_count;
}

storage::TopicPartition offsets_topic_partition_for(std::string_view group_id,
                                                    std::int32_t offsets_topic_partition_count) {
  return {group_metadata_topic_name, partition_for(group_id, offsets_topic_partition_count)};
}

std::int32_t topic_partition_hash_code(const storage::TopicPartition& tp) {
  const u32 result = 31u + static_cast<u32>(tp.partition);
  return static_cast<std::int32_t>(31u * result + static_cast<u32>(java_string_hash_code(tp.topic)));
}

std::vector<std::size_t> scala_champ_order(const std::vector<std::int32_t>& hashes) {
  std::vector<u32> improved;
  std::vector<std::size_t> members;
  for (std::size_t i = 0; i < hashes.size(); ++i) {
    improved.push_back(improve(static_cast<u32>(hashes[i])));
    members.push_back(i);
  }
  std::vector<std::size_t> out;
  champ_order(improved, members, 0, out);
  return out;
}

std::vector<std::size_t> scala_immutable_map_order(const std::vector<std::int32_t>& hashes) {
  if (hashes.size() <= 4) {
    std::vector<std::size_t> order(hashes.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    return order;
  }
  return scala_champ_order(hashes);
}

std::string java_random_uuid_string(std::uint64_t msb, std::uint64_t lsb) {
  msb = (msb & ~std::uint64_t{0xf000}) | std::uint64_t{0x4000};  // version 4
  lsb = (lsb & ~(std::uint64_t{0xc} << 60)) | (std::uint64_t{0x8} << 60);  // IETF variant
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(msb >> 32),
                static_cast<unsigned>((msb >> 16) & 0xffff), static_cast<unsigned>(msb & 0xffff),
                static_cast<unsigned>(lsb >> 48),
                static_cast<unsigned long long>(lsb & 0xffffffffffffULL));
  return buf;
}

}  // namespace ksim::coordinator
