// DurableDirectoryFileSystem: real files through PosixFileSystem, and per file the size and
// durable size the model needs. See durable_directory_file_system.h.
#include "sim/disk/durable_directory_file_system.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "core/storage/errors.h"

namespace ksim::sim {
namespace durable_directory_detail {


// One file's model, shared by its entry in the map and its open handles (like an inode).
// Invariant: durable_size <= size; the durable content is the first durable_size bytes.
struct FileState {
  FileState(std::shared_ptr<Volume> on, std::uint64_t initial_size)
      : size(initial_size), durable_size(initial_size), volume(std::move(on)) {
    volume->used_bytes += size;
  }
  FileState(const FileState&) = delete;
  FileState& operator=(const FileState&) = delete;
  ~FileState() {
    volume->used_bytes -= size;
    volume->unsynced_bytes -= unsynced_bytes();
  }

  std::uint64_t unsynced_bytes() const { return size - durable_size; }

  void append(std::uint64_t bytes) {
    size += bytes;
    volume->used_bytes += bytes;
    volume->unsynced_bytes += bytes;
    volume->bytes_written += bytes;
  }

  // Metadata, durable at once: the durable content is cut too.
  void cut(std::uint64_t new_size) {
    const std::uint64_t unsynced_before = unsynced_bytes();
    volume->used_bytes -= size - new_size;
    size = new_size;
    durable_size = std::min(durable_size, new_size);
    volume->unsynced_bytes = volume->unsynced_bytes - unsynced_before + unsynced_bytes();
  }

  void make_durable() {
    volume->unsynced_bytes -= unsynced_bytes();
    durable_size = size;
  }

  std::uint64_t size;
  std::uint64_t durable_size;
  std::shared_ptr<Volume> volume;
};

}  // namespace durable_directory_detail

namespace {

using durable_directory_detail::FileState;
using durable_directory_detail::Volume;
using Kind = storage::IoError::Kind;

class DurableFile final : public storage::File {
 public:
  DurableFile(std::unique_ptr<storage::File> real, std::shared_ptr<FileState> state,
              std::string path)
      : real_(std::move(real)), state_(std::move(state)), path_(std::move(path)) {}

  std::uint64_t size() const override { return state_->size; }

  void append(storage::ByteView data) override {
    const Volume& volume = *state_->volume;
    check_writable();
    storage::check_room(volume, data.size(), path_);
    real_->append(data);  // a real failure writes nothing either (PosixFileSystem undoes it)
    state_->append(data.size());
  }

  std::size_t read_at(std::uint64_t position, storage::MutableByteView out) const override {
    return real_->read_at(position, out);
  }

  void truncate(std::uint64_t size) override {
    if (size > state_->size) {
      throw std::invalid_argument("Cannot truncate " + path_ + " to " + std::to_string(size) +
                                  " bytes: it has only " + std::to_string(state_->size));
    }
    check_writable();
    real_->truncate(size);
    state_->cut(size);
  }

  void fsync() override {
    check_writable();
    state_->make_durable();
    ++state_->volume->fsync_calls;
  }

 private:
  void check_writable() const {
    if (state_->volume->fail_writes) {
      throw storage::IoError(Kind::io_failure, "Input/output error: " + path_);
    }
  }

  std::unique_ptr<storage::File> real_;
  std::shared_ptr<FileState> state_;
  std::string path_;
};

}  // namespace

DurableDirectoryFileSystem::DurableDirectoryFileSystem(std::string directory)
    : real_(std::move(directory)), volume_(std::make_shared<Volume>()) {
  track_existing_files("");
}

DurableDirectoryFileSystem::~DurableDirectoryFileSystem() = default;

void DurableDirectoryFileSystem::track_existing_files(const std::string& directory) {
  for (const std::string& name : real_.list(directory)) {
    std::string path = storage::join_path(directory, name);
    if (real_.is_directory(path)) {
      track_existing_files(path);
    } else {
      const std::uint64_t size = real_.open(path, storage::OpenMode::read_write)->size();
      track(path, size);
    }
  }
}

std::shared_ptr<FileState> DurableDirectoryFileSystem::track(const std::string& path,
                                                             std::uint64_t size) {
  auto state = std::make_shared<FileState>(volume_, size);
  files_.insert_or_assign(path, state);
  return state;
}

const FileState& DurableDirectoryFileSystem::state_of(std::string_view path) const {
  const std::string normalized = storage::normalize_path(path);
  auto it = files_.find(normalized);
  if (it != files_.end()) return *it->second;
  if (real_.is_directory(normalized)) {
    throw storage::IoError(Kind::io_failure,
                           "Is a directory: " + (normalized.empty() ? "." : normalized));
  }
  throw storage::IoError(Kind::not_found, "No such file or directory: " + normalized);
}

std::unique_ptr<storage::File> DurableDirectoryFileSystem::open(std::string_view path,
                                                                storage::OpenMode mode) {
  std::string normalized = storage::normalize_path(path);
  auto real = real_.open(normalized, mode);
  std::shared_ptr<FileState> state;
  auto it = files_.find(normalized);
  if (it != files_.end()) {
    state = it->second;
    if (mode == storage::OpenMode::create_truncate) state->cut(0);
  } else {
    // A new file (empty), or one written outside this layer since it opened: durable as found.
    state = track(normalized, real->size());
  }
  return std::make_unique<DurableFile>(std::move(real), std::move(state), std::move(normalized));
}

bool DurableDirectoryFileSystem::exists(std::string_view path) const { return real_.exists(path); }

bool DurableDirectoryFileSystem::is_directory(std::string_view path) const {
  return real_.is_directory(path);
}

std::vector<std::string> DurableDirectoryFileSystem::list(std::string_view directory) const {
  return real_.list(directory);
}

void DurableDirectoryFileSystem::create_directories(std::string_view directory) {
  real_.create_directories(directory);
}

void DurableDirectoryFileSystem::remove(std::string_view path) {
  real_.remove(path);
  // A removed file's state lives on while a handle holds it, as its inode does.
  files_.erase(storage::normalize_path(path));
}

void DurableDirectoryFileSystem::rename(std::string_view from, std::string_view to) {
  real_.rename(from, to);
  const std::string source = storage::normalize_path(from);
  const std::string target = storage::normalize_path(to);
  if (source == target) return;
  auto file = files_.find(source);
  if (file != files_.end()) {
    std::shared_ptr<FileState> state = std::move(file->second);
    files_.erase(file);
    files_.insert_or_assign(target, std::move(state));  // a replaced target's state is dropped
    return;
  }
  files_.erase(target);
  // A directory: its files move along.
  const std::string prefix = source + "/";
  std::vector<std::pair<std::string, std::shared_ptr<FileState>>> moved;
  for (auto it = files_.lower_bound(prefix); it != files_.end() && it->first.starts_with(prefix);) {
    moved.emplace_back(target + "/" + it->first.substr(prefix.size()), std::move(it->second));
    it = files_.erase(it);
  }
  for (auto& [path, state] : moved) files_.insert_or_assign(std::move(path), std::move(state));
}

void DurableDirectoryFileSystem::crash_process() {
  // kill -9 ends the process; the page cache (here: the real files) survives.
}

void DurableDirectoryFileSystem::power_loss() { power_loss(storage::TornWriteChooser{}); }

void DurableDirectoryFileSystem::power_loss(const storage::TornWriteChooser& choose) {
  struct Fate {
    const std::string* path;
    FileState* state;
    storage::TornWrite torn;
  };
  std::vector<Fate> fates;
  for (const auto& [path, state] : files_) {  // sorted paths: the same order as in memory
    const std::uint64_t unsynced = state->unsynced_bytes();
    if (unsynced == 0) continue;
    storage::TornWrite torn =
        choose ? choose(path, state->durable_size, unsynced) : storage::TornWrite{};
    storage::validate_torn_write(torn, unsynced, path);
    fates.push_back({&path, state.get(), std::move(torn)});
  }
  for (Fate& fate : fates) {
    FileState& state = *fate.state;
    const std::uint64_t durable_size = state.durable_size;
    const std::uint64_t kept_size = durable_size + fate.torn.bytes_kept;
    auto real = real_.open(*fate.path, storage::OpenMode::read_write);
    bool has_garbage = std::any_of(fate.torn.garbage.begin(), fate.torn.garbage.end(),
                                   [](const storage::GarbageBytes& g) { return !g.bytes.empty(); });
    if (!has_garbage) {
      real->truncate(kept_size);
    } else {
      // PosixFileSystem's files only append: rewrite the kept tail with its garbage laid in.
      storage::Bytes tail(static_cast<std::size_t>(fate.torn.bytes_kept));
      if (real->read_at(durable_size, tail) != tail.size()) {
        throw storage::IoError(Kind::io_failure,
                               "Short read of the unsynced tail at a power loss: " + *fate.path);
      }
      for (const storage::GarbageBytes& garbage : fate.torn.garbage) {
        std::copy(garbage.bytes.begin(), garbage.bytes.end(),
                  tail.begin() + static_cast<std::ptrdiff_t>(garbage.offset_in_tail));
      }
      real->truncate(durable_size);
      real->append(tail);
    }
    state.cut(kept_size);
    state.make_durable();
  }
}

void DurableDirectoryFileSystem::set_capacity_bytes(std::optional<std::uint64_t> capacity) {
  volume_->capacity_bytes = capacity;
}
std::optional<std::uint64_t> DurableDirectoryFileSystem::capacity_bytes() const {
  return volume_->capacity_bytes;
}
void DurableDirectoryFileSystem::set_fail_writes(bool fail) { volume_->fail_writes = fail; }
bool DurableDirectoryFileSystem::fail_writes() const { return volume_->fail_writes; }

std::uint64_t DurableDirectoryFileSystem::used_bytes() const { return volume_->used_bytes; }
std::uint64_t DurableDirectoryFileSystem::bytes_written() const { return volume_->bytes_written; }
std::uint64_t DurableDirectoryFileSystem::fsync_calls() const { return volume_->fsync_calls; }
std::uint64_t DurableDirectoryFileSystem::unsynced_bytes() const {
  return volume_->unsynced_bytes;
}

std::uint64_t DurableDirectoryFileSystem::unsynced_bytes(std::string_view path) const {
  return state_of(path).unsynced_bytes();
}

storage::Bytes DurableDirectoryFileSystem::durable_content(std::string_view path) {
  const FileState& state = state_of(path);
  storage::Bytes content(static_cast<std::size_t>(state.durable_size));
  auto real = real_.open(path, storage::OpenMode::read_write);
  if (real->read_at(0, content) != content.size()) {
    throw storage::IoError(Kind::io_failure,
                           "Short read of durable content: " + storage::normalize_path(path));
  }
  return content;
}

}  // namespace ksim::sim
