// Zigzag varint encoding and bounds-checked decoding (see varint.h).
#include "core/storage/varint.h"

#include <fmt/format.h>

#include "core/storage/errors.h"

namespace ksim::storage {
namespace {

// Reads an unsigned base-128 value of at most max_bytes bytes whose last byte may carry at most
// last_byte_bits significant bits (so the value fits the target width exactly).
std::uint64_t read_unsigned(ByteView data, std::size_t& pos, std::size_t max_bytes,
                            unsigned last_byte_bits, const char* kind) {
  std::uint64_t value = 0;
  std::size_t p = pos;
  for (std::size_t i = 0; i < max_bytes; ++i, ++p) {
    if (p >= data.size()) {
      throw CorruptDataError(
          fmt::format("{} at byte {} is truncated ({} of its bytes present)", kind, pos, i));
    }
    const std::uint8_t byte = data[p];
    if (i + 1 == max_bytes) {
      if (byte & 0x80) {
        throw CorruptDataError(
            fmt::format("{} at byte {} is longer than {} bytes", kind, pos, max_bytes));
      }
      if ((byte >> last_byte_bits) != 0) {
        throw CorruptDataError(fmt::format("{} at byte {} overflows {} bits", kind, pos,
                                           7 * (max_bytes - 1) + last_byte_bits));
      }
    }
    value |= std::uint64_t{byte & 0x7Fu} << (7 * i);
    if ((byte & 0x80) == 0) {
      pos = p + 1;
      return value;
    }
  }
  // Unreachable: the last iteration either returns or throws.
  throw CorruptDataError(fmt::format("{} at byte {} is malformed", kind, pos));
}

}  // namespace

void append_varint(Bytes& out, std::int32_t v) {
  std::uint8_t buf[kMaxVarintBytes];
  out.insert(out.end(), buf, write_varint(buf, v));
}

void append_varlong(Bytes& out, std::int64_t v) {
  std::uint8_t buf[kMaxVarlongBytes];
  out.insert(out.end(), buf, write_varlong(buf, v));
}

std::int32_t read_varint_multibyte(ByteView data, std::size_t& pos) {
  return zigzag_decode32(
      static_cast<std::uint32_t>(read_unsigned(data, pos, kMaxVarintBytes, 4, "varint")));
}

std::int64_t read_varlong_multibyte(ByteView data, std::size_t& pos) {
  return zigzag_decode64(read_unsigned(data, pos, kMaxVarlongBytes, 1, "varlong"));
}

}  // namespace ksim::storage
