#include "sim/clients/consumer_process.h"

#include <algorithm>
#include <type_traits>
#include <variant>

#include "core/protocol/errors.h"
#include "core/storage/bytes.h"

namespace ksim::sim::clients {

namespace {

// The requests that go to the group coordinator's connection.
bool is_coordinator_api(client::ConsumerApi api) {
  switch (api) {
    case client::ConsumerApi::join_group:
    case client::ConsumerApi::sync_group:
    case client::ConsumerApi::heartbeat:
    case client::ConsumerApi::leave_group:
    case client::ConsumerApi::offset_commit:
    case client::ConsumerApi::offset_fetch:
      return true;
    default:
      return false;
  }
}

std::optional<std::string> text_of(const std::optional<storage::Bytes>& bytes) {
  if (!bytes) return std::nullopt;
  return storage::to_string(storage::ByteView(*bytes));
}

}  // namespace

ConsumerProcess::ConsumerProcess(ConsumerProcessOptions options, ConsumerHistory& history,
                                 ClientObserver* observer)
    : options_(std::move(options)),
      config_(client::ConsumerConfig::parse(options_.config)),
      history_(&history),
      observer_(observer) {}

ConsumerProcess::~ConsumerProcess() = default;

void ConsumerProcess::start(ProcessContext& context) {
  context_ = &context;
  consumer_ = std::make_unique<client::KafkaConsumer>(config_);
  // The consumer's own deadlines come first (request.timeout.ms; a JoinGroup waits up to the
  // rebalance timeout + 5 s); the connections give up a little later, closing the socket as
  // Kafka's NetworkClient does when a request expires.
  connections_ = std::make_unique<BrokerConnections>(
      context, SimDuration::from_ms(config_.request_timeout_ms + 1000));
  connections_->attach();
  if (history_->client_id.empty()) history_->client_id = config_.client_id;
  if (!history_->group_id) history_->group_id = config_.group_id;
  poll_timer_ = context.set_timer(options_.poll_interval, "consumer.poll", [this] {
    poll_timer_.reset();
    poll_now();
  });
  pump();
}

bool ConsumerProcess::begin_shutdown() {
  if (!consumer_ || consumer_->closed()) return true;
  close();
  if (consumer_->closed()) return true;
  exit_when_closed_ = true;
  return false;
}

void ConsumerProcess::subscribe(const std::vector<std::string>& topics) {
  consumer_->subscribe(topics);
  pump();
}

void ConsumerProcess::assign(const std::vector<storage::TopicPartition>& partitions) {
  consumer_->assign(partitions);
  pump();
}

void ConsumerProcess::seek_to_beginning(const std::vector<storage::TopicPartition>& partitions) {
  consumer_->seek_to_beginning(partitions);
  pump();
}

void ConsumerProcess::seek_to_end(const std::vector<storage::TopicPartition>& partitions) {
  consumer_->seek_to_end(partitions);
  pump();
}

void ConsumerProcess::seek(const storage::TopicPartition& tp, std::int64_t offset) {
  consumer_->seek(tp, offset);
  pump();
}

std::uint64_t ConsumerProcess::commit() {
  const std::uint64_t id = consumer_->commit(context_->now().to_ms());
  pump();
  return id;
}

void ConsumerProcess::close() {
  if (closing_) return;
  closing_ = true;
  if (poll_timer_) {
    context_->cancel_timer(*poll_timer_);
    poll_timer_.reset();
  }
  consumer_->close(context_->now().to_ms());
  pump();
}

// --- the application's poll loop ------------------------------------------------------------

void ConsumerProcess::poll_now() {
  if (closing_) return;
  const std::int64_t now = context_->now().to_ms();
  client::ConsumerPollResult result = consumer_->poll(now);
  last_tick_ms_ = now;
  const std::uint64_t poll = ++history_->polls;
  const std::size_t first = history_->records.size();
  for (client::ConsumerRecord& record : result.records) {
    ConsumedRecord consumed;
    consumed.topic_partition = record.topic_partition;
    consumed.offset = record.offset;
    consumed.leader_epoch = record.leader_epoch.value_or(-1);
    consumed.key = text_of(record.key);
    consumed.value = text_of(record.value);
    consumed.poll = poll;
    consumed.consumed_at = context_->now();
    history_->records.push_back(std::move(consumed));
  }
  for (client::ConsumerError& error : result.errors) errors_.push_back(std::move(error));
  const std::size_t count = history_->records.size() - first;
  if (count > 0 && observer_ != nullptr) observer_->records_consumed(*history_, first, count);
  poll_timer_ = context_->set_timer(options_.poll_interval, "consumer.poll", [this] {
    poll_timer_.reset();
    poll_now();
  });
  pump();
}

// --- requests and answers ---------------------------------------------------------------------

std::optional<std::int32_t> ConsumerProcess::least_loaded_broker() {
  // Kafka's leastLoadedNode: the known broker with the fewest requests in flight, skipping
  // those that failed within reconnect.backoff.max.ms (unless all did); ties go round.
  std::vector<std::int32_t> candidates = consumer_->metadata().broker_ids();
  if (candidates.empty()) candidates = options_.bootstrap_brokers;
  if (candidates.empty()) return std::nullopt;
  const std::int64_t now = context_->now().to_ms();
  const auto failed_recently = [&](std::int32_t broker) {
    const auto it = failed_at_ms_.find(broker);
    return it != failed_at_ms_.end() && now - it->second < config_.reconnect_backoff_max_ms;
  };
  const bool all_failed = std::all_of(candidates.begin(), candidates.end(), failed_recently);
  std::optional<std::int32_t> best;
  std::size_t best_load = 0;
  const std::size_t n = candidates.size();
  const std::size_t start = static_cast<std::size_t>(next_any_broker_++ % n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::int32_t broker = candidates[(start + i) % n];
    if (!all_failed && failed_recently(broker)) continue;
    const std::size_t load = connections_->to(broker).in_flight();
    if (!best || load < best_load) {
      best = broker;
      best_load = load;
    }
  }
  return best;
}

void ConsumerProcess::dispatch(client::ConsumerOutboundRequest request) {
  const std::int32_t correlation = request.correlation_id;
  const bool any = request.destination == client::any_broker;
  const std::optional<std::int32_t> destination =
      any ? least_loaded_broker() : std::optional<std::int32_t>(request.destination);
  if (!destination) {
    consumer_->handle_request_failure(correlation, context_->now().to_ms());
    pump_again_ = true;
    return;
  }
  const bool to_coordinator = is_coordinator_api(client::api_of(request.body));
  cluster::RequestChannel& channel =
      to_coordinator
          ? connections_->to_coordinator(
                *destination,
                SimDuration::from_ms(std::int64_t{config_.max_poll_interval_ms} +
                                     config_.request_timeout_ms + 5000))
          : connections_->to(*destination);
  outstanding_[correlation] = Outstanding{*destination, any, to_coordinator};
  cluster::RequestBody body = std::visit(
      [](auto& value) { return cluster::RequestBody(std::move(value)); }, request.body);
  channel.send(std::move(body), [this, correlation](const cluster::KafkaResponse* response) {
    on_answer(correlation, response);
  });
}

void ConsumerProcess::on_answer(std::int32_t correlation_id,
                                const cluster::KafkaResponse* response) {
  const auto it = outstanding_.find(correlation_id);
  if (it == outstanding_.end() || !consumer_) return;  // the consumer gave it up already
  const Outstanding sent = it->second;
  outstanding_.erase(it);
  const std::int64_t now = context_->now().to_ms();
  if (response != nullptr) {
    if (auto answer = client_response<client::ConsumerResponseBody>(response->body)) {
      consumer_->handle_response(correlation_id, *answer, now);
    }
  } else if (sent.any_broker || sent.coordinator_connection) {
    // One request lost (the coordinator's connection is a node of its own for Kafka).
    failed_at_ms_[sent.broker] = now;
    consumer_->handle_request_failure(correlation_id, now);
  } else {
    // The broker's connection broke: everything in flight to it fails.
    failed_at_ms_[sent.broker] = now;
    consumer_->handle_disconnect(sent.broker, now);
    std::erase_if(outstanding_, [&](const auto& entry) {
      return !entry.second.any_broker && entry.second.broker == sent.broker;
    });
  }
  last_tick_ms_ = now;
  pump();
}

// --- after every input ------------------------------------------------------------------------

void ConsumerProcess::record_progress() {
  for (client::OffsetCommitOutcome& outcome : consumer_->take_commit_outcomes()) {
    ConsumerCommit commit;
    commit.completed_at = context_->now();
    for (const auto& [tp, position] : outcome.offsets) commit.offsets[tp] = position.offset;
    commit.error = outcome.failed_without_answer && outcome.error == protocol::Error::NONE
                       ? std::string("REQUEST_TIMED_OUT")
                       : std::string(protocol::error_name(outcome.error));
    history_->commits.push_back(std::move(commit));
    commit_outcomes_.push_back(std::move(outcome));
  }
  std::vector<storage::TopicPartition> assignment = consumer_->assignment();
  std::sort(assignment.begin(), assignment.end());
  if (assignment != assignment_) {
    assignment_ = assignment;
    history_->assignments.emplace_back(context_->now(), std::move(assignment));
    if (observer_ != nullptr) observer_->partitions_assigned(*history_);
  }
}

void ConsumerProcess::pump() {
  if (!consumer_) return;
  if (pumping_) {
    pump_again_ = true;  // an answer or a failure arrived while dispatching: look again
    return;
  }
  pumping_ = true;
  const std::int64_t now = context_->now().to_ms();
  do {
    pump_again_ = false;
    for (client::ConsumerOutboundRequest& request : consumer_->take_outbox()) {
      dispatch(std::move(request));
    }
    record_progress();
  } while (pump_again_);
  pumping_ = false;
  if (exit_when_closed_ && consumer_->closed()) {
    exit_when_closed_ = false;
    context_->exit();
  }
  arm_wakeup(now);
}

void ConsumerProcess::arm_wakeup(std::int64_t now) {
  std::optional<std::int64_t> next = consumer_->next_wakeup_ms(now);
  // A tick that just ran at `now` left nothing due now: never spin at one instant.
  if (next && *next <= now && last_tick_ms_ == now) next = now + 1;
  if (next == wakeup_at_ms_ && wakeup_) return;
  if (wakeup_) {
    context_->cancel_timer(*wakeup_);
    wakeup_.reset();
  }
  wakeup_at_ms_ = next;
  if (!next) return;
  const SimDuration delay = SimDuration::from_ms(std::max<std::int64_t>(*next - now, 0));
  wakeup_ = context_->set_timer(delay, "consumer.wakeup", [this] {
    wakeup_.reset();
    wakeup_at_ms_.reset();
    const std::int64_t at = context_->now().to_ms();
    consumer_->tick(at);
    last_tick_ms_ = at;
    pump();
  });
}

}  // namespace ksim::sim::clients
