// ZooKeeper's vocabulary for ksim's metadata service: the error codes (KeeperException.Code),
// a znode's Stat, the create modes, the watch events, and the messages ZooKeeper prints for them.
// Protocol outcomes are values of `Code`, never exceptions: a create that finds NODEEXISTS is a
// normal answer (it is how a broker learns that another broker is the controller).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ksim::controller::zk {

// A session id (ZooKeeper's `long sessionId`); 0 is never a session (it marks persistent nodes).
using SessionId = std::int64_t;
// A transaction id: the high 32 bits are the epoch, the low 32 bits count transactions.
using Zxid = std::int64_t;

// A znode's data. nullopt is Java's null: Kafka creates /brokers/ids and /brokers/topics/<t>/
// partitions with null data, and zkCli prints "null" for them (an empty array prints "").
using ZNodeData = std::optional<std::string>;

// KeeperException.Code, with ZooKeeper's numbers.
enum class Code : std::int32_t {
  OK = 0,
  SYSTEMERROR = -1,
  RUNTIMEINCONSISTENCY = -2,
  DATAINCONSISTENCY = -3,
  CONNECTIONLOSS = -4,
  MARSHALLINGERROR = -5,
  UNIMPLEMENTED = -6,
  OPERATIONTIMEOUT = -7,
  BADARGUMENTS = -8,
  APIERROR = -100,
  NONODE = -101,
  NOAUTH = -102,
  BADVERSION = -103,
  NOCHILDRENFOREPHEMERALS = -108,
  NODEEXISTS = -110,
  NOTEMPTY = -111,
  SESSIONEXPIRED = -112,
  INVALIDCALLBACK = -113,
  INVALIDACL = -114,
  AUTHFAILED = -115,
  SESSIONMOVED = -118,
  NOTREADONLY = -119,
  EPHEMERALONLOCALSESSION = -120,
  NOWATCHER = -121,
};

// "NONODE" for Code::NONODE; "UNKNOWN" for a number this table does not name.
std::string_view code_name(Code code);
// KeeperException.getCodeMessage: "NoNode", "Directory not empty", "Session expired", ...
std::string code_message(Code code);
// KeeperException.getMessage: "KeeperErrorCode = NoNode for /a" ("KeeperErrorCode = NoNode"
// when `path` is empty).
std::string keeper_exception_message(Code code, std::string_view path);
// What zkCli prints for the error (CliWrapperException): "Node does not exist: /a",
// "Node already exists: /a", "Node not empty: /a", "version No is not valid : /a", ...; the
// KeeperException message for the codes zkCli does not translate.
std::string zkcli_error_message(Code code, std::string_view path);

// org.apache.zookeeper.data.Stat, as a client sees it. `cversion` is ZooKeeper's reported value
// (twice the creates under the node minus its children, see DataNode::to_stat), `version` is the
// dataVersion, `aversion` the aclVersion (always 0: ksim has no ACLs).
struct Stat {
  Zxid czxid = 0;
  Zxid mzxid = 0;
  std::int64_t ctime = 0;
  std::int64_t mtime = 0;
  std::int32_t version = 0;
  std::int32_t cversion = 0;
  std::int32_t aversion = 0;
  SessionId ephemeral_owner = 0;
  std::int32_t data_length = 0;
  std::int32_t num_children = 0;
  Zxid pzxid = 0;
  friend bool operator==(const Stat&, const Stat&) = default;
};

// CreateMode, without ZooKeeper 3.5's containers and TTL nodes (Kafka uses neither).
enum class CreateMode { PERSISTENT, PERSISTENT_SEQUENTIAL, EPHEMERAL, EPHEMERAL_SEQUENTIAL };
bool is_ephemeral(CreateMode mode);
bool is_sequential(CreateMode mode);

// Watcher.Event.EventType, with ZooKeeper's numbers.
enum class EventType : std::int32_t {
  None = -1,
  NodeCreated = 1,
  NodeDeleted = 2,
  NodeDataChanged = 3,
  NodeChildrenChanged = 4,
};
std::string_view event_type_name(EventType type);

// A one-shot watch that fired, addressed to the session that set it. `zxid` is the transaction
// that fired it.
struct WatchedEvent {
  SessionId session_id = 0;
  EventType type = EventType::None;
  std::string path;
  Zxid zxid = 0;
  friend bool operator==(const WatchedEvent&, const WatchedEvent&) = default;
};

// WatchedEvent.toString as ZooKeeper 3.8 prints it (zkCli shows it after "WATCHER::"):
// "WatchedEvent state:SyncConnected type:NodeDeleted path:/controller".
std::string to_string(const WatchedEvent& event);

// Java's `new String(bytes, UTF_8)`: UTF-8 to UTF-16 code units, each malformed sequence
// replaced by U+FFFD. Java's String.hashCode and path indexes count these units.
std::u16string java_string_from_utf8(std::string_view text);

// "0x" + Long.toHexString(value): how zkCli prints zxids and session ids ("0x0", "0xa0000003b").
std::string java_hex(std::int64_t value);

}  // namespace ksim::controller::zk
