// CRC-32C: published check values, and the hardware and table paths agreeing.
#include <catch2/catch.hpp>
#include <cstdint>
#include <numeric>

#include "core/storage/crc32c.h"

using namespace ksim::storage;

namespace {

Bytes filled(std::size_t n, std::uint8_t value) { return Bytes(n, value); }

Bytes ascending(std::size_t n) {
  Bytes b(n);
  std::iota(b.begin(), b.end(), std::uint8_t{0});
  return b;
}

// A tiny deterministic generator (xorshift64*), so inputs are the same on every run.
struct Xorshift {
  std::uint64_t state;
  std::uint64_t next() {
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545F4914F6CDD1DULL;
  }
};

// The specification, one bit at a time: the reference for both fast paths.
std::uint32_t crc32c_bitwise(ByteView data) {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (std::uint8_t byte : data) {
    crc ^= byte;
    for (int i = 0; i < 8; ++i) crc = (crc >> 1) ^ ((crc & 1u) ? 0x82F63B78u : 0u);
  }
  return ~crc;
}

}  // namespace

TEST_CASE("crc32c matches the RFC 3720 (iSCSI) appendix B.4 vectors") {
  CHECK(crc32c(filled(32, 0x00)) == 0x8A9136AAu);
  CHECK(crc32c(filled(32, 0xFF)) == 0x62A8AB43u);
  CHECK(crc32c(ascending(32)) == 0x46DD794Eu);
  Bytes descending = ascending(32);
  std::reverse(descending.begin(), descending.end());
  CHECK(crc32c(descending) == 0x113FDB5Cu);
}

TEST_CASE("crc32c of \"123456789\" is the catalogued check value 0xE3069283") {
  CHECK(crc32c(as_bytes("123456789")) == 0xE3069283u);
  CHECK(detail::crc32c_portable(0, as_bytes("123456789")) == 0xE3069283u);
}

TEST_CASE("crc32c of nothing is 0, and extending by nothing changes nothing") {
  CHECK(crc32c(ByteView{}) == 0u);
  CHECK(crc32c_extend(0xDEADBEEFu, ByteView{}) == 0xDEADBEEFu);
}

TEST_CASE("crc32c_extend over pieces equals crc32c over the whole") {
  const Bytes data = ascending(200);
  const std::uint32_t whole = crc32c(data);
  for (std::size_t split : {0u, 1u, 3u, 7u, 8u, 9u, 64u, 100u, 199u, 200u}) {
    const ByteView all(data);
    CHECK(crc32c_extend(crc32c(all.first(split)), all.subspan(split)) == whole);
  }
}

TEST_CASE("the hardware and slicing-by-8 paths agree with the bitwise definition") {
  INFO("hardware path available: " << detail::crc32c_hardware_available());
  Xorshift rng{0x9E3779B97F4A7C15ULL};
  Bytes buffer(4096 + 16);
  for (auto& b : buffer) b = static_cast<std::uint8_t>(rng.next());
  int checked = 0;
  // Every length up to 300 at every alignment 0..7, then long random pieces.
  for (std::size_t offset = 0; offset < 8; ++offset) {
    for (std::size_t length = 0; length <= 300; ++length) {
      const ByteView piece = ByteView(buffer).subspan(offset, length);
      const std::uint32_t expected = crc32c_bitwise(piece);
      REQUIRE(detail::crc32c_portable(0, piece) == expected);
      if (detail::crc32c_hardware_available()) {
        REQUIRE(detail::crc32c_hardware(0, piece) == expected);
      }
      REQUIRE(crc32c(piece) == expected);
      ++checked;
    }
  }
  for (int i = 0; i < 500; ++i) {
    const std::size_t offset = rng.next() % 16;
    const std::size_t length = rng.next() % 4096;
    const auto seed = static_cast<std::uint32_t>(rng.next());
    const ByteView piece = ByteView(buffer).subspan(offset, length);
    const std::uint32_t portable = detail::crc32c_portable(seed, piece);
    if (detail::crc32c_hardware_available()) {
      REQUIRE(detail::crc32c_hardware(seed, piece) == portable);
    }
    REQUIRE(crc32c_extend(seed, piece) == portable);
    ++checked;
  }
  CHECK(checked == 8 * 301 + 500);
}
