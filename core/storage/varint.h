// Zigzag varints as Kafka's record format uses them (protobuf style): a signed value is
// zigzag-mapped (0, -1, 1, -2, ... -> 0, 1, 2, 3, ...) and written 7 bits at a time, least
// significant group first, the high bit of each byte saying "more follows". A varint (int32) takes
// at most 5 bytes, a varlong (int64) at most 10.
//
// Writers take a raw pointer into a buffer the caller has sized (varint_size tells how much), so a
// batch encoder can size its output once. Readers are bounds-checked: they read from data[pos..]
// and never past data.size(), advance pos, and throw CorruptDataError naming the byte position
// when the bytes run out, the encoding is longer than 5 (10) bytes, or the value overflows.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>

#include "core/storage/bytes.h"

namespace ksim::storage {

inline constexpr std::size_t kMaxVarintBytes = 5;
inline constexpr std::size_t kMaxVarlongBytes = 10;

constexpr std::uint32_t zigzag_encode32(std::int32_t v) {
  return (static_cast<std::uint32_t>(v) << 1) ^ static_cast<std::uint32_t>(v >> 31);
}
constexpr std::uint64_t zigzag_encode64(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
constexpr std::int32_t zigzag_decode32(std::uint32_t v) {
  return static_cast<std::int32_t>(v >> 1) ^ -static_cast<std::int32_t>(v & 1u);
}
constexpr std::int64_t zigzag_decode64(std::uint64_t v) {
  return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1u);
}

// Bytes taken by the unsigned base-128 encoding of v (1..10).
constexpr std::size_t unsigned_varint_size(std::uint64_t v) {
  return (static_cast<std::size_t>(std::bit_width(v | 1u)) + 6) / 7;
}
constexpr std::size_t varint_size(std::int32_t v) {
  return unsigned_varint_size(zigzag_encode32(v));
}
constexpr std::size_t varlong_size(std::int64_t v) {
  return unsigned_varint_size(zigzag_encode64(v));
}

// Writes v at out (unsigned_varint_size(v) bytes) and returns the end of what was written.
inline std::uint8_t* write_unsigned_varint(std::uint8_t* out, std::uint64_t v) {
  while (v >= 0x80) {
    *out++ = static_cast<std::uint8_t>(v | 0x80);
    v >>= 7;
  }
  *out++ = static_cast<std::uint8_t>(v);
  return out;
}
inline std::uint8_t* write_varint(std::uint8_t* out, std::int32_t v) {
  return write_unsigned_varint(out, zigzag_encode32(v));
}
inline std::uint8_t* write_varlong(std::uint8_t* out, std::int64_t v) {
  return write_unsigned_varint(out, zigzag_encode64(v));
}

void append_varint(Bytes& out, std::int32_t v);
void append_varlong(Bytes& out, std::int64_t v);

// Reads a zigzag varint (int32) / varlong (int64) at data[pos], advancing pos past it. Throws
// CorruptDataError ("varint at byte 7 is truncated (2 of its bytes present)", "... is longer than
// 5 bytes", "... overflows 32 bits"); pos is left unchanged then.
// The one-byte case (most lengths and deltas in small records) is inline; longer ones and every
// error go through the out-of-line *_multibyte functions.
std::int32_t read_varint_multibyte(ByteView data, std::size_t& pos);
std::int64_t read_varlong_multibyte(ByteView data, std::size_t& pos);
inline std::int32_t read_varint(ByteView data, std::size_t& pos) {
  if (pos < data.size() && data[pos] < 0x80) return zigzag_decode32(data[pos++]);
  if (pos + 1 < data.size() && data[pos + 1] < 0x80) {  // two bytes: offset deltas up to 8191
    const std::uint32_t v = (data[pos] & 0x7Fu) | (std::uint32_t{data[pos + 1]} << 7);
    pos += 2;
    return zigzag_decode32(v);
  }
  return read_varint_multibyte(data, pos);
}
inline std::int64_t read_varlong(ByteView data, std::size_t& pos) {
  if (pos < data.size() && data[pos] < 0x80) return zigzag_decode64(data[pos++]);
  return read_varlong_multibyte(data, pos);
}

}  // namespace ksim::storage
