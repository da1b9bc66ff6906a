// Kafka's record batch, magic v2 (the format of every .log file since 0.11):
//
//   baseOffset: int64            | not covered by the CRC, so a leader can assign offsets and
//   batchLength: int32           | stamp its epoch without recomputing it
//   partitionLeaderEpoch: int32  |
//   magic: int8 (= 2)
//   crc: uint32                  CRC-32C of everything from attributes to the end of the batch
//   attributes: int16            bits 0-2 compression, 3 timestamp type, 4 transactional, 5 control
//   lastOffsetDelta: int32
//   baseTimestamp: int64
//   maxTimestamp: int64
//   producerId: int64
//   producerEpoch: int16
//   baseSequence: int32
//   recordsCount: int32          followed by the records, compressed as a whole when compressed
//
// Each record: length varint, attributes int8, timestampDelta varlong, offsetDelta varint,
// keyLength varint (-1 = null), key, valueLength varint (-1 = null), value, headers count varint,
// then per header: keyLength varint, key, valueLength varint (-1 = null), value. Varints are
// zigzag-encoded (protobuf style).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/storage/bytes.h"

namespace ksim::storage {

enum class CompressionType : std::uint8_t { none = 0, gzip = 1, snappy = 2, lz4 = 3, zstd = 4 };
enum class TimestampType : std::uint8_t { create_time = 0, log_append_time = 1 };

// "none", "gzip", "snappy", "lz4", "zstd", as Kafka's compression.type spells them.
std::string_view compression_name(CompressionType type);
std::optional<CompressionType> parse_compression(std::string_view name);

inline constexpr std::int8_t kMagicV2 = 2;
// baseOffset + batchLength: the part of a batch in front of what batchLength counts.
inline constexpr std::size_t kLogOverhead = 12;
// The fixed header up to and including recordsCount.
inline constexpr std::size_t kBatchHeaderSize = 61;
inline constexpr std::int64_t kNoProducerId = -1;
inline constexpr std::int16_t kNoProducerEpoch = -1;
inline constexpr std::int32_t kNoSequence = -1;
inline constexpr std::int32_t kNoPartitionLeaderEpoch = -1;

struct RecordHeader {
  std::string key;
  std::optional<Bytes> value;
  bool operator==(const RecordHeader&) const = default;
};

// One record, with its absolute offset and timestamp (deltas are an encoding detail).
struct Record {
  std::int64_t offset = 0;
  std::int64_t timestamp = 0;
  std::optional<Bytes> key;
  std::optional<Bytes> value;  // nullopt: a tombstone (for compaction)
  std::vector<RecordHeader> headers;
  bool operator==(const Record&) const = default;
};

// The header fields of a batch, as stored.
struct BatchHeader {
  std::int64_t base_offset = 0;
  std::int32_t batch_length = 0;  // bytes after the batchLength field
  std::int32_t partition_leader_epoch = kNoPartitionLeaderEpoch;
  std::int8_t magic = kMagicV2;
  std::uint32_t crc = 0;
  std::int16_t attributes = 0;
  std::int32_t last_offset_delta = 0;
  std::int64_t base_timestamp = 0;
  std::int64_t max_timestamp = 0;
  std::int64_t producer_id = kNoProducerId;
  std::int16_t producer_epoch = kNoProducerEpoch;
  std::int32_t base_sequence = kNoSequence;
  std::int32_t records_count = 0;

  CompressionType compression() const;
  TimestampType timestamp_type() const;
  bool is_transactional() const;
  bool is_control() const;
  // KIP-534: attributes bit 6; the horizon is then stored in baseTimestamp.
  bool has_delete_horizon() const;
  std::optional<std::int64_t> delete_horizon_ms() const;
  std::int64_t last_offset() const { return base_offset + last_offset_delta; }
  std::int64_t next_offset() const { return last_offset() + 1; }
  std::size_t size_in_bytes() const { return kLogOverhead + static_cast<std::size_t>(batch_length); }
};

// What a producer (or a test) puts in a batch.
struct BatchSpec {
  std::int64_t base_offset = 0;
  std::int32_t partition_leader_epoch = kNoPartitionLeaderEpoch;
  CompressionType compression = CompressionType::none;
  TimestampType timestamp_type = TimestampType::create_time;
  bool transactional = false;
  bool control = false;
  std::int64_t producer_id = kNoProducerId;
  std::int16_t producer_epoch = kNoProducerEpoch;
  std::int32_t base_sequence = kNoSequence;
  // The batch's last offset delta when it is larger than its last record's (a compacted batch
  // keeps its original last offset: Kafka's overrideLastOffset).
  std::optional<std::int32_t> last_offset_delta;
  // KIP-534: the time after which the cleaner may drop this batch's tombstones. Stored in
  // baseTimestamp with attributes bit 6 set; record timestamps stay baseTimestamp + delta.
  std::optional<std::int64_t> delete_horizon_ms;
};

// Encodes one batch. records[i].offset must be spec.base_offset + i.. (strictly increasing,
// deltas taken from the offsets), records non-empty; std::invalid_argument otherwise. The CRC is
// computed here.
Bytes encode_batch(const BatchSpec& spec, const std::vector<Record>& records);

// Reads the fixed header of the batch at the start of `bytes` without checking the CRC or
// touching the records. Throws CorruptDataError if fewer than kBatchHeaderSize bytes are given,
// the magic is not 2, or batchLength is impossible (< 49 or > max_batch_size), or
// lastOffsetDelta is negative or would take next_offset() past INT64_MAX.
BatchHeader read_batch_header(ByteView bytes, std::size_t max_batch_size = 1u << 30);

// True if the stored CRC matches CRC-32C over attributes..end. `batch` is exactly one batch.
bool crc_is_valid(ByteView batch);

// Decodes one whole batch (exactly header.size_in_bytes() bytes): checks magic, length and CRC,
// decompresses, and decodes every record. Throws CorruptDataError naming the problem.
// Offset deltas must increase and stay within lastOffsetDelta (gaps are allowed, as compaction
// leaves them); a batch may hold no records. In a LogAppendTime batch every record's timestamp
// reads as maxTimestamp, as Kafka's consumers see it.
struct DecodedBatch {
  BatchHeader header;
  std::vector<Record> records;
};
DecodedBatch decode_batch(ByteView batch);

// The same checks as decode_batch (magic, length, CRC, decompression, every record's structure
// and offset deltas) without building the records: what a leader runs on every produced batch.
// Throws CorruptDataError.
struct BatchValidation {
  BatchHeader header;
  std::int32_t records = 0;
  bool has_record_without_key = false;
};
BatchValidation validate_batch(ByteView batch);

// In-place rewrites of the fields outside the CRC (what a leader does on append).
void set_base_offset(MutableByteView batch, std::int64_t base_offset);
void set_partition_leader_epoch(MutableByteView batch, std::int32_t epoch);
// Sets max_timestamp (and the log-append-time bit) and recomputes the CRC (Kafka does this when
// message.timestamp.type=LogAppendTime).
void set_log_append_time(MutableByteView batch, std::int64_t timestamp_ms);

}  // namespace ksim::storage
