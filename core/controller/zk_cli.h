// ZooKeeper's view of the cluster as zkCli.sh (ZooKeeper 3.5+) prints it, and a tree dump for the
// GUI. Views read the DataTree directly: no session, no watch, no heartbeat.
//
//   ls /brokers/ids          -> "[0, 1, 2]"            (children sorted, as zkCli sorts them)
//   get /brokers/ids         -> "null"                 (null data prints "null")
//   get -s /controller       -> the data, then StatPrinter's eleven lines:
//       cZxid = 0x1a
//       ctime = Sun Apr 14 08:32:10 UTC 2019          (java.util.Date.toString)
//       mZxid = 0x1a
//       mtime = Sun Apr 14 08:32:10 UTC 2019
//       pZxid = 0x1a
//       cversion = 0
//       dataVersion = 0
//       aclVersion = 0
//       ephemeralOwner = 0x100000000000000
//       dataLength = 54
//       numChildren = 0
//   stat <path>              -> the Stat lines only
//   ls -s <path>, ls -R <path>
// Errors print as zkCli prints them: "Node does not exist: /foo", "Path must start with /
// character". Every line ends with '\n'.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/controller/zk_data_tree.h"
#include "core/controller/zk_types.h"

namespace ksim::controller::zk {

// The JVM's default time zone for Date.toString, as a fixed offset and the short name printed
// ("UTC", "CST" +08:00, "EDT" -04:00). No daylight-saving rules: pick the pair in effect.
struct JavaTimeZone {
  std::string name = "UTC";
  std::int32_t offset_minutes = 0;
};

// java.util.Date.toString: "EEE MMM dd HH:mm:ss zzz yyyy", e.g. "Thu Jan 01 00:00:00 UTC 1970".
std::string java_date_to_string(std::int64_t epoch_ms, const JavaTimeZone& zone = {});

// StatPrinter.print: the eleven "name = value" lines.
std::string format_stat(const Stat& stat, const JavaTimeZone& zone = {});

std::string zkcli_ls(const DataTree& tree, std::string_view path, bool with_stat = false,
                     const JavaTimeZone& zone = {});
// ls -R: the path and every path below it, depth first, one per line.
std::string zkcli_ls_recursive(const DataTree& tree, std::string_view path);
std::string zkcli_get(const DataTree& tree, std::string_view path, bool with_stat = false,
                      const JavaTimeZone& zone = {});
std::string zkcli_stat(const DataTree& tree, std::string_view path, const JavaTimeZone& zone = {});

// Runs one read-only zkCli command line: "ls [-s] [-R] path", "get [-s] path", "stat path"
// ("-w" is accepted and ignored: a view sets no watches). A missing path prints the command's
// usage as zkCli does ("ls [-s] [-w] [-R] path"). Throws std::invalid_argument naming the
// command for anything else (write commands need a session; the view has none).
std::string zkcli_run(const DataTree& tree, std::string_view command_line,
                      const JavaTimeZone& zone = {});

// One znode of a tree dump, in depth-first order with children by name.
struct ZNodeTreeEntry {
  std::string path;
  std::string name;  // "/" for the root
  int depth = 0;
  Stat stat;
  ZNodeData data;
};

// The subtree under `root` (throws std::invalid_argument when it does not exist).
std::vector<ZNodeTreeEntry> znode_tree(const DataTree& tree, std::string_view root = "/");

// The same as text, one znode a line, with its data and, for an ephemeral node, its owner:
//   /
//   ├── brokers
//   │   └── ids
//   │       └── 1 = {"features":{},...}  [ephemeral 0x100000000000000]
//   └── zookeeper
std::string znode_tree_text(const DataTree& tree, std::string_view root = "/");

}  // namespace ksim::controller::zk
