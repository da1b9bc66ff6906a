// SimDisk: the file system of one broker, its faults and its timing.
#include "sim/disk/sim_disk.h"

#include <utility>

namespace ksim::sim {
namespace {

const DiskOptions& validated(const DiskOptions& options) {
  options.validate();
  return options;
}

}  // namespace

SimDisk::SimDisk(std::string name, const DiskOptions& options, Prng latency_stream,
                 Prng power_loss_stream, std::optional<std::string> data_directory)
    : name_(std::move(name)),
      options_(validated(options)),
      timing_(options_, std::move(latency_stream)),
      power_loss_stream_(std::move(power_loss_stream)) {
  if (data_directory) {
    directory_ = std::make_unique<DurableDirectoryFileSystem>(std::move(*data_directory));
  } else {
    memory_ = std::make_unique<storage::MemoryFileSystem>();
  }
  metered_ = std::make_unique<MeteredFileSystem>(name_, raw_file_system(), timing_);
  set_capacity(options_.capacity_bytes);
  set_fail_writes(options_.fail_writes);
}

SimDisk::SimDisk(Simulation& sim, std::string name, const DiskOptions& options,
                 std::optional<std::string> data_directory)
    : SimDisk(name, options, sim.prng("disk").fork(name + "/latency"),
              sim.prng("disk").fork(name + "/power_loss"), std::move(data_directory)) {
  options_.add_to_header(sim.header(), "disk." + name_);
}

SimDisk::~SimDisk() = default;

template <class Operation>
decltype(auto) SimDisk::on_disk(Operation&& operation) {
  if (directory_) return operation(*directory_);
  return operation(*memory_);
}

template <class Operation>
decltype(auto) SimDisk::on_disk(Operation&& operation) const {
  if (directory_) return operation(static_cast<const DurableDirectoryFileSystem&>(*directory_));
  return operation(static_cast<const storage::MemoryFileSystem&>(*memory_));
}

storage::FileSystem& SimDisk::raw_file_system() {
  if (directory_) return *directory_;
  return *memory_;
}

std::optional<std::string> SimDisk::data_directory() const {
  if (directory_) return directory_->directory();
  return std::nullopt;
}

void SimDisk::crash_process() {
  metered_->end_process();
  timing_.drop_pending_io();
  on_disk([](auto& disk) { disk.crash_process(); });
  ++process_crashes_;
}

std::vector<UnsyncedTailFate> SimDisk::power_loss() {
  metered_->end_process();
  timing_.stop();
  TornWritePlanner planner(options_, power_loss_stream_, raw_file_system());
  const storage::TornWriteChooser choose = planner.chooser();
  on_disk([&](auto& disk) { disk.power_loss(choose); });
  ++power_losses_;
  for (const UnsyncedTailFate& fate : planner.fates()) {
    if (fate.torn()) ++torn_files_;
  }
  return planner.fates();
}

void SimDisk::set_slow(std::uint64_t slow_percent) {
  timing_.set_slow_percent(slow_percent);
  options_.slow_percent = slow_percent;
}

void SimDisk::set_capacity(std::optional<std::uint64_t> capacity_bytes) {
  options_.capacity_bytes = capacity_bytes;
  full_ = false;
  on_disk([&](auto& disk) { disk.set_capacity_bytes(capacity_bytes); });
}

void SimDisk::set_full(bool full) {
  full_ = full;
  on_disk([&](auto& disk) {
    disk.set_capacity_bytes(full ? std::optional<std::uint64_t>(disk.used_bytes())
                                 : options_.capacity_bytes);
  });
}

void SimDisk::set_fail_writes(bool fail) {
  options_.fail_writes = fail;
  on_disk([&](auto& disk) { disk.set_fail_writes(fail); });
}

bool SimDisk::fail_writes() const {
  return on_disk([](const auto& disk) { return disk.fail_writes(); });
}

DiskStats SimDisk::stats() const {
  DiskStats stats;
  const DiskMeter& meter = metered_->meter();
  stats.append_calls = meter.append_calls;
  stats.fsync_calls = meter.fsync_calls;
  stats.no_space_errors = meter.no_space_errors;
  stats.io_errors = meter.io_errors;
  on_disk([&](const auto& disk) {
    stats.bytes_written = disk.bytes_written();
    stats.used_bytes = disk.used_bytes();
    stats.unsynced_bytes = disk.unsynced_bytes();
    stats.capacity_bytes = disk.capacity_bytes();
    stats.fail_writes = disk.fail_writes();
  });
  stats.process_crashes = process_crashes_;
  stats.power_losses = power_losses_;
  stats.torn_files = torn_files_;
  stats.busy_time_total = timing_.total_busy_time();
  stats.busy_until = timing_.busy_until();
  stats.slow_percent = timing_.slow_percent();
  stats.full = full_;
  return stats;
}

storage::Bytes SimDisk::durable_content(std::string_view path) {
  return on_disk([&](auto& disk) { return disk.durable_content(path); });
}

std::uint64_t SimDisk::unsynced_bytes(std::string_view path) const {
  return on_disk([&](const auto& disk) { return disk.unsynced_bytes(path); });
}

}  // namespace ksim::sim
