// The znode tree: transactions, reads with watches, ephemeral bookkeeping (ZooKeeper's DataTree).
#include "core/controller/zk_data_tree.h"

#include <cassert>
#include <utility>

#include "core/controller/zk_path.h"

namespace ksim::controller::zk {
namespace {

// Java int arithmetic: wraps instead of overflowing.
std::int32_t java_int(std::int64_t value) {
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(static_cast<std::uint64_t>(value)));
}

}  // namespace

Stat DataNode::to_stat() const {
  const auto num_children = static_cast<std::int32_t>(children.size());
  Stat result;
  result.czxid = stat.czxid;
  result.mzxid = stat.mzxid;
  result.ctime = stat.ctime;
  result.mtime = stat.mtime;
  result.version = stat.version;
  result.cversion = java_int(std::int64_t{stat.cversion} * 2 - num_children);
  result.aversion = stat.aversion;
  result.ephemeral_owner = stat.ephemeral_owner;
  result.data_length = data ? static_cast<std::int32_t>(data->size()) : 0;
  result.num_children = num_children;
  result.pzxid = stat.pzxid;
  return result;
}

DataTree::DataTree() {
  // ZooKeeper's DataTree constructor: the root, the /zookeeper "proc" node and its quota and
  // (3.5+) config children, with empty data and zero stats. No transaction made them, so their
  // stored cversion stays 0 with children present.
  nodes_["/"].children.insert("zookeeper");
  nodes_["/zookeeper"].children = {"config", "quota"};
  nodes_["/zookeeper/quota"].data = std::string();
  nodes_["/zookeeper/config"].data = std::string();
  nodes_["/"].data = std::string();
  nodes_["/zookeeper"].data = std::string();
}

const DataNode* DataTree::node(std::string_view path) const {
  const auto it = nodes_.find(path);
  return it == nodes_.end() ? nullptr : &it->second;
}

bool DataTree::is_special_path(std::string_view path) {
  return path == "/" || path == "/zookeeper" || path == "/zookeeper/quota" ||
         path == "/zookeeper/config";
}

DataNode& DataTree::existing(std::string_view path) {
  const auto it = nodes_.find(path);
  assert(it != nodes_.end());
  return it->second;
}

void DataTree::notify(const std::vector<SessionId>& sessions, EventType type, std::string_view path,
                      Zxid zxid) {
  for (const SessionId session : sessions) {
    events_.push_back(WatchedEvent{session, type, std::string(path), zxid});
  }
}

void DataTree::create_node(std::string_view path, ZNodeData data, SessionId ephemeral_owner,
                           std::int32_t parent_cversion, Zxid zxid, std::int64_t time_ms) {
  const std::string_view parent_name = parent_path(path);
  DataNode& parent = existing(parent_name);
  assert(!nodes_.contains(path));
  if (parent_cversion > parent.stat.cversion) {
    parent.stat.cversion = parent_cversion;
    parent.stat.pzxid = zxid;
  }
  parent.children.emplace(node_name(path));

  DataNode child;
  child.data = std::move(data);
  child.stat.czxid = zxid;
  child.stat.mzxid = zxid;
  child.stat.pzxid = zxid;
  child.stat.ctime = time_ms;
  child.stat.mtime = time_ms;
  child.stat.ephemeral_owner = ephemeral_owner;
  nodes_.emplace(std::string(path), std::move(child));
  if (ephemeral_owner != 0) ephemerals_[ephemeral_owner].emplace(path);

  notify(data_watches_.trigger_watch(path), EventType::NodeCreated, path, zxid);
  notify(child_watches_.trigger_watch(parent_name), EventType::NodeChildrenChanged, parent_name,
         zxid);
}

void DataTree::delete_node(std::string_view path, Zxid zxid) {
  const std::string_view parent_name = parent_path(path);
  DataNode& parent = existing(parent_name);
  parent.children.erase(parent.children.find(node_name(path)));
  if (zxid > parent.stat.pzxid) parent.stat.pzxid = zxid;

  const auto it = nodes_.find(path);
  assert(it != nodes_.end() && it->second.children.empty());
  const SessionId owner = it->second.stat.ephemeral_owner;
  const std::string deleted_path = it->first;
  nodes_.erase(it);
  if (owner != 0) {
    const auto owned = ephemerals_.find(owner);
    if (owned != ephemerals_.end()) {
      owned->second.erase(deleted_path);
      if (owned->second.empty()) ephemerals_.erase(owned);
    }
  }

  const std::vector<SessionId> processed = data_watches_.trigger_watch(deleted_path);
  notify(processed, EventType::NodeDeleted, deleted_path, zxid);
  notify(child_watches_.trigger_watch(deleted_path, processed), EventType::NodeDeleted,
         deleted_path, zxid);
  const std::string parent_copy(parent_path(deleted_path));
  notify(child_watches_.trigger_watch(parent_copy), EventType::NodeChildrenChanged, parent_copy,
         zxid);
}

void DataTree::set_data(std::string_view path, ZNodeData data, std::int32_t version, Zxid zxid,
                        std::int64_t time_ms) {
  DataNode& target = existing(path);
  target.data = std::move(data);
  target.stat.mtime = time_ms;
  target.stat.mzxid = zxid;
  target.stat.version = version;
  notify(data_watches_.trigger_watch(path), EventType::NodeDataChanged, path, zxid);
}

void DataTree::kill_session(SessionId session, Zxid zxid) {
  for (const std::string& path : ephemerals(session)) delete_node(path, zxid);
}

const DataNode* DataTree::get_data(std::string_view path, SessionId watcher) {
  const DataNode* found = node(path);
  if (found != nullptr && watcher != 0) data_watches_.add_watch(path, watcher);
  return found;
}

const DataNode* DataTree::stat_node(std::string_view path, SessionId watcher) {
  if (watcher != 0) data_watches_.add_watch(path, watcher);
  return node(path);
}

const DataNode* DataTree::get_children(std::string_view path, SessionId watcher) {
  const DataNode* found = node(path);
  if (found != nullptr && watcher != 0) child_watches_.add_watch(path, watcher);
  return found;
}

void DataTree::remove_watches(SessionId session) {
  data_watches_.remove_session(session);
  child_watches_.remove_session(session);
}

std::vector<std::string> DataTree::ephemerals(SessionId session) const {
  const auto it = ephemerals_.find(session);
  if (it == ephemerals_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

std::vector<WatchedEvent> DataTree::take_events() { return std::exchange(events_, {}); }

}  // namespace ksim::controller::zk
