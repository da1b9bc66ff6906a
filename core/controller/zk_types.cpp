// ZooKeeper's codes and messages (KeeperException, CliWrapperException, WatchedEvent).
#include "core/controller/zk_types.h"

#include <fmt/format.h>

namespace ksim::controller::zk {

std::string_view code_name(Code code) {
  switch (code) {
    case Code::OK: return "OK";
    case Code::SYSTEMERROR: return "SYSTEMERROR";
    case Code::RUNTIMEINCONSISTENCY: return "RUNTIMEINCONSISTENCY";
    case Code::DATAINCONSISTENCY: return "DATAINCONSISTENCY";
    case Code::CONNECTIONLOSS: return "CONNECTIONLOSS";
    case Code::MARSHALLINGERROR: return "MARSHALLINGERROR";
    case Code::UNIMPLEMENTED: return "UNIMPLEMENTED";
    case Code::OPERATIONTIMEOUT: return "OPERATIONTIMEOUT";
    case Code::BADARGUMENTS: return "BADARGUMENTS";
    case Code::APIERROR: return "APIERROR";
    case Code::NONODE: return "NONODE";
    case Code::NOAUTH: return "NOAUTH";
    case Code::BADVERSION: return "BADVERSION";
    case Code::NOCHILDRENFOREPHEMERALS: return "NOCHILDRENFOREPHEMERALS";
    case Code::NODEEXISTS: return "NODEEXISTS";
    case Code::NOTEMPTY: return "NOTEMPTY";
    case Code::SESSIONEXPIRED: return "SESSIONEXPIRED";
    case Code::INVALIDCALLBACK: return "INVALIDCALLBACK";
    case Code::INVALIDACL: return "INVALIDACL";
    case Code::AUTHFAILED: return "AUTHFAILED";
    case Code::SESSIONMOVED: return "SESSIONMOVED";
    case Code::NOTREADONLY: return "NOTREADONLY";
    case Code::EPHEMERALONLOCALSESSION: return "EPHEMERALONLOCALSESSION";
    case Code::NOWATCHER: return "NOWATCHER";
  }
  return "UNKNOWN";
}

std::string code_message(Code code) {
  switch (code) {
    case Code::OK: return "ok";
    case Code::SYSTEMERROR: return "SystemError";
    case Code::RUNTIMEINCONSISTENCY: return "RuntimeInconsistency";
    case Code::DATAINCONSISTENCY: return "DataInconsistency";
    case Code::CONNECTIONLOSS: return "ConnectionLoss";
    case Code::MARSHALLINGERROR: return "MarshallingError";
    case Code::UNIMPLEMENTED: return "Unimplemented";
    case Code::OPERATIONTIMEOUT: return "OperationTimeout";
    case Code::BADARGUMENTS: return "BadArguments";
    case Code::APIERROR: return "APIError";
    case Code::NONODE: return "NoNode";
    case Code::NOAUTH: return "NoAuth";
    case Code::BADVERSION: return "BadVersion";
    case Code::NOCHILDRENFOREPHEMERALS: return "NoChildrenForEphemerals";
    case Code::NODEEXISTS: return "NodeExists";
    case Code::NOTEMPTY: return "Directory not empty";
    case Code::SESSIONEXPIRED: return "Session expired";
    case Code::INVALIDCALLBACK: return "Invalid callback";
    case Code::INVALIDACL: return "InvalidACL";
    case Code::AUTHFAILED: return "AuthFailed";
    case Code::SESSIONMOVED: return "Session moved";
    case Code::NOTREADONLY: return "Not a read-only call";
    case Code::EPHEMERALONLOCALSESSION: return "Ephemeral node on local session";
    case Code::NOWATCHER: return "No such watcher";
  }
  return fmt::format("Unknown error {}", static_cast<std::int32_t>(code));
}

std::string keeper_exception_message(Code code, std::string_view path) {
  if (path.empty()) return fmt::format("KeeperErrorCode = {}", code_message(code));
  return fmt::format("KeeperErrorCode = {} for {}", code_message(code), path);
}

std::string zkcli_error_message(Code code, std::string_view path) {
  switch (code) {
    case Code::NONODE: return fmt::format("Node does not exist: {}", path);
    case Code::NOCHILDRENFOREPHEMERALS:
      return fmt::format("Ephemerals cannot have children: {}", path);
    case Code::NODEEXISTS: return fmt::format("Node already exists: {}", path);
    case Code::NOTEMPTY: return fmt::format("Node not empty: {}", path);
    case Code::NOTREADONLY: return fmt::format("Not a read-only call: {}", path);
    case Code::INVALIDACL: return fmt::format("Acl is not valid : {}", path);
    case Code::NOAUTH: return fmt::format("Authentication is not valid : {}", path);
    case Code::BADARGUMENTS: return fmt::format("Arguments are not valid : {}", path);
    case Code::BADVERSION: return fmt::format("version No is not valid : {}", path);
    default: return keeper_exception_message(code, path);
  }
}

bool is_ephemeral(CreateMode mode) {
  return mode == CreateMode::EPHEMERAL || mode == CreateMode::EPHEMERAL_SEQUENTIAL;
}

bool is_sequential(CreateMode mode) {
  return mode == CreateMode::PERSISTENT_SEQUENTIAL || mode == CreateMode::EPHEMERAL_SEQUENTIAL;
}

std::string_view event_type_name(EventType type) {
  switch (type) {
    case EventType::None: return "None";
    case EventType::NodeCreated: return "NodeCreated";
    case EventType::NodeDeleted: return "NodeDeleted";
    case EventType::NodeDataChanged: return "NodeDataChanged";
    case EventType::NodeChildrenChanged: return "NodeChildrenChanged";
  }
  return "Unknown";
}

std::string to_string(const WatchedEvent& event) {
  return fmt::format("WatchedEvent state:SyncConnected type:{} path:{}",
                     event_type_name(event.type), event.path);
}

std::u16string java_string_from_utf8(std::string_view text) {
  std::u16string units;
  units.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    std::uint32_t code_point = 0;
    if (lead < 0x80) {
      length = 1;
      code_point = lead;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
      code_point = lead & 0x1Fu;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      code_point = lead & 0x0Fu;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      code_point = lead & 0x07u;
    }
    bool valid = length != 0 && i + length <= text.size();
    for (std::size_t k = 1; valid && k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0u) != 0x80u) valid = false;
      code_point = (code_point << 6) | (next & 0x3Fu);
    }
    if (valid &&
        ((length == 3 && (code_point < 0x800 || (code_point >= 0xD800 && code_point <= 0xDFFF))) ||
         (length == 4 && (code_point < 0x10000 || code_point > 0x10FFFF)))) {
      valid = false;
    }
    if (!valid) {
      units.push_back(u'\uFFFD');
      i += 1;
      continue;
    }
    if (code_point >= 0x10000) {
      const std::uint32_t v = code_point - 0x10000;
      units.push_back(static_cast<char16_t>(0xD800 + (v >> 10)));
      units.push_back(static_cast<char16_t>(0xDC00 + (v & 0x3FF)));
    } else {
      units.push_back(static_cast<char16_t>(code_point));
    }
    i += length;
  }
  return units;
}

std::string java_hex(std::int64_t value) {
  return fmt::format("0x{:x}", static_cast<std::uint64_t>(value));
}

}  // namespace ksim::controller::zk
