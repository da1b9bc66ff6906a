#include "core/client/producer_batch.h"

#include <algorithm>
#include <limits>

#include "core/storage/varint.h"

namespace ksim::client {

namespace {

std::size_t length_prefixed(const std::optional<storage::Bytes>& bytes) {
  if (!bytes.has_value()) return storage::varint_size(-1);
  return storage::varint_size(static_cast<std::int32_t>(bytes->size())) + bytes->size();
}

}  // namespace

std::size_t record_size_in_bytes(std::int32_t offset_delta, std::int64_t timestamp_delta,
                                 const PendingRecord& record) {
  std::size_t body = 1;  // attributes
  body += storage::varlong_size(timestamp_delta);
  body += storage::varint_size(offset_delta);
  body += length_prefixed(record.key);
  body += length_prefixed(record.value);
  body += storage::varint_size(static_cast<std::int32_t>(record.headers.size()));
  for (const auto& header : record.headers) {
    body += storage::varint_size(static_cast<std::int32_t>(header.key.size())) + header.key.size();
    body += length_prefixed(header.value);
  }
  return storage::varint_size(static_cast<std::int32_t>(body)) + body;
}

std::int32_t increment_sequence(std::int32_t sequence, std::int32_t increment) {
  constexpr std::int32_t max = std::numeric_limits<std::int32_t>::max();
  if (sequence > max - increment) return increment - (max - sequence) - 1;
  return sequence + increment;
}

std::int64_t ProducerBatch::waited_time_ms(std::int64_t now_ms) const {
  return now_ms - std::max(created_ms, last_attempt_ms);
}

std::size_t ProducerBatch::size_with(const PendingRecord& record) const {
  const std::int64_t base_timestamp =
      records.empty() ? record.send_time_ms : records.front().send_time_ms;
  return size_in_bytes +
         record_size_in_bytes(record_count(), record.send_time_ms - base_timestamp, record);
}

void ProducerBatch::append(PendingRecord record) {
  size_in_bytes = size_with(record);
  records.push_back(std::move(record));
}

storage::Bytes ProducerBatch::encode() const {
  storage::BatchSpec spec;
  spec.base_offset = 0;
  spec.timestamp_type = storage::TimestampType::create_time;
  spec.producer_id = producer_id;
  spec.producer_epoch = producer_epoch;
  spec.base_sequence = base_sequence;
  std::vector<storage::Record> encoded;
  encoded.reserve(records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    storage::Record record;
    record.offset = static_cast<std::int64_t>(i);
    record.timestamp = records[i].send_time_ms;
    record.key = records[i].key;
    record.value = records[i].value;
    record.headers = records[i].headers;
    encoded.push_back(std::move(record));
  }
  return storage::encode_batch(spec, encoded);
}

}  // namespace ksim::client
