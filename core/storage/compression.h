// Compression codecs of Kafka's record batches, through Debian's libraries: zlib (gzip), snappy
// (Kafka's xerial-framed snappy stream on write; raw snappy accepted on read), lz4 (the LZ4 frame
// format) and zstd. Decompression errors throw CorruptDataError.
#pragma once

#include "core/storage/bytes.h"
#include "core/storage/record_batch.h"

namespace ksim::storage {

Bytes compress(CompressionType type, ByteView data);
// `limit`: refuse (CorruptDataError) to produce more than this many bytes (a decompression bomb).
Bytes decompress(CompressionType type, ByteView data, std::size_t limit = std::size_t{1} << 30);

}  // namespace ksim::storage
