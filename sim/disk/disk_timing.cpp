// DiskTiming: the latency draws and the busy-until clock.
#include "sim/disk/disk_timing.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

#include "sim/kernel/assert.h"

namespace ksim::sim {
namespace {

__extension__ using u128 = unsigned __int128;
constexpr std::uint64_t mib = 1024 * 1024;

std::uint64_t to_unsigned_us(SimDuration d) {
  KSIM_SIM_ASSERT(d >= SimDuration::zero(), "negative disk latency");
  return static_cast<std::uint64_t>(d.to_us());
}

// ceil(value * numerator / denominator), which must fit in a duration.
std::uint64_t scale_up(std::uint64_t value, std::uint64_t numerator, std::uint64_t denominator) {
  const u128 scaled = (static_cast<u128>(value) * numerator + denominator - 1) / denominator;
  KSIM_SIM_ASSERT(scaled <= static_cast<u128>(std::numeric_limits<std::int64_t>::max()),
                  "disk latency overflows virtual time");
  return static_cast<std::uint64_t>(scaled);
}

}  // namespace

DiskTiming::DiskTiming(const DiskOptions& options, Prng latency_stream)
    : distribution_(options.fsync_latency_distribution),
      fsync_min_(options.fsync_latency_min),
      fsync_max_(options.fsync_latency_max),
      tail_alpha_(options.fsync_latency_tail_alpha),
      append_per_op_(options.append_latency_per_op),
      append_per_mib_(options.append_latency_per_mib),
      slow_percent_(options.slow_percent),
      stream_(std::move(latency_stream)) {
  options.validate();
}

SimDuration DiskTiming::slowed(std::uint64_t us) const {
  return SimDuration::from_us(static_cast<std::int64_t>(scale_up(us, slow_percent_, 100)));
}

SimDuration DiskTiming::fsync_latency() {
  ++fsync_draws_;
  SimDuration drawn = fsync_min_;
  switch (distribution_) {
    case FsyncLatencyDistribution::fixed:
      break;
    case FsyncLatencyDistribution::uniform:
      drawn = stream_.uniform(fsync_min_, fsync_max_);
      break;
    case FsyncLatencyDistribution::long_tail:
      drawn = stream_.pareto(fsync_min_, tail_alpha_, fsync_max_);
      break;
  }
  return slowed(to_unsigned_us(drawn));
}

SimDuration DiskTiming::append_latency(std::uint64_t bytes) const {
  const std::uint64_t per_bytes = scale_up(bytes, to_unsigned_us(append_per_mib_), mib);
  const std::uint64_t per_op = to_unsigned_us(append_per_op_);
  KSIM_SIM_ASSERT(per_bytes <= std::numeric_limits<std::uint64_t>::max() - per_op,
                  "disk latency overflows virtual time");
  return slowed(per_op + per_bytes);
}

void DiskTiming::set_slow_percent(std::uint64_t slow_percent) {
  if (slow_percent < 1 || slow_percent > 1'000'000) {
    throw std::invalid_argument("Invalid disk option: slow_percent = " +
                                std::to_string(slow_percent) + " is outside 1..1000000");
  }
  slow_percent_ = slow_percent;
}

void DiskTiming::charge(SimDuration latency) {
  pending_ += latency;
  total_ += latency;
}

void DiskTiming::charge_append(std::uint64_t bytes) { charge(append_latency(bytes)); }
void DiskTiming::charge_fsync() { charge(fsync_latency()); }

SimDuration DiskTiming::take_busy_time() {
  const SimDuration taken = pending_;
  pending_ = SimDuration::zero();
  return taken;
}

SimTime DiskTiming::complete_pending_io(SimTime now) {
  const SimTime start = std::max(now, busy_until_);
  const SimDuration work = take_busy_time();
  if (work == SimDuration::zero()) return start;
  busy_until_ = start + work;
  return busy_until_;
}

}  // namespace ksim::sim
