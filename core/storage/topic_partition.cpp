#include "core/storage/topic_partition.h"

#include <charconv>

#include "core/storage/errors.h"

namespace ksim::storage {

std::string TopicPartition::to_string() const {
  return topic + "-" + std::to_string(partition);
}

TopicPartition parse_topic_partition_dir(std::string_view dir_path) {
  const auto slash = dir_path.rfind('/');
  const std::string_view name =
      slash == std::string_view::npos ? dir_path : dir_path.substr(slash + 1);
  const auto fail = [&]() -> CorruptDataError {
    return CorruptDataError(
        "Found directory " + std::string(dir_path) + ", '" + std::string(name) +
        "' is not in the form of topic-partition or topic-partition.uniqueId-delete (if marked "
        "for deletion).\nKafka's log directories (and children) should only contain Kafka topic "
        "data.");
  };

  const auto dash = name.rfind('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 == name.size()) throw fail();
  const std::string_view topic = name.substr(0, dash);
  const std::string_view digits = name.substr(dash + 1);
  std::int32_t partition = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), partition);
  // The '-' we split at is never part of the number, so from_chars sees digits only.
  if (ec != std::errc{} || end != digits.data() + digits.size()) throw fail();
  return TopicPartition{std::string(topic), partition};
}

}  // namespace ksim::storage
