// The Lesson panel's model: the script's `say` lines and expectations in order, each with its
// state in the current run (not reached yet, the step running now, passed, failed), read from
// the runner's current line and expectation results.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scenarios/runner.h"

namespace ksim::gui {

enum class LessonItemKind { narration, expectation, command };
enum class LessonItemState { pending, current, done, passed, failed };

struct LessonItem {
  std::int32_t line = 0;
  LessonItemKind kind = LessonItemKind::narration;
  std::string text;
  LessonItemState state = LessonItemState::pending;
  std::string observed;  // a failed expectation's observed value
};

// Every say line, expectation (expect, and wait until with its limit) and the other commands of
// the script, with their state now.
std::vector<LessonItem> lesson_items(const scenarios::ScenarioRunner& runner);

}  // namespace ksim::gui
