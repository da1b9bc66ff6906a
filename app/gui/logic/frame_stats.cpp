// Frame-time statistics (frame_stats.h).
#include "app/gui/logic/frame_stats.h"

#include <algorithm>
#include <cmath>

namespace ksim::gui {

double FrameStats::percentile(double p) const {
  if (samples_.empty()) return 0;
  std::vector<double> sorted = samples_;
  std::sort(sorted.begin(), sorted.end());
  const double rank = std::ceil(std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(sorted.size()));
  const std::size_t index = rank < 1 ? 0 : static_cast<std::size_t>(rank) - 1;
  return sorted[std::min(index, sorted.size() - 1)];
}

double FrameStats::max() const {
  return samples_.empty() ? 0 : *std::max_element(samples_.begin(), samples_.end());
}

}  // namespace ksim::gui
