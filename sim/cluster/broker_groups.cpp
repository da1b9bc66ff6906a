// KafkaBroker's side of consumer groups (Kafka's KafkaApis for the group APIs, the
// GroupCoordinator it runs, and the replica manager's part in both): FindCoordinator answered
// from the metadata cache (creating __consumer_offsets on first use), the group requests given
// to this broker's coordinator and answered when it completes them, the coordinator's appends
// written to __consumer_offsets as leader with acks=all, and its partitions loaded when this
// broker becomes their leader and unloaded when it stops leading them.
#include <fmt/format.h>

#include <limits>
#include <type_traits>
#include <utility>

#include "core/controller/controller_zk_writes.h"
#include "core/controller/replica_assignment.h"
#include "core/coordinator/offsets_topic.h"
#include "core/storage/errors.h"
#include "sim/cluster/broker_process.h"

namespace ksim::sim::cluster {

namespace zk = controller::zk;

void KafkaBroker::start_group_coordinator() {
  coordinator::GroupCoordinatorConfig config = config_.group_coordinator;
  config.offsets_topic_num_partitions = config_.offsets_topic_num_partitions;
  Prng& prng = context_->prng("group-coordinator");
  group_coordinator_ = std::make_unique<coordinator::GroupCoordinator>(config, [&prng] {
    const std::uint64_t most = prng.next_u64();
    const std::uint64_t least = prng.next_u64();
    return coordinator::java_random_uuid_string(most, least);
  });
}

// --- requests ---------------------------------------------------------------------------------

bool KafkaBroker::handle_group_request(ConnectionId connection, KafkaRequest& request) {
  const std::int32_t correlation = request.correlation_id;
  coordinator::GroupCoordinator& gc = *group_coordinator_;
  const auto park = [&] {
    const coordinator::RequestHandle handle = next_group_handle_++;
    group_requests_[handle] = ParkedRequest{connection, correlation};
    return handle;
  };
  return std::visit(
      [&](auto& body) -> bool {
        using Body = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<Body, protocol::FindCoordinatorRequest>) {
          handle_find_coordinator(connection, correlation, body);
        } else if constexpr (std::is_same_v<Body, protocol::JoinGroupRequest>) {
          // Kafka's RequestContext: the client's address as InetAddress.toString prints it.
          const auto it = inbound_.find(connection);
          if (it != inbound_.end() && !it->second.peer.is_none()) {
            body.client_host = "/" + context_->node_name(it->second.peer);
          }
          gc.join_group(park(), body, now_ms());
        } else if constexpr (std::is_same_v<Body, protocol::SyncGroupRequest>) {
          gc.sync_group(park(), body, now_ms());
        } else if constexpr (std::is_same_v<Body, protocol::HeartbeatRequest>) {
          gc.heartbeat(park(), body, now_ms());
        } else if constexpr (std::is_same_v<Body, protocol::LeaveGroupRequest>) {
          gc.leave_group(park(), body, now_ms());
        } else if constexpr (std::is_same_v<Body, protocol::OffsetCommitRequest>) {
          gc.commit_offsets(park(), body, now_ms());
        } else if constexpr (std::is_same_v<Body, protocol::OffsetFetchRequest>) {
          gc.fetch_offsets(park(), body, now_ms());
        } else if constexpr (std::is_same_v<Body, protocol::ListGroupsRequest>) {
          gc.list_groups(park(), body, now_ms());
        } else if constexpr (std::is_same_v<Body, protocol::DescribeGroupsRequest>) {
          gc.describe_groups(park(), body, now_ms());
        } else {
          return false;
        }
        return true;
      },
      request.body);
}

void KafkaBroker::handle_find_coordinator(ConnectionId connection, std::int32_t correlation_id,
                                          const protocol::FindCoordinatorRequest& request) {
  protocol::FindCoordinatorResponse response;
  response.error_code = protocol::Error::COORDINATOR_NOT_AVAILABLE;
  if (request.key_type != protocol::CoordinatorType::group) {
    response.error_message = "ksim has no transaction coordinator";
    respond(connection, correlation_id, std::move(response));
    return;
  }
  const storage::TopicPartition partition =
      coordinator::coordinator_partition(request, config_.offsets_topic_num_partitions);
  if (!metadata_.contains_topic(partition.topic)) {
    // KafkaApis.getOrCreateInternalTopic: the client asks again.
    create_offsets_topic();
  } else if (const auto* state = metadata_.partition_state(partition);
             state != nullptr && state->leader >= 0 && metadata_.is_broker_alive(state->leader)) {
    response.error_code = protocol::Error::NONE;
    response.node_id = state->leader;
    response.host = fmt::format("broker{}", state->leader);
    response.port = 9092;
  }
  respond(connection, correlation_id, std::move(response));
}

void KafkaBroker::create_offsets_topic() {
  if (offsets_topic_creation_in_flight_) return;
  const std::string topic = coordinator::group_metadata_topic_name;
  const std::int32_t partitions = config_.offsets_topic_num_partitions;
  const std::int16_t replication_factor = config_.offsets_topic_replication_factor;
  std::vector<controller::BrokerMetadata> brokers;
  for (std::int32_t id : metadata_.live_broker_ids()) brokers.push_back({id, std::nullopt});
  if (brokers.size() < static_cast<std::size_t>(replication_factor)) {
    record(fmt::format(
        "Number of alive brokers '{}' does not meet the required replication factor '{}' for "
        "the offsets topic (configured via 'offsets.topic.replication.factor'). This error can "
        "be ignored if the cluster is starting up and not all brokers are up yet.",
        brokers.size(), replication_factor));
    return;
  }
  Prng& prng = context_->prng("auto-create");
  controller::ReplicaAssignment assignment;
  try {
    const auto count = static_cast<std::uint64_t>(brokers.size());
    assignment = controller::assign_replicas_to_brokers(
        brokers, partitions, replication_factor,
        {static_cast<std::int32_t>(prng.below(count)), static_cast<std::int32_t>(prng.below(count))},
        0, config_.controller.kafka_version);
  } catch (const std::exception& error) {
    record(fmt::format("creating topic {} failed: {}", topic, error.what()));
    return;
  }
  controller::ConfigEntries configs;
  for (const auto& [key, value] : coordinator::offsets_topic_configs()) configs.emplace_back(key, value);
  const std::vector<controller::ZkWrite> writes = controller::create_topic_writes(
      topic, assignment, std::nullopt, configs, false, config_.controller.kafka_version);
  offsets_topic_creation_in_flight_ = true;
  for (std::size_t i = 0; i < writes.size(); ++i) {
    const bool last = i + 1 == writes.size();
    zk_->client().multi(writes[i].ops, [this, topic, partitions, replication_factor,
                                        last](const zk::MultiResult& result) {
      if (!last) return;
      offsets_topic_creation_in_flight_ = false;
      if (result.code == zk::Code::OK) {
        record(fmt::format("created internal topic {} ({} partition(s), replication factor {})",
                           topic, partitions, replication_factor));
      }
    });
  }
}

// --- leadership of __consumer_offsets ---------------------------------------------------------

void KafkaBroker::update_group_coordinator_leadership(const protocol::LeaderAndIsrRequest& request) {
  for (const protocol::LeaderAndIsrPartitionState& state : request.partition_states) {
    const storage::TopicPartition& tp = state.topic_partition;
    if (tp.topic != coordinator::group_metadata_topic_name) continue;
    replication::Partition* partition = replica_manager_->get_partition(tp);
    if (partition == nullptr || partition->leader_epoch() != state.leader_epoch) continue;
    if (!partition->is_leader()) {
      group_coordinator_->on_resigned(tp.partition, now_ms());
      continue;
    }
    if (group_coordinator_->owns_partition(tp.partition)) continue;
    // GroupMetadataManager.doLoadGroupsAndOffsets: every batch from the log start to the LEO.
    const storage::Log& log = partition->log();
    storage::Bytes bytes;
    std::int64_t offset = log.log_start_offset();
    try {
      while (offset < log.log_end_offset()) {
        const storage::FetchDataInfo read =
            log.read(offset, std::numeric_limits<std::size_t>::max());
        if (read.records.empty()) break;
        std::size_t position = 0;
        while (position < read.records.size()) {
          const storage::BatchHeader header =
              storage::read_batch_header(storage::ByteView(read.records).subspan(position));
          position += header.size_in_bytes();
          offset = header.next_offset();
        }
        bytes.insert(bytes.end(), read.records.begin(), read.records.end());
      }
      group_coordinator_->on_became_leader(tp.partition, storage::ByteView(bytes), now_ms());
      if (!bytes.empty()) {
        record(fmt::format("group coordinator: loaded {} ({} byte(s), offsets {} to {})",
                           tp.to_string(), bytes.size(), log.log_start_offset(), offset - 1));
      }
    } catch (const std::exception& error) {
      record(fmt::format("group coordinator: loading {} failed: {}", tp.to_string(), error.what()));
    }
  }
}

void KafkaBroker::resign_group_coordinator(const storage::TopicPartition& tp) {
  if (tp.topic != coordinator::group_metadata_topic_name) return;
  group_coordinator_->on_resigned(tp.partition, now_ms());
}

// --- the coordinator's answers and appends ----------------------------------------------------

bool KafkaBroker::complete_coordinator_append(replication::CompletedProduce& done) {
  const auto it = coordinator_appends_.find(done.request_id);
  if (it == coordinator_appends_.end()) return false;
  const std::uint64_t append_id = it->second;
  coordinator_appends_.erase(it);
  protocol::Error error = protocol::Error::UNKNOWN_SERVER_ERROR;
  std::int64_t base_offset = -1;
  if (!done.response.partitions.empty()) {
    error = done.response.partitions.front().error_code;
    base_offset = done.response.partitions.front().base_offset;
  }
  group_coordinator_->on_append_completed(append_id, error, base_offset, now_ms());
  return true;
}

void KafkaBroker::pump_group_coordinator() {
  coordinator::GroupCoordinator& gc = *group_coordinator_;
  while (true) {
    std::vector<coordinator::OffsetsTopicAppend> appends = gc.take_appends();
    std::vector<coordinator::CompletedRequest> completed = gc.take_completed();
    if (appends.empty() && completed.empty()) break;
    for (coordinator::OffsetsTopicAppend& append : appends) {
      // ReplicaManager.appendRecords as the leader, internal origin (GroupMetadataManager's
      // appendForGroup).
      const std::uint64_t id = next_request_id_++;
      protocol::ProduceRequest produce;
      produce.acks = append.required_acks;
      produce.timeout_ms = append.timeout_ms;
      produce.partitions.push_back({append.topic_partition, std::move(append.records)});
      replication::ProduceResult result = replica_manager_->append_records(
          id, std::move(produce), now_ms(), storage::AppendOrigin::coordinator);
      coordinator_appends_[id] = append.append_id;
      if (!result.parked) {
        replication::CompletedProduce done{id, std::move(result.response)};
        complete_coordinator_append(done);
      }
    }
    for (coordinator::CompletedRequest& done : completed) {
      const auto it = group_requests_.find(done.handle);
      if (it == group_requests_.end()) continue;  // an admin query's, or gone
      const ParkedRequest parked = it->second;
      group_requests_.erase(it);
      respond(parked.connection, parked.correlation_id,
              std::visit([](auto& answer) { return ResponseBody(std::move(answer)); },
                         done.response));
    }
  }
}

// --- what the admin tool asks, answered now ---------------------------------------------------

coordinator::CoordinatorResponse KafkaBroker::ask_group_coordinator(
    const std::function<void(coordinator::RequestHandle)>& request) {
  const coordinator::RequestHandle handle = next_group_handle_++;
  request(handle);
  std::optional<coordinator::CoordinatorResponse> answer;
  std::vector<coordinator::CompletedRequest> others;
  for (coordinator::CompletedRequest& done : group_coordinator_->take_completed()) {
    if (done.handle == handle) {
      answer = std::move(done.response);
    } else {
      others.push_back(std::move(done));
    }
  }
  // Whatever else completed (timers that were due) is answered as usual.
  for (coordinator::CompletedRequest& done : others) {
    const auto it = group_requests_.find(done.handle);
    if (it == group_requests_.end()) continue;
    const ParkedRequest parked = it->second;
    group_requests_.erase(it);
    respond(parked.connection, parked.correlation_id,
            std::visit([](auto& a) { return ResponseBody(std::move(a)); }, done.response));
  }
  pump();
  if (!answer) throw std::logic_error("the group coordinator did not answer an admin request at once");
  return std::move(*answer);
}

protocol::ListGroupsResponse KafkaBroker::list_groups_now() {
  return std::get<protocol::ListGroupsResponse>(ask_group_coordinator(
      [this](coordinator::RequestHandle handle) {
        group_coordinator_->list_groups(handle, protocol::ListGroupsRequest{}, now_ms());
      }));
}

protocol::DescribeGroupsResponse KafkaBroker::describe_groups_now(
    const protocol::DescribeGroupsRequest& request) {
  return std::get<protocol::DescribeGroupsResponse>(ask_group_coordinator(
      [this, &request](coordinator::RequestHandle handle) {
        group_coordinator_->describe_groups(handle, request, now_ms());
      }));
}

protocol::OffsetFetchResponse KafkaBroker::fetch_offsets_now(
    const protocol::OffsetFetchRequest& request) {
  return std::get<protocol::OffsetFetchResponse>(ask_group_coordinator(
      [this, &request](coordinator::RequestHandle handle) {
        group_coordinator_->fetch_offsets(handle, request, now_ms());
      }));
}

}  // namespace ksim::sim::cluster
