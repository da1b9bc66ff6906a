// The values scenario lines are made of, parsed from their text: durations ("250us", "1.5s"),
// partitions as Kafka prints them ("my-topic-0") and integers. Errors are std::invalid_argument
// with the problem in words; the parser adds the file, line and column.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/storage/topic_partition.h"
#include "sim/kernel/sim_time.h"

namespace ksim::scenarios {

// An integer or decimal number with a unit: us, ms, s, m (minutes) or h; exact to the
// microsecond ("1.5s" is 1,500,000 us, "1.0000001s" is an error). Never negative.
sim::SimDuration parse_script_duration(std::string_view text);

// "topic-partition", split at the last '-' (topic names may contain '-'); the topic is made of
// Kafka's legal characters (letters, digits, '.', '_', '-').
storage::TopicPartition parse_script_partition(std::string_view text);

// A decimal integer, optionally negative; nullopt when the text is not one or does not fit.
std::optional<std::int64_t> parse_script_integer(std::string_view text);

}  // namespace ksim::scenarios
