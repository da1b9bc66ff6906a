// DiskTiming: how long a simulated disk's operations take, and when the disk is free again.
//
// Core's FileSystem calls are synchronous: a broker's append or fsync returns at once. The
// simulator charges the time instead, with a per-disk "busy until" clock:
// - Every operation that reaches the disk adds its latency to the disk's *pending* busy time at
//   the moment it happens (fsync latencies are drawn then, so the draws follow the order of the
//   operations and nothing else). Reads are served from the page cache and cost nothing; an
//   operation that fails costs nothing.
// - After running one of a broker's events at `now`, the process layer calls
//   `complete_pending_io(now)`: the pending work queues behind whatever the disk is still doing
//   (one disk, first come first served), so it completes at max(now, busy_until) + pending.
//   That time is returned (and becomes busy_until): the process layer delays the completion of
//   what the broker did (a produce response after a flush, a follower's fetch) or the broker's
//   next events until then.
// - `take_busy_time()` is the lower-level view: the pending busy time, cleared.
// A slow disk multiplies every latency by slow_percent / 100, rounded up to a microsecond.
#pragma once

#include <cstdint>

#include "sim/disk/disk_options.h"
#include "sim/kernel/prng.h"
#include "sim/kernel/sim_time.h"

namespace ksim::sim {

class DiskTiming {
 public:
  // `options` must be valid (DiskOptions::validate). `latency_stream` is this disk's own stream.
  DiskTiming(const DiskOptions& options, Prng latency_stream);

  // --- the latency model ---------------------------------------------------------------------
  // One fsync's latency, drawn from the configured distribution, slowed.
  SimDuration fsync_latency();
  // One append of `bytes` bytes: per op + per MiB (rounded up), slowed. Draws nothing.
  SimDuration append_latency(std::uint64_t bytes) const;

  // 100 is a healthy disk; from 1 to 1,000,000 (std::invalid_argument otherwise).
  void set_slow_percent(std::uint64_t slow_percent);
  std::uint64_t slow_percent() const { return slow_percent_; }

  // --- charging -----------------------------------------------------------------------------
  void charge_append(std::uint64_t bytes);
  void charge_fsync();

  // --- the busy-until clock -----------------------------------------------------------------
  SimDuration pending_busy_time() const { return pending_; }
  // The pending busy time, cleared (it is not added to busy_until).
  SimDuration take_busy_time();
  // Queues the pending busy time after what the disk is still doing at `now` and returns when
  // everything issued so far completes (now itself when nothing is pending or queued).
  SimTime complete_pending_io(SimTime now);
  // When the disk finishes the work queued so far (zero when it never worked).
  SimTime busy_until() const { return busy_until_; }
  bool is_busy(SimTime now) const { return busy_until_ > now; }

  // kill -9: the pending work of the dead process is forgotten (what was queued still runs).
  void drop_pending_io() { pending_ = SimDuration::zero(); }
  // A power loss: the disk stops; when the power is back it is idle.
  void stop() {
    pending_ = SimDuration::zero();
    busy_until_ = SimTime::zero();
  }

  // Everything ever charged (for the GUI and reports).
  SimDuration total_busy_time() const { return total_; }
  std::uint64_t fsync_latency_draws() const { return fsync_draws_; }

 private:
  SimDuration slowed(std::uint64_t us) const;
  void charge(SimDuration latency);

  FsyncLatencyDistribution distribution_;
  SimDuration fsync_min_;
  SimDuration fsync_max_;
  Ratio tail_alpha_;
  SimDuration append_per_op_;
  SimDuration append_per_mib_;
  std::uint64_t slow_percent_;
  Prng stream_;

  SimDuration pending_ = SimDuration::zero();
  SimTime busy_until_ = SimTime::zero();
  SimDuration total_ = SimDuration::zero();
  std::uint64_t fsync_draws_ = 0;
};

}  // namespace ksim::sim
