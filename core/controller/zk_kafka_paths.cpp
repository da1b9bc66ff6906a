// Kafka's znode paths (kafka.zk.ZkData).
#include "core/controller/zk_kafka_paths.h"

#include <fmt/format.h>

namespace ksim::controller::ZkPaths {

std::string broker_id(std::int32_t id) { return fmt::format("{}/{}", broker_ids, id); }

std::string topic(std::string_view topic) { return fmt::format("{}/{}", topics, topic); }

std::string topic_partitions(std::string_view topic) {
  return fmt::format("{}/{}/partitions", topics, topic);
}

std::string topic_partition(std::string_view topic, std::int32_t partition) {
  return fmt::format("{}/{}/partitions/{}", topics, topic, partition);
}

std::string topic_partition_state(std::string_view topic, std::int32_t partition) {
  return fmt::format("{}/{}/partitions/{}/state", topics, topic, partition);
}

std::string delete_topic(std::string_view topic) {
  return fmt::format("{}/{}", delete_topics, topic);
}

std::string config_entity_type(std::string_view entity_type) {
  return fmt::format("{}/{}", config, entity_type);
}

std::string config_entity(std::string_view entity_type, std::string_view name) {
  return fmt::format("{}/{}/{}", config, entity_type, name);
}

std::string topic_config(std::string_view topic) { return config_entity(config_type_topic, topic); }

std::string isr_change_notification_sequence_path() {
  return fmt::format("{}/{}", isr_change_notification, isr_change_sequence_prefix);
}

std::string config_change_notification_sequence_path() {
  return fmt::format("{}/{}", config_changes, config_change_sequence_prefix);
}

std::string log_dir_event_notification_sequence_path() {
  return fmt::format("{}/{}", log_dir_event_notification, log_dir_event_sequence_prefix);
}

std::vector<std::string> persistent_paths() {
  return {
      std::string(consumers),
      std::string(broker_ids),
      std::string(topics),
      std::string(config_changes),
      std::string(delete_topics),
      std::string(broker_sequence_id),
      std::string(isr_change_notification),
      std::string(latest_producer_id_block),
      std::string(log_dir_event_notification),
      config_entity_type(config_type_topic),
      config_entity_type(config_type_client),
      config_entity_type(config_type_user),
      config_entity_type(config_type_broker),
      config_entity_type(config_type_ip),
  };
}

}  // namespace ksim::controller::ZkPaths
