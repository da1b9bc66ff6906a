// ZkClient: ClientCnxn's session and connection handling as a state machine. The answers of
// requests are matched by xid; a connection that breaks leaves the requests waiting, and they
// go out again, in xid order, once a new connection has its ConnectResponse.
#include "core/controller/zk_client.h"

#include <algorithm>
#include <utility>

#include "core/controller/zk_path.h"

namespace ksim::controller::zk {
namespace {

constexpr std::int32_t kPingXid = -2;

Code code_of(const ResponseBody& body) { return Response{0, 0, body}.code(); }

// Turns an answer into the callback's result type; a bare code (SESSIONEXPIRED for a request
// that never reached the server, or an error the server answered with its header alone) becomes
// a result carrying just that code.
template <typename Result>
std::function<void(const ResponseBody&)> answer_as(std::function<void(const Result&)> done) {
  return [done = std::move(done)](const ResponseBody& body) {
    if (!done) return;
    if (const auto* result = std::get_if<Result>(&body)) {
      done(*result);
    } else {
      Result bare;
      bare.code = code_of(body);
      done(bare);
    }
  };
}

}  // namespace

std::string_view session_state_name(SessionState state) {
  switch (state) {
    case SessionState::not_started: return "not_started";
    case SessionState::connecting: return "connecting";
    case SessionState::connected: return "connected";
    case SessionState::expired: return "expired";
    case SessionState::closed: return "closed";
  }
  return "unknown";
}

ZkClient::ZkClient(ZkClientConfig config) : config_(config) {}

void ZkClient::set_watch_handler(std::function<void(const WatchedEvent&)> handler) {
  watch_handler_ = std::move(handler);
}

void ZkClient::set_state_handler(std::function<void(SessionState)> handler) {
  state_handler_ = std::move(handler);
}

ZkTransportAction& ZkClient::push_action(ZkTransportAction::Kind kind) {
  ZkTransportAction& action = actions_.emplace_back();
  action.kind = kind;
  return action;
}

void ZkClient::observe(std::int64_t now_ms) { clock_ms_ = std::max(clock_ms_, now_ms); }

void ZkClient::set_state(SessionState state) {
  if (state == state_) return;
  state_ = state;
  if (state_handler_) state_handler_(state);
}

// --- session lifecycle --------------------------------------------------------------------------

void ZkClient::start_new_session(std::int64_t now_ms) {
  observe(now_ms);
  if (transport_open_) {
    push_action(ZkTransportAction::Kind::close_connection);
    forget_connection();
  }
  session_id_ = 0;
  negotiated_timeout_ms_ = 0;
  last_zxid_seen_ = 0;
  closing_ = false;
  if (pending_.empty()) next_xid_ = 1;  // a new ZooKeeper handle numbers from 1
  request_connection(now_ms);
}

void ZkClient::close_session(std::int64_t now_ms, std::function<void(Code)> done) {
  observe(now_ms);
  if (closing_) {
    // Already on its way: the later caller hears the same answer.
    if (done) {
      std::function<void(Code)> first = std::move(close_done_);
      close_done_ = [first = std::move(first), done = std::move(done)](Code code) {
        if (first) first(code);
        done(code);
      };
    }
    return;
  }
  if (state_ == SessionState::closed) {
    if (done) done(Code::SESSIONEXPIRED);
    return;
  }
  close_done_ = std::move(done);
  if (state_ == SessionState::connected) {
    submit(CloseSessionOp{}, [this](const ResponseBody& body) {
      if (closing_) finish_close(code_of(body));
    });
    closing_ = true;
    return;
  }
  // Not connected: nothing reaches the server, the session is left to expire (its ephemerals
  // stay until then). A session that never started or already ended has nothing to close.
  const bool had_session = state_ == SessionState::connecting && session_id_ != 0;
  finish_close(had_session
                   ? Code::CONNECTIONLOSS
                   : (state_ == SessionState::not_started ? Code::OK : Code::SESSIONEXPIRED));
}

void ZkClient::end_session(SessionState final_state) {
  const SessionState before = state_;
  state_ = final_state;  // requests made from the callbacks below are refused at once
  fail_all(Code::SESSIONEXPIRED);
  // Reported after the callbacks (unless one of them already began a new session).
  if (state_ == final_state && before != final_state && state_handler_) {
    state_handler_(final_state);
  }
}

void ZkClient::finish_close(Code code) {
  closing_ = false;
  if (transport_open_) push_action(ZkTransportAction::Kind::close_connection);
  forget_connection();
  reconnect_at_ms_.reset();
  std::function<void(Code)> done = std::exchange(close_done_, {});
  end_session(SessionState::closed);
  if (done) done(code);
}

void ZkClient::session_expired() {
  reconnect_at_ms_.reset();
  if (closing_) {
    // The CloseSessionOp answers SESSIONEXPIRED: the session is over either way.
    finish_close(Code::SESSIONEXPIRED);
    return;
  }
  end_session(SessionState::expired);
}

// --- the transport ------------------------------------------------------------------------------

void ZkClient::request_connection(std::int64_t now_ms) {
  reconnect_at_ms_.reset();
  push_action(ZkTransportAction::Kind::open_connection);
  transport_open_ = true;
  handshake_done_ = false;
  connect_started_ms_ = now_ms;
  set_state(SessionState::connecting);
}

void ZkClient::forget_connection() {
  transport_open_ = false;
  handshake_done_ = false;
  for (auto& [xid, pending] : pending_) pending.sent = false;
}

void ZkClient::drop_connection(std::int64_t now_ms) {
  if (transport_open_) push_action(ZkTransportAction::Kind::close_connection);
  forget_connection();
  reconnect_at_ms_ = now_ms + config_.reconnect_backoff_ms;
  set_state(SessionState::connecting);
}

void ZkClient::on_transport_connected(std::int64_t now_ms) {
  observe(now_ms);
  if (!transport_open_ || handshake_done_) return;
  push_action(ZkTransportAction::Kind::send)
      .message.emplace<ConnectRequest>(
          ConnectRequest{session_id_, config_.session_timeout_ms, last_zxid_seen_});
  last_send_ms_ = now_ms;
}

void ZkClient::on_transport_lost(std::int64_t now_ms) {
  observe(now_ms);
  if (!transport_open_) return;
  forget_connection();
  if (closing_) {
    // The CloseSessionOp may or may not have reached the server; ZooKeeper's close() gives up
    // rather than reconnecting, and the session, if still alive, expires on its own.
    finish_close(Code::CONNECTIONLOSS);
    return;
  }
  reconnect_at_ms_ = now_ms + config_.reconnect_backoff_ms;
  set_state(SessionState::connecting);
}

void ZkClient::on_connect_response(const ConnectResponse& response, std::int64_t now_ms) {
  observe(now_ms);
  if (!transport_open_ || handshake_done_) return;
  last_receive_ms_ = now_ms;
  if (response.expired()) {
    // ZooKeeper closes the connection after telling; the client does not reconnect.
    push_action(ZkTransportAction::Kind::close_connection);
    forget_connection();
    session_expired();
    return;
  }
  session_id_ = response.session_id;
  negotiated_timeout_ms_ = response.timeout_ms;
  handshake_done_ = true;
  send_pending(now_ms);  // before the state handler, whose new requests come after these
  set_state(SessionState::connected);
}

void ZkClient::on_response(const Response& response, std::int64_t now_ms) {
  observe(now_ms);
  if (!handshake_done_) return;
  last_receive_ms_ = now_ms;
  if (response.zxid > last_zxid_seen_) last_zxid_seen_ = response.zxid;
  if (response.xid == kPingXid) return;
  const auto it = pending_.find(response.xid);
  if (it == pending_.end() || !it->second.sent) return;
  std::function<void(const ResponseBody&)> on_answer = std::move(it->second.on_answer);
  pending_.erase(it);
  if (on_answer) on_answer(response.body);
}

void ZkClient::on_watch_notification(const WatchNotification& notification, std::int64_t now_ms) {
  observe(now_ms);
  if (!handshake_done_) return;
  last_receive_ms_ = now_ms;
  // The zxid goes into the next ConnectRequest, so a resumed session gets only what it missed.
  if (notification.event.zxid > last_zxid_seen_) last_zxid_seen_ = notification.event.zxid;
  if (watch_handler_) watch_handler_(notification.event);
}

std::vector<ZkTransportAction> ZkClient::take_actions() { return std::exchange(actions_, {}); }

// --- time ---------------------------------------------------------------------------------------

void ZkClient::tick(std::int64_t now_ms) {
  observe(now_ms);
  if (reconnect_at_ms_ && now_ms >= *reconnect_at_ms_) {
    request_connection(now_ms);
    return;
  }
  if (transport_open_ && !handshake_done_) {
    if (now_ms - connect_started_ms_ >= config_.connection_timeout_ms) {
      // No ConnectResponse in time: try again with a fresh connection.
      push_action(ZkTransportAction::Kind::close_connection);
      forget_connection();
      request_connection(now_ms);
    }
    return;
  }
  if (!handshake_done_) return;
  const std::int64_t read_timeout_ms = std::int64_t{negotiated_timeout_ms_} * 2 / 3;
  if (now_ms - last_receive_ms_ >= read_timeout_ms) {
    // ZooKeeper's "Client session timed out, have not heard from server in ...ms".
    drop_connection(now_ms);
    return;
  }
  if (now_ms - last_send_ms_ >= negotiated_timeout_ms_ / 3) {
    send(Request{kPingXid, PingOp{}}, now_ms);
  }
}

std::optional<std::int64_t> ZkClient::next_deadline_ms() const {
  if (reconnect_at_ms_) return reconnect_at_ms_;
  if (transport_open_ && !handshake_done_) {
    return connect_started_ms_ + config_.connection_timeout_ms;
  }
  if (!handshake_done_) return std::nullopt;
  const std::int64_t read_deadline =
      last_receive_ms_ + std::int64_t{negotiated_timeout_ms_} * 2 / 3;
  const std::int64_t ping_deadline = last_send_ms_ + negotiated_timeout_ms_ / 3;
  return std::min(read_deadline, ping_deadline);
}

// --- requests -----------------------------------------------------------------------------------

void ZkClient::send(const Request& request, std::int64_t now_ms) {
  push_action(ZkTransportAction::Kind::send).message.emplace<Request>(request);
  last_send_ms_ = std::max(last_send_ms_, now_ms);
}

void ZkClient::send_pending(std::int64_t now_ms) {
  for (auto& [xid, pending] : pending_) {
    if (pending.sent) continue;
    send(pending.request, now_ms);
    pending.sent = true;
  }
}

void ZkClient::fail_all(Code code) {
  std::map<std::int32_t, Pending> failed = std::exchange(pending_, {});
  for (auto& [xid, pending] : failed) {
    if (pending.on_answer) pending.on_answer(code);
  }
}

void ZkClient::submit(RequestBody body, std::function<void(const ResponseBody&)> on_answer) {
  if (state_ == SessionState::expired || state_ == SessionState::closed || closing_) {
    // ClientCnxn.conLossPacket with the state CLOSED.
    if (on_answer) on_answer(Code::SESSIONEXPIRED);
    return;
  }
  const std::int32_t xid = next_xid_++;
  Pending& pending =
      pending_.emplace(xid, Pending{Request{xid, std::move(body)}, std::move(on_answer), false})
          .first->second;
  if (handshake_done_) {
    send(pending.request, clock_ms_);
    pending.sent = true;
  }
}

void ZkClient::create(std::string path, ZNodeData data, CreateMode mode,
                      Callback<CreateResult> done) {
  validate_path(path, is_sequential(mode));
  submit(CreateOp{std::move(path), std::move(data), mode}, answer_as(std::move(done)));
}

void ZkClient::delete_node(std::string path, std::int32_t version, std::function<void(Code)> done) {
  validate_path(path);
  submit(DeleteOp{std::move(path), version}, [done = std::move(done)](const ResponseBody& body) {
    if (done) done(code_of(body));
  });
}

void ZkClient::set_data(std::string path, ZNodeData data, std::int32_t version,
                        Callback<SetDataResult> done) {
  validate_path(path);
  submit(SetDataOp{std::move(path), std::move(data), version}, answer_as(std::move(done)));
}

void ZkClient::get_data(std::string path, bool watch, Callback<GetDataResult> done) {
  validate_path(path);
  submit(GetDataOp{std::move(path), watch}, answer_as(std::move(done)));
}

void ZkClient::exists(std::string path, bool watch, Callback<ExistsResult> done) {
  validate_path(path);
  submit(ExistsOp{std::move(path), watch}, answer_as(std::move(done)));
}

void ZkClient::get_children(std::string path, bool watch, Callback<GetChildrenResult> done) {
  validate_path(path);
  submit(GetChildrenOp{std::move(path), watch}, answer_as(std::move(done)));
}

void ZkClient::multi(std::vector<Op> ops, Callback<MultiResult> done) {
  for (const Op& op : ops)
    validate_path(op.path, op.type == Op::Type::create && is_sequential(op.mode));
  submit(MultiOp{std::move(ops)}, answer_as(std::move(done)));
}

}  // namespace ksim::controller::zk
