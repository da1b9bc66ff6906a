// server.properties names onto BrokerConfig: every known name sets its field, in Kafka's units;
// bad names and values are refused in Kafka's words.
#include "scenarios/broker_settings.h"

#include <catch2/catch.hpp>
#include <stdexcept>

using namespace ksim::scenarios;
using ksim::sim::SimDuration;
using ksim::sim::cluster::BrokerConfig;

namespace {

BrokerConfig config_with(std::string_view name, std::string_view value) {
  BrokerConfig config;
  apply_broker_config(config, name, value);
  return config;
}

std::string config_problem(std::string_view name, std::string_view value) {
  BrokerConfig config;
  try {
    apply_broker_config(config, name, value);
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "(applied)";
}

}  // namespace

TEST_CASE("replication settings") {
  CHECK(config_with("min.insync.replicas", "2").replication.min_insync_replicas == 2);
  CHECK(config_with("replica.lag.time.max.ms", "10000").replication.replica_lag_time_max_ms == 10000);
  CHECK(config_with("replica.fetch.wait.max.ms", "100").replication.replica_fetch_wait_max_ms == 100);
  CHECK(config_with("replica.fetch.min.bytes", "1024").replication.replica_fetch_min_bytes == 1024);
  CHECK(config_with("replica.fetch.max.bytes", "2048").replication.replica_fetch_max_bytes == 2048);
  CHECK(config_with("replica.fetch.response.max.bytes", "4096")
            .replication.replica_fetch_response_max_bytes == 4096);
  CHECK(config_with("replica.fetch.backoff.ms", "50").replication.replica_fetch_backoff_ms == 50);
  CHECK(config_with("replica.high.watermark.checkpoint.interval.ms", "1000")
            .replication.replica_high_watermark_checkpoint_interval_ms == 1000);
  CHECK(config_with("log.flush.offset.checkpoint.interval.ms", "30000")
            .replication.log_flush_offset_checkpoint_interval_ms == 30000);
  CHECK(config_with("producer.id.expiration.ms", "60000").replication.producer_id_expiration_ms == 60000);
  CHECK(config_with("producer.id.expiration.check.interval.ms", "1000")
            .replication.producer_id_expiration_check_interval_ms == 1000);
}

TEST_CASE("log settings, with hours and minutes in milliseconds") {
  CHECK(config_with("log.segment.bytes", "1048576").log.segment_bytes == 1048576);
  CHECK(config_with("log.roll.ms", "60000").log.segment_ms == 60000);
  CHECK(config_with("log.roll.hours", "2").log.segment_ms == 7200000);
  CHECK(config_with("log.index.size.max.bytes", "4096").log.segment_index_bytes == 4096);
  CHECK(config_with("log.index.interval.bytes", "100").log.index_interval_bytes == 100);
  CHECK(config_with("log.retention.ms", "5000").log.retention_ms == 5000);
  CHECK(config_with("log.retention.minutes", "3").log.retention_ms == 180000);
  CHECK(config_with("log.retention.hours", "1").log.retention_ms == 3600000);
  CHECK(config_with("log.retention.hours", "-1").log.retention_ms == -1);
  CHECK(config_with("log.retention.bytes", "1000000").log.retention_bytes == 1000000);
  CHECK(config_with("log.cleanup.policy", "compact").log.cleanup_policy ==
        ksim::storage::CleanupPolicy::compact);
  CHECK(config_with("log.cleanup.policy", "compact, delete").log.cleanup_policy ==
        ksim::storage::CleanupPolicy::compact_and_delete);
  CHECK(config_with("log.cleaner.delete.retention.ms", "1000").log.delete_retention_ms == 1000);
  CHECK(config_with("log.cleaner.min.compaction.lag.ms", "10").log.min_compaction_lag_ms == 10);
  CHECK(config_with("message.max.bytes", "2000000").log.max_message_bytes == 2000000);
  CHECK(config_with("log.message.timestamp.type", "LogAppendTime").log.message_timestamp_type ==
        ksim::storage::TimestampType::log_append_time);
}

TEST_CASE("controller, ZooKeeper and broker settings") {
  CHECK(config_with("unclean.leader.election.enable", "true").controller.unclean_leader_election_enable);
  CHECK(config_with("unclean.leader.election.enable", " TRUE ").controller.unclean_leader_election_enable);
  CHECK_FALSE(config_with("delete.topic.enable", "false").controller.delete_topic_enable);
  CHECK_FALSE(
      config_with("auto.leader.rebalance.enable", "False").controller.auto_leader_rebalance_enable);
  CHECK(config_with("leader.imbalance.check.interval.seconds", "30")
            .controller.leader_imbalance_check_interval_ms == 30000);
  CHECK(config_with("leader.imbalance.per.broker.percentage", "20")
            .controller.leader_imbalance_per_broker_percentage == 20);
  CHECK(config_with("zookeeper.session.timeout.ms", "6000").zookeeper.session_timeout_ms == 6000);
  CHECK(config_with("zookeeper.connection.timeout.ms", "9000").zookeeper.connection_timeout_ms == 9000);
  CHECK(config_with("controller.socket.timeout.ms", "5000").request_timeout == SimDuration::from_ms(5000));
  CHECK(config_with("replica.socket.timeout.ms", "6000").request_timeout == SimDuration::from_ms(6000));
  CHECK(config_with("request.timeout.ms", "7000").request_timeout == SimDuration::from_ms(7000));
  CHECK_FALSE(config_with("controlled.shutdown.enable", "false").controlled_shutdown_enable);
  CHECK(config_with("controlled.shutdown.max.retries", "1").controlled_shutdown_max_retries == 1);
  CHECK(config_with("controlled.shutdown.retry.backoff.ms", "250").controlled_shutdown_retry_backoff ==
        SimDuration::from_ms(250));
  CHECK_FALSE(config_with("auto.create.topics.enable", "false").auto_create_topics_enable);
  CHECK(config_with("num.partitions", "6").num_partitions == 6);
  CHECK(config_with("default.replication.factor", "3").default_replication_factor == 3);
  const BrokerConfig offsets = config_with("offsets.topic.num.partitions", "3");
  CHECK(offsets.offsets_topic_num_partitions == 3);
  CHECK(offsets.group_coordinator.offsets_topic_num_partitions == 3);
  CHECK(config_with("offsets.topic.replication.factor", "1").offsets_topic_replication_factor == 1);
  CHECK(config_with("group.initial.rebalance.delay.ms", "0")
            .group_coordinator.group_initial_rebalance_delay_ms == 0);
  CHECK(
      config_with("group.min.session.timeout.ms", "100").group_coordinator.group_min_session_timeout_ms ==
      100);
  CHECK(config_with("group.max.session.timeout.ms", "60000")
            .group_coordinator.group_max_session_timeout_ms == 60000);
  CHECK(config_with("group.max.size", "10").group_coordinator.group_max_size == 10);
  CHECK(config_with("offset.metadata.max.bytes", "100").group_coordinator.offset_metadata_max_bytes ==
        100);
  CHECK(config_with("offsets.commit.timeout.ms", "100").group_coordinator.offsets_commit_timeout_ms ==
        100);
  CHECK(config_with("offsets.commit.required.acks", "1").group_coordinator.offsets_commit_required_acks ==
        1);
}

TEST_CASE("every known name applies a value of its type, and the list is sorted") {
  const std::vector<std::string> names = known_broker_config_names();
  CHECK(names.size() == 54);
  CHECK(std::is_sorted(names.begin(), names.end()));
  for (const std::string& name : names) {
    CAPTURE(name);
    CHECK(is_known_broker_config_name(name));
    const bool boolean = name.size() > 7 && name.compare(name.size() - 7, 7, ".enable") == 0;
    const std::string value = boolean                                ? "true"
                              : name == "log.cleanup.policy"         ? "delete"
                              : name == "log.message.timestamp.type" ? "CreateTime"
                              : name == "log.cleaner.min.cleanable.ratio" ? "0.25"
                                                                     : "100";
    BrokerConfig config;
    CHECK_NOTHROW(apply_broker_config(config, name, value));
  }
  CHECK_FALSE(is_known_broker_config_name("min.insync.replica"));
}

TEST_CASE("the log cleaner and retention settings") {
  const BrokerConfig config = config_with("log.cleaner.min.cleanable.ratio", "0.25");
  CHECK(config.log.min_cleanable_dirty_ratio == 0.25);
  CHECK(config_with("log.retention.check.interval.ms", "10000")
            .replication.log_retention_check_interval_ms == 10000);
  CHECK(config_with("log.cleaner.backoff.ms", "5000").replication.log_cleaner_backoff_ms == 5000);
  CHECK_FALSE(config_with("log.cleaner.enable", "false").replication.log_cleaner_enable);
  CHECK(config_problem("log.cleaner.min.cleanable.ratio", "1.5") ==
        "Invalid value 1.5 for configuration log.cleaner.min.cleanable.ratio: Value must be no "
        "more than 1");
  CHECK(config_problem("log.cleaner.min.cleanable.ratio", "half") ==
        "Invalid value half for configuration log.cleaner.min.cleanable.ratio: Not a number of "
        "type DOUBLE");
  CHECK(config_problem("log.retention.check.interval.ms", "0") ==
        "Invalid value 0 for configuration log.retention.check.interval.ms: Value must be at "
        "least 1");
}

TEST_CASE("bad names are refused with the closest known name") {
  CHECK(config_problem("min.insync.replica", "2") ==
        "unknown broker config 'min.insync.replica' (did you mean 'min.insync.replicas'?)");
  CHECK(config_problem("unclean.leader.elections.enable", "true") ==
        "unknown broker config 'unclean.leader.elections.enable' (did you mean "
        "'unclean.leader.election.enable'?)");
  CHECK(config_problem("no.such.thing", "1") == "unknown broker config 'no.such.thing'");
  CHECK(config_problem("log.flush.interval.messages", "1") ==
        "broker config 'log.flush.interval.messages' is not modelled by ksim (brokers fsync when "
        "a segment rolls, at checkpoints and on shutdown, as Kafka's defaults do)");
  CHECK(config_problem("broker.id", "1") ==
        "broker config 'broker.id' is not modelled by ksim (ksim numbers the brokers 0 to N-1 (see "
        "the 'brokers' line))");
}

TEST_CASE("bad values are refused in Kafka's words") {
  CHECK(config_problem("min.insync.replicas", "abc") ==
        "Invalid value abc for configuration min.insync.replicas: Not a number of type INT");
  CHECK(config_problem("min.insync.replicas", "0") ==
        "Invalid value 0 for configuration min.insync.replicas: Value must be at least 1");
  CHECK(config_problem("min.insync.replicas", "2147483648") ==
        "Invalid value 2147483648 for configuration min.insync.replicas: Not a number of type INT");
  CHECK(config_problem("min.insync.replicas", "") ==
        "Invalid value  for configuration min.insync.replicas: Not a number of type INT");
  CHECK(config_problem("replica.lag.time.max.ms", "1.5") ==
        "Invalid value 1.5 for configuration replica.lag.time.max.ms: Not a number of type LONG");
  CHECK(config_problem("offsets.topic.replication.factor", "40000") ==
        "Invalid value 40000 for configuration offsets.topic.replication.factor: Not a number of "
        "type SHORT");
  CHECK(config_problem("unclean.leader.election.enable", "yes") ==
        "Invalid value yes for configuration unclean.leader.election.enable: Expected value to be "
        "either true or false");
  CHECK(config_problem("log.cleanup.policy", "remove") ==
        "Invalid value remove for configuration log.cleanup.policy: String must be one of: "
        "compact, delete");
  CHECK(config_problem("log.message.timestamp.type", "createtime") ==
        "Invalid value createtime for configuration log.message.timestamp.type: String must be "
        "one of: CreateTime, LogAppendTime");
  CHECK(config_problem("log.segment.bytes", "10") ==
        "Invalid value 10 for configuration log.segment.bytes: Value must be at least 14");
  CHECK(config_problem("leader.imbalance.check.interval.seconds", "9223372036854775807") ==
        "Invalid value 9223372036854775807 for configuration "
        "leader.imbalance.check.interval.seconds: Value is too large");
}

TEST_CASE("a value that fails leaves the config as it was") {
  BrokerConfig config;
  CHECK_THROWS_AS(apply_broker_config(config, "min.insync.replicas", "0"), std::invalid_argument);
  CHECK(config.replication.min_insync_replicas == 1);
}
