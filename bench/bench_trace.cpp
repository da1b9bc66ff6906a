// Trace benchmark (issue 6): how big a trace of one simulated hour of the classroom cluster is,
// and how fast traces are verified, against the untraced run measured in the same process.
//
//   run        the scenario below, untraced (the baseline)
//   record     the same run writing its trace, plain and gzip (bytes per simulated hour)
//   replay     `ksim replay`: re-runs the recorded scenario and compares every event live
//   verify     `ksim diff` of two identical traces: the comparison alone, streamed from files
//
// The scenario: 3 brokers, a topic of 3 partitions with RF 3, a 10 records/s acks=all producer
// for an hour (the quickstart cluster at a classroom pace).
//
//   bench_trace [--quick]   (--quick: one simulated minute)
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>

#include "scenarios/parser.h"
#include "scenarios/runner.h"
#include "sim/trace/trace_compare.h"
#include "sim/trace/trace_format.h"
#include "sim/trace/trace_recorder.h"
#include "sim/trace/trace_writer.h"

using namespace ksim;
using Clock = std::chrono::steady_clock;

namespace {

std::string scenario_text(int seconds) {
  return "brokers 3\n"
         "kafka-topics.sh --create --bootstrap-server localhost:9092 --topic t --partitions 3 "
         "--replication-factor 3\n"
         "wait until isr t-2 == [0,1,2] within 10s\n"
         "kafka-producer-perf-test.sh --topic t --num-records " +
         std::to_string(seconds * 10) +
         " --throughput 10 --record-size 100 --producer-props acks=all &\n"
         "wait " + std::to_string(seconds) + "s\n";
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void run_to_end(scenarios::ScenarioRunner& runner) {
  runner.start();
  sim::Simulation& sim = runner.cluster().sim();
  while (!runner.script_done() && sim.next_event_time()) sim.step();
  runner.finish();
}

sim::trace::TraceHeader header_of(scenarios::ScenarioRunner& runner) {
  return sim::trace::make_trace_header(runner.cluster().sim().header(), "bench",
                                       runner.script().name, runner.script().text);
}

struct Run {
  double wall = 0;
  std::uint64_t events = 0;
  double per_second() const { return static_cast<double>(events) / wall; }
};

double as_double(std::uint64_t n) { return static_cast<double>(n); }

Run run(const std::string& text, const std::string& trace_path) {
  scenarios::ScenarioRunner runner(scenarios::parse_script(text, "classroom-hour.ksim"), {},
                                   nullptr);
  std::unique_ptr<sim::trace::TraceRecorder> recorder;
  if (!trace_path.empty()) {
    recorder = std::make_unique<sim::trace::TraceRecorder>(runner.cluster());
    recorder->add_sink(std::make_unique<sim::trace::TraceWriter>(trace_path, header_of(runner)));
  }
  const Clock::time_point start = Clock::now();
  run_to_end(runner);
  if (recorder) recorder->finish();
  return {seconds_since(start), runner.cluster().sim().processed_events()};
}

Run replay(const std::string& trace_path) {
  auto checker = std::make_unique<sim::trace::ReplayChecker>(trace_path);
  sim::trace::ReplayChecker& check = *checker;
  const Clock::time_point start = Clock::now();
  scenarios::ScenarioRunner runner(
      scenarios::parse_script(check.header().scenario_text, "classroom-hour.ksim"), {}, nullptr);
  sim::trace::TraceRecorder recorder(runner.cluster());
  check.set_actual_header(header_of(runner));
  recorder.add_sink(std::move(checker));
  run_to_end(runner);
  recorder.finish();
  const double wall = seconds_since(start);
  if (check.diverged()) std::printf("  REPLAY DIVERGED: %s\n", check.divergence()->report.c_str());
  return {wall, runner.cluster().sim().processed_events()};
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::string_view(argv[1]) == "--quick";
  const int seconds = quick ? 60 : 3600;
  const std::string text = scenario_text(seconds);
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("ksim-bench-trace-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string plain = (dir / "run.trace").string();
  const std::string plain_copy = (dir / "copy.trace").string();
  const std::string gzipped = (dir / "run.trace.gz").string();

  std::printf("bench_trace: %d simulated seconds of a 3-broker cluster, 3 partitions RF 3, "
              "10 records/s acks=all\n", seconds);
  const Run baseline = run(text, "");
  std::printf("  run (untraced, baseline)   %8.3f s wall  %9llu events  %10.0f events/s\n",
              baseline.wall, static_cast<unsigned long long>(baseline.events),
              baseline.per_second());
  const Run traced = run(text, plain);
  const Run traced_gz = run(text, gzipped);
  run(text, plain_copy);
  const double hours = seconds / 3600.0;
  const auto plain_bytes = std::filesystem::file_size(plain);
  const auto gz_bytes = std::filesystem::file_size(gzipped);
  std::printf("  record (plain)             %8.3f s wall  %.2fx the untraced run  %7.1f MB per "
              "simulated hour\n",
              traced.wall, traced.wall / baseline.wall, as_double(plain_bytes) / 1e6 / hours);
  std::printf("  record (gzip)              %8.3f s wall  %.2fx the untraced run  %7.1f MB per "
              "simulated hour\n",
              traced_gz.wall, traced_gz.wall / baseline.wall, as_double(gz_bytes) / 1e6 / hours);

  const Run replayed = replay(gzipped);
  std::printf("  replay (re-run + compare)  %8.3f s wall  %9llu events  %10.0f events/s  %.2fx "
              "the untraced run\n",
              replayed.wall, static_cast<unsigned long long>(replayed.events),
              replayed.per_second(), replayed.wall / baseline.wall);

  const Clock::time_point start = Clock::now();
  const auto divergence = sim::trace::compare_trace_files(plain, plain_copy);
  const double verify_wall = seconds_since(start);
  std::printf("  verify (compare 2 files)   %8.3f s wall  %9llu events  %10.0f events/s  %s\n",
              verify_wall, static_cast<unsigned long long>(traced.events),
              as_double(traced.events) / verify_wall, divergence ? "DIVERGED" : "identical");
  std::printf("  targets: verify >= 1,000,000 events/s: %s; replay is bounded by the simulation "
              "itself (%.0f%% of the untraced run's speed)\n",
              as_double(traced.events) / verify_wall >= 1e6 ? "met" : "NOT met",
              100.0 * baseline.wall / replayed.wall);
  std::filesystem::remove_all(dir);
  return divergence || (replayed.events != baseline.events) ? 1 : 0;
}
