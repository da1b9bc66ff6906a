// compare_traces on traces built by hand: identical, one event perturbed, one a prefix of the
// other, different ends; the report's exact text.
#include <catch2/catch.hpp>

#include "sim/trace/trace_compare.h"

namespace ksim::sim::trace::test {

using nlohmann::ordered_json;

namespace {

Trace make_trace(std::uint64_t events) {
  Trace trace;
  trace.header.ksim_version = "0.1.0";
  trace.header.seed = 7;
  trace.header.scenario_name = "s";
  for (std::uint64_t i = 0; i < events; ++i) {
    TraceEvent e;
    e.index = i;
    e.time_us = 500 * static_cast<std::int64_t>(i);
    e.sequence = 2 * i + 1;
    e.node = "broker " + std::to_string(i % 3);
    e.kind = i % 2 == 0 ? "net.deliver" : "broker.tick";
    e.digest = 0x100 + i;
    if (i % 2 == 0) e.details = ordered_json{{"from", "zookeeper"}};
    trace.events.push_back(e);
  }
  trace.end = TraceEnd{events, 500 * static_cast<std::int64_t>(events), 0x999};
  return trace;
}

}  // namespace

TEST_CASE("identical traces compare equal", "[trace]") {
  CHECK_FALSE(compare_traces(make_trace(10), make_trace(10)).has_value());
  CHECK_FALSE(compare_traces(make_trace(0), make_trace(0)).has_value());
}

TEST_CASE("a perturbed event is reported at its index with the events before it", "[trace]") {
  const Trace expected = make_trace(10);
  Trace actual = make_trace(10);
  actual.events[7].digest = 0xbad;
  const auto d = compare_traces(expected, actual, 3);
  REQUIRE(d.has_value());
  CHECK(d->index == 7);
  CHECK(d->time_us == 3500);
  REQUIRE(d->expected.has_value());
  REQUIRE(d->actual.has_value());
  CHECK(*d->expected == expected.events[7]);
  CHECK(*d->actual == actual.events[7]);
  REQUIRE(d->context.size() == 3);
  CHECK(d->context[0] == expected.events[4]);
  CHECK(d->context[2] == expected.events[6]);
  CHECK(d->differences == std::vector<std::string>{"digest 0000000000000107 vs 0000000000000bad"});
  CHECK(d->header_notes.empty());
  CHECK(d->report ==
        "The traces diverge at event #7, t=0.0035s.\n"
        "The 3 events before (identical in both):\n"
        "    #4 t=0.002s seq 9 broker 1 net.deliver digest 0000000000000104 "
        "{\"from\":\"zookeeper\"}\n"
        "    #5 t=0.0025s seq 11 broker 2 broker.tick digest 0000000000000105\n"
        "    #6 t=0.003s seq 13 broker 0 net.deliver digest 0000000000000106 "
        "{\"from\":\"zookeeper\"}\n"
        "  expected: #7 t=0.0035s seq 15 broker 1 broker.tick digest 0000000000000107\n"
        "  actual:   #7 t=0.0035s seq 15 broker 1 broker.tick digest 0000000000000bad\n"
        "  differs: digest 0000000000000107 vs 0000000000000bad\n"
        "  Only the digest differs: the same event ran, but what its handler did (the state it "
        "folded into the digest) differs, or something changed the state between events.\n");
}

TEST_CASE("differences in time, node, kind and details are all listed", "[trace]") {
  const Trace expected = make_trace(5);
  Trace actual = make_trace(5);
  TraceEvent& e = actual.events[2];
  e.time_us += 250;
  e.node = "client";
  e.details = ordered_json{{"from", "broker 2"}};
  actual.header.seed = 8;
  const auto d = compare_traces(expected, actual);
  REQUIRE(d.has_value());
  CHECK(d->index == 2);
  CHECK(d->time_us == 1000);  // the earlier of the two
  CHECK(d->differences == std::vector<std::string>{
                              "time 0.001s vs 0.00125s", "node \"broker 2\" vs \"client\"",
                              "details {\"from\":\"zookeeper\"} vs {\"from\":\"broker 2\"}"});
  CHECK(d->header_notes == std::vector<std::string>{"seed 7 vs 8"});
  CHECK_THAT(d->report, Catch::Contains("  header: seed 7 vs 8\n"));
}

TEST_CASE("a trace that is a prefix of the other diverges where it ends", "[trace]") {
  const Trace longer = make_trace(10);
  Trace shorter = make_trace(10);
  shorter.events.resize(6);
  shorter.end = TraceEnd{6, 3000, 0x999};

  const auto d = compare_traces(longer, shorter);
  REQUIRE(d.has_value());
  CHECK(d->index == 6);
  CHECK(d->time_us == 3000);
  CHECK(d->expected == longer.events[6]);
  CHECK_FALSE(d->actual.has_value());
  CHECK(d->context.size() == 5);
  CHECK(d->context.front().index == 1);
  CHECK(d->differences == std::vector<std::string>{"the actual trace has no more events"});
  CHECK_THAT(d->report, Catch::Contains("  actual:   (no event: the trace ends)\n"));

  const auto reverse = compare_traces(shorter, longer);
  REQUIRE(reverse.has_value());
  CHECK(reverse->index == 6);
  CHECK_FALSE(reverse->expected.has_value());
  CHECK(reverse->actual == longer.events[6]);
}

TEST_CASE("the same events with different ends diverge after the last event", "[trace]") {
  const Trace a = make_trace(4);
  Trace b = make_trace(4);
  b.end->digest = 0x998;  // the driver changed the state after the last event
  const auto d = compare_traces(a, b);
  REQUIRE(d.has_value());
  CHECK(d->index == 4);
  CHECK(d->time_us == 2000);
  CHECK_FALSE(d->expected.has_value());
  CHECK_FALSE(d->actual.has_value());
  CHECK(d->differences ==
        std::vector<std::string>{"every event matches, but the ends differ: 4 events, stopped at "
                                 "0.002s, final digest 0000000000000999 (expected) vs 4 events, "
                                 "stopped at 0.002s, final digest 0000000000000998 (actual)"});

  Trace unfinished = make_trace(4);
  unfinished.end.reset();
  const auto u = compare_traces(a, unfinished);
  REQUIRE(u.has_value());
  CHECK(u->index == 4);
  CHECK_THAT(u->differences.at(0), Catch::EndsWith(
                                       "vs no end line (the recording did not finish) (actual)"));
}

}  // namespace ksim::sim::trace::test

namespace ksim::sim::trace::test {

TEST_CASE("a live event matches its recorded line even with invalid UTF-8", "[trace]") {
  Trace live = make_trace(3);
  live.events[1].details = ordered_json{{"ev", {"broker 1: storage error: /data/\xff"}}};
  // What the recording holds: the line as written (U+FFFD for the bad byte), read back.
  Trace recorded = live;
  recorded.events[1] = *parse_body_line(event_line(live.events[1]), "r:3").event;
  CHECK(recorded.events[1].details.at("ev").at(0) == "broker 1: storage error: /data/\xef\xbf\xbd");
  CHECK_FALSE(compare_traces(recorded, live).has_value());
}

}  // namespace ksim::sim::trace::test
