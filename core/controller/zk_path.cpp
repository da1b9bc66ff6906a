// PathUtils.validatePath over UTF-8 input, counting UTF-16 code units like Java's String.
#include "core/controller/zk_path.h"

#include <fmt/format.h>

#include "core/controller/zk_types.h"

namespace ksim::controller::zk {
namespace {

bool is_invalid_character(char16_t c) {
  return (c > 0x0000 && c <= 0x001F) || (c >= 0x007F && c <= 0x009F) ||
         (c >= 0xD800 && c <= 0xF8FF) || (c >= 0xFFF0);
}

}  // namespace

void validate_path(std::string_view path) {
  if (path.empty()) throw InvalidPathError("Path length must be > 0");
  if (path.front() != '/') throw InvalidPathError("Path must start with / character");
  if (path.size() == 1) return;  // the root
  if (path.back() == '/') throw InvalidPathError("Path must not end with / character");

  const std::u16string chars = java_string_from_utf8(path);
  std::string reason;
  char16_t last = u'/';
  for (std::size_t i = 1; i < chars.size(); last = chars[i], ++i) {
    const char16_t c = chars[i];
    const bool at_end = i + 1 == chars.size();
    if (c == 0) {
      reason = fmt::format("null character not allowed @{}", i);
    } else if (c == u'/' && last == u'/') {
      reason = fmt::format("empty node name specified @{}", i);
    } else if (c == u'.' && last == u'.') {
      if (chars[i - 2] == u'/' && (at_end || chars[i + 1] == u'/')) {
        reason = fmt::format("relative paths not allowed @{}", i);
      }
    } else if (c == u'.') {
      if (chars[i - 1] == u'/' && (at_end || chars[i + 1] == u'/')) {
        reason = fmt::format("relative paths not allowed @{}", i);
      }
    } else if (is_invalid_character(c)) {
      reason = fmt::format("invalid character @{}", i);
    }
    if (!reason.empty()) break;
  }
  if (!reason.empty()) {
    // what() is a C string: a NUL in the path is shown as \u0000 so the message survives.
    std::string shown;
    for (const char c : path) {
      if (c == '\0') {
        shown += "\\u0000";
      } else {
        shown += c;
      }
    }
    throw InvalidPathError(fmt::format("Invalid path string \"{}\" caused by {}", shown, reason));
  }
}

void validate_path(std::string_view path, bool is_sequential) {
  if (!is_sequential) {
    validate_path(path);
    return;
  }
  std::string with_suffix(path);
  with_suffix += '1';
  validate_path(with_suffix);
}

std::string_view parent_path(std::string_view path) {
  if (path.size() <= 1) return {};
  const std::size_t last_slash = path.rfind('/');
  if (last_slash == 0) return path.substr(0, 1);
  return path.substr(0, last_slash);
}

std::string_view node_name(std::string_view path) {
  const std::size_t last_slash = path.rfind('/');
  if (last_slash == std::string_view::npos) return path;
  return path.substr(last_slash + 1);
}

std::string join_path(std::string_view parent, std::string_view child) {
  std::string result(parent);
  if (result.empty() || result.back() != '/') result += '/';
  result += child;
  return result;
}

}  // namespace ksim::controller::zk
