#include "core/protocol/error_names.h"

#include <cstdint>
#include <limits>

namespace ksim::protocol {

std::optional<Error> error_from_name(std::string_view name) {
  if (name == "UNKNOWN_SERVER_ERROR") return std::nullopt;
  // Kafka's codes are small non-negative numbers; errors.h names each one it knows.
  for (std::int32_t code = 0; code <= 200; ++code) {
    const auto error = static_cast<Error>(static_cast<std::int16_t>(code));
    if (error_name(error) == name) return error;
  }
  return std::nullopt;
}

}  // namespace ksim::protocol
