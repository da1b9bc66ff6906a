// The idempotent producer's state in a log (ProducerStateManager): duplicates of the last 5
// batches, sequence and epoch checks as Kafka 3.x makes them, follower and coordinator appends,
// and the state following the log through truncation, restart and expiration.
#include <catch2/catch.hpp>

#include <array>
#include <limits>
#include <map>

#include "core/storage/log.h"
#include "core/storage/memory_file_system.h"
#include "core/storage/producer_state_manager.h"
#include "log_test_support.h"
#include "tests/support/idempotent_batch.h"

using namespace ksim::storage;
using ksim::storage::test::values_of;
using ksim::test_support::idempotent_batch;
using ksim::test_support::ProducerIdAndEpoch;

namespace {

constexpr ProducerIdAndEpoch p7{7, 0};

// Leader append of one batch of `values` from `producer` at `sequence`.
LogAppendInfo send(Log& log, ProducerIdAndEpoch producer, std::int32_t sequence,
                   const std::vector<std::string>& values, std::int64_t timestamp = 1000) {
  Bytes batch = idempotent_batch(producer, sequence, values, timestamp);
  return log.append_as_leader(batch, 0, 5000);
}

// The Kafka error name of a refused append ("" if it was accepted).
std::string refusal(Log& log, ProducerIdAndEpoch producer, std::int32_t sequence,
                    const std::vector<std::string>& values, std::string* message = nullptr) {
  try {
    send(log, producer, sequence, values);
  } catch (const ProducerStateError& e) {
    if (message != nullptr) *message = e.what();
    return e.error_name();
  }
  return "";
}

// Batches (first seq, last seq, first offset, last offset) retained for a producer.
std::vector<std::array<std::int64_t, 4>> retained(const Log& log, std::int64_t producer_id) {
  std::vector<std::array<std::int64_t, 4>> out;
  const ProducerStateEntry* entry = log.producer_state_manager().last_entry(producer_id);
  if (entry == nullptr) return out;
  for (const BatchMetadata& b : entry->batch_metadata()) {
    out.push_back({b.first_seq(), b.last_seq, b.first_offset(), b.last_offset});
  }
  return out;
}

}  // namespace

TEST_CASE("a retry of each of the last 5 batches is answered with its offsets, nothing written",
          "[producer-state]") {
  MemoryFileSystem fs;
  Log log(fs, "t-0", LogConfig{}, {});
  for (int i = 0; i < 5; ++i) {
    const LogAppendInfo info = send(log, p7, 2 * i, {"a", "b"}, 1000 + i);
    CHECK(info.first_offset == 2 * i);
    CHECK_FALSE(info.duplicate);
  }
  REQUIRE(log.log_end_offset() == 10);
  const std::uint64_t size = log.size_in_bytes();
  for (int i = 0; i < 5; ++i) {
    const LogAppendInfo retry = send(log, p7, 2 * i, {"a", "b"}, 1000 + i);
    CHECK(retry.duplicate);
    CHECK(retry.first_offset == 2 * i);
    CHECK(retry.last_offset == 2 * i + 1);
    CHECK(retry.log_append_time_ms == 1000 + i);  // Kafka answers the original's timestamp
  }
  CHECK(log.log_end_offset() == 10);
  CHECK(log.size_in_bytes() == size);
  CHECK(values_of(log.read_records(0)).size() == 10);
}

TEST_CASE("a retry of the 6th-newest batch is out of order: only 5 are retained",
          "[producer-state]") {
  MemoryFileSystem fs;
  Log log(fs, "t-0", LogConfig{}, {});
  for (int i = 0; i < 6; ++i) send(log, p7, 2 * i, {"a", "b"});
  CHECK(retained(log, 7).size() == 5);
  CHECK(retained(log, 7).front() == std::array<std::int64_t, 4>{2, 3, 2, 3});
  std::string message;
  CHECK(refusal(log, p7, 0, {"a", "b"}, &message) == "OUT_OF_ORDER_SEQUENCE_NUMBER");
  CHECK(message ==
        "Out of order sequence number for producer 7 at offset 12 in partition t-0: 0 (incoming "
        "seq. number), 11 (current end sequence number)");
  CHECK(log.log_end_offset() == 12);
  // The second-oldest is still a duplicate.
  CHECK(send(log, p7, 2, {"a", "b"}).duplicate);
}

TEST_CASE("a sequence that is not last + 1 is out of order; a gap is not filled",
          "[producer-state]") {
  MemoryFileSystem fs;
  Log log(fs, "t-0", LogConfig{}, {});
  send(log, p7, 0, {"a", "b", "c"});
  CHECK(refusal(log, p7, 4, {"e"}) == "OUT_OF_ORDER_SEQUENCE_NUMBER");
  CHECK(refusal(log, p7, 2, {"c"}) == "OUT_OF_ORDER_SEQUENCE_NUMBER");  // overlaps, not equal
  CHECK(log.log_end_offset() == 3);
  CHECK(send(log, p7, 3, {"d"}).first_offset == 3);
}

TEST_CASE("a producer epoch older than the last seen one is INVALID_PRODUCER_EPOCH",
          "[producer-state]") {
  MemoryFileSystem fs;
  Log log(fs, "t-0", LogConfig{}, {});
  send(log, p7, 0, {"a"});
  CHECK(send(log, {7, 1}, 0, {"b"}).first_offset == 1);  // a new epoch starts at 0
  std::string message;
  CHECK(refusal(log, p7, 1, {"c"}, &message) == "INVALID_PRODUCER_EPOCH");
  CHECK(message ==
        "Epoch of producer 7 at offset 2 in t-0 is 0, which is smaller than the last seen epoch "
        "1");
  // The old epoch's batches are forgotten: its retry is no duplicate, and fenced.
  CHECK(refusal(log, p7, 0, {"a"}) == "INVALID_PRODUCER_EPOCH");
  CHECK(log.log_end_offset() == 2);
  CHECK(retained(log, 7) == std::vector<std::array<std::int64_t, 4>>{{0, 0, 1, 1}});
  CHECK(log.producer_state_manager().last_entry(7)->producer_epoch() == 1);
}

TEST_CASE("a new epoch must start at sequence 0", "[producer-state]") {
  MemoryFileSystem fs;
  Log log(fs, "t-0", LogConfig{}, {});
  send(log, p7, 0, {"a", "b"});
  std::string message;
  CHECK(refusal(log, {7, 1}, 2, {"c"}, &message) == "OUT_OF_ORDER_SEQUENCE_NUMBER");
  CHECK(message ==
        "Invalid sequence number for new epoch of producer 7 at offset 2 in partition t-0: 1 "
        "(request epoch), 2 (seq. number), 0 (current producer epoch)");
  CHECK(send(log, {7, 1}, 0, {"c"}).first_offset == 2);
}

TEST_CASE("an unknown producer id is accepted at any sequence (KIP-360, no UNKNOWN_PRODUCER_ID)",
          "[producer-state]") {
  MemoryFileSystem fs;
  Log log(fs, "t-0", LogConfig{}, {});
  CHECK(send(log, {9, 3}, 42, {"a"}).first_offset == 0);
  CHECK(retained(log, 9) == std::vector<std::array<std::int64_t, 4>>{{42, 42, 0, 0}});
  CHECK(refusal(log, {9, 3}, 44, {"b"}) == "OUT_OF_ORDER_SEQUENCE_NUMBER");
  CHECK(send(log, {9, 3}, 43, {"b"}).first_offset == 1);
}

TEST_CASE("sequences wrap from INT32_MAX to 0", "[producer-state]") {
  constexpr std::int32_t max = std::numeric_limits<std::int32_t>::max();
  CHECK(increment_sequence(max, 1) == 0);
  CHECK(increment_sequence(max - 1, 3) == 1);
  CHECK(decrement_sequence(1, 3) == max - 1);
  MemoryFileSystem fs;
  Log log(fs, "t-0", LogConfig{}, {});
  send(log, p7, max - 1, {"a", "b", "c"});  // sequences max - 1, max, 0
  CHECK(retained(log, 7) == std::vector<std::array<std::int64_t, 4>>{{max - 1, 0, 0, 2}});
  CHECK(refusal(log, p7, 0, {"d"}) == "OUT_OF_ORDER_SEQUENCE_NUMBER");
  CHECK(send(log, p7, 1, {"d"}).first_offset == 3);
  const LogAppendInfo retry = send(log, p7, max - 1, {"a", "b", "c"});
  CHECK(retry.duplicate);
  CHECK(retry.first_offset == 0);
  CHECK(retry.last_offset == 2);

  Log other(fs, "t-1", LogConfig{}, {});
  send(other, p7, max, {"x"});
  CHECK(send(other, p7, 0, {"y"}).first_offset == 1);  // max then 0 is in sequence
}

TEST_CASE("a batch of another epoch with the same sequences is no duplicate", "[producer-state]") {
  MemoryFileSystem fs;
  Log log(fs, "t-0", LogConfig{}, {});
  send(log, p7, 0, {"a"});
  const LogAppendInfo bumped = send(log, {7, 1}, 0, {"a"});
  CHECK_FALSE(bumped.duplicate);
  CHECK(bumped.first_offset == 1);
}

TEST_CASE("producers are tracked apart, several batches of one append checked in order",
          "[producer-state]") {
  MemoryFileSystem fs;
  Log log(fs, "t-0", LogConfig{}, {});
  Bytes two = idempotent_batch(p7, 0, {"a"});
  const Bytes second = idempotent_batch(p7, 1, {"b", "c"});
  two.insert(two.end(), second.begin(), second.end());
  const LogAppendInfo info = log.append_as_leader(two, 0, 5000);
  CHECK(info.first_offset == 0);
  CHECK(info.last_offset == 2);
  CHECK(retained(log, 7) == std::vector<std::array<std::int64_t, 4>>{{0, 0, 0, 0}, {1, 2, 1, 2}});
  send(log, {8, 0}, 0, {"x"});
  CHECK(log.producer_state_manager().active_producers().size() == 2);
  // A non-idempotent batch leaves the state alone.
  Bytes plain = ksim::test_support::batch_of({"plain"});
  log.append_as_leader(plain, 0, 5000);
  CHECK(log.producer_state_manager().active_producers().size() == 2);
  CHECK(log.producer_state_manager().map_end_offset() == 5);
}

TEST_CASE("follower appends update the state without checks; coordinator appends check the epoch",
          "[producer-state]") {
  MemoryFileSystem fs;
  Log leader(fs, "t-0", LogConfig{}, {});
  send(leader, p7, 0, {"a"});
  send(leader, p7, 1, {"b"});
  Log follower(fs, "t-1", LogConfig{}, {});
  follower.append_as_follower(leader.read(0, 1 << 20).records, 6000);
  CHECK(follower.producer_state_manager().active_producers() ==
        leader.producer_state_manager().active_producers());

  // Replication copies what the leader wrote, whatever the sequence or epoch.
  Bytes gap = idempotent_batch({7, 0}, 10, {"c"});
  set_base_offset(gap, 2);
  follower.append_as_follower(gap, 6000);
  CHECK(retained(follower, 7).back() == std::array<std::int64_t, 4>{10, 10, 2, 2});

  Log offsets(fs, "__consumer_offsets-0", LogConfig{}, {});
  Bytes first = idempotent_batch({5, 2}, 0, {"o1"});
  offsets.append_as_leader(first, 0, 5000, AppendOrigin::coordinator);
  Bytes unordered = idempotent_batch({5, 2}, 7, {"o2"});
  CHECK(offsets.append_as_leader(unordered, 0, 5000, AppendOrigin::coordinator).first_offset == 1);
  Bytes stale = idempotent_batch({5, 1}, 8, {"o3"});
  CHECK_THROWS_AS(offsets.append_as_leader(stale, 0, 5000, AppendOrigin::coordinator),
                  ProducerStateError);
  // No duplicate detection for a coordinator: its own retry is written again.
  Bytes again = idempotent_batch({5, 2}, 0, {"o1"});
  CHECK_FALSE(offsets.append_as_leader(again, 0, 5000, AppendOrigin::coordinator).duplicate);
}

TEST_CASE("truncation removes the truncated batches; their retry is written again",
          "[producer-state]") {
  MemoryFileSystem fs;
  Log log(fs, "t-0", LogConfig{}, {});
  send(log, p7, 0, {"a", "b"});
  send(log, p7, 2, {"c", "d"});
  send(log, p7, 4, {"e", "f"});
  send(log, {8, 0}, 0, {"x"});  // offset 6, untouched by the truncation below
  log.truncate_to(4);
  CHECK(retained(log, 7) == std::vector<std::array<std::int64_t, 4>>{{0, 1, 0, 1}, {2, 3, 2, 3}});
  CHECK(log.producer_state_manager().last_entry(8) == nullptr);
  const LogAppendInfo retry = send(log, p7, 4, {"e", "f"});
  CHECK_FALSE(retry.duplicate);
  CHECK(retry.first_offset == 4);
  CHECK(values_of(log.read_records(0)) == std::vector<std::string>{"a", "b", "c", "d", "e", "f"});
}

TEST_CASE("truncation brings back batches older than the last 5 from the log", "[producer-state]") {
  MemoryFileSystem fs;
  Log log(fs, "t-0", LogConfig{}, {});
  for (int i = 0; i < 7; ++i) send(log, p7, i, {"v"});
  send(log, {8, 0}, 0, {"x"});  // offset 7
  CHECK(retained(log, 7).front() == std::array<std::int64_t, 4>{2, 2, 2, 2});
  log.truncate_to(5);
  CHECK(retained(log, 7) ==
        std::vector<std::array<std::int64_t, 4>>{
            {0, 0, 0, 0}, {1, 1, 1, 1}, {2, 2, 2, 2}, {3, 3, 3, 3}, {4, 4, 4, 4}});
  CHECK(send(log, p7, 0, {"v"}).duplicate);  // the oldest is known again
  CHECK(log.producer_state_manager().map_end_offset() == 5);
}

TEST_CASE("truncate_fully_and_start_at forgets every producer", "[producer-state]") {
  MemoryFileSystem fs;
  Log log(fs, "t-0", LogConfig{}, {});
  send(log, p7, 0, {"a"});
  log.truncate_fully_and_start_at(100, 6000);
  CHECK(log.producer_state_manager().is_empty());
  CHECK(log.producer_state_manager().map_end_offset() == 100);
  CHECK(send(log, p7, 5, {"b"}).first_offset == 100);  // unknown again: any sequence
}

TEST_CASE("a higher log start offset keeps the producers (Kafka 3.x)", "[producer-state]") {
  MemoryFileSystem fs;
  Log log(fs, "t-0", LogConfig{}, {});
  send(log, p7, 0, {"a"});
  send(log, p7, 1, {"b"});
  log.maybe_increment_log_start_offset(2);
  CHECK(retained(log, 7).size() == 2);
  CHECK(send(log, p7, 1, {"b"}).duplicate);
}

TEST_CASE("the state is rebuilt from the log when it is opened again", "[producer-state]") {
  MemoryFileSystem fs;
  std::map<std::int64_t, ProducerStateEntry> before;
  {
    LogConfig config;
    config.segment_bytes = 200;  // several segments
    Log log(fs, "t-0", config, {});
    for (int i = 0; i < 7; ++i) send(log, p7, 2 * i, {"a", "b"}, 1000 + i);
    send(log, {8, 4}, 0, {"x"}, 2000);
    REQUIRE(log.number_of_segments() > 1);
    before = log.producer_state_manager().active_producers();
    log.close();
  }
  SECTION("after a clean shutdown") {
    Log log(fs, "t-0", LogConfig{}, {});
    CHECK(log.producer_state_manager().active_producers() == before);
    CHECK(log.producer_state_manager().map_end_offset() == 15);
    CHECK(send(log, p7, 4, {"a", "b"}).first_offset == 4);  // the oldest retained, a duplicate
    CHECK(refusal(log, p7, 2, {"a", "b"}) == "OUT_OF_ORDER_SEQUENCE_NUMBER");
  }
  SECTION("after kill -9, from the log start offset") {
    fs.crash_process();
    LogLoadParams params;
    params.had_clean_shutdown = false;
    params.log_start_offset = 4;  // the oldest retained batch starts there
    Log log(fs, "t-0", LogConfig{}, params);
    CHECK(log.producer_state_manager().active_producers() == before);
  }
}

TEST_CASE("producers expire producer.id.expiration.ms after their last batch's timestamp",
          "[producer-state]") {
  MemoryFileSystem fs;
  Log log(fs, "t-0", LogConfig{}, {});
  send(log, p7, 0, {"a"}, 1000);
  send(log, {8, 0}, 0, {"b"}, 5000);
  CHECK(log.remove_expired_producers(86400999).empty());
  CHECK(log.remove_expired_producers(86401000) == std::vector<std::int64_t>{7});
  CHECK(log.producer_state_manager().last_entry(8) != nullptr);
  CHECK(log.remove_expired_producers(10000, 5000) == std::vector<std::int64_t>{8});
  // Expired: the next batch is from an unknown producer, any sequence goes.
  CHECK(send(log, p7, 9, {"c"}).first_offset == 2);
}
