// WatchManager: ZooKeeper's table of one-shot watches, path -> the sessions watching it. A
// DataTree keeps two: data watches (set by getData and exists) and child watches (set by
// getChildren). A session watches a path at most once per table; triggering a path removes all
// its watches. Sessions come back in ascending id order (ZooKeeper uses a HashSet; ksim fixes an
// order so runs replay identically).
#pragma once

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/controller/zk_types.h"

namespace ksim::controller::zk {

class WatchManager {
 public:
  void add_watch(std::string_view path, SessionId session);

  // Removes every watch on `path` and returns the sessions to notify, ascending, leaving out
  // those in `suppress` (their watch is removed all the same: ZooKeeper's triggerWatch with a
  // suppress set, used so a session watching a deleted node's data and children hears
  // NodeDeleted once).
  std::vector<SessionId> trigger_watch(std::string_view path,
                                       const std::vector<SessionId>& suppress = {});

  // A session that closed or expired watches nothing any more.
  void remove_session(SessionId session);

  bool contains(std::string_view path, SessionId session) const;
  // The paths a session watches, sorted (for the GUI and tests).
  std::vector<std::string> paths_watched_by(SessionId session) const;
  // The number of (path, session) watches.
  std::size_t size() const { return size_; }

 private:
  std::map<std::string, std::set<SessionId>, std::less<>> watch_table_;
  std::map<SessionId, std::set<std::string, std::less<>>> watches_by_session_;
  std::size_t size_ = 0;
};

}  // namespace ksim::controller::zk
