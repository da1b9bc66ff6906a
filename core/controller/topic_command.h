// kafka-topics.sh as a pure function: --create, --list, --describe, --alter (--partitions,
// --config) and --delete over a ClusterMetadata snapshot (what ZooKeeper holds), returning the
// bytes the tool prints on stdout and stderr, its exit code, and the ZooKeeper writes it (or,
// with --bootstrap-server, the broker acting for it) makes, for the caller to apply.
//
// Outputs follow the Kafka release in TopicCommandEnvironment::version:
//   --create     Created topic "t".                      before 2.2
//                Created topic t.                        2.2+
//   --describe   Topic:t<TAB>PartitionCount:1<TAB>ReplicationFactor:3<TAB>Configs:
//                <TAB>Topic: t<TAB>Partition: 0<TAB>Leader: 1<TAB>Replicas: 1,2,0<TAB>Isr: 1,2,0
//                                                         before 2.4 (leader -1 prints -1)
//                Topic: t<TAB>PartitionCount: 1<TAB>ReplicationFactor: 3<TAB>Configs:<SPACE>
//                                                         2.4+ (a space after every colon,
//                                                         "Leader: none" for -1)
//                Topic: t<TAB>TopicId: SbJQ_jVrRFOYqlkfIgLwNg<TAB>PartitionCount: 1 ...
//                                                         2.8+ (topics with an id)
//   --list       one name a line, sorted, internal topics included; "t - marked for
//                deletion" with --zookeeper
//   --delete     Topic t is marked for deletion.
//                Note: This will have no impact if delete.topic.enable is not set to true.
//                (--zookeeper; nothing over --bootstrap-server)
//   errors       stdout: "Error while executing topic command : <Kafka's message>"
//                stderr: "[<time>] ERROR <exception class>: <message>" then the stack trace
//                where ksim knows it, then " (kafka.admin.TopicCommand$)"
// --zookeeper exists before 3.0, --bootstrap-server from 2.2. Kafka changed the describe format,
// the "does not exist" errors and the internal-topic alter message somewhere between 2.3 and 2.8;
// ksim switches at 2.4. The error words changed at 1.1 (see replica_assignment.h).
//
// Not modelled: command-line parsing (joptsimple's messages and usage text), topic config
// validation (LogConfig.validate), --under-min-isr-partitions / --at-min-isr-partitions,
// reassignment details in describe, and Java stack frames other than the 0.9 replication-factor
// error the seeds show.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/controller/cluster_metadata.h"
#include "core/controller/controller_zk_writes.h"
#include "core/controller/kafka_version.h"
#include "core/controller/replica_assignment.h"
#include "core/controller/zk_json_order.h"

namespace ksim::controller {

enum class TopicCommandAction { create, list, describe, alter, delete_topic };

// The command line, parsed.
struct TopicCommandOptions {
  TopicCommandAction action = TopicCommandAction::list;
  bool bootstrap_server = false;             // --bootstrap-server rather than --zookeeper
  std::string zookeeper = "localhost:2181";  // the --zookeeper value (errors before 2.2 show it)
  std::optional<std::string> topic{};        // a name for --create, a regex otherwise
  std::optional<std::int32_t> partitions{};
  std::optional<std::int32_t> replication_factor{};
  std::optional<std::string> replica_assignment{};  // "1:2,2:0": partitions by ',', replicas by ':'
  ConfigEntries configs{};                          // --config name=value, in order given
  std::vector<std::string> delete_configs{};        // --delete-config name
  bool under_replicated_partitions = false;
  bool unavailable_partitions = false;
  bool topics_with_overrides = false;
  bool if_exists = false;
  bool if_not_exists = false;
  bool exclude_internal = false;
  bool disable_rack_aware = false;
};

// What the tool does not take from the command line.
struct TopicCommandEnvironment {
  KafkaVersion version{2, 8, 0};
  std::optional<zk::JavaVersion> java{};  // the tool's Java (default: 8 before 3.0, 9+ from 3.0)
  AssignmentRandomness randomness{};      // Kafka's two rand.nextInt draws for --create
  std::optional<std::string> new_topic_id{};              // the Uuid a created topic gets (2.8+)
  std::string log_timestamp = "1970-01-01 00:00:00,000";  // log4j's %d, see log4j_timestamp
  // The brokers' settings, for what goes through them (--bootstrap-server).
  bool delete_topic_enable = true;
  std::int32_t num_partitions = 1;              // --create without --partitions (2.4+)
  std::int32_t default_replication_factor = 1;  // --create without --replication-factor (2.4+)
  // Broker settings describe lists as non-default for every topic over --bootstrap-server
  // (server.properties' log.segment.bytes shows as segment.bytes=1073741824).
  ConfigEntries broker_topic_config_overrides{};
  // How many configs a DescribeConfigs answer holds (sizes the HashMap that orders them).
  std::size_t described_config_count = 32;
};

struct TopicCommandResult {
  std::string out;  // stdout, byte for byte
  std::string err;  // stderr
  int exit_code = 0;
  std::vector<ZkWrite> zk_writes{};
};

TopicCommandResult run_topic_command(const ClusterMetadata& cluster,
                                     const TopicCommandOptions& options,
                                     const TopicCommandEnvironment& environment);

// TopicCommand.parseReplicaAssignment: "0:1,1:2" -> {0: [0, 1], 1: [1, 2]}. Throws AdminError
// with Kafka's messages (duplicate brokers, differing replication factors, not a number).
ReplicaAssignment parse_replica_assignment(const std::string& text, KafkaVersion version = {});

// log4j's ISO8601 date ("2019-11-30 07:07:02,569") of a Unix time in milliseconds, in UTC.
std::string log4j_timestamp(std::int64_t unix_ms);

}  // namespace ksim::controller
