// Kafka's tools' command lines, read the way their option parsers read them (internal to
// scenarios/): "--name value", "--name=value", flags, repeatable options; unknown and misspelt
// options, missing values and options given twice are errors at the word.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scenarios/script_parse_context.h"

namespace ksim::scenarios::parsing {

struct ToolOptionSpec {
  enum class Takes { nothing, one_value, values };  // values: one or more, up to the next option
  std::string_view name;                            // "--topic"
  Takes takes = Takes::nothing;
  std::string_view value_kind;  // what the value is, for a missing one: "a topic name"
  bool repeatable = false;      // --config, --property: each occurrence counts
};

constexpr ToolOptionSpec tool_flag(std::string_view name) {
  return {name, ToolOptionSpec::Takes::nothing, {}, false};
}
constexpr ToolOptionSpec tool_value(std::string_view name, std::string_view value_kind) {
  return {name, ToolOptionSpec::Takes::one_value, value_kind, false};
}
constexpr ToolOptionSpec tool_repeated_value(std::string_view name, std::string_view value_kind) {
  return {name, ToolOptionSpec::Takes::one_value, value_kind, true};
}
constexpr ToolOptionSpec tool_values(std::string_view name, std::string_view value_kind) {
  return {name, ToolOptionSpec::Takes::values, value_kind, true};
}

struct ToolOption {
  ToolOptionSpec spec;
  ScriptWord word;                 // the option as written
  std::vector<ScriptWord> values;  // its values (the part after '=' for "--name=value")
};

// --bootstrap-server, --zookeeper and --broker-list: accepted, and ignored but by kafka-topics.sh.
extern const ToolOptionSpec kBootstrapServerOption;
extern const ToolOptionSpec kZookeeperOption;
extern const ToolOptionSpec kBrokerListOption;

class ToolOptions {
 public:
  // Reads every word left in `cursor` as options of `tool` (the word before them).
  ToolOptions(WordCursor& cursor, const ScriptWord& tool, std::vector<ToolOptionSpec> specs);

  const ScriptWord& tool() const { return tool_; }
  const std::string& tool_name() const { return tool_name_; }
  const std::vector<ToolOption>& in_order() const { return options_; }
  // The occurrence of a non-repeatable option (the last of a flag), or nullptr.
  const ToolOption* find(std::string_view name) const;
  bool has(std::string_view name) const { return find(name) != nullptr; }
  // Every occurrence, in order.
  std::vector<const ToolOption*> all(std::string_view name) const;

  [[noreturn]] void fail_at(const ScriptWord& word, const std::string& message) const {
    cursor_->fail_at(word, message);
  }
  // An integer option's value in [minimum, maximum].
  std::int64_t integer_value(const ToolOption& option, std::int64_t minimum,
                             std::int64_t maximum) const;
  // "NAME=VALUE" of one value, or fails: "expected NAME=VALUE for '--config', got 'x'".
  std::pair<std::string, std::string> key_value(const ToolOption& option,
                                                const ScriptWord& value) const;
  // The VALUE part of a "NAME=VALUE" word, as a word of its own (its column moved).
  static ScriptWord value_part(const ScriptWord& word);
  // "true"/"false" (any case) of a --property, or fails.
  bool boolean_value(const ScriptWord& value, std::string_view property,
                     std::string_view text) const;
  // Fails at the tool's name: "<tool> needs <what>".
  [[noreturn]] void fail_missing(std::string_view what) const;
  const WordCursor& cursor() const { return *cursor_; }

 private:
  WordCursor* cursor_;
  ScriptWord tool_;
  std::string tool_name_;
  std::vector<ToolOptionSpec> specs_;
  std::vector<ToolOption> options_;
};

// The tools, each reading the options left in the cursor after its name (`tool`).
TopicsTool parse_topics_tool(WordCursor& cursor, const ScriptWord& tool);
ConsoleProducerTool parse_console_producer_tool(WordCursor& cursor, const ScriptWord& tool,
                                                std::optional<ScriptWord>& client_id);
ConsoleConsumerTool parse_console_consumer_tool(WordCursor& cursor, const ScriptWord& tool,
                                                bool background,
                                                std::optional<ScriptWord>& client_id);
ConsumerGroupsTool parse_consumer_groups_tool(WordCursor& cursor, const ScriptWord& tool);
ProducerPerfTestTool parse_producer_perf_test_tool(WordCursor& cursor, const ScriptWord& tool,
                                                   std::optional<ScriptWord>& client_id);
ReassignPartitionsTool parse_reassign_partitions_tool(WordCursor& cursor, const ScriptWord& tool,
                                                      const ScriptFacts& facts);
LeaderElectionTool parse_leader_election_tool(WordCursor& cursor, const ScriptWord& tool);
LeaderElectionTool parse_preferred_replica_election_tool(WordCursor& cursor,
                                                         const ScriptWord& tool,
                                                         const ScriptFacts& facts);
ZookeeperShellTool parse_zookeeper_shell_tool(WordCursor& cursor, const ScriptWord& tool);

}  // namespace ksim::scenarios::parsing
