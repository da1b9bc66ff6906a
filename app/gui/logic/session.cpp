// GuiSession: playback, exact rewinding and the console's recorded commands (session.h).
#include "app/gui/logic/session.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <stdexcept>
#include <utility>

#include "sim/kernel/errors.h"

namespace ksim::gui {

using sim::SimDuration;
using sim::SimTime;

std::string script_duration(SimDuration duration) {
  const std::int64_t us = duration.to_us();
  if (us % 1'000'000 == 0) return fmt::format("{}s", us / 1'000'000);
  if (us % 1'000 == 0) return fmt::format("{}ms", us / 1'000);
  return fmt::format("{}us", us);
}

GuiSession::GuiSession(scenarios::Script script, std::optional<std::uint64_t> seed)
    : script_(std::move(script)), seed_(seed.value_or(script_.setup.seed)) {
  rebuild();
  rebuild_parser();
}

GuiSession::~GuiSession() = default;

SimTime GuiSession::now() const { return runner_->cluster().now(); }

std::uint64_t GuiSession::events() const {
  return runner_->cluster().sim().processed_events();
}

std::uint64_t GuiSession::digest() const {
  return runner_->cluster().sim().digest().value();
}

void GuiSession::set_speed(double speed) {
  if (!std::isfinite(speed)) return;
  speed_ = std::clamp(speed, min_speed, max_speed);
}

void GuiSession::rebuild() {
  scenarios::RunOptions options;
  options.seed = seed_;
  runner_.reset();  // the old cluster goes before the new one is built
  runner_ = std::make_unique<scenarios::ScenarioRunner>(script_, options, nullptr);
  runner_->start();
  next_action_ = 0;
  stopped_.reset();
  ++run_generation_;
}

void GuiSession::rebuild_parser() {
  parser_ = std::make_unique<scenarios::ScriptParser>(script_.name + ".ksim");
  parser_->parse_file(script_.text);
  parser_->restart_lines("console");
  for (const UserAction& action : actions_) {
    std::string_view rest = action.text;
    while (!rest.empty()) {
      const std::size_t end = rest.find('\n');
      (void)parser_->parse_command(rest.substr(0, end));
      rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    }
    (void)parser_->finish();
  }
  pending_lines_.clear();
}

void GuiSession::note_horizon() { horizon_ = std::max(horizon_, now()); }

// Re-applies the recorded commands due now: the ones that ran after exactly this many events
// (and, when `limit` is set, at or before it).
void GuiSession::apply_due_actions(std::optional<SimTime> limit) {
  sim::Simulation& sim = runner_->cluster().sim();
  while (next_action_ < actions_.size()) {
    UserAction& action = actions_[next_action_];
    if (action.events != sim.processed_events()) return;
    if (limit && action.time > *limit) return;
    // The first run's clock had moved past its last event to the frame's time.
    if (action.time > sim.now()) sim.run_until(action.time);
    if (sim.processed_events() != action.events) {
      throw std::logic_error("a recorded command's point in the run was not reproduced");
    }
    ++next_action_;
    for (const scenarios::Step& step : action.steps) runner_->run_console_step(step);
  }
}

bool GuiSession::guarded_step() {
  if (stopped_) return false;
  try {
    return runner_->cluster().sim().step();
  } catch (const sim::InvariantViolation& e) {
    stopped_ = e.what();
    playing_ = false;
    return false;
  }
}

GuiSession::FrameAdvance GuiSession::advance(double wall_seconds, std::uint64_t event_budget) {
  FrameAdvance result;
  if (!playing_ || stopped_ || !(wall_seconds > 0)) return result;
  sim::Simulation& sim = runner_->cluster().sim();
  const double advance_us = std::min(wall_seconds * speed_ * 1e6, 1e12);
  const SimTime target = sim.now() + SimDuration::from_us(std::max<std::int64_t>(
                                         1, static_cast<std::int64_t>(std::llround(advance_us))));
  while (true) {
    apply_due_actions(target);
    const std::optional<SimTime> next = sim.next_event_time();
    if (!next || *next > target) {
      sim.run_until(target);
      break;
    }
    if (result.events >= event_budget) {
      result.budget_exhausted = true;
      break;
    }
    if (!guarded_step()) break;
    ++result.events;
  }
  note_horizon();
  return result;
}

bool GuiSession::step_event() {
  if (stopped_) return false;
  apply_due_actions(std::nullopt);
  const bool ran = guarded_step();
  note_horizon();
  return ran;
}

void GuiSession::seek(SimTime time) {
  if (time < now()) rebuild();
  sim::Simulation& sim = runner_->cluster().sim();
  while (!stopped_) {
    apply_due_actions(time);
    const std::optional<SimTime> next = sim.next_event_time();
    if (!next || *next > time) {
      if (time > sim.now()) sim.run_until(time);
      break;
    }
    guarded_step();
  }
  note_horizon();
}

void GuiSession::restart() { seek(SimTime::zero()); }

bool GuiSession::command_pending() const {
  return parser_->continuing_line() || parser_->reading_producer_input();
}

CommandOutcome GuiSession::run_steps(std::vector<scenarios::Step> steps) {
  CommandOutcome outcome;
  if (steps.empty()) {
    outcome.ok = true;
    outcome.waiting = command_pending();
    return outcome;
  }
  for (const scenarios::Step& step : steps) {
    if (!scenarios::ScenarioRunner::console_step_allowed(step)) {
      pending_lines_.clear();
      rebuild_parser();  // forget the refused command's jobs
      outcome.message = fmt::format(
          "'{}' takes simulated time: the console runs commands that return at once (end a "
          "client with '&' to run it in the background; play the timeline to let time pass)",
          step.source);
      return outcome;
    }
  }
  // A new command after a seek back: the later recorded ones belong to another branch.
  if (next_action_ < actions_.size()) {
    std::vector<std::string> typed = std::move(pending_lines_);
    actions_.resize(next_action_);
    rebuild_parser();
    for (const std::string& line : typed) (void)parser_->parse_command(line);
    (void)parser_->finish();
    pending_lines_ = std::move(typed);
  }
  UserAction action;
  action.time = now();
  action.events = events();
  action.script_done = runner_->script_done();
  for (std::size_t i = 0; i < pending_lines_.size(); ++i) {
    action.text += (i == 0 ? "" : "\n") + pending_lines_[i];
  }
  pending_lines_.clear();
  action.steps = std::move(steps);
  actions_.push_back(action);
  next_action_ = actions_.size();
  try {
    for (const scenarios::Step& step : action.steps) runner_->run_console_step(step);
  } catch (const std::exception& e) {
    outcome.message = e.what();
    return outcome;
  }
  outcome.ok = true;
  return outcome;
}

CommandOutcome GuiSession::run_command(std::string_view line) {
  std::vector<scenarios::Step> steps;
  try {
    // A producer's input ends at a line that is not one of its '>' lines: that line is a
    // command of its own.
    const bool was_reading = parser_->reading_producer_input();
    const bool is_input = !line.empty() && line.find_first_not_of(" \t") != std::string_view::npos &&
                          line[line.find_first_not_of(" \t")] == '>';
    if (was_reading && !is_input && !line.empty()) {
      CommandOutcome held = finish_command();
      if (!held.ok) return held;
    } else if (was_reading && line.empty()) {
      return finish_command();
    }
    steps = parser_->parse_command(line);
  } catch (const scenarios::ScriptError& e) {
    pending_lines_.clear();
    CommandOutcome outcome;
    outcome.message = e.what();
    return outcome;
  }
  if (!line.empty()) pending_lines_.emplace_back(line);
  return run_steps(std::move(steps));
}

CommandOutcome GuiSession::finish_command() {
  std::vector<scenarios::Step> steps;
  try {
    steps = parser_->finish();
  } catch (const scenarios::ScriptError& e) {
    pending_lines_.clear();
    CommandOutcome outcome;
    outcome.message = e.what();
    return outcome;
  }
  return run_steps(std::move(steps));
}

std::string GuiSession::saved_script() const {
  std::string text;
  // The seed line says this session's seed (replacing the script's own, if it has one).
  bool seed_written = false;
  std::string_view rest = script_.text;
  while (!rest.empty()) {
    const std::size_t end = rest.find('\n');
    const std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    const std::size_t first = line.find_first_not_of(" \t");
    if (!seed_written && first != std::string_view::npos && line.substr(first).starts_with("seed ")) {
      text += fmt::format("seed {}\n", seed_);
      seed_written = true;
      continue;
    }
    text += line;
    text += '\n';
  }
  if (!seed_written && seed_ != script_.setup.seed) {
    text = fmt::format("seed {}\n", seed_) + text;
  }
  if (actions_.empty()) return text;
  text += fmt::format("\n# The class's commands at ksim gui's console (seed {}).\n", seed_);
  for (const UserAction& action : actions_) {
    if (!action.script_done) {
      text += fmt::format(
          "# typed at t={} while the lesson was still running: here it runs after the lesson's "
          "last step\n",
          action.time.to_string());
    }
    // The first line carries the time; a producer's '>' lines follow as they were typed.
    const std::size_t end = action.text.find('\n');
    const std::string first = action.text.substr(0, end);
    text += action.script_done
                ? fmt::format("at {}: {}\n", script_duration(action.time - SimTime::zero()), first)
                : first + "\n";
    if (end != std::string::npos) text += action.text.substr(end + 1) + "\n";
  }
  return text;
}

void GuiSession::save_script(const std::string& path) const {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error(fmt::format("{}: cannot write the session's script", path));
  out << saved_script();
  out.close();
  if (!out) throw std::runtime_error(fmt::format("{}: writing the session's script failed", path));
}

}  // namespace ksim::gui
