// Record batches: the exact byte layout, bytes written by another client, round trips through
// every codec, and the leader's in-place rewrites. (Rejection of bad bytes:
// test_record_batch_corruption.cpp.)
#include <catch2/catch.hpp>
#include <limits>

#include "core/storage/crc32c.h"
#include "core/storage/errors.h"
#include "core/storage/record_batch.h"
#include "tests/storage/codecs.h"

using namespace ksim::storage;
using ksim::storage::test::kAllCodecs;

namespace {

Record make_record(std::int64_t offset, std::int64_t timestamp, std::optional<std::string> key,
                   std::optional<std::string> value, std::vector<RecordHeader> headers = {}) {
  Record r;
  r.offset = offset;
  r.timestamp = timestamp;
  if (key) r.key = to_bytes(*key);
  if (value) r.value = to_bytes(*value);
  r.headers = std::move(headers);
  return r;
}

Bytes slice(const Bytes& b, std::size_t from, std::size_t n) {
  return Bytes(b.begin() + static_cast<std::ptrdiff_t>(from),
               b.begin() + static_cast<std::ptrdiff_t>(from + n));
}

// The small batch whose every byte test "the exact layout" spells out.
constexpr std::int64_t kLayoutBaseOffset = 0x0102030405060708;

std::vector<Record> layout_records() {
  return {make_record(kLayoutBaseOffset, 1000, "k", "v1"),
          make_record(kLayoutBaseOffset + 1, 998, std::nullopt, std::nullopt,
                      {RecordHeader{"h", std::nullopt}})};
}

BatchSpec layout_spec() {
  BatchSpec spec;
  spec.base_offset = kLayoutBaseOffset;
  spec.partition_leader_epoch = 7;
  spec.transactional = true;
  spec.producer_id = 1000;
  spec.producer_epoch = 3;
  spec.base_sequence = 42;
  return spec;
}

}  // namespace

TEST_CASE("compression names are Kafka's compression.type values") {
  for (CompressionType codec : kAllCodecs) {
    CHECK(parse_compression(compression_name(codec)) == codec);
  }
  CHECK(compression_name(CompressionType::snappy) == "snappy");
  CHECK(parse_compression("uncompressed") == CompressionType::none);
  CHECK_FALSE(parse_compression("GZIP").has_value());
  CHECK_FALSE(parse_compression("brotli").has_value());
}

TEST_CASE("an uncompressed batch has Kafka's exact byte layout") {
  const Bytes b = encode_batch(layout_spec(), layout_records());
  REQUIRE(b.size() == 81);  // 61-byte header + two 10-byte records

  CHECK(slice(b, 0, 8) == Bytes{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08});  // baseOffset
  CHECK(slice(b, 8, 4) == Bytes{0, 0, 0, 69});                    // batchLength: 81 - 12
  CHECK(slice(b, 12, 4) == Bytes{0, 0, 0, 7});                    // partitionLeaderEpoch
  CHECK(b[16] == 2);                                              // magic
  CHECK(slice(b, 17, 4) == Bytes{0x2C, 0x58, 0xEB, 0x4D});        // crc (computed independently)
  CHECK(slice(b, 21, 2) == Bytes{0x00, 0x10});                    // attributes: transactional
  CHECK(slice(b, 23, 4) == Bytes{0, 0, 0, 1});                    // lastOffsetDelta
  CHECK(slice(b, 27, 8) == Bytes{0, 0, 0, 0, 0, 0, 0x03, 0xE8});  // baseTimestamp: first record's
  CHECK(slice(b, 35, 8) == Bytes{0, 0, 0, 0, 0, 0, 0x03, 0xE8});  // maxTimestamp
  CHECK(slice(b, 43, 8) == Bytes{0, 0, 0, 0, 0, 0, 0x03, 0xE8});  // producerId 1000
  CHECK(slice(b, 51, 2) == Bytes{0, 3});                          // producerEpoch
  CHECK(slice(b, 53, 4) == Bytes{0, 0, 0, 42});                   // baseSequence
  CHECK(slice(b, 57, 4) == Bytes{0, 0, 0, 2});                    // recordsCount
  // Record 0: length 9, attributes, timestampDelta 0, offsetDelta 0, key "k", value "v1",
  // no headers. Varints are zigzag: 9 -> 18, 1 -> 2, 2 -> 4.
  CHECK(slice(b, 61, 10) == Bytes{18, 0, 0, 0, 2, 'k', 4, 'v', '1', 0});
  // Record 1: timestampDelta -2 -> 3, offsetDelta 1 -> 2, null key and value (-1 -> 1),
  // one header "h" with a null value.
  CHECK(slice(b, 71, 10) == Bytes{18, 0, 3, 2, 1, 1, 2, 2, 'h', 1});

  CHECK(crc32c(ByteView(b).subspan(21)) == 0x2C58EB4Du);
  CHECK(crc_is_valid(b));
}

TEST_CASE("the layout batch decodes back to its spec and records") {
  const DecodedBatch d = decode_batch(encode_batch(layout_spec(), layout_records()));
  CHECK(d.header.base_offset == kLayoutBaseOffset);
  CHECK(d.header.batch_length == 69);
  CHECK(d.header.partition_leader_epoch == 7);
  CHECK(d.header.magic == 2);
  CHECK(d.header.crc == 0x2C58EB4Du);
  CHECK(d.header.attributes == 0x10);
  CHECK(d.header.compression() == CompressionType::none);
  CHECK(d.header.timestamp_type() == TimestampType::create_time);
  CHECK(d.header.is_transactional());
  CHECK_FALSE(d.header.is_control());
  CHECK(d.header.last_offset_delta == 1);
  CHECK(d.header.base_timestamp == 1000);
  CHECK(d.header.max_timestamp == 1000);
  CHECK(d.header.producer_id == 1000);
  CHECK(d.header.producer_epoch == 3);
  CHECK(d.header.base_sequence == 42);
  CHECK(d.header.records_count == 2);
  CHECK(d.header.last_offset() == kLayoutBaseOffset + 1);
  CHECK(d.header.next_offset() == kLayoutBaseOffset + 2);
  CHECK(d.header.size_in_bytes() == 81);
  CHECK(d.records == layout_records());
}

// Bytes written by another implementation: the Go client sarama's record_batch_test.go
// (github.com/IBM/sarama, recordBatchTestCases). Its CRCs were computed by sarama, so decoding
// them checks our CRC-32C, layout, varints and codecs against an independent writer.
TEST_CASE("batches written by sarama decode with their published fields") {
  const auto header_bytes = [](std::uint8_t length, std::initializer_list<std::uint8_t> crc,
                               std::uint8_t attributes, std::uint8_t count) {
    // clang-format off
    Bytes b{0, 0, 0, 0, 0, 0, 0, 0,  // First Offset
            0, 0, 0, length,         // Length
            0, 0, 0, 0,              // Partition Leader Epoch
            2};                      // Version
    b.insert(b.end(), crc);
    const Bytes rest{0, attributes,                   // Attributes
                     0, 0, 0, 0,                      // Last Offset Delta
                     0, 0, 1, 88, 141, 205, 89, 56,   // First Timestamp
                     0, 0, 0, 0, 0, 0, 0, 0,          // Max Timestamp
                     0, 0, 0, 0, 0, 0, 0, 0,          // Producer ID
                     0, 0,                            // Producer Epoch
                     0, 0, 0, 0,                      // First Sequence
                     0, 0, 0, count};                 // Number of Records
    // clang-format on
    b.insert(b.end(), rest.begin(), rest.end());
    return b;
  };
  const auto with = [](Bytes b, std::initializer_list<std::uint8_t> tail) {
    b.insert(b.end(), tail);
    return b;
  };
  const Record expected_record{.offset = 0,
                               .timestamp = 1479847795005,  // First Timestamp + TimestampDelta 5 ms
                               .key = Bytes{1, 2, 3, 4},
                               .value = Bytes{5, 6, 7},
                               .headers = {RecordHeader{std::string{8, 9, 10}, Bytes{11, 12}}}};

  struct Case {
    const char* name;
    Bytes bytes;
    CompressionType codec;
    std::uint32_t crc;
  };
  const std::vector<Case> cases = {
      {"uncompressed record",
       with(header_bytes(70, {84, 121, 97, 253}, 0, 1),
            {40, 0, 10, 0, 8, 1, 2, 3, 4, 6, 5, 6, 7, 2, 6, 8, 9, 10, 4, 11, 12}),
       CompressionType::none, 0x547961FDu},
      {"gzipped record",
       with(header_bytes(95, {231, 74, 206, 165}, 1, 1),
            {31, 139, 8,  0,  0, 9, 110, 136, 0,  255, 0,  21, 0, 234, 255, 40,
             0,  10,  0,  8,  1, 2, 3,   4,   6,  5,   6,  7,  2, 6,   8,   9,
             10, 4,   11, 12, 3, 0, 173, 201, 88, 103, 21, 0,  0, 0}),
       CompressionType::gzip, 0xE74ACEA5u},
      {"snappy compressed record",
       with(header_bytes(72, {21, 0, 159, 97}, 2, 1),
            {21, 80, 40, 0, 10, 0, 8, 1, 2, 3, 4, 6, 5, 6, 7, 2, 6, 8, 9, 10, 4, 11, 12}),
       CompressionType::snappy, 0x15009F61u},
      {"lz4 compressed record",
       with(header_bytes(89, {169, 74, 119, 197}, 3, 1),
            {4, 34, 77, 24, 100, 112, 185, 21, 0,  0, 128, 40, 0, 10, 0, 8, 1,  2,  3,   4,
             6, 5,  6,  7,  2,   6,   8,   9,  10, 4, 11,  12, 0, 0,  0, 0, 12, 59, 239, 146}),
       CompressionType::lz4, 0xA94A77C5u},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    REQUIRE(crc_is_valid(c.bytes));
    const DecodedBatch d = decode_batch(c.bytes);
    CHECK(d.header.batch_length + 12 == static_cast<std::int32_t>(c.bytes.size()));
    CHECK(d.header.crc == c.crc);
    CHECK(d.header.compression() == c.codec);
    CHECK(d.header.base_timestamp == 1479847795000);
    CHECK(d.header.max_timestamp == 0);
    CHECK(d.header.producer_id == 0);
    CHECK(d.header.records_count == 1);
    REQUIRE(d.records.size() == 1);
    CHECK(d.records[0] == expected_record);
  }
}

TEST_CASE("sarama's empty and control batches (no records) decode") {
  Bytes empty{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 49, 0, 0, 0, 0, 2, 89, 95, 183, 221};
  empty.resize(61, 0);
  const DecodedBatch e = decode_batch(empty);
  CHECK(e.header.crc == 0x595FB7DDu);
  CHECK(e.header.records_count == 0);
  CHECK(e.records.empty());
  CHECK_FALSE(e.header.is_control());

  Bytes control{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 49, 0, 0, 0, 0, 2, 81, 46, 67, 217, 0, 32};
  control.resize(61, 0);
  const DecodedBatch c = decode_batch(control);
  CHECK(c.header.crc == 0x512E43D9u);
  CHECK(c.header.is_control());
  CHECK(c.records.empty());
}

TEST_CASE("every codec round-trips records of every shape") {
  std::vector<Record> records = {
      make_record(100, 5000, "key", "value"),
      make_record(101, 4990, std::nullopt, "null key, negative timestamp delta"),
      make_record(102, 5010, "tombstone", std::nullopt),
      make_record(103, 5000, "", ""),  // empty, not null
      make_record(104, 5020, "with headers", "v",
                  {RecordHeader{"trace-id", to_bytes("abc")}, RecordHeader{"null", std::nullopt},
                   RecordHeader{"", Bytes{}}}),
      make_record(110, -7, "offset gap (as after compaction), negative timestamp", "x"),
  };
  for (CompressionType codec : kAllCodecs) {
    INFO(compression_name(codec));
    BatchSpec spec;
    spec.base_offset = 100;
    spec.compression = codec;
    const Bytes b = encode_batch(spec, records);
    const DecodedBatch d = decode_batch(b);
    CHECK(d.records == records);
    CHECK(d.header.compression() == codec);
    CHECK(d.header.attributes == static_cast<std::int16_t>(codec));
    CHECK(d.header.base_timestamp == 5000);
    CHECK(d.header.max_timestamp == 5020);
    CHECK(d.header.last_offset_delta == 10);
    CHECK(d.header.records_count == 6);
    CHECK(d.header.producer_id == kNoProducerId);
    CHECK(d.header.producer_epoch == kNoProducerEpoch);
    CHECK(d.header.base_sequence == kNoSequence);
    CHECK(d.header.partition_leader_epoch == kNoPartitionLeaderEpoch);
  }
}

TEST_CASE("many small records and large values round-trip through every codec") {
  std::vector<Record> many;
  for (int i = 0; i < 2000; ++i) {
    many.push_back(make_record(i, 1'700'000'000'000 + i, "k" + std::to_string(i % 17),
                               "value-" + std::to_string(i)));
  }
  std::vector<Record> large = {make_record(0, 1, "big", std::string(300'000, 'a')),
                               make_record(1, 2, std::nullopt, std::string(70'000, '\0'))};
  for (std::size_t i = 0; i < large[0].value->size(); ++i) {
    (*large[0].value)[i] = static_cast<std::uint8_t>((i * 2654435761u) >> 13);
  }
  for (CompressionType codec : kAllCodecs) {
    INFO(compression_name(codec));
    BatchSpec spec;
    spec.compression = codec;
    const DecodedBatch m = decode_batch(encode_batch(spec, many));
    CHECK(m.records == many);
    CHECK(m.header.last_offset_delta == 1999);
    const DecodedBatch l = decode_batch(encode_batch(spec, large));
    CHECK(l.records == large);
  }
}

TEST_CASE("control, transactional and idempotent-producer fields round-trip") {
  BatchSpec spec;
  spec.base_offset = 42;
  spec.partition_leader_epoch = 9;
  spec.transactional = true;
  spec.control = true;
  spec.producer_id = 123456789012;
  spec.producer_epoch = 32767;
  spec.base_sequence = 2147483000;
  // A COMMIT marker's key (version 0, type 1) and value (version 0, coordinator epoch 5).
  Record marker{.offset = 42,
                .timestamp = 77,
                .key = Bytes{0, 0, 0, 1},
                .value = Bytes{0, 0, 0, 0, 0, 5},
                .headers = {}};
  for (CompressionType codec : kAllCodecs) {
    spec.compression = codec;
    const DecodedBatch d = decode_batch(encode_batch(spec, {marker}));
    CHECK(d.header.is_control());
    CHECK(d.header.is_transactional());
    CHECK(d.header.attributes == static_cast<std::int16_t>(0x30 | static_cast<int>(codec)));
    CHECK(d.header.producer_id == 123456789012);
    CHECK(d.header.producer_epoch == 32767);
    CHECK(d.header.base_sequence == 2147483000);
    CHECK(d.header.partition_leader_epoch == 9);
    CHECK(d.records == std::vector<Record>{marker});
  }
}

TEST_CASE("extreme offsets and timestamps round-trip") {
  const std::int64_t max = std::numeric_limits<std::int64_t>::max();
  BatchSpec spec;
  spec.base_offset = max - 3;
  std::vector<Record> records = {make_record(max - 3, 0, "a", "b"),
                                 make_record(max - 1, max, "c", "d")};
  const DecodedBatch d = decode_batch(encode_batch(spec, records));
  CHECK(d.records == records);
  CHECK(d.header.last_offset() == max - 1);
  CHECK(d.header.next_offset() == max);

  spec.base_offset = max - 1;
  CHECK_THROWS_AS(
      encode_batch(spec, {make_record(max - 1, 0, "a", "b"), make_record(max, 0, "a", "b")}),
      std::invalid_argument);
}

TEST_CASE("encode_batch refuses records that break its preconditions") {
  BatchSpec spec;
  spec.base_offset = 10;
  CHECK_THROWS_AS(encode_batch(spec, {}), std::invalid_argument);
  CHECK_THROWS_AS(encode_batch(spec, {make_record(9, 0, "k", "v")}), std::invalid_argument);
  CHECK_THROWS_AS(encode_batch(spec, {make_record(10, 0, "k", "v"), make_record(10, 0, "k", "v")}),
                  std::invalid_argument);
  CHECK_THROWS_AS(encode_batch(spec, {make_record(10, 0, "k", "v"),
                                      make_record(10 + (std::int64_t{1} << 31), 0, "k", "v")}),
                  std::invalid_argument);
  CHECK_THROWS_AS(
      encode_batch(spec, {make_record(10, std::numeric_limits<std::int64_t>::max(), "k", "v"),
                          make_record(11, -2, "k", "v")}),
      std::invalid_argument);
}

TEST_CASE("a leader's base offset and epoch rewrites keep the CRC valid") {
  for (CompressionType codec : kAllCodecs) {
    INFO(compression_name(codec));
    BatchSpec spec;
    spec.compression = codec;
    Bytes b = encode_batch(spec, {make_record(0, 10, "a", "1"), make_record(1, 11, "b", "2")});
    const std::uint32_t crc_before = load_be32(b.data() + 17);
    set_base_offset(b, 5000);
    set_partition_leader_epoch(b, 12);
    CHECK(load_be32(b.data() + 17) == crc_before);
    REQUIRE(crc_is_valid(b));
    const DecodedBatch d = decode_batch(b);
    CHECK(d.header.base_offset == 5000);
    CHECK(d.header.partition_leader_epoch == 12);
    CHECK(d.records[0].offset == 5000);
    CHECK(d.records[1].offset == 5001);
  }
}

TEST_CASE("set_log_append_time stamps maxTimestamp and the timestamp type and recomputes the CRC") {
  BatchSpec spec;
  Bytes b = encode_batch(spec, {make_record(0, 10, "a", "1"), make_record(1, 30, "b", "2")});
  const std::uint32_t crc_before = load_be32(b.data() + 17);
  set_log_append_time(b, 1'700'000'000'123);
  CHECK(load_be32(b.data() + 17) != crc_before);
  REQUIRE(crc_is_valid(b));
  const DecodedBatch d = decode_batch(b);
  CHECK(d.header.timestamp_type() == TimestampType::log_append_time);
  CHECK(d.header.attributes == 0x08);
  CHECK(d.header.max_timestamp == 1'700'000'000'123);
  CHECK(d.header.base_timestamp == 10);  // untouched, as in Kafka
  // As Kafka's consumer sees them: every record carries the log append time.
  CHECK(d.records[0].timestamp == 1'700'000'000'123);
  CHECK(d.records[1].timestamp == 1'700'000'000'123);
}

TEST_CASE("read_batch_header reads the fixed header of a batch at the start of a larger buffer") {
  Bytes two = encode_batch(layout_spec(), layout_records());
  const Bytes second = encode_batch(BatchSpec{}, {make_record(0, 0, "x", "y")});
  two.insert(two.end(), second.begin(), second.end());
  const BatchHeader h = read_batch_header(two);
  CHECK(h.base_offset == kLayoutBaseOffset);
  CHECK(h.size_in_bytes() == 81);
  const BatchHeader h2 = read_batch_header(ByteView(two).subspan(81));
  CHECK(h2.size_in_bytes() == second.size());
  // The header alone is enough; the CRC is not checked.
  two[70] ^= 0xFF;
  CHECK(read_batch_header(ByteView(two).first(61)).records_count == 2);
  CHECK_FALSE(crc_is_valid(ByteView(two).first(81)));
  // A batch larger than allowed is refused.
  CHECK_THROWS_WITH(read_batch_header(two, 68),
                    Catch::Matchers::Contains("batchLength 69 is impossible (must be 49..68)"));
}
