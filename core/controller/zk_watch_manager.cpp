// One-shot watches by path, with a reverse index by session.
#include "core/controller/zk_watch_manager.h"

#include <algorithm>

namespace ksim::controller::zk {

void WatchManager::add_watch(std::string_view path, SessionId session) {
  auto it = watch_table_.find(path);
  if (it == watch_table_.end())
    it = watch_table_.emplace(std::string(path), std::set<SessionId>{}).first;
  if (it->second.insert(session).second) {
    watches_by_session_[session].emplace(path);
    ++size_;
  }
}

std::vector<SessionId> WatchManager::trigger_watch(std::string_view path,
                                                   const std::vector<SessionId>& suppress) {
  std::vector<SessionId> notify;
  const auto it = watch_table_.find(path);
  if (it == watch_table_.end()) return notify;
  for (const SessionId session : it->second) {
    auto by_session = watches_by_session_.find(session);
    by_session->second.erase(by_session->second.find(path));
    if (by_session->second.empty()) watches_by_session_.erase(by_session);
    --size_;
    if (std::find(suppress.begin(), suppress.end(), session) == suppress.end()) {
      notify.push_back(session);
    }
  }
  watch_table_.erase(it);
  return notify;
}

void WatchManager::remove_session(SessionId session) {
  const auto by_session = watches_by_session_.find(session);
  if (by_session == watches_by_session_.end()) return;
  for (const std::string& path : by_session->second) {
    const auto it = watch_table_.find(path);
    it->second.erase(session);
    if (it->second.empty()) watch_table_.erase(it);
    --size_;
  }
  watches_by_session_.erase(by_session);
}

bool WatchManager::contains(std::string_view path, SessionId session) const {
  const auto it = watch_table_.find(path);
  return it != watch_table_.end() && it->second.contains(session);
}

std::vector<std::string> WatchManager::paths_watched_by(SessionId session) const {
  const auto it = watches_by_session_.find(session);
  if (it == watches_by_session_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

}  // namespace ksim::controller::zk
