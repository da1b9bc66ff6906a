// ZooKeeper's client protocol as plain messages (ZooKeeper's jute records, flattened): what a
// ZkClient sends to the metadata service over one connection and what comes back. A session
// outlives its connections: a client that lost its connection reconnects with its session id
// and, if the session has not expired meanwhile, carries on; otherwise the server answers the
// ConnectRequest with an expired session (timeout 0), as ZooKeeper does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/controller/zk_server.h"
#include "core/controller/zk_types.h"

namespace ksim::controller::zk {

// ConnectRequest: session_id 0 asks for a new session; otherwise the client resumes it.
struct ConnectRequest {
  SessionId session_id = 0;
  std::int32_t timeout_ms = 18000;
  Zxid last_zxid_seen = 0;
};

// ConnectResponse: timeout_ms 0 means the session is expired (the client must start a new one).
struct ConnectResponse {
  SessionId session_id = 0;
  std::int32_t timeout_ms = 0;
  bool expired() const { return timeout_ms <= 0; }
};

// The operations of a request (ZooKeeper's OpCode), each with its arguments.
struct CreateOp {
  std::string path;
  ZNodeData data;
  CreateMode mode = CreateMode::PERSISTENT;
};
struct DeleteOp {
  std::string path;
  std::int32_t version = -1;
};
struct SetDataOp {
  std::string path;
  ZNodeData data;
  std::int32_t version = -1;
};
struct GetDataOp {
  std::string path;
  bool watch = false;
};
struct ExistsOp {
  std::string path;
  bool watch = false;
};
struct GetChildrenOp {
  std::string path;
  bool watch = false;
};
struct MultiOp {
  std::vector<Op> ops;
};
struct PingOp {};
struct CloseSessionOp {};

using RequestBody = std::variant<CreateOp, DeleteOp, SetDataOp, GetDataOp, ExistsOp,
                                 GetChildrenOp, MultiOp, PingOp, CloseSessionOp>;

// A request on an established connection. xid numbers a session's requests from 1 (ZooKeeper
// answers them in order; pings use xid -2).
struct Request {
  std::int32_t xid = 0;
  RequestBody body;
};

// The answer to each operation; a ping or a close answers with `Code` alone.
using ResponseBody = std::variant<CreateResult, Code, SetDataResult, GetDataResult, ExistsResult,
                                  GetChildrenResult, MultiResult>;

struct Response {
  std::int32_t xid = 0;
  Zxid zxid = 0;  // the server's last zxid when it answered
  ResponseBody body;
  // The result code, whatever the operation.
  Code code() const;
};

// A watch fired for this session (ZooKeeper's WatcherEvent, xid -1).
struct WatchNotification {
  WatchedEvent event;
};

// Approximate bytes on the wire, for the network's bandwidth model.
std::size_t wire_size(const ConnectRequest& request);
std::size_t wire_size(const ConnectResponse& response);
std::size_t wire_size(const Request& request);
std::size_t wire_size(const Response& response);
std::size_t wire_size(const WatchNotification& notification);

}  // namespace ksim::controller::zk
