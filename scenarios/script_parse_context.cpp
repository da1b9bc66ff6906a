#include "scenarios/script_parse_context.h"

#include <stdexcept>

#include "scenarios/script_values.h"

namespace ksim::scenarios::parsing {

namespace {

// A continued line's own part: up to its last word, without the '\' and the blanks before it.
std::string_view context_continued_part(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  if (!text.empty() && text.back() == '\\') text.remove_suffix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string_view context_without_leading_blanks(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  return text;
}

}  // namespace

CommandSource::CommandSource(std::string file, std::vector<PhysicalLine> lines)
    : file_(std::move(file)), lines_(std::move(lines)) {}

std::string_view CommandSource::line_text(std::int32_t number) const {
  for (const PhysicalLine& line : lines_) {
    if (line.number == number) return line.text;
  }
  return {};
}

void CommandSource::fail_at_position(std::int32_t line, std::int32_t column, std::int32_t length,
                                     const std::string& message) const {
  std::string text(line_text(line));
  while (!text.empty() && text.back() == '\r') text.pop_back();
  throw ScriptError({file_, line, column}, message, std::move(text), length);
}

void CommandSource::fail_at(const ScriptWord& word, const std::string& message) const {
  fail_at_position(word.line, word.column, word.length, message);
}

void CommandSource::fail_after(const ScriptWord& word, const std::string& message) const {
  fail_at_position(word.line, word.column + word.length, 1, message);
}

std::string CommandSource::text_between(const ScriptWord& first, const ScriptWord& last) const {
  if (first.line == last.line) {
    const std::string_view text = line_text(first.line);
    const auto begin = static_cast<std::size_t>(first.column - 1);
    const auto end = static_cast<std::size_t>(last.column - 1 + last.length);
    return std::string(text.substr(begin, end - begin));
  }
  std::string joined;
  for (std::int32_t number = first.line; number <= last.line; ++number) {
    std::string_view part = line_text(number);
    if (number == first.line) part.remove_prefix(static_cast<std::size_t>(first.column - 1));
    if (number == last.line) {
      part = part.substr(0, static_cast<std::size_t>(last.column - 1 + last.length));
    } else {
      part = context_continued_part(part);
    }
    part = context_without_leading_blanks(part);
    if (part.empty()) continue;
    if (!joined.empty()) joined += ' ';
    joined += part;
  }
  return joined;
}

WordCursor::WordCursor(const CommandSource& source, std::vector<ScriptWord> words)
    : source_(&source), words_(std::move(words)) {}

const ScriptWord& WordCursor::previous() const {
  static const ScriptWord kNoWord{};
  if (words_.empty()) return kNoWord;
  return words_[position_ == 0 ? 0 : position_ - 1];
}

const ScriptWord& WordCursor::take(std::string_view expected) {
  if (at_end()) {
    const ScriptWord& last = previous();
    source_->fail_after(
        last, "expected " + std::string(expected) + " after " + quoted_for_message(last.text));
  }
  return words_[position_++];
}

bool WordCursor::take_if(std::string_view keyword) {
  if (!next_is(keyword)) return false;
  ++position_;
  return true;
}

const ScriptWord& WordCursor::take_keyword(std::string_view keyword, std::string_view usage) {
  const ScriptWord& word = take(quoted_for_message(keyword) + " (" + std::string(usage) + ")");
  if (!word.is(keyword)) {
    fail_at(word, "expected " + quoted_for_message(keyword) + ", got " +
                      quoted_for_message(word.text) + " (" + std::string(usage) + ")");
  }
  return word;
}

void WordCursor::expect_end(std::string_view context) const {
  if (!at_end()) {
    fail_at(peek(), "unexpected " + quoted_for_message(peek().text) + " " + std::string(context));
  }
}

void WordCursor::expect_end_after(const ScriptWord& first) const {
  if (!at_end()) {
    fail_at(peek(), "unexpected " + quoted_for_message(peek().text) + " after " +
                        quoted_for_message(source_->text_between(first, previous())));
  }
}

std::vector<ScriptWord> WordCursor::take_rest() {
  std::vector<ScriptWord> rest(words_.begin() + static_cast<std::ptrdiff_t>(position_),
                               words_.end());
  position_ = words_.size();
  return rest;
}

std::vector<std::string> ScriptFacts::job_names(bool consumers_only) const {
  std::vector<std::string> names;
  for (const auto& [name, job] : jobs) {
    if (!consumers_only || job.consumer) names.push_back(name);
  }
  return names;
}

std::string quoted_for_message(std::string_view text) { return "'" + std::string(text) + "'"; }

sim::SimDuration duration_at(const WordCursor& cursor, const ScriptWord& word) {
  try {
    return parse_script_duration(word.text);
  } catch (const std::invalid_argument& error) {
    cursor.fail_at(word, error.what());
  }
}

storage::TopicPartition partition_at(const WordCursor& cursor, const ScriptWord& word) {
  try {
    return parse_script_partition(word.text);
  } catch (const std::invalid_argument& error) {
    cursor.fail_at(word, error.what());
  }
}

std::int64_t integer_at(const WordCursor& cursor, const ScriptWord& word, std::string_view what,
                        std::int64_t minimum, std::int64_t maximum) {
  const std::optional<std::int64_t> value = parse_script_integer(word.text);
  if (!value) {
    cursor.fail_at(word,
                   "expected " + std::string(what) + ", got " + quoted_for_message(word.text));
  }
  if (*value < minimum || *value > maximum) {
    std::string range =
        minimum == 0 && maximum == std::numeric_limits<std::int64_t>::max()
            ? "it must not be negative"
        : maximum == std::numeric_limits<std::int64_t>::max()
            ? "it must be at least " + std::to_string(minimum)
            : "it must be from " + std::to_string(minimum) + " to " + std::to_string(maximum);
    cursor.fail_at(word, "expected " + std::string(what) + ", got " + word.text + ": " + range);
  }
  return *value;
}

std::string broker_out_of_range_problem(std::int64_t broker_id, std::int32_t brokers) {
  if (broker_id >= 0 && broker_id < brokers) return {};
  return "broker " + std::to_string(broker_id) + " does not exist: the cluster has " +
         std::to_string(brokers) +
         (brokers == 1 ? " broker (id 0)"
                       : " brokers (ids 0 to " + std::to_string(brokers - 1) + ")");
}

std::int32_t broker_id_at(const WordCursor& cursor, const ScriptWord& word,
                          const ScriptFacts& facts) {
  const std::optional<std::int64_t> id = parse_script_integer(word.text);
  if (!id) cursor.fail_at(word, "expected a broker id, got " + quoted_for_message(word.text));
  const std::string problem = broker_out_of_range_problem(*id, facts.brokers);
  if (!problem.empty()) cursor.fail_at(word, problem);
  return static_cast<std::int32_t>(*id);
}

}  // namespace ksim::scenarios::parsing
