// Frame-time statistics for `ksim gui --bench-frames`: samples in milliseconds, and their
// median, percentiles (nearest rank) and maximum.
#pragma once

#include <vector>

namespace ksim::gui {

class FrameStats {
 public:
  void add(double milliseconds) { samples_.push_back(milliseconds); }
  std::size_t size() const { return samples_.size(); }
  double median() const { return percentile(50); }
  // The nearest-rank percentile (0 when there is no sample).
  double percentile(double p) const;
  double max() const;

 private:
  std::vector<double> samples_;
};

}  // namespace ksim::gui
