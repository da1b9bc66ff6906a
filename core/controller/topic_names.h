// Kafka's rules for topic names (org.apache.kafka.common.internals.Topic, kafka.common.Topic
// before 1.0) and kafka-topics.sh's --topic filter (IncludeList, Whitelist before 2.7).
//
//   validate_topic_name("a b", {2, 8})  throws InvalidTopicException: Topic name "a b" is
//       illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'
//   legal: 1 to 249 characters of [a-zA-Z0-9._-], not "." or ".."
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "core/controller/kafka_version.h"

namespace ksim::controller {

inline constexpr std::size_t max_topic_name_length = 249;
inline constexpr std::string_view group_metadata_topic_name = "__consumer_offsets";
inline constexpr std::string_view transaction_state_topic_name = "__transaction_state";

// Topic.validate with the words of `version` (Java's from 1.0, Scala's before); throws AdminError
// (InvalidTopicException).
void validate_topic_name(std::string_view topic, KafkaVersion version = {});
// Topic.isInternal: __consumer_offsets, and __transaction_state from 0.11.
bool is_internal_topic(std::string_view topic, KafkaVersion version = {});
// Topic.hasCollisionChars: a '.' or '_' (metric names turn '.' into '_').
bool has_collision_chars(std::string_view topic);
// Topic.hasCollision: equal once every '.' is read as '_'.
bool topics_collide(std::string_view a, std::string_view b);

// The --topic argument of --list/--describe/--alter/--delete: a regular expression matched
// against the whole name, ',' read as '|', spaces and surrounding quotes dropped. POSIX extended
// regular expressions (libc's regcomp, with GNU's \w and \s) stand in for java.util.regex; the
// two agree on ordinary patterns (literals, '.', classes, groups, '|', '*', '+', '?', {m,n});
// Java-only syntax (\d, lazy quantifiers, look-arounds, inline flags) is not understood. A bad
// pattern throws AdminError ("<regex> is an invalid regex.").
class TopicFilter {
 public:
  explicit TopicFilter(std::string_view raw_regex, KafkaVersion version = {});
  bool is_topic_allowed(std::string_view topic, bool exclude_internal_topics) const;
  const std::string& regex() const { return regex_; }

 private:
  std::string regex_;
  KafkaVersion version_;
  std::shared_ptr<const void> compiled_;  // a regex_t of "^(<regex>)$"
};

}  // namespace ksim::controller
