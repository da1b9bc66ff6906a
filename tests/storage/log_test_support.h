// Helpers for the log tests: batches built from plain strings, and a fresh in-memory disk.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/storage/log.h"
#include "core/storage/memory_file_system.h"
#include "core/storage/record_batch.h"
#include "tests/support/producer_batch.h"

namespace ksim::storage::test {

struct KeyValue {
  std::optional<std::string> key;
  std::optional<std::string> value;  // nullopt: a tombstone
};

using ksim::test_support::batch_of;

inline Bytes keyed_batch(const std::vector<KeyValue>& entries, std::int64_t timestamp = 1000) {
  std::vector<Record> records;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    Record r;
    r.offset = static_cast<std::int64_t>(i);
    r.timestamp = timestamp;
    if (entries[i].key) r.key = to_bytes(*entries[i].key);
    if (entries[i].value) r.value = to_bytes(*entries[i].value);
    records.push_back(std::move(r));
  }
  return encode_batch(BatchSpec{}, records);
}

inline std::vector<std::string> values_of(const std::vector<Record>& records) {
  std::vector<std::string> out;
  for (const Record& r : records) out.push_back(r.value ? to_string(*r.value) : "<null>");
  return out;
}

inline std::vector<std::int64_t> offsets_of(const std::vector<Record>& records) {
  std::vector<std::int64_t> out;
  for (const Record& r : records) out.push_back(r.offset);
  return out;
}

// Appends one record `key` = `value` (nullopt: a tombstone) as the leader, at epoch 0.
inline void put(Log& log, const std::string& key, std::optional<std::string> value,
                std::int64_t now) {
  Bytes batch = keyed_batch({{key, std::move(value)}}, now);
  log.append_as_leader(batch, 0, now);
}

// Appends `batches` single-record batches "v0", "v1", ... and returns the LEO.
inline std::int64_t append_values(Log& log, int batches, int records_per_batch = 1,
                                  std::int32_t epoch = 0, std::int64_t timestamp = 1000) {
  for (int b = 0; b < batches; ++b) {
    std::vector<std::string> values;
    for (int r = 0; r < records_per_batch; ++r) {
      values.push_back("v" + std::to_string(log.log_end_offset() + r));
    }
    Bytes batch = batch_of(values, timestamp);
    log.append_as_leader(batch, epoch, timestamp);
  }
  return log.log_end_offset();
}

inline LogConfig small_segments(std::int64_t segment_bytes = 300) {
  LogConfig config;
  config.segment_bytes = segment_bytes;
  config.index_interval_bytes = 1;
  return config;
}

}  // namespace ksim::storage::test
