// zkCli's output formats (LsCommand, GetCommand, StatCommand, StatPrinter, Date.toString).
#include "core/controller/zk_cli.h"

#include <fmt/format.h>

#include <array>
#include <stdexcept>

#include "core/controller/zk_path.h"

namespace ksim::controller::zk {
namespace {

constexpr std::int64_t ms_per_day = 86'400'000;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

struct CivilDate {
  std::int64_t year;
  int month;  // 1..12
  int day;    // 1..31
};

// Days since 1970-01-01 to a proleptic Gregorian date.
CivilDate civil_from_days(std::int64_t days) {
  const std::int64_t z = days + 719468;
  const std::int64_t era = floor_div(z, 146097);
  const std::int64_t doe = z - era * 146097;                                       // [0, 146096]
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const std::int64_t mp = (5 * doy + 2) / 153;                                     // [0, 11]
  const auto day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const auto month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return {year, month, day};
}

// The children of a node in order; nullptr-safe for a missing node.
std::string format_children(const DataNode& node) {
  std::string out = "[";
  bool first = true;
  for (const std::string& child : node.children) {
    if (!first) out += ", ";
    first = false;
    out += child;
  }
  out += "]\n";
  return out;
}

// The node at `path`, or the text zkCli prints instead (a bad path or a missing node).
const DataNode* lookup(const DataTree& tree, std::string_view path, std::string& error) {
  try {
    validate_path(path);
  } catch (const InvalidPathError& e) {
    error = std::string(e.what()) + "\n";
    return nullptr;
  }
  const DataNode* node = tree.node(path);
  if (node == nullptr) error = zkcli_error_message(Code::NONODE, path) + "\n";
  return node;
}

void visit_depth_first(const DataTree& tree, const std::string& path, std::string& out) {
  out += path;
  out += '\n';
  const DataNode* node = tree.node(path);
  for (const std::string& child : node->children)
    visit_depth_first(tree, join_path(path, child), out);
}

void collect_tree(const DataTree& tree, const std::string& path, int depth,
                  std::vector<ZNodeTreeEntry>& out) {
  const DataNode* node = tree.node(path);
  ZNodeTreeEntry entry;
  entry.path = path;
  entry.name = path == "/" ? std::string("/") : std::string(node_name(path));
  entry.depth = depth;
  entry.stat = node->to_stat();
  entry.data = node->data;
  out.push_back(std::move(entry));
  for (const std::string& child : node->children) {
    collect_tree(tree, join_path(path, child), depth + 1, out);
  }
}

void tree_lines(const DataTree& tree, const std::string& path, const std::string& prefix,
                std::string& out) {
  const DataNode* node = tree.node(path);
  std::size_t remaining = node->children.size();
  for (const std::string& child : node->children) {
    const bool last = --remaining == 0;
    const std::string child_path = join_path(path, child);
    const DataNode* child_node = tree.node(child_path);
    out += prefix;
    out += last ? "└── " : "├── ";
    out += child;
    if (child_node->data && !child_node->data->empty()) {
      out += " = ";
      out += *child_node->data;
    }
    if (child_node->stat.ephemeral_owner != 0) {
      out += fmt::format("  [ephemeral {}]", java_hex(child_node->stat.ephemeral_owner));
    }
    out += '\n';
    tree_lines(tree, child_path, prefix + (last ? "    " : "│   "), out);
  }
}

std::vector<std::string_view> split_words(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) words.push_back(line.substr(start, i - start));
  }
  return words;
}

}  // namespace

std::string java_date_to_string(std::int64_t epoch_ms, const JavaTimeZone& zone) {
  static constexpr std::array<const char*, 7> weekdays = {"Sun", "Mon", "Tue", "Wed",
                                                          "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::int64_t local_ms = epoch_ms + std::int64_t{zone.offset_minutes} * 60'000;
  const std::int64_t days = floor_div(local_ms, ms_per_day);
  const std::int64_t ms_of_day = local_ms - days * ms_per_day;
  const CivilDate date = civil_from_days(days);
  const std::int64_t seconds = ms_of_day / 1000;
  const auto weekday = static_cast<std::size_t>((days + 4) - floor_div(days + 4, 7) * 7);
  return fmt::format("{} {} {:02d} {:02d}:{:02d}:{:02d} {} {:04d}", weekdays[weekday],
                     months[static_cast<std::size_t>(date.month - 1)], date.day, seconds / 3600,
                     (seconds / 60) % 60, seconds % 60, zone.name, date.year);
}

std::string format_stat(const Stat& stat, const JavaTimeZone& zone) {
  std::string out;
  out += fmt::format("cZxid = {}\n", java_hex(stat.czxid));
  out += fmt::format("ctime = {}\n", java_date_to_string(stat.ctime, zone));
  out += fmt::format("mZxid = {}\n", java_hex(stat.mzxid));
  out += fmt::format("mtime = {}\n", java_date_to_string(stat.mtime, zone));
  out += fmt::format("pZxid = {}\n", java_hex(stat.pzxid));
  out += fmt::format("cversion = {}\n", stat.cversion);
  out += fmt::format("dataVersion = {}\n", stat.version);
  out += fmt::format("aclVersion = {}\n", stat.aversion);
  out += fmt::format("ephemeralOwner = {}\n", java_hex(stat.ephemeral_owner));
  out += fmt::format("dataLength = {}\n", stat.data_length);
  out += fmt::format("numChildren = {}\n", stat.num_children);
  return out;
}

std::string zkcli_ls(const DataTree& tree, std::string_view path, bool with_stat,
                     const JavaTimeZone& zone) {
  std::string error;
  const DataNode* node = lookup(tree, path, error);
  if (node == nullptr) return error;
  std::string out = format_children(*node);
  if (with_stat) out += format_stat(node->to_stat(), zone);
  return out;
}

std::string zkcli_ls_recursive(const DataTree& tree, std::string_view path) {
  std::string error;
  if (lookup(tree, path, error) == nullptr) return error;
  std::string out;
  visit_depth_first(tree, std::string(path), out);
  return out;
}

std::string zkcli_get(const DataTree& tree, std::string_view path, bool with_stat,
                      const JavaTimeZone& zone) {
  std::string error;
  const DataNode* node = lookup(tree, path, error);
  if (node == nullptr) return error;
  std::string out = node->data ? *node->data : std::string("null");
  out += '\n';
  if (with_stat) out += format_stat(node->to_stat(), zone);
  return out;
}

std::string zkcli_stat(const DataTree& tree, std::string_view path, const JavaTimeZone& zone) {
  std::string error;
  const DataNode* node = lookup(tree, path, error);
  if (node == nullptr) return error;
  return format_stat(node->to_stat(), zone);
}

std::string zkcli_run(const DataTree& tree, std::string_view command_line,
                      const JavaTimeZone& zone) {
  const std::vector<std::string_view> words = split_words(command_line);
  if (words.empty()) return {};
  const std::string_view command = words[0];
  bool with_stat = false;
  bool recursive = false;
  std::vector<std::string_view> arguments;
  for (std::size_t i = 1; i < words.size(); ++i) {
    if (words[i] == "-s") {
      with_stat = true;
    } else if (words[i] == "-R") {
      recursive = true;
    } else if (words[i] == "-w") {
      // A view sets no watches.
    } else {
      arguments.push_back(words[i]);
    }
  }
  if (command == "ls") {
    if (arguments.empty()) return "ls [-s] [-w] [-R] path\n";
    if (recursive) return zkcli_ls_recursive(tree, arguments[0]);
    return zkcli_ls(tree, arguments[0], with_stat, zone);
  }
  if (command == "get") {
    if (arguments.empty()) return "get [-s] [-w] path\n";
    return zkcli_get(tree, arguments[0], with_stat, zone);
  }
  if (command == "stat") {
    if (arguments.empty()) return "stat [-w] path\n";
    return zkcli_stat(tree, arguments[0], zone);
  }
  throw std::invalid_argument(fmt::format(
      "zkCli view: unknown or unsupported command \"{}\" (the view runs ls, get and stat)",
      command));
}

std::vector<ZNodeTreeEntry> znode_tree(const DataTree& tree, std::string_view root) {
  if (tree.node(root) == nullptr) {
    throw std::invalid_argument(fmt::format("znode tree: no znode at {}", root));
  }
  std::vector<ZNodeTreeEntry> entries;
  collect_tree(tree, std::string(root), 0, entries);
  return entries;
}

std::string znode_tree_text(const DataTree& tree, std::string_view root) {
  if (tree.node(root) == nullptr) {
    throw std::invalid_argument(fmt::format("znode tree: no znode at {}", root));
  }
  std::string out(root);
  out += '\n';
  tree_lines(tree, std::string(root), "", out);
  return out;
}

}  // namespace ksim::controller::zk
