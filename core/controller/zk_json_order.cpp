// Iteration orders of Scala's and Java's hash maps, replayed (see zk_json_order.h).
#include "core/controller/zk_json_order.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <functional>
#include <tuple>

#include "core/controller/zk_types.h"

namespace ksim::controller::zk {
namespace {

using u32 = std::uint32_t;

// Java's int multiplication (wraps).
u32 mul(u32 a, u32 b) { return static_cast<u32>(std::uint64_t{a} * b); }

std::vector<u32> hashes_of(const std::vector<std::string>& keys) {
  std::vector<u32> hashes;
  hashes.reserve(keys.size());
  for (const std::string& key : keys) hashes.push_back(static_cast<u32>(java_string_hash(key)));
  return hashes;
}

// scala.util.hashing.byteswap32.
u32 byteswap32(u32 v) {
  u32 hc = mul(v, 0x9e3775cdu);
  hc = ((hc & 0xffu) << 24) | ((hc & 0xff00u) << 8) | ((hc >> 8) & 0xff00u) | (hc >> 24);
  return mul(hc, 0x9e3775cdu);
}

// scala.collection.immutable.HashMap.improve (both 2.12 and 2.13).
u32 improve(u32 hcode) {
  u32 h = hcode + ~(hcode << 9);
  h ^= h >> 14;
  h += h << 4;
  return h ^ (h >> 10);
}

std::vector<std::size_t> mutable_order_2_13(const std::vector<u32>& hashes,
                                            std::size_t initial_entries) {
  constexpr double load_factor = 0.75;
  const auto table_size_for = [](std::size_t capacity) {
    const std::size_t at_least = std::max<std::size_t>(capacity - 1, 4);
    return std::min<std::size_t>(std::bit_floor(at_least) * 2, std::size_t{1} << 30);
  };
  std::size_t table_size = 16;
  if (initial_entries > 0) {
    // HashMap.from: capacity ((n + 1) / loadFactor).toInt, rounded up to a power of two.
    table_size = table_size_for(
        static_cast<std::size_t>(static_cast<double>(initial_entries + 1) / load_factor));
  }
  // put0 grows the table before inserting when contentSize + 1 >= threshold.
  for (std::size_t content = 0; content < hashes.size(); ++content) {
    const auto threshold = static_cast<std::size_t>(static_cast<double>(table_size) * load_factor);
    if (content + 1 >= threshold) table_size *= 2;
  }
  // Buckets hold nodes sorted by (signed) spread hash, equal hashes in insertion order; growing
  // splits buckets keeping that order, so the final order is a sort.
  std::vector<std::tuple<std::size_t, std::int32_t, std::size_t>> entries;
  for (std::size_t i = 0; i < hashes.size(); ++i) {
    const u32 spread = hashes[i] ^ (hashes[i] >> 16);
    entries.emplace_back(spread & (table_size - 1), static_cast<std::int32_t>(spread), i);
  }
  std::sort(entries.begin(), entries.end());
  std::vector<std::size_t> order;
  for (const auto& entry : entries) order.push_back(std::get<2>(entry));
  return order;
}

std::vector<std::size_t> mutable_order_2_12(const std::vector<u32>& hashes) {
  std::size_t table_size = 16;
  // The seed is fixed when the table is first made (bitCount(15) = 4), not on resize.
  const int seed = std::popcount(static_cast<u32>(table_size - 1));
  const auto index = [&](u32 hcode, std::size_t size) {
    const u32 ones = static_cast<u32>(size - 1);
    const u32 improved = std::rotr(byteswap32(hcode), seed);
    return static_cast<std::size_t>((improved >> std::countl_zero(ones)) & ones);
  };
  // Each bucket is a list, head first; addEntry prepends.
  std::vector<std::vector<std::size_t>> table(table_size);
  std::size_t threshold = table_size * 750 / 1000;
  for (std::size_t i = 0; i < hashes.size(); ++i) {
    auto& bucket = table[index(hashes[i], table_size)];
    bucket.insert(bucket.begin(), i);
    if (i + 1 > threshold) {
      std::vector<std::vector<std::size_t>> grown(table_size * 2);
      for (std::size_t b = table_size; b-- > 0;) {
        for (const std::size_t entry : table[b]) {
          auto& target = grown[index(hashes[entry], table_size * 2)];
          target.insert(target.begin(), entry);
        }
      }
      table = std::move(grown);
      table_size *= 2;
      threshold = table_size * 750 / 1000;
    }
  }
  std::vector<std::size_t> order;
  for (std::size_t b = table_size; b-- > 0;) {
    order.insert(order.end(), table[b].begin(), table[b].end());
  }
  return order;
}

// A hash trie level: five bits of the improved hash from `shift`.
void trie_order(const std::vector<u32>& improved, std::vector<std::size_t> members, int shift,
                ScalaVersion scala, std::vector<std::size_t>& out) {
  if (shift >= 32) {  // full collision: kept in insertion order
    out.insert(out.end(), members.begin(), members.end());
    return;
  }
  std::vector<std::vector<std::size_t>> slots(32);
  for (const std::size_t m : members) slots[(improved[m] >> shift) & 31u].push_back(m);
  if (scala == ScalaVersion::v2_13) {
    for (const auto& slot : slots) {
      if (slot.size() == 1) out.push_back(slot[0]);
    }
    for (const auto& slot : slots) {
      if (slot.size() > 1) trie_order(improved, slot, shift + 5, scala, out);
    }
  } else {
    for (const auto& slot : slots) {
      if (slot.size() == 1) out.push_back(slot[0]);
      if (slot.size() > 1) trie_order(improved, slot, shift + 5, scala, out);
    }
  }
}

// java.util.Hashtable (Java 8's Properties): 11 buckets, new entries at the head of their
// bucket, rehash to 2n+1 when full to 3/4 before an insert, iteration from the last bucket.
std::vector<std::size_t> hashtable_order(const std::vector<u32>& hashes) {
  std::size_t capacity = 11;
  std::size_t threshold = capacity * 3 / 4;
  std::vector<std::vector<std::size_t>> table(capacity);
  const auto index = [&](std::size_t i, std::size_t size) {
    return (hashes[i] & 0x7fffffffu) % size;
  };
  for (std::size_t i = 0; i < hashes.size(); ++i) {
    if (i >= threshold) {
      const std::size_t grown_capacity = capacity * 2 + 1;
      std::vector<std::vector<std::size_t>> grown(grown_capacity);
      for (std::size_t b = capacity; b-- > 0;) {
        for (const std::size_t entry : table[b]) {
          auto& target = grown[index(entry, grown_capacity)];
          target.insert(target.begin(), entry);
        }
      }
      table = std::move(grown);
      capacity = grown_capacity;
      threshold = capacity * 3 / 4;
    }
    auto& bucket = table[index(i, capacity)];
    bucket.insert(bucket.begin(), i);
  }
  std::vector<std::size_t> order;
  for (std::size_t b = capacity; b-- > 0;)
    order.insert(order.end(), table[b].begin(), table[b].end());
  return order;
}

}  // namespace

std::int32_t java_string_hash(std::string_view utf8) {
  u32 h = 0;
  for (const char16_t unit : java_string_from_utf8(utf8)) h = mul(h, 31) + unit;
  return static_cast<std::int32_t>(h);
}

std::vector<std::size_t> scala_mutable_hash_map_order(const std::vector<std::string>& keys,
                                                      ScalaVersion scala,
                                                      std::size_t initial_entries) {
  const std::vector<u32> hashes = hashes_of(keys);
  return scala == ScalaVersion::v2_13 ? mutable_order_2_13(hashes, initial_entries)
                                      : mutable_order_2_12(hashes);
}

std::vector<std::size_t> scala_immutable_map_order(const std::vector<std::string>& keys,
                                                   ScalaVersion scala) {
  std::vector<std::size_t> members(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) members[i] = i;
  if (keys.size() <= 4) return members;  // Map1..Map4
  std::vector<u32> improved = hashes_of(keys);
  for (u32& h : improved) h = improve(h);
  std::vector<std::size_t> order;
  trie_order(improved, std::move(members), 0, scala, order);
  return order;
}

std::vector<std::size_t> java_properties_order(const std::vector<std::string>& keys,
                                               JavaVersion java) {
  const std::vector<u32> hashes = hashes_of(keys);
  if (java == JavaVersion::java8) return hashtable_order(hashes);
  const auto spread = [&](std::size_t i) { return (hashes[i] ^ (hashes[i] >> 16)) & 0x7fffffffu; };
  std::size_t n = 16;  // new Properties(): new ConcurrentHashMap<>(8) makes 16 bins
  std::size_t size_ctl = n - (n >> 2);
  std::vector<std::vector<std::size_t>> bins(n);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    bins[spread(i) & (n - 1)].push_back(i);  // putVal appends at the tail
    if (i + 1 >= size_ctl) {
      // transfer(): each bin splits into a low and a high list. The longest tail run with the
      // same new bit moves as is; the nodes before it are prepended one by one.
      std::vector<std::vector<std::size_t>> grown(n * 2);
      for (std::size_t b = 0; b < n; ++b) {
        const std::vector<std::size_t>& bin = bins[b];
        if (bin.empty()) continue;
        std::size_t last_run = 0;
        std::size_t run_bit = spread(bin[0]) & n;
        for (std::size_t k = 1; k < bin.size(); ++k) {
          const std::size_t bit = spread(bin[k]) & n;
          if (bit != run_bit) {
            run_bit = bit;
            last_run = k;
          }
        }
        std::vector<std::size_t> low;
        std::vector<std::size_t> high;
        (run_bit == 0 ? low : high)
            .assign(bin.begin() + static_cast<std::ptrdiff_t>(last_run), bin.end());
        for (std::size_t k = 0; k < last_run; ++k) {
          auto& list = (spread(bin[k]) & n) == 0 ? low : high;
          list.insert(list.begin(), bin[k]);
        }
        grown[b] = std::move(low);
        grown[b + n] = std::move(high);
      }
      bins = std::move(grown);
      size_ctl = (n << 1) - (n >> 1);
      n *= 2;
    }
  }
  std::vector<std::size_t> order;
  for (const auto& bin : bins) order.insert(order.end(), bin.begin(), bin.end());
  return order;
}

}  // namespace ksim::controller::zk
