// Topic name validation, internal topics, collisions, and the --topic regex filter.
#include "core/controller/topic_names.h"

#include <fmt/format.h>
#include <regex.h>

#include <algorithm>

#include "core/controller/admin_error.h"
#include "core/controller/zk_types.h"

namespace ksim::controller {
namespace {

bool is_legal_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

[[noreturn]] void invalid_topic(KafkaVersion version, const std::string& message) {
  throw AdminError(version >= KafkaVersion{0, 10, 1} ? java_exception::invalid_topic
                                                     : java_exception::legacy_invalid_topic,
                   protocol::Error::INVALID_TOPIC_EXCEPTION, message);
}

// kafka.common.Topic.validate (Kafka before 1.0): the first run of legal characters must be the
// whole name; no legal character at all gives the message with two spaces.
void validate_legacy(std::string_view topic, std::size_t length, KafkaVersion version) {
  if (topic.empty()) invalid_topic(version, "topic name is illegal, can't be empty");
  if (topic == "." || topic == "..") {
    invalid_topic(version, "topic name cannot be \".\" or \"..\"");
  }
  if (length > max_topic_name_length) {
    invalid_topic(version, fmt::format("topic name is illegal, can't be longer than {} characters",
                                       max_topic_name_length));
  }
  const auto first = std::find_if(topic.begin(), topic.end(), is_legal_char);
  if (first == topic.end()) {
    invalid_topic(version, fmt::format("topic name {} is illegal,  contains a character other "
                                       "than ASCII alphanumerics, '.', '_' and '-'",
                                       topic));
  }
  if (!std::all_of(topic.begin(), topic.end(), is_legal_char)) {
    invalid_topic(version, fmt::format("topic name {} is illegal, contains a character other "
                                       "than ASCII alphanumerics, '.', '_' and '-'",
                                       topic));
  }
}

}  // namespace

void validate_topic_name(std::string_view topic, KafkaVersion version) {
  const std::size_t length = zk::java_string_from_utf8(topic).size();
  if (version < KafkaVersion{1, 0, 0}) {
    validate_legacy(topic, length, version);
    return;
  }
  if (topic.empty()) invalid_topic(version, "Topic name is illegal, it can't be empty");
  if (topic == "." || topic == "..") invalid_topic(version, "Topic name cannot be \".\" or \"..\"");
  if (length > max_topic_name_length) {
    invalid_topic(version, fmt::format("Topic name is illegal, it can't be longer than {} "
                                       "characters, topic name: {}",
                                       max_topic_name_length, topic));
  }
  if (!std::all_of(topic.begin(), topic.end(), is_legal_char)) {
    invalid_topic(version, fmt::format("Topic name \"{}\" is illegal, it contains a character "
                                       "other than ASCII alphanumerics, '.', '_' and '-'",
                                       topic));
  }
}

bool is_internal_topic(std::string_view topic, KafkaVersion version) {
  return topic == group_metadata_topic_name ||
         (version >= KafkaVersion{0, 11, 0} && topic == transaction_state_topic_name);
}

bool has_collision_chars(std::string_view topic) {
  return topic.find('.') != std::string_view::npos || topic.find('_') != std::string_view::npos;
}

bool topics_collide(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const char x = a[i] == '.' ? '_' : a[i];
    const char y = b[i] == '.' ? '_' : b[i];
    if (x != y) return false;
  }
  return true;
}

TopicFilter::TopicFilter(std::string_view raw_regex, KafkaVersion version) : version_(version) {
  // rawRegex.trim.replace(',', '|').replace(" ", "") then leading/trailing quotes removed.
  std::string_view trimmed = raw_regex;
  while (!trimmed.empty() && static_cast<unsigned char>(trimmed.front()) <= ' ') {
    trimmed.remove_prefix(1);
  }
  while (!trimmed.empty() && static_cast<unsigned char>(trimmed.back()) <= ' ') {
    trimmed.remove_suffix(1);
  }
  for (char c : trimmed) {
    if (c == ',') {
      regex_ += '|';
    } else if (c != ' ') {
      regex_ += c;
    }
  }
  const auto quote = [](char c) { return c == '"' || c == '\''; };
  const auto begin = std::find_if_not(regex_.begin(), regex_.end(), quote);
  regex_.erase(regex_.begin(), begin);
  while (!regex_.empty() && quote(regex_.back())) regex_.pop_back();
  if (regex_.empty()) return;  // matches only the empty name: no topic
  const std::string anchored = "^(" + regex_ + ")$";
  auto* pattern = new regex_t{};
  if (regcomp(pattern, anchored.c_str(), REG_EXTENDED | REG_NOSUB) != 0) {
    delete pattern;  // a failed regcomp leaves nothing to regfree
    throw AdminError("java.lang.RuntimeException", unknown_server_error,
                     regex_ + " is an invalid regex.");
  }
  compiled_ = std::shared_ptr<const void>(pattern, [](regex_t* compiled) {
    regfree(compiled);
    delete compiled;
  });
}

bool TopicFilter::is_topic_allowed(std::string_view topic, bool exclude_internal_topics) const {
  if (compiled_ == nullptr) return false;
  const std::string name(topic);
  const auto* pattern = static_cast<const regex_t*>(compiled_.get());
  return regexec(pattern, name.c_str(), 0, nullptr, 0) == 0 &&
         !(exclude_internal_topics && is_internal_topic(topic, version_));
}

}  // namespace ksim::controller
