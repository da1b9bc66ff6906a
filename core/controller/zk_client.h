// ZkClient: a ZooKeeper client session as a sans-IO state machine (ZooKeeper's ClientCnxn with
// Kafka's ZooKeeperClient on top). The caller owns the transport (one connection at a time to
// the metadata service) and the clock; the client says what to send and when to (re)connect,
// matches answers to callbacks, heartbeats, and reports watch events and session states.
//
// As ZooKeeper and Kafka do it:
// - A session outlives connections. When the connection breaks (or nothing was heard for two
//   thirds of the session timeout, ZooKeeper's readTimeout), the client reconnects with its
//   session id; requests not yet answered are sent again once connected (Kafka's
//   retryRequestsUntilConnected), so a write can apply twice: a create may answer NODEEXISTS.
// - The client learns that its session expired only from the server, when it reconnects (a
//   partitioned broker keeps believing it is registered: the zombie leader). Then every request
//   still waiting answers SESSIONEXPIRED, watches are gone, the state becomes `expired`, and the
//   owner calls start_new_session() (Kafka's reinitialize: re-register, re-elect).
// - Pings go out when nothing was sent for a third of the session timeout.
// - Watch events arrive through the handler set with set_watch_handler(), in the server's order,
//   before the answer of the request that fired them.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/controller/zk_protocol.h"

namespace ksim::controller::zk {

enum class SessionState {
  not_started,
  connecting,  // no connection, or a connection waiting for its ConnectResponse
  connected,
  expired,  // the server said so; start_new_session() begins again
  closed,   // close_session() was answered (or asked while disconnected)
};
std::string_view session_state_name(SessionState state);

struct ZkClientConfig {
  std::int32_t session_timeout_ms = 18000;     // zookeeper.session.timeout.ms
  std::int32_t connection_timeout_ms = 18000;  // zookeeper.connection.timeout.ms
  // The wait before reconnecting after a connection broke (ZooKeeper's ClientCnxn sleeps a
  // random 0..1000 ms before every connect but the first; this is its mean, fixed: core draws no
  // random numbers).
  std::int32_t reconnect_backoff_ms = 500;
};

// What the caller's transport must do, in order.
struct ZkTransportAction {
  enum class Kind {
    open_connection,   // connect to the metadata service, then call on_transport_connected
    close_connection,  // drop the current connection (no on_transport_lost follows)
    send,              // send `message` on the current connection
  };
  Kind kind = Kind::send;
  std::variant<ConnectRequest, Request> message;
};

class ZkClient {
 public:
  template <typename Result>
  using Callback = std::function<void(const Result&)>;

  explicit ZkClient(ZkClientConfig config);

  SessionState state() const { return state_; }
  SessionId session_id() const { return session_id_; }
  std::int32_t negotiated_timeout_ms() const { return negotiated_timeout_ms_; }
  const ZkClientConfig& config() const { return config_; }

  // Handlers (set once by the owner). Watch events for this session, and every state change.
  void set_watch_handler(std::function<void(const WatchedEvent&)> handler);
  void set_state_handler(std::function<void(SessionState)> handler);

  // --- session lifecycle ------------------------------------------------------------------------
  // Begins a new session (also after `expired`): asks the transport for a connection.
  void start_new_session(std::int64_t now_ms);
  // Closes the session (controlled shutdown): ephemerals go at once. Answered through `done`.
  void close_session(std::int64_t now_ms, std::function<void(Code)> done = {});

  // --- the transport ----------------------------------------------------------------------------
  void on_transport_connected(std::int64_t now_ms);
  // The connection broke (reset, timeout, closed by the server): reconnect, keep the session.
  void on_transport_lost(std::int64_t now_ms);
  void on_connect_response(const ConnectResponse& response, std::int64_t now_ms);
  void on_response(const Response& response, std::int64_t now_ms);
  void on_watch_notification(const WatchNotification& notification, std::int64_t now_ms);
  // What to do now; the caller performs the actions in order.
  std::vector<ZkTransportAction> take_actions();

  // --- time -------------------------------------------------------------------------------------
  // Pings, the read timeout, the connection timeout (a connect that got no answer is retried).
  void tick(std::int64_t now_ms);
  std::optional<std::int64_t> next_deadline_ms() const;

  // --- operations (answered through the callback, also with SESSIONEXPIRED) ---------------------
  // A bad path throws InvalidPathError before anything is queued (ZooKeeper's client-side check).
  void create(std::string path, ZNodeData data, CreateMode mode, Callback<CreateResult> done);
  void delete_node(std::string path, std::int32_t version, std::function<void(Code)> done);
  void set_data(std::string path, ZNodeData data, std::int32_t version,
                Callback<SetDataResult> done);
  void get_data(std::string path, bool watch, Callback<GetDataResult> done);
  void exists(std::string path, bool watch, Callback<ExistsResult> done);
  void get_children(std::string path, bool watch, Callback<GetChildrenResult> done);
  void multi(std::vector<Op> ops, Callback<MultiResult> done);

  // Requests sent or queued and not answered yet.
  std::size_t pending_requests() const { return pending_.size(); }

 private:
  struct Pending {
    Request request;
    std::function<void(const ResponseBody&)> on_answer;
    bool sent = false;  // on the current connection
  };
  void submit(RequestBody body, std::function<void(const ResponseBody&)> on_answer);
  void set_state(SessionState state);
  void send_pending(std::int64_t now_ms);
  void send(const Request& request, std::int64_t now_ms);
  void fail_all(Code code);
  void request_connection(std::int64_t now_ms);
  // Closes the current connection and reconnects after the backoff (the session stays).
  void drop_connection(std::int64_t now_ms);
  void forget_connection();
  void session_expired();
  void end_session(SessionState final_state);
  void finish_close(Code code);
  void observe(std::int64_t now_ms);
  ZkTransportAction& push_action(ZkTransportAction::Kind kind);

  ZkClientConfig config_;
  SessionState state_ = SessionState::not_started;
  SessionId session_id_ = 0;
  std::int32_t negotiated_timeout_ms_ = 0;
  Zxid last_zxid_seen_ = 0;
  bool transport_open_ = false;       // a connection exists (maybe before its ConnectResponse)
  bool handshake_done_ = false;       // ConnectResponse received on it
  bool closing_ = false;              // CloseSessionOp submitted, not answered yet
  std::int32_t next_xid_ = 1;
  std::int64_t clock_ms_ = 0;         // the latest time any call brought (operations take none)
  std::int64_t last_send_ms_ = 0;     // for pings
  std::int64_t last_receive_ms_ = 0;  // for the read timeout
  std::int64_t connect_started_ms_ = 0;
  std::optional<std::int64_t> reconnect_at_ms_;
  std::function<void(const WatchedEvent&)> watch_handler_;
  std::function<void(SessionState)> state_handler_;
  std::function<void(Code)> close_done_;
  std::map<std::int32_t, Pending> pending_;  // by xid: answered in order
  std::vector<ZkTransportAction> actions_;
};

}  // namespace ksim::controller::zk
