// ConsumerProcess: a client node running Kafka's consumer (core/client's KafkaConsumer) against
// the simulated cluster, as an application does in a `while (running) consumer.poll(100 ms)`
// loop. It carries the consumer's requests over BrokerConnections (the group's requests on a
// connection of their own to the coordinator, as Kafka's consumer has), feeds it the answers,
// broken connections and its wakeups, and polls every poll interval, writing what each poll
// returned, every assignment and every finished commit into a ConsumerHistory that outlives the
// process. A killed consumer loses everything else (its group notices through the session
// timeout); a stopped one closes first (a last commit, LeaveGroup).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/client/kafka_consumer.h"
#include "sim/clients/broker_connections.h"
#include "sim/clients/client_history.h"
#include "sim/process/process.h"
#include "sim/process/process_context.h"

namespace ksim::sim::clients {

struct ConsumerProcessOptions {
  std::vector<std::int32_t> bootstrap_brokers;              // bootstrap.servers
  std::vector<std::pair<std::string, std::string>> config;  // Kafka's names
  SimDuration poll_interval = SimDuration::from_ms(100);     // the application's poll loop
};

class ConsumerProcess final : public Process {
 public:
  // Throws std::invalid_argument (Kafka's ConfigException text) for a bad configuration.
  ConsumerProcess(ConsumerProcessOptions options, ConsumerHistory& history,
                  ClientObserver* observer);
  ~ConsumerProcess() override;

  void start(ProcessContext& context) override;
  // SIGTERM: close() (a last auto-commit, LeaveGroup), then the process exits.
  bool begin_shutdown() override;

  // KafkaConsumer's API; the process polls by itself.
  void subscribe(const std::vector<std::string>& topics);
  void assign(const std::vector<storage::TopicPartition>& partitions);
  // Empty: every assigned partition (throws std::logic_error for one not assigned).
  void seek_to_beginning(const std::vector<storage::TopicPartition>& partitions = {});
  void seek_to_end(const std::vector<storage::TopicPartition>& partitions = {});
  // The next offset to read on an assigned partition (throws std::logic_error otherwise).
  void seek(const storage::TopicPartition& tp, std::int64_t offset);
  // commitSync without blocking: the outcome comes into commit_outcomes() and the history.
  std::uint64_t commit();
  // Stops polling; a last auto-commit and LeaveGroup; closed() once done.
  void close();
  bool closed() const { return consumer_ && consumer_->closed(); }

  const client::KafkaConsumer& consumer() const { return *consumer_; }
  const ConsumerHistory& history() const { return *history_; }
  const std::vector<client::OffsetCommitOutcome>& commit_outcomes() const { return commit_outcomes_; }
  // What poll would have thrown, in order.
  const std::vector<client::ConsumerError>& errors() const { return errors_; }

 private:
  struct Outstanding {
    std::int32_t broker = -1;
    bool any_broker = false;        // the consumer let the host choose the broker
    bool coordinator_connection = false;
  };

  void pump();
  void poll_now();
  void dispatch(client::ConsumerOutboundRequest request);
  void on_answer(std::int32_t correlation_id, const cluster::KafkaResponse* response);
  std::optional<std::int32_t> least_loaded_broker();
  void record_progress();
  void arm_wakeup(std::int64_t now);

  ConsumerProcessOptions options_;
  client::ConsumerConfig config_;
  ConsumerHistory* history_;
  ClientObserver* observer_;
  ProcessContext* context_ = nullptr;
  std::unique_ptr<client::KafkaConsumer> consumer_;
  std::unique_ptr<BrokerConnections> connections_;
  std::map<std::int32_t, Outstanding> outstanding_;    // correlation id -> where it went
  std::map<std::int32_t, std::int64_t> failed_at_ms_;  // broker -> when a request to it failed
  std::uint64_t next_any_broker_ = 0;
  std::vector<storage::TopicPartition> assignment_;
  std::vector<client::OffsetCommitOutcome> commit_outcomes_;
  std::vector<client::ConsumerError> errors_;
  std::optional<EventHandle> wakeup_;
  std::optional<std::int64_t> wakeup_at_ms_;
  std::optional<std::int64_t> last_tick_ms_;
  std::optional<EventHandle> poll_timer_;
  bool closing_ = false;
  bool exit_when_closed_ = false;
  bool pumping_ = false;
  bool pump_again_ = false;
};

}  // namespace ksim::sim::clients
