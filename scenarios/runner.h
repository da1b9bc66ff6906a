// ScenarioRunner: runs a parsed Script (script.h) against a simulated KafkaCluster.
//
// The script is an actor of the simulation: each step runs in an event of its own (kind
// "script.step"), so a run is one deterministic sequence of events that a trace records, the
// GUI plays, pauses and rewinds, and `ksim run` plays to the end. A step that takes simulated
// time (`wait`, `wait until`, a console producer waiting for its acknowledgements, a consumer
// reading until --max-messages) blocks the script, not the world: the runner watches every
// event and schedules the next step when the step is done.
//
//   ScenarioRunner runner(script, {}, &std::cout);  // echo the transcript as it grows
//   runner.run();                                   // start, run to the end, finish
//   runner.passed();                                // every expectation held
//
// The GUI instead calls start() and drives cluster().sim() itself (step, run_until); finish()
// ends the background jobs and adds the audit's summary.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "scenarios/conditions.h"
#include "scenarios/script.h"
#include "scenarios/transcript.h"
#include "sim/cluster/kafka_cluster.h"

namespace ksim::scenarios {

struct RunOptions {
  std::optional<std::uint64_t> seed;     // overrides the script's
  std::optional<std::string> data_dir;   // brokers' disks as real directories
  bool check_invariants = true;          // the replication invariants after every event
  bool show_internal_topics = false;     // the transcript shows __consumer_offsets' events too
};

struct ExpectationResult {
  SourceLocation location;
  std::string condition;  // as written
  bool passed = false;
  std::string observed;
  bool from_wait = false;  // a `wait until` that ran out of time
};

class ScenarioRunner {
 public:
  // Builds the cluster from the script's setup. Throws ScriptError for a setting the cluster
  // refuses (the parser has checked names and values).
  ScenarioRunner(Script script, RunOptions options = {}, std::ostream* echo = nullptr);
  ~ScenarioRunner();
  ScenarioRunner(const ScenarioRunner&) = delete;
  ScenarioRunner& operator=(const ScenarioRunner&) = delete;

  const Script& script() const { return script_; }
  sim::cluster::KafkaCluster& cluster() { return *cluster_; }
  Transcript& transcript() { return transcript_; }
  std::uint64_t seed() const { return seed_; }

  // Starts the cluster; the first step runs once every broker is registered with the
  // controller.
  void start();
  // start() if needed, then runs until the script's last step is done (or `until`), then
  // finish(). Throws what the world throws (an invariant violation, a livelock).
  void run(std::optional<sim::SimTime> until = std::nullopt);
  bool script_done() const { return script_done_; }
  // Stops the background jobs, reports the expectations and the audit's summary. Once.
  void finish();

  // A command typed at the GUI's console, run now beside the script: its transcript lines and
  // effects are a script step's, but it neither advances nor blocks the script. Only commands
  // that take no simulated time (console_step_allowed); throws std::invalid_argument otherwise.
  // Call between events, or from an event of the caller's.
  void run_console_step(const Step& step);
  static bool console_step_allowed(const Step& step);
  std::size_t next_step_index() const { return next_step_; }

  // The step running or about to run (its line), for the GUI's lesson panel.
  std::int32_t current_line() const { return current_line_; }
  const std::vector<ExpectationResult>& expectations() const { return expectations_; }
  bool passed() const;

 private:
  struct Job;
  struct Blocked;

  void schedule_step(sim::SimTime at);
  void run_next_step();
  void run_step(const Step& step);
  void after_event();
  void flush_cluster_events();
  void block(std::function<bool()> done, std::function<void()> then,
             std::optional<sim::SimTime> deadline = std::nullopt,
             std::function<void()> on_deadline = nullptr);
  void unblock_now();
  void expect(const Step& step, const Condition& condition, bool from_wait);
  void note(std::string text);
  void output(std::string text);

  // Tools (runner_tools.cpp).
  void run_tool(const Step& step, const ToolCommand& command);
  void run_topics(const TopicsTool& tool);
  void run_console_producer(const ToolCommand& command, const ConsoleProducerTool& tool);
  void run_console_consumer(const ToolCommand& command, const ConsoleConsumerTool& tool);
  void run_consumer_groups(const ConsumerGroupsTool& tool);
  void run_reassign(const ReassignPartitionsTool& tool);
  void run_leader_election(const LeaderElectionTool& tool);
  void run_zookeeper_shell(const ZookeeperShellTool& tool);
  // Background jobs and the perf test (runner_jobs.cpp).
  void run_producer_perf_test(const ToolCommand& command, const ProducerPerfTestTool& tool);
  void perf_test_tick(const std::string& job);
  void perf_test_watch_end(const std::string& job);
  void perf_test_report(Job& job, bool final);
  void flush_job_output();
  void stop_job(const std::string& name, bool crash);
  Job& add_job(std::string name, int kind, const ToolCommand& command);
  // Faults (runner_faults.cpp).
  void run_lifecycle(const LifecycleFault& fault);
  void run_isolate(const Isolate& isolate);
  void run_split(const Split& split);
  void run_slow_link(const SlowLink& slow);
  void run_disk_fault(const DiskFault& fault);
  std::optional<std::int32_t> resolve_broker(const BrokerTarget& target);
  std::vector<sim::NodeId> resolve_nodes(const NodeTarget& target);

  Script script_;
  RunOptions options_;
  std::uint64_t seed_ = 1;
  Transcript transcript_;
  std::unique_ptr<sim::cluster::KafkaCluster> cluster_;
  sim::EventKind step_kind_;
  sim::EventKind job_kind_;

  bool console_step_ = false;  // run_console_step is running a step
  bool started_ = false;
  bool script_done_ = false;
  bool finished_ = false;
  std::size_t next_step_ = 0;
  std::int32_t current_line_ = 0;
  std::size_t events_shown_ = 0;
  std::size_t violations_shown_ = 0;
  std::unique_ptr<Blocked> blocked_;
  LastCommand last_;
  std::vector<ExpectationResult> expectations_;
  std::map<std::string, std::string> files_;  // written with echo '...' > FILE
  std::map<std::string, std::unique_ptr<Job>> jobs_;
  std::int32_t console_producers_ = 0;
  std::int32_t console_consumers_ = 0;
  std::int64_t perf_records_sent_ = 0;  // by every perf test: numbers their values
};

}  // namespace ksim::scenarios
