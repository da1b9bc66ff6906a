// `ksim dump-log`'s text: Kafka's DumpLogSegments format, and damage reported, not thrown.
#include <catch2/catch.hpp>

#include "core/storage/log.h"
#include "core/storage/segment_dump.h"
#include "log_test_support.h"

using namespace ksim::storage;
using namespace ksim::storage::test;

namespace {

Bytes two_batch_segment() {
  MemoryFileSystem fs;
  Log log(fs, "t-0", LogConfig{}, {});
  Bytes first = keyed_batch({{"k1", "hello"}, {std::nullopt, "world"}}, 1700000000000);
  log.append_as_leader(first, 3, 0);
  Bytes second = batch_of({"again"}, 1700000000001, CompressionType::gzip);
  log.append_as_leader(second, 4, 0);
  return read_file(fs, "t-0/00000000000000000000.log");
}

}  // namespace

TEST_CASE("dump-log prints one line per batch in Kafka's format", "[dump]") {
  const Bytes segment = two_batch_segment();
  const BatchHeader first = read_batch_header(segment);
  const SegmentDump dump = dump_segment_file("t-0/00000000000000000000.log", segment, {});
  CHECK_FALSE(dump.damaged);
  const std::string expected_first =
      "baseOffset: 0 lastOffset: 1 count: 2 baseSequence: -1 lastSequence: -1 producerId: -1 "
      "producerEpoch: -1 partitionLeaderEpoch: 3 isTransactional: false isControl: false "
      "deleteHorizonMs: OptionalLong.empty position: 0 CreateTime: 1700000000000 size: " +
      std::to_string(first.size_in_bytes()) + " magic: 2 compresscodec: none crc: " +
      std::to_string(first.crc) + " isvalid: true\n";
  CHECK(dump.text.rfind("Log starting offset: 0\n" + expected_first, 0) == 0);
  CHECK_THAT(dump.text, Catch::Contains("baseOffset: 2 lastOffset: 2 count: 1"));
  CHECK_THAT(dump.text, Catch::Contains("partitionLeaderEpoch: 4"));
  CHECK_THAT(dump.text, Catch::Contains("position: " + std::to_string(first.size_in_bytes())));
  CHECK_THAT(dump.text, Catch::Contains("compresscodec: gzip"));
  CHECK_THAT(dump.text, !Catch::Contains("payload"));
}

TEST_CASE("dump-log --print-data-log adds a line per record with key and payload", "[dump]") {
  const SegmentDump dump =
      dump_segment_file("00000000000000000000.log", two_batch_segment(), {.print_data_log = true});
  CHECK_THAT(dump.text, Catch::Contains("| offset: 0 CreateTime: 1700000000000 keySize: 2 "
                                        "valueSize: 5 sequence: -1 headerKeys: [] key: k1 "
                                        "payload: hello\n"));
  CHECK_THAT(dump.text, Catch::Contains("| offset: 1 CreateTime: 1700000000000 keySize: -1 "
                                        "valueSize: 5 sequence: -1 headerKeys: [] payload: world\n"));
  CHECK_THAT(dump.text, Catch::Contains("| offset: 2 CreateTime: 1700000000001 keySize: -1 "
                                        "valueSize: 5 sequence: -1 headerKeys: [] payload: again\n"));
}

TEST_CASE("dump-log reports a torn tail and a bad CRC precisely", "[dump]") {
  Bytes segment = two_batch_segment();
  const std::size_t first_size = read_batch_header(segment).size_in_bytes();
  Bytes torn(segment.begin(), segment.end() - 5);
  SegmentDump dump = dump_segment_file("00000000000000000000.log", torn, {});
  CHECK(dump.damaged);
  CHECK_THAT(dump.text, Catch::Contains("Invalid batch at position " + std::to_string(first_size)));
  CHECK_THAT(dump.text, Catch::Contains("Found " + std::to_string(torn.size() - first_size) +
                                        " invalid bytes at the end of 00000000000000000000.log"));

  segment[first_size - 1] ^= 0x55;  // inside the first batch's records
  dump = dump_segment_file("00000000000000000000.log", segment, {.print_data_log = true});
  CHECK(dump.damaged);
  CHECK_THAT(dump.text, Catch::Contains("isvalid: false"));
  CHECK_THAT(dump.text, Catch::Contains("cannot decode the records of this batch"));
  CHECK_THAT(dump.text, Catch::Contains("isvalid: true"));  // the second batch is fine
}

TEST_CASE("dump-log prints index and time index entries", "[dump]") {
  Bytes index(16);
  store_be32(&index[0], 3);
  store_be32(&index[4], 4100);
  store_be32(&index[8], 9);
  store_be32(&index[12], 8300);
  SegmentDump dump = dump_segment_file("00000000000000000100.index", index, {});
  CHECK(dump.text == "offset: 103 position: 4100\noffset: 109 position: 8300\n");
  CHECK_FALSE(dump.damaged);

  Bytes time_index(12);
  store_be64(&time_index[0], 1700000000000);
  store_be32(&time_index[8], 7);
  dump = dump_segment_file("00000000000000000100.timeindex", time_index, {});
  CHECK(dump.text == "timestamp: 1700000000000 offset: 107\n");

  index.push_back(1);
  dump = dump_segment_file("00000000000000000100.index", index, {});
  CHECK(dump.damaged);
  CHECK_THAT(dump.text, Catch::EndsWith("Found 1 invalid bytes at the end of 00000000000000000100.index\n"));
}

TEST_CASE("dump-log refuses a file that is not a segment", "[dump]") {
  CHECK_THROWS_WITH(dump_segment_file("notes.txt", Bytes{}, {}),
                    Catch::Contains("notes.txt: not a segment file"));
}
