// What `expect` and `wait until` see: a Condition (script.h) evaluated against the running
// cluster, the audit, the clients' histories and the last tool command, with the observed value
// in words for the transcript ("observed [2,0,1]").
#pragma once

#include <string>

#include "scenarios/script.h"
#include "sim/cluster/kafka_cluster.h"

namespace ksim::scenarios {

// What the last foreground command left behind, for `output ...` and `failed ...`.
struct LastCommand {
  std::string output;        // stdout then stderr
  bool failed = false;       // a tool's non-zero exit, or a record not acknowledged
  std::string error;         // the errors it reported (Kafka's names and messages)
  std::string consumer_job;  // the console consumer it ran, if any (for `consumed`)
};

struct Observation {
  bool holds = false;
  std::string observed;  // the value seen, as the condition writes it ("2", "[2,0]", "none")
};

Observation observe(const Condition& condition, sim::cluster::KafkaCluster& cluster,
                    const LastCommand& last);

}  // namespace ksim::scenarios
