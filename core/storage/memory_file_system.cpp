// MemoryFileSystem: a tree of directories whose files are shared nodes (inodes) with a page
// cache and a durable size. See memory_file_system.h for the durability model.
#include "core/storage/memory_file_system.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <new>
#include <stdexcept>
#include <utility>

#include "core/storage/errors.h"

namespace ksim::storage {
namespace memory_file_system_detail {


// A file's bytes, contiguous. Grown with realloc rather than std::vector: for large blocks
// glibc's realloc moves the pages (mremap) instead of copying every byte, which keeps appends to
// a big segment at memory speed (measured: vector 0.7 GB/s, realloc 2.4 GB/s for 1 MiB appends
// up to 512 MiB; 150 ns vs 40 ns per 100-byte append).
class ByteBuffer {
 public:
  ByteBuffer() = default;
  ByteBuffer(const ByteBuffer&) = delete;
  ByteBuffer& operator=(const ByteBuffer&) = delete;
  ~ByteBuffer() { std::free(data_); }

  std::size_t size() const { return size_; }
  const std::uint8_t* data() const { return data_; }
  std::uint8_t* data() { return data_; }

  void append(ByteView bytes) {
    if (bytes.empty()) return;
    if (bytes.size() > capacity_ - size_) grow(bytes.size());
    std::memcpy(data_ + size_, bytes.data(), bytes.size());
    size_ += bytes.size();
  }

  // Keeps the first `size` bytes; gives memory back when most of it is no longer used.
  void shrink_to(std::size_t size) {
    size_ = size;
    if (capacity_ > 4096 && size_ < capacity_ / 4) reallocate(std::max(size_ * 2, min_capacity));
  }

 private:
  static constexpr std::size_t min_capacity = 64;

  void grow(std::size_t extra) {
    if (extra > std::numeric_limits<std::size_t>::max() / 2 - size_) throw std::bad_alloc();
    std::size_t capacity = std::max(capacity_, min_capacity);
    while (capacity - size_ < extra) capacity *= 2;
    reallocate(capacity);
  }

  void reallocate(std::size_t capacity) {
    void* moved = std::realloc(data_, capacity);
    if (moved == nullptr) throw std::bad_alloc();
    data_ = static_cast<std::uint8_t*>(moved);
    capacity_ = capacity;
  }

  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

// One file's data, shared by its directory entry and its open handles (an inode).
// Invariant: durable_size <= content.size(); the durable content is content[0, durable_size).
struct FileNode {
  explicit FileNode(std::shared_ptr<Volume> on) : volume(std::move(on)) {}
  FileNode(const FileNode&) = delete;
  FileNode& operator=(const FileNode&) = delete;
  ~FileNode() {
    volume->used_bytes -= content.size();
    volume->unsynced_bytes -= unsynced_bytes();
  }

  std::uint64_t unsynced_bytes() const { return content.size() - durable_size; }

  void append(ByteView data) {
    content.append(data);
    volume->used_bytes += data.size();
    volume->unsynced_bytes += data.size();
    volume->bytes_written += data.size();
  }

  // A metadata operation, durable at once: the durable content is cut too.
  void cut(std::uint64_t size) {
    std::uint64_t unsynced_before = unsynced_bytes();
    volume->used_bytes -= content.size() - size;
    content.shrink_to(static_cast<std::size_t>(size));
    durable_size = std::min(durable_size, size);
    volume->unsynced_bytes = volume->unsynced_bytes - unsynced_before + unsynced_bytes();
  }

  void make_durable() {
    volume->unsynced_bytes -= unsynced_bytes();
    durable_size = content.size();
  }

  ByteBuffer content;
  std::uint64_t durable_size = 0;
  std::shared_ptr<Volume> volume;
};

struct DirectoryNode;

// A directory entry: a file or a directory (exactly one of the two is set).
struct Entry {
  std::shared_ptr<FileNode> file;
  std::unique_ptr<DirectoryNode> directory;
  bool is_directory() const { return directory != nullptr; }
};

struct DirectoryNode {
  std::map<std::string, Entry, std::less<>> entries;  // sorted bytewise
};

}  // namespace memory_file_system_detail

namespace {

using memory_file_system_detail::DirectoryNode;
using memory_file_system_detail::Entry;
using memory_file_system_detail::FileNode;
using memory_file_system_detail::Volume;
using Kind = IoError::Kind;

[[noreturn]] void throw_not_found(const std::string& path) {
  throw IoError(Kind::not_found, "No such file or directory: " + path);
}
[[noreturn]] void throw_not_a_directory(const std::string& path) {
  throw IoError(Kind::not_a_directory, "Not a directory: " + path);
}
[[noreturn]] void throw_is_a_directory(const std::string& path) {
  throw IoError(Kind::io_failure, "Is a directory: " + (path.empty() ? std::string(".") : path));
}

// Where a normalized path's last component lives: its parent directory and its name. When a
// parent is missing or is a file, `parent` is null and `failure` says which.
struct Location {
  DirectoryNode* parent = nullptr;
  std::string_view name;
  Kind failure = Kind::not_found;
};

Location locate(const Entry& root, std::string_view normalized) {
  DirectoryNode* directory = root.directory.get();
  std::size_t start = 0;
  while (true) {
    std::size_t slash = normalized.find('/', start);
    if (slash == std::string_view::npos) return {directory, normalized.substr(start)};
    auto it = directory->entries.find(normalized.substr(start, slash - start));
    if (it == directory->entries.end()) return {nullptr, {}, Kind::not_found};
    if (!it->second.is_directory()) return {nullptr, {}, Kind::not_a_directory};
    directory = it->second.directory.get();
    start = slash + 1;
  }
}

DirectoryNode& require_parent(const Location& location, const std::string& path) {
  if (location.parent == nullptr) {
    if (location.failure == Kind::not_a_directory) throw_not_a_directory(path);
    throw_not_found(path);
  }
  return *location.parent;
}

// The entry a normalized path names, or null if it (or a parent) does not exist.
const Entry* find_entry(const Entry& root, const std::string& normalized) {
  if (normalized.empty()) return &root;
  Location location = locate(root, normalized);
  if (location.parent == nullptr) return nullptr;
  auto it = location.parent->entries.find(location.name);
  return it == location.parent->entries.end() ? nullptr : &it->second;
}

const FileNode& find_file(const Entry& root, std::string_view path) {
  std::string normalized = normalize_path(path);
  if (normalized.empty()) throw_is_a_directory(normalized);
  Location location = locate(root, normalized);
  DirectoryNode& parent = require_parent(location, normalized);
  auto it = parent.entries.find(location.name);
  if (it == parent.entries.end()) throw_not_found(normalized);
  if (it->second.is_directory()) throw_is_a_directory(normalized);
  return *it->second.file;
}

void collect_files(const DirectoryNode& directory, const std::string& prefix,
                   std::map<std::string, std::shared_ptr<FileNode>>& files) {
  for (const auto& [name, entry] : directory.entries) {
    std::string path = join_path(prefix, name);
    if (entry.is_directory()) {
      collect_files(*entry.directory, path, files);
    } else {
      files.emplace(std::move(path), entry.file);
    }
  }
}

class MemoryFile final : public File {
 public:
  MemoryFile(std::shared_ptr<FileNode> node, std::string path)
      : node_(std::move(node)), path_(std::move(path)) {}

  std::uint64_t size() const override { return node_->content.size(); }

  void append(ByteView data) override {
    const Volume& volume = *node_->volume;
    check_writable();
    check_room(volume, data.size(), path_);
    node_->append(data);
  }

  std::size_t read_at(std::uint64_t position, MutableByteView out) const override {
    const auto& content = node_->content;
    if (position >= content.size() || out.empty()) return 0;
    std::size_t count = std::min(out.size(), static_cast<std::size_t>(content.size() - position));
    std::memcpy(out.data(), content.data() + position, count);
    return count;
  }

  void truncate(std::uint64_t size) override {
    if (size > node_->content.size()) {
      throw std::invalid_argument("Cannot truncate " + path_ + " to " + std::to_string(size) +
                                  " bytes: it has only " + std::to_string(node_->content.size()));
    }
    check_writable();
    node_->cut(size);
  }

  void fsync() override {
    check_writable();
    node_->make_durable();
    ++node_->volume->fsync_calls;
  }

 private:
  void check_writable() const {
    if (node_->volume->fail_writes) {
      throw IoError(Kind::io_failure, "Input/output error: " + path_);
    }
  }

  std::shared_ptr<FileNode> node_;
  std::string path_;
};

}  // namespace

MemoryFileSystem::MemoryFileSystem()
    : volume_(std::make_shared<Volume>()),
      root_(std::make_unique<Entry>(Entry{nullptr, std::make_unique<DirectoryNode>()})) {}

MemoryFileSystem::~MemoryFileSystem() = default;

std::unique_ptr<File> MemoryFileSystem::open(std::string_view path, OpenMode mode) {
  std::string normalized = normalize_path(path);
  if (normalized.empty()) throw_is_a_directory(normalized);
  Location location = locate(*root_, normalized);
  DirectoryNode& parent = require_parent(location, normalized);
  auto it = parent.entries.find(location.name);
  if (it != parent.entries.end()) {
    if (it->second.is_directory()) throw_is_a_directory(normalized);
    if (mode == OpenMode::create_truncate) it->second.file->cut(0);
    return std::make_unique<MemoryFile>(it->second.file, std::move(normalized));
  }
  if (mode == OpenMode::read_write) throw_not_found(normalized);
  auto node = std::make_shared<FileNode>(volume_);
  parent.entries.emplace(std::string(location.name), Entry{node, nullptr});
  return std::make_unique<MemoryFile>(std::move(node), std::move(normalized));
}

bool MemoryFileSystem::exists(std::string_view path) const {
  return find_entry(*root_, normalize_path(path)) != nullptr;
}

bool MemoryFileSystem::is_directory(std::string_view path) const {
  const Entry* entry = find_entry(*root_, normalize_path(path));
  return entry != nullptr && entry->is_directory();
}

std::vector<std::string> MemoryFileSystem::list(std::string_view directory) const {
  std::string normalized = normalize_path(directory);
  const DirectoryNode* node = root_->directory.get();
  if (!normalized.empty()) {
    Location location = locate(*root_, normalized);
    DirectoryNode& parent = require_parent(location, normalized);
    auto it = parent.entries.find(location.name);
    if (it == parent.entries.end()) throw_not_found(normalized);
    if (!it->second.is_directory()) throw_not_a_directory(normalized);
    node = it->second.directory.get();
  }
  std::vector<std::string> names;
  names.reserve(node->entries.size());
  for (const auto& entry : node->entries) names.push_back(entry.first);
  return names;
}

void MemoryFileSystem::create_directories(std::string_view directory) {
  std::string normalized = normalize_path(directory);
  DirectoryNode* node = root_->directory.get();
  std::string_view rest = normalized;
  while (!rest.empty()) {
    std::size_t slash = rest.find('/');
    std::string_view name = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    auto it = node->entries.find(name);
    if (it == node->entries.end()) {
      it = node->entries
               .emplace(std::string(name), Entry{nullptr, std::make_unique<DirectoryNode>()})
               .first;
    } else if (!it->second.is_directory()) {
      throw_not_a_directory(normalized);
    }
    node = it->second.directory.get();
  }
}

void MemoryFileSystem::remove(std::string_view path) {
  std::string normalized = normalize_path(path);
  if (normalized.empty()) {
    throw std::invalid_argument("Cannot remove the file system's root directory");
  }
  Location location = locate(*root_, normalized);
  DirectoryNode& parent = require_parent(location, normalized);
  auto it = parent.entries.find(location.name);
  if (it == parent.entries.end()) throw_not_found(normalized);
  if (it->second.is_directory() && !it->second.directory->entries.empty()) {
    throw IoError(Kind::io_failure, "Directory not empty: " + normalized);
  }
  // The file's bytes stay allocated while a handle still holds the node.
  parent.entries.erase(it);
}

void MemoryFileSystem::rename(std::string_view from, std::string_view to) {
  std::string source = normalize_path(from);
  std::string target = normalize_path(to);
  if (source.empty() || target.empty()) {
    throw std::invalid_argument("Cannot rename the file system's root directory: " + source +
                                " -> " + target);
  }
  Location from_location = locate(*root_, source);
  DirectoryNode& from_parent = require_parent(from_location, source);
  auto from_it = from_parent.entries.find(from_location.name);
  if (from_it == from_parent.entries.end()) throw_not_found(source);
  Location to_location = locate(*root_, target);
  DirectoryNode& to_parent = require_parent(to_location, target);
  if (source == target) return;
  bool moving_directory = from_it->second.is_directory();
  auto to_it = to_parent.entries.find(to_location.name);
  if (to_it != to_parent.entries.end()) {
    if (to_it->second.is_directory()) throw_is_a_directory(target);
    if (moving_directory) throw_not_a_directory(target);
  }
  if (moving_directory && target.starts_with(source + "/")) {
    throw IoError(Kind::io_failure,
                  "Cannot move a directory into itself: " + source + " -> " + target);
  }
  Entry moved = std::move(from_it->second);
  from_parent.entries.erase(from_it);
  // Replacing `to` drops its node: its bytes are freed unless a handle still holds them.
  to_parent.entries.insert_or_assign(std::string(to_location.name), std::move(moved));
}

void MemoryFileSystem::crash_process() {
  // kill -9 ends the process; the kernel keeps the page cache and writes it out later.
}

void MemoryFileSystem::power_loss() { power_loss(TornWriteChooser{}); }

void MemoryFileSystem::power_loss(const TornWriteChooser& choose) {
  std::map<std::string, std::shared_ptr<FileNode>> files;  // sorted paths: deterministic
  collect_files(*root_->directory, "", files);
  struct Fate {
    FileNode* node;
    TornWrite torn;
  };
  std::vector<Fate> fates;
  for (const auto& [path, node] : files) {
    std::uint64_t unsynced = node->unsynced_bytes();
    if (unsynced == 0) continue;
    TornWrite torn = choose ? choose(path, node->durable_size, unsynced) : TornWrite{};
    validate_torn_write(torn, unsynced, path);
    fates.push_back({node.get(), std::move(torn)});
  }
  for (Fate& fate : fates) {
    FileNode& node = *fate.node;
    std::uint64_t durable_size = node.durable_size;
    node.cut(durable_size + fate.torn.bytes_kept);
    for (const GarbageBytes& garbage : fate.torn.garbage) {
      if (garbage.bytes.empty()) continue;
      std::memcpy(node.content.data() + durable_size + garbage.offset_in_tail,
                  garbage.bytes.data(), garbage.bytes.size());
    }
    node.make_durable();
  }
}

void MemoryFileSystem::set_capacity_bytes(std::optional<std::uint64_t> capacity) {
  volume_->capacity_bytes = capacity;
}
std::optional<std::uint64_t> MemoryFileSystem::capacity_bytes() const {
  return volume_->capacity_bytes;
}
void MemoryFileSystem::set_fail_writes(bool fail) { volume_->fail_writes = fail; }
bool MemoryFileSystem::fail_writes() const { return volume_->fail_writes; }

std::uint64_t MemoryFileSystem::used_bytes() const { return volume_->used_bytes; }
std::uint64_t MemoryFileSystem::bytes_written() const { return volume_->bytes_written; }
std::uint64_t MemoryFileSystem::fsync_calls() const { return volume_->fsync_calls; }
std::uint64_t MemoryFileSystem::unsynced_bytes() const { return volume_->unsynced_bytes; }

std::uint64_t MemoryFileSystem::unsynced_bytes(std::string_view path) const {
  return find_file(*root_, path).unsynced_bytes();
}

Bytes MemoryFileSystem::durable_content(std::string_view path) const {
  const FileNode& node = find_file(*root_, path);
  const std::uint8_t* begin = node.content.data();
  return Bytes(begin, begin + node.durable_size);
}

}  // namespace ksim::storage
