// The server's side of ZooKeeper's client protocol: a ConnectRequest or a Request applied to a
// ZooKeeperServer, and the answer to send back (ZooKeeper's FinalRequestProcessor). Whoever
// hosts the server (the simulated zookeeper node, a test's loopback) owns the connections and
// delivers the watch events the server queued (take_watch_events) before the answer.
#pragma once

#include <cstdint>

#include "core/controller/zk_protocol.h"
#include "core/controller/zk_server.h"

namespace ksim::controller::zk {

// Session 0 creates a session; another id resumes it when it is live (a heartbeat) and answers
// timeout 0 when it expired, was closed or is unknown.
ConnectResponse process_connect(ZooKeeperServer& server, const ConnectRequest& request,
                                std::int64_t now_ms);

// Applies one request of `session`. The answer carries the request's xid and the server's last
// zxid. A bad path is the client's bug (ZkClient checks before sending): it throws
// InvalidPathError.
Response process_request(ZooKeeperServer& server, SessionId session, const Request& request,
                         std::int64_t now_ms);

}  // namespace ksim::controller::zk
