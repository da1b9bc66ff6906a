// A deterministic mutation fuzzer for decode_batch: valid batches of every codec are damaged in
// many ways (bit flips, byte changes, truncation, insertion, deletion, length-field edits, damage
// to the decompressed records before recompressing), sometimes with batchLength and the CRC made
// to match so the damage reaches the decompressors and the record parser. The decoder must either
// return a batch consistent with its header or throw CorruptDataError: anything else (another
// exception, a sanitizer report) fails. Seeds are fixed; a failure prints the seed, iteration and
// bytes. For open-ended fuzzing with coverage feedback, see libfuzzer/.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <string>

#include "core/storage/compression.h"
#include "core/storage/crc32c.h"
#include "core/storage/errors.h"
#include "core/storage/record_batch.h"
#include "fuzz_prng.h"

using namespace ksim::storage;
using ksim::fuzz::Prng;

namespace {


const CompressionType kAllCodecs[] = {CompressionType::none, CompressionType::gzip,
                                      CompressionType::snappy, CompressionType::lz4,
                                      CompressionType::zstd};

constexpr std::size_t kHeaderSize = 61;

std::vector<Record> seed_records(Prng& rng, int count) {
  std::vector<Record> records;
  std::int64_t offset = 1000;
  for (int i = 0; i < count; ++i) {
    Record r;
    r.offset = offset;
    offset += rng.one_in(4) ? 2 + static_cast<std::int64_t>(rng.below(5)) : 1;
    r.timestamp = 1'700'000'000'000 + static_cast<std::int64_t>(rng.below(2000)) - 1000;
    if (!rng.one_in(4)) r.key = to_bytes("key-" + std::to_string(rng.below(100)));
    if (!rng.one_in(5)) r.value = Bytes(rng.below(rng.one_in(10) ? 600 : 40), rng.byte());
    const std::size_t headers = rng.below(3);
    for (std::size_t h = 0; h < headers; ++h) {
      RecordHeader header{"h" + std::to_string(h), std::nullopt};
      if (!rng.one_in(3)) header.value = Bytes(rng.below(6), rng.byte());
      r.headers.push_back(std::move(header));
    }
    records.push_back(std::move(r));
  }
  return records;
}

void fix_length_and_crc(Bytes& b) {
  if (b.size() >= 12) store_be32(b.data() + 8, static_cast<std::uint32_t>(b.size() - 12));
  if (b.size() >= kHeaderSize) store_be32(b.data() + 17, crc32c(ByteView(b).subspan(21)));
}

std::uint32_t interesting_int32(Prng& rng, std::uint32_t current, std::size_t size) {
  switch (rng.below(9)) {
    case 0: return 0;
    case 1: return 0xFFFFFFFFu;  // -1
    case 2: return 1;
    case 3: return 0x7FFFFFFFu;
    case 4: return 0x80000000u;
    case 5: return current + 1;
    case 6: return current - 1;
    case 7: return static_cast<std::uint32_t>(size);
    default: return static_cast<std::uint32_t>(rng.next());
  }
}

// One random change to `b`. `from` is where the interesting part (the records) starts.
void mutate_once(Prng& rng, Bytes& b, std::size_t from) {
  const std::size_t size = b.size();
  switch (rng.below(10)) {
    case 0:  // flip one bit
      if (size) b[rng.below(size)] ^= static_cast<std::uint8_t>(1u << rng.below(8));
      break;
    case 1:  // random byte, biased to the records
      if (size)
        b[size > from && !rng.one_in(4) ? from + rng.below(size - from) : rng.below(size)] =
            rng.byte();
      break;
    case 2: {  // a byte a varint parser cares about
      static constexpr std::uint8_t kVarintBytes[] = {0x00, 0x01, 0x02, 0x03, 0x7E,
                                                      0x7F, 0x80, 0xFF, 0x0F, 0x1F};
      if (size) b[rng.below(size)] = kVarintBytes[rng.below(std::size(kVarintBytes))];
      break;
    }
    case 3:  // truncate
      b.resize(rng.below(size + 1));
      break;
    case 4: {  // insert a few bytes
      const std::size_t at = rng.below(size + 1);
      const std::size_t n = 1 + rng.below(8);
      Bytes insert(n);
      for (auto& x : insert) x = rng.byte();
      b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), insert.begin(), insert.end());
      break;
    }
    case 5: {  // erase a range
      if (!size) break;
      const std::size_t at = rng.below(size);
      const std::size_t n = 1 + rng.below(std::min<std::size_t>(16, size - at));
      b.erase(b.begin() + static_cast<std::ptrdiff_t>(at),
              b.begin() + static_cast<std::ptrdiff_t>(at + n));
      break;
    }
    case 6: {  // a header int32: batchLength, lastOffsetDelta, recordsCount, or leader epoch
      static constexpr std::size_t kFields[] = {8, 23, 57, 12};
      const std::size_t at = kFields[rng.below(std::size(kFields))];
      if (size >= at + 4)
        store_be32(b.data() + at, interesting_int32(rng, load_be32(b.data() + at), size));
      break;
    }
    case 7:  // attributes: codec, timestamp type, flags
      if (size >= 23) b[22] = rng.byte();
      break;
    case 8: {  // overwrite a range with a copy of another
      if (size < 2) break;
      const std::size_t n = 1 + rng.below(std::min<std::size_t>(32, size / 2));
      const std::size_t src = rng.below(size - n + 1);
      const std::size_t dst = rng.below(size - n + 1);
      std::copy_n(Bytes(b.begin() + static_cast<std::ptrdiff_t>(src),
                        b.begin() + static_cast<std::ptrdiff_t>(src + n))
                      .begin(),
                  n, b.begin() + static_cast<std::ptrdiff_t>(dst));
      break;
    }
    default:  // timestamps: base or max
      if (size >= 43) store_be64(b.data() + (rng.one_in(2) ? 27 : 35), rng.next());
      break;
  }
}

std::string hex(ByteView b) {
  std::string out;
  for (std::uint8_t x : b.first(std::min<std::size_t>(b.size(), 512)))
    out += fmt::format("{:02x}", x);
  return out;
}

struct Outcome {
  int decoded = 0;
  int rejected = 0;
  int record_level = 0;  // rejections from inside the records (the deepest paths)
  int decompress_level = 0;
  std::uint64_t digest = 1469598103934665603ULL;  // FNV-1a over every outcome, for determinism
  std::vector<std::string> failures;

  void mix(std::string_view s) {
    for (char c : s) digest = (digest ^ static_cast<std::uint8_t>(c)) * 1099511628211ULL;
  }
};

// validate_batch (a leader's fast check) must accept exactly what decode_batch accepts, count
// the same records and see the same null keys, and refuse with the same message.
void check_validate_agrees(ByteView batch, Outcome& outcome, const std::string& where) {
  std::string decoded;
  std::string validated;
  try {
    const DecodedBatch d = decode_batch(batch);
    bool null_key = false;
    for (const Record& r : d.records) null_key = null_key || !r.key;
    decoded = fmt::format("ok {} {}", d.records.size(), null_key);
  } catch (const CorruptDataError& e) {
    decoded = std::string("error ") + e.what();
  }
  try {
    const BatchValidation v = validate_batch(batch);
    validated = fmt::format("ok {} {}", v.records, v.has_record_without_key);
  } catch (const CorruptDataError& e) {
    validated = std::string("error ") + e.what();
  }
  if (decoded != validated) {
    outcome.failures.push_back(where + ": decode_batch says '" + decoded +
                               "' but validate_batch says '" + validated + "' " + hex(batch));
  }
}

// decode_batch must return something consistent with the header, or throw CorruptDataError.
void check_decode(ByteView batch, Outcome& outcome, const std::string& where) {
  check_validate_agrees(batch, outcome, where);
  try {
    const DecodedBatch d = decode_batch(batch);
    ++outcome.decoded;
    outcome.mix(fmt::format("ok {} {}", d.records.size(), d.header.crc));
    std::string problem;
    if (d.records.size() != static_cast<std::size_t>(d.header.records_count)) {
      problem = "record count differs from recordsCount";
    } else if (d.header.size_in_bytes() != batch.size() || !crc_is_valid(batch)) {
      problem = "decoded a batch with a wrong length or CRC";
    }
    for (std::size_t i = 0; i < d.records.size() && problem.empty(); ++i) {
      const std::int64_t offset = d.records[i].offset;
      if (offset < d.header.base_offset || offset > d.header.last_offset() ||
          (i > 0 && offset <= d.records[i - 1].offset)) {
        problem = fmt::format("record {} has offset {} outside the batch", i, offset);
      }
    }
    if (!problem.empty()) outcome.failures.push_back(where + ": " + problem + " " + hex(batch));
  } catch (const CorruptDataError& e) {
    ++outcome.rejected;
    const std::string_view what = e.what();
    outcome.mix(what);
    if (what.find(": record ") != std::string_view::npos ||
        what.find("recordsCount is") != std::string_view::npos ||
        what.find("trailing bytes") != std::string_view::npos) {
      ++outcome.record_level;
    }
    if (what.find("do not decompress") != std::string_view::npos) ++outcome.decompress_level;
  } catch (const std::exception& e) {
    outcome.failures.push_back(where + ": unexpected exception: " + e.what() + " " + hex(batch));
  } catch (...) {
    outcome.failures.push_back(where + ": unexpected non-standard exception " + hex(batch));
  }
}

// Runs `iterations` mutations of batches of one codec from one seed.
Outcome fuzz_codec(CompressionType codec, std::uint64_t seed, int iterations) {
  Prng rng(seed);
  Outcome outcome;
  std::vector<Bytes> batches;
  std::vector<Bytes> sections;  // the uncompressed records of each batch
  for (int shape = 0; shape < 4; ++shape) {
    BatchSpec spec;
    spec.base_offset = 1000;
    spec.compression = codec;
    spec.transactional = shape == 1;
    spec.producer_id = shape == 1 ? 77 : kNoProducerId;
    const Bytes batch = encode_batch(spec, seed_records(rng, shape == 0 ? 1 : 3 + shape * 7));
    sections.push_back(Bytes(batch.begin() + kHeaderSize, batch.end()));
    if (codec != CompressionType::none) {
      sections.back() = decompress(codec, sections.back());
    }
    batches.push_back(batch);
  }
  for (int i = 0; i < iterations; ++i) {
    const std::size_t which = rng.below(batches.size());
    const std::string where =
        fmt::format("{} seed {:#x} iteration {}", compression_name(codec), seed, i);
    const std::size_t mutations = 1 + rng.below(4);
    const std::size_t mode = rng.below(3);
    Bytes b;
    if (mode == 2 && codec != CompressionType::none) {
      // Damage the decompressed records, compress them again, and rebuild a consistent batch:
      // this is how mutations reach the record parser behind a codec.
      Bytes section = sections[which];
      for (std::size_t m = 0; m < mutations; ++m) mutate_once(rng, section, 0);
      const Bytes compressed = compress(codec, section);
      b.assign(batches[which].begin(), batches[which].begin() + kHeaderSize);
      b.insert(b.end(), compressed.begin(), compressed.end());
      fix_length_and_crc(b);
    } else {
      b = batches[which];
      for (std::size_t m = 0; m < mutations; ++m) mutate_once(rng, b, kHeaderSize);
      if (mode != 0) fix_length_and_crc(b);  // past the length and CRC checks
    }
    check_decode(b, outcome, where);
    // The header reader and CRC check must be just as robust on the same bytes.
    try {
      const BatchHeader h = read_batch_header(b);
      outcome.mix(fmt::format("h {}", h.next_offset()));
    } catch (const CorruptDataError&) {
      outcome.mix("h-");
    }
    outcome.mix(crc_is_valid(b) ? "c+" : "c-");
  }
  return outcome;
}

void report(const Outcome& o) {
  for (std::size_t i = 0; i < std::min<std::size_t>(o.failures.size(), 5); ++i) {
    UNSCOPED_INFO(o.failures[i]);
  }
  CHECK(o.failures.empty());
}

}  // namespace

TEST_CASE("decode_batch survives mutated batches of every codec") {
  constexpr int kIterations = 6000;
  for (CompressionType codec : kAllCodecs) {
    for (std::uint64_t seed : {0x5EEDull, 0xC0FFEEull}) {
      INFO(compression_name(codec) << " seed " << seed);
      const Outcome o = fuzz_codec(codec, seed, kIterations);
      report(o);
      CHECK(o.decoded + o.rejected == kIterations);
      // The mutations must reach past the header and CRC checks, into the records, and (for
      // compressed batches) into the decompressors; some damage is harmless and decodes.
      CHECK(o.record_level > kIterations / 20);
      CHECK(o.decoded > 0);
      if (codec != CompressionType::none) CHECK(o.decompress_level > kIterations / 50);
    }
  }
}

TEST_CASE("the fuzzer is deterministic: the same seed gives the same outcomes") {
  const Outcome a = fuzz_codec(CompressionType::snappy, 0xD1CE, 300);
  const Outcome b = fuzz_codec(CompressionType::snappy, 0xD1CE, 300);
  CHECK(a.digest == b.digest);
  CHECK(a.decoded == b.decoded);
  const Outcome c = fuzz_codec(CompressionType::snappy, 0xD1CF, 300);
  CHECK(a.digest != c.digest);
}

TEST_CASE("decompressors survive mutated streams and random bytes") {
  Prng rng(0xBADC0DE);
  int rejected = 0;
  int total = 0;
  std::vector<std::string> failures;
  for (CompressionType codec : kAllCodecs) {
    const Bytes original = compress(codec, Bytes(3000, 'x'));
    for (int i = 0; i < 400; ++i) {
      Bytes b = original;
      if (rng.one_in(8)) {
        b.resize(rng.below(200));
        for (auto& x : b) x = rng.byte();
      } else {
        for (std::size_t m = 1 + rng.below(3); m > 0; --m) mutate_once(rng, b, 0);
      }
      ++total;
      try {
        const Bytes out = decompress(codec, b, 100'000);
        if (out.size() > 100'000) failures.push_back("limit not enforced");
      } catch (const CorruptDataError&) {
        ++rejected;
      } catch (const std::exception& e) {
        failures.push_back(
            fmt::format("{} iteration {}: {} {}", compression_name(codec), i, e.what(), hex(b)));
      }
    }
  }
  for (std::size_t i = 0; i < std::min<std::size_t>(failures.size(), 5); ++i) {
    UNSCOPED_INFO(failures[i]);
  }
  CHECK(failures.empty());
  CHECK(rejected > total / 4);
}
