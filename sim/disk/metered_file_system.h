// MeteredFileSystem: what a broker sees of its simulated disk. It forwards every call to the
// disk's file system and, for each write that succeeds, charges the disk's timing (DiskTiming):
// an append its append latency, an fsync a drawn fsync latency. It counts operations and
// failures for the GUI.
//
// It also fences dead processes: a handle opened before a kill -9 or a power loss belongs to a
// process that no longer runs, so an append, truncate or fsync through it is a programmer error
// in the process layer (an assertion naming the disk and the file). Reading through it is
// allowed (it sees what is on the disk now).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/storage/file_system.h"
#include "sim/disk/disk_timing.h"

namespace ksim::sim {

// Counts shared by the file system and its handles.
struct DiskMeter {
  std::string disk_name;
  DiskTiming* timing = nullptr;         // null once the disk is gone
  std::uint64_t process_generation = 0;  // one more for every kill -9 and power loss
  std::uint64_t append_calls = 0;        // appends that succeeded
  std::uint64_t fsync_calls = 0;         // fsyncs that succeeded
  std::uint64_t no_space_errors = 0;     // appends refused by a full disk
  std::uint64_t io_errors = 0;           // other failed writes (a failing disk)
};

class MeteredFileSystem final : public storage::FileSystem {
 public:
  MeteredFileSystem(std::string disk_name, storage::FileSystem& disk, DiskTiming& timing);
  ~MeteredFileSystem() override;
  MeteredFileSystem(const MeteredFileSystem&) = delete;
  MeteredFileSystem& operator=(const MeteredFileSystem&) = delete;

  std::unique_ptr<storage::File> open(std::string_view path, storage::OpenMode mode) override;
  bool exists(std::string_view path) const override { return disk_.exists(path); }
  bool is_directory(std::string_view path) const override { return disk_.is_directory(path); }
  std::vector<std::string> list(std::string_view directory) const override {
    return disk_.list(directory);
  }
  void create_directories(std::string_view directory) override {
    disk_.create_directories(directory);
  }
  void remove(std::string_view path) override { disk_.remove(path); }
  void rename(std::string_view from, std::string_view to) override { disk_.rename(from, to); }

  // The process using this disk is gone: every handle opened so far may no longer write.
  void end_process() { ++meter_->process_generation; }

  const DiskMeter& meter() const { return *meter_; }

 private:
  storage::FileSystem& disk_;
  std::shared_ptr<DiskMeter> meter_;
};

}  // namespace ksim::sim
