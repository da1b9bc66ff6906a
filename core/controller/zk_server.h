// ZooKeeperServer: a standalone ZooKeeper as a pure state machine (sans-IO). Requests come in
// as calls with the session that sends them and the time (`now_ms`, Unix epoch milliseconds:
// it stamps ctime/mtime and drives session expiry); answers come back as values; the watch
// events fired and the sessions expired wait in outboxes (take_watch_events,
// expire_sessions) for the caller to deliver. Later this runs as a node of the simulated
// network; the controller and brokers talk to it as Kafka's KafkaZkClient talks to ZooKeeper.
//
// What it does as ZooKeeper 3.5-3.8 does:
// - Every write (create, delete, setData, multi; also createSession and closeSession) takes the
//   next zxid, even when it fails with an error code; reads take none.
// - Checks run in ZooKeeper's order. create: parent missing NONODE, node present NODEEXISTS,
//   parent ephemeral NOCHILDRENFOREPHEMERALS. delete: a special path ("/", "/zookeeper", ...)
//   BADARGUMENTS, missing NONODE, version BADVERSION, children NOTEMPTY. setData: NONODE,
//   BADVERSION. Version -1 matches any version.
// - A sequential create appends the parent's count of creates as %010d.
// - Paths are checked client-side first: a bad path throws InvalidPathError (Java's client
//   throws IllegalArgumentException before sending anything), and no zxid is taken.
// - Before each request, every session due at `now_ms` expires (as if ZooKeeper's expiry thread
//   ran first); a request from an unknown, closed or expired session answers SESSIONEXPIRED.
//   Every request of a live session (reads too) counts as a heartbeat.
// - Expiry and close run closeSession: one zxid, the session's ephemeral nodes deleted in path
//   order, their watches fired for the other sessions. A dying session's own watches are dropped
//   first, so it hears nothing more.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/controller/zk_data_tree.h"
#include "core/controller/zk_session_tracker.h"
#include "core/controller/zk_types.h"

namespace ksim::controller::zk {

struct ZooKeeperConfig {
  // tickTime: the session expiry bucket and the unit of the timeout bounds (zoo_sample.cfg: 2000).
  std::int32_t tick_time_ms = 2000;
  // Negotiation bounds; -1 means ZooKeeper's defaults, 2 * tickTime and 20 * tickTime.
  std::int32_t min_session_timeout_ms = -1;
  std::int32_t max_session_timeout_ms = -1;
  // The top byte of session ids: 1 for a standalone server (createSessionTrackerServerId), myid
  // in an ensemble.
  std::int64_t server_id = 1;
  // The high 32 bits of every zxid: 0 for a fresh standalone server; an ensemble's leader epoch
  // otherwise (real Kafka clusters show zxids like 0xa0000003b).
  std::int32_t zxid_epoch = 0;
};

// A new session, with the timeout the server agreed to (the ConnectResponse).
struct SessionInfo {
  SessionId session_id = 0;
  std::int32_t timeout_ms = 0;
};

struct CreateResult {
  Code code = Code::OK;
  std::string path;  // the created path (with the sequence suffix for sequential nodes)
  Stat stat;
};

struct GetDataResult {
  Code code = Code::OK;
  ZNodeData data;
  Stat stat;
};

struct SetDataResult {
  Code code = Code::OK;
  Stat stat;
};

// exists: OK with no stat for a missing node (the Java client returns null).
struct ExistsResult {
  Code code = Code::OK;
  std::optional<Stat> stat;
};

struct GetChildrenResult {
  Code code = Code::OK;
  std::vector<std::string> children;  // sorted by name
  Stat stat;
};

// One operation of a multi (ZooKeeper's Op): create, delete, setData or check (a version
// check with no effect, Kafka's guard on /controller_epoch).
struct Op {
  enum class Type { create, delete_node, set_data, check };
  Type type = Type::check;
  std::string path;
  ZNodeData data;
  CreateMode mode = CreateMode::PERSISTENT;
  std::int32_t version = -1;

  static Op create(std::string path, ZNodeData data, CreateMode mode);
  static Op delete_node(std::string path, std::int32_t version);
  static Op set_data(std::string path, ZNodeData data, std::int32_t version);
  static Op check(std::string path, std::int32_t version);
};

// One op's result: `path` for a create, `stat` for a create or setData.
struct OpResult {
  Code code = Code::OK;
  std::string path;
  Stat stat;
};

// A multi is atomic: all ops apply under one zxid, or none does. When op i fails, `code` is its
// error and the results are ZooKeeper's: OK for the ops before it, its error, then
// RUNTIMEINCONSISTENCY for the ops after it.
struct MultiResult {
  Code code = Code::OK;
  std::vector<OpResult> results;
};

class ZooKeeperServer {
 public:
  // Throws std::invalid_argument for a tick time <= 0 or timeout bounds that do not make sense.
  ZooKeeperServer(ZooKeeperConfig config, std::int64_t now_ms);

  // Sessions. The timeout asked for is clamped into [min, max] (Kafka's 18000 ms fits the
  // default [4000, 40000] with tickTime 2000).
  SessionInfo create_session(std::int32_t requested_timeout_ms, std::int64_t now_ms);
  // A heartbeat: OK, or SESSIONEXPIRED.
  Code ping(SessionId session, std::int64_t now_ms);
  // Closes the session (a broker's controlled shutdown): its ephemeral nodes go. OK, or
  // SESSIONEXPIRED when it was not live.
  Code close_session(SessionId session, std::int64_t now_ms);
  // Expires every session due at `now_ms` and returns the sessions expired since the last call
  // (those found due by requests in between included), in the order they expired.
  std::vector<SessionId> expire_sessions(std::int64_t now_ms);
  // A restart of the server (its state restored from the fsynced txn log): every live session
  // gets a fresh timeout from `now_ms`, as ZooKeeper gives the sessions it loads at startup, so
  // they do not all expire at once for the time the server was down.
  void restart(std::int64_t now_ms);
  // When the next session falls due (for the caller's timer); nullopt when none can.
  std::optional<std::int64_t> next_expiry_time() const;

  // Writes.
  CreateResult create(SessionId session, std::string_view path, ZNodeData data, CreateMode mode,
                      std::int64_t now_ms);
  Code delete_node(SessionId session, std::string_view path, std::int32_t version,
                   std::int64_t now_ms);
  SetDataResult set_data(SessionId session, std::string_view path, ZNodeData data,
                         std::int32_t version, std::int64_t now_ms);
  MultiResult multi(SessionId session, const std::vector<Op>& ops, std::int64_t now_ms);

  // Reads; `watch` leaves a one-shot watch for the session (see DataTree for when).
  GetDataResult get_data(SessionId session, std::string_view path, bool watch, std::int64_t now_ms);
  ExistsResult exists(SessionId session, std::string_view path, bool watch, std::int64_t now_ms);
  GetChildrenResult get_children(SessionId session, std::string_view path, bool watch,
                                 std::int64_t now_ms);

  // The watch events fired since the last call, in the order they fired. Events fired by a
  // request come before its answer in ZooKeeper's delivery order.
  std::vector<WatchedEvent> take_watch_events();

  // Inspection for views and tests: no session, no watch, no heartbeat.
  const DataTree& data_tree() const { return tree_; }
  const SessionTracker& session_tracker() const { return sessions_; }
  const ZooKeeperConfig& config() const { return config_; }
  // The zxid of the last transaction (ZooKeeper's lastProcessedZxid).
  Zxid last_zxid() const { return last_zxid_; }
  std::int32_t min_session_timeout_ms() const { return min_session_timeout_ms_; }
  std::int32_t max_session_timeout_ms() const { return max_session_timeout_ms_; }

 private:
  Code begin_request(SessionId session, std::int64_t now_ms);
  void run_expiry(std::int64_t now_ms);
  void close_session_txn(SessionId session);
  Zxid next_zxid();

  ZooKeeperConfig config_;
  std::int32_t min_session_timeout_ms_;
  std::int32_t max_session_timeout_ms_;
  DataTree tree_;
  SessionTracker sessions_;
  Zxid last_zxid_;
  std::vector<SessionId> expired_;
};

}  // namespace ksim::controller::zk
