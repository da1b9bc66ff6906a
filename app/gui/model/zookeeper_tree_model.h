// ZooKeeperTreeModel: what the ZooKeeper panel draws: the znode tree, live from the cluster's
// ZooKeeper data tree, as the rows a tree view shows (only under expanded nodes), and the
// selected znode's data (pretty-printed JSON when it parses) and stat. The expanded paths and the
// selection are kept by path, so they survive the tree changing under them.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/controller/zk_data_tree.h"
#include "sim/cluster/kafka_cluster.h"

namespace ksim::gui::model {

struct ZnodeRow {
  std::string path;  // "/brokers/ids/0"
  std::string name;  // "0" ("/" for the root)
  int depth = 0;     // the root is 0
  std::size_t child_count = 0;
  bool expanded = false;
  bool ephemeral = false;
  // The zxids of its last change and of its children's last change: a panel highlights the
  // znodes changed since a zxid it remembers.
  std::int64_t mzxid = 0;
  std::int64_t pzxid = 0;
};

struct ZnodeDetails {
  std::string path;
  bool exists = false;
  bool has_data = false;              // false: the znode's data is null
  bool json = false;                  // the data parsed as JSON: `data` is pretty-printed
  std::string data;                   // pretty JSON, or the data as stored
  std::vector<std::string> children;  // names, sorted
  controller::zk::Stat stat;  // what a client sees (czxid, mzxid, version, ephemeralOwner, ...)
};

class ZooKeeperTreeModel {
 public:
  ZooKeeperTreeModel();  // the root is expanded

  // The tree of a cluster (its ZooKeeper server's); none before the server first started.
  static const controller::zk::DataTree* tree_of(sim::cluster::KafkaCluster& cluster);

  // The visible rows, depth first, children in name order.
  std::vector<ZnodeRow> rows(const controller::zk::DataTree& tree) const;
  std::vector<ZnodeRow> rows(sim::cluster::KafkaCluster& cluster) const;

  bool expanded(const std::string& path) const { return expanded_.count(path) != 0; }
  void set_expanded(const std::string& path, bool expanded);
  void toggle(const std::string& path) { set_expanded(path, !expanded(path)); }
  // Expands `path` and every ancestor (to reveal a node).
  void expand_to(const std::string& path);

  void select(const std::string& path) { selected_ = path; }
  const std::optional<std::string>& selected() const { return selected_; }

  // One znode's data and stat, now.
  static ZnodeDetails details(const controller::zk::DataTree& tree, const std::string& path);
  // The data as the panel shows it: pretty JSON (2 spaces) when it parses, else as stored.
  static std::string pretty_data(const std::string& data, bool* is_json = nullptr);

 private:
  void add_rows(const controller::zk::DataTree& tree, const std::string& path, int depth,
                std::vector<ZnodeRow>& out) const;

  std::set<std::string> expanded_;
  std::optional<std::string> selected_;
};

}  // namespace ksim::gui::model
