// Zigzag varints: exact encodings, sizes, round trips at the edges, and rejection of bad bytes.
#include <catch2/catch.hpp>
#include <limits>

#include "core/storage/errors.h"
#include "core/storage/varint.h"

using namespace ksim::storage;
using Catch::Matchers::Contains;

namespace {

Bytes varint_bytes(std::int32_t v) {
  Bytes out;
  append_varint(out, v);
  return out;
}
Bytes varlong_bytes(std::int64_t v) {
  Bytes out;
  append_varlong(out, v);
  return out;
}

constexpr auto kInt32Min = std::numeric_limits<std::int32_t>::min();
constexpr auto kInt32Max = std::numeric_limits<std::int32_t>::max();
constexpr auto kInt64Min = std::numeric_limits<std::int64_t>::min();
constexpr auto kInt64Max = std::numeric_limits<std::int64_t>::max();

}  // namespace

TEST_CASE("zigzag maps 0, -1, 1, -2, 2 to 0, 1, 2, 3, 4") {
  STATIC_REQUIRE(zigzag_encode32(0) == 0u);
  STATIC_REQUIRE(zigzag_encode32(-1) == 1u);
  STATIC_REQUIRE(zigzag_encode32(1) == 2u);
  STATIC_REQUIRE(zigzag_encode32(-2) == 3u);
  STATIC_REQUIRE(zigzag_encode32(2) == 4u);
  STATIC_REQUIRE(zigzag_encode32(kInt32Max) == 0xFFFFFFFEu);
  STATIC_REQUIRE(zigzag_encode32(kInt32Min) == 0xFFFFFFFFu);
  STATIC_REQUIRE(zigzag_encode64(kInt64Min) == 0xFFFFFFFFFFFFFFFFull);
  STATIC_REQUIRE(zigzag_decode32(0xFFFFFFFFu) == kInt32Min);
  STATIC_REQUIRE(zigzag_decode64(0xFFFFFFFFFFFFFFFEull) == kInt64Max);
}

TEST_CASE("varints encode to Kafka's exact bytes") {
  CHECK(varint_bytes(0) == Bytes{0x00});
  CHECK(varint_bytes(-1) == Bytes{0x01});
  CHECK(varint_bytes(1) == Bytes{0x02});
  CHECK(varint_bytes(63) == Bytes{0x7E});
  CHECK(varint_bytes(-64) == Bytes{0x7F});
  CHECK(varint_bytes(64) == Bytes{0x80, 0x01});
  CHECK(varint_bytes(300) == Bytes{0xD8, 0x04});
  CHECK(varint_bytes(kInt32Max) == Bytes{0xFE, 0xFF, 0xFF, 0xFF, 0x0F});
  CHECK(varint_bytes(kInt32Min) == Bytes{0xFF, 0xFF, 0xFF, 0xFF, 0x0F});
  CHECK(varlong_bytes(kInt64Min) ==
        Bytes{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01});
  CHECK(varlong_bytes(1479847795000) == Bytes{0xF0, 0xE4, 0xEA, 0xDC, 0x91, 0x56});
}

TEST_CASE("varint sizes match what is written") {
  for (std::int64_t v : {std::int64_t{0}, std::int64_t{-1}, std::int64_t{63}, std::int64_t{64},
                         std::int64_t{-65}, std::int64_t{8191}, std::int64_t{8192},
                         std::int64_t{kInt32Max}, std::int64_t{kInt32Min}, kInt64Max, kInt64Min}) {
    CHECK(varlong_size(v) == varlong_bytes(v).size());
    if (v >= kInt32Min && v <= kInt32Max) {
      const auto v32 = static_cast<std::int32_t>(v);
      CHECK(varint_size(v32) == varint_bytes(v32).size());
    }
  }
  CHECK(varint_size(kInt32Max) == 5);
  CHECK(varlong_size(kInt64Max) == 10);
}

TEST_CASE("varints round-trip across their whole range") {
  std::uint64_t x = 0x243F6A8885A308D3ULL;
  for (int i = 0; i < 2000; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    const auto v64 = static_cast<std::int64_t>(x >> (i % 64));
    const auto v32 = static_cast<std::int32_t>(static_cast<std::uint32_t>(x >> (i % 32)));
    const Bytes b32 = varint_bytes(v32);
    const Bytes b64 = varlong_bytes(v64);
    std::size_t pos = 0;
    REQUIRE(read_varint(b32, pos) == v32);
    REQUIRE(pos == b32.size());
    pos = 0;
    REQUIRE(read_varlong(b64, pos) == v64);
    REQUIRE(pos == b64.size());
  }
}

TEST_CASE("reading advances from the given position") {
  const Bytes data{0x02, 0xD8, 0x04, 0x01};
  std::size_t pos = 1;
  CHECK(read_varint(data, pos) == 300);
  CHECK(pos == 3);
  CHECK(read_varlong(data, pos) == -1);
  CHECK(pos == 4);
}

TEST_CASE("truncated varints are rejected with their position") {
  const Bytes data{0x00, 0x80, 0x80};
  std::size_t pos = 1;
  CHECK_THROWS_WITH(read_varint(data, pos),
                    "varint at byte 1 is truncated (2 of its bytes present)");
  CHECK(pos == 1);
  pos = 3;
  CHECK_THROWS_WITH(read_varlong(data, pos),
                    "varlong at byte 3 is truncated (0 of its bytes present)");
  CHECK_THROWS_AS(read_varint(ByteView{}, pos = 0), CorruptDataError);
}

TEST_CASE("over-long and overflowing varints are rejected") {
  std::size_t pos = 0;
  CHECK_THROWS_WITH(read_varint(Bytes{0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, pos),
                    "varint at byte 0 is longer than 5 bytes");
  pos = 0;
  CHECK_THROWS_WITH(read_varint(Bytes{0xFF, 0xFF, 0xFF, 0xFF, 0x1F}, pos),
                    "varint at byte 0 overflows 32 bits");
  pos = 0;
  CHECK_THROWS_WITH(
      read_varlong(Bytes{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, pos),
      "varlong at byte 0 is longer than 10 bytes");
  pos = 0;
  CHECK_THROWS_WITH(
      read_varlong(Bytes{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02}, pos),
      "varlong at byte 0 overflows 64 bits");
  // Non-minimal encodings that still fit are accepted, as Kafka's reader accepts them.
  pos = 0;
  CHECK(read_varint(Bytes{0x82, 0x80, 0x00}, pos) == 1);
  CHECK(pos == 3);
}
