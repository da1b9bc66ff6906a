// kafka-topics.sh --describe's output (internal to topic_command.cpp): the topic lines and
// partition lines for the topics already selected, in the format of the Kafka release.
#pragma once

#include <string>
#include <vector>

#include "core/controller/cluster_metadata.h"
#include "core/controller/topic_command.h"

namespace ksim::controller {

// Appends the description of `topics` (sorted names, each in `cluster`) to `out`.
void describe_topics(const ClusterMetadata& cluster, const TopicCommandOptions& options,
                     const TopicCommandEnvironment& environment,
                     const std::vector<std::string>& topics, std::string& out);

}  // namespace ksim::controller
