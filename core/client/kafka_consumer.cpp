#include "core/client/kafka_consumer.h"

#include <algorithm>
#include <set>
#include <stdexcept>
#include <string>

namespace ksim::client {

std::string_view exception_name(ConsumerErrorKind kind) {
  switch (kind) {
    case ConsumerErrorKind::no_offset_for_partition:
      return "NoOffsetForPartitionException";
    case ConsumerErrorKind::offset_out_of_range:
      return "OffsetOutOfRangeException";
    case ConsumerErrorKind::corrupt_record:
      return "KafkaException";
    case ConsumerErrorKind::unexpected_fetch_error:
      return "IllegalStateException";
    case ConsumerErrorKind::commit_failed:
      return "CommitFailedException";
    case ConsumerErrorKind::group_error:
      return "KafkaException";
  }
  return "KafkaException";
}

KafkaConsumer::KafkaConsumer(ConsumerConfig config)
    : config_((config.validate(), std::move(config))),
      subscriptions_(config_.auto_offset_reset),
      metadata_(config_),
      client_(config_),
      fetcher_(config_, subscriptions_, metadata_, client_) {
  if (config_.group_id) {
    coordinator_ =
        std::make_unique<ConsumerCoordinator>(config_, subscriptions_, metadata_, client_);
  }
}

namespace {
constexpr const char* kNoGroupId =
    "To use the group management or offset commit APIs, you must provide a valid group.id in "
    "the consumer configuration.";
}

void KafkaConsumer::subscribe(const std::vector<std::string>& topics) {
  if (!coordinator_) throw std::logic_error(kNoGroupId);
  for (const auto& topic : topics) {
    if (topic.empty())
      throw std::invalid_argument(
          "Topic collection to subscribe to cannot contain null or empty topic");
  }
  if (subscriptions_.subscribe({topics.begin(), topics.end()})) {
    coordinator_->on_subscription_change();
  }
  update_metadata_topics();
}

std::uint64_t KafkaConsumer::commit(std::int64_t now_ms) {
  if (!coordinator_) throw std::logic_error(kNoGroupId);
  return coordinator_->commit(now_ms);
}

std::vector<OffsetCommitOutcome> KafkaConsumer::take_commit_outcomes() {
  return coordinator_ ? coordinator_->take_commit_outcomes() : std::vector<OffsetCommitOutcome>{};
}

std::optional<std::int64_t> KafkaConsumer::committed(const storage::TopicPartition& tp) const {
  return coordinator_ ? coordinator_->committed(tp) : std::nullopt;
}

void KafkaConsumer::close(std::int64_t now_ms) {
  if (closing_) return;
  closing_ = true;
  if (coordinator_) coordinator_->close(now_ms);
}

bool KafkaConsumer::closed() const { return closing_ && (!coordinator_ || coordinator_->closed()); }

KafkaConsumer::~KafkaConsumer() = default;

std::vector<storage::TopicPartition> KafkaConsumer::all_if_empty(
    const std::vector<storage::TopicPartition>& partitions) const {
  return partitions.empty() ? subscriptions_.assigned_partitions() : partitions;
}

void KafkaConsumer::assign(const std::vector<storage::TopicPartition>& partitions) {
  subscriptions_.assign_from_user({partitions.begin(), partitions.end()});
  if (coordinator_) coordinator_->on_user_assignment();
  fetcher_.clear_buffered_data_for_unassigned_partitions();
  update_metadata_topics();
}

void KafkaConsumer::unsubscribe() {
  subscriptions_.unsubscribe();
  if (coordinator_) coordinator_->on_unsubscribe();
  fetcher_.clear_buffered_data_for_unassigned_partitions();
  update_metadata_topics();
}

void KafkaConsumer::seek(const storage::TopicPartition& tp, std::int64_t offset) {
  if (offset < 0) throw std::invalid_argument("seek offset must not be a negative number");
  subscriptions_.seek(tp, FetchPosition{offset, std::nullopt, metadata_.current_leader(tp)});
}

void KafkaConsumer::seek_to_beginning(const std::vector<storage::TopicPartition>& partitions) {
  for (const auto& tp : all_if_empty(partitions)) {
    subscriptions_.request_offset_reset(tp, OffsetResetStrategy::earliest);
  }
}

void KafkaConsumer::seek_to_end(const std::vector<storage::TopicPartition>& partitions) {
  for (const auto& tp : all_if_empty(partitions)) {
    subscriptions_.request_offset_reset(tp, OffsetResetStrategy::latest);
  }
}

void KafkaConsumer::pause(const std::vector<storage::TopicPartition>& partitions) {
  for (const auto& tp : partitions) subscriptions_.pause(tp);
}

void KafkaConsumer::resume(const std::vector<storage::TopicPartition>& partitions) {
  for (const auto& tp : partitions) subscriptions_.resume(tp);
}

std::vector<storage::TopicPartition> KafkaConsumer::assignment() const {
  return subscriptions_.assigned_partitions();
}

std::optional<std::int64_t> KafkaConsumer::position(const storage::TopicPartition& tp) const {
  auto position = subscriptions_.position(tp);
  if (!position) return std::nullopt;
  return position->offset;
}

std::optional<std::int64_t> KafkaConsumer::high_watermark(const storage::TopicPartition& tp) const {
  const auto* state = subscriptions_.state(tp);
  return state == nullptr ? std::nullopt : state->high_watermark;
}

std::optional<std::int64_t> KafkaConsumer::lag(const storage::TopicPartition& tp) const {
  return subscriptions_.partition_lag(tp);
}

void KafkaConsumer::update_metadata_topics() {
  std::set<std::string> topics = subscriptions_.subscription();
  for (const auto& tp : subscriptions_.assigned_partitions()) topics.insert(tp.topic);
  if (coordinator_ && coordinator_->is_leader()) {
    const auto& group = coordinator_->group_subscription();
    topics.insert(group.begin(), group.end());
  }
  metadata_.set_topics(topics);
}

void KafkaConsumer::on_metadata_update() {
  // KIP-320 would validate positions with OffsetsForLeaderEpoch first; ksim takes the new
  // leader and epoch over directly.
  for (const auto& tp : subscriptions_.assigned_partitions()) {
    subscriptions_.update_current_leader(tp, metadata_.current_leader(tp));
  }
}

void KafkaConsumer::update_fetch_positions(std::int64_t now_ms) {
  // Committed offsets first (Kafka's initWithCommittedOffsetsIfNeeded); nothing is reset while
  // that lookup is in flight.
  if (coordinator_ && !coordinator_->refresh_committed_offsets_if_needed(now_ms)) return;
  // Kafka's resetInitializingPositions: partitions without any position take the default
  // policy; with none they stay without one and poll reports NoOffsetForPartitionException.
  if (subscriptions_.has_default_offset_reset_policy()) {
    for (const auto& tp : subscriptions_.initializing_partitions()) {
      subscriptions_.request_offset_reset(tp);
    }
  }
  fetcher_.reset_positions_if_needed(now_ms);
}

void KafkaConsumer::tick(std::int64_t now_ms) {
  for (const auto& [id, request] : client_.expire(now_ms)) {
    dispatch_failure(id, request.api, now_ms);
  }
  if (coordinator_) {
    coordinator_->poll(now_ms);
    fetcher_.clear_buffered_data_for_unassigned_partitions();
  }
  if (closing_) return;  // a closing consumer only finishes its group business
  update_metadata_topics();
  update_fetch_positions(now_ms);
  if (auto due = metadata_.next_update_time_ms(); due && *due <= now_ms) {
    metadata_.on_request_sent(now_ms);
    client_.send(any_broker, metadata_.build_request(), now_ms);
  }
  fetcher_.send_fetches(now_ms);
}

ConsumerPollResult KafkaConsumer::poll(std::int64_t now_ms) {
  if (closing_) throw std::logic_error("This consumer has already been closed.");
  if (coordinator_) coordinator_->on_application_poll(now_ms);
  tick(now_ms);
  ConsumerPollResult result;
  if (coordinator_) result.errors = coordinator_->take_errors();
  if (!subscriptions_.has_default_offset_reset_policy()) {
    const auto missing = subscriptions_.initializing_partitions();
    if (!missing.empty()) {
      std::string names;
      for (const auto& tp : missing) names += (names.empty() ? "" : ", ") + tp.to_string();
      result.errors.push_back(
          {ConsumerErrorKind::no_offset_for_partition,
           "Undefined offset with no reset policy for partitions: [" + names + "]", missing});
    }
  }
  result.records = fetcher_.collect_fetch(config_.max_poll_records);
  auto fetch_errors = fetcher_.take_errors();
  result.errors.insert(result.errors.end(), fetch_errors.begin(), fetch_errors.end());
  // Pipelining, as Kafka does: the partitions just drained can be fetched again at once.
  fetcher_.send_fetches(now_ms);
  return result;
}

void KafkaConsumer::handle_response(std::int32_t correlation_id,
                                    const ConsumerResponseBody& response, std::int64_t now_ms) {
  const auto in_flight = client_.complete(correlation_id);
  if (!in_flight) return;  // failed already (timeout, disconnect): a late answer is dropped
  if (in_flight->api != api_of(response)) {
    throw std::invalid_argument("correlation id " + std::to_string(correlation_id) + " was a " +
                                std::string(api_name(in_flight->api)) + " request but got a " +
                                std::string(api_name(api_of(response))) + " response");
  }
  std::visit(
      [&](const auto& body) {
        using Body = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<Body, protocol::MetadataResponse>) {
          metadata_.update(body, now_ms);
          on_metadata_update();
        } else if constexpr (std::is_same_v<Body, protocol::FetchResponse>) {
          fetcher_.handle_fetch_response(correlation_id, body, now_ms);
        } else if constexpr (std::is_same_v<Body, protocol::ListOffsetsResponse>) {
          fetcher_.handle_list_offsets_response(correlation_id, body, now_ms);
        } else if (coordinator_) {
          coordinator_->handle_response(correlation_id, response, now_ms);
        }
      },
      response);
  tick(now_ms);
}

void KafkaConsumer::dispatch_failure(std::int32_t correlation_id, ConsumerApi api,
                                     std::int64_t now_ms) {
  switch (api) {
    case ConsumerApi::metadata:
      metadata_.failed_update(now_ms);
      break;
    case ConsumerApi::fetch:
      fetcher_.handle_fetch_failure(correlation_id, now_ms);
      break;
    case ConsumerApi::list_offsets:
      fetcher_.handle_list_offsets_failure(correlation_id, now_ms);
      break;
    case ConsumerApi::find_coordinator:
    case ConsumerApi::join_group:
    case ConsumerApi::sync_group:
    case ConsumerApi::heartbeat:
    case ConsumerApi::leave_group:
    case ConsumerApi::offset_commit:
    case ConsumerApi::offset_fetch:
      if (coordinator_) coordinator_->handle_failure(correlation_id, now_ms);
      break;
  }
}

void KafkaConsumer::handle_disconnect(std::int32_t broker, std::int64_t now_ms) {
  const auto failed = client_.disconnect(broker, now_ms);
  // Kafka's NetworkClient asks for fresh metadata whenever a connection breaks.
  metadata_.request_update();
  for (const auto& [id, request] : failed) dispatch_failure(id, request.api, now_ms);
  tick(now_ms);
}

void KafkaConsumer::handle_request_failure(std::int32_t correlation_id, std::int64_t now_ms) {
  if (auto request = client_.fail(correlation_id, now_ms)) {
    dispatch_failure(correlation_id, request->api, now_ms);
    tick(now_ms);
  }
}

std::optional<std::int64_t> KafkaConsumer::next_wakeup_ms(std::int64_t now_ms) const {
  std::optional<std::int64_t> next = client_.next_wakeup_ms(now_ms);
  auto consider = [&](std::optional<std::int64_t> t) {
    if (t && (!next || *t < *next)) next = std::max(*t, now_ms);
  };
  if (coordinator_) consider(coordinator_->next_wakeup_ms(now_ms));
  if (closing_) return next;
  consider(metadata_.next_update_time_ms());
  for (const auto& tp : subscriptions_.assigned_partitions()) {
    const auto* state = subscriptions_.state(tp);
    if (state->fetch_state == FetchState::await_reset && state->next_retry_time_ms) {
      consider(*state->next_retry_time_ms);
    }
  }
  return next;
}

}  // namespace ksim::client
