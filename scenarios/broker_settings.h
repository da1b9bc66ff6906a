// server.properties for the simulated brokers: Kafka's broker config names ("min.insync.replicas")
// mapped onto sim::cluster::BrokerConfig and the core structs it holds, with Kafka's types,
// ranges and error words. The scenario parser checks `broker-config` lines with it; the runner
// applies them with it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sim/cluster/broker_config.h"

namespace ksim::scenarios {

// Sets one broker config by Kafka's name from its server.properties text. Throws
// std::invalid_argument with a message naming the problem:
//   an unknown name       "unknown broker config 'min.insync.replica' (did you mean
//                          'min.insync.replicas'?)"
//   Kafka's, not modelled "broker config 'log.flush.interval.messages' is not modelled by ksim
//                          (...why...)"
//   a bad value           Kafka's words: "Invalid value abc for configuration
//                          min.insync.replicas: Not a number of type INT", "... Value must be at
//                          least 1", "... Expected value to be either true or false"
// Values are trimmed as Kafka trims them; booleans are case-insensitive. Names that set one
// field in different units (log.retention.hours / .minutes / .ms, log.roll.hours / .ms) apply in
// the order given: the last one wins (Kafka gives the finest unit precedence instead).
// Checks each value alone; cross-field rules (replica.fetch.wait.max.ms <=
// replica.lag.time.max.ms) are ReplicationConfig::validate's.
void apply_broker_config(sim::cluster::BrokerConfig& config, std::string_view name,
                         std::string_view value);

// Every name apply_broker_config accepts, sorted.
std::vector<std::string> known_broker_config_names();

bool is_known_broker_config_name(std::string_view name);

}  // namespace ksim::scenarios
