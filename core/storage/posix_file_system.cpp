// PosixFileSystem: file descriptors and the *at system calls under one root directory.
#include "core/storage/posix_file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <limits>
#include <stdexcept>
#include <system_error>

#include "core/storage/errors.h"

namespace ksim::storage {
namespace {

using Kind = IoError::Kind;

Kind kind_of(int error) {
  switch (error) {
    case ENOENT:
      return Kind::not_found;
    case EEXIST:
      return Kind::already_exists;
    case ENOSPC:
    case EDQUOT:
      return Kind::no_space;
    case ENOTDIR:
      return Kind::not_a_directory;
    default:
      return Kind::io_failure;
  }
}

[[noreturn]] void throw_errno(int error, const std::string& subject) {
  throw IoError(kind_of(error),
                std::error_code(error, std::generic_category()).message() + ": " + subject);
}

// What the *at calls take for a normalized path: the root itself is ".".
const char* relative(const std::string& normalized) {
  return normalized.empty() ? "." : normalized.c_str();
}

std::string parent_of(const std::string& normalized) {
  std::size_t slash = normalized.rfind('/');
  return slash == std::string::npos ? std::string() : normalized.substr(0, slash);
}

int open_at(int directory_fd, const char* path, int flags, mode_t mode = 0) {
  while (true) {
    int fd = ::openat(directory_fd, path, flags, mode);
    if (fd >= 0 || errno != EINTR) return fd;
  }
}

class PosixFile final : public File {
 public:
  PosixFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  PosixFile(const PosixFile&) = delete;
  PosixFile& operator=(const PosixFile&) = delete;
  ~PosixFile() override { ::close(fd_); }

  std::uint64_t size() const override {
    struct stat status {};
    if (::fstat(fd_, &status) != 0) throw_errno(errno, path_);
    return static_cast<std::uint64_t>(status.st_size);
  }

  void append(ByteView data) override {
    std::size_t written = 0;
    while (written < data.size()) {
      ssize_t count = ::write(fd_, data.data() + written, data.size() - written);
      if (count < 0 && errno == EINTR) continue;
      if (count <= 0) {
        int error = count < 0 ? errno : EIO;
        undo_partial_append(written);
        throw_errno(error, path_);
      }
      written += static_cast<std::size_t>(count);
    }
  }

  std::size_t read_at(std::uint64_t position, MutableByteView out) const override {
    constexpr auto max_offset = static_cast<std::uint64_t>(std::numeric_limits<off_t>::max());
    std::size_t done = 0;
    while (done < out.size() && position <= max_offset - done) {
      ssize_t count = ::pread(fd_, out.data() + done, out.size() - done,
                              static_cast<off_t>(position + done));
      if (count < 0 && errno == EINTR) continue;
      if (count < 0) throw_errno(errno, path_);
      if (count == 0) break;  // end of file
      done += static_cast<std::size_t>(count);
    }
    return done;
  }

  void truncate(std::uint64_t size) override {
    std::uint64_t current = this->size();
    if (size > current) {
      throw std::invalid_argument("Cannot truncate " + path_ + " to " + std::to_string(size) +
                                  " bytes: it has only " + std::to_string(current));
    }
    while (::ftruncate(fd_, static_cast<off_t>(size)) != 0) {
      if (errno != EINTR) throw_errno(errno, path_);
    }
  }

  void fsync() override {
    while (::fsync(fd_) != 0) {
      if (errno != EINTR) throw_errno(errno, path_);
    }
  }

 private:
  // A failed append writes nothing (File's contract): cut off what went out before the error.
  void undo_partial_append(std::size_t written) {
    if (written == 0) return;
    struct stat status {};
    if (::fstat(fd_, &status) == 0 && static_cast<std::uint64_t>(status.st_size) >= written) {
      [[maybe_unused]] int ignored =
          ::ftruncate(fd_, status.st_size - static_cast<off_t>(written));
    }
  }

  int fd_;
  std::string path_;
};

}  // namespace

PosixFileSystem::PosixFileSystem(std::string root) : root_(std::move(root)) {
  if (root_.empty()) throw std::invalid_argument("PosixFileSystem needs a root directory");
  for (std::size_t slash = root_.find('/', 1);; slash = root_.find('/', slash + 1)) {
    std::string prefix = root_.substr(0, slash);
    if (::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) throw_errno(errno, prefix);
    if (slash == std::string::npos) break;
  }
  root_fd_ = open_at(AT_FDCWD, root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root_fd_ < 0) throw_errno(errno, root_);
}

PosixFileSystem::~PosixFileSystem() { ::close(root_fd_); }

std::unique_ptr<File> PosixFileSystem::open(std::string_view path, OpenMode mode) {
  std::string normalized = normalize_path(path);
  if (normalized.empty()) throw IoError(Kind::io_failure, "Is a directory: .");
  int flags = O_RDWR | O_APPEND | O_CLOEXEC;
  if (mode == OpenMode::create_truncate) flags |= O_TRUNC;
  int fd = open_at(root_fd_, normalized.c_str(), flags);
  bool created = false;
  if (fd < 0 && errno == ENOENT && mode != OpenMode::read_write) {
    fd = open_at(root_fd_, normalized.c_str(), flags | O_CREAT, 0644);
    created = fd >= 0;
  }
  if (fd < 0) throw_errno(errno, normalized);
  auto file = std::make_unique<PosixFile>(fd, normalized);
  if (created) sync_parent_directory(normalized);
  return file;
}

bool PosixFileSystem::exists(std::string_view path) const {
  std::string normalized = normalize_path(path);
  struct stat status {};
  if (::fstatat(root_fd_, relative(normalized), &status, 0) == 0) return true;
  if (errno == ENOENT || errno == ENOTDIR) return false;
  throw_errno(errno, normalized);
}

bool PosixFileSystem::is_directory(std::string_view path) const {
  std::string normalized = normalize_path(path);
  struct stat status {};
  if (::fstatat(root_fd_, relative(normalized), &status, 0) == 0) return S_ISDIR(status.st_mode);
  if (errno == ENOENT || errno == ENOTDIR) return false;
  throw_errno(errno, normalized);
}

std::vector<std::string> PosixFileSystem::list(std::string_view directory) const {
  std::string normalized = normalize_path(directory);
  int fd = open_at(root_fd_, relative(normalized), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw_errno(errno, normalized);
  std::unique_ptr<DIR, int (*)(DIR*)> stream(::fdopendir(fd), &::closedir);
  if (!stream) {
    int error = errno;
    ::close(fd);
    throw_errno(error, normalized);
  }
  std::vector<std::string> names;
  while (true) {
    errno = 0;
    const dirent* entry = ::readdir(stream.get());
    if (entry == nullptr) break;
    std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  if (errno != 0) throw_errno(errno, normalized);
  std::sort(names.begin(), names.end());
  return names;
}

void PosixFileSystem::create_directories(std::string_view directory) {
  std::string normalized = normalize_path(directory);
  if (normalized.empty()) return;
  for (std::size_t slash = normalized.find('/');; slash = normalized.find('/', slash + 1)) {
    std::string prefix = normalized.substr(0, slash);
    if (::mkdirat(root_fd_, prefix.c_str(), 0755) == 0) {
      sync_parent_directory(prefix);
    } else {
      int error = errno;
      struct stat status {};
      if (error != EEXIST) throw_errno(error, normalized);
      if (::fstatat(root_fd_, prefix.c_str(), &status, 0) != 0 || !S_ISDIR(status.st_mode)) {
        throw IoError(Kind::not_a_directory, "Not a directory: " + normalized);
      }
    }
    if (slash == std::string::npos) break;
  }
}

void PosixFileSystem::remove(std::string_view path) {
  std::string normalized = normalize_path(path);
  if (normalized.empty()) {
    throw std::invalid_argument("Cannot remove the file system's root directory");
  }
  struct stat status {};
  if (::fstatat(root_fd_, normalized.c_str(), &status, AT_SYMLINK_NOFOLLOW) != 0) {
    throw_errno(errno, normalized);
  }
  int flags = S_ISDIR(status.st_mode) ? AT_REMOVEDIR : 0;
  if (::unlinkat(root_fd_, normalized.c_str(), flags) != 0) {
    if (errno == ENOTEMPTY || errno == EEXIST) {
      throw IoError(Kind::io_failure, "Directory not empty: " + normalized);
    }
    throw_errno(errno, normalized);
  }
  sync_parent_directory(normalized);
}

void PosixFileSystem::rename(std::string_view from, std::string_view to) {
  std::string source = normalize_path(from);
  std::string target = normalize_path(to);
  if (source.empty() || target.empty()) {
    throw std::invalid_argument("Cannot rename the file system's root directory: " + source +
                                " -> " + target);
  }
  struct stat status {};
  if (::fstatat(root_fd_, source.c_str(), &status, AT_SYMLINK_NOFOLLOW) != 0) {
    throw_errno(errno, source);
  }
  if (source == target) return;
  if (::fstatat(root_fd_, target.c_str(), &status, AT_SYMLINK_NOFOLLOW) == 0 &&
      S_ISDIR(status.st_mode)) {
    throw IoError(Kind::io_failure, "Is a directory: " + target);
  }
  if (::renameat(root_fd_, source.c_str(), root_fd_, target.c_str()) != 0) {
    throw_errno(errno, source + " -> " + target);
  }
  sync_parent_directory(target);
  if (parent_of(source) != parent_of(target)) sync_parent_directory(source);
}

void PosixFileSystem::sync_parent_directory(const std::string& path) const {
  std::string parent = parent_of(path);
  int fd = parent.empty() ? root_fd_
                          : open_at(root_fd_, parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw_errno(errno, parent);
  int result = ::fsync(fd);
  int error = errno;
  if (fd != root_fd_) ::close(fd);
  if (result != 0) throw_errno(error, parent.empty() ? "." : parent);
}

}  // namespace ksim::storage
