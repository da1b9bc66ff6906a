// NamePool: the ledger's interned strings (client ids, error names, truncation reasons), each
// kept once and named by a 32-bit index. Lookups take a string_view and allocate nothing when
// the name is known; a one-entry cache per call site makes a run of the same name cheaper still.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ksim::sim::audit {

class NamePool {
 public:
  static constexpr std::uint32_t kNone = 0xffffffffu;

  // The last name interned through a cache, so repeated names skip the hash lookup.
  struct Cache {
    std::string_view name;
    std::uint32_t index = kNone;
  };

  std::uint32_t intern(std::string_view name) {
    if (const auto it = index_.find(name); it != index_.end()) return it->second;
    names_.emplace_back(name);
    const auto index = static_cast<std::uint32_t>(names_.size() - 1);
    index_.emplace(std::string_view(names_.back()), index);
    return index;
  }
  std::uint32_t intern(std::string_view name, Cache& cache) {
    if (cache.index != kNone && cache.name == name) return cache.index;
    cache.index = intern(name);
    cache.name = names_[cache.index];  // a view of the pool's copy, stable (deque)
    return cache.index;
  }
  // Which index `name` has, or kNone (interns nothing).
  std::uint32_t find(std::string_view name) const {
    const auto it = index_.find(name);
    return it == index_.end() ? kNone : it->second;
  }
  std::string_view name(std::uint32_t index) const {
    return index == kNone ? std::string_view() : std::string_view(names_[index]);
  }
  std::size_t size() const { return names_.size(); }

 private:
  std::deque<std::string> names_;  // stable addresses: the map's keys view them
  std::unordered_map<std::string_view, std::uint32_t> index_;
};

}  // namespace ksim::sim::audit
