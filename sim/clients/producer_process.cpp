#include "sim/clients/producer_process.h"

#include <type_traits>
#include <variant>

#include "core/storage/bytes.h"

namespace ksim::sim::clients {

namespace {

std::optional<storage::Bytes> bytes_of(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  return storage::to_bytes(*text);
}

}  // namespace

ProducerProcess::ProducerProcess(ProducerProcessOptions options, ProducerHistory& history,
                                 ClientObserver* observer)
    : options_(std::move(options)),
      config_(client::parse_producer_config(options_.config)),
      history_(&history),
      observer_(observer) {}

ProducerProcess::~ProducerProcess() {
  // Whatever has no outcome dies with this incarnation.
  for (const auto& [send_id, index] : history_index_) {
    ProducedRecord& record = history_->records[index];
    if (!record.outcome) record.lost_with_producer = true;
  }
}

void ProducerProcess::start(ProcessContext& context) {
  context_ = &context;
  Prng& random = context.prng("partitioner");
  producer_ = std::make_unique<client::KafkaProducer>(
      config_, [&random] { return static_cast<std::uint32_t>(random.next_u64() >> 32); });
  producer_->set_known_brokers(options_.bootstrap_brokers);
  connections_ = std::make_unique<BrokerConnections>(
      context, SimDuration::from_ms(config_.request_timeout_ms), [this](std::int32_t broker) {
        producer_->handle_disconnect(broker, context_->now().to_ms());
        pump();
      });
  connections_->attach();
  if (history_->client_id.empty()) history_->client_id = config_.client_id;
  pump();
}

void ProducerProcess::shutdown() {
  if (producer_) producer_->close();
}

std::size_t ProducerProcess::send(std::string topic, std::optional<std::string> key,
                                  std::optional<std::string> value,
                                  std::optional<std::int32_t> partition) {
  ProducedRecord produced;
  produced.topic = topic;
  produced.partition = partition;
  produced.key = key;
  produced.value = value;
  produced.acks = config_.acks;
  produced.sent_at = context_->now();
  const std::size_t index = history_->records.size();
  history_->records.push_back(std::move(produced));
  client::ProducerRecord record{std::move(topic), partition, bytes_of(key), bytes_of(value), {}};
  const std::uint64_t send_id = producer_->send(std::move(record), context_->now().to_ms());
  history_index_[send_id] = index;
  if (observer_ != nullptr) observer_->record_sent(*history_, index);
  pump();
  return index;
}

void ProducerProcess::begin_flush() {
  producer_->begin_flush();
  pump();
}

bool ProducerProcess::flushed() const { return producer_->incomplete_send_count() == 0; }

void ProducerProcess::record_outcomes() {
  for (client::SendOutcome& outcome : producer_->take_outcomes()) {
    const auto it = history_index_.find(outcome.send_id);
    if (it == history_index_.end()) continue;
    const std::size_t index = it->second;
    history_index_.erase(it);
    history_->records[index].outcome = std::move(outcome);
    if (observer_ != nullptr) observer_->send_completed(*history_, index);
  }
}

void ProducerProcess::dispatch(client::OutboundRequest request) {
  std::int32_t destination = request.destination;
  if (destination == client::kAnyBootstrapBroker) {
    if (options_.bootstrap_brokers.empty()) return;
    destination = options_.bootstrap_brokers.front();
  }
  cluster::RequestBody body = std::visit(
      [](auto& value) { return cluster::RequestBody(std::move(value)); }, request.body);
  cluster::RequestChannel& channel = connections_->to(destination);
  if (!request.expects_response) {
    channel.send_without_response(std::move(body));
    return;
  }
  const std::int32_t correlation = request.correlation_id;
  channel.send(std::move(body), [this, correlation, destination](const cluster::KafkaResponse* r) {
    const std::int64_t now = context_->now().to_ms();
    if (r == nullptr) {
      producer_->handle_disconnect(destination, now);  // a timeout (a break also calls it)
    } else if (auto answer = client_response<client::ResponseBody>(r->body)) {
      producer_->handle_response(correlation, *answer, now);
    }
    pump();
  });
}

void ProducerProcess::pump() {
  if (!producer_) return;
  if (pumping_) {
    pump_again_ = true;  // an answer or a failure arrived while dispatching: poll once more
    return;
  }
  pumping_ = true;
  const std::int64_t now = context_->now().to_ms();
  do {
    pump_again_ = false;
    for (client::OutboundRequest& request : producer_->poll(now)) dispatch(std::move(request));
    record_outcomes();
  } while (pump_again_);
  pumping_ = false;
  const std::optional<std::int64_t> next = producer_->next_wakeup_ms();
  if (next == wakeup_at_ms_ && wakeup_) return;
  if (wakeup_) {
    context_->cancel_timer(*wakeup_);
    wakeup_.reset();
  }
  wakeup_at_ms_ = next;
  if (!next) return;
  const SimDuration delay = SimDuration::from_ms(std::max<std::int64_t>(*next - now, 0));
  wakeup_ = context_->set_timer(delay, "producer.wakeup", [this] {
    wakeup_.reset();
    wakeup_at_ms_.reset();
    pump();
  });
}

}  // namespace ksim::sim::clients
