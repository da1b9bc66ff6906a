// The request pipeline of a standalone ZooKeeper: check the session, take a zxid, prepare the
// transaction against the tree plus the changes pending in the same request
// (PrepRequestProcessor's ChangeRecords), then apply it (FinalRequestProcessor).
#include "core/controller/zk_server.h"

#include <fmt/format.h>

#include <map>
#include <stdexcept>
#include <utility>
#include <variant>

#include "core/controller/zk_path.h"

namespace ksim::controller::zk {
namespace {

// What a request can see of a node: the tree's state with the request's own earlier changes.
struct ChangeRecord {
  std::int32_t version = 0;
  std::int32_t cversion = 0;  // stored: creates under the node
  SessionId ephemeral_owner = 0;
  std::size_t child_count = 0;
};

struct CreateTxn {
  std::string path;
  ZNodeData data;
  SessionId ephemeral_owner = 0;
  std::int32_t parent_cversion = 0;
};
struct DeleteTxn {
  std::string path;
};
struct SetDataTxn {
  std::string path;
  ZNodeData data;
  std::int32_t version = 0;
};
struct CheckTxn {
  std::string path;
};
using Txn = std::variant<CreateTxn, DeleteTxn, SetDataTxn, CheckTxn>;

// A prepared operation: a transaction to apply, or the error that stops it.
struct Prepared {
  Code code = Code::OK;
  Txn txn;
};

std::int32_t next_version(std::int32_t version) {
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(version) + 1u);
}

class PendingChanges {
 public:
  explicit PendingChanges(const DataTree& tree) : tree_(tree) {}

  std::optional<ChangeRecord> record(std::string_view path) const {
    const auto it = changes_.find(path);
    if (it != changes_.end()) return it->second;
    const DataNode* node = tree_.node(path);
    if (node == nullptr) return std::nullopt;
    return ChangeRecord{node->stat.version, node->stat.cversion, node->stat.ephemeral_owner,
                        node->children.size()};
  }
  void put(std::string_view path, std::optional<ChangeRecord> record) {
    changes_.insert_or_assign(std::string(path), record);
  }

 private:
  const DataTree& tree_;
  std::map<std::string, std::optional<ChangeRecord>, std::less<>> changes_;
};

Prepared prepare_create(PendingChanges& pending, SessionId session, const std::string& path,
                        const ZNodeData& data, CreateMode mode) {
  if (path == "/") return {Code::NODEEXISTS, {}};
  const std::string_view parent = parent_path(path);
  std::optional<ChangeRecord> parent_record = pending.record(parent);
  if (!parent_record) return {Code::NONODE, {}};
  std::string created = path;
  if (is_sequential(mode)) created += fmt::format("{:010d}", parent_record->cversion);
  if (pending.record(created)) return {Code::NODEEXISTS, {}};
  if (parent_record->ephemeral_owner != 0) return {Code::NOCHILDRENFOREPHEMERALS, {}};

  const std::int32_t new_cversion = next_version(parent_record->cversion);
  const SessionId owner = is_ephemeral(mode) ? session : 0;
  parent_record->cversion = new_cversion;
  ++parent_record->child_count;
  pending.put(parent, parent_record);
  pending.put(created, ChangeRecord{0, 0, owner, 0});
  return {Code::OK, CreateTxn{created, data, owner, new_cversion}};
}

Prepared prepare_delete(PendingChanges& pending, const std::string& path, std::int32_t version) {
  if (DataTree::is_special_path(path)) return {Code::BADARGUMENTS, {}};
  const std::string_view parent = parent_path(path);
  std::optional<ChangeRecord> parent_record = pending.record(parent);
  if (!parent_record) return {Code::NONODE, {}};
  const std::optional<ChangeRecord> node = pending.record(path);
  if (!node) return {Code::NONODE, {}};
  if (version != -1 && version != node->version) return {Code::BADVERSION, {}};
  if (node->child_count > 0) return {Code::NOTEMPTY, {}};
  --parent_record->child_count;
  pending.put(parent, parent_record);
  pending.put(path, std::nullopt);
  return {Code::OK, DeleteTxn{path}};
}

Prepared prepare_set_data(PendingChanges& pending, const std::string& path, const ZNodeData& data,
                          std::int32_t version) {
  std::optional<ChangeRecord> node = pending.record(path);
  if (!node) return {Code::NONODE, {}};
  if (version != -1 && version != node->version) return {Code::BADVERSION, {}};
  node->version = next_version(node->version);
  pending.put(path, node);
  return {Code::OK, SetDataTxn{path, data, node->version}};
}

Prepared prepare_check(const PendingChanges& pending, const std::string& path,
                       std::int32_t version) {
  const std::optional<ChangeRecord> node = pending.record(path);
  if (!node) return {Code::NONODE, {}};
  if (version != -1 && version != node->version) return {Code::BADVERSION, {}};
  return {Code::OK, CheckTxn{path}};
}

Prepared prepare(PendingChanges& pending, SessionId session, const Op& op) {
  switch (op.type) {
    case Op::Type::create: return prepare_create(pending, session, op.path, op.data, op.mode);
    case Op::Type::delete_node: return prepare_delete(pending, op.path, op.version);
    case Op::Type::set_data: return prepare_set_data(pending, op.path, op.data, op.version);
    case Op::Type::check: return prepare_check(pending, op.path, op.version);
  }
  return {Code::UNIMPLEMENTED, {}};
}

// Applies a prepared transaction and reports it as an op result.
OpResult apply(DataTree& tree, Txn& txn, Zxid zxid, std::int64_t now_ms) {
  OpResult result;
  if (auto* create = std::get_if<CreateTxn>(&txn)) {
    tree.create_node(create->path, std::move(create->data), create->ephemeral_owner,
                     create->parent_cversion, zxid, now_ms);
    result.path = create->path;
    result.stat = tree.node(create->path)->to_stat();
  } else if (auto* deletion = std::get_if<DeleteTxn>(&txn)) {
    tree.delete_node(deletion->path, zxid);
  } else if (auto* set = std::get_if<SetDataTxn>(&txn)) {
    tree.set_data(set->path, std::move(set->data), set->version, zxid, now_ms);
    result.stat = tree.node(set->path)->to_stat();
  }
  return result;
}

void validate_op_path(const Op& op) {
  validate_path(op.path, op.type == Op::Type::create && is_sequential(op.mode));
}

ZooKeeperConfig checked(ZooKeeperConfig config) {
  if (config.tick_time_ms <= 0) {
    throw std::invalid_argument(
        fmt::format("ZooKeeper tickTime must be positive, got {}", config.tick_time_ms));
  }
  return config;
}

}  // namespace

Op Op::create(std::string path, ZNodeData data, CreateMode mode) {
  return Op{Type::create, std::move(path), std::move(data), mode, -1};
}
Op Op::delete_node(std::string path, std::int32_t version) {
  return Op{Type::delete_node, std::move(path), std::nullopt, CreateMode::PERSISTENT, version};
}
Op Op::set_data(std::string path, ZNodeData data, std::int32_t version) {
  return Op{Type::set_data, std::move(path), std::move(data), CreateMode::PERSISTENT, version};
}
Op Op::check(std::string path, std::int32_t version) {
  return Op{Type::check, std::move(path), std::nullopt, CreateMode::PERSISTENT, version};
}

ZooKeeperServer::ZooKeeperServer(ZooKeeperConfig config, std::int64_t now_ms)
    : config_(checked(config)),
      min_session_timeout_ms_(config.min_session_timeout_ms == -1 ? 2 * config.tick_time_ms
                                                                  : config.min_session_timeout_ms),
      max_session_timeout_ms_(config.max_session_timeout_ms == -1 ? 20 * config.tick_time_ms
                                                                  : config.max_session_timeout_ms),
      sessions_(config.tick_time_ms, config.server_id, now_ms),
      last_zxid_(static_cast<Zxid>(
          static_cast<std::uint64_t>(static_cast<std::uint32_t>(config.zxid_epoch)) << 32)) {
  if (min_session_timeout_ms_ <= 0 || min_session_timeout_ms_ > max_session_timeout_ms_) {
    throw std::invalid_argument(fmt::format(
        "ZooKeeper session timeout bounds must satisfy 0 < min <= max, got min {} max {}",
        min_session_timeout_ms_, max_session_timeout_ms_));
  }
}

Zxid ZooKeeperServer::next_zxid() { return ++last_zxid_; }

void ZooKeeperServer::close_session_txn(SessionId session) {
  sessions_.set_session_closing(session);
  tree_.remove_watches(session);
  tree_.kill_session(session, next_zxid());
  sessions_.remove_session(session);
}

void ZooKeeperServer::run_expiry(std::int64_t now_ms) {
  const std::vector<SessionId> due = sessions_.poll_expired(now_ms);
  // The whole bucket is closing before any of it is cleaned up: none hears the others' deletes.
  for (const SessionId session : due) tree_.remove_watches(session);
  for (const SessionId session : due) {
    close_session_txn(session);
    expired_.push_back(session);
  }
}

Code ZooKeeperServer::begin_request(SessionId session, std::int64_t now_ms) {
  run_expiry(now_ms);
  return sessions_.touch_session(session, now_ms) ? Code::OK : Code::SESSIONEXPIRED;
}

SessionInfo ZooKeeperServer::create_session(std::int32_t requested_timeout_ms,
                                            std::int64_t now_ms) {
  run_expiry(now_ms);
  std::int32_t timeout = requested_timeout_ms;
  if (timeout < min_session_timeout_ms_) timeout = min_session_timeout_ms_;
  if (timeout > max_session_timeout_ms_) timeout = max_session_timeout_ms_;
  next_zxid();  // the createSession transaction
  return SessionInfo{sessions_.create_session(timeout, now_ms), timeout};
}

Code ZooKeeperServer::ping(SessionId session, std::int64_t now_ms) {
  return begin_request(session, now_ms);
}

Code ZooKeeperServer::close_session(SessionId session, std::int64_t now_ms) {
  run_expiry(now_ms);
  if (!sessions_.is_live(session)) return Code::SESSIONEXPIRED;
  close_session_txn(session);
  return Code::OK;
}

std::vector<SessionId> ZooKeeperServer::expire_sessions(std::int64_t now_ms) {
  run_expiry(now_ms);
  return std::exchange(expired_, {});
}

void ZooKeeperServer::restart(std::int64_t now_ms) { sessions_.touch_all_sessions(now_ms); }

std::optional<std::int64_t> ZooKeeperServer::next_expiry_time() const {
  return sessions_.next_expiry_time();
}

CreateResult ZooKeeperServer::create(SessionId session, std::string_view path, ZNodeData data,
                                     CreateMode mode, std::int64_t now_ms) {
  MultiResult result =
      multi(session, {Op::create(std::string(path), std::move(data), mode)}, now_ms);
  if (result.code != Code::OK) return CreateResult{result.code, {}, {}};
  return CreateResult{Code::OK, std::move(result.results[0].path), result.results[0].stat};
}

Code ZooKeeperServer::delete_node(SessionId session, std::string_view path, std::int32_t version,
                                  std::int64_t now_ms) {
  return multi(session, {Op::delete_node(std::string(path), version)}, now_ms).code;
}

SetDataResult ZooKeeperServer::set_data(SessionId session, std::string_view path, ZNodeData data,
                                        std::int32_t version, std::int64_t now_ms) {
  MultiResult result =
      multi(session, {Op::set_data(std::string(path), std::move(data), version)}, now_ms);
  if (result.code != Code::OK) return SetDataResult{result.code, {}};
  return SetDataResult{Code::OK, result.results[0].stat};
}

MultiResult ZooKeeperServer::multi(SessionId session, const std::vector<Op>& ops,
                                   std::int64_t now_ms) {
  for (const Op& op : ops) validate_op_path(op);
  MultiResult result;
  result.code = begin_request(session, now_ms);
  if (result.code != Code::OK) return result;

  // One zxid for the whole request, whether it applies or fails (an error transaction).
  const Zxid zxid = next_zxid();
  PendingChanges pending(tree_);
  std::vector<Txn> txns;
  txns.reserve(ops.size());
  std::size_t failed_at = ops.size();
  for (std::size_t i = 0; i < ops.size(); ++i) {
    Prepared prepared = prepare(pending, session, ops[i]);
    if (prepared.code != Code::OK) {
      failed_at = i;
      result.code = prepared.code;
      break;
    }
    txns.push_back(std::move(prepared.txn));
  }

  result.results.resize(ops.size());
  if (failed_at < ops.size()) {
    result.results[failed_at].code = result.code;
    for (std::size_t i = failed_at + 1; i < ops.size(); ++i) {
      result.results[i].code = Code::RUNTIMEINCONSISTENCY;
    }
    return result;
  }
  for (std::size_t i = 0; i < txns.size(); ++i) {
    result.results[i] = apply(tree_, txns[i], zxid, now_ms);
  }
  return result;
}

GetDataResult ZooKeeperServer::get_data(SessionId session, std::string_view path, bool watch,
                                        std::int64_t now_ms) {
  validate_path(path);
  GetDataResult result;
  result.code = begin_request(session, now_ms);
  if (result.code != Code::OK) return result;
  const DataNode* node = tree_.get_data(path, watch ? session : 0);
  if (node == nullptr) {
    result.code = Code::NONODE;
    return result;
  }
  result.data = node->data;
  result.stat = node->to_stat();
  return result;
}

ExistsResult ZooKeeperServer::exists(SessionId session, std::string_view path, bool watch,
                                     std::int64_t now_ms) {
  validate_path(path);
  ExistsResult result;
  result.code = begin_request(session, now_ms);
  if (result.code != Code::OK) return result;
  const DataNode* node = tree_.stat_node(path, watch ? session : 0);
  if (node != nullptr) result.stat = node->to_stat();
  return result;
}

GetChildrenResult ZooKeeperServer::get_children(SessionId session, std::string_view path,
                                                bool watch, std::int64_t now_ms) {
  validate_path(path);
  GetChildrenResult result;
  result.code = begin_request(session, now_ms);
  if (result.code != Code::OK) return result;
  const DataNode* node = tree_.get_children(path, watch ? session : 0);
  if (node == nullptr) {
    result.code = Code::NONODE;
    return result;
  }
  result.children.assign(node->children.begin(), node->children.end());
  result.stat = node->to_stat();
  return result;
}

std::vector<WatchedEvent> ZooKeeperServer::take_watch_events() { return tree_.take_events(); }

}  // namespace ksim::controller::zk
