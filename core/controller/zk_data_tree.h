// DataTree: ZooKeeper's in-memory tree of znodes, the ephemeral nodes of each session, and the
// data and child watches. It applies transactions the server has already checked (a broken
// precondition here is a programmer error, asserted) and queues the watch events they fire.
//
// A fresh tree holds what a fresh ZooKeeper 3.5+ server holds: "/", "/zookeeper",
// "/zookeeper/quota" and "/zookeeper/config", all with zero stats. Children are kept sorted by
// name so every listing and dump is deterministic.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/controller/zk_types.h"
#include "core/controller/zk_watch_manager.h"

namespace ksim::controller::zk {

// The stat ZooKeeper stores (StatPersisted). Its `cversion` counts the children ever created
// under the node; deletes do not change it. That count also numbers sequential children.
struct StatPersisted {
  Zxid czxid = 0;
  Zxid mzxid = 0;
  std::int64_t ctime = 0;
  std::int64_t mtime = 0;
  std::int32_t version = 0;
  std::int32_t cversion = 0;
  std::int32_t aversion = 0;
  SessionId ephemeral_owner = 0;
  Zxid pzxid = 0;
};

struct DataNode {
  ZNodeData data;
  StatPersisted stat;
  std::set<std::string, std::less<>> children;

  // The Stat a client sees (DataNode.copyStat): cversion is reported as
  // 2 * creates - numChildren, ZooKeeper's translation to "changes to the children" (every
  // create but those still present was matched by a delete). So a fresh root, with one child
  // ("zookeeper") it never created, shows cversion = -1.
  Stat to_stat() const;
};

class DataTree {
 public:
  DataTree();

  // nullptr when there is no such znode.
  const DataNode* node(std::string_view path) const;
  std::size_t node_count() const { return nodes_.size(); }
  // "/", "/zookeeper", "/zookeeper/quota", "/zookeeper/config": a delete of them is BADARGUMENTS.
  static bool is_special_path(std::string_view path);

  // Transactions. `parent_cversion` is the parent's new stored cversion (the server's count of
  // creates plus one); the parent's pzxid moves to `zxid` on every create and delete under it.
  void create_node(std::string_view path, ZNodeData data, SessionId ephemeral_owner,
                   std::int32_t parent_cversion, Zxid zxid, std::int64_t time_ms);
  void delete_node(std::string_view path, Zxid zxid);
  // `version` is the new dataVersion.
  void set_data(std::string_view path, ZNodeData data, std::int32_t version, Zxid zxid,
                std::int64_t time_ms);
  // Deletes every ephemeral node of `session` (closeSession), in path order, all at `zxid`.
  void kill_session(SessionId session, Zxid zxid);

  // Reads that may leave a watch for `watcher` (0: none), as ZooKeeper's DataTree does:
  // get_data and get_children set no watch on a missing node; stat_node (exists) sets its data
  // watch first, so a watch on a missing node fires NodeCreated.
  const DataNode* get_data(std::string_view path, SessionId watcher);
  const DataNode* stat_node(std::string_view path, SessionId watcher);
  const DataNode* get_children(std::string_view path, SessionId watcher);
  void remove_watches(SessionId session);

  // The paths of a session's ephemeral nodes, sorted.
  std::vector<std::string> ephemerals(SessionId session) const;
  const WatchManager& data_watches() const { return data_watches_; }
  const WatchManager& child_watches() const { return child_watches_; }

  // The watch events fired since the last call, in the order they fired.
  std::vector<WatchedEvent> take_events();

 private:
  DataNode& existing(std::string_view path);
  void notify(const std::vector<SessionId>& sessions, EventType type, std::string_view path,
              Zxid zxid);

  std::map<std::string, DataNode, std::less<>> nodes_;
  std::map<SessionId, std::set<std::string, std::less<>>> ephemerals_;
  WatchManager data_watches_;
  WatchManager child_watches_;
  std::vector<WatchedEvent> events_;
};

}  // namespace ksim::controller::zk
