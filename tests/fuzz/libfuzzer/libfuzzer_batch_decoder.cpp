// libFuzzer entry point for decode_batch: coverage-guided, open-ended fuzzing, next to the
// fixed-seed mutation test in ../test_batch_decoder_fuzz.cpp (which runs in CTest). Not part of the
// CMake build (the Catch2 suite globs tests/fuzz/*.cpp only); build it with clang by hand, from the
// source root:
//
//   clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -I. \
//     tests/fuzz/libfuzzer/libfuzzer_batch_decoder.cpp core/storage/record_batch.cpp \
//     core/storage/compression.cpp core/storage/crc32c.cpp core/storage/varint.cpp \
//     -lfmt -lz -lzstd -lsnappy -llz4 -o build/fuzz_batch_decoder
//   mkdir -p build/fuzz_corpus && build/fuzz_batch_decoder -max_total_time=300 build/fuzz_corpus
//
// The first input byte picks how the rest is used, so the fuzzer can reach every layer:
//   mode 0: the rest is a batch, decoded as it is (header, length and CRC checks);
//   mode 1: the rest is a batch whose batchLength and CRC are fixed up first (the records);
//   mode 2: the rest is a records section, compressed with codec byte[1] % 5 and wrapped in a
//           consistent batch header (the record parser behind each codec);
//   mode 3: the rest is a compressed records section for codec byte[1] % 5, wrapped likewise
//           (the decompressors).
// decode_batch may throw CorruptDataError; any other exception escapes and libFuzzer reports it.
#include <cstddef>
#include <cstdint>

#include "core/storage/bytes.h"
#include "core/storage/compression.h"
#include "core/storage/crc32c.h"
#include "core/storage/errors.h"
#include "core/storage/record_batch.h"

using namespace ksim::storage;

namespace {

void fix_length_and_crc(Bytes& b) {
  if (b.size() >= 12) store_be32(b.data() + 8, static_cast<std::uint32_t>(b.size() - 12));
  if (b.size() >= kBatchHeaderSize) store_be32(b.data() + 17, crc32c(ByteView(b).subspan(21)));
}

// A header for `records_count` records with offset deltas 0..records_count-1 (or more).
Bytes header_for(CompressionType codec, std::uint8_t records_count) {
  Bytes b(kBatchHeaderSize, 0);
  b[16] = static_cast<std::uint8_t>(kMagicV2);
  store_be16(b.data() + 21, static_cast<std::uint16_t>(codec));
  store_be32(b.data() + 23, 300);  // lastOffsetDelta: room for deltas and gaps
  store_be32(b.data() + 57, records_count);
  return b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  const ByteView rest(data + 3, size - 3);
  const auto codec = static_cast<CompressionType>(data[1] % 5);
  Bytes batch;
  switch (data[0] % 4) {
    case 0: batch.assign(rest.begin(), rest.end()); break;
    case 1:
      batch.assign(rest.begin(), rest.end());
      fix_length_and_crc(batch);
      break;
    case 2:
    case 3: {
      batch = header_for(codec, data[2] % 40);
      const Bytes section =
          data[0] % 4 == 2 ? compress(codec, rest) : Bytes(rest.begin(), rest.end());
      batch.insert(batch.end(), section.begin(), section.end());
      fix_length_and_crc(batch);
      break;
    }
  }
  try {
    const DecodedBatch decoded = decode_batch(batch);
    if (decoded.records.size() != static_cast<std::size_t>(decoded.header.records_count)) {
      __builtin_trap();  // decoded, but inconsistent with its own header
    }
  } catch (const CorruptDataError&) {
  }
  return 0;
}
