// ZkPaths: the znodes Kafka's ZooKeeper mode uses (kafka.zk.ZkData's *ZNode.path), so no
// component spells a path by hand.
//
//   /controller                                   ephemeral: the active controller
//   /controller_epoch                             "1", "2", ...
//   /brokers/ids/<id>                             ephemeral: a live broker's registration
//   /brokers/topics/<t>                           the replica assignment
//   /brokers/topics/<t>/partitions/<p>/state      leader, leader epoch, ISR
//   /admin/delete_topics/<t>                      a deletion request (null data)
//   /admin/reassign_partitions                    a (legacy) reassignment request
//   /isr_change_notification/isr_change_<seq>     ISR changes for the controller to propagate
//   /config/topics/<t>                            topic config overrides
//   /config/changes/config_change_<seq>           config change notifications
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ksim::controller::ZkPaths {

inline constexpr std::string_view controller = "/controller";
inline constexpr std::string_view controller_epoch = "/controller_epoch";
inline constexpr std::string_view brokers = "/brokers";
inline constexpr std::string_view broker_ids = "/brokers/ids";
inline constexpr std::string_view topics = "/brokers/topics";
inline constexpr std::string_view broker_sequence_id = "/brokers/seqid";
inline constexpr std::string_view admin = "/admin";
inline constexpr std::string_view delete_topics = "/admin/delete_topics";
inline constexpr std::string_view reassign_partitions = "/admin/reassign_partitions";
inline constexpr std::string_view preferred_replica_election = "/admin/preferred_replica_election";
inline constexpr std::string_view isr_change_notification = "/isr_change_notification";
inline constexpr std::string_view isr_change_sequence_prefix = "isr_change_";
inline constexpr std::string_view log_dir_event_notification = "/log_dir_event_notification";
inline constexpr std::string_view log_dir_event_sequence_prefix = "log_dir_event_";
inline constexpr std::string_view config = "/config";
inline constexpr std::string_view config_changes = "/config/changes";
inline constexpr std::string_view config_change_sequence_prefix = "config_change_";
inline constexpr std::string_view cluster = "/cluster";
inline constexpr std::string_view cluster_id = "/cluster/id";
inline constexpr std::string_view consumers = "/consumers";
inline constexpr std::string_view latest_producer_id_block = "/latest_producer_id_block";
inline constexpr std::string_view feature = "/feature";

// Kafka's config entity types (ConfigType).
inline constexpr std::string_view config_type_topic = "topics";
inline constexpr std::string_view config_type_client = "clients";
inline constexpr std::string_view config_type_user = "users";
inline constexpr std::string_view config_type_broker = "brokers";
inline constexpr std::string_view config_type_ip = "ips";

std::string broker_id(std::int32_t id);                                       // /brokers/ids/1
std::string topic(std::string_view topic);                                    // /brokers/topics/t
std::string topic_partitions(std::string_view topic);                         // .../t/partitions
std::string topic_partition(std::string_view topic, std::int32_t partition);  // .../partitions/0
std::string topic_partition_state(std::string_view topic, std::int32_t partition);  // .../0/state
std::string delete_topic(std::string_view topic);              // /admin/delete_topics/t
std::string config_entity_type(std::string_view entity_type);  // /config/topics
std::string config_entity(std::string_view entity_type, std::string_view name);  // /config/topics/t
std::string topic_config(std::string_view topic);                                // /config/topics/t
// The path a sequential create takes: "/isr_change_notification/isr_change_" becomes
// "/isr_change_notification/isr_change_0000000000".
std::string isr_change_notification_sequence_path();
std::string config_change_notification_sequence_path();
std::string log_dir_event_notification_sequence_path();

// ZkData.PersistentZkPaths, in Kafka's order: what a broker creates at startup (null data,
// parents first, an existing node is fine).
std::vector<std::string> persistent_paths();

}  // namespace ksim::controller::ZkPaths
