// ProducerProcess: a client node running Kafka's producer (core/client's KafkaProducer) against
// the simulated cluster. It carries the producer's requests over BrokerConnections, feeds it the
// answers, disconnects and its wakeups, and writes every send and its one outcome into a
// ProducerHistory that outlives the process. A killed producer loses what it had not sent; those
// records are marked lost_with_producer, never given an outcome.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/client/kafka_producer.h"
#include "sim/clients/broker_connections.h"
#include "sim/clients/client_history.h"
#include "sim/process/process.h"
#include "sim/process/process_context.h"

namespace ksim::sim::clients {

struct ProducerProcessOptions {
  std::vector<std::int32_t> bootstrap_brokers;                      // bootstrap.servers
  std::vector<std::pair<std::string, std::string>> config;          // Kafka's names
};

class ProducerProcess final : public Process {
 public:
  // Throws client::ConfigException when the configuration does not validate.
  ProducerProcess(ProducerProcessOptions options, ProducerHistory& history,
                  ClientObserver* observer);
  ~ProducerProcess() override;

  void start(ProcessContext& context) override;
  void shutdown() override;  // close(): what is queued is lost with the process

  // KafkaProducer.send: returns the record's index in the history.
  std::size_t send(std::string topic, std::optional<std::string> key,
                   std::optional<std::string> value,
                   std::optional<std::int32_t> partition = std::nullopt);
  // KafkaProducer.flush, without blocking: done when flushed() says so.
  void begin_flush();
  bool flushed() const;
  const client::KafkaProducer& producer() const { return *producer_; }
  const ProducerHistory& history() const { return *history_; }

 private:
  void pump();
  void dispatch(client::OutboundRequest request);
  void record_outcomes();

  ProducerProcessOptions options_;
  client::ProducerConfig config_;
  ProducerHistory* history_;
  ClientObserver* observer_;
  ProcessContext* context_ = nullptr;
  std::unique_ptr<client::KafkaProducer> producer_;
  std::unique_ptr<BrokerConnections> connections_;
  std::map<std::uint64_t, std::size_t> history_index_;  // send id -> history index
  std::optional<EventHandle> wakeup_;
  std::optional<std::int64_t> wakeup_at_ms_;
  bool pumping_ = false;
  bool pump_again_ = false;
};

}  // namespace ksim::sim::clients
