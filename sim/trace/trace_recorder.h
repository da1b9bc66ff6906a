// TraceRecorder: listens to a run and hands every processed event, as a TraceEvent, to its
// sinks (the JSON-lines trace, the Perfetto export, a replay's checker).
//
//   KafkaCluster cluster(options);
//   trace::TraceRecorder recorder(cluster);  // also names the cluster's messages
//   recorder.add_sink(std::make_unique<trace::TraceWriter>(
//       "run.trace.gz", trace::make_trace_header(cluster.sim().header(), KSIM_VERSION,
//                                                name, text)));
//   recorder.add_sink(std::make_unique<trace::PerfettoWriter>("run.perfetto.json"));
//   cluster.start(); ... run ...
//   recorder.finish();  // the end line; closes the files (errors surface here)
//
// Attaching sets the kernel's event observer (chaining one already set) and its EventDetails
// buffer, so the world notes what happened (the broker events, each delivery's sender and
// message names). Detach in the reverse order of attaching (the destructor detaches), and let
// the recorder die before the kernel it traces (declare it after the cluster). finish() and
// the destructor must not run inside an event.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/kernel/event_details.h"
#include "sim/kernel/simulation.h"
#include "sim/trace/trace_format.h"

namespace ksim::sim {
class World;
namespace network {
class Network;
}
namespace cluster {
class KafkaCluster;
}
}  // namespace ksim::sim

namespace ksim::sim::trace {

class TraceSink {
 public:
  virtual ~TraceSink() = default;
  // One processed event, in order. May throw to stop the run (the exception leaves the run).
  virtual void write_event(const TraceEvent& event) = 0;
  // The recording is over: the run stopped there. Flush and close; called once.
  virtual void finish(const TraceEnd& end) = 0;
};

class TraceRecorder {
 public:
  // Traces `world`'s kernel, naming nodes as its network does ("broker 1", "zookeeper").
  explicit TraceRecorder(World& world);
  // The same, and the network names the cluster's messages (message_names.h).
  explicit TraceRecorder(cluster::KafkaCluster& cluster);
  // Any kernel, with a function naming its nodes.
  TraceRecorder(Simulation& sim, std::function<std::string(NodeId)> node_name);
  // Finishes (quietly) and detaches.
  ~TraceRecorder();
  TraceRecorder(const TraceRecorder&) = delete;
  TraceRecorder& operator=(const TraceRecorder&) = delete;

  TraceSink& add_sink(std::unique_ptr<TraceSink> sink);
  template <class Sink>
  Sink& add(std::unique_ptr<Sink> sink) {
    Sink& added = *sink;
    add_sink(std::move(sink));
    return added;
  }

  // Writes the end (events so far, now(), the digest) to every sink and closes them, then
  // detaches from the kernel. Throws the first sink's error. Later calls do nothing.
  void finish();
  bool finished() const { return finished_; }
  std::uint64_t events_recorded() const { return events_; }

 private:
  void on_event(const EventRecord& record);
  const std::string& node_name(NodeId node);
  const std::string& kind_name(EventKind kind);
  void detach();

  Simulation& sim_;
  std::function<std::string(NodeId)> name_node_;
  network::Network* named_network_ = nullptr;  // whose message namer we set
  std::function<void(const EventRecord&)> previous_observer_;
  EventDetails details_;
  std::vector<std::unique_ptr<TraceSink>> sinks_;
  std::vector<std::string> node_names_;  // by NodeId value, filled on first use
  std::vector<std::string> kind_names_;  // by EventKind id
  TraceEvent event_;                     // reused for every event
  std::uint64_t events_ = 0;
  bool attached_ = false;
  bool finished_ = false;
};

}  // namespace ksim::sim::trace
