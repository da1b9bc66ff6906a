// EventCallback: the move-only `void()` callable an event runs. Callables up to
// `inline_capacity` bytes that move without throwing live inside the object (no allocation per
// event); larger ones go to the heap. It may capture move-only things (a unique_ptr payload).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

#include "sim/kernel/assert.h"

namespace ksim::sim {

class EventCallback {
 public:
  static constexpr std::size_t inline_capacity = 40;

  EventCallback() = default;

  template <class F>
    requires(!std::is_same_v<std::decay_t<F>, EventCallback> &&
             std::is_invocable_r_v<void, std::decay_t<F>&>)
  EventCallback(F&& f) {  // NOLINT(google-explicit-constructor): lambdas convert implicitly
    using Fn = std::decay_t<F>;
    if constexpr (stored_inline<Fn>()) {
      ::new (static_cast<void*>(storage_)) Fn(std::forward<F>(f));
      ops_ = &inline_ops<Fn>;
    } else {
      Fn* heap = new Fn(std::forward<F>(f));
      std::memcpy(storage_, &heap, sizeof heap);
      ops_ = &heap_ops<Fn>;
    }
  }

  EventCallback(EventCallback&& other) noexcept { take(other); }
  EventCallback& operator=(EventCallback&& other) noexcept {
    if (this != &other) {
      reset();
      take(other);
    }
    return *this;
  }
  EventCallback(const EventCallback&) = delete;
  EventCallback& operator=(const EventCallback&) = delete;
  ~EventCallback() { reset(); }

  explicit operator bool() const { return ops_ != nullptr; }

  void operator()() {
    KSIM_SIM_ASSERT(ops_ != nullptr, "calling an empty EventCallback");
    ops_->invoke(storage_);
  }

  // Destroys the callable (and what it captured) now.
  void reset() {
    if (ops_ != nullptr) {
      if (ops_->destroy != nullptr) ops_->destroy(storage_);
      ops_ = nullptr;
    }
  }

  // Whether a callable of type F is stored without a heap allocation.
  template <class F>
  static constexpr bool stored_inline() {
    return sizeof(F) <= inline_capacity && alignof(F) <= alignof(std::uint64_t) &&
           std::is_nothrow_move_constructible_v<F>;
  }

 private:
  struct Ops {
    void (*invoke)(void* storage);
    // Moves the callable from `from` into the raw storage `to` and ends it in `from`.
    // Null when a byte copy does it (trivially copyable callables, and heap pointers).
    void (*relocate)(void* to, void* from);
    // Null when nothing needs destroying.
    void (*destroy)(void* storage);
  };

  template <class Fn>
  static constexpr Ops inline_ops = {
      [](void* s) { (*std::launder(static_cast<Fn*>(s)))(); },
      std::is_trivially_copyable_v<Fn> ? nullptr
                                       : +[](void* to, void* from) {
                                           Fn* src = std::launder(static_cast<Fn*>(from));
                                           ::new (to) Fn(std::move(*src));
                                           src->~Fn();
                                         },
      std::is_trivially_destructible_v<Fn>
          ? nullptr
          : +[](void* s) { std::launder(static_cast<Fn*>(s))->~Fn(); },
  };

  template <class Fn>
  static Fn* heap_pointer(void* s) {
    Fn* p = nullptr;
    std::memcpy(&p, s, sizeof p);
    return p;
  }
  template <class Fn>
  static constexpr Ops heap_ops = {
      [](void* s) { (*heap_pointer<Fn>(s))(); },
      nullptr,
      [](void* s) { delete heap_pointer<Fn>(s); },
  };

  void take(EventCallback& other) noexcept {
    ops_ = other.ops_;
    if (ops_ == nullptr) return;
    if (ops_->relocate == nullptr) {
      // A constant size compiles to a few moves; the storage is zeroed at construction, so the
      // bytes past the callable are defined.
      std::memcpy(storage_, other.storage_, inline_capacity);
    } else {
      ops_->relocate(storage_, other.storage_);
    }
    other.ops_ = nullptr;
  }

  alignas(std::uint64_t) std::byte storage_[inline_capacity] = {};
  const Ops* ops_ = nullptr;
};

}  // namespace ksim::sim
