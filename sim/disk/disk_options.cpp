// DiskOptions: validation and the run header.
#include "sim/disk/disk_options.h"

#include <stdexcept>
#include <string>

namespace ksim::sim {
namespace {

void require(bool condition, const std::string& message) {
  if (!condition) throw std::invalid_argument("Invalid disk option: " + message);
}

void require_probability(Ratio ratio, std::string_view field) {
  require(ratio.denominator != 0 && ratio.numerator <= ratio.denominator,
          std::string(field) + " = " + ratio.to_string() + " is not a probability (0 to 1)");
}

}  // namespace

std::string_view to_string(FsyncLatencyDistribution distribution) {
  switch (distribution) {
    case FsyncLatencyDistribution::fixed:
      return "fixed";
    case FsyncLatencyDistribution::uniform:
      return "uniform";
    case FsyncLatencyDistribution::long_tail:
      return "long_tail";
  }
  return "unknown";
}

std::optional<FsyncLatencyDistribution> parse_fsync_latency_distribution(std::string_view name) {
  if (name == "fixed") return FsyncLatencyDistribution::fixed;
  if (name == "uniform") return FsyncLatencyDistribution::uniform;
  if (name == "long_tail" || name == "long-tail") return FsyncLatencyDistribution::long_tail;
  return std::nullopt;
}

void DiskOptions::validate() const {
  require(fsync_latency_min >= SimDuration::zero(),
          "fsync_latency_min = " + fsync_latency_min.to_string() + " is negative");
  require(fsync_latency_max >= fsync_latency_min,
          "fsync_latency_max = " + fsync_latency_max.to_string() +
              " is below fsync_latency_min = " + fsync_latency_min.to_string());
  require(fsync_latency_tail_alpha.denominator != 0 && fsync_latency_tail_alpha.numerator != 0,
          "fsync_latency_tail_alpha = " + fsync_latency_tail_alpha.to_string() +
              " must be above zero");
  require(append_latency_per_op >= SimDuration::zero(),
          "append_latency_per_op = " + append_latency_per_op.to_string() + " is negative");
  require(append_latency_per_mib >= SimDuration::zero(),
          "append_latency_per_mib = " + append_latency_per_mib.to_string() + " is negative");
  require(slow_percent >= 1 && slow_percent <= 1'000'000,
          "slow_percent = " + std::to_string(slow_percent) + " is outside 1..1000000");
  require_probability(torn_write_probability, "torn_write_probability");
  require_probability(torn_write_garbage_probability, "torn_write_garbage_probability");
  require(torn_write_garbage_bytes_max >= 1,
          "torn_write_garbage_bytes_max = 0 (at least one byte of garbage)");
}

void DiskOptions::add_to_header(RunHeader& header, std::string_view prefix) const {
  const std::string p = std::string(prefix) + ".";
  header.set(p + "fsync_latency_distribution", to_string(fsync_latency_distribution));
  header.set(p + "fsync_latency_min", fsync_latency_min);
  header.set(p + "fsync_latency_max", fsync_latency_max);
  header.set(p + "fsync_latency_tail_alpha", fsync_latency_tail_alpha);
  header.set(p + "append_latency_per_op", append_latency_per_op);
  header.set(p + "append_latency_per_mib", append_latency_per_mib);
  header.set(p + "slow_percent", slow_percent);
  if (capacity_bytes) {
    header.set(p + "capacity_bytes", *capacity_bytes);
  } else {
    header.set(p + "capacity_bytes", "unlimited");
  }
  header.set(p + "fail_writes", fail_writes);
  header.set(p + "torn_write_probability", torn_write_probability);
  header.set(p + "torn_write_garbage_probability", torn_write_garbage_probability);
  header.set(p + "torn_write_garbage_bytes_max", torn_write_garbage_bytes_max);
}

}  // namespace ksim::sim
