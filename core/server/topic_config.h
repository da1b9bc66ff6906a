// A topic's configuration overrides (/config/topics/<t>, kafka-topics.sh --config) applied on
// top of the broker's defaults, as Kafka's LogConfig.fromProps does: the log settings and
// min.insync.replicas. Settings that only the controller reads (unclean.leader.election.enable)
// and those ksim does not model are ignored here.
#pragma once

#include "core/controller/zk_kafka_admin_znodes.h"
#include "core/replication/replica_manager.h"
#include "core/storage/log_config.h"

namespace ksim::server {

// Throws std::invalid_argument naming the setting and the value that does not parse, in
// Kafka's words ("Invalid value abc for configuration retention.ms: Not a number of type LONG").
replication::TopicConfig topic_config_from_entries(const storage::LogConfig& defaults,
                                                   const controller::ConfigEntries& entries);

}  // namespace ksim::server
