// Sessions in expiry buckets of tickTime (ZooKeeper's ExpiryQueue).
#include "core/controller/zk_session_tracker.h"

#include <cassert>
#include <limits>

namespace ksim::controller::zk {

SessionTracker::SessionTracker(std::int32_t expiration_interval_ms, std::int64_t server_id,
                               std::int64_t now_ms)
    : expiration_interval_ms_(expiration_interval_ms),
      next_session_id_(initialize_next_session_id(server_id, now_ms)) {
  assert(expiration_interval_ms > 0);
}

SessionId SessionTracker::initialize_next_session_id(std::int64_t server_id, std::int64_t now_ms) {
  // Java: ((now << 24) >>> 8) | (id << 56), in 64-bit two's complement.
  const std::uint64_t time_bits = (static_cast<std::uint64_t>(now_ms) << 24) >> 8;
  const std::uint64_t id_bits = static_cast<std::uint64_t>(server_id) << 56;
  auto next = static_cast<SessionId>(time_bits | id_bits);
  // ZooKeeper skips Long.MIN_VALUE (the container marker); ksim also skips 0, which would read as
  // "persistent" in ephemeralOwner (only reachable with server id 0 at time 0).
  if (next == std::numeric_limits<SessionId>::min() || next == 0) ++next;
  return next;
}

std::int64_t SessionTracker::round_to_next_interval(std::int64_t time_ms) const {
  return (time_ms / expiration_interval_ms_ + 1) * expiration_interval_ms_;
}

SessionId SessionTracker::create_session(std::int32_t timeout_ms, std::int64_t now_ms) {
  const SessionId id = next_session_id_++;
  Session& session = sessions_[id];
  session.id = id;
  session.timeout_ms = timeout_ms;
  move_to_bucket(session, round_to_next_interval(now_ms + timeout_ms));
  return id;
}

bool SessionTracker::touch_session(SessionId id, std::int64_t now_ms) {
  const auto it = sessions_.find(id);
  if (it == sessions_.end() || it->second.closing) return false;
  move_to_bucket(it->second, round_to_next_interval(now_ms + it->second.timeout_ms));
  return true;
}

void SessionTracker::touch_all_sessions(std::int64_t now_ms) {
  for (auto& [id, session] : sessions_) {
    if (!session.closing)
      move_to_bucket(session, round_to_next_interval(now_ms + session.timeout_ms));
  }
}

bool SessionTracker::is_live(SessionId id) const {
  const auto it = sessions_.find(id);
  return it != sessions_.end() && !it->second.closing;
}

void SessionTracker::set_session_closing(SessionId id) {
  const auto it = sessions_.find(id);
  if (it == sessions_.end() || it->second.closing) return;
  leave_bucket(it->second);
  it->second.closing = true;
}

void SessionTracker::remove_session(SessionId id) {
  const auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  if (!it->second.closing) leave_bucket(it->second);
  sessions_.erase(it);
}

std::vector<SessionId> SessionTracker::poll_expired(std::int64_t now_ms) {
  std::vector<SessionId> expired;
  while (!buckets_.empty() && buckets_.begin()->first <= now_ms) {
    const std::set<SessionId> bucket = buckets_.begin()->second;
    for (const SessionId id : bucket) {
      set_session_closing(id);
      expired.push_back(id);
    }
  }
  return expired;
}

std::optional<std::int64_t> SessionTracker::next_expiry_time() const {
  if (buckets_.empty()) return std::nullopt;
  return buckets_.begin()->first;
}

const Session* SessionTracker::session(SessionId id) const {
  const auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : &it->second;
}

void SessionTracker::move_to_bucket(Session& session, std::int64_t expiry_time_ms) {
  leave_bucket(session);
  session.expiry_time_ms = expiry_time_ms;
  buckets_[expiry_time_ms].insert(session.id);
}

void SessionTracker::leave_bucket(const Session& session) {
  const auto it = buckets_.find(session.expiry_time_ms);
  if (it == buckets_.end()) return;
  it->second.erase(session.id);
  if (it->second.empty()) buckets_.erase(it);
}

}  // namespace ksim::controller::zk
