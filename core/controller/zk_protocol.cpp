// Result codes of answers, and rough wire sizes of ZooKeeper's jute records: a 4-byte length
// prefix per frame, headers of fixed width, strings and buffers as a 4-byte length plus bytes.
#include "core/controller/zk_protocol.h"

#include <type_traits>

namespace ksim::controller::zk {
namespace {

constexpr std::size_t kFrameLength = 4;
constexpr std::size_t kRequestHeader = 8;            // xid, type
constexpr std::size_t kReplyHeader = 16;             // xid, zxid, err
constexpr std::size_t kStat = 68;                    // 6 longs and 5 ints
constexpr std::size_t kAcl = 4 + 4 + 4 + 6 + 4 + 6;  // one ACL: world:anyone, perms

std::size_t string_size(const std::string& text) { return 4 + text.size(); }
std::size_t data_size(const ZNodeData& data) { return 4 + (data ? data->size() : 0); }

std::size_t op_size(const Op& op) {
  // A multi's MultiHeader (type, done, err) precedes each op.
  std::size_t size = 9 + string_size(op.path);
  switch (op.type) {
    case Op::Type::create: size += data_size(op.data) + 4 + kAcl + 4; break;
    case Op::Type::set_data: size += data_size(op.data) + 4; break;
    case Op::Type::delete_node:
    case Op::Type::check: size += 4; break;
  }
  return size;
}

std::size_t op_result_size(const OpResult& result) {
  return 9 + (result.code != Code::OK ? 4 : string_size(result.path) + kStat);
}

}  // namespace

Code Response::code() const {
  return std::visit(
      [](const auto& result) -> Code {
        using T = std::decay_t<decltype(result)>;
        if constexpr (std::is_same_v<T, Code>) {
          return result;
        } else {
          return result.code;
        }
      },
      body);
}

std::size_t wire_size(const ConnectRequest&) {
  // protocolVersion, lastZxidSeen, timeOut, sessionId, passwd (16 bytes), readOnly.
  return kFrameLength + 4 + 8 + 4 + 8 + 4 + 16 + 1;
}

std::size_t wire_size(const ConnectResponse&) { return kFrameLength + 4 + 4 + 8 + 4 + 16 + 1; }

std::size_t wire_size(const Request& request) {
  const std::size_t body = std::visit(
      [](const auto& op) -> std::size_t {
        using T = std::decay_t<decltype(op)>;
        if constexpr (std::is_same_v<T, CreateOp>) {
          return string_size(op.path) + data_size(op.data) + 4 + kAcl + 4;
        } else if constexpr (std::is_same_v<T, DeleteOp>) {
          return string_size(op.path) + 4;
        } else if constexpr (std::is_same_v<T, SetDataOp>) {
          return string_size(op.path) + data_size(op.data) + 4;
        } else if constexpr (std::is_same_v<T, GetDataOp> || std::is_same_v<T, ExistsOp> ||
                             std::is_same_v<T, GetChildrenOp>) {
          return string_size(op.path) + 1;
        } else if constexpr (std::is_same_v<T, MultiOp>) {
          std::size_t size = 9;  // the closing MultiHeader
          for (const Op& each : op.ops) size += op_size(each);
          return size;
        } else {
          return 0;  // ping, closeSession: the header alone
        }
      },
      request.body);
  return kFrameLength + kRequestHeader + body;
}

std::size_t wire_size(const Response& response) {
  const std::size_t body = std::visit(
      [](const auto& result) -> std::size_t {
        using T = std::decay_t<decltype(result)>;
        if constexpr (std::is_same_v<T, Code>) {
          return 0;
        } else if constexpr (std::is_same_v<T, MultiResult>) {
          std::size_t size = 9;
          for (const OpResult& each : result.results) size += op_result_size(each);
          return size;
        } else {
          if (result.code != Code::OK) return 0;  // an error answer carries the header alone
          if constexpr (std::is_same_v<T, CreateResult>) {
            return string_size(result.path) + kStat;
          } else if constexpr (std::is_same_v<T, GetDataResult>) {
            return data_size(result.data) + kStat;
          } else if constexpr (std::is_same_v<T, SetDataResult>) {
            return kStat;
          } else if constexpr (std::is_same_v<T, ExistsResult>) {
            return result.stat ? kStat : 0;
          } else {
            static_assert(std::is_same_v<T, GetChildrenResult>);
            std::size_t size = 4 + kStat;
            for (const std::string& child : result.children) size += string_size(child);
            return size;
          }
        }
      },
      response.body);
  return kFrameLength + kReplyHeader + body;
}

std::size_t wire_size(const WatchNotification& notification) {
  // A reply header (xid -1), then type, state and path.
  return kFrameLength + kReplyHeader + 4 + 4 + string_size(notification.event.path);
}

}  // namespace ksim::controller::zk
