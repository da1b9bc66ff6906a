// One request of ZooKeeper's client protocol applied to the state machine.
#include "core/controller/zk_request_processor.h"

#include <type_traits>
#include <variant>

namespace ksim::controller::zk {

ConnectResponse process_connect(ZooKeeperServer& server, const ConnectRequest& request,
                                std::int64_t now_ms) {
  if (request.session_id == 0) {
    const SessionInfo created = server.create_session(request.timeout_ms, now_ms);
    return ConnectResponse{created.session_id, created.timeout_ms};
  }
  // ZooKeeper's reopenSession: revalidate (touch) the session, or tell the client it is gone.
  if (server.ping(request.session_id, now_ms) != Code::OK) {
    return ConnectResponse{request.session_id, 0};
  }
  const Session* session = server.session_tracker().session(request.session_id);
  return ConnectResponse{request.session_id, session->timeout_ms};
}

Response process_request(ZooKeeperServer& server, SessionId session, const Request& request,
                         std::int64_t now_ms) {
  ResponseBody body = std::visit(
      [&](const auto& op) -> ResponseBody {
        using T = std::decay_t<decltype(op)>;
        if constexpr (std::is_same_v<T, CreateOp>) {
          return server.create(session, op.path, op.data, op.mode, now_ms);
        } else if constexpr (std::is_same_v<T, DeleteOp>) {
          return server.delete_node(session, op.path, op.version, now_ms);
        } else if constexpr (std::is_same_v<T, SetDataOp>) {
          return server.set_data(session, op.path, op.data, op.version, now_ms);
        } else if constexpr (std::is_same_v<T, GetDataOp>) {
          return server.get_data(session, op.path, op.watch, now_ms);
        } else if constexpr (std::is_same_v<T, ExistsOp>) {
          return server.exists(session, op.path, op.watch, now_ms);
        } else if constexpr (std::is_same_v<T, GetChildrenOp>) {
          return server.get_children(session, op.path, op.watch, now_ms);
        } else if constexpr (std::is_same_v<T, MultiOp>) {
          return server.multi(session, op.ops, now_ms);
        } else if constexpr (std::is_same_v<T, PingOp>) {
          return server.ping(session, now_ms);
        } else {
          static_assert(std::is_same_v<T, CloseSessionOp>);
          return server.close_session(session, now_ms);
        }
      },
      request.body);
  return Response{request.xid, server.last_zxid(), std::move(body)};
}

}  // namespace ksim::controller::zk
