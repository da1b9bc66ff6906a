// Conditions, for expect and wait until: SUBJECT OP VALUE, or one of the text forms
// (scenarios/README.md's expectation table).
#include <algorithm>
#include <limits>

#include "scenarios/did_you_mean.h"
#include "scenarios/script_parse_context.h"

namespace ksim::scenarios::parsing {

namespace {

constexpr std::int64_t kConditionMax = std::numeric_limits<std::int64_t>::max();

constexpr Comparison kOrderedComparisons[] = {Comparison::eq, Comparison::ne, Comparison::lt,
                                              Comparison::le, Comparison::gt, Comparison::ge};
constexpr Comparison kEqualityComparisons[] = {Comparison::eq, Comparison::ne};
constexpr Comparison kIsrComparisons[] = {Comparison::eq, Comparison::ne, Comparison::contains,
                                          Comparison::excludes};
constexpr Comparison kOutputComparisons[] = {Comparison::contains, Comparison::eq};

std::string_view comparison_word(Comparison comparison) {
  switch (comparison) {
    case Comparison::eq:
      return "==";
    case Comparison::ne:
      return "!=";
    case Comparison::lt:
      return "<";
    case Comparison::le:
      return "<=";
    case Comparison::gt:
      return ">";
    case Comparison::ge:
      return ">=";
    case Comparison::contains:
      return "contains";
    case Comparison::excludes:
      return "excludes";
  }
  return "?";
}

std::optional<Comparison> comparison_of_word(const ScriptWord& word) {
  if (word.quoted) return std::nullopt;
  for (Comparison c :
       {Comparison::eq, Comparison::ne, Comparison::lt, Comparison::le, Comparison::gt,
        Comparison::ge, Comparison::contains, Comparison::excludes}) {
    if (word.text == comparison_word(c)) return c;
  }
  return std::nullopt;
}

bool next_is_comparison(const WordCursor& cursor) {
  return !cursor.at_end() && comparison_of_word(cursor.peek()).has_value();
}

// "==, !=, <, <=, > or >="
template <std::size_t N>
std::string comparison_forms(const Comparison (&allowed)[N]) {
  std::string forms;
  for (std::size_t i = 0; i < N; ++i) {
    if (i > 0) forms += i + 1 == N ? " or " : ", ";
    forms += comparison_word(allowed[i]);
  }
  return forms;
}

template <std::size_t N>
Comparison take_comparison(WordCursor& cursor, const ScriptWord& first,
                           const Comparison (&allowed)[N]) {
  const std::string subject = cursor.source().text_between(first, cursor.previous());
  const std::string forms = comparison_forms(allowed);
  const ScriptWord& word = cursor.take(forms);
  const std::optional<Comparison> comparison = comparison_of_word(word);
  if (!comparison ||
      std::find(std::begin(allowed), std::end(allowed), *comparison) == std::end(allowed)) {
    cursor.fail_at(word, "expected " + forms + " after " + quoted_for_message(subject) + ", got " +
                             quoted_for_message(word.text));
  }
  return *comparison;
}

std::int64_t take_condition_number(WordCursor& cursor) {
  return integer_at(cursor, cursor.take("a number"), "a number", 0, kConditionMax);
}

// A broker id of the cluster, or none (-1).
std::int64_t take_broker_or_none(WordCursor& cursor, const ScriptFacts& facts) {
  const ScriptWord& word = cursor.take("a broker id or none");
  if (word.is("none")) return -1;
  if (!parse_script_integer(word.text)) {
    cursor.fail_at(word, "expected a broker id or none, got " + quoted_for_message(word.text));
  }
  return broker_id_at(cursor, word, facts);
}

// "[2,0]" (blanks allowed inside, so the list may span words): broker ids of the cluster, each
// once.
std::vector<std::int32_t> take_broker_list(WordCursor& cursor, const ScriptFacts& facts) {
  const ScriptWord& first = cursor.take("a list of broker ids like [2,0]");
  ScriptWord whole = first;
  while (!cursor.at_end() && whole.text.find(']') == std::string::npos) {
    const ScriptWord& more = cursor.take("]");
    whole.text += more.text;
    whole.length =
        more.line == first.line ? more.column + more.length - first.column : whole.length;
  }
  const std::string expected =
      "expected a list of broker ids like [2,0], got " + quoted_for_message(whole.text);
  if (whole.text.size() < 2 || whole.text.front() != '[' || whole.text.back() != ']') {
    cursor.fail_at(whole, expected);
  }
  const std::string inside = whole.text.substr(1, whole.text.size() - 2);
  std::vector<std::int32_t> brokers;
  if (inside.empty()) return brokers;
  std::size_t start = 0;
  while (start <= inside.size()) {
    const std::size_t comma = std::min(inside.find(',', start), inside.size());
    const std::optional<std::int64_t> id =
        parse_script_integer(inside.substr(start, comma - start));
    if (!id) cursor.fail_at(whole, expected);
    const std::string problem = broker_out_of_range_problem(*id, facts.brokers);
    if (!problem.empty()) cursor.fail_at(whole, problem);
    if (std::find(brokers.begin(), brokers.end(), *id) != brokers.end()) {
      cursor.fail_at(whole, "broker " + std::to_string(*id) + " is in the list twice");
    }
    brokers.push_back(static_cast<std::int32_t>(*id));
    start = comma + 1;
  }
  return brokers;
}

// The text of output == "..." and failed "...": \n, \t and \\ stand for a newline, a tab and a
// backslash.
std::string condition_text_unescaped(std::string_view text) {
  std::string unescaped;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      const char next = text[i + 1];
      if (next == 'n' || next == 't' || next == '\\') {
        unescaped += next == 'n' ? '\n' : next == 't' ? '\t' : '\\';
        ++i;
        continue;
      }
    }
    unescaped += text[i];
  }
  return unescaped;
}

void take_condition_text(WordCursor& cursor, Condition& condition, std::string_view usage) {
  condition.text =
      condition_text_unescaped(cursor.take("a quoted text (" + std::string(usage) + ")").text);
  if (!cursor.at_end()) {
    cursor.fail_at(cursor.peek(),
                   "the text must be one quoted string (" + std::string(usage) + ")");
  }
}

const std::vector<std::string>& condition_subject_names() {
  static const std::vector<std::string> names = {
      "leader", "isr", "replicas", "leader-epoch", "hw", "leo", "log-start", "segments",
      "controller", "broker",
      "under-replicated", "offline", "acknowledged", "lost", "duplicated", "indeterminate",
      "sent", "consumed", "lag", "output", "failed", "violations"};
  return names;
}

}  // namespace

Condition parse_condition(WordCursor& cursor, const ScriptFacts& facts) {
  const ScriptWord first =
      cursor.take("a condition (leader T-P == 1, isr T-P == [2,0], output contains \"...\", ...)");
  const std::string& subject = first.text;
  Condition condition;
  using Subject = Condition::Subject;

  const auto take_partition = [&] {
    condition.partition = partition_at(cursor, cursor.take("a partition (TOPIC-PARTITION)"));
  };

  if (first.quoted) {
    cursor.fail_at(first, "expected a condition, got the text " + quoted_for_message(subject));
  } else if (subject == "leader" || subject == "controller") {
    condition.subject = subject == "leader" ? Subject::leader : Subject::controller;
    if (subject == "leader") take_partition();
    condition.comparison = take_comparison(cursor, first, kEqualityComparisons);
    condition.number = take_broker_or_none(cursor, facts);
  } else if (subject == "isr") {
    condition.subject = Subject::isr;
    take_partition();
    condition.comparison = take_comparison(cursor, first, kIsrComparisons);
    if (condition.comparison == Comparison::contains ||
        condition.comparison == Comparison::excludes) {
      condition.number = broker_id_at(cursor, cursor.take("a broker id"), facts);
    } else {
      condition.brokers = take_broker_list(cursor, facts);
    }
  } else if (subject == "replicas") {
    condition.subject = Subject::replicas;
    take_partition();
    condition.comparison = take_comparison(cursor, first, kEqualityComparisons);
    condition.brokers = take_broker_list(cursor, facts);
  } else if (subject == "leader-epoch" || subject == "hw" || subject == "leo" ||
             subject == "log-start" || subject == "segments") {
    condition.subject = subject == "leader-epoch" ? Subject::leader_epoch
                        : subject == "hw"         ? Subject::high_watermark
                        : subject == "leo"        ? Subject::log_end_offset
                        : subject == "log-start"  ? Subject::log_start_offset
                                                  : Subject::segment_count;
    take_partition();
    if (subject != "leader-epoch" && cursor.take_if("on")) {
      cursor.take_keyword("broker", subject + " T-P on broker N");
      condition.on_broker = broker_id_at(cursor, cursor.take("a broker id"), facts);
    }
    condition.comparison = take_comparison(cursor, first, kOrderedComparisons);
    condition.number = take_condition_number(cursor);
  } else if (subject == "broker") {
    condition.subject = Subject::broker_state;
    condition.on_broker = broker_id_at(cursor, cursor.take("a broker id"), facts);
    condition.comparison = take_comparison(cursor, first, kEqualityComparisons);
    const ScriptWord& state = cursor.take("up, down or paused");
    if (!state.is("up") && !state.is("down") && !state.is("paused")) {
      cursor.fail_at(state, "expected up, down or paused, got " + quoted_for_message(state.text));
    }
    condition.text = state.text;
  } else if (subject == "under-replicated" || subject == "offline" || subject == "violations") {
    condition.subject = subject == "offline"      ? Subject::offline
                        : subject == "violations" ? Subject::violations
                                                  : Subject::under_replicated;
    condition.comparison = take_comparison(cursor, first, kOrderedComparisons);
    condition.number = take_condition_number(cursor);
  } else if (subject == "acknowledged" || subject == "lost" || subject == "duplicated" ||
             subject == "indeterminate" || subject == "sent") {
    condition.subject = Subject::audit_count;
    condition.name = subject;
    if (!cursor.at_end() && !cursor.peek().quoted && cursor.peek().text.rfind("acks=", 0) == 0) {
      const ScriptWord& acks = cursor.take("acks=A");
      const std::string value = acks.text.substr(5);
      if (value == "all" || value == "-1") {
        condition.acks = -1;
      } else if (value == "0" || value == "1") {
        condition.acks = static_cast<std::int16_t>(value == "1" ? 1 : 0);
      } else {
        cursor.fail_at(acks,
                       "expected acks=0, acks=1 or acks=all, got " + quoted_for_message(acks.text));
      }
    }
    condition.comparison = take_comparison(cursor, first, kOrderedComparisons);
    condition.number = take_condition_number(cursor);
  } else if (subject == "consumed") {
    condition.subject = Subject::consumed;
    if (!cursor.at_end() && !next_is_comparison(cursor)) {
      const ScriptWord& job = cursor.take("a consumer job's name");
      const auto found = facts.jobs.find(job.text);
      if (found == facts.jobs.end() || !found->second.consumer) {
        cursor.fail_at(job, "no consumer job named " + quoted_for_message(job.text) +
                                " was started before this line" +
                                did_you_mean(job.text, facts.job_names(true)));
      }
      condition.name = job.text;
    }
    condition.comparison = take_comparison(cursor, first, kOrderedComparisons);
    condition.number = take_condition_number(cursor);
  } else if (subject == "lag") {
    condition.subject = Subject::lag;
    const ScriptWord& group = cursor.take("a consumer group (lag GROUP [T-P] OP N)");
    if (comparison_of_word(group)) {
      cursor.fail_at(group, "expected a consumer group before " + quoted_for_message(group.text) +
                                " (lag GROUP [T-P] OP N)");
    }
    condition.name = group.text;
    if (!cursor.at_end() && !next_is_comparison(cursor)) take_partition();
    condition.comparison = take_comparison(cursor, first, kOrderedComparisons);
    condition.number = take_condition_number(cursor);
  } else if (subject == "output") {
    condition.subject = Subject::output;
    condition.comparison = take_comparison(cursor, first, kOutputComparisons);
    take_condition_text(
        cursor, condition,
        "output " + std::string(comparison_word(condition.comparison)) + " \"text\"");
  } else if (subject == "failed") {
    condition.subject = Subject::failed;
    condition.comparison = Comparison::contains;
    if (!cursor.at_end()) take_condition_text(cursor, condition, "failed \"text\"");
  } else {
    cursor.fail_at(first, "unknown condition " + quoted_for_message(subject) +
                              did_you_mean(subject, condition_subject_names()));
  }
  cursor.expect_end_after(first);
  condition.source = cursor.source().text_between(first, cursor.previous());
  return condition;
}

}  // namespace ksim::scenarios::parsing
