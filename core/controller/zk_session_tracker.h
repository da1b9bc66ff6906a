// SessionTracker: ZooKeeper's sessions and their expiry (SessionTrackerImpl + ExpiryQueue).
//
// Expiry is by buckets of `expiration_interval_ms` (ZooKeeper's tickTime). A session touched at
// time t with timeout T is due at the next multiple of the interval strictly after t + T:
//   expiry = (floor((t + T) / tick) + 1) * tick
// so with tickTime 2000 and Kafka's 18000 ms, a session last heard from at t = 0 expires at
// 20000, and one last heard from at 1999 also expires at 20000 (both land in the same bucket).
// ZooKeeper's tracker thread wakes at each bucket time and expires the whole bucket; here the
// caller calls poll_expired(now) (the server does it before every request) and schedules its
// next wake-up at next_expiry_time().
//
// Session ids are ZooKeeper's: (server id << 56) | ((start time ms << 24) >>> 8), then +1 per
// session. A standalone ZooKeeper uses server id 1, so ids look like 0x1000...0000.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "core/controller/zk_types.h"

namespace ksim::controller::zk {

struct Session {
  SessionId id = 0;
  std::int32_t timeout_ms = 0;
  // The bucket time at which the session expires unless touched before.
  std::int64_t expiry_time_ms = 0;
  // Set when the session is being closed or has expired: it is dead to every request.
  bool closing = false;
};

class SessionTracker {
 public:
  SessionTracker(std::int32_t expiration_interval_ms, std::int64_t server_id, std::int64_t now_ms);

  // SessionTrackerImpl.initializeNextSessionId.
  static SessionId initialize_next_session_id(std::int64_t server_id, std::int64_t now_ms);
  // ExpiryQueue.roundToNextInterval.
  std::int64_t round_to_next_interval(std::int64_t time_ms) const;

  SessionId create_session(std::int32_t timeout_ms, std::int64_t now_ms);
  // touchSession: false (and nothing changes) for an unknown or closing session.
  bool touch_session(SessionId session, std::int64_t now_ms);
  bool is_live(SessionId session) const;
  // Touches every live session at `now_ms`: what ZooKeeper does to the sessions it restores from
  // its snapshot at startup (SessionTrackerImpl adds each with a fresh timeout).
  void touch_all_sessions(std::int64_t now_ms);
  void set_session_closing(SessionId session);
  void remove_session(SessionId session);

  // Marks closing, and returns, every live session whose bucket time is <= now, in bucket order
  // then id order. The sessions stay known (closing) until remove_session.
  std::vector<SessionId> poll_expired(std::int64_t now_ms);
  // The earliest bucket time of a live session; nullopt when there is none.
  std::optional<std::int64_t> next_expiry_time() const;

  const Session* session(SessionId session) const;
  // Every known session, by id.
  const std::map<SessionId, Session>& sessions() const { return sessions_; }
  std::int32_t expiration_interval_ms() const { return expiration_interval_ms_; }

 private:
  void move_to_bucket(Session& session, std::int64_t expiry_time_ms);
  void leave_bucket(const Session& session);

  std::int32_t expiration_interval_ms_;
  SessionId next_session_id_;
  std::map<SessionId, Session> sessions_;
  std::map<std::int64_t, std::set<SessionId>> buckets_;
};

}  // namespace ksim::controller::zk
