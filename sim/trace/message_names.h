// The names a trace gives the cluster's messages: Kafka's requests and responses by their API
// ("FetchRequest", "ProduceResponse") and ZooKeeper's by operation ("zk.getData",
// "zk.getDataResponse", "zk.watch"). The network asks through its MessageNamer only while a
// trace is being written.
#pragma once

#include <string_view>

#include "sim/network/message.h"

namespace ksim::sim::trace {

// Empty for a payload the cluster does not send.
std::string_view cluster_message_name(const network::Message& message);

}  // namespace ksim::sim::trace
