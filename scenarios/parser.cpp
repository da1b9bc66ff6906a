// ScriptParser: lines in, steps out. It joins '\' continuations, gives '>' lines to the console
// producer above them, keeps setup lines before the first command that runs, and hands each
// command to the parts in script_*.cpp.
#include "scenarios/parser.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "scenarios/script_lexer.h"
#include "scenarios/script_parse_context.h"

namespace ksim::scenarios {

struct ScriptParser::State {
  std::string file_name;
  std::int32_t line_number = 0;  // the last line read
  bool parsed_file = false;
  bool setup_open = false;  // a file's setup lines may still come
  std::int32_t first_running_line = 0;
  ScriptSetup setup;
  parsing::SetupChecks setup_checks;
  parsing::ScriptFacts facts;
  // A command ending in '\': its lines and words so far.
  std::vector<parsing::PhysicalLine> continued_lines;
  std::vector<ScriptWord> continued_words;
  std::optional<Step> open_producer;  // a console producer still taking '>' lines
  std::vector<Step> completed;        // steps the current call finished
};

namespace {

std::string parser_file_stem(const std::string& file_name) {
  const std::size_t slash = file_name.find_last_of("/\\");
  std::string base = slash == std::string::npos ? file_name : file_name.substr(slash + 1);
  const std::size_t dot = base.rfind('.');
  if (dot != std::string::npos && dot > 0) base.resize(dot);
  return base;
}

std::string_view parser_without_cr(std::string_view text) {
  while (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  return text;
}

bool parser_is_input_line(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t");
  return first != std::string_view::npos && text[first] == '>';
}

}  // namespace

ScriptParser::ScriptParser(std::string file_name, ScriptSetup setup)
    : state_(std::make_unique<State>()) {
  state_->file_name = std::move(file_name);
  state_->setup = std::move(setup);
  state_->facts.brokers = state_->setup.brokers;
}

ScriptParser::~ScriptParser() = default;
ScriptParser::ScriptParser(ScriptParser&&) noexcept = default;
ScriptParser& ScriptParser::operator=(ScriptParser&&) noexcept = default;

Script ScriptParser::parse_file(std::string_view text) {
  if (state_->parsed_file || state_->line_number != 0) {
    throw std::logic_error("ScriptParser::parse_file: the parser has already read lines");
  }
  state_->parsed_file = true;
  state_->setup_open = true;
  std::size_t start = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;  // a UTF-8 byte order mark
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    feed_line(text.substr(start, end - start), true);
    start = end + 1;
  }
  if (!state_->continued_lines.empty()) process_command(true);
  if (state_->setup_open) close_setup();
  if (state_->open_producer) {
    state_->completed.push_back(std::move(*state_->open_producer));
    state_->open_producer.reset();
  }
  Script script;
  script.name = parser_file_stem(state_->file_name);
  script.text = std::string(text);
  script.setup = state_->setup;
  script.steps = std::move(state_->completed);
  state_->completed.clear();
  return script;
}

std::vector<Step> ScriptParser::parse_command(std::string_view line) {
  State saved = *state_;
  try {
    // Pasted lines arrive together: each is a line of its own.
    std::size_t start = 0;
    while (true) {
      const std::size_t end = std::min(line.find('\n', start), line.size());
      const std::string_view one = line.substr(start, end - start);
      const bool producer_was_open = state_->open_producer && state_->continued_lines.empty();
      feed_line(one, false);
      if (parser_without_cr(one).find_first_not_of(" \t") == std::string_view::npos &&
          producer_was_open && state_->open_producer) {
        state_->completed.push_back(std::move(*state_->open_producer));
        state_->open_producer.reset();
      }
      if (end == line.size()) break;
      start = end + 1;
    }
  } catch (...) {
    const std::int32_t line_number = state_->line_number;
    *state_ = std::move(saved);
    state_->line_number = line_number;
    state_->continued_lines.clear();
    state_->continued_words.clear();
    throw;
  }
  std::vector<Step> steps = std::move(state_->completed);
  state_->completed.clear();
  return steps;
}

std::vector<Step> ScriptParser::finish() {
  if (!state_->continued_lines.empty()) {
    State saved = *state_;
    try {
      process_command(false);
    } catch (...) {
      *state_ = std::move(saved);
      state_->continued_lines.clear();
      state_->continued_words.clear();
      throw;
    }
  }
  if (state_->open_producer) {
    state_->completed.push_back(std::move(*state_->open_producer));
    state_->open_producer.reset();
  }
  std::vector<Step> steps = std::move(state_->completed);
  state_->completed.clear();
  return steps;
}

void ScriptParser::restart_lines(std::string file_name) {
  state_->file_name = std::move(file_name);
  state_->line_number = 0;
}

bool ScriptParser::continuing_line() const { return !state_->continued_lines.empty(); }

bool ScriptParser::reading_producer_input() const { return state_->open_producer.has_value(); }

const ScriptSetup& ScriptParser::setup() const { return state_->setup; }

std::vector<std::string> ScriptParser::job_names() const { return state_->facts.job_names(); }

void ScriptParser::feed_line(std::string_view raw, bool from_file) {
  State& s = *state_;
  const std::int32_t number = ++s.line_number;
  const std::string_view text = parser_without_cr(raw);

  if (s.continued_lines.empty() && parser_is_input_line(text)) {
    const std::size_t marker = text.find('>');
    if (!s.open_producer) {
      throw ScriptError({s.file_name, number, static_cast<std::int32_t>(marker) + 1},
                        "'>' lines are the standard input of a kafka-console-producer.sh command "
                        "just above them, and there is none",
                        std::string(text), 1);
    }
    std::string_view typed = text.substr(marker + 1);
    if (!typed.empty() && typed.front() == ' ') typed.remove_prefix(1);
    auto& producer =
        std::get<ConsoleProducerTool>(std::get<ToolCommand>(s.open_producer->command).tool);
    producer.input.push_back({std::string(typed), SourceLocation{s.file_name, number, 0}});
    return;
  }

  LexedScriptLine lexed = lex_script_line(text, s.file_name, number);
  s.continued_lines.push_back({number, std::string(text)});
  for (ScriptWord& word : lexed.words) s.continued_words.push_back(std::move(word));
  if (lexed.continues) return;
  process_command(from_file);
}

void ScriptParser::process_command(bool from_file) {
  State& s = *state_;
  std::vector<parsing::PhysicalLine> lines = std::move(s.continued_lines);
  std::vector<ScriptWord> words = std::move(s.continued_words);
  s.continued_lines.clear();
  s.continued_words.clear();
  if (words.empty()) return;  // a blank line or a comment

  const parsing::CommandSource source(s.file_name, std::move(lines));
  std::optional<ScriptWord> background;
  if (words.size() > 1 && words.back().is_operator && words.back().text == "&") {
    background = words.back();
    words.pop_back();
  }
  parsing::WordCursor cursor(source, std::move(words));
  const ScriptWord& first = cursor.peek();

  if (!first.quoted && parsing::is_setup_command_name(first.text)) {
    if (!from_file) {
      cursor.fail_at(first, "'" + first.text +
                                "' is a setup line: the console runs commands "
                                "(setup belongs at the top of a scenario file)");
    }
    if (!s.setup_open) {
      cursor.fail_at(first, "'" + first.text +
                                "' is a setup line: it must come before the "
                                "first command that runs (line " +
                                std::to_string(s.first_running_line) + ")");
    }
    if (background) {
      cursor.fail_at(*background, "only a tool command can run in the background ('&')");
    }
    parsing::parse_setup_line(cursor, s.setup, s.setup_checks);
    return;
  }

  if (s.setup_open) {
    close_setup();
    s.first_running_line = source.first_line();
  }
  for (Step& step : parsing::parse_running_line(cursor, s.facts, background)) emit(std::move(step));
}

void ScriptParser::emit(Step step) {
  State& s = *state_;
  if (s.open_producer) {
    s.completed.push_back(std::move(*s.open_producer));
    s.open_producer.reset();
  }
  const auto* tool = std::get_if<ToolCommand>(&step.command);
  if (tool != nullptr && std::holds_alternative<ConsoleProducerTool>(tool->tool)) {
    s.open_producer = std::move(step);
  } else {
    s.completed.push_back(std::move(step));
  }
}

void ScriptParser::close_setup() {
  State& s = *state_;
  s.setup_open = false;
  parsing::check_complete_setup(s.setup, s.setup_checks, s.file_name);
  s.facts.brokers = s.setup.brokers;
}

Script parse_script(std::string_view text, std::string file_name) {
  ScriptParser parser(std::move(file_name));
  return parser.parse_file(text);
}

Script load_script(const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    throw ScriptError({path, 0, 0}, "cannot read the scenario file: it is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw ScriptError({path, 0, 0},
                      "cannot open the scenario file: " + std::string(std::strerror(errno)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    throw ScriptError({path, 0, 0},
                      "cannot read the scenario file: " + std::string(std::strerror(errno)));
  }
  return parse_script(text.str(), path);
}

}  // namespace ksim::scenarios
