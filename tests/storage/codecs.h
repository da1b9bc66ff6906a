// Every compression codec a Kafka record batch can use, for tests that run once per codec.
#pragma once

#include "core/storage/record_batch.h"

namespace ksim::storage::test {

inline constexpr CompressionType kAllCodecs[] = {CompressionType::none, CompressionType::gzip,
                                                 CompressionType::snappy, CompressionType::lz4,
                                                 CompressionType::zstd};

}  // namespace ksim::storage::test
