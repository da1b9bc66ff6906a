// KafkaBroker's side of the requests it receives (Kafka's KafkaApis): one at a time per
// connection, answered after the disk work they depend on.
#include "sim/cluster/broker_process.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>
#include <utility>

#include "core/controller/zk_kafka_admin_znodes.h"
#include "core/controller/zk_kafka_paths.h"
#include "core/server/topic_config.h"

namespace ksim::sim::cluster {

namespace zk = controller::zk;

namespace {

// The answers to a controller request addressed to an earlier registration of this broker.
protocol::LeaderAndIsrResponse stale_broker_epoch(const protocol::LeaderAndIsrRequest&) {
  protocol::LeaderAndIsrResponse response;
  response.error_code = protocol::Error::STALE_BROKER_EPOCH;
  return response;
}
protocol::UpdateMetadataResponse stale_broker_epoch(const protocol::UpdateMetadataRequest&) {
  protocol::UpdateMetadataResponse response;
  response.error_code = protocol::Error::STALE_BROKER_EPOCH;
  return response;
}
protocol::StopReplicaResponse stale_broker_epoch(const protocol::StopReplicaRequest&) {
  protocol::StopReplicaResponse response;
  response.error_code = protocol::Error::STALE_BROKER_EPOCH;
  return response;
}

}  // namespace

// --- inbound requests -----------------------------------------------------------------------

void KafkaBroker::on_accepted(ConnectionId end) { inbound_[end]; }

void KafkaBroker::on_message(Delivery& delivery) {
  if (zk_->on_message(delivery)) return;
  if (auto it = channel_of_connection_.find(delivery.connection);
      it != channel_of_connection_.end()) {
    it->second->on_message(delivery);
    return;
  }
  KafkaRequest* request = delivery.message.payload.get<KafkaRequest>();
  if (request == nullptr) return;
  InboundConnection& connection = inbound_[delivery.connection];
  connection.peer = delivery.from;
  connection.queued.push_back(std::move(*request));
  if (!connection.busy) handle_next(delivery.connection);
}

void KafkaBroker::on_disconnect(ConnectionId end, NodeId peer, DisconnectReason reason) {
  if (zk_->on_disconnect(end, peer, reason)) return;
  if (auto it = channel_of_connection_.find(end); it != channel_of_connection_.end()) {
    it->second->on_disconnect(end);
    return;
  }
  inbound_.erase(end);  // parked requests answer into nothing
}

void KafkaBroker::handle_next(ConnectionId connection) {
  auto it = inbound_.find(connection);
  if (it == inbound_.end() || it->second.busy || it->second.queued.empty()) return;
  // Kafka processes no request before the broker first registered in ZooKeeper (KafkaServer
  // calls socketServer.startProcessingRequests after registerBroker).
  if (replica_manager_->broker_epoch() < 0) return;
  KafkaRequest request = std::move(it->second.queued.front());
  it->second.queued.pop_front();
  it->second.busy = true;
  handle(connection, std::move(request));
}

void KafkaBroker::finish_request(ConnectionId connection) {
  auto it = inbound_.find(connection);
  if (it == inbound_.end()) return;
  it->second.busy = false;
  handle_next(connection);
}

void KafkaBroker::respond(ConnectionId connection, std::int32_t correlation_id,
                          ResponseBody body) {
  // The answer leaves when the disk has done the work so far, and never before an earlier one.
  const SimTime done = std::max(context_->complete_disk_io(), send_not_before_);
  send_not_before_ = done;
  KafkaResponse response{correlation_id, std::move(body)};
  const std::size_t size = wire_size(response);
  if (done <= context_->now()) {
    if (inbound_.contains(connection)) {
      context_->send(connection, Message::of(std::move(response), size));
    }
    finish_request(connection);
    return;
  }
  context_->set_timer(done - context_->now(), "broker.respond",
                      [this, connection, size, response = std::move(response)]() mutable {
                        if (inbound_.contains(connection)) {
                          context_->send(connection, Message::of(std::move(response), size));
                        }
                        finish_request(connection);
                        pump();
                      });
}

void KafkaBroker::handle(ConnectionId connection, KafkaRequest request) {
  if (handle_group_request(connection, request)) return;  // broker_groups.cpp
  const std::int32_t correlation = request.correlation_id;
  replication::ReplicaManager& rm = *replica_manager_;
  std::visit(
      [&](auto& body) {
        using Body = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<Body, protocol::LeaderAndIsrRequest> ||
                      std::is_same_v<Body, protocol::UpdateMetadataRequest> ||
                      std::is_same_v<Body, protocol::StopReplicaRequest>) {
          // KafkaApis.isBrokerEpochStale: the controller addressed an earlier registration.
          if (body.broker_epoch != -1 && body.broker_epoch < rm.broker_epoch()) {
            respond(connection, correlation, stale_broker_epoch(body));
            return;
          }
        }
        if constexpr (std::is_same_v<Body, protocol::ProduceRequest>) {
          const std::uint64_t id = next_request_id_++;
          replication::ProduceResult result = rm.append_records(id, std::move(body), now_ms());
          if (result.parked) {
            parked_[id] = ParkedRequest{connection, correlation};
          } else if (result.close_connection) {
            context_->close(connection);
            inbound_.erase(connection);
          } else if (!result.send_response) {
            finish_request(connection);  // acks=0: no answer, the connection is unmuted
          } else {
            respond(connection, correlation, std::move(result.response));
          }
        } else if constexpr (std::is_same_v<Body, protocol::FetchRequest>) {
          const std::uint64_t id = next_request_id_++;
          replication::FetchResult result = rm.fetch_messages(id, body, now_ms());
          if (result.parked) {
            parked_[id] = ParkedRequest{connection, correlation};
          } else {
            respond(connection, correlation, std::move(result.response));
          }
        } else if constexpr (std::is_same_v<Body, protocol::ListOffsetsRequest>) {
          respond(connection, correlation, rm.fetch_offsets(body));
        } else if constexpr (std::is_same_v<Body, protocol::OffsetForLeaderEpochRequest>) {
          respond(connection, correlation, rm.last_offset_for_leader_epoch(body));
        } else if constexpr (std::is_same_v<Body, protocol::MetadataRequest>) {
          handle_metadata(connection, correlation, body);
        } else if constexpr (std::is_same_v<Body, protocol::LeaderAndIsrRequest>) {
          // A partition's log is created with its topic's configuration, read from ZooKeeper
          // first (Kafka reads /config/topics/<t> when it creates the log).
          std::set<std::string> topics;
          for (const auto& state : body.partition_states) topics.insert(state.topic_partition.topic);
          with_topic_configs(std::move(topics), [this, connection, correlation,
                                                 request = std::move(body)] {
            handle_leader_and_isr(connection, correlation, request);
          });
        } else if constexpr (std::is_same_v<Body, protocol::UpdateMetadataRequest>) {
          apply_update_metadata(body);
          respond(connection, correlation, protocol::UpdateMetadataResponse{});
        } else if constexpr (std::is_same_v<Body, protocol::StopReplicaRequest>) {
          protocol::StopReplicaResponse response;
          for (const protocol::StopReplicaPartitionState& state : body.partitions) {
            rm.stop_replica(state.topic_partition, state.delete_partition);
            resign_group_coordinator(state.topic_partition);
            response.partition_errors.push_back({state.topic_partition, protocol::Error::NONE});
            record(fmt::format("stopped replica {}{}", state.topic_partition.to_string(),
                               state.delete_partition ? " and deleted its log" : ""));
          }
          respond(connection, correlation, std::move(response));
        } else if constexpr (std::is_same_v<Body, protocol::AlterPartitionRequest>) {
          controller_->handle_alter_partition(
              body, now_ms(), [this, connection, correlation](protocol::AlterPartitionResponse r) {
                respond(connection, correlation, std::move(r));
              });
        } else if constexpr (std::is_same_v<Body, protocol::ControlledShutdownRequest>) {
          controller_->handle_controlled_shutdown(
              body, now_ms(),
              [this, connection, correlation](protocol::ControlledShutdownResponse r) {
                respond(connection, correlation, std::move(r));
              });
        } else if constexpr (std::is_same_v<Body, protocol::InitProducerIdRequest>) {
          handle_init_producer_id(connection, correlation, body);
        }
      },
      request.body);
}

void KafkaBroker::with_topic_configs(std::set<std::string> topics, std::function<void()> then) {
  std::erase_if(topics, [this](const std::string& topic) { return topic_configs_read_.contains(topic); });
  if (topics.empty()) {
    then();
    return;
  }
  auto waiting = std::make_shared<std::size_t>(topics.size());
  auto done = std::make_shared<std::function<void()>>(std::move(then));
  for (const std::string& topic : topics) {
    zk_->client().get_data(
        controller::ZkPaths::topic_config(topic), false,
        [this, topic, waiting, done](const zk::GetDataResult& result) {
          if (result.code == zk::Code::OK && result.data) {
            try {
              const controller::ConfigEntries entries = controller::decode_entity_config(
                  controller::ZkPaths::topic_config(topic), *result.data);
              replica_manager_->set_topic_config(
                  topic, server::topic_config_from_entries(config_.log, entries));
            } catch (const std::exception& error) {
              record(fmt::format("topic {}: bad configuration ignored: {}", topic, error.what()));
            }
          }
          topic_configs_read_.insert(topic);
          if (--*waiting == 0) {
            (*done)();
            pump();
          }
        });
  }
}

void KafkaBroker::handle_leader_and_isr(ConnectionId connection, std::int32_t correlation,
                                        const protocol::LeaderAndIsrRequest& request) {
  replication::ReplicaManager& rm = *replica_manager_;
  protocol::LeaderAndIsrResponse response = rm.become_leader_or_follower(request, now_ms());
  update_group_coordinator_leadership(request);
  if (response.error_code == protocol::Error::NONE) {
    for (const protocol::LeaderAndIsrPartitionState& state : request.partition_states) {
      const replication::Partition* partition = rm.get_partition(state.topic_partition);
      if (partition == nullptr || partition->leader_epoch() != state.leader_epoch) continue;
      record(state.leader == config_.broker_id
                 ? fmt::format("leader of {} in leader epoch {}, ISR [{}], LEO {}",
                               state.topic_partition.to_string(), state.leader_epoch,
                               fmt::join(state.isr, ","), partition->log_end_offset())
                 : fmt::format("follower of {} (leader {}, leader epoch {}), LEO {}",
                               state.topic_partition.to_string(), state.leader,
                               state.leader_epoch, partition->log_end_offset()));
    }
  }
  respond(connection, correlation, std::move(response));
}

void KafkaBroker::apply_update_metadata(const protocol::UpdateMetadataRequest& request) {
  const bool was_controller_known = metadata_.controller_id() >= 0;
  const auto deleted = metadata_.update(request);
  if (!deleted) return;
  if (!was_controller_known && metadata_.controller_id() >= 0) {
    record(fmt::format("learned the controller: broker {}", metadata_.controller_id()));
  }
}

void KafkaBroker::handle_metadata(ConnectionId connection, std::int32_t correlation_id,
                                  const protocol::MetadataRequest& request) {
  protocol::MetadataResponse response = metadata_.metadata_response(request.topics);
  if (request.allow_auto_topic_creation && config_.auto_create_topics_enable) {
    std::vector<std::string> missing;
    for (protocol::MetadataResponseTopic& topic : response.topics) {
      if (topic.error_code == protocol::Error::UNKNOWN_TOPIC_OR_PARTITION) {
        missing.push_back(topic.name);
        topic.error_code = protocol::Error::LEADER_NOT_AVAILABLE;  // Kafka: being created
      }
    }
    if (!missing.empty()) auto_create_topics(missing);
  }
  respond(connection, correlation_id, std::move(response));
}

void KafkaBroker::auto_create_topics(const std::vector<std::string>& topics) {
  std::vector<controller::BrokerMetadata> brokers;
  for (std::int32_t id : metadata_.live_broker_ids()) brokers.push_back({id, std::nullopt});
  Prng& prng = context_->prng("auto-create");
  for (const std::string& topic : topics) {
    if (brokers.empty()) return;
    controller::ReplicaAssignment assignment;
    try {
      const auto count = static_cast<std::uint64_t>(brokers.size());
      assignment = controller::assign_replicas_to_brokers(
          brokers, config_.num_partitions, config_.default_replication_factor,
          {static_cast<std::int32_t>(prng.below(count)),
           static_cast<std::int32_t>(prng.below(count))},
          0, config_.controller.kafka_version);
    } catch (const std::exception& error) {
      record(fmt::format("auto-creating topic {} failed: {}", topic, error.what()));
      continue;
    }
    // Another broker (or the tool) may have created it meanwhile: NODEEXISTS, nothing said.
    const std::vector<controller::ZkWrite> writes = controller::create_topic_writes(
        topic, assignment, std::nullopt, {}, false, config_.controller.kafka_version);
    for (std::size_t i = 0; i < writes.size(); ++i) {
      const bool last = i + 1 == writes.size();
      zk_->client().multi(writes[i].ops, [this, topic, last](const zk::MultiResult& result) {
        if (last && result.code == zk::Code::OK) {
          record(fmt::format("auto-created topic {} ({} partition(s), replication factor {})",
                             topic, config_.num_partitions, config_.default_replication_factor));
        }
      });
    }
  }
}

}  // namespace ksim::sim::cluster
