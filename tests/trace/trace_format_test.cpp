// The trace format: exact line texts, the header's round trip, gzip, and the errors a
// malformed file gives (file and line named).
#include <catch2/catch.hpp>

#include "sim/kernel/run_header.h"
#include "sim/trace/line_file.h"
#include "sim/trace/trace_reader.h"
#include "sim/trace/trace_writer.h"
#include "trace_test_support.h"

namespace ksim::sim::trace::test {

using nlohmann::ordered_json;

namespace {

TraceEvent sample_event(std::uint64_t index) {
  TraceEvent event;
  event.index = index;
  event.time_us = 1'000 * static_cast<std::int64_t>(index);
  event.sequence = index + 3;
  event.node = index % 2 == 0 ? "broker 1" : "zookeeper";
  event.kind = "net.deliver";
  event.digest = 0x1234'5678'9abc'def0ULL + index;
  if (index % 3 == 0) event.details = ordered_json{{"from", "client"}, {"m", {"FetchRequest"}}};
  return event;
}

TraceHeader sample_header() {
  RunHeader run(42);
  run.set("kernel.max_events_per_run", std::uint64_t{10'000'000});
  run.set("network.latency_mean", SimDuration::from_us(1500));
  return make_trace_header(run, "0.1.0", "quickstart", "a");
}

// Writes a header, events 0..n-1 and the end, through the TraceWriter.
void write_sample(const std::string& path, std::uint64_t n) {
  TraceWriter writer(path, sample_header());
  for (std::uint64_t i = 0; i < n; ++i) writer.write_event(sample_event(i));
  writer.finish(TraceEnd{n, 1'000 * static_cast<std::int64_t>(n), 0xfeed});
}

const std::string kHeaderLine =
    R"({"ksim_trace":1,"ksim_version":"0.1.0","seed":42,)"
    R"("scenario":{"name":"quickstart","hash":"af63dc4c8601ec8c","text":"a"},)"
    R"("config":{"seed":42,"options":{"kernel.max_events_per_run":10000000,)"
    R"("network.latency_mean_us":1500}}})";

}  // namespace

TEST_CASE("trace lines have exact texts", "[trace]") {
  CHECK(event_line(sample_event(0)) ==
        R"({"i":0,"t":0,"s":3,"n":"broker 1","k":"net.deliver","h":"123456789abcdef0",)"
        R"("d":{"from":"client","m":["FetchRequest"]}})");
  CHECK(event_line(sample_event(1)) ==
        R"({"i":1,"t":1000,"s":4,"n":"zookeeper","k":"net.deliver","h":"123456789abcdef1"})");
  TraceEvent world;
  world.sequence = 1;
  world.kind = "event";
  CHECK(event_line(world) == R"({"i":0,"t":0,"s":1,"k":"event","h":"0000000000000000"})");
  CHECK(end_line(TraceEnd{12, 15'002'000, 0xab}) ==
        R"({"end":{"events":12,"t":15002000,"h":"00000000000000ab"}})");
  CHECK(header_line(sample_header()) == kHeaderLine);

  // Names are escaped exactly as nlohmann::json dumps them.
  std::string escaped;
  const std::string odd = "a\"b\\c\n\t\x01 \xc3\xa9";
  append_json_string(escaped, odd);
  CHECK(escaped == ordered_json(odd).dump());
}

TEST_CASE("digests are 16 hex digits and the scenario hash is FNV-1a 64", "[trace]") {
  CHECK(digest_hex(0) == "0000000000000000");
  CHECK(digest_hex(0xcbf29ce484222325) == "cbf29ce484222325");
  CHECK(parse_digest_hex("cbf29ce484222325") == 0xcbf29ce484222325);
  CHECK_FALSE(parse_digest_hex("cbf29ce48422232").has_value());   // 15 digits
  CHECK_FALSE(parse_digest_hex("CBF29CE484222325").has_value());  // lower case only
  CHECK_FALSE(parse_digest_hex("cbf29ce48422232g").has_value());
  // FNV-1a 64 test vectors: "" and "a".
  CHECK(make_trace_header(RunHeader(1), "v", "n", "").scenario_hash == "cbf29ce484222325");
  CHECK(make_trace_header(RunHeader(1), "v", "n", "a").scenario_hash == "af63dc4c8601ec8c");
}

TEST_CASE("the header round-trips through its line", "[trace]") {
  const TraceHeader header = sample_header();
  CHECK(header.seed == 42);
  const TraceHeader back = parse_header_line(header_line(header), "x:1");
  CHECK(back == header);
  CHECK(back.config.dump() ==
        R"({"seed":42,"options":{"kernel.max_events_per_run":10000000,"network.latency_mean_us":1500}})");

  ScratchDir dir("header");
  write_sample(dir.file("t.trace"), 0);
  const Trace trace = read_trace(dir.file("t.trace"));
  CHECK(trace.header == header);
  CHECK(trace.events.empty());
  REQUIRE(trace.end.has_value());
  CHECK(*trace.end == TraceEnd{0, 0, 0xfeed});
}

TEST_CASE("a plain trace file is exactly its lines and gzip holds the same", "[trace]") {
  ScratchDir dir("gzip");
  const std::string plain = dir.file("run.trace");
  const std::string gz = dir.file("run.trace.gz");
  write_sample(plain, 40);
  write_sample(gz, 40);

  std::string expected = kHeaderLine + "\n";
  for (std::uint64_t i = 0; i < 40; ++i) expected += event_line(sample_event(i)) + "\n";
  expected += R"({"end":{"events":40,"t":40000,"h":"000000000000feed"}})" "\n";
  CHECK(read_bytes(plain) == expected);

  const std::string compressed = read_bytes(gz);
  REQUIRE(compressed.size() > 2);
  CHECK(static_cast<unsigned char>(compressed[0]) == 0x1f);  // the gzip magic
  CHECK(static_cast<unsigned char>(compressed[1]) == 0x8b);
  CHECK(compressed.size() < expected.size() / 3);

  const Trace a = read_trace(plain);
  const Trace b = read_trace(gz);
  REQUIRE(a.events.size() == 40);
  CHECK(a.header == b.header);
  CHECK(a.events == b.events);
  CHECK(a.end == b.end);
  for (std::uint64_t i = 0; i < 40; ++i) CHECK(a.events[i] == sample_event(i));

  // The lines inside the gzip stream are byte for byte the plain file's.
  LineReader lines(gz);
  std::string line;
  std::string all;
  while (lines.next(line)) all += line + "\n";
  CHECK(all == expected);
}

TEST_CASE("malformed traces name the file and the line", "[trace]") {
  ScratchDir dir("malformed");
  const std::string path = dir.file("bad.trace");
  const std::string e0 = event_line(sample_event(0));
  const std::string e1 = event_line(sample_event(1));
  auto error_of = [&](const std::string& bytes) -> std::string {
    write_bytes(path, bytes);
    try {
      read_trace(path);
    } catch (const TraceError& e) {
      return e.what();
    }
    return "no error";
  };

  CHECK(error_of("") == path + ": empty file, not a ksim trace (no header line)");
  CHECK_THAT(error_of(kHeaderLine + "\n" + e0 + "\n{\"i\":1,\"t\":\n"),
             Catch::StartsWith(path + ":3: bad JSON: "));
  CHECK(error_of(kHeaderLine + "\n" + e0 + "\n" + e1) ==
        path + ":3: the last line is cut short (no newline at the end: the trace was not "
               "finished)");
  std::string v2 = kHeaderLine;
  v2.replace(v2.find("\"ksim_trace\":1"), 14, "\"ksim_trace\":2");
  CHECK(error_of(v2 + "\n") == path + ":1: trace format version 2; this ksim reads version 1");
  CHECK(error_of("{\"seed\":1}\n") ==
        path + ":1: not a ksim trace (the first line has no \"ksim_trace\" format version)");
  CHECK(error_of("[1,2]\n") == path + ":1: not a JSON object");
  CHECK(error_of(kHeaderLine + "\n\n") == path + ":2: empty line");
  CHECK(error_of(kHeaderLine + "\n{\"i\":0,\"t\":0,\"s\":1,\"k\":\"x\"}\n") ==
        path + ":2: no \"h\"");
  CHECK(error_of(kHeaderLine + "\n{\"i\":0,\"t\":\"x\",\"s\":1,\"k\":\"x\",\"h\":\"" +
                 digest_hex(1) + "\"}\n") == path + ":2: \"t\" is \"x\", not an integer");
  CHECK(error_of(kHeaderLine + "\n{\"i\":0,\"t\":0,\"s\":1,\"k\":\"x\",\"h\":\"12\"}\n") ==
        path + ":2: \"h\" is \"12\", not 16 hex digits");
  CHECK(error_of(kHeaderLine + "\n{\"i\":0,\"t\":0,\"s\":1,\"k\":\"x\",\"h\":\"" +
                 digest_hex(1) + "\",\"zz\":1}\n") ==
        path + ":2: unknown key \"zz\" in an event");
  CHECK(error_of(kHeaderLine + "\n" + e1 + "\n" + e0 + "\n") ==
        path + ":3: event #0 after event #1 (indices must increase)");
  CHECK(error_of(kHeaderLine + "\n" + e0 + "\n" + end_line({1, 0, 0}) + "\n" + e1 + "\n") ==
        path + ":4: a line after the end line");
  CHECK(error_of(kHeaderLine + "\n" + e1 + "\n" + end_line({1, 0, 0}) + "\n") ==
        path + ":3: the end line counts 1 events, but event #1 was written");

  // A trace without its end line is a recording that did not finish: readable, no end.
  write_bytes(path, kHeaderLine + "\n" + e0 + "\n" + e1 + "\n");
  const Trace unfinished = read_trace(path);
  CHECK(unfinished.events.size() == 2);
  CHECK_FALSE(unfinished.end.has_value());

  CHECK_THROWS_WITH(read_trace(dir.file("missing.trace")),
                    dir.file("missing.trace") + ": cannot open: No such file or directory");
}

TEST_CASE("a gzip trace cut short is an error naming the file", "[trace]") {
  ScratchDir dir("gzip_cut");
  const std::string gz = dir.file("run.trace.gz");
  write_sample(gz, 2000);
  std::string bytes = read_bytes(gz);
  bytes.resize(bytes.size() / 2);
  const std::string cut = dir.file("cut.trace.gz");
  write_bytes(cut, bytes);
  CHECK_THROWS_WITH(read_trace(cut), Catch::StartsWith(cut + ":") && Catch::Contains("cut short"));
}

}  // namespace ksim::sim::trace::test
