// Encoding and decoding of Kafka's v2 record batch (layout in record_batch.h).
//
// The encoder sizes everything first and writes once: one allocation for the batch (two when
// compressed), varints written in place, one CRC pass. The decoder trusts nothing: every length,
// count and delta is checked against the bytes that are really there before it is used.
#include "core/storage/record_batch.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "core/storage/compression.h"
#include "core/storage/crc32c.h"
#include "core/storage/errors.h"
#include "core/storage/varint.h"

namespace ksim::storage {
namespace {

// Byte positions of the header fields.
constexpr std::size_t kBaseOffsetPos = 0;
constexpr std::size_t kBatchLengthPos = 8;
constexpr std::size_t kPartitionLeaderEpochPos = 12;
constexpr std::size_t kMagicPos = 16;
constexpr std::size_t kCrcPos = 17;
constexpr std::size_t kAttributesPos = 21;  // the CRC covers from here to the end
constexpr std::size_t kLastOffsetDeltaPos = 23;
constexpr std::size_t kBaseTimestampPos = 27;
constexpr std::size_t kMaxTimestampPos = 35;
constexpr std::size_t kProducerIdPos = 43;
constexpr std::size_t kProducerEpochPos = 51;
constexpr std::size_t kBaseSequencePos = 53;
constexpr std::size_t kRecordsCountPos = 57;
static_assert(kRecordsCountPos + 4 == kBatchHeaderSize);

// batchLength of a batch with no records: everything after the batchLength field.
constexpr std::int32_t kMinBatchLength = static_cast<std::int32_t>(kBatchHeaderSize - kLogOverhead);

constexpr std::int16_t kCompressionMask = 0x07;
constexpr std::int16_t kTimestampTypeBit = 0x08;
constexpr std::int16_t kTransactionalBit = 0x10;
constexpr std::int16_t kControlBit = 0x20;
constexpr std::int16_t kDeleteHorizonBit = 0x40;

// The smallest record: length, attributes, timestampDelta, offsetDelta, keyLength, valueLength,
// headers count, one byte each.
constexpr std::size_t kMinRecordSize = 7;

constexpr std::int64_t kInt32Max = std::numeric_limits<std::int32_t>::max();

// --- encoding --------------------------------------------------------------------------------

std::size_t checked_length(std::size_t size, const char* what) {
  if (size > static_cast<std::size_t>(kInt32Max)) {
    throw std::invalid_argument(
        fmt::format("encode_batch: {} of {} bytes is too long", what, size));
  }
  return size;
}

std::size_t nullable_field_size(const std::optional<Bytes>& field, const char* what) {
  if (!field) return 1;  // varint -1
  const std::size_t n = checked_length(field->size(), what);
  return varint_size(static_cast<std::int32_t>(n)) + n;
}

std::uint8_t* write_raw(std::uint8_t* out, const void* data, std::size_t n) {
  if (n != 0) std::memcpy(out, data, n);
  return out + n;
}

std::uint8_t* write_nullable_field(std::uint8_t* out, const std::optional<Bytes>& field) {
  if (!field) return write_varint(out, -1);
  out = write_varint(out, static_cast<std::int32_t>(field->size()));
  return write_raw(out, field->data(), field->size());
}

// What encode_batch works out about each record before writing it.
struct RecordPlan {
  std::int64_t timestamp_delta;
  std::int32_t offset_delta;
  std::int32_t body_size;  // everything after the length varint
};

RecordPlan plan_record(const Record& record, std::int64_t base_offset, std::int64_t base_timestamp,
                       std::int64_t previous_delta) {
  RecordPlan plan{};
  std::int64_t offset_delta = 0;
  if (__builtin_sub_overflow(record.offset, base_offset, &offset_delta) || offset_delta < 0 ||
      offset_delta > kInt32Max || offset_delta <= previous_delta) {
    throw std::invalid_argument(fmt::format(
        "encode_batch: record offset {} must follow the previous record (delta {}) and lie "
        "within [baseOffset {}, baseOffset + 2^31)",
        record.offset, previous_delta, base_offset));
  }
  plan.offset_delta = static_cast<std::int32_t>(offset_delta);
  if (__builtin_sub_overflow(record.timestamp, base_timestamp, &plan.timestamp_delta)) {
    throw std::invalid_argument(
        fmt::format("encode_batch: timestamp {} is too far from the batch's baseTimestamp {}",
                    record.timestamp, base_timestamp));
  }
  std::size_t size =
      1 /* attributes */ + varlong_size(plan.timestamp_delta) + varint_size(plan.offset_delta) +
      nullable_field_size(record.key, "key") + nullable_field_size(record.value, "value") +
      varint_size(
          static_cast<std::int32_t>(checked_length(record.headers.size(), "headers count")));
  for (const RecordHeader& header : record.headers) {
    const std::size_t key_size = checked_length(header.key.size(), "header key");
    size += varint_size(static_cast<std::int32_t>(key_size)) + key_size +
            nullable_field_size(header.value, "header value");
  }
  plan.body_size = static_cast<std::int32_t>(checked_length(size, "record"));
  return plan;
}

std::uint8_t* write_record(std::uint8_t* out, const Record& record, const RecordPlan& plan) {
  out = write_varint(out, plan.body_size);
  *out++ = 0;  // record attributes: unused
  out = write_varlong(out, plan.timestamp_delta);
  out = write_varint(out, plan.offset_delta);
  out = write_nullable_field(out, record.key);
  out = write_nullable_field(out, record.value);
  out = write_varint(out, static_cast<std::int32_t>(record.headers.size()));
  for (const RecordHeader& header : record.headers) {
    out = write_varint(out, static_cast<std::int32_t>(header.key.size()));
    out = write_raw(out, header.key.data(), header.key.size());
    out = write_nullable_field(out, header.value);
  }
  return out;
}

std::int16_t batch_attributes(const BatchSpec& spec) {
  auto attributes =
      static_cast<std::int16_t>(static_cast<std::uint8_t>(spec.compression) & kCompressionMask);
  if (spec.timestamp_type == TimestampType::log_append_time) attributes |= kTimestampTypeBit;
  if (spec.transactional) attributes |= kTransactionalBit;
  if (spec.control) attributes |= kControlBit;
  if (spec.delete_horizon_ms) attributes |= kDeleteHorizonBit;
  return attributes;
}

void store_crc(MutableByteView batch) {
  store_be32(batch.data() + kCrcPos, crc32c(ByteView(batch).subspan(kAttributesPos)));
}

// --- decoding --------------------------------------------------------------------------------

[[noreturn]] void corrupt(const std::string& what) { throw CorruptDataError(what); }

std::string batch_name(const BatchHeader& header) {
  return fmt::format("record batch at baseOffset {}", header.base_offset);
}

// Reads the length of a byte field ending no later than data.size(); -1 (null) gives nullopt
// when the field is nullable.
// The error paths are cold and out of line, so the loop over a batch's records stays small.
[[noreturn, gnu::cold, gnu::noinline]] void negative_length(std::int32_t length, bool nullable) {
  corrupt(nullable ? fmt::format("{} is negative (only -1, null, is allowed)", length)
                   : fmt::format("{} is negative (this field cannot be null)", length));
}
[[noreturn, gnu::cold, gnu::noinline]] void length_overruns(std::int32_t length, std::size_t left) {
  corrupt(fmt::format("{} overruns the record ({} bytes left)", length, left));
}

inline std::optional<std::size_t> read_field_length(ByteView data, std::size_t& pos,
                                                    bool nullable) {
  const std::int32_t length = read_varint(data, pos);
  if (length == -1 && nullable) return std::nullopt;
  if (length < 0) negative_length(length, nullable);
  const auto n = static_cast<std::size_t>(length);
  if (n > data.size() - pos) length_overruns(length, data.size() - pos);
  return n;
}

std::optional<Bytes> read_nullable_bytes(ByteView data, std::size_t& pos) {
  const std::optional<std::size_t> n = read_field_length(data, pos, true);
  if (!n) return std::nullopt;
  const auto begin = data.begin() + static_cast<std::ptrdiff_t>(pos);
  pos += *n;
  return Bytes(begin, begin + static_cast<std::ptrdiff_t>(*n));
}

// Decodes the records of a batch from `data`, starting at data[start] and ending exactly at
// data.size(). Positions in messages are positions in `data` (the batch itself when uncompressed,
// the decompressed records otherwise, which `where` says).
// With kBuild false nothing is allocated: the records are only checked (validate_batch), and
// `summary` says what a leader needs to know about them.
template <bool kBuild>
std::vector<Record> decode_records(const BatchHeader& header, ByteView data, std::size_t start,
                                   const char* where, BatchValidation* summary = nullptr) {
  const auto count = static_cast<std::size_t>(header.records_count);
  std::vector<Record> records;
  if constexpr (kBuild) records.reserve(std::min(count, (data.size() - start) / kMinRecordSize));
  Record scratch;  // the record being checked when not building
  const bool log_append_time = header.timestamp_type() == TimestampType::log_append_time;
  std::int32_t previous_delta = -1;
  std::size_t pos = start;
  for (std::size_t i = 0; i < count; ++i) {
    if (pos == data.size()) {
      corrupt(fmt::format("{}: recordsCount is {} but the records end after {}", batch_name(header),
                          count, i));
    }
    const std::size_t record_start = pos;
    const char* field = "length";
    std::int32_t header_index = -1;  // which header `field` belongs to, if any
    try {
      const std::int32_t length = read_varint(data, pos);
      if (length < 0) corrupt(fmt::format("{} is negative", length));
      if (static_cast<std::size_t>(length) > data.size() - pos) {
        corrupt(fmt::format("{} overruns the records ({} bytes left)", length, data.size() - pos));
      }
      const std::size_t body_start = pos;
      const std::size_t record_end = pos + static_cast<std::size_t>(length);
      const ByteView body = data.first(record_end);
      Record& record = kBuild ? records.emplace_back() : scratch;

      field = "attributes";
      if (pos == record_end) corrupt("missing");
      ++pos;  // record attributes: unused

      field = "timestampDelta";
      const std::int64_t timestamp_delta = read_varlong(body, pos);
      if (__builtin_add_overflow(header.base_timestamp, timestamp_delta, &record.timestamp)) {
        corrupt(
            fmt::format("{} overflows baseTimestamp {}", timestamp_delta, header.base_timestamp));
      }
      if (log_append_time) record.timestamp = header.max_timestamp;

      field = "offsetDelta";
      const std::int32_t offset_delta = read_varint(body, pos);
      if (offset_delta <= previous_delta || offset_delta > header.last_offset_delta) {
        corrupt(previous_delta < 0
                    ? fmt::format("{} out of range (must be 0..lastOffsetDelta {})", offset_delta,
                                  header.last_offset_delta)
                    : fmt::format("{} out of range (must be above the previous record's {} and "
                                  "at most lastOffsetDelta {})",
                                  offset_delta, previous_delta, header.last_offset_delta));
      }
      previous_delta = offset_delta;
      record.offset = header.base_offset + offset_delta;  // no overflow: read_batch_header checked

      field = "keyLength";
      if constexpr (kBuild) {
        record.key = read_nullable_bytes(body, pos);
      } else {
        const auto key_size = read_field_length(body, pos, true);
        if (!key_size && summary) summary->has_record_without_key = true;
        pos += key_size.value_or(0);
      }
      field = "valueLength";
      if constexpr (kBuild) {
        record.value = read_nullable_bytes(body, pos);
      } else {
        pos += read_field_length(body, pos, true).value_or(0);
      }

      field = "headers count";
      const std::int32_t header_count = read_varint(body, pos);
      if (header_count < 0) corrupt(fmt::format("{} is negative", header_count));
      if constexpr (kBuild) {
        record.headers.reserve(
            std::min(static_cast<std::size_t>(header_count), (record_end - pos) / 2));
      }
      for (header_index = 0; header_index < header_count; ++header_index) {
        field = "keyLength";
        const std::size_t key_size = *read_field_length(body, pos, false);
        if constexpr (kBuild) {
          RecordHeader& record_header = record.headers.emplace_back();
          record_header.key.assign(reinterpret_cast<const char*>(body.data() + pos), key_size);
          pos += key_size;
          field = "valueLength";
          record_header.value = read_nullable_bytes(body, pos);
        } else {
          pos += key_size;
          field = "valueLength";
          pos += read_field_length(body, pos, true).value_or(0);
        }
      }
      header_index = -1;

      field = "length";
      if (pos != record_end) {
        corrupt(fmt::format("{} but its fields take {} bytes", length, pos - body_start));
      }
    } catch (const CorruptDataError& e) {
      const std::string header_name =
          header_index >= 0 ? fmt::format("header {} ", header_index) : std::string();
      corrupt(fmt::format("{}: record {} at byte {}{}: {}{}: {}", batch_name(header), i,
                          record_start, where, header_name, field, e.what()));
    }
  }
  if (pos != data.size()) {
    corrupt(fmt::format("{}: {} trailing bytes{} after the last of the {} records (byte {})",
                        batch_name(header), data.size() - pos, where, count, pos));
  }
  if (summary) summary->records = static_cast<std::int32_t>(count);
  return records;
}

}  // namespace

// --- names and attributes ----------------------------------------------------------------------

std::string_view compression_name(CompressionType type) {
  switch (type) {
    case CompressionType::none: return "none";
    case CompressionType::gzip: return "gzip";
    case CompressionType::snappy: return "snappy";
    case CompressionType::lz4: return "lz4";
    case CompressionType::zstd: return "zstd";
  }
  return "unknown";
}

std::optional<CompressionType> parse_compression(std::string_view name) {
  for (auto type : {CompressionType::none, CompressionType::gzip, CompressionType::snappy,
                    CompressionType::lz4, CompressionType::zstd}) {
    if (name == compression_name(type)) return type;
  }
  // A topic's compression.type says "uncompressed" for what a producer's calls "none".
  if (name == "uncompressed") return CompressionType::none;
  return std::nullopt;
}

CompressionType BatchHeader::compression() const {
  return static_cast<CompressionType>(attributes & kCompressionMask);
}
TimestampType BatchHeader::timestamp_type() const {
  return (attributes & kTimestampTypeBit) ? TimestampType::log_append_time
                                          : TimestampType::create_time;
}
bool BatchHeader::is_transactional() const { return (attributes & kTransactionalBit) != 0; }
bool BatchHeader::is_control() const { return (attributes & kControlBit) != 0; }
bool BatchHeader::has_delete_horizon() const { return (attributes & kDeleteHorizonBit) != 0; }
std::optional<std::int64_t> BatchHeader::delete_horizon_ms() const {
  if (!has_delete_horizon()) return std::nullopt;
  return base_timestamp;
}

// --- encode ------------------------------------------------------------------------------------

Bytes encode_batch(const BatchSpec& spec, const std::vector<Record>& records) {
  if (records.empty()) throw std::invalid_argument("encode_batch: a batch needs a record");
  if (static_cast<std::uint8_t>(spec.compression) >
      static_cast<std::uint8_t>(CompressionType::zstd)) {
    throw std::invalid_argument("encode_batch: unknown compression type");
  }
  const std::int64_t base_timestamp = spec.delete_horizon_ms.value_or(records.front().timestamp);
  std::int64_t max_timestamp = records.front().timestamp;
  std::vector<RecordPlan> plans;
  plans.reserve(records.size());
  std::size_t records_size = 0;
  std::int64_t previous_delta = -1;
  for (const Record& record : records) {
    const RecordPlan& plan =
        plans.emplace_back(plan_record(record, spec.base_offset, base_timestamp, previous_delta));
    previous_delta = plan.offset_delta;
    max_timestamp = std::max(max_timestamp, record.timestamp);
    records_size += varint_size(plan.body_size) + static_cast<std::size_t>(plan.body_size);
  }
  checked_length(records.size(), "recordsCount");
  if (spec.last_offset_delta) {
    if (*spec.last_offset_delta < previous_delta) {
      throw std::invalid_argument(fmt::format(
          "encode_batch: lastOffsetDelta {} is below the last record's offset delta {}",
          *spec.last_offset_delta, previous_delta));
    }
    previous_delta = *spec.last_offset_delta;
  }
  if (spec.base_offset > std::numeric_limits<std::int64_t>::max() - 1 - previous_delta) {
    throw std::invalid_argument("encode_batch: the batch's last offset overflows");
  }

  Bytes batch;
  if (spec.compression == CompressionType::none) {
    batch.resize(kBatchHeaderSize + checked_length(records_size, "batch"));
    std::uint8_t* out = batch.data() + kBatchHeaderSize;
    for (std::size_t i = 0; i < records.size(); ++i) out = write_record(out, records[i], plans[i]);
  } else {
    Bytes section(records_size);
    std::uint8_t* out = section.data();
    for (std::size_t i = 0; i < records.size(); ++i) out = write_record(out, records[i], plans[i]);
    const Bytes compressed = compress(spec.compression, section);
    batch.resize(kBatchHeaderSize + checked_length(compressed.size(), "compressed batch"));
    write_raw(batch.data() + kBatchHeaderSize, compressed.data(), compressed.size());
  }
  const std::size_t batch_length = checked_length(batch.size() - kLogOverhead, "batch");

  std::uint8_t* p = batch.data();
  store_be64(p + kBaseOffsetPos, static_cast<std::uint64_t>(spec.base_offset));
  store_be32(p + kBatchLengthPos, static_cast<std::uint32_t>(batch_length));
  store_be32(p + kPartitionLeaderEpochPos, static_cast<std::uint32_t>(spec.partition_leader_epoch));
  p[kMagicPos] = static_cast<std::uint8_t>(kMagicV2);
  store_be16(p + kAttributesPos, static_cast<std::uint16_t>(batch_attributes(spec)));
  store_be32(p + kLastOffsetDeltaPos, static_cast<std::uint32_t>(previous_delta));
  store_be64(p + kBaseTimestampPos, static_cast<std::uint64_t>(base_timestamp));
  store_be64(p + kMaxTimestampPos, static_cast<std::uint64_t>(max_timestamp));
  store_be64(p + kProducerIdPos, static_cast<std::uint64_t>(spec.producer_id));
  store_be16(p + kProducerEpochPos, static_cast<std::uint16_t>(spec.producer_epoch));
  store_be32(p + kBaseSequencePos, static_cast<std::uint32_t>(spec.base_sequence));
  store_be32(p + kRecordsCountPos, static_cast<std::uint32_t>(records.size()));
  store_crc(batch);
  return batch;
}

// --- decode ------------------------------------------------------------------------------------

BatchHeader read_batch_header(ByteView bytes, std::size_t max_batch_size) {
  if (bytes.size() < kBatchHeaderSize) {
    corrupt(fmt::format("record batch: the header needs {} bytes, only {} are there",
                        kBatchHeaderSize, bytes.size()));
  }
  const std::uint8_t* p = bytes.data();
  BatchHeader h;
  h.base_offset = static_cast<std::int64_t>(load_be64(p + kBaseOffsetPos));
  h.batch_length = static_cast<std::int32_t>(load_be32(p + kBatchLengthPos));
  h.partition_leader_epoch = static_cast<std::int32_t>(load_be32(p + kPartitionLeaderEpochPos));
  h.magic = static_cast<std::int8_t>(p[kMagicPos]);
  h.crc = load_be32(p + kCrcPos);
  h.attributes = static_cast<std::int16_t>(load_be16(p + kAttributesPos));
  h.last_offset_delta = static_cast<std::int32_t>(load_be32(p + kLastOffsetDeltaPos));
  h.base_timestamp = static_cast<std::int64_t>(load_be64(p + kBaseTimestampPos));
  h.max_timestamp = static_cast<std::int64_t>(load_be64(p + kMaxTimestampPos));
  h.producer_id = static_cast<std::int64_t>(load_be64(p + kProducerIdPos));
  h.producer_epoch = static_cast<std::int16_t>(load_be16(p + kProducerEpochPos));
  h.base_sequence = static_cast<std::int32_t>(load_be32(p + kBaseSequencePos));
  h.records_count = static_cast<std::int32_t>(load_be32(p + kRecordsCountPos));

  if (h.magic != kMagicV2) {
    corrupt(fmt::format("{}: unsupported magic {} (only magic 2 batches are supported)",
                        batch_name(h), h.magic));
  }
  if (h.batch_length < kMinBatchLength ||
      static_cast<std::size_t>(h.batch_length) > max_batch_size) {
    corrupt(fmt::format("{}: batchLength {} is impossible (must be {}..{})", batch_name(h),
                        h.batch_length, kMinBatchLength, max_batch_size));
  }
  // Keeps last_offset() and next_offset() meaningful (and free of overflow).
  if (h.last_offset_delta < 0 ||
      h.base_offset > std::numeric_limits<std::int64_t>::max() - 1 - h.last_offset_delta) {
    corrupt(
        fmt::format("{}: lastOffsetDelta {} is out of range", batch_name(h), h.last_offset_delta));
  }
  return h;
}

bool crc_is_valid(ByteView batch) {
  if (batch.size() < kBatchHeaderSize) return false;
  return load_be32(batch.data() + kCrcPos) == crc32c(batch.subspan(kAttributesPos));
}

namespace {

// validate_batch's fast path: the same structural checks as decode_records<false>, as a tight
// loop over raw pointers that only says yes or no. On "no" the precise walk runs to word the
// error, so the fast path never needs to explain anything.
struct RecordScanner {
  const std::uint8_t* p;
  const std::uint8_t* end;

  bool unsigned_varint(const std::uint8_t* limit, std::uint64_t& out, int max_bytes) {
    std::uint64_t value = 0;
    for (int i = 0; i < max_bytes; ++i) {
      if (p == limit) return false;
      const std::uint8_t b = *p++;
      value |= std::uint64_t{b & 0x7Fu} << (7 * i);
      if (b < 0x80) {
        out = value;
        return true;
      }
    }
    return false;
  }
  bool varint(const std::uint8_t* limit, std::int32_t& out) {
    if (p != limit && *p < 0x80) {
      out = zigzag_decode32(*p++);
      return true;
    }
    std::uint64_t v = 0;
    if (!unsigned_varint(limit, v, static_cast<int>(kMaxVarintBytes)) || v > 0xFFFFFFFFu) {
      return false;
    }
    out = zigzag_decode32(static_cast<std::uint32_t>(v));
    return true;
  }
  bool varlong(const std::uint8_t* limit, std::int64_t& out) {
    std::uint64_t v = 0;
    if (!unsigned_varint(limit, v, static_cast<int>(kMaxVarlongBytes))) return false;
    out = zigzag_decode64(v);
    return true;
  }
  // A length-prefixed field; -1 (null) only where nullable.
  bool field(const std::uint8_t* limit, bool nullable, bool* is_null = nullptr) {
    std::int32_t length = 0;
    if (!varint(limit, length)) return false;
    if (length == -1 && nullable) {
      if (is_null) *is_null = true;
      return true;
    }
    if (length < 0 || length > limit - p) return false;
    p += length;
    return true;
  }
};

bool scan_records(const BatchHeader& header, ByteView data, std::size_t start,
                  BatchValidation& summary) {
  RecordScanner in{data.data() + start, data.data() + data.size()};
  std::int32_t previous_delta = -1;
  for (std::int32_t i = 0; i < header.records_count; ++i) {
    std::int32_t length = 0;
    if (!in.varint(in.end, length) || length < 1 || length > in.end - in.p) return false;
    const std::uint8_t* record_end = in.p + length;
    ++in.p;  // attributes
    std::int64_t timestamp_delta = 0;
    std::int64_t timestamp = 0;
    if (!in.varlong(record_end, timestamp_delta) ||
        __builtin_add_overflow(header.base_timestamp, timestamp_delta, &timestamp)) {
      return false;
    }
    std::int32_t offset_delta = 0;
    if (!in.varint(record_end, offset_delta) || offset_delta <= previous_delta ||
        offset_delta > header.last_offset_delta) {
      return false;
    }
    previous_delta = offset_delta;
    bool null_key = false;
    if (!in.field(record_end, true, &null_key) || !in.field(record_end, true)) return false;
    if (null_key) summary.has_record_without_key = true;
    std::int32_t header_count = 0;
    if (!in.varint(record_end, header_count) || header_count < 0) return false;
    for (std::int32_t h = 0; h < header_count; ++h) {
      if (!in.field(record_end, false) || !in.field(record_end, true)) return false;
    }
    if (in.p != record_end) return false;
  }
  summary.records = header.records_count;
  return in.p == in.end;
}

// decode_batch's and validate_batch's shared path: header, length, CRC, codec, then the records
// (decompressed when needed) through decode_records<kBuild>.
template <bool kBuild>
std::vector<Record> check_and_decode(ByteView batch, BatchHeader& header,
                                     BatchValidation* summary) {
  header = read_batch_header(batch);
  if (batch.size() != header.size_in_bytes()) {
    corrupt(fmt::format("{}: batchLength {} makes the batch {} bytes, but {} bytes were given",
                        batch_name(header), header.batch_length, header.size_in_bytes(),
                        batch.size()));
  }
  const std::uint32_t computed = crc32c(batch.subspan(kAttributesPos));
  if (computed != header.crc) {
    corrupt(fmt::format("{}: CRC mismatch: stored 0x{:08x} computed 0x{:08x}", batch_name(header),
                        header.crc, computed));
  }
  const auto codec = static_cast<std::uint8_t>(header.attributes & kCompressionMask);
  if (codec > static_cast<std::uint8_t>(CompressionType::zstd)) {
    corrupt(fmt::format("{}: unknown compression codec {} in attributes 0x{:04x}",
                        batch_name(header), codec, static_cast<std::uint16_t>(header.attributes)));
  }
  if (header.records_count < 0) {
    corrupt(fmt::format("{}: negative recordsCount {}", batch_name(header), header.records_count));
  }
  const ByteView section = batch.subspan(kBatchHeaderSize);
  if (header.compression() == CompressionType::none ||
      (section.empty() && header.records_count == 0)) {
    if constexpr (!kBuild) {
      if (scan_records(header, batch, kBatchHeaderSize, *summary)) return {};
      // Something is wrong: the precise walk says what (the header stays as read).
      summary->records = 0;
      summary->has_record_without_key = false;
    }
    return decode_records<kBuild>(header, batch, kBatchHeaderSize, "", summary);
  }
  Bytes records;
  try {
    records = decompress(header.compression(), section);
  } catch (const CorruptDataError& e) {
    corrupt(fmt::format("{}: records do not decompress: {}", batch_name(header), e.what()));
  }
  return decode_records<kBuild>(header, records, 0, " of the decompressed records", summary);
}

}  // namespace

DecodedBatch decode_batch(ByteView batch) {
  DecodedBatch decoded;
  decoded.records = check_and_decode<true>(batch, decoded.header, nullptr);
  return decoded;
}

BatchValidation validate_batch(ByteView batch) {
  BatchValidation validation;
  check_and_decode<false>(batch, validation.header, &validation);
  return validation;
}

// --- in-place rewrites -------------------------------------------------------------------------

void set_base_offset(MutableByteView batch, std::int64_t base_offset) {
  if (batch.size() < kBatchHeaderSize) throw std::invalid_argument("set_base_offset: not a batch");
  store_be64(batch.data() + kBaseOffsetPos, static_cast<std::uint64_t>(base_offset));
}

void set_partition_leader_epoch(MutableByteView batch, std::int32_t epoch) {
  if (batch.size() < kBatchHeaderSize) {
    throw std::invalid_argument("set_partition_leader_epoch: not a batch");
  }
  store_be32(batch.data() + kPartitionLeaderEpochPos, static_cast<std::uint32_t>(epoch));
}

void set_log_append_time(MutableByteView batch, std::int64_t timestamp_ms) {
  if (batch.size() < kBatchHeaderSize)
    throw std::invalid_argument("set_log_append_time: not a batch");
  const auto attributes = static_cast<std::uint16_t>(load_be16(batch.data() + kAttributesPos) |
                                                     static_cast<std::uint16_t>(kTimestampTypeBit));
  store_be16(batch.data() + kAttributesPos, attributes);
  store_be64(batch.data() + kMaxTimestampPos, static_cast<std::uint64_t>(timestamp_ms));
  store_crc(batch);
}

}  // namespace ksim::storage
