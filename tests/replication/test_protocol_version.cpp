// The protocol version switch: names, and which behaviour belongs to which version.
#include <catch2/catch.hpp>

#include "core/protocol/error_names.h"
#include "core/replication/protocol_version.h"
#include "core/replication/replication_config.h"

using namespace ksim::replication;

TEST_CASE("protocol versions are named as Kafka versions", "[protocol-version]") {
  CHECK(protocol_version_name(ProtocolVersion::v0_10) == "0.10");
  CHECK(protocol_version_name(ProtocolVersion::v3_7) == "3.7");
  CHECK(parse_protocol_version("0.11") == ProtocolVersion::v0_11);
  CHECK(parse_protocol_version("2.0") == ProtocolVersion::v2_0);
  CHECK_FALSE(parse_protocol_version("2.1"));
  CHECK(default_protocol_version == ProtocolVersion::v3_7);
}

TEST_CASE("each version has the behaviours of its Kafka release", "[protocol-version]") {
  CHECK(truncates_to_high_watermark(ProtocolVersion::v0_10));
  CHECK_FALSE(truncates_to_high_watermark(ProtocolVersion::v0_11));
  CHECK(uses_offsets_for_leader_epoch(ProtocolVersion::v0_11));
  CHECK(uses_offsets_for_leader_epoch(ProtocolVersion::v2_0));
  CHECK_FALSE(uses_offsets_for_leader_epoch(ProtocolVersion::v3_7));
  CHECK_FALSE(answers_with_largest_epoch_at_or_below(ProtocolVersion::v0_11));
  CHECK(answers_with_largest_epoch_at_or_below(ProtocolVersion::v2_0));
  CHECK(truncates_on_fetch(ProtocolVersion::v3_7));
  CHECK(freezes_high_watermark_below_min_isr(ProtocolVersion::v3_7));
  CHECK_FALSE(freezes_high_watermark_below_min_isr(ProtocolVersion::v2_0));
}

TEST_CASE("replication settings default to Kafka's and are validated in its words",
          "[protocol-version]") {
  ReplicationConfig config;
  CHECK(config.replica_lag_time_max_ms == 30000);
  CHECK(config.replica_fetch_wait_max_ms == 500);
  CHECK(config.replica_fetch_min_bytes == 1);
  CHECK(config.replica_high_watermark_checkpoint_interval_ms == 5000);
  CHECK(config.isr_expiration_interval_ms() == 15000);
  CHECK(ReplicationConfig::defaults_for(ProtocolVersion::v2_0).replica_lag_time_max_ms == 10000);
  CHECK(ReplicationConfig::defaults_for(ProtocolVersion::v3_7).replica_lag_time_max_ms == 30000);
  CHECK(ReplicationConfig::defaults_for(ProtocolVersion::v0_11).protocol_version ==
        ProtocolVersion::v0_11);
  CHECK_NOTHROW(config.validate());
  config.min_insync_replicas = 0;
  CHECK_THROWS_WITH(config.validate(),
                    "Invalid value 0 for configuration min.insync.replicas: Value must be at "
                    "least 1");
  config.min_insync_replicas = 1;
  config.replica_fetch_wait_max_ms = 40000;
  CHECK_THROWS_WITH(config.validate(),
                    Catch::Contains("replica.fetch.wait.max.ms should always be less than"));
}

TEST_CASE("storage's Kafka error names map back to their codes", "[protocol-version]") {
  using ksim::protocol::Error;
  using ksim::protocol::error_from_name;
  CHECK(error_from_name("MESSAGE_TOO_LARGE") == Error::MESSAGE_TOO_LARGE);
  CHECK(error_from_name("CORRUPT_MESSAGE") == Error::CORRUPT_MESSAGE);
  CHECK(error_from_name("INVALID_RECORD") == Error::INVALID_RECORD);
  CHECK(error_from_name("NONE") == Error::NONE);
  CHECK_FALSE(error_from_name("NO_SUCH_ERROR"));
  CHECK_FALSE(error_from_name("UNKNOWN_SERVER_ERROR"));
}
