// GuiSession: one classroom run of a scenario as the GUI drives it, without any drawing. It owns
// the ScenarioRunner for (script, seed) and moves its simulation: play / pause, one event at a
// time, a speed in simulated seconds per wall second, and seek to any time. Rewinding is exact:
// the runner is rebuilt from the same script and seed and run to the time again, and the
// commands the class typed (or clicked) are re-applied at the very point of the run where they
// first ran (the same simulated time, after the same number of events). The session saves as a
// .ksim script: the original plus an `at T: COMMAND` line per command.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/parser.h"
#include "scenarios/runner.h"
#include "scenarios/script.h"
#include "sim/kernel/sim_time.h"

namespace ksim::gui {

// A command the class ran at the console (or through a click, as its command text).
struct UserAction {
  sim::SimTime time;          // the simulated time it ran at
  std::uint64_t events = 0;   // the events processed before it ran
  bool script_done = false;   // the script had run its last step
  std::string text;           // as typed (a producer's '>' lines on lines of their own)
  std::vector<scenarios::Step> steps;
};

struct CommandOutcome {
  bool ok = false;
  bool waiting = false;  // the parser holds the line (a '\' continuation, a producer's input)
  std::string message;   // the error when !ok
};

class GuiSession {
 public:
  static constexpr double min_speed = 0.01;
  static constexpr double max_speed = 10000.0;
  static constexpr std::uint64_t default_event_budget = 50000;

  // Throws what ScenarioRunner throws for a script the cluster refuses.
  explicit GuiSession(scenarios::Script script, std::optional<std::uint64_t> seed = std::nullopt);
  ~GuiSession();

  const scenarios::Script& script() const { return script_; }
  std::uint64_t seed() const { return seed_; }
  scenarios::ScenarioRunner& runner() { return *runner_; }
  const scenarios::ScenarioRunner& runner() const { return *runner_; }
  sim::SimTime now() const;
  std::uint64_t events() const;
  std::uint64_t digest() const;
  // The furthest time any run of this session has reached: the scrubber's end.
  sim::SimTime horizon() const { return horizon_; }
  // Counts the runs built so far: views of the run's state re-read it when it changes.
  std::uint64_t run_generation() const { return run_generation_; }
  // Set when the run stopped on a broken invariant (a seek back clears it).
  const std::optional<std::string>& stopped() const { return stopped_; }

  // ---- playback -------------------------------------------------------------------------
  bool playing() const { return playing_; }
  void play() { playing_ = true; }
  void pause() { playing_ = false; }
  double speed() const { return speed_; }
  void set_speed(double speed);  // clamped to [min_speed, max_speed]

  struct FrameAdvance {
    std::uint64_t events = 0;
    bool budget_exhausted = false;  // the simulation fell behind the wall clock
  };
  // While playing: advances the simulation by wall_seconds x speed, running at most
  // `event_budget` events (then the simulated clock stops at the last event run).
  FrameAdvance advance(double wall_seconds, std::uint64_t event_budget = default_event_budget);
  // Runs one event (re-applying a recorded command due before it). False when none is pending.
  bool step_event();
  // To simulated time `time`: forward runs on, backward rebuilds the run and replays it.
  void seek(sim::SimTime time);
  // Rebuilds the run from the start (the recorded commands stay, to be re-applied).
  void restart();

  // ---- the console ----------------------------------------------------------------------
  // Parses one console line as a scenario command and runs it now, recording it. Typing a
  // command after a seek back forgets the recorded commands that came later (a new branch).
  CommandOutcome run_command(std::string_view line);
  // Ends a producer's '>' input (or a '\' continuation) and runs what it completes.
  CommandOutcome finish_command();
  bool command_pending() const;
  const std::vector<UserAction>& actions() const { return actions_; }
  // Recorded commands not yet re-applied in this run (after a seek back).
  std::size_t actions_ahead() const { return actions_.size() - next_action_; }

  // The session as a scenario script; save_script writes it (std::runtime_error naming the
  // path when it cannot).
  std::string saved_script() const;
  void save_script(const std::string& path) const;

 private:
  void rebuild();
  void rebuild_parser();
  void apply_due_actions(std::optional<sim::SimTime> limit);
  bool guarded_step();
  void note_horizon();
  CommandOutcome run_steps(std::vector<scenarios::Step> steps);

  scenarios::Script script_;
  std::uint64_t seed_;
  std::unique_ptr<scenarios::ScenarioRunner> runner_;
  std::unique_ptr<scenarios::ScriptParser> parser_;
  std::vector<std::string> pending_lines_;  // the lines of a command the parser still holds
  std::vector<UserAction> actions_;
  std::size_t next_action_ = 0;  // the first recorded action this run has not applied
  bool playing_ = false;
  double speed_ = 1.0;
  sim::SimTime horizon_;
  std::uint64_t run_generation_ = 0;
  std::optional<std::string> stopped_;
};

// "20s", "1500ms", "2500us": the shortest exact duration text of the scenario language.
std::string script_duration(sim::SimDuration duration);

}  // namespace ksim::gui
