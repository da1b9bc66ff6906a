// MeteredFileSystem: charging, counting and fencing around the disk's own file system.
#include "sim/disk/metered_file_system.h"

#include <utility>

#include "core/storage/errors.h"
#include "sim/kernel/assert.h"

namespace ksim::sim {
namespace {

class MeteredFile final : public storage::File {
 public:
  MeteredFile(std::unique_ptr<storage::File> file, std::shared_ptr<DiskMeter> meter,
              std::string path)
      : file_(std::move(file)),
        meter_(std::move(meter)),
        generation_(meter_->process_generation),
        path_(std::move(path)) {}

  std::uint64_t size() const override { return file_->size(); }

  void append(storage::ByteView data) override {
    check_alive("append to");
    try {
      file_->append(data);
    } catch (const storage::IoError& error) {
      count_failure(error);
      throw;
    }
    ++meter_->append_calls;
    meter_->timing->charge_append(data.size());
  }

  std::size_t read_at(std::uint64_t position, storage::MutableByteView out) const override {
    return file_->read_at(position, out);
  }

  void truncate(std::uint64_t size) override {
    check_alive("truncate");
    try {
      file_->truncate(size);
    } catch (const storage::IoError& error) {
      count_failure(error);
      throw;
    }
  }

  void fsync() override {
    check_alive("fsync");
    try {
      file_->fsync();
    } catch (const storage::IoError& error) {
      count_failure(error);
      throw;
    }
    ++meter_->fsync_calls;
    meter_->timing->charge_fsync();
  }

 private:
  void check_alive(std::string_view operation) const {
    KSIM_SIM_ASSERT(meter_->timing != nullptr,
                    "disk " + meter_->disk_name + " is gone; cannot " + std::string(operation) +
                        " " + path_);
    KSIM_SIM_ASSERT(generation_ == meter_->process_generation,
                    "disk " + meter_->disk_name + ": a process killed by kill -9 or a power loss "
                    "tried to " + std::string(operation) + " " + path_ +
                        " (the process layer must drop a dead broker's file handles)");
  }

  void count_failure(const storage::IoError& error) const {
    if (error.kind() == storage::IoError::Kind::no_space) {
      ++meter_->no_space_errors;
    } else {
      ++meter_->io_errors;
    }
  }

  std::unique_ptr<storage::File> file_;
  std::shared_ptr<DiskMeter> meter_;
  std::uint64_t generation_;
  std::string path_;
};

}  // namespace

MeteredFileSystem::MeteredFileSystem(std::string disk_name, storage::FileSystem& disk,
                                     DiskTiming& timing)
    : disk_(disk), meter_(std::make_shared<DiskMeter>()) {
  meter_->disk_name = std::move(disk_name);
  meter_->timing = &timing;
}

MeteredFileSystem::~MeteredFileSystem() { meter_->timing = nullptr; }

std::unique_ptr<storage::File> MeteredFileSystem::open(std::string_view path,
                                                       storage::OpenMode mode) {
  auto file = disk_.open(path, mode);
  return std::make_unique<MeteredFile>(std::move(file), meter_, storage::normalize_path(path));
}

}  // namespace ksim::sim
