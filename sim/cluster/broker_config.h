// BrokerConfig: one simulated Kafka broker's settings, with Kafka's names and defaults
// (server.properties). The replication, log and controller settings are core's own structs.
#pragma once

#include <cstdint>
#include <string>

#include "core/controller/kafka_controller.h"
#include "core/controller/zk_client.h"
#include "core/coordinator/group_coordinator.h"
#include "core/replication/replication_config.h"
#include "core/storage/log_config.h"
#include "sim/kernel/sim_time.h"

namespace ksim::sim::cluster {

struct BrokerConfig {
  std::int32_t broker_id = 0;                   // broker.id
  std::string cluster_id = "ksim-cluster";      // meta.properties' cluster.id
  std::string zookeeper_node = "zookeeper";     // zookeeper.connect, as a node of the network
  replication::ReplicationConfig replication;   // replica.*, min.insync.replicas
  storage::LogConfig log;                       // log.* (the topic defaults)
  controller::zk::ZkClientConfig zookeeper;     // zookeeper.session.timeout.ms
  controller::ControllerConfig controller;      // unclean.leader.election.enable, ...
  // controller.socket.timeout.ms / replica.socket.timeout.ms / request.timeout.ms: how long an
  // inter-broker request waits for its answer before the connection is dropped.
  SimDuration request_timeout = SimDuration::from_ms(30000);
  SimDuration retry_backoff = SimDuration::from_ms(100);  // controller channel, AlterPartition
  bool controlled_shutdown_enable = true;
  std::int32_t controlled_shutdown_max_retries = 3;
  SimDuration controlled_shutdown_retry_backoff = SimDuration::from_ms(5000);
  bool auto_create_topics_enable = true;       // auto.create.topics.enable
  std::int32_t num_partitions = 1;             // num.partitions (auto-created topics)
  std::int32_t default_replication_factor = 1;  // default.replication.factor
  // The group coordinator (group.*.ms, offsets.commit.*); its offsets_topic_num_partitions is
  // taken from offsets_topic_num_partitions below.
  coordinator::GroupCoordinatorConfig group_coordinator;
  std::int32_t offsets_topic_num_partitions = 50;       // offsets.topic.num.partitions
  std::int16_t offsets_topic_replication_factor = 3;    // offsets.topic.replication.factor
};

}  // namespace ksim::sim::cluster
