// The multi-broker quickstart as a lesson on the simulated cluster (the first part of
// `ksim classroom`): three brokers and ZooKeeper, a topic with replication factor 3, two
// messages, kill -9 of the leader, the failover as the brokers and the controller report it, and
// the messages read back from the new leader.
#pragma once

#include <cstdint>
#include <ostream>

namespace ksim::cli {

// Prints the transcript; returns false if the cluster did not behave as the lesson says.
bool run_quickstart_lesson(std::ostream& out, std::uint64_t seed);

}  // namespace ksim::cli
