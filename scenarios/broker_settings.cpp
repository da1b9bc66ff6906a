#include "scenarios/broker_settings.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <limits>
#include <stdexcept>

#include "core/storage/log_config.h"
#include "scenarios/did_you_mean.h"

namespace ksim::scenarios {

namespace {

using sim::SimDuration;
using sim::cluster::BrokerConfig;

std::string_view broker_config_trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0) {
    text.remove_suffix(1);
  }
  return text;
}

[[noreturn]] void throw_bad_broker_config_value(std::string_view name, std::string_view value,
                                                std::string_view problem) {
  throw std::invalid_argument(
      fmt::format("Invalid value {} for configuration {}: {}", value, name, problem));
}

// Kafka's ConfigDef types: INT, LONG and SHORT parse as Java does (a sign, then digits).
std::int64_t broker_config_integer(std::string_view name, std::string_view raw,
                                   std::string_view type, std::int64_t type_min,
                                   std::int64_t type_max, std::int64_t at_least) {
  std::string_view value = broker_config_trimmed(raw);
  std::string_view digits = value;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  std::int64_t parsed = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), parsed);
  if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() ||
      parsed < type_min || parsed > type_max || (digits.front() == '-' && value.front() == '+')) {
    throw_bad_broker_config_value(name, value, fmt::format("Not a number of type {}", type));
  }
  if (parsed < at_least) {
    throw_bad_broker_config_value(name, value, fmt::format("Value must be at least {}", at_least));
  }
  return parsed;
}

constexpr std::int64_t kNoMinimum = std::numeric_limits<std::int64_t>::min();

std::int32_t broker_config_int(std::string_view name, std::string_view value,
                               std::int64_t at_least = kNoMinimum) {
  return static_cast<std::int32_t>(
      broker_config_integer(name, value, "INT", std::numeric_limits<std::int32_t>::min(),
                            std::numeric_limits<std::int32_t>::max(), at_least));
}

std::int64_t broker_config_long(std::string_view name, std::string_view value,
                                std::int64_t at_least = kNoMinimum) {
  return broker_config_integer(name, value, "LONG", std::numeric_limits<std::int64_t>::min(),
                               std::numeric_limits<std::int64_t>::max(), at_least);
}

std::int16_t broker_config_short(std::string_view name, std::string_view value,
                                 std::int64_t at_least = kNoMinimum) {
  return static_cast<std::int16_t>(
      broker_config_integer(name, value, "SHORT", std::numeric_limits<std::int16_t>::min(),
                            std::numeric_limits<std::int16_t>::max(), at_least));
}

// A DOUBLE between 0 and 1 (log.cleaner.min.cleanable.ratio).
double broker_config_ratio(std::string_view name, std::string_view raw) {
  const std::string_view value = broker_config_trimmed(raw);
  double parsed = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), parsed);
  if (value.empty() || error != std::errc() || end != value.data() + value.size()) {
    throw_bad_broker_config_value(name, value, "Not a number of type DOUBLE");
  }
  if (!(parsed >= 0.0)) throw_bad_broker_config_value(name, value, "Value must be at least 0");
  if (parsed > 1.0) throw_bad_broker_config_value(name, value, "Value must be no more than 1");
  return parsed;
}

bool broker_config_bool(std::string_view name, std::string_view raw) {
  const std::string_view value = broker_config_trimmed(raw);
  std::string lower(value);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "true") return true;
  if (lower == "false") return false;
  throw_bad_broker_config_value(name, value, "Expected value to be either true or false");
}

// A count of `unit_ms` milliseconds (hours, minutes, seconds) as milliseconds; -1 stays -1 for
// the retention settings, where any negative value means "forever".
std::int64_t broker_config_scaled_ms(std::string_view name, std::int64_t count,
                                     std::int64_t unit_ms) {
  std::int64_t ms = 0;
  if (__builtin_mul_overflow(count, unit_ms, &ms)) {
    throw_bad_broker_config_value(name, std::to_string(count), "Value is too large");
  }
  return ms;
}

SimDuration broker_config_duration_ms(std::string_view name, std::string_view value,
                                      std::int64_t at_least) {
  const std::int64_t ms = broker_config_long(name, value, at_least);
  if (ms > std::numeric_limits<std::int64_t>::max() / 1000) {
    throw_bad_broker_config_value(name, broker_config_trimmed(value), "Value is too large");
  }
  return SimDuration::from_ms(ms);
}

std::int64_t broker_config_retention(std::string_view name, std::string_view value,
                                     std::int64_t unit_ms) {
  const std::int64_t count = broker_config_long(name, value);
  return count < 0 ? -1 : broker_config_scaled_ms(name, count, unit_ms);
}

using BrokerConfigSetter = void (*)(BrokerConfig&, std::string_view name, std::string_view value);

struct BrokerConfigEntry {
  std::string_view name;
  BrokerConfigSetter apply;
};

// Kafka's broker configs that ksim models, sorted by name.
// clang-format off
constexpr BrokerConfigEntry kBrokerConfigEntries[] = {
    {"auto.create.topics.enable",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.auto_create_topics_enable = broker_config_bool(n, v);
     }},
    {"auto.leader.rebalance.enable",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.controller.auto_leader_rebalance_enable = broker_config_bool(n, v);
     }},
    {"controlled.shutdown.enable",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.controlled_shutdown_enable = broker_config_bool(n, v);
     }},
    {"controlled.shutdown.max.retries",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.controlled_shutdown_max_retries = broker_config_int(n, v, 0);
     }},
    {"controlled.shutdown.retry.backoff.ms",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.controlled_shutdown_retry_backoff = broker_config_duration_ms(n, v, 0);
     }},
    {"controller.socket.timeout.ms",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.request_timeout = SimDuration::from_ms(broker_config_int(n, v, 1));
     }},
    {"default.replication.factor",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.default_replication_factor = broker_config_int(n, v, 1);
     }},
    {"delete.topic.enable",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.controller.delete_topic_enable = broker_config_bool(n, v);
     }},
    {"group.initial.rebalance.delay.ms",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.group_coordinator.group_initial_rebalance_delay_ms = broker_config_int(n, v, 0);
     }},
    {"group.max.session.timeout.ms",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.group_coordinator.group_max_session_timeout_ms = broker_config_int(n, v, 0);
     }},
    {"group.max.size",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.group_coordinator.group_max_size = broker_config_int(n, v, 1);
     }},
    {"group.min.session.timeout.ms",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.group_coordinator.group_min_session_timeout_ms = broker_config_int(n, v, 0);
     }},
    {"leader.imbalance.check.interval.seconds",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.controller.leader_imbalance_check_interval_ms =
           broker_config_scaled_ms(n, broker_config_long(n, v, 1), 1000);
     }},
    {"leader.imbalance.per.broker.percentage",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.controller.leader_imbalance_per_broker_percentage = broker_config_int(n, v, 0);
     }},
    {"log.cleaner.backoff.ms",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.replication.log_cleaner_backoff_ms = broker_config_long(n, v, 0);
     }},
    {"log.cleaner.delete.retention.ms",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.log.delete_retention_ms = broker_config_long(n, v, 0);
     }},
    {"log.cleaner.min.compaction.lag.ms",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.log.min_compaction_lag_ms = broker_config_long(n, v, 0);
     }},
    {"log.cleaner.enable",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.replication.log_cleaner_enable = broker_config_bool(n, v);
     }},
    {"log.cleaner.min.cleanable.ratio",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.log.min_cleanable_dirty_ratio = broker_config_ratio(n, v);
     }},
    {"log.cleanup.policy",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       // A LIST: items separated by commas, each trimmed.
       std::string items;
       for (char ch : v) {
         if (std::isspace(static_cast<unsigned char>(ch)) == 0) items += ch;
       }
       try {
         c.log.cleanup_policy = storage::parse_cleanup_policy(items);
       } catch (const std::invalid_argument&) {
         throw_bad_broker_config_value(n, broker_config_trimmed(v),
                                       "String must be one of: compact, delete");
       }
     }},
    {"log.flush.offset.checkpoint.interval.ms",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.replication.log_flush_offset_checkpoint_interval_ms = broker_config_int(n, v, 0);
     }},
    {"log.index.interval.bytes",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.log.index_interval_bytes = broker_config_int(n, v, 0);
     }},
    {"log.index.size.max.bytes",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.log.segment_index_bytes = broker_config_int(n, v, 8);
     }},
    {"log.message.timestamp.type",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       const std::string_view type = broker_config_trimmed(v);
       if (type == "CreateTime") {
         c.log.message_timestamp_type = storage::TimestampType::create_time;
       } else if (type == "LogAppendTime") {
         c.log.message_timestamp_type = storage::TimestampType::log_append_time;
       } else {
         throw_bad_broker_config_value(n, type,
                                       "String must be one of: CreateTime, LogAppendTime");
       }
     }},
    {"log.retention.bytes",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       const std::int64_t bytes = broker_config_long(n, v);
       c.log.retention_bytes = bytes < 0 ? -1 : bytes;
     }},
    {"log.retention.hours",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.log.retention_ms = broker_config_retention(n, v, 3600000);
     }},
    {"log.retention.minutes",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.log.retention_ms = broker_config_retention(n, v, 60000);
     }},
    {"log.retention.ms",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.log.retention_ms = broker_config_retention(n, v, 1);
     }},
    {"log.retention.check.interval.ms",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.replication.log_retention_check_interval_ms = broker_config_long(n, v, 1);
     }},
    {"log.roll.hours",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.log.segment_ms = broker_config_scaled_ms(n, broker_config_int(n, v, 1), 3600000);
     }},
    {"log.roll.ms",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.log.segment_ms = broker_config_long(n, v, 1);
     }},
    {"log.segment.bytes",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.log.segment_bytes = broker_config_int(n, v, 14);
     }},
    {"message.max.bytes",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.log.max_message_bytes = broker_config_int(n, v, 0);
     }},
    {"min.insync.replicas",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.replication.min_insync_replicas = broker_config_int(n, v, 1);
     }},
    {"num.partitions",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.num_partitions = broker_config_int(n, v, 1);
     }},
    {"offset.metadata.max.bytes",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.group_coordinator.offset_metadata_max_bytes = broker_config_int(n, v, 0);
     }},
    {"offsets.commit.required.acks",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.group_coordinator.offsets_commit_required_acks = broker_config_short(n, v, -1);
     }},
    {"offsets.commit.timeout.ms",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.group_coordinator.offsets_commit_timeout_ms = broker_config_int(n, v, 1);
     }},
    {"offsets.topic.num.partitions",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.offsets_topic_num_partitions = broker_config_int(n, v, 1);
       c.group_coordinator.offsets_topic_num_partitions = c.offsets_topic_num_partitions;
     }},
    {"offsets.topic.replication.factor",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.offsets_topic_replication_factor = broker_config_short(n, v, 1);
     }},
    {"producer.id.expiration.check.interval.ms",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.replication.producer_id_expiration_check_interval_ms = broker_config_int(n, v, 1);
     }},
    {"producer.id.expiration.ms",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.replication.producer_id_expiration_ms = broker_config_int(n, v, 1);
     }},
    {"replica.fetch.backoff.ms",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.replication.replica_fetch_backoff_ms = broker_config_int(n, v, 0);
     }},
    {"replica.fetch.max.bytes",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.replication.replica_fetch_max_bytes = broker_config_int(n, v, 0);
     }},
    {"replica.fetch.min.bytes",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.replication.replica_fetch_min_bytes = broker_config_int(n, v, 0);
     }},
    {"replica.fetch.response.max.bytes",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.replication.replica_fetch_response_max_bytes = broker_config_int(n, v, 0);
     }},
    {"replica.fetch.wait.max.ms",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.replication.replica_fetch_wait_max_ms = broker_config_int(n, v, 0);
     }},
    {"replica.high.watermark.checkpoint.interval.ms",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.replication.replica_high_watermark_checkpoint_interval_ms =
           broker_config_long(n, v, 1);
     }},
    {"replica.lag.time.max.ms",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.replication.replica_lag_time_max_ms = broker_config_long(n, v, 1);
     }},
    {"replica.socket.timeout.ms",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.request_timeout = SimDuration::from_ms(broker_config_int(n, v, 1));
     }},
    {"request.timeout.ms",
     [](BrokerConfig& c, std::string_view n,
        std::string_view
            v) { c.request_timeout = SimDuration::from_ms(broker_config_int(n, v, 1)); }},
    {"unclean.leader.election.enable",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.controller.unclean_leader_election_enable = broker_config_bool(n, v);
     }},
    {"zookeeper.connection.timeout.ms",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.zookeeper.connection_timeout_ms = broker_config_int(n, v, 1);
     }},
    {"zookeeper.session.timeout.ms",
     [](BrokerConfig& c, std::string_view n, std::string_view v) {
       c.zookeeper.session_timeout_ms = broker_config_int(n, v, 1);
     }},
};
// clang-format on

// Kafka's names a script may reach for that ksim sets itself or does not model, with why.
struct UnmodelledBrokerConfig {
  std::string_view name;
  std::string_view why;
};

constexpr UnmodelledBrokerConfig kUnmodelledBrokerConfigs[] = {
    {"broker.id", "ksim numbers the brokers 0 to N-1 (see the 'brokers' line)"},
    {"inter.broker.protocol.version", "write a 'protocol' line instead"},
    {"zookeeper.connect", "there is one ZooKeeper"},
    {"listeners", "the brokers are nodes of the simulated network"},
    {"advertised.listeners", "the brokers are nodes of the simulated network"},
    {"log.dirs", "each broker has one simulated disk"},
    {"log.dir", "each broker has one simulated disk"},
    {"log.flush.interval.messages",
     "brokers fsync when a segment rolls, at checkpoints and on shutdown, as Kafka's defaults do"},
    {"log.flush.interval.ms",
     "brokers fsync when a segment rolls, at checkpoints and on shutdown, as Kafka's defaults do"},
    {"log.flush.scheduler.interval.ms",
     "brokers fsync when a segment rolls, at checkpoints and on shutdown, as Kafka's defaults do"},
};

const BrokerConfigEntry* find_broker_config_entry(std::string_view name) {
  for (const BrokerConfigEntry& entry : kBrokerConfigEntries) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

}  // namespace

void apply_broker_config(BrokerConfig& config, std::string_view name, std::string_view value) {
  if (const BrokerConfigEntry* entry = find_broker_config_entry(name)) {
    entry->apply(config, name, value);
    return;
  }
  for (const UnmodelledBrokerConfig& unmodelled : kUnmodelledBrokerConfigs) {
    if (unmodelled.name == name) {
      throw std::invalid_argument(
          fmt::format("broker config '{}' is not modelled by ksim ({})", name, unmodelled.why));
    }
  }
  throw std::invalid_argument(fmt::format("unknown broker config '{}'{}", name,
                                          did_you_mean(name, known_broker_config_names())));
}

std::vector<std::string> known_broker_config_names() {
  std::vector<std::string> names;
  for (const BrokerConfigEntry& entry : kBrokerConfigEntries) names.emplace_back(entry.name);
  std::sort(names.begin(), names.end());
  return names;
}

bool is_known_broker_config_name(std::string_view name) {
  return find_broker_config_entry(name) != nullptr;
}

}  // namespace ksim::scenarios
