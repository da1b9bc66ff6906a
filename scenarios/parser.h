// The scenario language's parser (scenarios/README.md): text in, a checked Script out, or a
// ScriptError saying where (file:line:col, with the line and a caret) and what is wrong. Nothing
// in a script runs before all of it has parsed. Whole files, or a console's lines one at a time.
//
// Decisions the README leaves open:
//   - '&' (background) is for kafka-console-producer.sh, kafka-console-consumer.sh and
//     kafka-producer-perf-test.sh only; any other command ending in '&' is an error. A background
//     console producer takes '>' lines too.
//   - Background jobs are named by their client.id, else producer-N / consumer-N, N counting the
//     jobs of that kind started without a client.id (as Kafka's clients number their default
//     client.id). Names are unique over the whole script. Foreground tools have no job_name.
//     stop / kill -9 client / consumed NAME must name a job started on an earlier line;
//     `client NAME` as a network node is not checked.
//   - Every tool accepts --bootstrap-server, --zookeeper and --broker-list; only kafka-topics.sh
//     uses them (TopicCommandOptions::bootstrap_server and ::zookeeper).
//   - kafka-console-producer.sh's --request-required-acks is appended to producer_properties as
//     ("acks", value): Kafka lets it override --producer-property acks=...
//   - kafka-consumer-groups.sh's arguments are kept as "--list" or "--describe --group G"
//     (connection options dropped).
//   - kafka-producer-perf-test.sh needs --topic and --num-records; --throughput (default -1) and
//     --record-size (default 100) may be left out.
//   - kafka-reassign-partitions.sh's --reassignment-json-file must be a file an earlier echo
//     wrote.
//   - brokers is 1 to 100. broker-config lines are checked one by one (apply_broker_config) and,
//     when the setup is complete, together per broker over the protocol's defaults
//     (ReplicationConfig::validate, LogConfig::validate). ConfigSetting::location points at
//     the setting's NAME.
//   - Step::location has column 0 (the whole line) and the line the command starts on;
//     Step::source is the command as written without its comment, continuations joined by one
//     space; "at 20s: CMD" gives two steps on one line: At ("at 20s") and CMD (its own text).
//     ToolCommand::command_line is the tool's own text, '&' included.
//   - A ConsoleProducerTool::Line's location has column 0; its text is what follows "> " (or ">").
//   - '#' starts a comment anywhere outside quotes. output == / contains and failed texts read
//     \n, \t and \\ as a newline, a tab and a backslash. `expect failed` alone: any failure.
//   - `isolate` takes one node (broker N, leader T-P, controller, zookeeper, client NAME); its
//     `from` list and split's sides may also name the groups `brokers` and `clients`. Nodes in
//     lists are separated by commas or blanks. split takes two or more sides.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/script.h"

namespace ksim::scenarios {

// Parses a whole scenario. `file_name` names it in locations and errors; Script::name is its
// stem ("scenarios/quickstart.ksim" -> "quickstart"). Throws ScriptError at the first problem.
Script parse_script(std::string_view text, std::string file_name);

// Reads and parses a scenario file. Throws ScriptError naming the path and the reason when it
// cannot be read.
Script load_script(const std::string& path);

class ScriptParser {
 public:
  // `file_name` names the source in locations. `setup`: the cluster later commands run against
  // (a console's); a file's own setup lines (parse_file) change it.
  explicit ScriptParser(std::string file_name, ScriptSetup setup = {});
  ~ScriptParser();
  ScriptParser(ScriptParser&&) noexcept;
  ScriptParser& operator=(ScriptParser&&) noexcept;
  ScriptParser(const ScriptParser&) = delete;
  ScriptParser& operator=(const ScriptParser&) = delete;

  // A whole file: setup lines, then commands. Only on a fresh parser (std::logic_error
  // otherwise). Throws ScriptError at the first problem. parse_command may follow, knowing the
  // file's jobs, files and times.
  Script parse_file(std::string_view text);

  // One line typed at a console (the next line number; pasted text with newlines is its lines,
  // in turn). Returns the steps it completes, in order, often none yet:
  //   - a line ending in '\' waits for the rest of its command;
  //   - a kafka-console-producer.sh command waits for its '>' lines: it is returned, with them,
  //     before the steps of the next line that is not one, or on a blank line, or by finish().
  // Setup lines are refused. On a ScriptError the parser is left as before the call (a command
  // being continued is dropped), but for the line count.
  std::vector<Step> parse_command(std::string_view line);

  // The end of the input: the steps still held (a console producer, a continued command).
  std::vector<Step> finish();

  // Later lines are named `file_name` and counted from 1 again (a console after a file).
  void restart_lines(std::string file_name);

  bool continuing_line() const;         // the last line ended in '\'
  bool reading_producer_input() const;  // a console producer is taking '>' lines
  const ScriptSetup& setup() const;
  std::vector<std::string> job_names() const;  // background jobs started so far, sorted

 private:
  struct State;
  void feed_line(std::string_view text, bool from_file);
  void process_command(bool from_file);
  void emit(Step step);
  void close_setup();

  std::unique_ptr<State> state_;
};

}  // namespace ksim::scenarios
