// An idempotent producer's batch as tests build it: base offset 0, producer id, epoch and base
// sequence set, one record per value (record i has sequence base + i).
#pragma once

#include <string>
#include <vector>

#include "core/storage/record_batch.h"

namespace ksim::test_support {

struct ProducerIdAndEpoch {
  std::int64_t producer_id = 0;
  std::int16_t producer_epoch = 0;
};

inline storage::Bytes idempotent_batch(ProducerIdAndEpoch producer, std::int32_t base_sequence,
                                       const std::vector<std::string>& values,
                                       std::int64_t timestamp = 1000) {
  std::vector<storage::Record> records;
  for (std::size_t i = 0; i < values.size(); ++i) {
    storage::Record record;
    record.offset = static_cast<std::int64_t>(i);
    record.timestamp = timestamp;
    record.value = storage::to_bytes(values[i]);
    records.push_back(std::move(record));
  }
  storage::BatchSpec spec;
  spec.producer_id = producer.producer_id;
  spec.producer_epoch = producer.producer_epoch;
  spec.base_sequence = base_sequence;
  return storage::encode_batch(spec, records);
}

}  // namespace ksim::test_support
