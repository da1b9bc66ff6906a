// KafkaProducer: sends, polling, metadata and wakeups. The sender's answers (produce responses,
// retries, timeouts, outcomes) are in producer_sender.cpp.
#include "core/client/kafka_producer.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace ksim::client {

std::string_view send_outcome_kind_name(SendOutcomeKind kind) {
  switch (kind) {
    case SendOutcomeKind::acknowledged:
      return "acknowledged";
    case SendOutcomeKind::failed:
      return "failed";
    case SendOutcomeKind::indeterminate:
      return "indeterminate";
    case SendOutcomeKind::sent_unknown:
      return "sent_unknown";
  }
  return "unknown";
}

std::string_view indeterminate_reason_name(IndeterminateReason reason) {
  switch (reason) {
    case IndeterminateReason::none:
      return "none";
    case IndeterminateReason::request_timed_out:
      return "request_timed_out";
    case IndeterminateReason::disconnected:
      return "disconnected";
    case IndeterminateReason::delivery_timeout_after_send:
      return "delivery_timeout_after_send";
    case IndeterminateReason::error_after_possible_append:
      return "error_after_possible_append";
    case IndeterminateReason::producer_closed:
      return "producer_closed";
  }
  return "unknown";
}

namespace {

ProducerConfig validated(ProducerConfig config) {
  config.validate();
  return config;
}

}  // namespace

KafkaProducer::KafkaProducer(ProducerConfig config, RandomSource random)
    : config_(validated(std::move(config))),
      metadata_(config_.retry_backoff_ms, config_.metadata_max_age_ms),
      accumulator_(config_),
      partitioner_(config_.batch_size, std::move(random)),
      in_flight_(config_.max_in_flight_requests_per_connection) {
  if (config_.idempotence_enabled()) idempotence_.emplace();
}

void KafkaProducer::set_known_brokers(std::vector<std::int32_t> broker_ids) {
  metadata_.set_bootstrap_brokers(std::move(broker_ids));
}

ProducerIdAndEpoch KafkaProducer::producer_id_and_epoch() const {
  return idempotence_.has_value() ? idempotence_->producer_id_and_epoch() : ProducerIdAndEpoch{};
}

std::uint64_t KafkaProducer::send(ProducerRecord record, std::int64_t now_ms) {
  if (closed_) {
    throw std::logic_error("Cannot perform operation after producer has been closed");
  }
  if (record.topic.empty()) throw std::invalid_argument("send: a record needs a topic");
  if (record.partition.has_value() && *record.partition < 0) {
    throw std::invalid_argument(
        fmt::format("send: invalid partition {} for topic {}", *record.partition, record.topic));
  }
  last_now_ms_ = std::max(last_now_ms_, now_ms);
  const std::uint64_t send_id = next_send_id_++;
  incomplete_sends_.insert(send_id);
  PendingSend pending{send_id, now_ms, std::move(record)};

  if (fatal_error_.has_value()) {
    emit_for_pending(pending, std::string(protocol::error_name(*fatal_error_)), fatal_message_,
                     now_ms);
    return send_id;
  }
  // KafkaProducer.ensureValidRecordSize.
  PendingRecord probe{send_id, now_ms, pending.record.key, pending.record.value,
                      pending.record.headers};
  const std::size_t size = storage::kBatchHeaderSize + record_size_in_bytes(0, 0, probe);
  if (size > static_cast<std::size_t>(config_.max_request_size)) {
    emit_for_pending(pending, "MESSAGE_TOO_LARGE",
                     fmt::format("The message is {} bytes when serialized which is larger than "
                                 "{}, which is the value of the max.request.size configuration.",
                                 size, config_.max_request_size),
                     now_ms);
    return send_id;
  }
  const std::string topic = pending.record.topic;
  metadata_.add_topic(topic);
  pending_[topic].push_back(std::move(pending));
  partition_pending(topic, now_ms);
  note_unknown_leaders();
  return send_id;
}

void KafkaProducer::partition_pending(const std::string& topic, std::int64_t now_ms) {
  const auto it = pending_.find(topic);
  if (it == pending_.end()) return;
  auto& queue = it->second;
  while (!queue.empty()) {
    const auto count = metadata_.partition_count(topic);
    PendingSend& pending = queue.front();
    const auto& record = pending.record;
    if (!count.has_value() || (record.partition.has_value() && *record.partition >= *count)) {
      metadata_.request_update();  // KafkaProducer.waitOnMetadata
      break;
    }
    std::int32_t partition = 0;
    bool sticky = false;
    if (record.partition.has_value()) {
      partition = *record.partition;
    } else if (record.key.has_value()) {
      partition = partition_for_key(*record.key, *count);
    } else {
      partition =
          partitioner_.sticky_partition(topic, *count, metadata_.available_partitions(topic));
      sticky = true;
    }
    PendingRecord queued{pending.send_id, pending.send_time_ms, record.key, record.value,
                         record.headers};
    const auto appended =
        accumulator_.append(storage::TopicPartition{topic, partition}, std::move(queued), now_ms);
    if (sticky)
      partitioner_.update_partition_info(topic, partition,
                                         static_cast<std::int64_t>(appended.appended_bytes));
    queue.pop_front();
  }
  if (queue.empty()) pending_.erase(it);
}

void KafkaProducer::expire_pending_sends(std::int64_t now_ms) {
  for (auto it = pending_.begin(); it != pending_.end();) {
    auto& queue = it->second;
    while (!queue.empty() && now_ms >= queue.front().send_time_ms + config_.max_block_ms) {
      const PendingSend& pending = queue.front();
      const auto count = metadata_.partition_count(pending.record.topic);
      std::string message =
          count.has_value() && pending.record.partition.has_value()
              ? fmt::format(
                    "Partition {} of topic {} with partition count {} is not present in "
                    "metadata after {} ms.",
                    *pending.record.partition, pending.record.topic, *count, config_.max_block_ms)
              : fmt::format("Topic {} not present in metadata after {} ms.", pending.record.topic,
                            config_.max_block_ms);
      emit_for_pending(pending, "REQUEST_TIMED_OUT", message, now_ms);
      queue.pop_front();
    }
    it = queue.empty() ? pending_.erase(it) : std::next(it);
  }
}

void KafkaProducer::note_unknown_leaders() {
  if (!accumulator_.topics_with_unknown_leaders(metadata_).empty()) metadata_.request_update();
  for (const auto& [topic, queue] : pending_) {
    if (!queue.empty()) metadata_.request_update();
  }
}

bool KafkaProducer::node_can_send(std::int32_t node) const {
  return in_flight_.can_send_more(node);
}

std::optional<std::int32_t> KafkaProducer::least_loaded_node(std::int64_t now_ms) const {
  std::vector<std::int32_t> nodes = metadata_.known_brokers();
  if (nodes.empty()) nodes.push_back(kAnyBootstrapBroker);
  std::optional<std::int32_t> best;
  std::size_t best_load = 0;
  bool best_backing_off = true;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    // Start at a rotating position so that ties (and a dead broker) do not always win.
    const std::int32_t node = nodes[(least_loaded_cursor_ + i) % nodes.size()];
    if (!in_flight_.can_send_more(node)) continue;
    const auto disconnected = last_disconnect_ms_.find(node);
    const bool backing_off = disconnected != last_disconnect_ms_.end() &&
                             now_ms < disconnected->second + config_.retry_backoff_ms;
    const std::size_t load = in_flight_.count(node);
    if (!best.has_value() || (best_backing_off && !backing_off) ||
        (backing_off == best_backing_off && load < best_load)) {
      best = node;
      best_load = load;
      best_backing_off = backing_off;
    }
  }
  return best;
}

void KafkaProducer::maintain_idempotence() {
  if (!idempotence_.has_value()) return;
  idempotence_->maybe_resolve_sequences();
  idempotence_->bump_idempotent_epoch_and_reset_id_if_needed();
}

std::vector<OutboundRequest> KafkaProducer::poll(std::int64_t now_ms) {
  last_now_ms_ = std::max(last_now_ms_, now_ms);
  std::vector<OutboundRequest> out;
  handle_timed_out_requests(now_ms);
  expire_batches(now_ms);
  expire_pending_sends(now_ms);
  maintain_idempotence();
  std::vector<std::string> topics;
  for (const auto& [topic, queue] : pending_) topics.push_back(topic);
  for (const auto& topic : topics) partition_pending(topic, now_ms);
  note_unknown_leaders();

  if (!fatal_error_.has_value()) {
    // Metadata first: a produce waiting for a leader needs it.
    const auto due = metadata_.next_update_ms();
    if (due.has_value() && *due <= now_ms) {
      if (const auto node = least_loaded_node(now_ms)) {
        const std::int32_t correlation_id = next_correlation_id();
        in_flight_.add({correlation_id,
                        *node,
                        RequestKind::metadata,
                        now_ms,
                        now_ms + config_.request_timeout_ms,
                        {}});
        metadata_.on_request_sent(now_ms);
        out.push_back({*node, correlation_id, metadata_.build_request(), true});
        ++least_loaded_cursor_;
      }
    }
    // The idempotent producer's id before its first produce.
    if (idempotence_.has_value() && !idempotence_->has_producer_id() &&
        !in_flight_.has_kind(RequestKind::init_producer_id) &&
        (last_init_producer_id_attempt_ms_ < 0 ||
         now_ms >= last_init_producer_id_attempt_ms_ + config_.retry_backoff_ms)) {
      if (const auto node = least_loaded_node(now_ms)) {
        const std::int32_t correlation_id = next_correlation_id();
        in_flight_.add({correlation_id,
                        *node,
                        RequestKind::init_producer_id,
                        now_ms,
                        now_ms + config_.request_timeout_ms,
                        {}});
        last_init_producer_id_attempt_ms_ = now_ms;
        out.push_back({*node, correlation_id, protocol::InitProducerIdRequest{}, true});
        ++least_loaded_cursor_;
      }
    }
    send_produce_requests(now_ms, out);
  }
  update_flush_state();
  return out;
}

void KafkaProducer::handle_response(std::int32_t correlation_id, const ResponseBody& response,
                                    std::int64_t now_ms) {
  last_now_ms_ = std::max(last_now_ms_, now_ms);
  const auto found = in_flight_.all().find(correlation_id);
  if (found == in_flight_.all().end()) return;  // already failed by a timeout or disconnect
  const InFlightRequest& sent = found->second;
  const bool matches = (sent.kind == RequestKind::produce &&
                        std::holds_alternative<protocol::ProduceResponse>(response)) ||
                       (sent.kind == RequestKind::metadata &&
                        std::holds_alternative<protocol::MetadataResponse>(response)) ||
                       (sent.kind == RequestKind::init_producer_id &&
                        std::holds_alternative<protocol::InitProducerIdResponse>(response));
  if (!matches) {
    throw std::invalid_argument(
        fmt::format("handle_response: the answer to correlation id {} is not of the request's kind",
                    correlation_id));
  }
  if (sent.kind == RequestKind::produce) {
    // Check before changing anything: every live batch of the request needs its answer.
    const auto& produce = std::get<protocol::ProduceResponse>(response);
    for (const std::uint64_t id : sent.batch_ids) {
      const ProducerBatch* batch = accumulator_.find(id);
      if (batch == nullptr) continue;
      const bool answered =
          std::any_of(produce.partitions.begin(), produce.partitions.end(),
                      [&](const auto& p) { return p.topic_partition == batch->topic_partition; });
      if (!answered) {
        throw std::invalid_argument(
            fmt::format("handle_response: ProduceResponse {} has no answer for partition {}",
                        correlation_id, batch->topic_partition.to_string()));
      }
    }
  }
  const InFlightRequest request = *in_flight_.take(correlation_id);
  switch (request.kind) {
    case RequestKind::produce:
      handle_produce_response(request, std::get<protocol::ProduceResponse>(response), now_ms);
      break;
    case RequestKind::metadata: {
      metadata_.on_response(std::get<protocol::MetadataResponse>(response), now_ms);
      std::vector<std::string> topics;
      for (const auto& [topic, queue] : pending_) topics.push_back(topic);
      for (const auto& topic : topics) partition_pending(topic, now_ms);
      break;
    }
    case RequestKind::init_producer_id:
      handle_init_producer_id_response(std::get<protocol::InitProducerIdResponse>(response),
                                       now_ms);
      break;
  }
  maintain_idempotence();
  note_unknown_leaders();
  update_flush_state();
}

void KafkaProducer::handle_disconnect(std::int32_t broker_id, std::int64_t now_ms) {
  last_now_ms_ = std::max(last_now_ms_, now_ms);
  last_disconnect_ms_[broker_id] = now_ms;
  for (const auto& request : in_flight_.take_all_to(broker_id)) {
    fail_request(request, protocol::Error::NETWORK_EXCEPTION, now_ms);
  }
  metadata_.request_update();
  maintain_idempotence();
  note_unknown_leaders();
  update_flush_state();
}

std::optional<std::int64_t> KafkaProducer::next_wakeup_ms() const {
  if (fatal_error_.has_value()) return std::nullopt;
  std::optional<std::int64_t> wakeup;
  const auto consider = [&](std::optional<std::int64_t> at) {
    if (at.has_value() && (!wakeup.has_value() || *at < *wakeup)) wakeup = at;
  };
  consider(in_flight_.earliest_deadline_ms());
  const std::int64_t delivery_timeout_ms = accumulator_.delivery_timeout_ms();
  // Batch ids grow with creation time: the oldest incomplete batch expires first.
  if (!accumulator_.incomplete().empty()) {
    consider(accumulator_.incomplete().begin()->second.created_ms + delivery_timeout_ms);
  }
  for (const auto& [topic, queue] : pending_) {
    if (!queue.empty()) consider(queue.front().send_time_ms + config_.max_block_ms);
  }
  const bool node_available = least_loaded_node(last_now_ms_).has_value();
  if (node_available) {
    consider(metadata_.next_update_ms());
    if (idempotence_.has_value() && !idempotence_->has_producer_id() &&
        !in_flight_.has_kind(RequestKind::init_producer_id)) {
      consider(last_init_producer_id_attempt_ms_ < 0
                   ? last_now_ms_
                   : last_init_producer_id_attempt_ms_ + config_.retry_backoff_ms);
    }
  }
  const auto ready = accumulator_.ready(
      metadata_, last_now_ms_, [this](std::int32_t node) { return node_can_send(node); },
      idempotence_.has_value() ? &*idempotence_ : nullptr);
  if (!ready.ready_nodes.empty()) consider(last_now_ms_);
  consider(ready.next_ready_check_ms);
  if (wakeup.has_value()) wakeup = std::max(*wakeup, last_now_ms_);
  return wakeup;
}

std::vector<SendOutcome> KafkaProducer::take_outcomes() {
  std::vector<SendOutcome> taken;
  taken.swap(outcomes_);
  return taken;
}

void KafkaProducer::begin_flush() {
  if (next_send_id_ == 1) return;
  flush_until_send_id_ = next_send_id_ - 1;
  accumulator_.set_flushing(true);
  update_flush_state();
}

bool KafkaProducer::flush_in_progress() const { return flush_until_send_id_.has_value(); }

void KafkaProducer::update_flush_state() {
  if (!flush_until_send_id_.has_value()) return;
  if (incomplete_sends_.empty() || *incomplete_sends_.begin() > *flush_until_send_id_) {
    flush_until_send_id_.reset();
    accumulator_.set_flushing(false);
  }
}

void KafkaProducer::close() {
  closed_ = true;
  accumulator_.set_closing(true);
}

void KafkaProducer::force_close(std::int64_t now_ms) {
  last_now_ms_ = std::max(last_now_ms_, now_ms);
  closed_ = true;
  accumulator_.set_closing(true);
  const std::string error = "PRODUCER_CLOSED";
  const std::string message = "Producer is closed forcefully.";
  for (auto& [topic, queue] : pending_) {
    for (const auto& pending : queue) {
      emit_for_pending(pending, error, message, now_ms);
    }
  }
  pending_.clear();
  in_flight_.take_all();  // their answers, if any, are ignored
  std::vector<std::uint64_t> ids;
  for (const auto& [id, batch] : accumulator_.incomplete()) ids.push_back(id);
  for (const std::uint64_t id : ids) {
    ProducerBatch& batch = *accumulator_.find(id);
    if (batch.in_flight) batch.possibly_appended = true;
    accumulator_.remove_from_queue(batch);
    fail_batch(batch, error, message, IndeterminateReason::producer_closed, now_ms);
  }
  update_flush_state();
}

}  // namespace ksim::client
