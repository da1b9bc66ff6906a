#include "sim/trace/trace_recorder.h"

#include <exception>

#include "sim/cluster/kafka_cluster.h"
#include "sim/kernel/assert.h"
#include "sim/trace/message_names.h"
#include "sim/world.h"

namespace ksim::sim::trace {

TraceRecorder::TraceRecorder(Simulation& sim, std::function<std::string(NodeId)> node_name)
    : sim_(sim), name_node_(std::move(node_name)) {
  KSIM_SIM_ASSERT(!sim_.tracing(), "a run is traced by one TraceRecorder at a time");
  previous_observer_ = sim_.event_observer();
  sim_.set_event_observer([this](const EventRecord& record) { on_event(record); });
  sim_.set_event_details(&details_);
  attached_ = true;
}

TraceRecorder::TraceRecorder(World& world)
    : TraceRecorder(world.sim(), [&network = world.network()](NodeId node) {
        return network.node(node).name;
      }) {}

TraceRecorder::TraceRecorder(cluster::KafkaCluster& cluster) : TraceRecorder(cluster.world()) {
  named_network_ = &cluster.world().network();
  named_network_->set_message_namer(&cluster_message_name);
}

TraceRecorder::~TraceRecorder() {
  try {
    finish();
  } catch (...) {
    // Destructors stay quiet; finish() reports.
  }
  detach();
}

TraceSink& TraceRecorder::add_sink(std::unique_ptr<TraceSink> sink) {
  KSIM_SIM_ASSERT(sink != nullptr, "a null trace sink");
  KSIM_SIM_ASSERT(!finished_, "a sink added to a finished TraceRecorder");
  sinks_.push_back(std::move(sink));
  return *sinks_.back();
}

void TraceRecorder::detach() {
  if (!attached_) return;
  attached_ = false;
  sim_.set_event_observer(std::move(previous_observer_));
  sim_.set_event_details(nullptr);
  if (named_network_ != nullptr) named_network_->set_message_namer(nullptr);
}

const std::string& TraceRecorder::node_name(NodeId node) {
  const auto slot = static_cast<std::size_t>(node.value);
  if (slot >= node_names_.size()) node_names_.resize(slot + 1);
  std::string& name = node_names_[slot];
  if (name.empty()) name = name_node_(node);
  return name;
}

const std::string& TraceRecorder::kind_name(EventKind kind) {
  const std::size_t slot = kind.id;
  if (slot >= kind_names_.size()) kind_names_.resize(slot + 1);
  std::string& name = kind_names_[slot];
  if (name.empty()) name = sim_.kind_name(kind);
  return name;
}

void TraceRecorder::on_event(const EventRecord& record) {
  if (previous_observer_) previous_observer_(record);
  event_.index = record.index;
  event_.time_us = record.time.to_us();
  event_.sequence = record.sequence;
  if (record.target.is_none()) {
    event_.node.clear();
  } else {
    event_.node = node_name(record.target);
  }
  event_.kind = kind_name(record.kind);
  event_.digest = sim_.digest().value();
  event_.details = details_.take();
  ++events_;
  for (const std::unique_ptr<TraceSink>& sink : sinks_) sink->write_event(event_);
}

void TraceRecorder::finish() {
  if (finished_) return;
  finished_ = true;
  detach();
  const TraceEnd end{sim_.processed_events(), sim_.now().to_us(), sim_.digest().value()};
  std::exception_ptr first_error;
  for (const std::unique_ptr<TraceSink>& sink : sinks_) {
    try {
      sink->finish(end);
    } catch (...) {
      if (!first_error) first_error = std::current_exception();
    }
  }
  if (first_error) std::rethrow_exception(first_error);
}

}  // namespace ksim::sim::trace
