// Kafka's fixed-width (non-flexible) schema primitives, big-endian: int8/16/32/64, STRING
// (int16 length + UTF-8), NULLABLE_STRING (length -1 = null), BYTES (int32 length),
// NULLABLE_BYTES (-1 = null), ARRAY (int32 count). What the ConsumerProtocol's embedded
// subscription and assignment and the __consumer_offsets keys and values are made of.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/storage/bytes.h"

namespace ksim::protocol {

class PrimitiveWriter {
 public:
  void int8(std::int8_t v) { out_.push_back(static_cast<std::uint8_t>(v)); }
  void int16(std::int16_t v) { storage::append_be16(out_, static_cast<std::uint16_t>(v)); }
  void int32(std::int32_t v) { storage::append_be32(out_, static_cast<std::uint32_t>(v)); }
  void int64(std::int64_t v) { storage::append_be64(out_, static_cast<std::uint64_t>(v)); }
  // std::invalid_argument when longer than 32767 bytes.
  void string(std::string_view s);
  void nullable_string(const std::optional<std::string>& s);
  void bytes(storage::ByteView b);
  void nullable_bytes(const std::optional<storage::Bytes>& b);
  void array_length(std::size_t n);

  const storage::Bytes& data() const { return out_; }
  storage::Bytes take() { return std::move(out_); }

 private:
  storage::Bytes out_;
};

// Reads primitives from a buffer; anything that runs past the end or has an impossible length
// throws storage::CorruptDataError naming `what` (e.g. "OffsetCommitValue") and the byte position.
class PrimitiveReader {
 public:
  PrimitiveReader(storage::ByteView in, std::string what) : in_(in), what_(std::move(what)) {}

  std::int8_t int8();
  std::int16_t int16();
  std::int32_t int32();
  std::int64_t int64();
  std::string string();
  std::optional<std::string> nullable_string();
  storage::Bytes bytes();
  std::optional<storage::Bytes> nullable_bytes();
  // The count of an array whose elements take at least `min_element_size` bytes each.
  std::size_t array_length(std::size_t min_element_size = 1);

  std::size_t position() const { return pos_; }
  std::size_t remaining() const { return in_.size() - pos_; }
  [[noreturn]] void fail(const std::string& problem) const;

 private:
  const std::uint8_t* take(std::size_t n, const char* field);

  storage::ByteView in_;
  std::string what_;
  std::size_t pos_ = 0;
};

}  // namespace ksim::protocol
