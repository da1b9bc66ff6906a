// Offset checkpoint files (replication-offset-checkpoint & co.) and TopicPartition.
#include <catch2/catch.hpp>

#include "core/storage/errors.h"
#include "core/storage/offset_checkpoint.h"
#include "core/storage/topic_partition.h"
#include "tests/storage/ckpt_test_fs.h"

using namespace ksim::storage;
using ksim::storage::testing::TestMapFileSystem;

namespace {

const std::string checkpoint_path = "data/broker-1/replication-offset-checkpoint";

std::string checkpoint_error(const std::string& text) {
  try {
    parse_offset_checkpoint(text, checkpoint_path);
  } catch (const CorruptDataError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("TopicPartition prints as topic-partition and orders by topic then partition") {
  CHECK(TopicPartition{"my-topic", 0}.to_string() == "my-topic-0");
  CHECK(TopicPartition{"a", 12}.to_string() == "a-12");
  CHECK(TopicPartition{"a", 2} < TopicPartition{"a", 10});
  CHECK(TopicPartition{"a", 10} < TopicPartition{"b", 0});
  CHECK(TopicPartition{"a", 1} == TopicPartition{"a", 1});
  CHECK(TopicPartition{"a", 1} != TopicPartition{"a", 2});
}

TEST_CASE("A partition directory name splits at its last '-'") {
  CHECK(parse_topic_partition_dir("my-topic-0") == TopicPartition{"my-topic", 0});
  CHECK(parse_topic_partition_dir("data/broker-1/orders-17") == TopicPartition{"orders", 17});
  CHECK(parse_topic_partition_dir("a--3") == TopicPartition{"a-", 3});
  CHECK(parse_topic_partition_dir("__consumer_offsets-49") ==
        TopicPartition{"__consumer_offsets", 49});
}

TEST_CASE("A directory name that is not topic-partition is rejected with Kafka's message") {
  const std::string tail =
      "' is not in the form of topic-partition or topic-partition.uniqueId-delete (if marked for "
      "deletion).\nKafka's log directories (and children) should only contain Kafka topic data.";
  CHECK_THROWS_WITH(parse_topic_partition_dir("data/broker-1/lost+found"),
                    "Found directory data/broker-1/lost+found, 'lost+found" + tail);
  for (const char* bad : {"", "topic", "-0", "topic-", "topic-x", "topic-1x", "topic-+1",
                          "topic-99999999999"}) {
    CAPTURE(bad);
    CHECK_THROWS_WITH(parse_topic_partition_dir(bad),
                      "Found directory " + std::string(bad) + ", '" + bad + tail);
  }
}

TEST_CASE("The offset checkpoint is written as version, count, then sorted entries") {
  const TopicPartitionOffsets offsets{
      {{"orders", 1}, 17}, {{"orders", 0}, 42}, {{"clicks", 10}, 0}, {{"clicks", 2}, 9000000000}};
  CHECK(format_offset_checkpoint(offsets) ==
        "0\n4\nclicks 2 9000000000\nclicks 10 0\norders 0 42\norders 1 17\n");
  CHECK(format_offset_checkpoint({}) == "0\n0\n");
}

TEST_CASE("An entry that could not be read back is refused when writing") {
  CHECK_THROWS_AS(format_offset_checkpoint({{{"", 0}, 1}}), std::invalid_argument);
  CHECK_THROWS_WITH(format_offset_checkpoint({{{"a b", 0}, 1}}),
                    "partition 'a b-0' cannot be written to an offset checkpoint file");
  CHECK_THROWS_WITH(format_offset_checkpoint({{{"a", -1}, 1}}),
                    "partition 'a--1' cannot be written to an offset checkpoint file");
  CHECK_THROWS_AS(format_offset_checkpoint({{{"a\nb", 0}, 1}}), std::invalid_argument);
}

TEST_CASE("The offset checkpoint parses what it writes") {
  const TopicPartitionOffsets offsets{
      {{"orders", 0}, 42}, {{"orders", 1}, 17}, {{"x.y_z-w", 2147483647}, -1}};
  CHECK(parse_offset_checkpoint(format_offset_checkpoint(offsets), checkpoint_path) == offsets);
}

TEST_CASE("Reading accepts what Kafka's reader accepts") {
  SECTION("an empty file, or one cut after its version, has no entries") {
    CHECK(parse_offset_checkpoint("", checkpoint_path).empty());
    CHECK(parse_offset_checkpoint("0\n", checkpoint_path).empty());
    CHECK(parse_offset_checkpoint("0", checkpoint_path).empty());
  }
  SECTION("runs of whitespace between fields, CRLF line ends, no final newline") {
    CHECK(parse_offset_checkpoint("0\r\n2\r\na  0\t5\r\nb 1 6", checkpoint_path) ==
          TopicPartitionOffsets{{{"a", 0}, 5}, {{"b", 1}, 6}});
  }
}

TEST_CASE("Every malformed offset checkpoint is rejected, naming the file, line and problem") {
  const std::string in = "checkpoint file (" + checkpoint_path + ")";
  CHECK(checkpoint_error("x\n0\n") == "Malformed line in " + in + " line 1: 'x' (expected the version number)");
  CHECK(checkpoint_error("\n0\n") == "Malformed line in " + in + " line 1: '' (expected the version number)");
  CHECK(checkpoint_error("1\n0\n") == "Unrecognized version of the " + in + ": 1 (expected 0)");
  CHECK(checkpoint_error("0\nmany\n") ==
        "Malformed line in " + in + " line 2: 'many' (expected the number of entries)");
  CHECK(checkpoint_error("0\n-1\n") ==
        "Malformed line in " + in + " line 2: '-1' (expected the number of entries)");
  CHECK(checkpoint_error("0\n3\na 0 1\nb 0 2\n") == "Expected 3 entries in " + in + " but found 2");
  CHECK(checkpoint_error("0\n1\na 0 1\nb 0 2\n") == "Expected 1 entries in " + in + " but found 2");
  CHECK(checkpoint_error("0\n2\na 0 1\nfoo 0\n") ==
        "Malformed line in " + in + " line 4: 'foo 0' (expected 'topic partition offset')");
  CHECK(checkpoint_error("0\n2\na 0 1\n\n") ==
        "Malformed line in " + in + " line 4: '' (expected 'topic partition offset')");
  CHECK(checkpoint_error("0\n1\na 0 1 2\n") ==
        "Malformed line in " + in + " line 3: 'a 0 1 2' (expected 'topic partition offset')");
  CHECK(checkpoint_error("0\n1\na x 1\n") ==
        "Malformed line in " + in + " line 3: 'a x 1' (partition 'x' is not a non-negative integer)");
  CHECK(checkpoint_error("0\n1\na -1 1\n") ==
        "Malformed line in " + in + " line 3: 'a -1 1' (partition '-1' is not a non-negative integer)");
  CHECK(checkpoint_error("0\n1\na 4294967296 1\n") ==
        "Malformed line in " + in +
            " line 3: 'a 4294967296 1' (partition '4294967296' is not a non-negative integer)");
  CHECK(checkpoint_error("0\n1\na 0 1.5\n") ==
        "Malformed line in " + in + " line 3: 'a 0 1.5' (offset '1.5' is not an integer)");
  CHECK(checkpoint_error("0\n1\na 0 99999999999999999999\n") ==
        "Malformed line in " + in +
            " line 3: 'a 0 99999999999999999999' (offset '99999999999999999999' is not an integer)");
  CHECK(checkpoint_error("0\n3\na 0 1\nb 0 2\na 0 3\n") ==
        "Malformed line in " + in + " line 5: 'a 0 3' (a-0 already appears on line 3)");
}

TEST_CASE("The offset checkpoint is written atomically through the file system") {
  TestMapFileSystem fs;
  write_offset_checkpoint(fs, checkpoint_path, {{{"orders", 0}, 42}});
  CHECK(fs.content(checkpoint_path) == "0\n1\norders 0 42\n");
  CHECK(fs.operations() == std::vector<std::string>{
                               "truncate " + checkpoint_path + ".tmp",
                               "append " + checkpoint_path + ".tmp 16",
                               "fsync " + checkpoint_path + ".tmp",
                               "rename " + checkpoint_path + ".tmp " + checkpoint_path,
                           });
  CHECK(fs.paths() == std::vector<std::string>{checkpoint_path});
  CHECK(read_offset_checkpoint(fs, checkpoint_path) == TopicPartitionOffsets{{{"orders", 0}, 42}});

  write_offset_checkpoint(fs, checkpoint_path, {{{"orders", 0}, 43}, {{"orders", 1}, 5}});
  CHECK(read_offset_checkpoint(fs, checkpoint_path) ==
        TopicPartitionOffsets{{{"orders", 0}, 43}, {{"orders", 1}, 5}});
}

TEST_CASE("A failed checkpoint write leaves the previous file as it was") {
  TestMapFileSystem fs;
  write_offset_checkpoint(fs, checkpoint_path, {{{"orders", 0}, 42}});
  fs.fail_appends = true;
  CHECK_THROWS_AS(write_offset_checkpoint(fs, checkpoint_path, {{{"orders", 0}, 99}}), IoError);
  CHECK(fs.content(checkpoint_path) == "0\n1\norders 0 42\n");
  CHECK(read_offset_checkpoint(fs, checkpoint_path) == TopicPartitionOffsets{{{"orders", 0}, 42}});
}

TEST_CASE("A missing offset checkpoint reads as empty, a corrupt one names its path") {
  TestMapFileSystem fs;
  CHECK(read_offset_checkpoint(fs, checkpoint_path).empty());
  fs.put(checkpoint_path, "0\n1\nbroken\n");
  CHECK_THROWS_WITH(read_offset_checkpoint(fs, checkpoint_path),
                    "Malformed line in checkpoint file (" + checkpoint_path +
                        ") line 3: 'broken' (expected 'topic partition offset')");
}

TEST_CASE("The three offset checkpoint files have Kafka's names") {
  CHECK(replication_offset_checkpoint_file == "replication-offset-checkpoint");
  CHECK(recovery_point_offset_checkpoint_file == "recovery-point-offset-checkpoint");
  CHECK(log_start_offset_checkpoint_file == "log-start-offset-checkpoint");
}
