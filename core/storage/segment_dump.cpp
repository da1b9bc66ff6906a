#include "core/storage/segment_dump.h"

#include <fmt/format.h>

#include <stdexcept>

#include "core/storage/errors.h"
#include "core/storage/log_segment.h"
#include "core/storage/record_batch.h"

namespace ksim::storage {
namespace {

std::string_view base_name(std::string_view path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string_view timestamp_type_name(TimestampType type) {
  return type == TimestampType::log_append_time ? "LogAppendTime" : "CreateTime";
}

// Bytes shown as text the way Kafka's default StringDecoder shows them.
std::string printable(const Bytes& bytes) { return to_string(bytes); }

void dump_records(std::string& out, const BatchHeader& header, ByteView batch) {
  DecodedBatch decoded;
  try {
    decoded = decode_batch(batch);
  } catch (const CorruptDataError& e) {
    out += fmt::format("| cannot decode the records of this batch: {}\n", e.what());
    return;
  }
  for (const Record& record : decoded.records) {
    const std::int32_t delta = static_cast<std::int32_t>(record.offset - header.base_offset);
    const std::int32_t sequence = header.base_sequence < 0 ? -1 : header.base_sequence + delta;
    std::string header_keys;
    for (const RecordHeader& h : record.headers) {
      header_keys += (header_keys.empty() ? "" : ",") + h.key;
    }
    out += fmt::format("| offset: {} {}: {} keySize: {} valueSize: {} sequence: {} headerKeys: [{}]",
                       record.offset, timestamp_type_name(header.timestamp_type()),
                       record.timestamp, record.key ? static_cast<long>(record.key->size()) : -1L,
                       record.value ? static_cast<long>(record.value->size()) : -1L, sequence,
                       header_keys);
    if (!header.is_control()) {
      if (record.key) out += " key: " + printable(*record.key);
      if (record.value) out += " payload: " + printable(*record.value);
    }
    out += '\n';
  }
}

SegmentDump dump_log(std::string_view name, std::int64_t base_offset, ByteView content,
                     const DumpOptions& options) {
  SegmentDump dump;
  std::string& out = dump.text;
  out += fmt::format("Log starting offset: {}\n", base_offset);
  std::size_t position = 0;
  while (position < content.size()) {
    const ByteView rest = content.subspan(position);
    BatchHeader header;
    try {
      header = read_batch_header(rest, rest.size());
    } catch (const CorruptDataError& e) {
      out += fmt::format("Invalid batch at position {}: {}\n", position, e.what());
      break;
    }
    if (header.size_in_bytes() > rest.size()) {
      out += fmt::format("Invalid batch at position {}: size {} but only {} bytes remain (a torn "
                         "write)\n",
                         position, header.size_in_bytes(), rest.size());
      break;
    }
    const ByteView batch = rest.first(header.size_in_bytes());
    const bool valid = crc_is_valid(batch);
    dump.damaged = dump.damaged || !valid;
    const std::int32_t last_sequence =
        header.base_sequence < 0 ? -1 : header.base_sequence + header.last_offset_delta;
    out += fmt::format(
        "baseOffset: {} lastOffset: {} count: {} baseSequence: {} lastSequence: {} producerId: {} "
        "producerEpoch: {} partitionLeaderEpoch: {} isTransactional: {} isControl: {} "
        "deleteHorizonMs: {} position: {} {}: {} size: {} magic: {} "
        "compresscodec: {} crc: {} isvalid: {}\n",
        header.base_offset, header.last_offset(), header.records_count, header.base_sequence,
        last_sequence, header.producer_id, header.producer_epoch, header.partition_leader_epoch,
        header.is_transactional(), header.is_control(),
        header.delete_horizon_ms() ? fmt::format("OptionalLong[{}]", *header.delete_horizon_ms())
                                   : std::string("OptionalLong.empty"),
        position,
        timestamp_type_name(header.timestamp_type()), header.max_timestamp,
        header.size_in_bytes(), header.magic, compression_name(header.compression()), header.crc,
        valid);
    if (options.print_data_log) dump_records(out, header, batch);
    position += header.size_in_bytes();
  }
  if (position < content.size()) {
    dump.damaged = true;
    out += fmt::format("Found {} invalid bytes at the end of {}\n", content.size() - position, name);
  }
  return dump;
}

SegmentDump dump_offset_index(std::string_view name, std::int64_t base_offset, ByteView content) {
  SegmentDump dump;
  std::int64_t previous = -1;
  std::size_t at = 0;
  for (; at + 8 <= content.size(); at += 8) {
    const std::int64_t offset = base_offset + static_cast<std::int32_t>(load_be32(&content[at]));
    const std::uint32_t position = load_be32(&content[at + 4]);
    dump.text += fmt::format("offset: {} position: {}\n", offset, position);
    if (offset <= previous) {
      dump.damaged = true;
      dump.text += fmt::format("Index offset {} is not larger than the previous entry's {}\n",
                               offset, previous);
    }
    previous = offset;
  }
  if (at < content.size()) {
    dump.damaged = true;
    dump.text += fmt::format("Found {} invalid bytes at the end of {}\n", content.size() - at, name);
  }
  return dump;
}

SegmentDump dump_time_index(std::string_view name, std::int64_t base_offset, ByteView content) {
  SegmentDump dump;
  std::int64_t previous = -1;
  std::size_t at = 0;
  for (; at + 12 <= content.size(); at += 12) {
    const auto timestamp = static_cast<std::int64_t>(load_be64(&content[at]));
    const std::int64_t offset =
        base_offset + static_cast<std::int32_t>(load_be32(&content[at + 8]));
    dump.text += fmt::format("timestamp: {} offset: {}\n", timestamp, offset);
    if (timestamp <= previous) {
      dump.damaged = true;
      dump.text += fmt::format("Found out of order timestamp: {} after {}\n", timestamp, previous);
    }
    previous = timestamp;
  }
  if (at < content.size()) {
    dump.damaged = true;
    dump.text += fmt::format("Found {} invalid bytes at the end of {}\n", content.size() - at, name);
  }
  return dump;
}

}  // namespace

SegmentDump dump_segment_file(std::string_view file_name, ByteView content,
                              const DumpOptions& options) {
  const std::string_view name = base_name(file_name);
  if (auto base = parse_segment_file_name(name, kLogFileSuffix)) {
    return dump_log(name, *base, content, options);
  }
  if (auto base = parse_segment_file_name(name, kIndexFileSuffix)) {
    return dump_offset_index(name, *base, content);
  }
  if (auto base = parse_segment_file_name(name, kTimeIndexFileSuffix)) {
    return dump_time_index(name, *base, content);
  }
  throw std::invalid_argument(fmt::format(
      "{}: not a segment file (expected a 20-digit base offset followed by .log, .index or "
      ".timeindex, like 00000000000000000000.log)",
      file_name));
}

}  // namespace ksim::storage
