#include "sim/kernel/event_heap.h"

#include <cstring>
#include <new>

namespace ksim::sim {

namespace {
constexpr std::size_t kArity = 4;
constexpr std::size_t kPad = 3;  // root at the fourth key: children groups start on a line
constexpr std::align_val_t kLine{64};
}  // namespace

EventHeap::~EventHeap() {
  if (buffer_ != nullptr) ::operator delete(buffer_, kLine);
}

void EventHeap::grow() {
  const std::size_t capacity = capacity_ == 0 ? 256 : capacity_ * 2;
  auto* buffer = static_cast<Key*>(::operator new((capacity + kPad) * sizeof(Key), kLine));
  if (size_ > 0) std::memcpy(buffer + kPad, root_, size_ * sizeof(Key));
  if (buffer_ != nullptr) ::operator delete(buffer_, kLine);
  buffer_ = buffer;
  root_ = buffer + kPad;
  capacity_ = capacity;
}

void EventHeap::push(Key k) {
  if (size_ == capacity_) grow();
  ++size_;
  sift_up(size_ - 1, k);
}

EventHeap::Key EventHeap::pop() {
  const Key top = root_[0];
  const Key last = root_[--size_];
  if (size_ > 0) place_from(0, last);
  return top;
}

void EventHeap::replace_top(Key k) { place_from(0, k); }

void EventHeap::place_from(std::size_t start, Key k) {
  Key* h = root_;
  const std::size_t n = size_;
  // Walk the hole down to a leaf along the smallest children.
  std::size_t i = start;
  while (true) {
    const std::size_t first = kArity * i + 1;
    std::size_t best = first;
    if (first + kArity <= n) {
      // Indices from comparison results by arithmetic, so the compiler emits no branch (a
      // branch here is mispredicted half the time).
      const std::size_t a = first + static_cast<std::size_t>(h[first + 1] < h[first]);
      const std::size_t b = first + 2 + static_cast<std::size_t>(h[first + 3] < h[first + 2]);
      const std::size_t take_b = std::size_t{0} - static_cast<std::size_t>(h[b] < h[a]);
      best = a ^ ((a ^ b) & take_b);
    } else if (first < n) {
      for (std::size_t c = first + 1; c < n; ++c) {
        if (h[c] < h[best]) best = c;
      }
    } else {
      break;
    }
    h[i] = h[best];
    i = best;
  }
  // Then move the key up from the leaf, never above where the hole started.
  while (i > start) {
    const std::size_t parent = (i - 1) / kArity;
    if (!(k < h[parent])) break;
    h[i] = h[parent];
    i = parent;
  }
  h[i] = k;
}

void EventHeap::sift_up(std::size_t i, Key k) {
  Key* h = root_;
  while (i > 0) {
    const std::size_t parent = (i - 1) / kArity;
    if (!(k < h[parent])) break;
    h[i] = h[parent];
    i = parent;
  }
  h[i] = k;
}

void EventHeap::heapify() {
  // Floyd's construction: place every inner node's key, last first.
  if (size_ < 2) return;
  for (std::size_t i = (size_ - 2) / kArity + 1; i-- > 0;) place_from(i, root_[i]);
}

}  // namespace ksim::sim
