// What a connection carries: a `Message` is an opaque, move-only payload of any type plus its
// size on the wire in bytes (what bandwidth and serialisation delay are computed from). The
// network never looks inside; the receiver asks for the type it expects:
//
//   net.send(conn, self, Message::of(FetchRequest{...}, 120));
//   ...
//   if (const auto* fetch = delivery.message.payload.get<FetchRequest>()) { ... }
#pragma once

#include <cstdint>
#include <memory>
#include <type_traits>
#include <utility>

namespace ksim::sim::network {

class Payload {
 public:
  Payload() = default;

  template <class T>
  static Payload of(T value) {
    Payload p;
    p.holder_ = std::make_unique<Holder<std::decay_t<T>>>(std::move(value));
    return p;
  }

  bool has_value() const { return holder_ != nullptr; }

  template <class T>
  bool holds() const {
    return holder_ != nullptr && holder_->tag() == tag_of<T>();
  }
  // The value when it is a T, otherwise null.
  template <class T>
  T* get() {
    return holds<T>() ? &static_cast<Holder<T>*>(holder_.get())->value : nullptr;
  }
  template <class T>
  const T* get() const {
    return holds<T>() ? &static_cast<const Holder<T>*>(holder_.get())->value : nullptr;
  }

 private:
  struct Base {
    virtual ~Base() = default;
    virtual const void* tag() const = 0;
  };
  // One address per type (an inline variable template has one definition program-wide), so
  // no RTTI is needed to tell types apart.
  template <class T>
  static inline const char type_tag = 0;
  template <class T>
  static const void* tag_of() {
    return &type_tag<T>;
  }
  template <class T>
  struct Holder final : Base {
    explicit Holder(T v) : value(std::move(v)) {}
    const void* tag() const override { return tag_of<T>(); }
    T value;
  };

  std::unique_ptr<Base> holder_;
};

struct Message {
  Payload payload;
  std::uint64_t size_bytes = 0;

  template <class T>
  static Message of(T value, std::uint64_t size_bytes) {
    return Message{Payload::of(std::move(value)), size_bytes};
  }
};

}  // namespace ksim::sim::network
