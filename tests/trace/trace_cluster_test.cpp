// Traces of a real KafkaCluster run: the same seed gives the same bytes, another seed diverges
// exactly where the kernel's digest history says, tracing changes nothing in the run, the
// details carry the broker events and each delivery's sender and message, and a replay is
// checked against a recording as it runs.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <set>

#include "sim/trace/trace_compare.h"
#include "sim/trace/trace_reader.h"
#include "trace_test_support.h"

namespace ksim::sim::trace::test {

namespace {

std::vector<std::string> broker_event_texts(const cluster::KafkaCluster& cluster) {
  std::vector<std::string> texts;
  for (const cluster::BrokerEvent& event : cluster.events()) {
    texts.push_back(fmt::format("broker {}: {}", event.broker_id, event.what));
  }
  return texts;
}

std::vector<std::string> traced_broker_events(const Trace& trace) {
  std::vector<std::string> texts;
  for (const TraceEvent& event : trace.events) {
    if (!event.details.is_object() || !event.details.contains("ev")) continue;
    for (const auto& text : event.details.at("ev")) texts.push_back(text.get<std::string>());
  }
  return texts;
}

}  // namespace

TEST_CASE("the same seed traced twice gives byte-identical traces", "[trace][cluster]") {
  ScratchDir dir("same_seed");
  const std::uint64_t digest_a = traced_run(11, dir.file("a.trace"));
  const std::uint64_t digest_b = traced_run(11, dir.file("b.trace"));
  CHECK(digest_a == digest_b);
  const std::string bytes = read_bytes(dir.file("a.trace"));
  CHECK(bytes == read_bytes(dir.file("b.trace")));
  CHECK_FALSE(compare_trace_files(dir.file("a.trace"), dir.file("b.trace")).has_value());

  const Trace trace = read_trace(dir.file("a.trace"));
  CHECK(trace.header.seed == 11);
  CHECK(trace.header.ksim_version == "0.1.0-test");
  CHECK(trace.header.scenario_name == "small failover");
  CHECK(trace.header.scenario_text == kScenarioText);
  CHECK(trace.header.config.at("seed") == 11);
  CHECK(trace.header.config.at("options").at("network.loopback_latency_us") == 20);
  REQUIRE(trace.end.has_value());
  REQUIRE(trace.events.size() == trace.end->events);
  CHECK(trace.end->digest == digest_a);
  CHECK(trace.end->time_us >= trace.events.back().time_us);
  for (std::size_t i = 0; i < trace.events.size(); ++i) REQUIRE(trace.events[i].index == i);
  // One line per event, plus the header and the end.
  CHECK(static_cast<std::size_t>(std::count(bytes.begin(), bytes.end(), '\n')) ==
        trace.events.size() + 2);
}

TEST_CASE("the details hold the broker events and each delivery's sender and message",
          "[trace][cluster]") {
  ScratchDir dir("details");
  cluster::KafkaCluster cluster(small_cluster(12));
  TraceRecorder recorder(cluster);
  recorder.add_sink(std::make_unique<TraceWriter>(dir.file("run.trace"), header_of(cluster)));
  run_small_scenario(cluster);
  recorder.finish();
  const Trace trace = read_trace(dir.file("run.trace"));

  // Every BrokerEvent the cluster recorded, in order, with its text (leader and ISR changes).
  const std::vector<std::string> expected = broker_event_texts(cluster);
  REQUIRE(!expected.empty());
  CHECK(traced_broker_events(trace) == expected);

  std::set<std::string> nodes;
  for (const TraceEvent& event : trace.events) nodes.insert(event.node);
  std::size_t deliveries = 0;
  std::map<std::string, std::size_t> names;
  for (const TraceEvent& event : trace.events) {
    if (event.kind != "net.deliver") {
      CHECK_FALSE((event.details.is_object() && event.details.contains("m")));
      continue;
    }
    ++deliveries;
    REQUIRE(event.details.is_object());
    const std::string from = event.details.at("from").get<std::string>();
    CHECK(nodes.count(from) == 1);
    for (const auto& name : event.details.at("m")) {
      const std::string message = name.get<std::string>();
      ++names[message];
      // ZooKeeper hears ZooKeeper's requests and nothing else; what it sends are its answers.
      const bool zk_request = message.starts_with("zk.") && !message.ends_with("Response") &&
                              message != "zk.response" && message != "zk.watch";
      CHECK((event.node == "zookeeper") == zk_request);
      CHECK((from == "zookeeper") == (message.starts_with("zk.") && !zk_request));
    }
  }
  CHECK(deliveries > 100);
  CHECK(names["zk.connect"] == 3);  // one session per broker
  CHECK(names["zk.connectResponse"] == 3);
  // ZooKeeper answered every request in this run: pings and deletes with a bare code.
  CHECK(names["zk.create"] == names["zk.createResponse"]);
  CHECK(names["zk.getData"] == names["zk.getDataResponse"]);
  CHECK(names["zk.multi"] == names["zk.multiResponse"]);
  CHECK(names["zk.ping"] + names["zk.delete"] + names["zk.closeSession"] == names["zk.response"]);
  CHECK(names["LeaderAndIsrRequest"] >= 3);  // the topic's creation and the failover
  CHECK(names["ProduceRequest"] == 3);
  CHECK(names["ProduceResponse"] == 3);
  CHECK(names["FetchRequest"] > 10);
}

TEST_CASE("tracing does not change the run", "[trace][cluster]") {
  ScratchDir dir("unchanged");
  cluster::KafkaCluster untraced(small_cluster(13, true));
  run_small_scenario(untraced);

  cluster::KafkaCluster traced(small_cluster(13, true));
  {
    TraceRecorder recorder(traced);
    recorder.add_sink(std::make_unique<TraceWriter>(dir.file("run.trace.gz"), header_of(traced)));
    run_small_scenario(traced);
  }
  CHECK(untraced.sim().digest().value() == traced.sim().digest().value());
  CHECK(untraced.sim().processed_events() == traced.sim().processed_events());
  CHECK(untraced.sim().digest_history() == traced.sim().digest_history());
  CHECK(untraced.events_text() == traced.events_text());
  // The recorder detached: the kernel no longer hands out details.
  CHECK_FALSE(traced.sim().tracing());

  // The trace's digests are the kernel's history, event by event.
  const Trace trace = read_trace(dir.file("run.trace.gz"));
  REQUIRE(trace.events.size() == traced.sim().digest_history().size());
  for (std::size_t i = 0; i < trace.events.size(); ++i) {
    REQUIRE(trace.events[i].digest == traced.sim().digest_history()[i]);
  }
}

TEST_CASE("another seed diverges at the first event the digest history differs",
          "[trace][cluster]") {
  ScratchDir dir("other_seed");
  std::vector<DigestHistory> histories;
  for (const std::uint64_t seed : {std::uint64_t{21}, std::uint64_t{22}}) {
    cluster::KafkaCluster cluster(small_cluster(seed, true));
    TraceRecorder recorder(cluster);
    recorder.add_sink(std::make_unique<TraceWriter>(dir.file(fmt::format("{}.trace", seed)),
                                                    header_of(cluster)));
    run_small_scenario(cluster);
    recorder.finish();
    histories.push_back(cluster.sim().digest_history());
  }
  const std::optional<std::uint64_t> first = first_divergence(histories[0], histories[1]);
  REQUIRE(first.has_value());
  REQUIRE(*first >= 1);

  const auto d = compare_trace_files(dir.file("21.trace"), dir.file("22.trace"));
  REQUIRE(d.has_value());
  CHECK(d->index == *first);
  REQUIRE(d->expected.has_value());
  REQUIRE(d->actual.has_value());
  CHECK(d->expected->digest == histories[0][*first]);
  CHECK(d->actual->digest == histories[1][*first]);
  CHECK(d->time_us == std::min(d->expected->time_us, d->actual->time_us));
  // The events before it, up to five, identical in both.
  const std::uint64_t context = std::min<std::uint64_t>(*first, 5);
  REQUIRE(d->context.size() == context);
  for (std::uint64_t i = 0; i < context; ++i) {
    CHECK(d->context[i].index == *first - context + i);
    CHECK(d->context[i].digest == histories[0][*first - context + i]);
    CHECK(d->context[i].digest == histories[1][*first - context + i]);
  }
  CHECK(d->header_notes.front() == "seed 21 vs 22");
  CHECK_THAT(d->report, Catch::StartsWith(fmt::format("The traces diverge at event #{}, t=", *first)));
  CHECK_THAT(d->report, Catch::Contains(dir.file("22.trace") + ":"));
}

TEST_CASE("a replay is checked against the recording as it runs", "[trace][cluster]") {
  ScratchDir dir("replay");
  const std::string recorded = dir.file("recorded.trace.gz");
  traced_run(31, recorded);
  const Trace trace = read_trace(recorded);

  SECTION("the same run replays identically") {
    cluster::KafkaCluster cluster(small_cluster(trace.header.seed));
    TraceRecorder recorder(cluster);
    auto& checker = recorder.add(std::make_unique<ReplayChecker>(recorded));
    checker.set_actual_header(header_of(cluster));
    run_small_scenario(cluster);
    recorder.finish();
    CHECK_FALSE(checker.diverged());
    CHECK(checker.events_compared() == trace.events.size());
  }
  SECTION("another seed stops the replay at the first divergent event") {
    cluster::KafkaCluster cluster(small_cluster(32, true));
    TraceRecorder recorder(cluster);
    auto& checker = recorder.add(std::make_unique<ReplayChecker>(recorded));
    CHECK_THROWS_AS(run_small_scenario(cluster), TraceDiverged);
    REQUIRE(checker.diverged());
    const TraceDivergence& d = *checker.divergence();
    // The run stopped at the divergent event: it was the last one processed.
    CHECK(d.index + 1 == cluster.sim().processed_events());
    CHECK(d.actual->digest == cluster.sim().digest_history().back());
    CHECK(*d.expected == trace.events[d.index]);
    CHECK_THAT(d.report, Catch::Contains("  recorded: #" + std::to_string(d.index)));
    CHECK_THAT(d.report, Catch::Contains("  replay:   #" + std::to_string(d.index)));
  }
  SECTION("a replay that stops early diverges where it stopped") {
    cluster::KafkaCluster cluster(small_cluster(trace.header.seed));
    TraceRecorder recorder(cluster);
    auto& checker = recorder.add(std::make_unique<ReplayChecker>(recorded));
    cluster.start();
    cluster.wait_until_ready();
    recorder.finish();
    REQUIRE(checker.diverged());
    CHECK(checker.divergence()->index == cluster.sim().processed_events());
    CHECK_FALSE(checker.divergence()->actual.has_value());
    CHECK(*checker.divergence()->expected == trace.events[cluster.sim().processed_events()]);
  }
}

}  // namespace ksim::sim::trace::test
