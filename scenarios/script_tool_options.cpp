#include "scenarios/script_tool_options.h"

#include <algorithm>
#include <cctype>

#include "scenarios/did_you_mean.h"

namespace ksim::scenarios::parsing {

const ToolOptionSpec kBootstrapServerOption =
    tool_value("--bootstrap-server", "a broker address like localhost:9092");
const ToolOptionSpec kZookeeperOption =
    tool_value("--zookeeper", "a ZooKeeper address like localhost:2181");
const ToolOptionSpec kBrokerListOption =
    tool_value("--broker-list", "a broker address like localhost:9092");

namespace {

bool tool_word_is_option(const ScriptWord& word) {
  return !word.quoted && word.text.size() > 2 && word.text.compare(0, 2, "--") == 0;
}

[[noreturn]] void fail_tool_operator(const WordCursor& cursor, const ScriptWord& word) {
  if (word.text == "&") {
    cursor.fail_at(word, "'&' runs a command in the background: it must end the line");
  }
  if (word.text == "|") cursor.fail_at(word, "pipes ('|') are not modelled");
  cursor.fail_at(word, "'>' writes a file only after echo (echo 'TEXT' > FILE)");
}

}  // namespace

ToolOptions::ToolOptions(WordCursor& cursor, const ScriptWord& tool,
                         std::vector<ToolOptionSpec> specs)
    : cursor_(&cursor), tool_(tool), tool_name_(tool_name_of(tool.text)), specs_(std::move(specs)) {
  while (!cursor.at_end()) {
    const ScriptWord word = cursor.take("an option");
    if (word.is_operator) fail_tool_operator(cursor, word);
    if (!tool_word_is_option(word)) {
      cursor.fail_at(word, "unexpected " + quoted_for_message(word.text) + ": " + tool_name_ +
                               " takes options (--name or --name value)");
    }
    std::string name = word.text;
    std::optional<ScriptWord> inline_value;
    if (const std::size_t equals = name.find('='); equals != std::string::npos) {
      ScriptWord value = word;
      value.text = name.substr(equals + 1);
      value.column = word.column + static_cast<std::int32_t>(equals) + 1;
      value.length = std::max(1, word.length - static_cast<std::int32_t>(equals) - 1);
      inline_value = std::move(value);
      name.resize(equals);
    }
    const auto spec = std::find_if(specs_.begin(), specs_.end(),
                                   [&](const ToolOptionSpec& s) { return s.name == name; });
    if (spec == specs_.end()) {
      std::vector<std::string> names;
      for (const ToolOptionSpec& s : specs_) names.emplace_back(s.name);
      ScriptWord shown = word;
      shown.length = static_cast<std::int32_t>(name.size());
      cursor.fail_at(shown, "unknown option " + quoted_for_message(name) + " for " + tool_name_ +
                                did_you_mean(name, names));
    }

    ToolOption option;
    option.spec = *spec;
    option.word = word;
    if (spec->takes == ToolOptionSpec::Takes::nothing) {
      if (inline_value) {
        cursor.fail_at(*inline_value, "option " + quoted_for_message(name) + " of " + tool_name_ +
                                          " takes no value");
      }
    } else if (inline_value) {
      option.values.push_back(*inline_value);
    } else {
      while (!cursor.at_end() && !tool_word_is_option(cursor.peek()) &&
             !cursor.peek().is_operator) {
        option.values.push_back(cursor.take("a value"));
        if (spec->takes == ToolOptionSpec::Takes::one_value) break;
      }
    }
    if (spec->takes != ToolOptionSpec::Takes::nothing && option.values.empty()) {
      cursor.fail_at(word, "missing value for option " + quoted_for_message(name) + " of " +
                               tool_name_ + " (expected " + std::string(spec->value_kind) + ")");
    }
    if (spec->takes != ToolOptionSpec::Takes::nothing && !spec->repeatable) {
      if (const ToolOption* earlier = find(name)) {
        cursor.fail_at(word, "option " + quoted_for_message(name) + " is given twice (first at " +
                                 cursor.source().file() + ":" + std::to_string(earlier->word.line) +
                                 ":" + std::to_string(earlier->word.column) + ")");
      }
    }
    options_.push_back(std::move(option));
  }
}

const ToolOption* ToolOptions::find(std::string_view name) const {
  const ToolOption* found = nullptr;
  for (const ToolOption& option : options_) {
    if (option.spec.name == name) found = &option;
  }
  return found;
}

std::vector<const ToolOption*> ToolOptions::all(std::string_view name) const {
  std::vector<const ToolOption*> found;
  for (const ToolOption& option : options_) {
    if (option.spec.name == name) found.push_back(&option);
  }
  return found;
}

std::int64_t ToolOptions::integer_value(const ToolOption& option, std::int64_t minimum,
                                        std::int64_t maximum) const {
  return integer_at(*cursor_, option.values.front(),
                    "a number for " + quoted_for_message(option.spec.name), minimum, maximum);
}

std::pair<std::string, std::string> ToolOptions::key_value(const ToolOption& option,
                                                           const ScriptWord& value) const {
  const std::size_t equals = value.text.find('=');
  if (equals == std::string::npos || equals == 0) {
    fail_at(value, "expected NAME=VALUE for " + quoted_for_message(option.spec.name) + ", got " +
                       quoted_for_message(value.text));
  }
  return {value.text.substr(0, equals), value.text.substr(equals + 1)};
}

ScriptWord ToolOptions::value_part(const ScriptWord& word) {
  ScriptWord value = word;
  const std::size_t equals = word.text.find('=');
  if (equals == std::string::npos) return value;
  value.text = word.text.substr(equals + 1);
  value.column = word.column + static_cast<std::int32_t>(equals) + 1;
  value.length = std::max(1, word.length - static_cast<std::int32_t>(equals) - 1);
  return value;
}

bool ToolOptions::boolean_value(const ScriptWord& value, std::string_view property,
                                std::string_view text) const {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "true") return true;
  if (lower == "false") return false;
  fail_at(value, "expected true or false for " + std::string(property) + ", got " +
                     quoted_for_message(text));
}

void ToolOptions::fail_missing(std::string_view what) const {
  fail_at(tool_, tool_name_ + " needs " + std::string(what));
}

}  // namespace ksim::scenarios::parsing
