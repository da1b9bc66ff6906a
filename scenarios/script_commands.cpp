// The lines that run: at, wait, say, expect, echo, Kafka's tools (with their background job
// names) and the faults.
#include "scenarios/did_you_mean.h"
#include "scenarios/script_parse_context.h"

namespace ksim::scenarios::parsing {

namespace {

bool is_fault_command_name(std::string_view word) {
  return word == "kill" || word == "power-off" || word == "start" || word == "shutdown" ||
         word == "pause" || word == "resume" || word == "isolate" || word == "split" ||
         word == "slow" || word == "heal" || word == "fill" || word == "stop";
}

// A background tool's job: its client.id, or the next producer-N / consumer-N; unique.
void name_background_job(const WordCursor& cursor, const ScriptWord& tool,
                         ParsedToolCommand& parsed, ScriptFacts& facts) {
  ToolCommand& command = parsed.command;
  if (!command.background) {
    command.job_name.clear();
    return;
  }
  const bool consumer = std::holds_alternative<ConsoleConsumerTool>(command.tool);
  const bool named = parsed.client_id_word.has_value();
  if (!named) {
    const std::int32_t number =
        consumer ? ++facts.unnamed_consumer_jobs : ++facts.unnamed_producer_jobs;
    command.job_name = (consumer ? "consumer-" : "producer-") + std::to_string(number);
  }
  if (const auto earlier = facts.jobs.find(command.job_name); earlier != facts.jobs.end()) {
    const std::string line = std::to_string(earlier->second.line);
    if (named) {
      cursor.fail_at(*parsed.client_id_word, "a job named " + quoted_for_message(command.job_name) +
                                                 " was already started on line " + line +
                                                 ": give this one another client.id");
    }
    cursor.fail_at(tool, "this job would be named " + quoted_for_message(command.job_name) +
                             " (it has no client.id), but the job started on line " + line +
                             " has that name: give it a client.id");
  }
  facts.jobs[command.job_name] = ScriptJob{command.job_name, consumer, tool.line};
}

// wait 5s | wait until CONDITION [within 30s]
Command parse_wait_command(WordCursor& cursor, const ScriptFacts& facts) {
  const ScriptWord wait = cursor.take("wait");
  if (!cursor.take_if("until")) {
    const ScriptWord& duration = cursor.take("a duration (wait 5s) or until CONDITION");
    Wait step{duration_at(cursor, duration)};
    cursor.expect_end_after(wait);
    return step;
  }
  std::vector<ScriptWord> words = cursor.take_rest();
  WaitUntil until;
  if (!words.empty() && words.back().is("within")) {
    cursor.fail_after(words.back(), "expected a duration after 'within' (within 30s)");
  }
  if (words.size() >= 2 && words[words.size() - 2].is("within")) {
    until.within = duration_at(cursor, words.back());
    words.resize(words.size() - 2);
  }
  if (words.empty()) {
    cursor.fail_after(cursor.previous(),
                      "expected a condition after 'until' (wait until leader "
                      "t-0 != 1 within 30s)");
  }
  WordCursor condition(cursor.source(), std::move(words));
  until.condition = parse_condition(condition, facts);
  return until;
}

Step parse_running_command(WordCursor& cursor, ScriptFacts& facts,
                           const std::optional<ScriptWord>& background) {
  const ScriptWord first = cursor.peek();
  const ScriptWord& last = background ? *background : cursor.words().back();
  Step step;
  step.location = {cursor.source().file(), cursor.source().first_line(), 0};
  step.source = cursor.source().text_between(first, last);

  const std::string_view tool = tool_name_of(first.text);
  if (background && tool.empty()) {
    cursor.fail_at(*background,
                   "only a tool command can run in the background ('&'): "
                   "kafka-console-producer.sh, kafka-console-consumer.sh or "
                   "kafka-producer-perf-test.sh");
  }
  if (first.is_operator || first.quoted) {
    cursor.fail_at(first, "expected a command, got " + quoted_for_message(first.text));
  }
  const std::string& name = first.text;
  if (!tool.empty()) {
    ParsedToolCommand parsed = parse_tool_command(cursor, facts, background.has_value());
    parsed.command.command_line = step.source;
    name_background_job(cursor, first, parsed, facts);
    step.command = std::move(parsed.command);
  } else if (name == "echo") {
    ToolCommand command;
    command.command_line = step.source;
    EchoToFile echo = parse_echo_command(cursor);
    facts.files_written[echo.file] = first.line;
    command.tool = std::move(echo);
    step.command = std::move(command);
  } else if (name == "say") {
    cursor.take("say");
    step.command = Say{cursor.take("a quoted text (say \"...\")").text};
    if (!cursor.at_end()) {
      cursor.fail_at(cursor.peek(), "say takes one quoted string (say \"...\")");
    }
  } else if (name == "wait") {
    step.command = parse_wait_command(cursor, facts);
  } else if (name == "expect") {
    cursor.take("expect");
    step.command = Expect{parse_condition(cursor, facts)};
  } else if (is_fault_command_name(name)) {
    step.command = parse_fault_command(cursor, facts);
  } else if (name == "at") {
    cursor.fail_at(first, "'at' cannot follow 'at T:'");
  } else {
    const std::size_t slash = name.rfind('/');
    const std::string base = slash == std::string::npos ? name : name.substr(slash + 1);
    cursor.fail_at(first, "unknown command " + quoted_for_message(name) +
                              did_you_mean(base, script_command_names()));
  }
  return step;
}

}  // namespace

std::vector<Step> parse_running_line(WordCursor& cursor, ScriptFacts& facts,
                                     const std::optional<ScriptWord>& background) {
  const ScriptWord first = cursor.peek();
  if (!first.is("at")) return {parse_running_command(cursor, facts, background)};

  // at T | at T: COMMAND
  cursor.take("at");
  ScriptWord time = cursor.take("a time (at 20s, or at 20s: COMMAND)");
  bool colon = false;
  if (!time.quoted && time.text.size() > 1 && time.text.back() == ':') {
    time.text.pop_back();
    time.length -= 1;
    colon = true;
  } else if (cursor.take_if(":")) {
    colon = true;
  }
  const sim::SimDuration at = duration_at(cursor, time);
  if (facts.last_at && at < *facts.last_at) {
    cursor.fail_at(time, "at " + time.text + " goes back in time: the 'at " + facts.last_at_text +
                             "' on line " + std::to_string(facts.last_at_line) + " is later");
  }
  Step at_step;
  at_step.location = {cursor.source().file(), cursor.source().first_line(), 0};
  at_step.source = cursor.source().text_between(first, time);
  at_step.command = At{at};

  if (cursor.at_end()) {
    if (colon)
      cursor.fail_after(cursor.previous(), "expected a command after ':' (at 20s: COMMAND)");
    if (background) {
      cursor.fail_at(*background, "only a tool command can run in the background ('&')");
    }
    facts.last_at = at;
    facts.last_at_line = first.line;
    facts.last_at_text = time.text;
    return {at_step};
  }
  if (!colon) {
    cursor.fail_at(cursor.peek(), "expected ':' after the time (at 20s: COMMAND), got " +
                                      quoted_for_message(cursor.peek().text));
  }
  if (is_setup_command_name(cursor.peek().text) && !cursor.peek().quoted) {
    cursor.fail_at(cursor.peek(), quoted_for_message(cursor.peek().text) +
                                      " is a setup line: it cannot run at a time");
  }
  WordCursor rest(cursor.source(), cursor.take_rest());
  Step command = parse_running_command(rest, facts, background);
  facts.last_at = at;
  facts.last_at_line = first.line;
  facts.last_at_text = time.text;
  return {std::move(at_step), std::move(command)};
}

}  // namespace ksim::scenarios::parsing
