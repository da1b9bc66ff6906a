// ZooKeeperTreeModel: see zookeeper_tree_model.h.
#include "app/gui/model/zookeeper_tree_model.h"

#include <nlohmann/json.hpp>

namespace ksim::gui::model {

namespace {

std::string child_path(const std::string& parent, const std::string& name) {
  return parent == "/" ? "/" + name : parent + "/" + name;
}

}  // namespace

ZooKeeperTreeModel::ZooKeeperTreeModel() { expanded_.insert("/"); }

const controller::zk::DataTree* ZooKeeperTreeModel::tree_of(sim::cluster::KafkaCluster& cluster) {
  if (!cluster.zookeeper().has_server()) return nullptr;
  return &cluster.zookeeper().server().data_tree();
}

void ZooKeeperTreeModel::set_expanded(const std::string& path, bool expanded) {
  if (expanded) {
    expanded_.insert(path);
  } else {
    expanded_.erase(path);
  }
}

void ZooKeeperTreeModel::expand_to(const std::string& path) {
  expanded_.insert("/");
  for (std::size_t slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    expanded_.insert(path.substr(0, slash));
  }
  expanded_.insert(path);
}

std::vector<ZnodeRow> ZooKeeperTreeModel::rows(const controller::zk::DataTree& tree) const {
  std::vector<ZnodeRow> out;
  add_rows(tree, "/", 0, out);
  return out;
}

std::vector<ZnodeRow> ZooKeeperTreeModel::rows(sim::cluster::KafkaCluster& cluster) const {
  const controller::zk::DataTree* tree = tree_of(cluster);
  return tree == nullptr ? std::vector<ZnodeRow>{} : rows(*tree);
}

void ZooKeeperTreeModel::add_rows(const controller::zk::DataTree& tree, const std::string& path,
                                  int depth, std::vector<ZnodeRow>& out) const {
  const controller::zk::DataNode* node = tree.node(path);
  if (node == nullptr) return;
  ZnodeRow row;
  row.path = path;
  row.name = path == "/" ? "/" : path.substr(path.rfind('/') + 1);
  row.depth = depth;
  row.child_count = node->children.size();
  row.expanded = expanded(path);
  row.ephemeral = node->stat.ephemeral_owner != 0;
  row.mzxid = node->stat.mzxid;
  row.pzxid = node->stat.pzxid;
  out.push_back(std::move(row));
  if (!expanded(path)) return;
  for (const std::string& child : node->children) {
    add_rows(tree, child_path(path, child), depth + 1, out);
  }
}

std::string ZooKeeperTreeModel::pretty_data(const std::string& data, bool* is_json) {
  if (is_json != nullptr) *is_json = false;
  // Only objects and arrays count as JSON here: "1" or "true" stay as stored.
  const std::size_t first = data.find_first_not_of(" \t\r\n");
  if (first == std::string::npos || (data[first] != '{' && data[first] != '[')) return data;
  nlohmann::ordered_json parsed = nlohmann::ordered_json::parse(data, nullptr, false);
  if (parsed.is_discarded()) return data;
  if (is_json != nullptr) *is_json = true;
  return parsed.dump(2);
}

ZnodeDetails ZooKeeperTreeModel::details(const controller::zk::DataTree& tree,
                                         const std::string& path) {
  ZnodeDetails out;
  out.path = path;
  const controller::zk::DataNode* node = tree.node(path);
  if (node == nullptr) return out;
  out.exists = true;
  out.has_data = node->data.has_value();
  if (node->data) out.data = pretty_data(*node->data, &out.json);
  out.children.assign(node->children.begin(), node->children.end());
  out.stat = node->to_stat();
  return out;
}

}  // namespace ksim::gui::model
