// MetricsModel: what the Metrics panel plots: time series sampled once per simulated interval
// (1 s by default) from a running cluster: records produced and consumed (cumulative; rates are
// derived from them), the ISR size of every partition with its minimum and average, the
// under-replicated and offline partitions, each consumer group's lag, and per acks setting the
// records sent, acknowledged and lost.
//
// Integers only: an average is kept in thousandths, a rate is an integer division of counts by
// microseconds. Memory is bounded: when a series reaches `capacity` points, every two adjacent
// points merge into one (min of the mins, max of the maxes, the later `last`) and sampling
// continues at twice the interval; counters stay exact (their `last` is cumulative).
//
// Series names:
//   produced, consumed                 records sent by producers / returned to consumers (total)
//   isr_size/<topic>-<p>               ISR size (user topics; __consumer_offsets is left out)
//   isr_size_min, isr_size_avg_milli   over those partitions (the average in thousandths)
//   under_replicated, offline          partitions (every topic, as Kafka's broker metrics count)
//   consumer_lag/<group>               sum over the group's partitions of leader HW - committed
//   sent/acks=<a>, acknowledged/acks=<a>, lost/acks=<a>   from the audit (a: 0, 1, all)
//
// Cost per sample: the ZooKeeper metadata once, the clients' histories' sizes, the audit's new
// records and those still waiting for an outcome (a record whose producer died before an answer
// stays in that tail), and a full recount of the audit's losses after a broker event (or every
// 30 samples).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/cluster/kafka_cluster.h"
#include "sim/kernel/sim_time.h"

namespace ksim::gui::model {

// One plotted point: the values seen over its span (one sample, or several merged).
struct MetricPoint {
  std::int64_t min = 0;
  std::int64_t max = 0;
  std::int64_t last = 0;
  bool present = false;  // false before the series existed (e.g. a topic created later)
};

struct MetricSeries {
  std::string name;
  std::vector<MetricPoint> points;  // aligned with MetricsModel::times()
};

struct MetricsOptions {
  sim::SimDuration interval = sim::SimDuration::from_s(1);
  std::size_t capacity = 1024;  // points per series before two merge into one (>= 2, even)
};

class MetricsModel {
 public:
  explicit MetricsModel(MetricsOptions options = {});

  // Once per frame: samples when the simulated time has passed the next sampling boundary (one
  // sample per call, at the latest boundary passed; a frame that jumps far samples once).
  // Returns true when it sampled.
  bool update(sim::cluster::KafkaCluster& cluster);

  // The end of each point's span, in microseconds of simulated time (a boundary multiple of the
  // resolution).
  const std::vector<std::int64_t>& times_us() const { return times_; }
  std::size_t size() const { return times_.size(); }
  // The span of one point now (the interval, doubled by each downsampling).
  sim::SimDuration resolution() const;
  std::size_t downsamplings() const { return downsamplings_; }

  const MetricSeries* series(std::string_view name) const;
  std::vector<std::string> series_names() const;  // sorted
  // The value of a series at the point whose span ends at `time` (exactly), if sampled.
  std::optional<std::int64_t> value_at(std::string_view name, sim::SimTime time) const;
  // Per second over each point's span, from a cumulative series (produced, consumed, ...): the
  // increase since the previous point times 1,000,000 / the microseconds between them (the first
  // point counts from time 0). A point missing in the series gives 0.
  std::vector<std::int64_t> rate_per_second(std::string_view cumulative_name) const;

  // The bytes held (the vectors' capacities), to check the bound.
  std::size_t memory_bytes() const;

 private:
  struct Series {
    MetricSeries data;    // the committed points, aligned with times_
    MetricPoint pending;  // the span being sampled
  };
  using Values = std::map<std::string, std::int64_t, std::less<>>;

  void observe(sim::cluster::KafkaCluster& cluster, Values& values);
  void observe_audit(sim::cluster::KafkaCluster& cluster, Values& values);
  void commit_pending();
  void downsample();

  MetricsOptions options_;
  std::int64_t stride_ = 1;  // base intervals per point
  std::size_t downsamplings_ = 0;
  std::int64_t pending_span_ = -1;  // the span index being sampled (-1: none)
  std::int64_t last_boundary_ = 0;  // the last boundary sampled (in base intervals)
  std::vector<std::int64_t> times_;
  std::map<std::string, Series, std::less<>> series_;

  // The audit's counts by acks slot (0, 1, all), kept incrementally.
  std::size_t audit_rows_seen_ = 0;
  std::size_t audit_pending_from_ = 0;  // rows below have their final outcome
  std::int64_t sent_[3] = {0, 0, 0};
  std::int64_t acknowledged_final_[3] = {0, 0, 0};
  std::int64_t lost_[3] = {0, 0, 0};
  bool used_[3] = {false, false, false};
  std::size_t lost_events_seen_ = static_cast<std::size_t>(-1);
  std::size_t observations_since_lost_ = 0;
};

}  // namespace ksim::gui::model
