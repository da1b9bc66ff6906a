// Writes partition logs for the kafkajs interop test: one partition directory per compression
// codec (and two with message.timestamp.type=LogAppendTime), filled through ksim's own Log over
// PosixFileSystem with batches that exercise every corner of the record format, plus
// `<partition>.expected.json` beside each directory: what ksim itself reads back (segments, batch
// headers, records). decode_segment.js then decodes the .log files with kafkajs, and
// check_segments.js compares the two views.
//
// Usage: ksim_interop_write_segments OUTPUT_DIR   (OUTPUT_DIR must not exist or be empty)
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/storage/bytes.h"
#include "core/storage/file_system.h"
#include "core/storage/log.h"
#include "core/storage/log_config.h"
#include "core/storage/posix_file_system.h"
#include "core/storage/record_batch.h"

namespace {

using namespace ksim::storage;
using json = nlohmann::ordered_json;

constexpr std::int64_t kBaseTimestampMs = 1700000000000;  // 2023-11-14, past 2^32
constexpr std::int64_t kFirstAppendMs = 1700000100000;
constexpr std::size_t kLargeValueBytes = 100 * 1024;

// A deterministic byte stream (a 64-bit LCG) for incompressible values.
Bytes pseudo_random_bytes(std::size_t size, std::uint64_t seed) {
  Bytes out(size);
  std::uint64_t state = seed;
  for (auto& b : out) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    b = static_cast<std::uint8_t>(state >> 56);
  }
  return out;
}

Bytes compressible_text(std::size_t size) {
  const std::string line = "the quick brown fox jumps over the lazy dog; offset=";
  std::string text;
  for (std::size_t i = 0; text.size() < size; ++i) text += line + std::to_string(i) + '\n';
  text.resize(size);
  return to_bytes(text);
}

Record record(std::int64_t timestamp, std::optional<Bytes> key, std::optional<Bytes> value,
              std::vector<RecordHeader> headers = {}) {
  Record r;
  r.timestamp = timestamp;
  r.key = std::move(key);
  r.value = std::move(value);
  r.headers = std::move(headers);
  return r;
}

struct PlannedBatch {
  BatchSpec spec;
  std::vector<Record> records;
};

// One append_as_leader call: the batches are concatenated, the leader assigns offsets.
struct PlannedAppend {
  std::int32_t leader_epoch = 0;
  std::vector<PlannedBatch> batches;
};

PlannedBatch batch(CompressionType compression, std::vector<Record> records) {
  PlannedBatch b;
  b.spec.compression = compression;
  for (std::size_t i = 0; i < records.size(); ++i) records[i].offset = static_cast<std::int64_t>(i);
  b.records = std::move(records);
  return b;
}

std::vector<PlannedAppend> plan_appends(CompressionType c) {
  const std::int64_t t = kBaseTimestampMs;
  std::vector<PlannedAppend> appends;

  // Keys, a null key, a tombstone (null value), an empty key and an empty value.
  appends.push_back({0, {batch(c, {record(t, to_bytes("key-0"), to_bytes("hello")),
                                   record(t + 5, std::nullopt, to_bytes("no key")),
                                   record(t + 10, to_bytes("tombstone"), std::nullopt),
                                   record(t + 11, Bytes{}, Bytes{})})}});

  // Headers: a null header value, an empty one, an empty header key, a repeated key, unicode;
  // timestamps that go down within the batch, one of them more than 2^31 ms below the first.
  appends.push_back(
      {0,
       {batch(c, {record(t + 1000, to_bytes("h1"), to_bytes("with headers"),
                         {{"trace-id", to_bytes("abc-123")},
                          {"null-header", std::nullopt},
                          {"empty-header", Bytes{}},
                          {"", to_bytes("empty key")},
                          {"dup", to_bytes("first")},
                          {"dup", to_bytes("second")},
                          {"заголовок", to_bytes("значение ✓")}}),
                  record(t + 500, std::nullopt, std::nullopt, {{"only", std::nullopt}}),
                  record(t - 3'000'000'000, to_bytes("old"), to_bytes("35 days earlier"))})}});

  // Binary keys and values (every byte value), unicode text; two batches in one append.
  Bytes all_bytes(256);
  for (std::size_t i = 0; i < all_bytes.size(); ++i) all_bytes[i] = static_cast<std::uint8_t>(i);
  appends.push_back(
      {1,
       {batch(c, {record(t + 2000, Bytes{0x00, 0xff, 0x00, 0x80}, all_bytes),
                  record(t + 2001, to_bytes("ключ"), to_bytes("héllo wörld — 日本語 🎉"))}),
        batch(c, {record(t + 2002, to_bytes("second batch of the append"), to_bytes("x"))})}});

  // Large values: 100 KiB of incompressible bytes, and 100 KiB of text.
  appends.push_back({1,
                     {batch(c, {record(t + 3000, to_bytes("random"),
                                       pseudo_random_bytes(kLargeValueBytes, 42))})}});
  appends.push_back(
      {5, {batch(c, {record(t + 4000, to_bytes("text"), compressible_text(kLargeValueBytes)),
                     record(t + 4001, to_bytes("small after large"), to_bytes("y"))})}});

  // Many records: offset deltas and record lengths past one varint byte.
  std::vector<Record> many;
  for (int i = 0; i < 300; ++i) {
    many.push_back(record(t + 5000 + i * 7, to_bytes("k" + std::to_string(i)),
                          to_bytes(std::string(static_cast<std::size_t>(i % 97), 'v'))));
  }
  appends.push_back({5, {batch(c, std::move(many))}});

  // An idempotent producer's batch and a transactional one.
  PlannedBatch idempotent =
      batch(c, {record(t + 6000, to_bytes("idem-0"), to_bytes("a")),
                record(t + 6001, to_bytes("idem-1"), to_bytes("b"))});
  idempotent.spec.producer_id = 4242;
  idempotent.spec.producer_epoch = 3;
  idempotent.spec.base_sequence = 17;
  PlannedBatch transactional = batch(c, {record(t + 6002, to_bytes("txn"), to_bytes("c"))});
  transactional.spec.producer_id = 4243;
  transactional.spec.producer_epoch = 0;
  transactional.spec.base_sequence = 0;
  transactional.spec.transactional = true;
  appends.push_back({7, {std::move(idempotent)}});
  appends.push_back({7, {std::move(transactional)}});
  return appends;
}

std::string hex(const Bytes& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 0xf];
  }
  return out;
}

json hex_or_null(const std::optional<Bytes>& bytes) {
  return bytes ? json(hex(*bytes)) : json(nullptr);
}

json record_json(const Record& r) {
  json headers = json::array();
  for (const RecordHeader& h : r.headers) {
    headers.push_back(json::array({h.key, hex_or_null(h.value)}));
  }
  return {{"offset", std::to_string(r.offset)},
          {"timestamp", std::to_string(r.timestamp)},
          {"key", hex_or_null(r.key)},
          {"value", hex_or_null(r.value)},
          {"headers", std::move(headers)}};
}

json batch_json(const BatchHeader& h, const std::vector<Record>& records) {
  json out = {
      {"baseOffset", std::to_string(h.base_offset)},
      {"batchLength", h.batch_length},
      {"partitionLeaderEpoch", h.partition_leader_epoch},
      {"magic", h.magic},
      {"crc", h.crc},
      {"compression", std::string(compression_name(h.compression()))},
      {"timestampType",
       h.timestamp_type() == TimestampType::log_append_time ? "LogAppendTime" : "CreateTime"},
      {"isTransactional", h.is_transactional()},
      {"isControl", h.is_control()},
      {"lastOffsetDelta", h.last_offset_delta},
      {"firstTimestamp", std::to_string(h.base_timestamp)},
      {"maxTimestamp", std::to_string(h.max_timestamp)},
      {"producerId", std::to_string(h.producer_id)},
      {"producerEpoch", h.producer_epoch},
      {"baseSequence", h.base_sequence},
      {"records", json::array()}};
  for (const Record& r : records) {
    if (r.offset >= h.base_offset && r.offset <= h.last_offset()) {
      out["records"].push_back(record_json(r));
    }
  }
  return out;
}

std::string describe(const Record& r) {
  return "offset " + std::to_string(r.offset) + " timestamp " + std::to_string(r.timestamp) +
         " key " + (r.key ? hex(*r.key) : "null") + " value " +
         (r.value ? std::to_string(r.value->size()) + " bytes" : "null") + " headers " +
         std::to_string(r.headers.size());
}

struct PartitionPlan {
  std::string directory;
  CompressionType compression;
  TimestampType timestamp_type;
};

// Appends the plan through Log, checks that ksim reads back exactly what was appended (with the
// offsets the leader assigned), and returns ksim's view of the segments as JSON.
json write_partition(FileSystem& fs, const PartitionPlan& plan) {
  LogConfig config;
  config.segment_bytes = 2048;  // several segments
  config.message_timestamp_type = plan.timestamp_type;
  config.validate();
  Log log(fs, plan.directory, config, LogLoadParams{.now_ms = kFirstAppendMs});

  std::vector<Record> appended;
  std::int64_t now_ms = kFirstAppendMs;
  for (PlannedAppend& append : plan_appends(plan.compression)) {
    Bytes buffer;
    std::vector<Record> intended;
    for (const PlannedBatch& b : append.batches) {
      Bytes encoded = encode_batch(b.spec, b.records);
      buffer.insert(buffer.end(), encoded.begin(), encoded.end());
      intended.insert(intended.end(), b.records.begin(), b.records.end());
    }
    const std::int64_t first_offset = log.log_end_offset();
    // Kafka refuses an append larger than segment.bytes (RECORD_LIST_TOO_LARGE): the 100 KiB
    // batch goes in with segment.bytes raised for it, as an operator would with kafka-configs.
    LogConfig for_this_append = config;
    for_this_append.segment_bytes =
        std::max<std::int64_t>(config.segment_bytes, static_cast<std::int64_t>(buffer.size()));
    log.update_config(for_this_append);
    const LogAppendInfo info = log.append_as_leader(buffer, append.leader_epoch, now_ms);
    log.update_config(config);
    if (info.first_offset != first_offset ||
        info.num_records != static_cast<std::int32_t>(intended.size())) {
      throw std::runtime_error(plan.directory + ": append at " + std::to_string(first_offset) +
                               " reported first offset " + std::to_string(info.first_offset) +
                               " and " + std::to_string(info.num_records) + " records");
    }
    for (std::size_t i = 0; i < intended.size(); ++i) {
      intended[i].offset = first_offset + static_cast<std::int64_t>(i);
      // Kafka: with LogAppendTime every record's timestamp is the batch's append time.
      if (plan.timestamp_type == TimestampType::log_append_time) intended[i].timestamp = now_ms;
    }
    appended.insert(appended.end(), intended.begin(), intended.end());
    now_ms += 1000;
  }
  log.flush();

  const std::vector<Record> read_back = log.read_records(0);
  if (read_back.size() != appended.size()) {
    throw std::runtime_error(plan.directory + ": appended " + std::to_string(appended.size()) +
                             " records, read back " + std::to_string(read_back.size()));
  }
  for (std::size_t i = 0; i < appended.size(); ++i) {
    if (!(read_back[i] == appended[i])) {
      throw std::runtime_error(plan.directory + ": record " + std::to_string(i) + " appended as {" +
                               describe(appended[i]) + "} reads back as {" +
                               describe(read_back[i]) + "}");
    }
  }

  json segments = json::array();
  std::size_t batch_count = 0;
  for (const LogSegment* segment : log.segments()) {
    json batches = json::array();
    segment->for_each_batch([&](const BatchLocation& location) {
      batches.push_back(batch_json(location.header, read_back));
      return true;
    });
    batch_count += batches.size();
    const std::string& path = segment->log_path();
    segments.push_back({{"file", path.substr(path.rfind('/') + 1)},
                        {"size", segment->size()},
                        {"batches", std::move(batches)}});
  }
  if (batch_count != log.batch_headers().size()) {
    throw std::runtime_error(plan.directory + ": the segments hold " + std::to_string(batch_count) +
                             " batches, batch_headers() lists " +
                             std::to_string(log.batch_headers().size()));
  }
  std::printf("%s: %zu segments, %zu batches, %zu records\n", plan.directory.c_str(),
              log.number_of_segments(), batch_count, read_back.size());
  return {{"partition", plan.directory},
          {"compression", std::string(compression_name(plan.compression))},
          {"logStartOffset", std::to_string(log.log_start_offset())},
          {"logEndOffset", std::to_string(log.log_end_offset())},
          {"segments", std::move(segments)}};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT_DIR\n", argv[0]);
    return 2;
  }
  try {
    PosixFileSystem fs(argv[1]);
    std::vector<PartitionPlan> plans;
    for (CompressionType c : {CompressionType::none, CompressionType::gzip, CompressionType::snappy,
                              CompressionType::lz4, CompressionType::zstd}) {
      plans.push_back({"interop-" + std::string(compression_name(c)) + "-0", c,
                       TimestampType::create_time});
    }
    plans.push_back({"interop-log-append-time-none-0", CompressionType::none,
                     TimestampType::log_append_time});
    plans.push_back({"interop-log-append-time-zstd-0", CompressionType::zstd,
                     TimestampType::log_append_time});
    for (const PartitionPlan& plan : plans) {
      if (fs.exists(plan.directory)) {
        throw std::runtime_error(std::string(argv[1]) + "/" + plan.directory +
                                 " already exists: give an empty output directory");
      }
      const std::string text = write_partition(fs, plan).dump(1);
      write_file_atomically(fs, plan.directory + ".expected.json", as_bytes(text));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ksim_interop_write_segments: %s\n", e.what());
    return 1;
  }
  return 0;
}
