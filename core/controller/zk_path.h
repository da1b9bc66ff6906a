// ZooKeeper's path rules (PathUtils.validatePath) and path arithmetic. ZooKeeper's Java client
// checks a path before sending a request and throws IllegalArgumentException; ksim's client-side
// check throws InvalidPathError with the same message ("Path must start with / character").
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace ksim::controller::zk {

// A path that ZooKeeper's client would refuse (Java: IllegalArgumentException).
class InvalidPathError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// PathUtils.validatePath with its messages: "Path length must be > 0", "Path must start with /
// character", "Path must not end with / character", and `Invalid path string "<path>" caused by
// <reason> @<index>` for a null character, an empty node name, a relative path ("." or ".."), or
// an invalid character (control characters, U+007F-U+009F, U+D800-U+F8FF, U+FFF0-U+FFFF). The
// path is UTF-8; indexes count UTF-16 code units as Java does, and malformed UTF-8 decodes to
// U+FFFD (an invalid character), as Java's decoder does. A NUL in the path shows as \u0000 in the
// message (Java prints it raw; a C++ what() would end there).
void validate_path(std::string_view path);
// For a sequential create ZooKeeper validates path + "1", so "/isr_change_notification/" passes.
void validate_path(std::string_view path, bool is_sequential);

// "/a/b" -> "/a", "/a" -> "/". The root has no parent: parent_path("/") is "".
std::string_view parent_path(std::string_view path);
// "/a/b" -> "b"; "/" -> "".
std::string_view node_name(std::string_view path);
// join_path("/", "a") -> "/a"; join_path("/a", "b") -> "/a/b".
std::string join_path(std::string_view parent, std::string_view child);

}  // namespace ksim::controller::zk
