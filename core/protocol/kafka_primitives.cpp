#include "core/protocol/kafka_primitives.h"

#include <limits>
#include <stdexcept>

#include "core/storage/errors.h"

namespace ksim::protocol {

void PrimitiveWriter::string(std::string_view s) {
  if (s.size() > static_cast<std::size_t>(std::numeric_limits<std::int16_t>::max())) {
    throw std::invalid_argument("string of " + std::to_string(s.size()) +
                                " bytes is longer than a Kafka STRING (32767)");
  }
  int16(static_cast<std::int16_t>(s.size()));
  const auto b = storage::as_bytes(s);
  out_.insert(out_.end(), b.begin(), b.end());
}

void PrimitiveWriter::nullable_string(const std::optional<std::string>& s) {
  if (!s) {
    int16(-1);
  } else {
    string(*s);
  }
}

void PrimitiveWriter::bytes(storage::ByteView b) {
  int32(static_cast<std::int32_t>(b.size()));
  out_.insert(out_.end(), b.begin(), b.end());
}

void PrimitiveWriter::nullable_bytes(const std::optional<storage::Bytes>& b) {
  if (!b) {
    int32(-1);
  } else {
    bytes(*b);
  }
}

void PrimitiveWriter::array_length(std::size_t n) { int32(static_cast<std::int32_t>(n)); }

void PrimitiveReader::fail(const std::string& problem) const {
  throw storage::CorruptDataError(what_ + ": at byte " + std::to_string(pos_) + ": " + problem);
}

const std::uint8_t* PrimitiveReader::take(std::size_t n, const char* field) {
  if (n > remaining()) {
    fail(std::string(field) + " needs " + std::to_string(n) + " bytes but only " +
         std::to_string(remaining()) + " are left");
  }
  const std::uint8_t* p = in_.data() + pos_;
  pos_ += n;
  return p;
}

std::int8_t PrimitiveReader::int8() { return static_cast<std::int8_t>(*take(1, "int8")); }
std::int16_t PrimitiveReader::int16() {
  return static_cast<std::int16_t>(storage::load_be16(take(2, "int16")));
}
std::int32_t PrimitiveReader::int32() {
  return static_cast<std::int32_t>(storage::load_be32(take(4, "int32")));
}
std::int64_t PrimitiveReader::int64() {
  return static_cast<std::int64_t>(storage::load_be64(take(8, "int64")));
}

std::string PrimitiveReader::string() {
  const auto length = int16();
  if (length < 0) fail("STRING length " + std::to_string(length) + " is negative");
  const auto* p = take(static_cast<std::size_t>(length), "string");
  return {reinterpret_cast<const char*>(p), static_cast<std::size_t>(length)};
}

std::optional<std::string> PrimitiveReader::nullable_string() {
  const auto length = int16();
  if (length == -1) return std::nullopt;
  if (length < 0) fail("NULLABLE_STRING length " + std::to_string(length) + " is not -1 or >= 0");
  const auto* p = take(static_cast<std::size_t>(length), "string");
  return std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(length));
}

storage::Bytes PrimitiveReader::bytes() {
  const auto length = int32();
  if (length < 0) fail("BYTES length " + std::to_string(length) + " is negative");
  const auto* p = take(static_cast<std::size_t>(length), "bytes");
  return {p, p + length};
}

std::optional<storage::Bytes> PrimitiveReader::nullable_bytes() {
  const auto length = int32();
  if (length == -1) return std::nullopt;
  if (length < 0) fail("NULLABLE_BYTES length " + std::to_string(length) + " is not -1 or >= 0");
  const auto* p = take(static_cast<std::size_t>(length), "bytes");
  return storage::Bytes(p, p + length);
}

std::size_t PrimitiveReader::array_length(std::size_t min_element_size) {
  const auto count = int32();
  if (count < 0) fail("ARRAY length " + std::to_string(count) + " is negative");
  const auto n = static_cast<std::size_t>(count);
  if (min_element_size > 0 && n > remaining() / min_element_size) {
    fail("ARRAY of " + std::to_string(n) + " elements cannot fit in the " +
         std::to_string(remaining()) + " bytes left");
  }
  return n;
}

}  // namespace ksim::protocol
