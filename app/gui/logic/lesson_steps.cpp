// The Lesson panel's model (lesson_steps.h).
#include "app/gui/logic/lesson_steps.h"

#include <variant>

namespace ksim::gui {

std::vector<LessonItem> lesson_items(const scenarios::ScenarioRunner& runner) {
  std::vector<LessonItem> items;
  const std::vector<scenarios::Step>& steps = runner.script().steps;
  const std::size_t next = runner.next_step_index();
  const bool done = runner.script_done();
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const scenarios::Step& step = steps[i];
    LessonItem item;
    item.line = step.location.line;
    item.text = step.source;
    if (const auto* say = std::get_if<scenarios::Say>(&step.command)) {
      item.kind = LessonItemKind::narration;
      item.text = say->text;
    } else if (std::holds_alternative<scenarios::Expect>(step.command) ||
               std::holds_alternative<scenarios::WaitUntil>(step.command)) {
      item.kind = LessonItemKind::expectation;
    } else {
      item.kind = LessonItemKind::command;
    }
    // Steps run in order: those before the next one are done, the one just started runs.
    if (i + 1 < next || (done && i < next)) {
      item.state = LessonItemState::done;
    } else if (i + 1 == next) {
      item.state = LessonItemState::current;
    }
    if (item.kind == LessonItemKind::expectation && item.state != LessonItemState::pending) {
      for (const scenarios::ExpectationResult& result : runner.expectations()) {
        if (result.location.line != step.location.line) continue;
        item.state = result.passed ? LessonItemState::passed : LessonItemState::failed;
        item.observed = result.observed;
      }
      // A wait until that ended in time has no result: it held.
      if (std::holds_alternative<scenarios::WaitUntil>(step.command) &&
          item.state == LessonItemState::done) {
        item.state = LessonItemState::passed;
      }
    }
    items.push_back(std::move(item));
  }
  return items;
}

}  // namespace ksim::gui
