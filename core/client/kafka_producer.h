// KafkaProducer as a sans-IO state machine: the caller sends records, polls for the requests to
// put on the wire, hands back responses and disconnects, and collects one SendOutcome per send.
// Time comes in as now_ms; randomness (the sticky partitioner's) comes from the caller.
//
//   uint64 id = producer.send(record, now);           // queued; its outcome comes later
//   for (auto& request : producer.poll(now)) ...      // deliver request.body to destination
//   producer.handle_response(correlation_id, body, now);
//   producer.handle_disconnect(broker_id, now);
//   producer.next_wakeup_ms();                        // poll again then (or after any input)
//   producer.take_outcomes();                         // exactly one per send id, ever
//
// Inside: metadata (ProducerMetadata), the accumulator (RecordAccumulator), the sender's
// in-flight requests, retries and timeouts (this file and producer_sender.cpp), and idempotence
// (IdempotenceState).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/client/idempotence_state.h"
#include "core/client/in_flight_requests.h"
#include "core/client/murmur2_partitioner.h"
#include "core/client/producer_api.h"
#include "core/client/producer_config.h"
#include "core/client/producer_metadata.h"
#include "core/client/record_accumulator.h"

namespace ksim::client {

class KafkaProducer {
 public:
  // Throws ConfigException if `config` does not validate.
  KafkaProducer(ProducerConfig config, RandomSource random);

  // bootstrap.servers, by broker id: where Metadata and InitProducerId go before the producer
  // has learnt the cluster's brokers. Without any, such requests go to kAnyBootstrapBroker.
  void set_known_brokers(std::vector<std::int32_t> broker_ids);

  // Queues a record and returns its send id. The record waits for its topic's metadata (up to
  // max.block.ms), then joins a batch. Throws std::logic_error after close(), and
  // std::invalid_argument for an empty topic or a negative partition.
  std::uint64_t send(ProducerRecord record, std::int64_t now_ms);

  // Expires what timed out, then returns the requests to send now. Call it after every input
  // and whenever now reaches next_wakeup_ms().
  std::vector<OutboundRequest> poll(std::int64_t now_ms);

  // An answer to a request poll returned. An unknown correlation id (a request already failed
  // by a timeout or a disconnect) is ignored. Throws std::invalid_argument when the body does
  // not answer the request that was sent (wrong kind, a partition missing).
  void handle_response(std::int32_t correlation_id, const ResponseBody& response,
                       std::int64_t now_ms);

  // The connection to a broker dropped: every request in flight to it fails (NETWORK_EXCEPTION,
  // retriable; a produce's records may or may not have been written).
  void handle_disconnect(std::int32_t broker_id, std::int64_t now_ms);

  // When poll should run next without any new input (linger.ms, backoffs, request and delivery
  // timeouts, max.block.ms, metadata refresh); nullopt: only an input can change anything.
  std::optional<std::int64_t> next_wakeup_ms() const;

  // The outcomes completed since the last call, in completion order.
  std::vector<SendOutcome> take_outcomes();

  // KafkaProducer.flush without blocking: every batch is ready now regardless of linger.ms
  // until all sends made before this call have their outcome.
  void begin_flush();
  bool flush_in_progress() const;

  // Graceful close: no more sends; what is queued is sent (as when flushing) and completes.
  void close();
  // close(Duration.ZERO): every incomplete send completes now (failed if never written,
  // indeterminate if a request carrying it may have been).
  void force_close(std::int64_t now_ms);
  bool closed() const { return closed_; }

  // Sends without an outcome yet.
  std::size_t incomplete_send_count() const { return incomplete_sends_.size(); }
  const ProducerConfig& config() const { return config_; }
  bool idempotent() const { return idempotence_.has_value(); }
  // The producer id and epoch (invalid until InitProducerId answered, or when not idempotent).
  ProducerIdAndEpoch producer_id_and_epoch() const;
  const ProducerMetadata& metadata() const { return metadata_; }

 private:
  struct PendingSend {
    std::uint64_t send_id = 0;
    std::int64_t send_time_ms = 0;
    ProducerRecord record;
  };
  struct BatchAnswer {
    protocol::Error error = protocol::Error::NONE;
    std::int64_t base_offset = -1;
    std::int64_t log_append_time_ms = -1;
    std::int64_t log_start_offset = -1;
    std::string message;
  };

  // Sending (kafka_producer.cpp).
  void partition_pending(const std::string& topic, std::int64_t now_ms);
  void expire_pending_sends(std::int64_t now_ms);
  std::optional<std::int32_t> least_loaded_node(std::int64_t now_ms) const;
  bool node_can_send(std::int32_t node) const;
  std::int32_t next_correlation_id() { return next_correlation_id_++; }
  void maintain_idempotence();
  // Queued batches without a leader, or sends without metadata, ask for a Metadata update.
  void note_unknown_leaders();
  void update_flush_state();

  // The sender's answers (producer_sender.cpp).
  void send_produce_requests(std::int64_t now_ms, std::vector<OutboundRequest>& out);
  void handle_produce_response(const InFlightRequest& request,
                               const protocol::ProduceResponse& response, std::int64_t now_ms);
  void handle_init_producer_id_response(const protocol::InitProducerIdResponse& response,
                                        std::int64_t now_ms);
  void fail_request(const InFlightRequest& request, protocol::Error error, std::int64_t now_ms);
  void handle_timed_out_requests(std::int64_t now_ms);
  void expire_batches(std::int64_t now_ms);
  void complete_batch(ProducerBatch& batch, const BatchAnswer& answer, std::int64_t now_ms);
  bool can_retry(const ProducerBatch& batch, const BatchAnswer& answer, std::int64_t now_ms);
  void acknowledge_batch(ProducerBatch& batch, const BatchAnswer& answer, std::int64_t now_ms);
  // Gives up on a batch: failed, or indeterminate (for `reason_if_unknown`) if an attempt may
  // have been appended.
  void fail_batch(ProducerBatch& batch, const std::string& error, const std::string& message,
                  IndeterminateReason reason_if_unknown, std::int64_t now_ms);
  void finish_batch(ProducerBatch& batch);
  void enter_fatal_error(protocol::Error error, const std::string& message, std::int64_t now_ms);
  void emit(SendOutcome outcome);
  void emit_for_pending(const PendingSend& pending, const std::string& error,
                        const std::string& message, std::int64_t now_ms);
  SendOutcome outcome_for(const ProducerBatch& batch, std::size_t index, SendOutcomeKind kind,
                          std::int64_t now_ms) const;

  ProducerConfig config_;
  ProducerMetadata metadata_;
  RecordAccumulator accumulator_;
  BuiltInPartitioner partitioner_;
  InFlightRequests in_flight_;
  std::optional<IdempotenceState> idempotence_;

  std::map<std::string, std::deque<PendingSend>> pending_;  // waiting for metadata, per topic
  std::set<std::uint64_t> incomplete_sends_;
  std::vector<SendOutcome> outcomes_;
  std::map<std::int32_t, std::int64_t> last_disconnect_ms_;
  std::size_t least_loaded_cursor_ = 0;

  std::uint64_t next_send_id_ = 1;
  std::int32_t next_correlation_id_ = 1;
  std::int64_t last_now_ms_ = 0;
  std::int64_t last_init_producer_id_attempt_ms_ = -1;
  std::optional<std::uint64_t> flush_until_send_id_;
  std::optional<protocol::Error> fatal_error_;
  std::string fatal_message_;
  bool closed_ = false;
};

}  // namespace ksim::client
