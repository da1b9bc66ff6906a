// The setup lines: description, seed, brokers, protocol, broker-config; and the checks that need
// the whole setup (broker ids against the broker count, every broker's settings together).
#include <algorithm>
#include <charconv>
#include <limits>
#include <set>
#include <stdexcept>

#include "scenarios/broker_settings.h"
#include "scenarios/script_parse_context.h"
#include "sim/cluster/kafka_cluster.h"

namespace ksim::scenarios::parsing {

namespace {

constexpr std::int64_t kMostBrokers = 100;

// The setting "NAME=VALUE" of a broker-config line, checked on a scratch BrokerConfig; errors
// point at the name or the value.
ConfigSetting parse_broker_setting(const WordCursor& cursor, const ScriptWord& word,
                                   std::optional<std::int32_t> broker) {
  const std::size_t equals = word.text.find('=');
  if (equals == std::string::npos || equals == 0) {
    cursor.fail_at(word, "expected NAME=VALUE (broker-config min.insync.replicas=2), got " +
                             quoted_for_message(word.text));
  }
  ConfigSetting setting;
  setting.broker = broker;
  setting.name = word.text.substr(0, equals);
  setting.value = word.text.substr(equals + 1);
  setting.location = {cursor.source().file(), word.line, word.column};
  sim::cluster::BrokerConfig scratch;
  try {
    apply_broker_config(scratch, setting.name, setting.value);
  } catch (const std::invalid_argument& error) {
    ScriptWord part = word;
    if (is_known_broker_config_name(setting.name)) {
      part.column = word.column + static_cast<std::int32_t>(equals) + 1;
      part.length = std::max<std::int32_t>(1, word.length - static_cast<std::int32_t>(equals) - 1);
    } else {
      part.length = static_cast<std::int32_t>(equals);
    }
    cursor.fail_at(part, error.what());
  }
  return setting;
}

}  // namespace

bool is_setup_command_name(std::string_view word) {
  return word == "description" || word == "seed" || word == "brokers" || word == "protocol" ||
         word == "broker-config";
}

void parse_setup_line(WordCursor& cursor, ScriptSetup& setup, SetupChecks& checks) {
  const ScriptWord first = cursor.take("a setup line");
  const std::string& name = first.text;
  if (name != "broker-config") {
    const auto [seen, inserted] = checks.lines_seen.emplace(name, first.line);
    if (!inserted) {
      cursor.fail_at(first, "a second " + quoted_for_message(name) +
                                " line (the first is on line " + std::to_string(seen->second) +
                                ")");
    }
  }
  if (name == "description") {
    setup.description = cursor.take("a quoted description").text;
    if (!cursor.at_end()) {
      cursor.fail_at(cursor.peek(),
                     "the description must be one quoted string "
                     "(description \"...\")");
    }
  } else if (name == "seed") {
    const ScriptWord& word = cursor.take("a seed (a number)");
    std::uint64_t seed = 0;
    const auto [end, error] =
        std::from_chars(word.text.data(), word.text.data() + word.text.size(), seed);
    if (word.text.empty() || error != std::errc() || end != word.text.data() + word.text.size()) {
      cursor.fail_at(word, "expected a seed (a number from 0 to 18446744073709551615), got " +
                               quoted_for_message(word.text));
    }
    setup.seed = seed;
  } else if (name == "brokers") {
    setup.brokers = static_cast<std::int32_t>(integer_at(cursor, cursor.take("a number of brokers"),
                                                         "a number of brokers", 1, kMostBrokers));
  } else if (name == "protocol") {
    const ScriptWord& word = cursor.take("a protocol version: 0.10, 0.11, 2.0 or 3.7");
    const std::optional<replication::ProtocolVersion> version =
        replication::parse_protocol_version(word.text);
    if (!version) {
      cursor.fail_at(word, "unknown protocol " + quoted_for_message(word.text) +
                               " (expected 0.10, 0.11, 2.0 or 3.7)");
    }
    setup.protocol = *version;
  } else {  // broker-config [N] NAME=VALUE ...
    std::optional<std::int32_t> broker;
    if (!cursor.at_end() && cursor.peek().text.find('=') == std::string::npos) {
      const ScriptWord& id = cursor.take("a broker id");
      const std::optional<std::int64_t> number = parse_script_integer(id.text);
      if (!number) {
        cursor.fail_at(id,
                       "expected a broker id or NAME=VALUE, got " + quoted_for_message(id.text));
      }
      if (*number < std::numeric_limits<std::int32_t>::min() ||
          *number > std::numeric_limits<std::int32_t>::max()) {
        cursor.fail_at(id, broker_out_of_range_problem(*number, setup.brokers));
      }
      broker = static_cast<std::int32_t>(*number);
      checks.broker_references.push_back({id, std::string(cursor.source().line_text(id.line))});
    }
    if (cursor.at_end()) {
      cursor.take("NAME=VALUE (broker-config min.insync.replicas=2)");
    }
    while (!cursor.at_end()) {
      const ScriptWord& word = cursor.take("NAME=VALUE");
      setup.broker_configs.push_back(parse_broker_setting(cursor, word, broker));
      checks.config_line_texts.emplace_back(cursor.source().line_text(word.line));
    }
  }
  cursor.expect_end_after(first);
}

void check_complete_setup(const ScriptSetup& setup, const SetupChecks& checks,
                          const std::string& file) {
  for (const SetupChecks::BrokerReference& reference : checks.broker_references) {
    const std::int64_t id = *parse_script_integer(reference.word.text);
    const std::string problem = broker_out_of_range_problem(id, setup.brokers);
    if (!problem.empty()) {
      throw ScriptError({file, reference.word.line, reference.word.column}, problem,
                        reference.line_text, reference.word.length);
    }
  }
  if (setup.broker_configs.empty()) return;

  // Every broker's settings together, as the runner applies them: the protocol's defaults, then
  // each line for every broker or for that one, in file order.
  std::set<std::optional<std::int32_t>> scopes = {std::nullopt};
  for (const ConfigSetting& setting : setup.broker_configs) scopes.insert(setting.broker);
  for (const std::optional<std::int32_t>& scope : scopes) {
    sim::cluster::ClusterOptions options;
    options.set_protocol_version(setup.protocol);
    sim::cluster::BrokerConfig config = options.broker;
    std::size_t last = setup.broker_configs.size();
    for (std::size_t i = 0; i < setup.broker_configs.size(); ++i) {
      const ConfigSetting& setting = setup.broker_configs[i];
      if (setting.broker && setting.broker != scope) continue;
      apply_broker_config(config, setting.name, setting.value);
      last = i;
    }
    if (last == setup.broker_configs.size()) continue;
    try {
      config.replication.validate();
      config.log.validate();
    } catch (const std::invalid_argument& error) {
      const ConfigSetting& setting = setup.broker_configs[last];
      throw ScriptError(
          {file, setting.location.line, 0},
          std::string(error.what()) + (scope ? " (broker " + std::to_string(*scope) + "'s settings)"
                                             : std::string(" (the brokers' settings)")),
          checks.config_line_texts[last]);
    }
  }
}

}  // namespace ksim::scenarios::parsing
