// The fault lines: kill -9, power-off, start, shutdown, pause, resume (processes); isolate,
// split, slow link, heal (network); slow / fill / heal disk; kill -9 client and stop (jobs).
#include "scenarios/did_you_mean.h"
#include "scenarios/script_parse_context.h"

namespace ksim::scenarios::parsing {

namespace {

constexpr std::string_view kBrokerTargetForms = "broker N, leader T-P or controller";
constexpr std::string_view kNodeForms =
    "broker N, leader T-P, controller, zookeeper or client NAME";

BrokerTarget parse_broker_target(WordCursor& cursor, const ScriptFacts& facts) {
  const ScriptWord& word = cursor.take("a target: " + std::string(kBrokerTargetForms));
  BrokerTarget target;
  if (word.is("broker")) {
    target.kind = BrokerTarget::Kind::broker;
    target.broker_id = broker_id_at(cursor, cursor.take("a broker id"), facts);
  } else if (word.is("leader")) {
    target.kind = BrokerTarget::Kind::leader_of;
    target.partition = partition_at(cursor, cursor.take("a partition (TOPIC-PARTITION)"));
  } else if (word.is("controller")) {
    target.kind = BrokerTarget::Kind::controller;
  } else {
    cursor.fail_at(word, "expected a target: " + std::string(kBrokerTargetForms) + ", got " +
                             quoted_for_message(word.text));
  }
  return target;
}

// One node; `groups`: "brokers" and "clients" are allowed too.
NodeTarget parse_node_target(WordCursor& cursor, const ScriptFacts& facts, bool groups) {
  const std::string forms = groups ? std::string(kNodeForms.substr(0, kNodeForms.rfind(" or "))) +
                                         ", client NAME, brokers or clients"
                                   : std::string(kNodeForms);
  if (cursor.at_end()) cursor.take("a node: " + forms);
  const ScriptWord& word = cursor.peek();
  NodeTarget node;
  if (word.is("broker") || word.is("leader") || word.is("controller")) {
    node.kind = NodeTarget::Kind::broker;
    node.broker = parse_broker_target(cursor, facts);
    return node;
  }
  cursor.take("a node");
  if (word.is("zookeeper")) {
    node.kind = NodeTarget::Kind::zookeeper;
  } else if (word.is("client")) {
    node.kind = NodeTarget::Kind::client;
    const ScriptWord& name = cursor.take("a client job's name");
    if (name.is_operator || name.is(",")) {
      cursor.fail_at(name, "expected a client job's name, got " + quoted_for_message(name.text));
    }
    node.client = name.text;
  } else if (groups && word.is("brokers")) {
    node.kind = NodeTarget::Kind::all_brokers;
  } else if (groups && word.is("clients")) {
    node.kind = NodeTarget::Kind::all_clients;
  } else {
    cursor.fail_at(word, "expected a node: " + forms + ", got " + quoted_for_message(word.text));
  }
  return node;
}

// The words with every unquoted comma a word of its own ("0," -> "0" ","), for node lists.
std::vector<ScriptWord> fault_words_split_at_commas(const std::vector<ScriptWord>& words) {
  std::vector<ScriptWord> split;
  for (const ScriptWord& word : words) {
    if (word.quoted || word.text.find(',') == std::string::npos || word.text == ",") {
      split.push_back(word);
      continue;
    }
    std::size_t start = 0;
    while (start <= word.text.size()) {
      const std::size_t comma = std::min(word.text.find(',', start), word.text.size());
      if (comma > start) {
        ScriptWord piece = word;
        piece.text = word.text.substr(start, comma - start);
        piece.column = word.column + static_cast<std::int32_t>(start);
        piece.length = static_cast<std::int32_t>(comma - start);
        split.push_back(std::move(piece));
      }
      if (comma < word.text.size()) {
        ScriptWord separator = word;
        separator.text = ",";
        separator.column = word.column + static_cast<std::int32_t>(comma);
        separator.length = 1;
        split.push_back(std::move(separator));
      }
      start = comma + 1;
    }
  }
  return split;
}

struct PlacedNode {
  NodeTarget node;
  ScriptWord word;  // its first word
};

// Nodes separated by commas or blanks, up to the end or a '|'.
std::vector<PlacedNode> parse_node_list(WordCursor& cursor, const ScriptFacts& facts) {
  std::vector<PlacedNode> nodes;
  while (!cursor.at_end() && !cursor.next_is("|")) {
    if (cursor.next_is(",")) {
      if (nodes.empty()) cursor.fail_at(cursor.peek(), "expected a node before ','");
      cursor.take(",");
      if (cursor.at_end() || cursor.next_is("|")) {
        cursor.fail_after(cursor.previous(), "expected a node after ','");
      }
    }
    if (cursor.at_end()) break;
    ScriptWord word = cursor.peek();
    nodes.push_back({parse_node_target(cursor, facts, true), std::move(word)});
  }
  return nodes;
}

std::vector<NodeTarget> fault_nodes_of(const std::vector<PlacedNode>& placed) {
  std::vector<NodeTarget> nodes;
  for (const PlacedNode& p : placed) nodes.push_back(p.node);
  return nodes;
}

const ScriptWord& started_job_at(WordCursor& cursor, const ScriptFacts& facts,
                                 std::string_view usage) {
  const ScriptWord& name = cursor.take("a job's name (" + std::string(usage) + ")");
  if (facts.jobs.count(name.text) == 0) {
    std::string message =
        "no job named " + quoted_for_message(name.text) + " was started before this line";
    if (facts.jobs.empty()) {
      message += " (a tool command ending in '&' starts one)";
    } else {
      message += did_you_mean(name.text, facts.job_names());
    }
    cursor.fail_at(name, message);
  }
  return name;
}

LifecycleFault lifecycle_fault(LifecycleFault::Action action, BrokerTarget target) {
  LifecycleFault fault;
  fault.action = action;
  fault.target = std::move(target);
  return fault;
}

DiskFault disk_fault(DiskFault::Action action, BrokerTarget target,
                     std::uint64_t slow_percent = 100) {
  DiskFault fault;
  fault.action = action;
  fault.target = std::move(target);
  fault.slow_percent = slow_percent;
  return fault;
}

// "10x", "2.5x": how many times slower, as a percentage (1000, 250); 1x to 10000x, to 0.01.
std::uint64_t slow_factor_at(WordCursor& cursor, const ScriptWord& word) {
  const std::string_view text = word.text;
  const auto fail = [&] {
    cursor.fail_at(word, "expected how many times slower, like 10x or 2.5x (1x to 10000x), got " +
                             quoted_for_message(word.text));
  };
  if (text.size() < 2 || text.back() != 'x') fail();
  const std::string_view number = text.substr(0, text.size() - 1);
  std::uint64_t whole = 0;
  std::uint64_t hundredths = 0;
  std::size_t i = 0;
  for (; i < number.size() && number[i] != '.'; ++i) {
    if (number[i] < '0' || number[i] > '9' || whole > 10000) fail();
    whole = whole * 10 + static_cast<std::uint64_t>(number[i] - '0');
  }
  if (i == 0) fail();
  if (i < number.size()) {
    const std::string_view fraction = number.substr(i + 1);
    if (fraction.empty() || fraction.size() > 2) fail();
    for (const char c : fraction) {
      if (c < '0' || c > '9') fail();
    }
    hundredths = static_cast<std::uint64_t>(fraction[0] - '0') * 10 +
                 (fraction.size() > 1 ? static_cast<std::uint64_t>(fraction[1] - '0') : 0);
  }
  const std::uint64_t percent = whole * 100 + hundredths;
  if (percent < 100 || percent > 1000000) fail();
  return percent;
}

}  // namespace

Command parse_fault_command(WordCursor& plain_cursor, const ScriptFacts& facts) {
  WordCursor cursor(plain_cursor.source(), fault_words_split_at_commas(plain_cursor.take_rest()));
  const ScriptWord first = cursor.take("a command");
  const std::string_view name = first.text;
  Command command;

  if (name == "kill") {
    const ScriptWord& signal = cursor.take("-9 (kill -9 TARGET)");
    if (!signal.is("-9")) {
      cursor.fail_at(signal,
                     "expected -9 (kill -9 TARGET): ksim's kill is SIGKILL; for a "
                     "controlled shutdown (SIGTERM) write shutdown TARGET");
    }
    if (cursor.take_if("client")) {
      command = KillClient{started_job_at(cursor, facts, "kill -9 client NAME").text};
    } else {
      command = lifecycle_fault(LifecycleFault::Action::kill, parse_broker_target(cursor, facts));
    }
  } else if (name == "power-off" || name == "shutdown" || name == "pause" || name == "resume") {
    const LifecycleFault::Action action = name == "power-off"  ? LifecycleFault::Action::power_off
                                          : name == "shutdown" ? LifecycleFault::Action::shutdown
                                          : name == "pause"    ? LifecycleFault::Action::pause
                                                               : LifecycleFault::Action::resume;
    command = lifecycle_fault(action, parse_broker_target(cursor, facts));
  } else if (name == "start") {
    cursor.take_keyword("broker", "start broker N: a stopped broker, by id");
    BrokerTarget target;
    target.broker_id = broker_id_at(cursor, cursor.take("a broker id"), facts);
    command = lifecycle_fault(LifecycleFault::Action::start, target);
  } else if (name == "stop") {
    if (cursor.next_is("broker") && facts.jobs.count("broker") == 0) {
      cursor.fail_at(cursor.peek(),
                     "stop closes a client job (stop NAME); a broker stops with "
                     "shutdown broker N, kill -9 broker N or power-off broker N");
    }
    command = StopClient{started_job_at(cursor, facts, "stop NAME").text};
  } else if (name == "isolate") {
    Isolate isolate;
    isolate.node = parse_node_target(cursor, facts, false);
    if (cursor.take_if("from")) {
      isolate.from = fault_nodes_of(parse_node_list(cursor, facts));
      if (isolate.from.empty()) {
        cursor.fail_after(
            cursor.previous(),
            "expected what to cut it from: brokers, zookeeper, clients, broker N, ...");
      }
    }
    command = std::move(isolate);
  } else if (name == "split") {
    constexpr std::string_view kUsage = "split broker 0, broker 1 | broker 2, zookeeper";
    Split split;
    std::vector<std::pair<std::string, std::size_t>> seen;  // a node's name, its side
    while (true) {
      if (cursor.at_end() || cursor.next_is("|")) {
        const ScriptWord& at = cursor.at_end() ? cursor.previous() : cursor.peek();
        if (cursor.at_end()) {
          cursor.fail_after(at, "expected a node (" + std::string(kUsage) + ")");
        }
        cursor.fail_at(at, "expected a node before '|' (" + std::string(kUsage) + ")");
      }
      const std::vector<PlacedNode> side = parse_node_list(cursor, facts);
      for (const PlacedNode& placed : side) {
        const std::string node_name = placed.node.to_string();
        for (const auto& [other, other_side] : seen) {
          if (other == node_name) {
            cursor.fail_at(placed.word, node_name + (other_side == split.sides.size()
                                                         ? " is named twice"
                                                         : " is on two sides of the split"));
          }
        }
        seen.emplace_back(node_name, split.sides.size());
      }
      split.sides.push_back(fault_nodes_of(side));
      if (!cursor.take_if("|")) break;
    }
    if (split.sides.size() < 2) {
      cursor.fail_at(
          first, "split needs two or more sides separated by '|' (" + std::string(kUsage) + ")");
    }
    command = std::move(split);
  } else if (name == "slow") {
    const ScriptWord& what =
        cursor.take("link or disk (slow link A B 200ms, slow disk broker N 10x)");
    if (what.is("link")) {
      SlowLink slow;
      slow.a = parse_node_target(cursor, facts, false);
      cursor.take_if(",");
      slow.b = parse_node_target(cursor, facts, false);
      if (slow.a.to_string() == slow.b.to_string()) {
        cursor.fail_at(cursor.previous(), "a link joins two different nodes");
      }
      slow.extra_latency = duration_at(cursor, cursor.take("a latency (200ms)"));
      command = std::move(slow);
    } else if (what.is("disk")) {
      BrokerTarget target = parse_broker_target(cursor, facts);
      const std::uint64_t percent = slow_factor_at(cursor, cursor.take("how many times slower (10x)"));
      command = disk_fault(DiskFault::Action::slow, std::move(target), percent);
    } else {
      cursor.fail_at(what,
                     "expected link or disk after 'slow', got " + quoted_for_message(what.text));
    }
  } else if (name == "heal") {
    if (cursor.take_if("disk")) {
      command = disk_fault(DiskFault::Action::heal, parse_broker_target(cursor, facts));
    } else {
      command = HealNetwork{};
      if (!cursor.at_end()) {
        cursor.fail_at(cursor.peek(), "unexpected " + quoted_for_message(cursor.peek().text) +
                                          ": heal takes nothing (every network fault) or disk "
                                          "broker N");
      }
    }
  } else if (name == "fill") {
    cursor.take_keyword("disk", "fill disk broker N");
    command = disk_fault(DiskFault::Action::fill, parse_broker_target(cursor, facts));
  } else {
    cursor.fail_at(first, "unknown fault " + quoted_for_message(name));
  }
  cursor.expect_end_after(first);
  return command;
}

}  // namespace ksim::scenarios::parsing
