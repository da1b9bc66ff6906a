// SimDisk: one broker's simulated disk. It owns the broker's file system with the durability
// model (a storage::MemoryFileSystem, or a DurableDirectoryFileSystem when the broker's files
// live in a real --data-dir), the timing model (DiskTiming: fsync and append latencies, a slow
// factor, a busy-until clock) and the faults: kill -9, power loss with torn writes, a full disk,
// a failing disk.
//
// The broker's LogManager uses file_system(): every write through it is charged to the disk's
// timing, and handles of a process killed since they were opened may no longer write (see
// metered_file_system.h). The process layer, after each broker event at `now`, calls
// complete_pending_io(now) and delays what the broker did until the returned time.
//
// Randomness: two streams of the run's seed, one per purpose, so a latency draw never changes a
// torn write and the reverse: "disk/<name>/latency" and "disk/<name>/power_loss".
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/storage/file_system.h"
#include "core/storage/memory_file_system.h"
#include "sim/disk/disk_options.h"
#include "sim/disk/disk_timing.h"
#include "sim/disk/durable_directory_file_system.h"
#include "sim/disk/metered_file_system.h"
#include "sim/disk/torn_writes.h"
#include "sim/kernel/prng.h"
#include "sim/kernel/simulation.h"

namespace ksim::sim {

// What the GUI shows of a disk.
struct DiskStats {
  std::uint64_t append_calls = 0;     // appends that succeeded
  std::uint64_t bytes_written = 0;    // bytes ever appended
  std::uint64_t fsync_calls = 0;      // fsyncs that succeeded
  std::uint64_t used_bytes = 0;       // file content on the disk (page cache included)
  std::uint64_t unsynced_bytes = 0;   // what a power loss would drop now
  std::optional<std::uint64_t> capacity_bytes;
  std::uint64_t no_space_errors = 0;  // appends refused by a full disk
  std::uint64_t io_errors = 0;        // writes refused by a failing disk
  std::uint64_t process_crashes = 0;  // kill -9
  std::uint64_t power_losses = 0;
  std::uint64_t torn_files = 0;       // files a power loss left with part of their tail
  SimDuration busy_time_total = SimDuration::zero();
  SimTime busy_until = SimTime::zero();
  std::uint64_t slow_percent = 100;
  bool full = false;
  bool fail_writes = false;
};

class SimDisk {
 public:
  // A disk in memory, or in the real directory `data_directory` (created if needed; files
  // already there count as durable). Throws std::invalid_argument for invalid options and
  // storage::IoError when the directory cannot be used.
  SimDisk(std::string name, const DiskOptions& options, Prng latency_stream,
          Prng power_loss_stream, std::optional<std::string> data_directory = std::nullopt);
  // The same with the streams "disk/<name>/latency" and "disk/<name>/power_loss" of `sim`;
  // the options go into the run header as "disk.<name>.<field>".
  SimDisk(Simulation& sim, std::string name, const DiskOptions& options,
          std::optional<std::string> data_directory = std::nullopt);
  ~SimDisk();
  SimDisk(const SimDisk&) = delete;
  SimDisk& operator=(const SimDisk&) = delete;

  const std::string& name() const { return name_; }
  const DiskOptions& options() const { return options_; }
  // The real directory, when the files live in one.
  std::optional<std::string> data_directory() const;

  // What the broker's LogManager uses.
  storage::FileSystem& file_system() { return *metered_; }

  // --- faults --------------------------------------------------------------------------------
  // kill -9: the process dies, the page cache survives; its pending I/O is forgotten and its
  // handles may no longer write.
  void crash_process();
  // A power cut: unsynced bytes are dropped, or torn per the options (drawn from the
  // power_loss stream); returns what happened to each file that had unsynced bytes, in path
  // order. The process's handles may no longer write; the disk comes back idle.
  std::vector<UnsyncedTailFate> power_loss();

  // Latencies * slow_percent / 100 (100: healthy). std::invalid_argument outside 1..1000000.
  void set_slow(std::uint64_t slow_percent);
  std::uint64_t slow_percent() const { return timing_.slow_percent(); }
  // The configured capacity (nullopt: unlimited); clears set_full.
  void set_capacity(std::optional<std::uint64_t> capacity_bytes);
  // A full disk: the capacity becomes what is used now, so every append that adds a byte fails
  // with IoError(no_space) until files are removed or truncated (a real full disk frees space
  // the same way). set_full(false) restores the configured capacity.
  void set_full(bool full);
  bool is_full() const { return full_; }
  // A failing disk: appends, truncates and fsyncs fail with IoError(io_failure).
  void set_fail_writes(bool fail);
  bool fail_writes() const;

  // --- timing (see disk_timing.h) --------------------------------------------------------------
  SimDuration fsync_latency() { return timing_.fsync_latency(); }
  SimDuration append_latency(std::uint64_t bytes) const { return timing_.append_latency(bytes); }
  SimDuration take_busy_time() { return timing_.take_busy_time(); }
  SimTime complete_pending_io(SimTime now) { return timing_.complete_pending_io(now); }
  SimTime busy_until() const { return timing_.busy_until(); }
  const DiskTiming& timing() const { return timing_; }

  // --- observation ---------------------------------------------------------------------------
  DiskStats stats() const;
  // What a power loss would leave of a file now, and how much of it would go.
  storage::Bytes durable_content(std::string_view path);
  std::uint64_t unsynced_bytes(std::string_view path) const;

 private:
  template <class Operation>
  decltype(auto) on_disk(Operation&& operation);
  template <class Operation>
  decltype(auto) on_disk(Operation&& operation) const;
  storage::FileSystem& raw_file_system();

  std::string name_;
  DiskOptions options_;
  std::unique_ptr<storage::MemoryFileSystem> memory_;
  std::unique_ptr<DurableDirectoryFileSystem> directory_;
  DiskTiming timing_;
  Prng power_loss_stream_;
  std::unique_ptr<MeteredFileSystem> metered_;
  bool full_ = false;
  std::uint64_t process_crashes_ = 0;
  std::uint64_t power_losses_ = 0;
  std::uint64_t torn_files_ = 0;
};

}  // namespace ksim::sim
