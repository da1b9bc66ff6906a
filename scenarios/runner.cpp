// The runner's machinery: building the cluster, the script's steps as events, blocking steps,
// expectations, and the end of a run. Tools live in runner_tools.cpp, background jobs and the
// perf test in runner_jobs.cpp, faults in runner_faults.cpp.
#include "scenarios/runner.h"

#include <fmt/format.h>

#include <stdexcept>
#include <utility>

#include "scenarios/broker_settings.h"
#include "scenarios/runner_internal.h"
#include "sim/audit/record_ledger.h"

namespace ksim::scenarios {

using sim::SimDuration;
using sim::SimTime;
using sim::cluster::KafkaCluster;

namespace {

sim::cluster::ClusterOptions cluster_options(const Script& script, const RunOptions& options,
                                             std::uint64_t seed) {
  sim::cluster::ClusterOptions cluster;
  cluster.world.simulation.seed = seed;
  cluster.world.data_dir = options.data_dir;
  cluster.brokers = script.setup.brokers;
  cluster.check_invariants = options.check_invariants;
  cluster.clients = {};
  cluster.set_protocol_version(script.setup.protocol);
  // The old protocols break the invariants on purpose (that is their lesson): the transcript
  // shows each violation and the run goes on. Under the current one a violation ends the run.
  if (script.setup.protocol != replication::ProtocolVersion::v3_7) {
    cluster.invariant_violations = sim::cluster::ViolationMode::record;
  }
  std::vector<ConfigSetting> per_broker;
  for (const ConfigSetting& setting : script.setup.broker_configs) {
    if (setting.broker) {
      per_broker.push_back(setting);
      continue;
    }
    try {
      apply_broker_config(cluster.broker, setting.name, setting.value);
    } catch (const std::invalid_argument& e) {
      throw ScriptError(setting.location, e.what());
    }
  }
  if (!per_broker.empty()) {
    cluster.configure_broker = [per_broker](sim::cluster::BrokerConfig& config) {
      for (const ConfigSetting& setting : per_broker) {
        if (*setting.broker == config.broker_id) {
          apply_broker_config(config, setting.name, setting.value);
        }
      }
    };
  }
  return cluster;
}

}  // namespace

ScenarioRunner::ScenarioRunner(Script script, RunOptions options, std::ostream* echo)
    : script_(std::move(script)),
      options_(std::move(options)),
      seed_(options_.seed.value_or(script_.setup.seed)),
      transcript_(echo) {
  cluster_ = std::make_unique<KafkaCluster>(cluster_options(script_, options_, seed_));
  step_kind_ = cluster_->sim().event_kind("script.step");
  job_kind_ = cluster_->sim().event_kind("script.job");
}

ScenarioRunner::~ScenarioRunner() {
  // The cluster's processes may call back into the jobs' histories as they go.
  cluster_.reset();
}

bool ScenarioRunner::passed() const {
  for (const ExpectationResult& result : expectations_) {
    if (!result.passed) return false;
  }
  return true;
}

void ScenarioRunner::note(std::string text) {
  transcript_.add(cluster_->now(), TranscriptKind::note, std::move(text), current_line_);
}

void ScenarioRunner::output(std::string text) {
  if (text.empty()) return;
  transcript_.add(cluster_->now(), TranscriptKind::output, std::move(text), current_line_);
}

void ScenarioRunner::start() {
  if (started_) return;
  started_ = true;
  sim::Simulation& sim = cluster_->sim();
  if (!script_.setup.description.empty()) {
    transcript_.add(sim.now(), TranscriptKind::narration,
                    fmt::format("{}: {}", script_.name, script_.setup.description));
  }
  note(fmt::format("{} brokers, protocol {}, seed {}", script_.setup.brokers,
                   replication::protocol_version_name(script_.setup.protocol), seed_));
  cluster_->start();
  // After whoever already listens (a trace recorder attached before the start).
  std::function<void(const sim::EventRecord&)> previous = sim.event_observer();
  sim.set_event_observer([this, previous](const sim::EventRecord& record) {
    if (previous) previous(record);
    after_event();
  });
  // The first step runs once every broker is registered and known to the controller.
  const std::vector<std::int32_t> ids = cluster_->broker_ids();
  block(
      [this, ids] {
        for (std::int32_t id : ids) {
          const sim::cluster::KafkaBroker* broker = cluster_->broker(id);
          if (broker == nullptr || !broker->registered()) return false;
          if (broker->metadata_cache().live_broker_ids().size() != ids.size()) return false;
        }
        return true;
      },
      [this] { run_next_step(); }, sim.now() + SimDuration::from_s(60),
      [this] {
        expectations_.push_back({SourceLocation{script_.name, 0, 0}, "the cluster starts",
                                 false, "not every broker registered within 60s", true});
        run_next_step();
      });
}

void ScenarioRunner::run(std::optional<SimTime> until) {
  start();
  sim::Simulation& sim = cluster_->sim();
  while (!script_done_) {
    if (until && sim.now() >= *until) break;
    const std::optional<SimTime> next = sim.next_event_time();
    if (!next) break;
    if (until && *next > *until) {
      sim.run_until(*until);
      break;
    }
    sim.step();
  }
  finish();
}

void ScenarioRunner::schedule_step(SimTime at) {
  if (console_step_) return;  // a console command does not advance the script
  cluster_->sim().schedule_at(at, step_kind_, [this] { run_next_step(); });
}

void ScenarioRunner::run_next_step() {
  flush_cluster_events();
  if (next_step_ >= script_.steps.size()) {
    script_done_ = true;
    return;
  }
  const Step& step = script_.steps[next_step_++];
  current_line_ = step.location.line;
  run_step(step);
}

void ScenarioRunner::run_step(const Step& step) {
  sim::Simulation& sim = cluster_->sim();
  const SimTime now = sim.now();
  std::visit(
      overloaded{
          [&](const Say& say) {
            transcript_.add(now, TranscriptKind::narration, say.text, current_line_);
            schedule_step(now);
          },
          [&](const Wait& wait) { schedule_step(now + wait.duration); },
          [&](const At& at) {
            const SimTime target = SimTime::zero() + at.time;
            if (target < now) {
              expectations_.push_back({step.location, step.source, false,
                                       fmt::format("the clock was already at {}", now.to_string()),
                                       true});
              transcript_.add(now, TranscriptKind::expectation_failed,
                              fmt::format("{} (the clock was already at {})", step.source,
                                          now.to_string()),
                              current_line_);
            }
            schedule_step(std::max(now, target));
          },
          [&](const WaitUntil& wait) {
            if (observe(wait.condition, *cluster_, last_).holds) {
              schedule_step(now);
              return;
            }
            const Condition condition = wait.condition;
            const Step* at_step = &step;
            block([this, condition] { return observe(condition, *cluster_, last_).holds; },
                  [this, now, condition] {
                    note(fmt::format("{} after {}", condition.source,
                                     (cluster_->now() - now).to_string()));
                    run_next_step();
                  },
                  now + wait.within, [this, at_step, condition] {
                    expect(*at_step, condition, true);
                    run_next_step();
                  });
          },
          [&](const Expect& expectation) {
            expect(step, expectation.condition, false);
            schedule_step(now);
          },
          [&](const ToolCommand& command) { run_tool(step, command); },
          [&](const LifecycleFault& fault) {
            transcript_.add(now, TranscriptKind::command, step.source, current_line_);
            run_lifecycle(fault);
            schedule_step(now);
          },
          [&](const KillClient& kill) {
            transcript_.add(now, TranscriptKind::command, step.source, current_line_);
            stop_job(kill.job, true);
            schedule_step(now);
          },
          [&](const StopClient& stop) {
            transcript_.add(now, TranscriptKind::command, step.source, current_line_);
            stop_job(stop.job, false);
            schedule_step(now);
          },
          [&](const Isolate& isolate) {
            transcript_.add(now, TranscriptKind::command, step.source, current_line_);
            run_isolate(isolate);
            schedule_step(now);
          },
          [&](const Split& split) {
            transcript_.add(now, TranscriptKind::command, step.source, current_line_);
            run_split(split);
            schedule_step(now);
          },
          [&](const SlowLink& slow) {
            transcript_.add(now, TranscriptKind::command, step.source, current_line_);
            run_slow_link(slow);
            schedule_step(now);
          },
          [&](const HealNetwork&) {
            transcript_.add(now, TranscriptKind::command, step.source, current_line_);
            cluster_->world().network().heal();
            schedule_step(now);
          },
          [&](const DiskFault& fault) {
            transcript_.add(now, TranscriptKind::command, step.source, current_line_);
            run_disk_fault(fault);
            schedule_step(now);
          },
      },
      step.command);
}

void ScenarioRunner::expect(const Step& step, const Condition& condition, bool from_wait) {
  const Observation observation = observe(condition, *cluster_, last_);
  const bool passed = observation.holds && !from_wait;
  expectations_.push_back({step.location, condition.source, passed, observation.observed,
                           from_wait});
  if (passed) {
    transcript_.add(cluster_->now(), TranscriptKind::expectation_passed, condition.source,
                    current_line_);
  } else {
    transcript_.add(cluster_->now(), TranscriptKind::expectation_failed,
                    fmt::format("{}{} (observed {}) at {}", condition.source,
                                from_wait ? fmt::format(": not within the wait's limit") : "",
                                observation.observed, step.location.to_string()),
                    current_line_);
  }
}

// ---- blocking steps ---------------------------------------------------------------------------

struct ScenarioRunner::Blocked {
  std::function<bool()> done;
  std::function<void()> then;
  std::function<void()> on_deadline;
  sim::EventHandle deadline_event;
};

void ScenarioRunner::block(std::function<bool()> done, std::function<void()> then,
                           std::optional<SimTime> deadline, std::function<void()> on_deadline) {
  if (console_step_) throw std::logic_error("a console command cannot block the script");
  blocked_ = std::make_unique<Blocked>();
  blocked_->done = std::move(done);
  blocked_->then = std::move(then);
  blocked_->on_deadline = std::move(on_deadline);
  if (deadline) {
    blocked_->deadline_event = cluster_->sim().schedule_at(*deadline, step_kind_, [this] {
      if (!blocked_) return;
      std::function<void()> expired = std::move(blocked_->on_deadline);
      blocked_.reset();
      if (expired) expired();
    });
  }
}

void ScenarioRunner::unblock_now() {
  std::function<void()> then = std::move(blocked_->then);
  if (!blocked_->deadline_event.is_null()) cluster_->sim().cancel(blocked_->deadline_event);
  blocked_.reset();
  // The continuation runs in an event of its own, the script's next event.
  auto shared = std::make_shared<std::function<void()>>(std::move(then));
  cluster_->sim().schedule_after(SimDuration::zero(), step_kind_, [shared] { (*shared)(); });
}

void ScenarioRunner::after_event() {
  flush_cluster_events();
  flush_job_output();
  if (blocked_ && blocked_->done && blocked_->done()) unblock_now();
}

void ScenarioRunner::flush_cluster_events() {
  const std::vector<sim::cluster::BrokerEvent>& events = cluster_->events();
  for (; events_shown_ < events.size(); ++events_shown_) {
    const sim::cluster::BrokerEvent& event = events[events_shown_];
    // __consumer_offsets' 50 partitions would drown the lesson; the GUI shows them.
    if (!options_.show_internal_topics &&
        event.what.find("__consumer_offsets") != std::string::npos) {
      continue;
    }
    transcript_.add(event.time, TranscriptKind::cluster_event,
                    fmt::format("broker {}: {}", event.broker_id, event.what), current_line_);
  }
  if (const sim::cluster::ReplicationInvariants* invariants = cluster_->invariants()) {
    const auto& violations = invariants->violations();
    for (; violations_shown_ < violations.size(); ++violations_shown_) {
      const sim::cluster::InvariantViolationRecord& violation = violations[violations_shown_];
      transcript_.add(violation.time, TranscriptKind::violation,
                      fmt::format("invariant broken ({}): {}", violation.invariant, violation.what),
                      current_line_);
    }
  }
}

// ---- the end ----------------------------------------------------------------------------------

void ScenarioRunner::finish() {
  if (finished_) return;
  finished_ = true;
  blocked_.reset();
  for (auto& [name, job] : jobs_) {
    if (!job->done) stop_job(name, false);
  }
  flush_cluster_events();
  flush_job_output();
  const SimTime now = cluster_->now();
  std::string summary = fmt::format("\n== {} ended at t={} ({} events) ==\n", script_.name,
                                    now.to_string(), cluster_->sim().processed_events());
  if (!script_done_) {
    summary += fmt::format("stopped before the script's end (at line {})\n", current_line_);
  }
  std::size_t failed = 0;
  for (const ExpectationResult& result : expectations_) {
    if (!result.passed) ++failed;
  }
  if (expectations_.empty()) {
    summary += "no expectations\n";
  } else if (failed == 0) {
    summary += fmt::format("all {} expectations held\n", expectations_.size());
  } else {
    summary += fmt::format("{} of {} expectations FAILED:\n", failed, expectations_.size());
    for (const ExpectationResult& result : expectations_) {
      if (result.passed) continue;
      summary += fmt::format("  {}: expectation failed: {} (observed {})\n",
                             result.location.to_string(), result.condition, result.observed);
    }
  }
  if (const sim::audit::RecordLedger* ledger = cluster_->audit()) {
    if (!ledger->summary().empty()) {
      summary += "\nThe audit, per acks setting:\n" + ledger->summary_text();
      std::uint64_t lost = 0;
      for (const sim::audit::AcksSummary& acks : ledger->summary()) lost += acks.lost;
      if (lost > 0) summary += "\nLost records and why:\n" + ledger->lost_report();
    }
  }
  transcript_.add(now, TranscriptKind::summary, summary);
}

}  // namespace ksim::scenarios

// ---- the GUI's console --------------------------------------------------------------------------

namespace ksim::scenarios {

bool ScenarioRunner::console_step_allowed(const Step& step) {
  if (std::holds_alternative<Wait>(step.command) || std::holds_alternative<WaitUntil>(step.command) ||
      std::holds_alternative<At>(step.command)) {
    return false;
  }
  if (const ToolCommand* tool = std::get_if<ToolCommand>(&step.command)) {
    if (std::holds_alternative<LeaderElectionTool>(tool->tool)) return false;
    const bool job = std::holds_alternative<ConsoleProducerTool>(tool->tool) ||
                     std::holds_alternative<ConsoleConsumerTool>(tool->tool) ||
                     std::holds_alternative<ProducerPerfTestTool>(tool->tool);
    if (job && !tool->background) return false;
  }
  return true;
}

void ScenarioRunner::run_console_step(const Step& step) {
  if (!console_step_allowed(step)) {
    throw std::invalid_argument(fmt::format(
        "'{}' takes simulated time: the console runs commands that return at once (run clients "
        "in the background with '&')",
        step.source));
  }
  start();
  // The script's own line and its last command's output stay as they were.
  const std::int32_t script_line = current_line_;
  const LastCommand script_last = last_;
  current_line_ = 0;
  console_step_ = true;
  try {
    run_step(step);
  } catch (...) {
    console_step_ = false;
    current_line_ = script_line;
    last_ = script_last;
    throw;
  }
  console_step_ = false;
  current_line_ = script_line;
  last_ = script_last;
  flush_cluster_events();
}

}  // namespace ksim::scenarios
