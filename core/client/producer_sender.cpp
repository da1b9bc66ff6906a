// KafkaProducer's sender (Kafka's Sender): turning ready batches into ProduceRequests, and every
// way a batch ends: acknowledged, retried after a retriable error (same sequence), failed, or
// indeterminate when an attempt may have been appended. Request timeouts and disconnects fail
// the requests in flight; delivery.timeout.ms bounds a batch's whole life.
#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "core/client/kafka_producer.h"

namespace ksim::client {

namespace {

// InvalidMetadataException: the producer's idea of the leader is wrong; refresh it.
bool is_invalid_metadata(protocol::Error error) {
  switch (error) {
    case protocol::Error::NOT_LEADER_OR_FOLLOWER:
    case protocol::Error::UNKNOWN_TOPIC_OR_PARTITION:
    case protocol::Error::LEADER_NOT_AVAILABLE:
    case protocol::Error::FENCED_LEADER_EPOCH:
    case protocol::Error::UNKNOWN_LEADER_EPOCH:
    case protocol::Error::KAFKA_STORAGE_ERROR:
    case protocol::Error::NETWORK_EXCEPTION:
      return true;
    default:
      return false;
  }
}

// Whether an attempt answered (or not answered) this way may have been appended by the leader.
// acks=all: the leader appends first and then waits for the ISR, so a timeout, too few replicas
// after the append, or losing leadership while waiting all leave the records in its log.
bool may_have_been_appended(protocol::Error error, std::int16_t acks) {
  switch (error) {
    case protocol::Error::REQUEST_TIMED_OUT:
    case protocol::Error::NETWORK_EXCEPTION:
    case protocol::Error::NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case protocol::Error::KAFKA_STORAGE_ERROR:
      return true;
    case protocol::Error::NOT_LEADER_OR_FOLLOWER:
      return acks == -1;
    default:
      return false;
  }
}

IndeterminateReason reason_for(protocol::Error error) {
  switch (error) {
    case protocol::Error::REQUEST_TIMED_OUT:
      return IndeterminateReason::request_timed_out;
    case protocol::Error::NETWORK_EXCEPTION:
      return IndeterminateReason::disconnected;
    default:
      return IndeterminateReason::error_after_possible_append;
  }
}

}  // namespace

void KafkaProducer::send_produce_requests(std::int64_t now_ms, std::vector<OutboundRequest>& out) {
  IdempotenceState* idempotence = idempotence_.has_value() ? &*idempotence_ : nullptr;
  const auto ready = accumulator_.ready(
      metadata_, now_ms, [this](std::int32_t node) { return node_can_send(node); }, idempotence);
  for (const std::int32_t node : ready.ready_nodes) {
    if (!node_can_send(node)) continue;
    const std::vector<ProducerBatch*> batches =
        accumulator_.drain(metadata_, node, idempotence, now_ms);
    if (batches.empty()) continue;
    const std::int32_t correlation_id = next_correlation_id();
    protocol::ProduceRequest request;
    request.acks = config_.acks;
    request.timeout_ms = config_.request_timeout_ms;
    std::vector<std::uint64_t> ids;
    for (ProducerBatch* batch : batches) {
      batch->attempts += 1;
      batch->in_flight = true;
      batch->in_flight_correlation_id = correlation_id;
      batch->sent_producer_id = batch->producer_id;
      batch->sent_producer_epoch = batch->producer_epoch;
      batch->sent_base_sequence = batch->base_sequence;
      request.partitions.push_back({batch->topic_partition, batch->encode()});
      ids.push_back(batch->id);
      if (config_.max_in_flight_requests_per_connection == 1) {
        accumulator_.mute_partition(batch->topic_partition);  // guarantee order
      }
    }
    if (config_.acks == 0) {
      // Nobody answers: every record is sent, fate unknown, the moment the request leaves.
      out.push_back({node, correlation_id, std::move(request), false});
      for (ProducerBatch* batch : batches) {
        batch->in_flight = false;
        for (std::size_t i = 0; i < batch->records.size(); ++i) {
          emit(outcome_for(*batch, i, SendOutcomeKind::sent_unknown, now_ms));
        }
        finish_batch(*batch);
      }
      continue;
    }
    in_flight_.add({correlation_id, node, RequestKind::produce, now_ms,
                    now_ms + config_.request_timeout_ms, ids});
    out.push_back({node, correlation_id, std::move(request), true});
  }
}

void KafkaProducer::handle_produce_response(const InFlightRequest& request,
                                            const protocol::ProduceResponse& response,
                                            std::int64_t now_ms) {
  for (const std::uint64_t id : request.batch_ids) {
    ProducerBatch* batch = accumulator_.find(id);
    // Gone (delivery timeout) or since re-sent under another request: not this answer's.
    if (batch == nullptr || !batch->in_flight ||
        batch->in_flight_correlation_id != request.correlation_id) {
      continue;
    }
    const auto answer =
        std::find_if(response.partitions.begin(), response.partitions.end(),
                     [&](const auto& p) { return p.topic_partition == batch->topic_partition; });
    BatchAnswer result;
    result.error = answer->error_code;
    result.base_offset = answer->base_offset;
    result.log_append_time_ms = answer->log_append_time_ms;
    result.log_start_offset = answer->log_start_offset;
    result.message = answer->error_message;
    complete_batch(*batch, result, now_ms);
  }
}

void KafkaProducer::handle_init_producer_id_response(
    const protocol::InitProducerIdResponse& response, std::int64_t now_ms) {
  if (!idempotence_.has_value()) return;
  if (response.error_code == protocol::Error::NONE) {
    idempotence_->set_producer_id_and_epoch({response.producer_id, response.producer_epoch});
    return;
  }
  if (protocol::is_retriable(response.error_code)) {
    last_init_producer_id_attempt_ms_ = now_ms;  // again after retry.backoff.ms
    return;
  }
  enter_fatal_error(
      response.error_code,
      fmt::format("InitProducerId failed with {}", protocol::error_name(response.error_code)),
      now_ms);
}

void KafkaProducer::fail_request(const InFlightRequest& request, protocol::Error error,
                                 std::int64_t now_ms) {
  switch (request.kind) {
    case RequestKind::produce: {
      BatchAnswer answer;
      answer.error = error;
      answer.message =
          error == protocol::Error::REQUEST_TIMED_OUT
              ? fmt::format("Disconnected from node {} due to timeout", request.destination)
              : fmt::format("Disconnected from node {}", request.destination);
      for (const std::uint64_t id : request.batch_ids) {
        ProducerBatch* batch = accumulator_.find(id);
        if (batch == nullptr || !batch->in_flight ||
            batch->in_flight_correlation_id != request.correlation_id) {
          continue;
        }
        complete_batch(*batch, answer, now_ms);
      }
      break;
    }
    case RequestKind::metadata:
      metadata_.on_request_failed(now_ms);
      break;
    case RequestKind::init_producer_id:
      last_init_producer_id_attempt_ms_ = now_ms;
      break;
  }
}

void KafkaProducer::handle_timed_out_requests(std::int64_t now_ms) {
  // NetworkClient.handleTimedOutRequests: a request past request.timeout.ms closes its
  // connection, so everything else in flight on it fails too.
  for (const std::int32_t node : in_flight_.nodes_with_timed_out_requests(now_ms)) {
    last_disconnect_ms_[node] = now_ms;
    for (const auto& request : in_flight_.take_all_to(node)) {
      fail_request(request,
                   now_ms >= request.deadline_ms ? protocol::Error::REQUEST_TIMED_OUT
                                                 : protocol::Error::NETWORK_EXCEPTION,
                   now_ms);
    }
    metadata_.request_update();
  }
}

void KafkaProducer::expire_batches(std::int64_t now_ms) {
  const std::int64_t delivery_timeout_ms = accumulator_.delivery_timeout_ms();
  const auto message = [&](const ProducerBatch& batch) {
    return fmt::format("Expiring {} record(s) for {}:{} ms has passed since batch creation",
                       batch.record_count(), batch.topic_partition.to_string(),
                       now_ms - batch.created_ms);
  };
  const auto expire = [&](ProducerBatch& batch) {
    if (idempotence_.has_value()) {
      idempotence_->handle_failed_batch(batch, protocol::Error::REQUEST_TIMED_OUT, false);
      // Its sequence may or may not be in the log: hold the partition until that is resolved.
      if (batch.attempts > 0) idempotence_->mark_sequence_unresolved(batch);
    }
    fail_batch(batch, std::string(protocol::error_name(protocol::Error::REQUEST_TIMED_OUT)),
               message(batch), IndeterminateReason::delivery_timeout_after_send, now_ms);
  };
  // In flight (Sender.getExpiredInflightBatches): its request's answer will be ignored.
  std::vector<std::uint64_t> in_flight_expired;
  // Batch ids grow with creation time: stop at the first batch not expired.
  for (const auto& [id, batch] : accumulator_.incomplete()) {
    if (!batch.has_reached_delivery_timeout(delivery_timeout_ms, now_ms)) break;
    if (batch.in_flight) in_flight_expired.push_back(id);
  }
  for (const std::uint64_t id : in_flight_expired) {
    ProducerBatch& batch = *accumulator_.find(id);
    batch.possibly_appended = true;
    expire(batch);
  }
  for (ProducerBatch* batch : accumulator_.expired_batches(now_ms)) expire(*batch);
}

bool KafkaProducer::can_retry(const ProducerBatch& batch, const BatchAnswer& answer,
                              std::int64_t now_ms) {
  if (batch.has_reached_delivery_timeout(accumulator_.delivery_timeout_ms(), now_ms)) return false;
  if (batch.retries >= config_.retries) return false;
  if (idempotence_.has_value()) {
    return idempotence_->can_retry(answer.error, answer.log_start_offset, batch);
  }
  return protocol::is_retriable(answer.error);
}

void KafkaProducer::complete_batch(ProducerBatch& batch, const BatchAnswer& answer,
                                   std::int64_t now_ms) {
  batch.in_flight = false;
  batch.in_flight_correlation_id = -1;
  if (config_.max_in_flight_requests_per_connection == 1) {
    accumulator_.unmute_partition(batch.topic_partition);
  }
  // Kafka treats DUPLICATE_SEQUENCE_NUMBER as success: the broker already has these records.
  if (answer.error == protocol::Error::NONE ||
      answer.error == protocol::Error::DUPLICATE_SEQUENCE_NUMBER) {
    acknowledge_batch(batch, answer, now_ms);
    return;
  }
  if (may_have_been_appended(answer.error, config_.acks)) batch.possibly_appended = true;
  if (is_invalid_metadata(answer.error)) metadata_.request_update();
  if (can_retry(batch, answer, now_ms)) {
    accumulator_.reenqueue(batch, now_ms);
    return;
  }
  if (idempotence_.has_value()) {
    // Retries left means the broker surely lacks this sequence: rewrite the later ones.
    idempotence_->handle_failed_batch(batch, answer.error, batch.retries < config_.retries);
  }
  std::string message = answer.message.empty() ? fmt::format("The broker answered {} for {}",
                                                             protocol::error_name(answer.error),
                                                             batch.topic_partition.to_string())
                                               : answer.message;
  fail_batch(batch, std::string(protocol::error_name(answer.error)), message,
             reason_for(answer.error), now_ms);
}

SendOutcome KafkaProducer::outcome_for(const ProducerBatch& batch, std::size_t index,
                                       SendOutcomeKind kind, std::int64_t now_ms) const {
  const PendingRecord& record = batch.records[index];
  SendOutcome outcome;
  outcome.send_id = record.send_id;
  outcome.kind = kind;
  outcome.topic_partition = batch.topic_partition;
  outcome.timestamp_ms = record.send_time_ms;
  outcome.send_time_ms = record.send_time_ms;
  outcome.completion_time_ms = now_ms;
  outcome.attempts = batch.attempts;
  outcome.producer_id = batch.sent_producer_id;
  outcome.producer_epoch = batch.sent_producer_epoch;
  if (batch.sent_base_sequence != storage::kNoSequence) {
    outcome.sequence =
        increment_sequence(batch.sent_base_sequence, static_cast<std::int32_t>(index));
  }
  return outcome;
}

void KafkaProducer::acknowledge_batch(ProducerBatch& batch, const BatchAnswer& answer,
                                      std::int64_t now_ms) {
  if (idempotence_.has_value()) {
    const std::int64_t last_offset =
        answer.base_offset >= 0 ? answer.base_offset + batch.record_count() - 1 : -1;
    idempotence_->handle_completed_batch(batch, last_offset);
  }
  for (std::size_t i = 0; i < batch.records.size(); ++i) {
    SendOutcome outcome = outcome_for(batch, i, SendOutcomeKind::acknowledged, now_ms);
    outcome.offset =
        answer.base_offset >= 0 ? answer.base_offset + static_cast<std::int64_t>(i) : -1;
    outcome.log_append_time_ms = answer.log_append_time_ms;
    if (answer.log_append_time_ms >= 0) outcome.timestamp_ms = answer.log_append_time_ms;
    emit(std::move(outcome));
  }
  finish_batch(batch);
}

void KafkaProducer::fail_batch(ProducerBatch& batch, const std::string& error,
                               const std::string& message, IndeterminateReason reason_if_unknown,
                               std::int64_t now_ms) {
  const SendOutcomeKind kind =
      batch.possibly_appended ? SendOutcomeKind::indeterminate : SendOutcomeKind::failed;
  for (std::size_t i = 0; i < batch.records.size(); ++i) {
    SendOutcome outcome = outcome_for(batch, i, kind, now_ms);
    outcome.error = error;
    outcome.message = message;
    if (kind == SendOutcomeKind::indeterminate) outcome.reason = reason_if_unknown;
    emit(std::move(outcome));
  }
  finish_batch(batch);
}

void KafkaProducer::finish_batch(ProducerBatch& batch) {
  if (idempotence_.has_value()) idempotence_->remove_in_flight_batch(batch);
  accumulator_.unmute_partition(batch.topic_partition);
  accumulator_.deallocate(batch.id);
}

void KafkaProducer::enter_fatal_error(protocol::Error error, const std::string& message,
                                      std::int64_t now_ms) {
  fatal_error_ = error;
  fatal_message_ = message;
  const std::string name(protocol::error_name(error));
  for (auto& [topic, queue] : pending_) {
    for (const auto& pending : queue) emit_for_pending(pending, name, message, now_ms);
  }
  pending_.clear();
  in_flight_.take_all();
  std::vector<std::uint64_t> ids;
  for (const auto& [id, batch] : accumulator_.incomplete()) ids.push_back(id);
  for (const std::uint64_t id : ids) {
    ProducerBatch& batch = *accumulator_.find(id);
    if (batch.in_flight) batch.possibly_appended = true;
    accumulator_.remove_from_queue(batch);
    fail_batch(batch, name, message, IndeterminateReason::error_after_possible_append, now_ms);
  }
}

void KafkaProducer::emit(SendOutcome outcome) {
  if (incomplete_sends_.erase(outcome.send_id) != 1) {
    throw std::logic_error(fmt::format("KafkaProducer: send {} completed twice", outcome.send_id));
  }
  outcomes_.push_back(std::move(outcome));
}

void KafkaProducer::emit_for_pending(const PendingSend& pending, const std::string& error,
                                     const std::string& message, std::int64_t now_ms) {
  SendOutcome outcome;
  outcome.send_id = pending.send_id;
  outcome.kind = SendOutcomeKind::failed;
  if (pending.record.partition.has_value()) {
    outcome.topic_partition =
        storage::TopicPartition{pending.record.topic, *pending.record.partition};
  }
  outcome.error = error;
  outcome.message = message;
  outcome.send_time_ms = pending.send_time_ms;
  outcome.timestamp_ms = pending.send_time_ms;
  outcome.completion_time_ms = now_ms;
  emit(std::move(outcome));
}

}  // namespace ksim::client
