// The split syntax of fault commands: sides separated by '|', nodes on a side by ','. A node
// is named by its name or alias ("1", "broker 1", "zookeeper"); spaces around names are
// ignored. `*` stands for every node named on no other side, on at most one side.
//
//   "1,2 | 3"                   brokers 1 and 2 on one side, broker 3 on the other
//   "1 | 2 | 3"                 three sides
//   "1,zookeeper | *"           broker 1 and ZooKeeper against everyone else
//
// Nodes on no side (and without `*`) keep all their links: they see every side, the way a
// ZooKeeper ensemble outside a broker partition does (a "bridge"). Name them to place them.
// Errors throw NetworkError with the column (1-based) and the whole text:
//   "unknown node '7' at column 7 in split '1,2 | 7'".
#pragma once

#include <string_view>
#include <vector>

#include "sim/kernel/event.h"
#include "sim/network/topology.h"

namespace ksim::sim::network {

// The sides named by `text`, each in the order written. At least two sides, none empty.
std::vector<std::vector<NodeId>> parse_split(std::string_view text, const Topology& topology);

}  // namespace ksim::sim::network
