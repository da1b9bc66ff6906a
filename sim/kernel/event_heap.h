// EventHeap: the 4-ary min-heap of 128-bit keys under the EventQueue. Keys are unique and
// totally ordered, so the order they come out in never depends on the heap's layout.
//
// The storage is cache-line aligned with the root at the fourth key, so the four children of
// every node (4 x 16 bytes) share one 64-byte line. Popping, re-keying the top and heapifying
// all walk the hole down along the smallest children to a leaf, then sift the key up from there
// (bottom-up deletion): three branch-free comparisons a level and no test against the key,
// which usually belongs near the bottom anyway.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>

namespace ksim::sim {

class EventHeap {
 public:
  __extension__ using Key = unsigned __int128;

  EventHeap() = default;
  EventHeap(const EventHeap&) = delete;
  EventHeap& operator=(const EventHeap&) = delete;
  EventHeap(EventHeap&& other) noexcept { swap(other); }
  EventHeap& operator=(EventHeap&& other) noexcept {
    EventHeap moved(std::move(other));
    swap(moved);
    return *this;
  }
  ~EventHeap();

  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  Key top() const { return root_[0]; }

  void push(Key k);
  Key pop();
  // Replaces the top with a key no smaller than it (a re-keyed event), in one pass down.
  void replace_top(Key k);

  // Passes every key to `f`, keeps the key it returns (nullopt drops it) and rebuilds the heap
  // in linear time.
  template <class F>
  void rebuild(F&& f) {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < size_; ++i) {
      if (std::optional<Key> k = f(root_[i])) root_[kept++] = *k;
    }
    size_ = kept;
    heapify();
  }

 private:
  void swap(EventHeap& other) noexcept {
    std::swap(buffer_, other.buffer_);
    std::swap(root_, other.root_);
    std::swap(size_, other.size_);
    std::swap(capacity_, other.capacity_);
  }
  void grow();
  void sift_up(std::size_t i, Key k);
  // Fills the hole at `start` with `k` and what is below it: bottom-up, as described above.
  void place_from(std::size_t start, Key k);
  void heapify();

  Key* buffer_ = nullptr;  // 64-byte aligned; buffer_[0..2] unused
  Key* root_ = nullptr;    // buffer_ + 3
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;  // keys that fit from root_
};

}  // namespace ksim::sim
