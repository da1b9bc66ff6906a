// ScriptedClient: a Kafka client process that does exactly what a test or a lesson tells it,
// one request at a time, and records what it saw: produce a batch of values with some acks, or
// fetch a partition as a consumer. It finds leaders as Kafka clients do (a Metadata request to a
// bootstrap broker, again every retry.backoff.ms while a partition has no leader, refreshed
// after NOT_LEADER_OR_FOLLOWER or a broken connection), never
// retries a produce (so every outcome shows), and gives up on a request after
// request.timeout.ms (the outcome is then indeterminate). Issue 5's producer and consumer
// (batching, retries, idempotence, groups) build on core/client; this client is the probe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/protocol/errors.h"
#include "core/storage/record_batch.h"
#include "core/storage/topic_partition.h"
#include "sim/cluster/request_channel.h"
#include "sim/process/process.h"
#include "sim/process/process_context.h"

namespace ksim::sim::cluster {

struct ProduceOutcome {
  std::uint64_t id = 0;
  storage::TopicPartition topic_partition;
  std::vector<std::string> values;  // only the first when the client keeps no values
  std::size_t record_count = 0;
  std::int16_t acks = -1;
  SimTime sent_at;
  std::int32_t leader = -1;  // where it was sent
  // Answered: the error (NONE on success) and the first offset. acks=0: sent, never answered.
  bool answered = false;
  bool timed_out = false;       // no answer within request.timeout.ms: indeterminate
  bool disconnected = false;    // the connection broke first: indeterminate
  bool no_leader = false;       // never sent: no leader known
  protocol::Error error = protocol::Error::NONE;
  std::int64_t base_offset = -1;
  SimTime answered_at;
  bool acknowledged() const { return answered && error == protocol::Error::NONE; }
};

struct FetchOutcome {
  std::uint64_t id = 0;
  storage::TopicPartition topic_partition;
  std::int64_t fetch_offset = 0;
  bool answered = false;
  protocol::Error error = protocol::Error::NONE;
  std::int64_t high_watermark = -1;
  std::vector<std::pair<std::int64_t, std::string>> records;  // (offset, value)
};

// What the client saw; owned outside the process so it survives the client's crashes.
struct ClientLedger {
  std::vector<ProduceOutcome> produces;
  std::vector<FetchOutcome> fetches;
};

struct ScriptedClientOptions {
  std::vector<std::int32_t> bootstrap_brokers;  // bootstrap.servers, tried in order
  SimDuration request_timeout = SimDuration::from_ms(30000);  // request.timeout.ms
  SimDuration retry_backoff = SimDuration::from_ms(100);      // retry.backoff.ms (metadata)
  bool allow_auto_topic_creation = true;                      // allow.auto.create.topics
  // Keep each produced value in the ledger (benchmarks turn it off to measure the cluster).
  bool keep_values = true;
};

class ScriptedClient final : public Process {
 public:
  ScriptedClient(ScriptedClientOptions options, ClientLedger& ledger);
  void start(ProcessContext& context) override;

  // Each returns the outcome's id (its index in the ledger).
  std::uint64_t produce(const storage::TopicPartition& tp, std::vector<std::string> values,
                        std::int16_t acks, std::int32_t timeout_ms = 30000);
  // Several partitions at once, as a producer's sender does: one request per leader broker
  // covering its partitions. Returns the outcomes' ids, in the order given.
  std::vector<std::uint64_t> produce_to_leaders(
      std::vector<std::pair<storage::TopicPartition, std::vector<std::string>>> batches,
      std::int16_t acks, std::int32_t timeout_ms = 30000);
  // A consumer fetch (read_uncommitted: below the HW) from the leader, from `offset`.
  std::uint64_t fetch(const storage::TopicPartition& tp, std::int64_t offset);
  // Forgets what it knows of leaders (the next request asks for metadata first).
  void invalidate_metadata() { leaders_.clear(); }

 private:
  void with_leader(const storage::TopicPartition& tp, std::function<void(std::int32_t)> then);
  void send_metadata(std::size_t bootstrap_index, std::set<std::string> topics,
                     std::function<void()> then);
  void send_produce(std::vector<std::uint64_t> ids, std::int32_t timeout_ms);
  void send_produce_to(std::int32_t leader, std::vector<std::uint64_t> ids,
                       std::int32_t timeout_ms);
  storage::Bytes batch_of(const std::vector<std::string>& values);
  void send_fetch(std::uint64_t id);
  RequestChannel& channel_to(std::int32_t broker);

  ScriptedClientOptions options_;
  ClientLedger* ledger_;
  ProcessContext* context_ = nullptr;
  std::map<storage::TopicPartition, std::int32_t> leaders_;
  ChannelDirectory channel_of_connection_;  // declared first: channels unregister at their end
  std::map<std::int32_t, std::unique_ptr<RequestChannel>> channels_;
  // batch_of's records, reused from batch to batch: their value buffers keep their capacity.
  std::vector<storage::Record> batch_records_;
};

}  // namespace ksim::sim::cluster
