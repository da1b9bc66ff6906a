// KafkaCluster's Kafka clients (core/client's producer and consumer on client nodes) and the
// audit they feed.
#include <fmt/format.h>

#include <stdexcept>

#include "core/storage/record_batch.h"
#include "sim/clients/producer_process.h"
#include "sim/cluster/kafka_cluster.h"

namespace ksim::sim::cluster {

namespace {

std::string_view reason_of(const client::SendOutcome& outcome) {
  if (!outcome.message.empty()) return outcome.message;
  return client::indeterminate_reason_name(outcome.reason);
}

}  // namespace

clients::ProducerProcess& KafkaCluster::add_producer(
    const std::string& name, std::vector<std::pair<std::string, std::string>> config) {
  if (producer_histories_.contains(name) || ledgers_.contains(name)) {
    throw std::invalid_argument("a client named '" + name + "' already exists");
  }
  bool has_client_id = false;
  for (const auto& [key, value] : config) has_client_id = has_client_id || key == "client.id";
  if (!has_client_id) config.insert(config.begin(), {"client.id", name});
  clients::ProducerProcessOptions options;
  options.bootstrap_brokers = broker_ids();
  options.config = std::move(config);
  (void)client::parse_producer_config(options.config);  // a bad configuration throws here
  clients::ProducerHistory& history =
      *producer_histories_.emplace(name, std::make_unique<clients::ProducerHistory>())
           .first->second;
  clients::ClientObserver* observer = this;
  world_->add_client(name, [options, &history, observer] {
    return std::make_unique<clients::ProducerProcess>(options, history, observer);
  });
  world_->start(name);
  return producer(name);
}

clients::ProducerProcess& KafkaCluster::producer(const std::string& name) {
  auto* process = dynamic_cast<clients::ProducerProcess*>(world_->host(name).process());
  if (process == nullptr) throw std::logic_error("producer '" + name + "' is not running");
  return *process;
}

std::vector<std::string> KafkaCluster::producer_names() const {
  std::vector<std::string> names;
  for (const auto& [name, history] : producer_histories_) names.push_back(name);
  return names;
}

const clients::ProducerHistory& KafkaCluster::producer_history(const std::string& name) const {
  const auto it = producer_histories_.find(name);
  if (it == producer_histories_.end()) throw std::invalid_argument("no producer '" + name + "'");
  return *it->second;
}

// --- the audit's feed from the clients ------------------------------------------------------------

void KafkaCluster::record_sent(const clients::ProducerHistory& producer, std::size_t index) {
  if (!audit_) return;
  const clients::ProducedRecord& record = producer.records[index];
  std::vector<audit::RecordId>& ids = audit_ids_[&producer];
  ids.resize(index + 1, 0);
  ids[index] = audit_->next_record_id();
  audit::RecordSent sent;
  sent.record = ids[index];
  sent.producer = producer.client_id;
  if (record.key) sent.key = std::string_view(*record.key);
  sent.value = record.value ? std::string_view(*record.value) : std::string_view{};
  sent.acks = record.acks;
  sent.sent_at = record.sent_at;
  if (record.partition) sent.partition = audit::PartitionRef(record.topic, *record.partition);
  audit_->record_sent(sent);
}

void KafkaCluster::send_completed(const clients::ProducerHistory& producer, std::size_t index) {
  if (!audit_) return;
  const clients::ProducedRecord& record = producer.records[index];
  const client::SendOutcome& outcome = *record.outcome;
  audit::SendCompleted done;
  done.record = audit_ids_.at(&producer).at(index);
  switch (outcome.kind) {
    case client::SendOutcomeKind::acknowledged:
      done.outcome = audit::SendOutcome::acknowledged;
      break;
    case client::SendOutcomeKind::failed:
      done.outcome = audit::SendOutcome::failed;
      break;
    case client::SendOutcomeKind::indeterminate:
      done.outcome = audit::SendOutcome::indeterminate;
      break;
    case client::SendOutcomeKind::sent_unknown:
      done.outcome = audit::SendOutcome::sent_unknown;
      break;
  }
  if (outcome.topic_partition) done.partition = *outcome.topic_partition;
  done.offset = outcome.offset;
  done.error = outcome.error;
  if (outcome.kind == client::SendOutcomeKind::indeterminate) done.reason = reason_of(outcome);
  done.completed_at = SimTime::from_ms(outcome.completion_time_ms);
  done.attempts = static_cast<std::uint32_t>(std::max(outcome.attempts, 1));
  audit_->send_completed(done);
}

void KafkaCluster::records_consumed(const clients::ConsumerHistory& consumer, std::size_t first,
                                    std::size_t count) {
  if (!audit_) return;
  for (std::size_t i = first; i < first + count; ++i) {
    const clients::ConsumedRecord& record = consumer.records[i];
    audit::RecordConsumed consumed;
    consumed.consumer = consumer.client_id;
    if (consumer.group_id) consumed.group = std::string_view(*consumer.group_id);
    consumed.partition = record.topic_partition;
    consumed.offset = record.offset;
    consumed.value = audit::value_identity(record.value.value_or(""));
    consumed.poll = record.poll;
    consumed.consumed_at = record.consumed_at;
    audit_->record_consumed(consumed);
  }
}

void KafkaCluster::partitions_assigned(const clients::ConsumerHistory& consumer) {
  if (!audit_ || consumer.assignments.empty()) return;
  const auto& [at, partitions] = consumer.assignments.back();
  audit_->partitions_assigned({consumer.client_id, partitions, at});
}

// --- the audit's feed from the brokers ------------------------------------------------------------

void KafkaCluster::records_appended(std::int32_t broker, const replication::Partition& partition,
                                    bool as_leader, storage::ByteView batches, SimTime at) {
  if (!audit_) return;
  std::size_t position = 0;
  while (position < batches.size()) {
    const storage::ByteView rest = batches.subspan(position);
    const storage::BatchHeader header = storage::read_batch_header(rest);
    const storage::ByteView batch = rest.first(header.size_in_bytes());
    position += header.size_in_bytes();
    if (header.is_control()) continue;
    const storage::DecodedBatch decoded = storage::decode_batch(batch);
    for (std::size_t i = 0; i < decoded.records.size(); ++i) {
      const storage::Record& record = decoded.records[i];
      audit::RecordWritten written;
      written.broker = broker;
      written.partition = partition.topic_partition();
      written.offset = record.offset;
      written.leader_epoch = header.partition_leader_epoch;
      written.role = as_leader ? audit::AppendRole::leader : audit::AppendRole::follower;
      written.producer_id = header.producer_id;
      if (header.base_sequence >= 0) {
        written.sequence = header.base_sequence + static_cast<std::int32_t>(record.offset - header.base_offset);
      }
      const std::string_view value =
          record.value ? std::string_view(reinterpret_cast<const char*>(record.value->data()),
                                          record.value->size())
                       : std::string_view{};
      written.value = audit::value_identity(value);
      written.written_at = at;
      audit_->record_written(written);
    }
  }
}

void KafkaCluster::high_watermark_advanced(std::int32_t broker,
                                           const replication::Partition& partition, SimTime at) {
  if (!audit_) return;
  audit_->high_watermark_advanced(
      {partition.topic_partition(), broker, partition.high_watermark(), at});
}

void KafkaCluster::log_recovered(std::int32_t broker, const storage::TopicPartition& tp,
                                 std::int64_t log_end_offset, SimTime at) {
  if (!audit_) return;
  audit_->replica_lost({broker, tp, log_end_offset, at,
                        "recovery after an unclean shutdown: what was not on disk is gone"});
}

}  // namespace ksim::sim::cluster
