// The Perfetto export: valid Chrome trace event JSON with a process per node, every event as an
// instant at its simulated time, the broker events as named instants; the live export and the
// conversion of the trace file give the same bytes.
#include <catch2/catch.hpp>

#include <set>

#include "sim/trace/perfetto_writer.h"
#include "sim/trace/trace_reader.h"
#include "trace_test_support.h"

namespace ksim::sim::trace::test {

using nlohmann::json;

TEST_CASE("the Perfetto export has every event on its node's track", "[trace][cluster]") {
  ScratchDir dir("perfetto");
  const std::string trace_path = dir.file("run.trace");
  const std::string live_path = dir.file("live.json");
  {
    cluster::KafkaCluster cluster(small_cluster(41));
    TraceRecorder recorder(cluster);
    const TraceHeader header = header_of(cluster);
    recorder.add_sink(std::make_unique<TraceWriter>(trace_path, header));
    recorder.add_sink(std::make_unique<PerfettoWriter>(live_path, &header));
    run_small_scenario(cluster);
    recorder.finish();
  }
  const Trace trace = read_trace(trace_path);
  const std::string converted_path = dir.file("converted.json.gz");
  write_perfetto(trace_path, converted_path);

  const std::string bytes = read_bytes(live_path);
  const json document = json::parse(bytes);  // throws if it is not valid JSON
  CHECK(document.at("displayTimeUnit") == "ms");
  CHECK(document.at("otherData").at("seed") == "41");
  CHECK(document.at("otherData").at("scenario") == "small failover");
  const json& entries = document.at("traceEvents");
  REQUIRE(entries.is_array());

  // A process per node, named after it, in order of appearance.
  std::map<std::int64_t, std::string> process_names;
  std::vector<const json*> instants;
  std::vector<const json*> broker_instants;
  for (const json& entry : entries) {
    const std::string ph = entry.at("ph");
    if (ph == "M" && entry.at("name") == "process_name") {
      process_names[entry.at("pid")] = entry.at("args").at("name");
    } else if (ph == "i" && entry.at("s") == "t" && entry.at("tid") == 1) {
      instants.push_back(&entry);
    } else if (ph == "i" && entry.at("s") == "t" && entry.at("tid") == 2) {
      broker_instants.push_back(&entry);
    }
  }
  std::set<std::string> nodes;
  for (const TraceEvent& event : trace.events) nodes.insert(event.node.empty() ? "(world)" : event.node);
  std::set<std::string> named;
  for (const auto& [pid, name] : process_names) named.insert(name);
  CHECK(named == nodes);
  CHECK(named.count("zookeeper") == 1);
  CHECK(named.count("broker 0") == 1);
  CHECK(named.count("client") == 1);

  // Every event, in order: its kind, its time in microseconds, its node's process.
  REQUIRE(instants.size() == trace.events.size());
  for (std::size_t i = 0; i < trace.events.size(); ++i) {
    const TraceEvent& event = trace.events[i];
    const json& instant = *instants[i];
    REQUIRE(instant.at("name") == event.kind);
    REQUIRE(instant.at("ts") == event.time_us);
    REQUIRE(instant.at("args").at("i") == event.index);
    REQUIRE(instant.at("args").at("seq") == event.sequence);
    REQUIRE(process_names.at(instant.at("pid")) == (event.node.empty() ? "(world)" : event.node));
  }
  // The broker events as named instants, in order, on the same node's second thread.
  std::vector<std::string> texts;
  for (const TraceEvent& event : trace.events) {
    if (!event.details.is_object() || !event.details.contains("ev")) continue;
    for (const auto& text : event.details.at("ev")) texts.push_back(text.get<std::string>());
  }
  REQUIRE(!texts.empty());
  REQUIRE(broker_instants.size() == texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) CHECK(broker_instants[i]->at("name") == texts[i]);

  // The run's end closes the array.
  const json& last = entries.back();
  CHECK(last.at("name") == "run stopped");
  CHECK(last.at("ts") == trace.end->time_us);
  CHECK(last.at("args").at("events") == trace.end->events);

  // Converting the trace file afterwards gives the same bytes (here through gzip).
  LineReader converted(converted_path);
  std::string line;
  std::string all;
  while (converted.next(line)) all += line + "\n";
  CHECK(all == bytes);
}

}  // namespace ksim::sim::trace::test
