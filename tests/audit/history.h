// History: a test's script of audit events, fed to a RecordLedger one line at a time
// (times in microseconds, so stories print exact seconds).
#pragma once

#include <optional>
#include <string>

#include "sim/audit/record_ledger.h"

namespace ksim::sim::audit::testing {

inline const storage::TopicPartition kT0{"t", 0};
inline const storage::TopicPartition kT1{"t", 1};

inline SimTime us(std::int64_t t) { return SimTime::from_us(t); }

struct History {
  RecordLedger ledger;

  RecordId send(const std::string& value, std::int16_t acks, std::int64_t at,
                const storage::TopicPartition& tp = kT0, const std::string& producer = "producer-1",
                std::optional<std::string> key = std::nullopt) {
    RecordSent sent;
    sent.record = ledger.next_record_id();
    sent.producer = producer;
    if (key) sent.key = *key;
    sent.value = value;
    sent.acks = acks;
    sent.sent_at = us(at);
    sent.partition = tp;
    ledger.record_sent(sent);
    return sent.record;
  }
  void ack(RecordId id, std::int64_t offset, std::int64_t at, std::uint32_t attempts = 1,
           const storage::TopicPartition& tp = kT0) {
    ledger.send_completed({.record = id, .outcome = SendOutcome::acknowledged, .partition = tp,
                           .offset = offset, .completed_at = us(at), .attempts = attempts});
  }
  void fail(RecordId id, const std::string& error, std::int64_t at) {
    ledger.send_completed({.record = id, .outcome = SendOutcome::failed, .partition = kT0,
                           .error = error, .completed_at = us(at)});
  }
  void indeterminate(RecordId id, const std::string& reason, std::int64_t at) {
    ledger.send_completed({.record = id, .outcome = SendOutcome::indeterminate,
                           .partition = kT0, .reason = reason, .completed_at = us(at)});
  }
  void sent_unknown(RecordId id, std::int64_t at) {
    ledger.send_completed({.record = id, .outcome = SendOutcome::sent_unknown, .partition = kT0,
                           .completed_at = us(at)});
  }
  void write(std::int32_t broker, std::int64_t offset, std::int32_t epoch,
             const std::string& value, std::int64_t at, AppendRole role = AppendRole::leader,
             const storage::TopicPartition& tp = kT0) {
    ledger.record_written({.broker = broker, .partition = tp, .offset = offset,
                           .leader_epoch = epoch, .role = role,
                           .value = value_identity(value), .written_at = us(at)});
  }
  void copy(std::int32_t broker, std::int64_t offset, std::int32_t epoch,
            const std::string& value, std::int64_t at) {
    write(broker, offset, epoch, value, at, AppendRole::follower);
  }
  void hw(std::int32_t leader, std::int64_t high_watermark, std::int64_t at,
          const storage::TopicPartition& tp = kT0) {
    ledger.high_watermark_advanced({tp, leader, high_watermark, us(at)});
  }
  void truncate(std::int32_t broker, std::int64_t from, std::int64_t at, const std::string& reason,
                const storage::TopicPartition& tp = kT0) {
    ledger.log_truncated({broker, tp, from, us(at), reason});
  }
  void lose(std::int32_t broker, std::int64_t log_end, std::int64_t at, const std::string& reason,
            const storage::TopicPartition& tp = kT0) {
    ledger.replica_lost({broker, tp, log_end, us(at), reason});
  }
  void consume(const std::string& consumer, std::int64_t offset, const std::string& value,
               std::uint64_t poll, std::int64_t at, const storage::TopicPartition& tp = kT0) {
    ledger.record_consumed({.consumer = consumer, .group = std::nullopt, .partition = tp,
                            .offset = offset, .value = value_identity(value), .poll = poll,
                            .consumed_at = us(at)});
  }
  void assign(const std::string& consumer, std::vector<storage::TopicPartition> partitions,
              std::int64_t at) {
    ledger.partitions_assigned({consumer, partitions, us(at)});
  }
};

}  // namespace ksim::sim::audit::testing
