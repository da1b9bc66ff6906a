// What the simulated clients did, kept outside their processes so it survives their crashes and
// restarts: every record a producer was given with its one outcome, every record a consumer's
// poll returned. Tests, the audit, scenarios and the GUI read it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/client/producer_api.h"
#include "core/storage/topic_partition.h"
#include "sim/kernel/sim_time.h"

namespace ksim::sim::clients {

// One record given to a producer's send().
struct ProducedRecord {
  std::string topic;
  std::optional<std::int32_t> partition;  // as given; the outcome says where it went
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::int16_t acks = -1;
  SimTime sent_at;
  std::optional<client::SendOutcome> outcome;  // nullopt while in flight
  bool lost_with_producer = false;  // the producer process died before an outcome

  bool acknowledged() const {
    return outcome && outcome->kind == client::SendOutcomeKind::acknowledged;
  }
};

struct ProducerHistory {
  std::string client_id;
  std::vector<ProducedRecord> records;  // in send order

  std::size_t count(client::SendOutcomeKind kind) const;
  std::size_t in_flight() const;
};

// One record a consumer's poll returned.
struct ConsumedRecord {
  storage::TopicPartition topic_partition;
  std::int64_t offset = -1;
  std::int32_t leader_epoch = -1;
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::uint64_t poll = 0;  // which poll of this consumer returned it (from 1)
  SimTime consumed_at;
};

// One commit a consumer finished (commit(), an auto-commit, before a rebalance, on close).
struct ConsumerCommit {
  SimTime completed_at;
  std::map<storage::TopicPartition, std::int64_t> offsets;  // the next offset to read
  std::string error;  // "NONE" when the group took the offsets
  bool succeeded() const { return error == "NONE"; }
};

struct ConsumerHistory {
  std::string client_id;
  std::optional<std::string> group_id;
  std::vector<ConsumedRecord> records;  // in poll order
  std::uint64_t polls = 0;
  // Every assignment the consumer had, in order (assign() or a rebalance).
  std::vector<std::pair<SimTime, std::vector<storage::TopicPartition>>> assignments;
  // Every commit that finished, in order (across the process's restarts).
  std::vector<ConsumerCommit> commits;

  std::vector<std::string> values() const;  // the values read, in order ("" for null)
};

// Told of what clients do as it happens (the cluster feeds the audit from it).
class ClientObserver {
 public:
  virtual ~ClientObserver() = default;
  virtual void record_sent(const ProducerHistory& producer, std::size_t index) = 0;
  virtual void send_completed(const ProducerHistory& producer, std::size_t index) = 0;
  virtual void records_consumed(const ConsumerHistory& consumer, std::size_t first,
                                std::size_t count) = 0;
  virtual void partitions_assigned(const ConsumerHistory& consumer) = 0;
};

}  // namespace ksim::sim::clients
