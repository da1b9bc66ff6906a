#include "sim/kernel/sim_time.h"

#include <ostream>

namespace ksim::sim {

namespace time_detail {

std::string format_seconds(std::int64_t us) {
  // The magnitude as unsigned, so that INT64_MIN has one too.
  const bool negative = us < 0;
  const std::uint64_t magnitude =
      negative ? std::uint64_t{0} - static_cast<std::uint64_t>(us) : static_cast<std::uint64_t>(us);
  std::string fraction = std::to_string(magnitude % 1'000'000);
  fraction.insert(0, 6 - fraction.size(), '0');
  // Keep milliseconds always, finer digits only when they are not zero: "15.002s", "15.0025s".
  while (fraction.size() > 3 && fraction.back() == '0') fraction.pop_back();
  std::string out = negative ? "-" : "";
  out += std::to_string(magnitude / 1'000'000);
  out += '.';
  out += fraction;
  out += 's';
  return out;
}

}  // namespace time_detail

std::ostream& operator<<(std::ostream& out, SimDuration d) { return out << d.to_string(); }
std::ostream& operator<<(std::ostream& out, SimTime t) { return out << t.to_string(); }

}  // namespace ksim::sim
