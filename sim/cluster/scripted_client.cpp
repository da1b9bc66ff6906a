#include "sim/cluster/scripted_client.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "core/storage/record_batch.h"
#include "core/storage/topic_partition_map.h"

namespace ksim::sim::cluster {

ScriptedClient::ScriptedClient(ScriptedClientOptions options, ClientLedger& ledger)
    : options_(std::move(options)), ledger_(&ledger) {}

void ScriptedClient::start(ProcessContext& context) {
  context_ = &context;
  NodeHandlers handlers;
  handlers.on_message = [this](Delivery& delivery) {
    if (auto it = channel_of_connection_.find(delivery.connection);
        it != channel_of_connection_.end()) {
      it->second->on_message(delivery);
    }
  };
  handlers.on_disconnect = [this](ConnectionId end, NodeId, DisconnectReason) {
    for (auto& [broker, channel] : channels_) {
      if (channel->on_disconnect(end)) return;
    }
  };
  context.set_network_handlers(std::move(handlers));
}

RequestChannel& ScriptedClient::channel_to(std::int32_t broker) {
  auto& slot = channels_[broker];
  if (!slot) {
    slot = std::make_unique<RequestChannel>(
        *context_, context_->resolve(fmt::format("broker {}", broker)), options_.request_timeout,
        &channel_of_connection_);
  }
  return *slot;
}

void ScriptedClient::send_metadata(std::size_t bootstrap_index, std::set<std::string> topics,
                                   std::function<void()> then) {
  if (bootstrap_index >= options_.bootstrap_brokers.size()) {
    then();  // nobody answered: the caller finds no leader
    return;
  }
  const std::int32_t broker = options_.bootstrap_brokers[bootstrap_index];
  protocol::MetadataRequest request;
  request.topics = std::vector<std::string>(topics.begin(), topics.end());
  request.allow_auto_topic_creation = options_.allow_auto_topic_creation;
  channel_to(broker).send(std::move(request), [this, bootstrap_index, topics = std::move(topics),
                                               then = std::move(then)](const KafkaResponse* r) {
    const auto* answer = r ? std::get_if<protocol::MetadataResponse>(&r->body) : nullptr;
    if (answer == nullptr) {
      send_metadata(bootstrap_index + 1, topics, then);
      return;
    }
    for (const protocol::MetadataResponseTopic& topic : answer->topics) {
      std::erase_if(leaders_, [&](const auto& entry) { return entry.first.topic == topic.name; });
      for (const protocol::MetadataResponsePartition& partition : topic.partitions) {
        if (partition.error_code == protocol::Error::NONE && partition.leader_id >= 0) {
          leaders_[partition.topic_partition] = partition.leader_id;
        }
      }
    }
    then();
  });
}

void ScriptedClient::with_leader(const storage::TopicPartition& tp,
                                 std::function<void(std::int32_t)> then) {
  if (auto it = leaders_.find(tp); it != leaders_.end()) {
    then(it->second);
    return;
  }
  send_metadata(0, {tp.topic}, [this, tp, then = std::move(then)] {
    auto it = leaders_.find(tp);
    then(it == leaders_.end() ? -1 : it->second);
  });
}

std::uint64_t ScriptedClient::produce(const storage::TopicPartition& tp,
                                      std::vector<std::string> values, std::int16_t acks,
                                      std::int32_t timeout_ms) {
  std::vector<std::pair<storage::TopicPartition, std::vector<std::string>>> batches;
  batches.emplace_back(tp, std::move(values));
  return produce_to_leaders(std::move(batches), acks, timeout_ms).front();
}

std::vector<std::uint64_t> ScriptedClient::produce_to_leaders(
    std::vector<std::pair<storage::TopicPartition, std::vector<std::string>>> batches,
    std::int16_t acks, std::int32_t timeout_ms) {
  std::vector<std::uint64_t> ids;
  for (auto& [tp, values] : batches) {
    const std::uint64_t id = ledger_->produces.size();
    ProduceOutcome outcome;
    outcome.id = id;
    outcome.topic_partition = tp;
    outcome.record_count = values.size();
    outcome.values = std::move(values);
    outcome.acks = acks;
    outcome.sent_at = context_->now();
    ledger_->produces.push_back(std::move(outcome));
    ids.push_back(id);
  }
  send_produce(ids, timeout_ms);
  return ids;
}

storage::Bytes ScriptedClient::batch_of(const std::vector<std::string>& values) {
  std::vector<storage::Record>& records = batch_records_;
  records.resize(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    storage::Record& record = records[i];
    record.offset = static_cast<std::int64_t>(i);
    record.timestamp = context_->now().to_ms();
    const storage::ByteView value = storage::as_bytes(values[i]);
    if (!record.value) record.value.emplace();
    record.value->assign(value.begin(), value.end());
  }
  return storage::encode_batch(storage::BatchSpec{}, records);
}

void ScriptedClient::send_produce(std::vector<std::uint64_t> ids, std::int32_t timeout_ms) {
  // Every partition's leader known: one request per leader. Otherwise metadata first, and again
  // every retry.backoff.ms while a partition has no leader, until request.timeout.ms.
  const bool all_known = std::all_of(ids.begin(), ids.end(), [this](std::uint64_t id) {
    return leaders_.contains(ledger_->produces[id].topic_partition);
  });
  const auto dispatch = [this, ids, timeout_ms] {
    std::map<std::int32_t, std::vector<std::uint64_t>> by_leader;
    std::vector<std::uint64_t> waiting;
    for (std::uint64_t id : ids) {
      auto it = leaders_.find(ledger_->produces[id].topic_partition);
      if (it != leaders_.end()) {
        by_leader[it->second].push_back(id);
      } else if (context_->now() - ledger_->produces[id].sent_at < options_.request_timeout) {
        waiting.push_back(id);
      } else {
        ledger_->produces[id].no_leader = true;
      }
    }
    for (auto& [leader, group] : by_leader) send_produce_to(leader, std::move(group), timeout_ms);
    if (!waiting.empty()) {
      context_->set_timer(options_.retry_backoff, "client.retry_metadata",
                          [this, waiting, timeout_ms] {
                            for (std::uint64_t id : waiting) {
                              leaders_.erase(ledger_->produces[id].topic_partition);
                            }
                            send_produce(waiting, timeout_ms);
                          });
    }
  };
  if (all_known) {
    dispatch();
  } else {
    std::set<std::string> topics;
    for (std::uint64_t id : ids) topics.insert(ledger_->produces[id].topic_partition.topic);
    send_metadata(0, std::move(topics), dispatch);
  }
}

void ScriptedClient::send_produce_to(std::int32_t leader, std::vector<std::uint64_t> ids,
                                     std::int32_t timeout_ms) {
  protocol::ProduceRequest request;
  request.timeout_ms = timeout_ms;
  for (std::uint64_t id : ids) {
    ProduceOutcome& outcome = ledger_->produces[id];
    outcome.leader = leader;
    outcome.sent_at = context_->now();
    request.acks = outcome.acks;
    request.partitions.push_back({outcome.topic_partition, batch_of(outcome.values)});
    if (!options_.keep_values) outcome.values.resize(std::min<std::size_t>(outcome.values.size(), 1));
  }
  if (request.acks == 0) {
    // Sent, never answered: on the wire, nothing awaited.
    channel_to(leader).send_without_response(std::move(request));
    return;
  }
  channel_to(leader).send(std::move(request), [this, ids](const KafkaResponse* r) {
    const auto* answer = r ? std::get_if<protocol::ProduceResponse>(&r->body) : nullptr;
    // Each partition's answer (the last, should a partition appear twice).
    storage::TopicPartitionMap<const protocol::PartitionProduceResponse*> answers;
    if (answer != nullptr) {
      for (const auto& item : answer->partitions) answers.insert_or_assign(item.topic_partition, &item);
    }
    for (std::uint64_t id : ids) {
      ProduceOutcome& done = ledger_->produces[id];
      done.answered_at = context_->now();
      const auto* const* found = answers.find(done.topic_partition);
      const protocol::PartitionProduceResponse* partition = found != nullptr ? *found : nullptr;
      if (partition == nullptr) {
        if (context_->now() - done.sent_at >= options_.request_timeout) {
          done.timed_out = true;
        } else {
          done.disconnected = true;
        }
        leaders_.erase(done.topic_partition);
        continue;
      }
      done.answered = true;
      done.error = partition->error_code;
      done.base_offset = partition->base_offset;
      if (done.error == protocol::Error::NOT_LEADER_OR_FOLLOWER ||
          done.error == protocol::Error::UNKNOWN_TOPIC_OR_PARTITION) {
        leaders_.erase(done.topic_partition);  // refresh before the next request
      }
    }
  });
}

std::uint64_t ScriptedClient::fetch(const storage::TopicPartition& tp, std::int64_t offset) {
  const std::uint64_t id = ledger_->fetches.size();
  FetchOutcome outcome;
  outcome.id = id;
  outcome.topic_partition = tp;
  outcome.fetch_offset = offset;
  ledger_->fetches.push_back(std::move(outcome));
  send_fetch(id);
  return id;
}

void ScriptedClient::send_fetch(std::uint64_t id) {
  const storage::TopicPartition tp = ledger_->fetches[id].topic_partition;
  with_leader(tp, [this, id, tp](std::int32_t leader) {
    FetchOutcome& outcome = ledger_->fetches[id];
    if (leader < 0) {
      outcome.answered = true;
      outcome.error = protocol::Error::LEADER_NOT_AVAILABLE;
      return;
    }
    protocol::FetchRequest request;
    request.max_wait_ms = 0;  // answer at once with what is committed
    request.partitions.push_back({tp, protocol::no_leader_epoch, outcome.fetch_offset,
                                  protocol::no_leader_epoch, protocol::invalid_offset, 1048576});
    channel_to(leader).send(std::move(request), [this, id, tp](const KafkaResponse* r) {
      FetchOutcome& done = ledger_->fetches[id];
      const auto* answer = r ? std::get_if<protocol::FetchResponse>(&r->body) : nullptr;
      done.answered = true;
      if (answer == nullptr || answer->partitions.empty()) {
        done.error = protocol::Error::NETWORK_EXCEPTION;
        leaders_.erase(tp);
        return;
      }
      const protocol::FetchResponsePartition& partition = answer->partitions.front();
      done.error = partition.error_code;
      done.high_watermark = partition.high_watermark;
      storage::ByteView bytes(partition.records);
      while (bytes.size() >= storage::kBatchHeaderSize) {
        const storage::BatchHeader header = storage::read_batch_header(bytes);
        const std::size_t size = header.size_in_bytes();
        if (size > bytes.size()) break;  // a partial batch at the end of a fetch
        const storage::DecodedBatch batch = storage::decode_batch(bytes.subspan(0, size));
        for (const storage::Record& record : batch.records) {
          if (record.offset < done.fetch_offset) continue;
          done.records.emplace_back(record.offset,
                                    record.value ? storage::to_string(*record.value) : "");
        }
        bytes = bytes.subspan(size);
      }
      if (done.error == protocol::Error::NOT_LEADER_OR_FOLLOWER) leaders_.erase(tp);
    });
  });
}

}  // namespace ksim::sim::cluster
