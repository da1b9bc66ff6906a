// DiskOptions: everything a simulated disk can be asked to do, as one plain struct of integers,
// durations and ratios (TigerBeetle's Storage.Options style), so each field maps onto a GUI slider
// or a scenario line and is printed in the run header before the run starts.
//
// Timing: an fsync takes a drawn latency (fixed, uniform, or a long tail); an append (a write
// into the page cache) takes a fixed cost per operation plus a cost per MiB. A slow disk
// multiplies both by slow_percent / 100.
// Faults: a capacity (a full disk fails appends with IoError(no_space)), a failing disk (every
// write fails with IoError(io_failure)), and torn writes on power loss.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/kernel/ratio.h"
#include "sim/kernel/run_header.h"
#include "sim/kernel/sim_time.h"

namespace ksim::sim {

// How an fsync's latency is drawn.
enum class FsyncLatencyDistribution {
  fixed,      // always fsync_latency_min
  uniform,    // uniform in [fsync_latency_min, fsync_latency_max]
  long_tail,  // Pareto: at least fsync_latency_min, P(X > x) = (min / x)^alpha, capped at max
};

std::string_view to_string(FsyncLatencyDistribution distribution);
// "fixed", "uniform", "long_tail" (also "long-tail"); nothing for any other name.
std::optional<FsyncLatencyDistribution> parse_fsync_latency_distribution(std::string_view name);

struct DiskOptions {
  // --- fsync ---------------------------------------------------------------------------------
  FsyncLatencyDistribution fsync_latency_distribution = FsyncLatencyDistribution::uniform;
  SimDuration fsync_latency_min = SimDuration::from_us(500);
  SimDuration fsync_latency_max = SimDuration::from_us(2'000);
  // The long tail's shape: the smaller, the heavier the tail (1 has an infinite mean uncapped).
  Ratio fsync_latency_tail_alpha = {3, 2};

  // --- append (a write into the page cache) --------------------------------------------------
  SimDuration append_latency_per_op = SimDuration::from_us(10);
  // Charged in proportion to the bytes (1 MiB = 1,048,576 bytes), rounded up to a microsecond.
  SimDuration append_latency_per_mib = SimDuration::from_us(500);

  // --- a slow disk -----------------------------------------------------------------------------
  // Every latency is multiplied by slow_percent / 100 (rounded up): 100 is a healthy disk, 1000
  // one ten times slower. From 1 to 1,000,000.
  std::uint64_t slow_percent = 100;

  // --- a full disk ------------------------------------------------------------------------------
  // Bytes of file content the disk holds; an append beyond it fails with IoError(no_space) and
  // writes nothing. Unlimited when unset.
  std::optional<std::uint64_t> capacity_bytes;

  // --- a failing disk ---------------------------------------------------------------------------
  // While on, every append, truncate and fsync fails with IoError(io_failure) and changes nothing.
  bool fail_writes = false;

  // --- power loss ------------------------------------------------------------------------------
  // Per file with unsynced bytes at a power loss: the chance that the write is torn, i.e. that a
  // random prefix (at least one byte, at most all) of the unsynced tail reached the disk instead
  // of none of it.
  Ratio torn_write_probability = Ratio::zero();
  // When a write is torn: the chance that some of the kept bytes are garbage, and how many at
  // most (one run of 1..max bytes, each different from what was written).
  Ratio torn_write_garbage_probability = Ratio::zero();
  std::uint64_t torn_write_garbage_bytes_max = 16;

  // Throws std::invalid_argument naming the first bad field and its value.
  void validate() const;

  // Adds every field to the run header as "<prefix>.<field>" ("disk.fsync_latency_min =
  // 0.000500s"), in the order above. An unlimited capacity is written as "unlimited".
  void add_to_header(RunHeader& header, std::string_view prefix = "disk") const;
};

}  // namespace ksim::sim
