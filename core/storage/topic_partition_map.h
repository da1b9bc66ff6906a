// TopicPartitionMap: a map keyed by TopicPartition for the lookups a broker does on every request
// (a partition by name, the requests waiting on it, a fetcher's state for it). Topics are few
// and partitions many, so it is two-level: the topics sorted by name, and per topic its entries
// sorted by partition number, contiguous. A lookup compares the topic name with a few others
// and binary-searches integers: no hashing of the topic string, no walk through tree nodes.
//
// It iterates in (topic, partition) order, exactly as std::map<TopicPartition, T> does, so
// replacing one with the other changes no behaviour. Unlike std::map, inserting or erasing
// moves entries: pointers and references into the map are valid only until the next insertion
// or erasure.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/storage/topic_partition.h"

namespace ksim::storage {

template <typename T>
class TopicPartitionMap {
 public:
  using value_type = std::pair<TopicPartition, T>;

 private:
  struct Topic {
    std::string name;
    std::vector<value_type> entries;  // sorted by partition number
  };
  using Topics = std::vector<Topic>;  // sorted by name

 public:
  // Visits every entry in (topic, partition) order. Do not insert or erase while iterating.
  template <typename TopicsT, typename Value>
  class basic_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = TopicPartitionMap::value_type;
    using difference_type = std::ptrdiff_t;
    using pointer = Value*;
    using reference = Value&;

    basic_iterator() = default;
    basic_iterator(TopicsT* topics, std::size_t topic, std::size_t entry)
        : topics_(topics), topic_(topic), entry_(entry) {
      skip_empty_topics();
    }
    reference operator*() const { return (*topics_)[topic_].entries[entry_]; }
    pointer operator->() const { return &**this; }
    basic_iterator& operator++() {
      ++entry_;
      skip_empty_topics();
      return *this;
    }
    basic_iterator operator++(int) {
      basic_iterator before = *this;
      ++*this;
      return before;
    }
    friend bool operator==(const basic_iterator& a, const basic_iterator& b) {
      return a.topic_ == b.topic_ && a.entry_ == b.entry_;
    }

   private:
    void skip_empty_topics() {
      while (topic_ < topics_->size() && entry_ == (*topics_)[topic_].entries.size()) {
        ++topic_;
        entry_ = 0;
      }
    }
    TopicsT* topics_ = nullptr;
    std::size_t topic_ = 0;
    std::size_t entry_ = 0;
  };
  using iterator = basic_iterator<Topics, value_type>;
  using const_iterator = basic_iterator<const Topics, const value_type>;

  iterator begin() { return {&topics_, 0, 0}; }
  iterator end() { return {&topics_, topics_.size(), 0}; }
  const_iterator begin() const { return {&topics_, 0, 0}; }
  const_iterator end() const { return {&topics_, topics_.size(), 0}; }

  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  void clear() {
    topics_.clear();
    size_ = 0;
  }

  // The value for `tp`, or nullptr.
  T* find(const TopicPartition& tp) { return find_in(*this, tp); }
  const T* find(const TopicPartition& tp) const { return find_in(*this, tp); }
  bool contains(const TopicPartition& tp) const { return find(tp) != nullptr; }
  // The value for `tp`; std::out_of_range if there is none.
  T& at(const TopicPartition& tp) { return checked(find(tp), tp); }
  const T& at(const TopicPartition& tp) const { return checked(find(tp), tp); }

  // The value for `tp`, constructed from `args` if there was none; true if it was inserted.
  template <typename... Args>
  std::pair<T*, bool> try_emplace(const TopicPartition& tp, Args&&... args) {
    Topic& topic = topic_for(tp.topic);
    auto it = lower_bound(topic.entries, tp.partition);
    if (it != topic.entries.end() && it->first.partition == tp.partition) {
      return {&it->second, false};
    }
    it = topic.entries.emplace(it, std::piecewise_construct, std::forward_as_tuple(tp),
                               std::forward_as_tuple(std::forward<Args>(args)...));
    ++size_;
    return {&it->second, true};
  }
  T& operator[](const TopicPartition& tp) { return *try_emplace(tp).first; }
  template <typename V>
  T& insert_or_assign(const TopicPartition& tp, V&& value) {
    auto [slot, inserted] = try_emplace(tp, std::forward<V>(value));
    if (!inserted) *slot = std::forward<V>(value);
    return *slot;
  }

  // Removes `tp`'s entry; false if there was none.
  bool erase(const TopicPartition& tp) {
    const auto topic = find_topic(topics_, tp.topic);
    if (topic == topics_.end()) return false;
    const auto it = lower_bound(topic->entries, tp.partition);
    if (it == topic->entries.end() || it->first.partition != tp.partition) return false;
    topic->entries.erase(it);
    --size_;
    if (topic->entries.empty()) topics_.erase(topic);
    return true;
  }

 private:
  template <typename Entries>
  static auto lower_bound(Entries& entries, std::int32_t partition) {
    return std::lower_bound(
        entries.begin(), entries.end(), partition,
        [](const value_type& entry, std::int32_t p) { return entry.first.partition < p; });
  }

  // A broker has a handful of topics: comparing names for equality one after the other costs
  // less than ordering them; many topics are binary-searched.
  template <typename TopicList>
  static auto find_topic(TopicList& topics, std::string_view name) {
    if (topics.size() <= kLinearSearchTopics) {
      return std::find_if(topics.begin(), topics.end(),
                          [name](const Topic& topic) { return topic.name == name; });
    }
    const auto it =
        std::lower_bound(topics.begin(), topics.end(), name,
                         [](const Topic& topic, std::string_view n) { return topic.name < n; });
    return it != topics.end() && it->name == name ? it : topics.end();
  }
  static constexpr std::size_t kLinearSearchTopics = 8;

  Topic& topic_for(const std::string& name) {
    const auto it = std::lower_bound(
        topics_.begin(), topics_.end(), name,
        [](const Topic& topic, const std::string& n) { return topic.name < n; });
    if (it != topics_.end() && it->name == name) return *it;
    return *topics_.insert(it, Topic{name, {}});
  }

  template <typename V>
  static V& checked(V* value, const TopicPartition& tp) {
    if (value == nullptr) throw std::out_of_range("no entry for partition " + tp.to_string());
    return *value;
  }

  // `self` is the map, const or not: the value comes back with the same constness.
  template <typename Self>
  static auto find_in(Self& self, const TopicPartition& tp) {
    using Result = decltype(&self.topics_.front().entries.front().second);
    const auto topic = find_topic(self.topics_, tp.topic);
    if (topic == self.topics_.end()) return Result{nullptr};
    const auto it = lower_bound(topic->entries, tp.partition);
    return it == topic->entries.end() || it->first.partition != tp.partition ? nullptr
                                                                              : &it->second;
  }

  Topics topics_;
  std::size_t size_ = 0;
};

}  // namespace ksim::storage
