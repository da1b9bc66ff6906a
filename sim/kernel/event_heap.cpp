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
  Key* h = root_;
  const Key top = h[0];
  const Key last = h[--size_];
  const std::size_t n = size_;
  if (n == 0) return top;
  std::size_t i = 0;
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
  sift_up(i, last);
  return top;
}

void EventHeap::replace_top(Key k) { sift_down(0, k); }

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

void EventHeap::sift_down(std::size_t i, Key k) {
  Key* h = root_;
  const std::size_t n = size_;
  while (true) {
    const std::size_t first = kArity * i + 1;
    if (first >= n) break;
    const std::size_t end = first + kArity < n ? first + kArity : n;
    std::size_t best = first;
    for (std::size_t c = first + 1; c < end; ++c) {
      if (h[c] < h[best]) best = c;
    }
    if (!(h[best] < k)) break;
    h[i] = h[best];
    i = best;
  }
  h[i] = k;
}

void EventHeap::heapify() {
  // Floyd's construction: sift down every inner node, last first.
  if (size_ < 2) return;
  for (std::size_t i = (size_ - 2) / kArity + 1; i-- > 0;) sift_down(i, root_[i]);
}

}  // namespace ksim::sim
