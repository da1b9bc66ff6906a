// MetricsModel: see metrics_model.h.
#include "app/gui/model/metrics_model.h"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "core/controller/cluster_metadata.h"
#include "sim/audit/record_ledger.h"

namespace ksim::gui::model {

namespace {

constexpr std::string_view kInternalTopicPrefix = "__";
// A full recount of the audit's losses at least this often (in samples), besides after every
// broker event.
constexpr std::size_t kLostRecountSamples = 30;

std::size_t acks_slot(std::int16_t acks) { return acks == -1 ? 2 : static_cast<std::size_t>(acks); }
const char* acks_label(std::size_t slot) {
  static const char* const labels[] = {"0", "1", "all"};
  return labels[slot];
}

bool told_written(sim::audit::SendOutcome outcome) {
  return outcome == sim::audit::SendOutcome::acknowledged ||
         outcome == sim::audit::SendOutcome::sent_unknown;
}

void merge(MetricPoint& into, const MetricPoint& from) {
  if (!from.present) return;
  if (!into.present) {
    into = from;
    return;
  }
  into.min = std::min(into.min, from.min);
  into.max = std::max(into.max, from.max);
  into.last = from.last;
}

}  // namespace

MetricsModel::MetricsModel(MetricsOptions options) : options_(options) {
  if (options_.interval <= sim::SimDuration::from_us(0)) {
    throw std::invalid_argument("MetricsModel: the sampling interval must be positive");
  }
  if (options_.capacity < 2 || options_.capacity % 2 != 0) {
    throw std::invalid_argument("MetricsModel: the capacity must be even and at least 2");
  }
  times_.reserve(options_.capacity);
}

sim::SimDuration MetricsModel::resolution() const {
  return sim::SimDuration::from_us(options_.interval.to_us() * stride_);
}

bool MetricsModel::update(sim::cluster::KafkaCluster& cluster) {
  const std::int64_t boundary = cluster.now().to_us() / options_.interval.to_us();
  if (boundary <= last_boundary_) return false;
  last_boundary_ = boundary;
  // A boundary past the pending span commits it first (which may downsample: the span is
  // computed after, with the stride then in force).
  if (pending_span_ >= 0 && (boundary - 1) / stride_ != pending_span_) commit_pending();
  const std::int64_t span = (boundary - 1) / stride_;

  Values values;
  observe(cluster, values);
  for (const auto& [name, value] : values) {
    auto it = series_.find(name);
    if (it == series_.end()) {
      it = series_.emplace(name, Series{}).first;
      it->second.data.name = name;
      it->second.data.points.reserve(options_.capacity);
      it->second.data.points.resize(times_.size());  // not present before now
    }
    merge(it->second.pending, MetricPoint{value, value, value, true});
  }
  pending_span_ = span;
  if (boundary == (span + 1) * stride_) commit_pending();
  return true;
}

void MetricsModel::commit_pending() {
  if (pending_span_ < 0) return;
  const std::int64_t time = (pending_span_ + 1) * stride_ * options_.interval.to_us();
  pending_span_ = -1;
  const bool into_last = !times_.empty() && time <= times_.back();
  if (!into_last) times_.push_back(time);
  for (auto& [name, series] : series_) {
    if (into_last) {
      merge(series.data.points.back(), series.pending);
    } else {
      series.data.points.push_back(series.pending);
    }
    series.pending = MetricPoint{};
  }
  if (times_.size() >= options_.capacity) downsample();
}

void MetricsModel::downsample() {
  const std::int64_t interval = options_.interval.to_us();
  const std::int64_t width = 2 * stride_ * interval;  // the new span, in microseconds
  std::vector<std::int64_t> times;
  std::vector<std::size_t> group_of(times_.size());
  for (std::size_t i = 0; i < times_.size(); ++i) {
    const std::int64_t end = (times_[i] + width - 1) / width * width;
    if (times.empty() || times.back() != end) times.push_back(end);
    group_of[i] = times.size() - 1;
  }
  for (auto& [name, series] : series_) {
    std::vector<MetricPoint> points(times.size());
    std::vector<MetricPoint>& stored = series.data.points;
    for (std::size_t i = 0; i < stored.size(); ++i) merge(points[group_of[i]], stored[i]);
    std::copy(points.begin(), points.end(), stored.begin());
    stored.resize(points.size());
  }
  std::copy(times.begin(), times.end(), times_.begin());
  times_.resize(times.size());
  stride_ *= 2;
  ++downsamplings_;
}

void MetricsModel::observe(sim::cluster::KafkaCluster& cluster, Values& values) {
  std::int64_t produced = 0;
  for (const std::string& name : cluster.producer_names()) {
    produced += static_cast<std::int64_t>(cluster.producer_history(name).records.size());
  }
  std::int64_t consumed = 0;
  for (const std::string& name : cluster.consumer_names()) {
    consumed += static_cast<std::int64_t>(cluster.consumer_history(name).records.size());
  }
  values["produced"] = produced;
  values["consumed"] = consumed;

  // Partitions, from ZooKeeper (what kafka-topics.sh --describe shows).
  if (cluster.zookeeper().has_server()) {
    const controller::ClusterMetadata metadata = cluster.metadata();
    std::int64_t under_replicated = 0, offline = 0, isr_sum = 0, isr_count = 0;
    std::optional<std::int64_t> isr_min;
    for (const auto& [topic, meta] : metadata.topics) {
      const bool internal = topic.starts_with(kInternalTopicPrefix);
      for (const auto& [partition, assignment] : meta.partitions) {
        auto state = meta.partition_states.find(partition);
        if (state == meta.partition_states.end()) continue;  // not elected yet
        const auto& leadership = state->second.leader_and_isr;
        const auto isr = static_cast<std::int64_t>(leadership.isr.size());
        if (isr < static_cast<std::int64_t>(assignment.replicas.size())) ++under_replicated;
        if (leadership.leader < 0) ++offline;
        if (internal) continue;
        values["isr_size/" + topic + "-" + std::to_string(partition)] = isr;
        isr_sum += isr;
        ++isr_count;
        isr_min = isr_min ? std::min(*isr_min, isr) : isr;
      }
    }
    values["under_replicated"] = under_replicated;
    values["offline"] = offline;
    if (isr_count > 0) {
      values["isr_size_min"] = *isr_min;
      values["isr_size_avg_milli"] = isr_sum * 1000 / isr_count;
    }

    // Consumer lag per group: the leader's HW minus the group's last committed offset (the log
    // start offset where it never committed), over its partitions (committed or assigned).
    std::map<std::string, std::map<storage::TopicPartition, std::int64_t>> committed;
    std::map<std::string, std::set<storage::TopicPartition>> partitions;
    std::map<std::string, std::map<storage::TopicPartition, sim::SimTime>> committed_at;
    for (const std::string& name : cluster.consumer_names()) {
      const sim::clients::ConsumerHistory& history = cluster.consumer_history(name);
      if (!history.group_id) continue;
      const std::string& group = *history.group_id;
      auto& group_partitions = partitions[group];
      if (!history.assignments.empty()) {
        for (const auto& tp : history.assignments.back().second) group_partitions.insert(tp);
      }
      for (const sim::clients::ConsumerCommit& commit : history.commits) {
        if (!commit.succeeded()) continue;
        for (const auto& [tp, offset] : commit.offsets) {
          group_partitions.insert(tp);
          auto at = committed_at[group].find(tp);
          if (at == committed_at[group].end() || at->second <= commit.completed_at) {
            committed_at[group][tp] = commit.completed_at;
            committed[group][tp] = offset;
          }
        }
      }
    }
    for (const auto& [group, tps] : partitions) {
      std::int64_t lag = 0;
      for (const storage::TopicPartition& tp : tps) {
        const controller::PartitionLeadership* state = metadata.partition_state(tp);
        if (state == nullptr) continue;
        const replication::Partition* leader = cluster.replica(state->leader_and_isr.leader, tp);
        if (leader == nullptr) continue;
        auto it = committed[group].find(tp);
        const std::int64_t from =
            it != committed[group].end() ? it->second : leader->log_start_offset();
        lag += std::max<std::int64_t>(0, leader->high_watermark() - from);
      }
      values["consumer_lag/" + group] = lag;
    }
  }
  observe_audit(cluster, values);
}

void MetricsModel::observe_audit(sim::cluster::KafkaCluster& cluster, Values& values) {
  const sim::audit::RecordLedger* ledger = cluster.audit();
  if (ledger == nullptr) return;
  const std::size_t count = ledger->record_count();
  for (; audit_rows_seen_ < count; ++audit_rows_seen_) {
    const std::size_t slot = acks_slot(ledger->record(audit_rows_seen_).acks);
    ++sent_[slot];
    used_[slot] = true;
  }
  // Outcomes are final once given: count them once, the pending tail afresh each time.
  for (; audit_pending_from_ < count; ++audit_pending_from_) {
    const sim::audit::RecordView view = ledger->record(audit_pending_from_);
    if (view.outcome == sim::audit::SendOutcome::pending) break;
    if (told_written(view.outcome)) ++acknowledged_final_[acks_slot(view.acks)];
  }
  std::int64_t acknowledged[3] = {acknowledged_final_[0], acknowledged_final_[1],
                                  acknowledged_final_[2]};
  for (std::size_t row = audit_pending_from_; row < count; ++row) {
    const sim::audit::RecordView view = ledger->record(row);
    if (told_written(view.outcome)) ++acknowledged[acks_slot(view.acks)];
  }
  // Losses come from broker events (a truncation, a recovery): recounted after them.
  ++observations_since_lost_;
  if (cluster.events().size() != lost_events_seen_ ||
      observations_since_lost_ >= kLostRecountSamples) {
    lost_events_seen_ = cluster.events().size();
    observations_since_lost_ = 0;
    for (std::int64_t& lost : lost_) lost = 0;
    for (const sim::audit::AcksSummary& s : ledger->summary()) {
      lost_[acks_slot(s.acks)] = static_cast<std::int64_t>(s.lost);
    }
  }
  for (std::size_t slot = 0; slot < 3; ++slot) {
    if (!used_[slot]) continue;
    const std::string label = std::string("/acks=") + acks_label(slot);
    values["sent" + label] = sent_[slot];
    values["acknowledged" + label] = acknowledged[slot];
    values["lost" + label] = lost_[slot];
  }
}

const MetricSeries* MetricsModel::series(std::string_view name) const {
  auto it = series_.find(name);
  return it == series_.end() ? nullptr : &it->second.data;
}

std::vector<std::string> MetricsModel::series_names() const {
  std::vector<std::string> names;
  for (const auto& [name, series] : series_) names.push_back(name);
  return names;
}

std::optional<std::int64_t> MetricsModel::value_at(std::string_view name, sim::SimTime time) const {
  auto it = series_.find(name);
  if (it == series_.end()) return std::nullopt;
  auto t = std::lower_bound(times_.begin(), times_.end(), time.to_us());
  if (t == times_.end() || *t != time.to_us()) return std::nullopt;
  const MetricPoint& point = it->second.data.points[static_cast<std::size_t>(t - times_.begin())];
  if (!point.present) return std::nullopt;
  return point.last;
}

std::vector<std::int64_t> MetricsModel::rate_per_second(std::string_view cumulative_name) const {
  std::vector<std::int64_t> rates(times_.size(), 0);
  auto it = series_.find(cumulative_name);
  if (it == series_.end()) return rates;
  const std::vector<MetricPoint>& points = it->second.data.points;
  std::int64_t previous_value = 0, previous_time = 0;
  for (std::size_t i = 0; i < times_.size(); ++i) {
    if (!points[i].present) continue;
    const std::int64_t elapsed = times_[i] - previous_time;
    if (elapsed > 0) rates[i] = (points[i].last - previous_value) * 1'000'000 / elapsed;
    previous_value = points[i].last;
    previous_time = times_[i];
  }
  return rates;
}

std::size_t MetricsModel::memory_bytes() const {
  std::size_t bytes = times_.capacity() * sizeof(std::int64_t);
  for (const auto& [name, series] : series_) {
    bytes +=
        2 * name.capacity() + sizeof(Series) + series.data.points.capacity() * sizeof(MetricPoint);
  }
  return bytes;
}

}  // namespace ksim::gui::model
