// Path helpers and the whole-file operations built on the FileSystem interface.
#include "core/storage/file_system.h"

#include <stdexcept>
#include <string>

#include "core/storage/errors.h"

namespace ksim::storage {

std::string join_path(std::string_view directory, std::string_view name) {
  if (directory.empty()) return std::string(name);
  if (name.empty()) return std::string(directory);
  std::string joined(directory);
  if (joined.back() != '/') joined += '/';
  joined += name;
  return joined;
}

std::string normalize_path(std::string_view path) {
  if (!path.empty() && path.front() == '/') {
    throw std::invalid_argument("Absolute path not allowed (paths are relative to the file "
                                "system's root): " + std::string(path));
  }
  if (path.find('\0') != std::string_view::npos) {
    throw std::invalid_argument("Path contains a NUL byte: " + std::string(path));
  }
  std::string normalized;
  normalized.reserve(path.size());
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view component = path.substr(start, end - start);
    if (component == "..") {
      throw std::invalid_argument("Path component \"..\" not allowed: " + std::string(path));
    }
    if (!component.empty() && component != ".") {
      if (!normalized.empty()) normalized += '/';
      normalized += component;
    }
    start = end + 1;
  }
  return normalized;
}

Bytes read_file(FileSystem& fs, std::string_view path) {
  auto file = fs.open(path, OpenMode::read_write);
  Bytes content(static_cast<std::size_t>(file->size()));
  std::size_t read = file->read_at(0, content);
  if (read != content.size()) {
    throw IoError(IoError::Kind::io_failure,
                  "Short read: " + std::to_string(read) + " of " + std::to_string(content.size()) +
                      " bytes: " + std::string(path));
  }
  return content;
}

void write_file_atomically(FileSystem& fs, std::string_view path, ByteView content) {
  std::string target = normalize_path(path);
  std::string temporary = target + ".tmp";
  try {
    auto file = fs.open(temporary, OpenMode::create_truncate);
    file->append(content);
    file->fsync();
  } catch (const IoError&) {
    // Best effort: don't leave a half-written .tmp behind (a full disk stays full otherwise).
    try {
      if (fs.exists(temporary)) fs.remove(temporary);
    } catch (const IoError&) {
    }
    throw;
  }
  fs.rename(temporary, target);
}

void remove_recursively(FileSystem& fs, std::string_view path) {
  std::string target = normalize_path(path);
  if (target.empty()) {
    throw std::invalid_argument("Cannot remove the file system's root directory");
  }
  if (!fs.exists(target)) return;
  if (fs.is_directory(target)) {
    for (const std::string& name : fs.list(target)) {
      remove_recursively(fs, join_path(target, name));
    }
  }
  fs.remove(target);
}

}  // namespace ksim::storage
