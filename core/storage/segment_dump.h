// Text dumps of segment files in the format of Kafka's DumpLogSegments (kafka-dump-log.sh):
// one line per batch (baseOffset, lastOffset, count, sequences, producer, partitionLeaderEpoch,
// position, timestamp, size, compresscodec, crc, isvalid), and with print_data_log one line per
// record ("| offset: ... payload: ..."). Index files print their entries. Damage is reported in
// the dump ("Found 17 invalid bytes at the end of 00000000000000000000.log"), never thrown.
#pragma once

#include <string>
#include <string_view>

#include "core/storage/bytes.h"

namespace ksim::storage {

struct DumpOptions {
  bool print_data_log = false;  // --print-data-log: record lines with keys and payloads
};

struct SegmentDump {
  std::string text;
  bool damaged = false;  // an invalid batch, invalid trailing bytes, or an index out of order
};

// `file_name` decides the kind by suffix (.log, .index, .timeindex) and gives the base offset.
// Throws std::invalid_argument for a name that is not a segment file.
SegmentDump dump_segment_file(std::string_view file_name, ByteView content,
                              const DumpOptions& options);

}  // namespace ksim::storage
