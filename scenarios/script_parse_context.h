// What the parts of the scenario parser share (internal to scenarios/): one command's words with
// the lines they were written on, to report errors with a caret; a cursor over the words; the
// facts earlier lines established (brokers, background jobs, files written with echo); and the
// values of words (numbers, durations, partitions, broker ids) with errors at the word.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/storage/topic_partition.h"
#include "scenarios/script.h"
#include "scenarios/script_lexer.h"
#include "scenarios/script_values.h"
#include "sim/kernel/sim_time.h"

namespace ksim::scenarios::parsing {

struct PhysicalLine {
  std::int32_t number = 0;  // 1-based
  std::string text;
};

// One command as written: its physical lines (more than one after '\' continuations).
class CommandSource {
 public:
  CommandSource(std::string file, std::vector<PhysicalLine> lines);

  const std::string& file() const { return file_; }
  std::int32_t first_line() const { return lines_.front().number; }

  // A ScriptError with a caret under `word`.
  [[noreturn]] void fail_at(const ScriptWord& word, const std::string& message) const;
  // A ScriptError with a caret just after `word`: where something expected is missing.
  [[noreturn]] void fail_after(const ScriptWord& word, const std::string& message) const;
  // A ScriptError at a line and column of this command (column 0: the whole line).
  [[noreturn]] void fail_at_position(std::int32_t line, std::int32_t column, std::int32_t length,
                                     const std::string& message) const;

  // The text from `first` to `last` (inclusive) as written: a slice of one line, or the slices
  // of each line (continuation backslashes dropped) joined by single spaces.
  std::string text_between(const ScriptWord& first, const ScriptWord& last) const;
  // One of its physical lines, as written ("" for a line not in it).
  std::string_view line_text(std::int32_t number) const;

 private:
  std::string file_;
  std::vector<PhysicalLine> lines_;
};

// A cursor over words (a copy: parts of the parser may reshape them, e.g. split at commas).
class WordCursor {
 public:
  WordCursor(const CommandSource& source, std::vector<ScriptWord> words);

  const CommandSource& source() const { return *source_; }
  const std::vector<ScriptWord>& words() const { return words_; }
  std::size_t position() const { return position_; }
  bool at_end() const { return position_ >= words_.size(); }
  std::size_t remaining() const { return words_.size() - position_; }

  // The word `ahead` places on; the caller checks remaining().
  const ScriptWord& peek(std::size_t ahead = 0) const { return words_[position_ + ahead]; }
  // Whether the next word is the unquoted `keyword`.
  bool next_is(std::string_view keyword) const { return !at_end() && peek().is(keyword); }
  // The next word; at the end, fails "expected <expected> after '<previous word>'".
  const ScriptWord& take(std::string_view expected);
  // Takes the next word if it is the unquoted `keyword`.
  bool take_if(std::string_view keyword);
  // Takes the unquoted `keyword` or fails "expected '<keyword>' ...".
  const ScriptWord& take_keyword(std::string_view keyword, std::string_view usage);
  // The last word taken (the first word before anything is taken).
  const ScriptWord& previous() const;
  // Fails at the next word unless every word was taken: "unexpected '<word>' <context>".
  void expect_end(std::string_view context) const;
  // The same, saying what came before: "unexpected 'x' after 'kill -9 broker 1'".
  void expect_end_after(const ScriptWord& first) const;
  // The words not taken yet, and the cursor moved past them.
  std::vector<ScriptWord> take_rest();

  [[noreturn]] void fail_at(const ScriptWord& word, const std::string& message) const {
    source_->fail_at(word, message);
  }
  [[noreturn]] void fail_after(const ScriptWord& word, const std::string& message) const {
    source_->fail_after(word, message);
  }

 private:
  const CommandSource* source_;
  std::vector<ScriptWord> words_;
  std::size_t position_ = 0;
};

// A background job a script started, by its name.
struct ScriptJob {
  std::string name;
  bool consumer = false;  // a console consumer (else a producer)
  std::int32_t line = 0;
};

// What earlier lines established, for checking later ones.
struct ScriptFacts {
  std::int32_t brokers = 3;
  std::map<std::string, ScriptJob> jobs;
  std::map<std::string, std::int32_t> files_written;  // by echo, with the line
  std::int32_t unnamed_producer_jobs = 0;  // background producers without a client.id so far
  std::int32_t unnamed_consumer_jobs = 0;
  std::optional<sim::SimDuration> last_at;  // the latest 'at' time, and its line
  std::int32_t last_at_line = 0;
  std::string last_at_text;  // as written ("20s")

  std::vector<std::string> job_names(bool consumers_only = false) const;
};

// ---- values at a word (errors point at it) ------------------------------------------------------

sim::SimDuration duration_at(const WordCursor& cursor, const ScriptWord& word);
storage::TopicPartition partition_at(const WordCursor& cursor, const ScriptWord& word);
// An integer in [minimum, maximum]; `what` says what was expected ("a number of records").
std::int64_t integer_at(const WordCursor& cursor, const ScriptWord& word, std::string_view what,
                        std::int64_t minimum, std::int64_t maximum);
// A broker id of the cluster (0 .. brokers-1).
std::int32_t broker_id_at(const WordCursor& cursor, const ScriptWord& word,
                          const ScriptFacts& facts);
// "broker 5 does not exist: ..." for an id outside 0 .. brokers-1, else "".
std::string broker_out_of_range_problem(std::int64_t broker_id, std::int32_t brokers);
// "'text'" quoted for messages.
std::string quoted_for_message(std::string_view text);

// ---- setup lines (script_setup_lines.cpp)
// --------------------------------------------------------

bool is_setup_command_name(std::string_view word);

// What setup lines leave to check when the setup is complete (the 'brokers' line may come after
// a broker-config line naming a broker).
struct SetupChecks {
  std::map<std::string, std::int32_t> lines_seen;  // description, seed, brokers, protocol
  struct BrokerReference {
    ScriptWord word;
    std::string line_text;
  };
  std::vector<BrokerReference> broker_references;  // broker-config N
  std::vector<std::string> config_line_texts;      // parallel to ScriptSetup::broker_configs
};

// A setup line (description, seed, brokers, protocol, broker-config); the cursor is on its
// first word.
void parse_setup_line(WordCursor& cursor, ScriptSetup& setup, SetupChecks& checks);
// Broker ids against the final broker count; every broker's settings together
// (ReplicationConfig::validate, LogConfig::validate). Throws ScriptError.
void check_complete_setup(const ScriptSetup& setup, const SetupChecks& checks,
                          const std::string& file);

// ---- commands that run (script_commands.cpp) ----------------------------------------------------

// One command line that runs, '&' already removed (`background`: the word, if there was one).
// "at T: COMMAND" gives two steps. Updates `facts` (jobs, files, at).
std::vector<Step> parse_running_line(WordCursor& cursor, ScriptFacts& facts,
                                     const std::optional<ScriptWord>& background);

// ---- the parts ----------------------------------------------------------------------------------

// Commands a line may start with (setup, time, narration, faults, tools), for "did you mean".
const std::vector<std::string>& script_command_names();

// A tool's name as written ("bin/kafka-topics.sh") without its directory; "" if it is none of
// Kafka's tools that ksim models.
std::string_view tool_name_of(std::string_view word);

struct ParsedToolCommand {
  ToolCommand command;                       // job_name: the client.id given, if any
  std::optional<ScriptWord> client_id_word;  // where that client.id was given
};
// The cursor is on the tool's name; `background`: the command ended in '&' (already removed).
ParsedToolCommand parse_tool_command(WordCursor& cursor, const ScriptFacts& facts, bool background);
// echo 'TEXT' > FILE; the cursor is on "echo".
EchoToFile parse_echo_command(WordCursor& cursor);

// kill -9, power-off, start, shutdown, pause, resume, isolate, split, slow, heal, fill, stop;
// the cursor is on the command's first word.
Command parse_fault_command(WordCursor& cursor, const ScriptFacts& facts);

// A condition: every word left in the cursor.
Condition parse_condition(WordCursor& cursor, const ScriptFacts& facts);

}  // namespace ksim::scenarios::parsing
