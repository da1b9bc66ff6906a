#include "scenarios/script.h"

#include <algorithm>

namespace ksim::scenarios {

namespace {

// The caret line under `source_line`: its tabs kept (so the caret lines up however tabs are
// shown), every other character a space, a UTF-8 character counted once; then '^' and
// length - 1 tildes.
std::string script_error_caret_line(const std::string& source_line, std::int32_t column,
                                    std::int32_t length) {
  std::string caret;
  const std::size_t before = static_cast<std::size_t>(column - 1);
  for (std::size_t i = 0; i < before; ++i) {
    if (i < source_line.size()) {
      const auto byte = static_cast<unsigned char>(source_line[i]);
      if ((byte & 0xC0u) == 0x80u) continue;  // a UTF-8 continuation byte
      caret += byte == '\t' ? '\t' : ' ';
    } else {
      caret += ' ';
    }
  }
  caret += '^';
  caret.append(static_cast<std::size_t>(std::max<std::int32_t>(length, 1) - 1), '~');
  return caret;
}

std::string script_error_what(const SourceLocation& location, const std::string& message,
                              const std::string& source_line, std::int32_t length) {
  std::string what = location.to_string() + ": error: " + message;
  if (!source_line.empty()) {
    what += "\n    " + source_line;
    if (location.column > 0) {
      what += "\n    " + script_error_caret_line(source_line, location.column, length);
    }
  }
  return what;
}

}  // namespace

std::string SourceLocation::to_string() const {
  std::string text = file;
  if (line > 0) {
    text += ':' + std::to_string(line);
    if (column > 0) text += ':' + std::to_string(column);
  }
  return text;
}

ScriptError::ScriptError(SourceLocation location, std::string message, std::string source_line,
                         std::int32_t length)
    : std::runtime_error(script_error_what(location, message, source_line, length)),
      location_(std::move(location)),
      message_(std::move(message)) {}

std::string BrokerTarget::to_string() const {
  switch (kind) {
    case Kind::broker:
      return "broker " + std::to_string(broker_id);
    case Kind::leader_of:
      return "leader " + partition.to_string();
    case Kind::controller:
      return "controller";
  }
  return "?";
}

std::string NodeTarget::to_string() const {
  switch (kind) {
    case Kind::broker:
      return broker.to_string();
    case Kind::zookeeper:
      return "zookeeper";
    case Kind::client:
      return "client " + client;
    case Kind::all_brokers:
      return "brokers";
    case Kind::all_clients:
      return "clients";
  }
  return "?";
}

}  // namespace ksim::scenarios
