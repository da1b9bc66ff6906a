// Record batches that are not what they claim: each kind of damage is refused with a
// CorruptDataError that names it, and no prefix of a valid batch ever decodes.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <limits>

#include "core/storage/compression.h"
#include "core/storage/crc32c.h"
#include "core/storage/errors.h"
#include "core/storage/record_batch.h"
#include "tests/storage/codecs.h"

using namespace ksim::storage;
using ksim::storage::test::kAllCodecs;
using Catch::Matchers::Contains;

namespace {

// Records 0 and 1 of the batch below sit at bytes 61..71 and 71..81:
//   61: 18 (length 9)  62: attributes  63: timestampDelta  64: offsetDelta  65: keyLength 1
//   66: 'k'  67: valueLength 2  68-69: "v1"  70: headers count 0
//   71: 18 (length 9)  72: attributes  73: timestampDelta -2  74: offsetDelta 1  75: null key
//   76: null value  77: headers count 1  78: header keyLength 1  79: 'h'  80: null header value
Bytes small_batch() {
  BatchSpec spec;
  spec.base_offset = 500;
  Record r0{.offset = 500,
            .timestamp = 1000,
            .key = to_bytes("k"),
            .value = to_bytes("v1"),
            .headers = {}};
  Record r1{.offset = 501,
            .timestamp = 998,
            .key = std::nullopt,
            .value = std::nullopt,
            .headers = {RecordHeader{"h", std::nullopt}}};
  return encode_batch(spec, {r0, r1});
}

void fix_crc(Bytes& b) { store_be32(b.data() + 17, crc32c(ByteView(b).subspan(21))); }

// A batch around hand-made record bytes, with a correct batchLength and CRC.
Bytes raw_batch(const Bytes& records, std::int32_t count, std::int32_t last_offset_delta,
                std::int16_t attributes = 0, std::int64_t base_timestamp = 0) {
  Bytes b(61 + records.size(), 0);
  std::copy(records.begin(), records.end(), b.begin() + 61);
  store_be64(b.data(), 500);
  store_be32(b.data() + 8, static_cast<std::uint32_t>(49 + records.size()));
  store_be32(b.data() + 12, 0xFFFFFFFF);
  b[16] = 2;
  store_be16(b.data() + 21, static_cast<std::uint16_t>(attributes));
  store_be32(b.data() + 23, static_cast<std::uint32_t>(last_offset_delta));
  store_be64(b.data() + 27, static_cast<std::uint64_t>(base_timestamp));
  store_be64(b.data() + 35, static_cast<std::uint64_t>(base_timestamp));
  store_be64(b.data() + 43, static_cast<std::uint64_t>(-1));
  store_be16(b.data() + 51, 0xFFFF);
  store_be32(b.data() + 53, 0xFFFFFFFF);
  store_be32(b.data() + 57, static_cast<std::uint32_t>(count));
  fix_crc(b);
  return b;
}

std::string decode_error(ByteView batch) {
  try {
    decode_batch(batch);
  } catch (const CorruptDataError& e) {
    return e.what();
  }
  return "(decoded without error)";
}

const std::string kName = "record batch at baseOffset 500: ";

}  // namespace

TEST_CASE("the helpers build batches the decoder accepts") {
  CHECK(decode_batch(small_batch()).records.size() == 2);
  // A record with everything null/empty: length 6, attributes, ts 0, offset 0, null, null, 0.
  CHECK(decode_batch(raw_batch({12, 0, 0, 0, 1, 1, 0}, 1, 0)).records.size() == 1);
}

TEST_CASE("a buffer shorter than the header is refused") {
  const Bytes b = small_batch();
  CHECK(decode_error(ByteView(b).first(60)) ==
        "record batch: the header needs 61 bytes, only 60 are there");
  CHECK(decode_error(ByteView{}) == "record batch: the header needs 61 bytes, only 0 are there");
  CHECK_THROWS_AS(read_batch_header(ByteView(b).first(12)), CorruptDataError);
}

TEST_CASE("a magic other than 2 is refused") {
  Bytes b = small_batch();
  b[16] = 1;
  CHECK(decode_error(b) == kName + "unsupported magic 1 (only magic 2 batches are supported)");
}

TEST_CASE("an impossible batchLength is refused") {
  Bytes b = small_batch();
  store_be32(b.data() + 8, 48);
  CHECK(decode_error(b) == kName + "batchLength 48 is impossible (must be 49..1073741824)");
  store_be32(b.data() + 8, 0xFFFFFFFF);
  CHECK(decode_error(b) == kName + "batchLength -1 is impossible (must be 49..1073741824)");
}

TEST_CASE("a batchLength that disagrees with the buffer is refused") {
  Bytes b = small_batch();
  b.push_back(0);
  CHECK(decode_error(b) ==
        kName + "batchLength 69 makes the batch 81 bytes, but 82 bytes were given");
  b.pop_back();
  store_be32(b.data() + 8, 70);
  CHECK(decode_error(b) ==
        kName + "batchLength 70 makes the batch 82 bytes, but 81 bytes were given");
}

TEST_CASE("a CRC mismatch is refused with both values") {
  Bytes b = small_batch();
  const std::uint32_t stored = load_be32(b.data() + 17);
  b[69] ^= 0x01;  // one bit of the value "v1"
  const std::uint32_t computed = crc32c(ByteView(b).subspan(21));
  CHECK(decode_error(b) ==
        kName + fmt::format("CRC mismatch: stored 0x{:08x} computed 0x{:08x}", stored, computed));
  CHECK_FALSE(crc_is_valid(b));
  // The CRC covers attributes onwards, so damage there is caught too.
  Bytes attributes = small_batch();
  attributes[22] = 0x08;
  CHECK_THAT(decode_error(attributes), Contains("CRC mismatch: stored 0x"));
}

TEST_CASE("an unknown compression codec is refused") {
  Bytes b = small_batch();
  store_be16(b.data() + 21, 6);
  fix_crc(b);
  CHECK(decode_error(b) == kName + "unknown compression codec 6 in attributes 0x0006");
}

TEST_CASE("a negative or out-of-range lastOffsetDelta is refused") {
  Bytes b = small_batch();
  store_be32(b.data() + 23, 0xFFFFFFFF);
  fix_crc(b);
  CHECK(decode_error(b) == kName + "lastOffsetDelta -1 is out of range");
  Bytes top = small_batch();
  store_be64(top.data(), static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()));
  CHECK_THAT(decode_error(top), Contains("lastOffsetDelta 1 is out of range"));
}

TEST_CASE("a recordsCount that disagrees with the records is refused") {
  Bytes b = small_batch();
  store_be32(b.data() + 57, 3);
  fix_crc(b);
  CHECK(decode_error(b) == kName + "recordsCount is 3 but the records end after 2");
  store_be32(b.data() + 57, 1);
  fix_crc(b);
  CHECK(decode_error(b) == kName + "10 trailing bytes after the last of the 1 records (byte 71)");
  store_be32(b.data() + 57, 0xFFFFFFFF);
  fix_crc(b);
  CHECK(decode_error(b) == kName + "negative recordsCount -1");
}

TEST_CASE("a record length that overruns, is negative or disagrees with the fields is refused") {
  const auto with_length = [](std::uint8_t varint) {
    Bytes b = small_batch();
    b[61] = varint;
    fix_crc(b);
    return decode_error(b);
  };
  CHECK(with_length(126) == kName +
                                "record 0 at byte 61: length: 63 overruns the records "
                                "(19 bytes left)");
  CHECK(with_length(3) == kName + "record 0 at byte 61: length: -2 is negative");
  CHECK(with_length(16) == kName +
                               "record 0 at byte 61: headers count: varint at byte 70 is "
                               "truncated (0 of its bytes present)");
  CHECK(with_length(20) == kName + "record 0 at byte 61: length: 10 but its fields take 9 bytes");
  CHECK(with_length(0) == kName + "record 0 at byte 61: attributes: missing");
}

TEST_CASE("offset deltas out of range are refused") {
  const auto with_delta = [](std::size_t at, std::uint8_t varint) {
    Bytes b = small_batch();
    b[at] = varint;
    fix_crc(b);
    return decode_error(b);
  };
  CHECK(with_delta(64, 1) ==
        kName + "record 0 at byte 61: offsetDelta: -1 out of range (must be 0..lastOffsetDelta 1)");
  CHECK(with_delta(74, 0) == kName +
                                 "record 1 at byte 71: offsetDelta: 0 out of range (must be "
                                 "above the previous record's 0 and at most lastOffsetDelta 1)");
  CHECK(with_delta(74, 4) == kName +
                                 "record 1 at byte 71: offsetDelta: 2 out of range (must be "
                                 "above the previous record's 0 and at most lastOffsetDelta 1)");
}

TEST_CASE("bad varints inside records are refused with the field and position") {
  // timestampDelta as 11 bytes.
  CHECK(decode_error(raw_batch(
            {24, 0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0}, 1, 0)) ==
        kName + "record 0 at byte 61: timestampDelta: varlong at byte 63 is longer than 10 bytes");
  // keyLength overflowing 32 bits.
  CHECK(decode_error(raw_batch({20, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 1, 0}, 1, 0)) ==
        kName + "record 0 at byte 61: keyLength: varint at byte 65 overflows 32 bits");
  // The record length itself, cut by the end of the batch.
  CHECK(decode_error(raw_batch({0x80}, 1, 0)) ==
        kName +
            "record 0 at byte 61: length: varint at byte 61 is truncated (1 of its bytes "
            "present)");
}

TEST_CASE("negative lengths other than -1 are refused") {
  CHECK(decode_error(raw_batch({12, 0, 0, 0, 3, 1, 0}, 1, 0)) ==
        kName + "record 0 at byte 61: keyLength: -2 is negative (only -1, null, is allowed)");
  CHECK(decode_error(raw_batch({12, 0, 0, 0, 1, 5, 0}, 1, 0)) ==
        kName + "record 0 at byte 61: valueLength: -3 is negative (only -1, null, is allowed)");
  CHECK(decode_error(raw_batch({12, 0, 0, 0, 1, 1, 3}, 1, 0)) ==
        kName + "record 0 at byte 61: headers count: -2 is negative");
  // A header key cannot be null.
  CHECK(decode_error(raw_batch({16, 0, 0, 0, 1, 1, 2, 1, 1}, 1, 0)) ==
        kName +
            "record 0 at byte 61: header 0 keyLength: -1 is negative (this field cannot be "
            "null)");
  // A key that runs past the record.
  CHECK(decode_error(raw_batch({12, 0, 0, 0, 8, 1, 0}, 1, 0)) ==
        kName + "record 0 at byte 61: keyLength: 4 overruns the record (2 bytes left)");
}

TEST_CASE("a timestamp delta that overflows is refused") {
  CHECK(decode_error(
            raw_batch({12, 0, 2, 0, 1, 1, 0}, 1, 0, 0, std::numeric_limits<std::int64_t>::max())) ==
        kName +
            "record 0 at byte 61: timestampDelta: 1 overflows baseTimestamp "
            "9223372036854775807");
}

TEST_CASE("compressed records are checked after decompression") {
  // Damage inside the compressed bytes, with the CRC made to match.
  BatchSpec spec;
  spec.base_offset = 500;
  spec.compression = CompressionType::gzip;
  Bytes b = encode_batch(spec, {Record{.offset = 500,
                                       .timestamp = 0,
                                       .key = std::nullopt,
                                       .value = to_bytes("payload"),
                                       .headers = {}}});
  b[b.size() - 6] ^= 0xFF;  // inside the gzip trailer's CRC-32
  fix_crc(b);
  CHECK_THAT(decode_error(b), Contains(kName + "records do not decompress: gzip: "));
  // Well-compressed but bad records: positions are in the decompressed bytes.
  const Bytes zstd_records = compress(CompressionType::zstd, Bytes{12, 0, 0, 0, 3, 1, 0});
  CHECK(decode_error(raw_batch(zstd_records, 1, 0, 4)) ==
        kName +
            "record 0 at byte 0 of the decompressed records: keyLength: -2 is negative (only "
            "-1, null, is allowed)");
  const Bytes lz4_extra = compress(CompressionType::lz4, Bytes{12, 0, 0, 0, 1, 1, 0, 9});
  CHECK(decode_error(raw_batch(lz4_extra, 1, 0, 3)) ==
        kName +
            "1 trailing bytes of the decompressed records after the last of the 1 records "
            "(byte 7)");
}

TEST_CASE("no prefix of a valid batch decodes, even with its length and CRC made to match") {
  std::vector<Record> records;
  for (int i = 0; i < 20; ++i) {
    records.push_back(Record{.offset = 500 + i,
                             .timestamp = 1000 + i,
                             .key = to_bytes("key" + std::to_string(i)),
                             .value = to_bytes(std::string(static_cast<std::size_t>(i) * 7, 'v')),
                             .headers = {RecordHeader{"h", to_bytes("x")}}});
  }
  for (CompressionType codec : kAllCodecs) {
    INFO(compression_name(codec));
    BatchSpec spec;
    spec.base_offset = 500;
    spec.compression = codec;
    const Bytes b = encode_batch(spec, records);
    for (std::size_t n = 0; n < b.size(); ++n) {
      INFO("prefix of " << n << " bytes");
      REQUIRE_THROWS_AS(decode_batch(ByteView(b).first(n)), CorruptDataError);
      if (n >= 61) {
        Bytes fixed(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n));
        store_be32(fixed.data() + 8, static_cast<std::uint32_t>(n - 12));
        fix_crc(fixed);
        REQUIRE_THROWS_AS(decode_batch(fixed), CorruptDataError);
      }
    }
  }
}
