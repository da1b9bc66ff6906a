// A producer's batch of plain string values, as tests in every layer build them: base offset 0
// (the leader assigns offsets), one record per value, no keys.
#pragma once

#include <string>
#include <vector>

#include "core/storage/record_batch.h"

namespace ksim::test_support {

inline storage::Bytes batch_of(const std::vector<std::string>& values,
                               std::int64_t timestamp = 1000,
                               storage::CompressionType compression = storage::CompressionType::none) {
  std::vector<storage::Record> records;
  for (std::size_t i = 0; i < values.size(); ++i) {
    storage::Record record;
    record.offset = static_cast<std::int64_t>(i);
    record.timestamp = timestamp;
    record.value = storage::to_bytes(values[i]);
    records.push_back(std::move(record));
  }
  storage::BatchSpec spec;
  spec.compression = compression;
  return storage::encode_batch(spec, records);
}

}  // namespace ksim::test_support
