// Compression codecs: round trips, the exact framing Kafka expects, and rejection of bad input.
#include <catch2/catch.hpp>
#include <string>

#include "core/storage/compression.h"
#include "core/storage/errors.h"
#include "tests/storage/codecs.h"

using namespace ksim::storage;
using ksim::storage::test::kAllCodecs;
using Catch::Matchers::Contains;

namespace {

const CompressionType kRealCodecs[] = {CompressionType::gzip, CompressionType::snappy,
                                       CompressionType::lz4, CompressionType::zstd};

// Deterministic bytes: `compressible` repeats a short text, otherwise pseudo-random.
Bytes sample(std::size_t n, bool compressible, std::uint64_t seed = 1) {
  Bytes out(n);
  const std::string text = "kafka replicates the log; followers fetch from the leader. ";
  for (std::size_t i = 0; i < n; ++i) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    out[i] = compressible ? static_cast<std::uint8_t>(text[i % text.size()])
                          : static_cast<std::uint8_t>(seed >> 56);
  }
  return out;
}

}  // namespace

TEST_CASE("every codec round-trips empty, small, incompressible and multi-block data") {
  for (CompressionType codec : kAllCodecs) {
    for (std::size_t size :
         {std::size_t{0}, std::size_t{1}, std::size_t{100}, std::size_t{32 * 1024},
          std::size_t{32 * 1024 + 1}, std::size_t{200 * 1024}}) {
      for (bool compressible : {true, false}) {
        INFO(compression_name(codec) << " size " << size << " compressible " << compressible);
        const Bytes data = sample(size, compressible);
        const Bytes compressed = compress(codec, data);
        CHECK(decompress(codec, compressed) == data);
        if (compressible && size >= 32 * 1024 && codec != CompressionType::none) {
          CHECK(compressed.size() < data.size() / 4);
        }
      }
    }
  }
}

TEST_CASE("gzip writes a real gzip stream and reads concatenated members") {
  const Bytes compressed = compress(CompressionType::gzip, as_bytes("hello"));
  REQUIRE(compressed.size() > 18);
  CHECK(compressed[0] == 0x1F);  // gzip magic
  CHECK(compressed[1] == 0x8B);
  CHECK(compressed[2] == 0x08);  // deflate
  // The trailer: CRC-32 of "hello" (0x3610A686) and the length, little-endian.
  const std::size_t n = compressed.size();
  CHECK(Bytes(compressed.begin() + static_cast<std::ptrdiff_t>(n - 8), compressed.end()) ==
        Bytes{0x86, 0xA6, 0x10, 0x36, 0x05, 0x00, 0x00, 0x00});

  Bytes two = compress(CompressionType::gzip, as_bytes("abc"));
  const Bytes second = compress(CompressionType::gzip, as_bytes("def"));
  two.insert(two.end(), second.begin(), second.end());
  CHECK(to_string(decompress(CompressionType::gzip, two)) == "abcdef");
}

TEST_CASE("snappy writes xerial framing with 32 KiB blocks") {
  const Bytes data = sample(70 * 1024, true);
  const Bytes compressed = compress(CompressionType::snappy, data);
  const Bytes header(compressed.begin(), compressed.begin() + 16);
  CHECK(header == Bytes{0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0x00,  // magic
                        0, 0, 0, 1,                                // version
                        0, 0, 0, 1});                              // compatible version
  // Three blocks (32 + 32 + 6 KiB), each [int32 length][raw snappy block] to the very end.
  std::size_t pos = 16;
  int blocks = 0;
  while (pos < compressed.size()) {
    pos += 4 + load_be32(compressed.data() + pos);
    ++blocks;
  }
  CHECK(pos == compressed.size());
  CHECK(blocks == 3);
  // Just the header is a valid, empty stream.
  CHECK(decompress(CompressionType::snappy, header).empty());
  CHECK(compress(CompressionType::snappy, ByteView{}) == header);
}

TEST_CASE("snappy reads raw (unframed) snappy, as librdkafka and sarama write it") {
  // sarama's record_batch_test.go, "snappy compressed record": a 21-byte literal.
  const Bytes raw{21, 80, 40, 0, 10, 0, 8, 1, 2, 3, 4, 6, 5, 6, 7, 2, 6, 8, 9, 10, 4, 11, 12};
  CHECK(decompress(CompressionType::snappy, raw) ==
        Bytes{40, 0, 10, 0, 8, 1, 2, 3, 4, 6, 5, 6, 7, 2, 6, 8, 9, 10, 4, 11, 12});
}

TEST_CASE("lz4 writes an LZ4 frame as Kafka does: 64 KiB independent blocks, no checksums") {
  const Bytes compressed = compress(CompressionType::lz4, sample(1000, true));
  REQUIRE(compressed.size() > 7);
  CHECK(Bytes(compressed.begin(), compressed.begin() + 4) == Bytes{0x04, 0x22, 0x4D, 0x18});
  CHECK(compressed[4] == 0x60);  // FLG: version 01, block independence, nothing else
  CHECK(compressed[5] == 0x40);  // BD: 64 KiB maximum block size
  // The frame ends with the end mark (a zero block size).
  CHECK(Bytes(compressed.end() - 4, compressed.end()) == Bytes{0, 0, 0, 0});
}

TEST_CASE("lz4 reads frames with a content checksum and 4 MiB blocks (sarama's)") {
  // sarama's record_batch_test.go, "lz4 compressed record": one uncompressed block.
  const Bytes frame{4,  34, 77, 24, 100, 112, 185, 21, 0,  0,  128, 40, 0, 10,
                    0,  8,  1,  2,  3,   4,   6,   5,  6,  7,  2,   6,  8, 9,
                    10, 4,  11, 12, 0,   0,   0,   0,  12, 59, 239, 146};
  CHECK(decompress(CompressionType::lz4, frame) ==
        Bytes{40, 0, 10, 0, 8, 1, 2, 3, 4, 6, 5, 6, 7, 2, 6, 8, 9, 10, 4, 11, 12});
  Bytes bad_checksum = frame;
  bad_checksum.back() ^= 1;
  CHECK_THROWS_AS(decompress(CompressionType::lz4, bad_checksum), CorruptDataError);
}

TEST_CASE("zstd writes a standard zstd frame") {
  const Bytes compressed = compress(CompressionType::zstd, sample(1000, true));
  CHECK(Bytes(compressed.begin(), compressed.begin() + 4) == Bytes{0x28, 0xB5, 0x2F, 0xFD});
}

TEST_CASE("decompression stops at the limit") {
  const Bytes data = sample(100 * 1024, true);
  for (CompressionType codec : kAllCodecs) {
    INFO(compression_name(codec));
    const Bytes compressed = compress(codec, data);
    CHECK(decompress(codec, compressed, data.size()) == data);
    CHECK_THROWS_WITH(decompress(codec, compressed, data.size() - 1),
                      Contains("exceed") && Contains(std::to_string(data.size() - 1)));
    CHECK_THROWS_AS(decompress(codec, compressed, 0), CorruptDataError);
  }
}

TEST_CASE("a decompression bomb is refused without producing it") {
  const Bytes zeros(8 * 1024 * 1024, 0);
  for (CompressionType codec : kRealCodecs) {
    INFO(compression_name(codec));
    const Bytes bomb = compress(codec, zeros);
    CHECK(bomb.size() < zeros.size() / 20);
    CHECK_THROWS_WITH(decompress(codec, bomb, 64 * 1024), Contains("exceeds the limit of 65536"));
  }
}

TEST_CASE("garbage, empty input and trailing bytes are rejected") {
  const Bytes garbage = sample(300, false, 99);
  for (CompressionType codec : kRealCodecs) {
    INFO(compression_name(codec));
    CHECK_THROWS_WITH(decompress(codec, garbage), Contains(std::string(compression_name(codec))));
    CHECK_THROWS_AS(decompress(codec, ByteView{}), CorruptDataError);
    if (codec != CompressionType::snappy) {  // a snappy stream is framed by blocks only
      Bytes trailing = compress(codec, as_bytes("payload"));
      trailing.push_back(0x42);
      CHECK_THROWS_AS(decompress(codec, trailing), CorruptDataError);
    }
  }
  CHECK_THROWS_WITH(decompress(CompressionType::lz4,
                               [] {
                                 Bytes b = compress(CompressionType::lz4, as_bytes("x"));
                                 b.push_back(0);
                                 return b;
                               }()),
                    "lz4: 1 trailing bytes after the frame");
}

TEST_CASE("every truncation of a compressed stream is rejected (or, for snappy, cut at a block)") {
  const Bytes data = sample(40 * 1024, true);
  for (CompressionType codec : kRealCodecs) {
    INFO(compression_name(codec));
    const Bytes compressed = compress(codec, data);
    int rejected = 0;
    for (std::size_t n = 0; n < compressed.size(); ++n) {
      const ByteView prefix = ByteView(compressed).first(n);
      try {
        const Bytes out = decompress(codec, prefix);
        // Only xerial snappy cut exactly between blocks decodes, to a prefix of the data.
        REQUIRE(codec == CompressionType::snappy);
        REQUIRE(out.size() < data.size());
        REQUIRE(std::equal(out.begin(), out.end(), data.begin()));
      } catch (const CorruptDataError&) {
        ++rejected;
      }
    }
    CHECK(rejected >= static_cast<int>(compressed.size()) - 2);
  }
}

TEST_CASE("snappy rejects a block length that overruns the stream") {
  Bytes framed = compress(CompressionType::snappy, as_bytes("some records"));
  store_be32(framed.data() + 16, 1000);
  CHECK_THROWS_WITH(decompress(CompressionType::snappy, framed),
                    Contains("snappy: xerial block 0 at byte 16: length 1000 overruns the input"));
  CHECK_THROWS_WITH(decompress(CompressionType::snappy, ByteView(framed).first(12)),
                    "snappy: xerial header truncated (12 of 16 bytes)");
}
