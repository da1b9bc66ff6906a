// Kafka's errors looked up by name: storage reports a refused append by its Kafka error name
// (storage::RecordValidationError::error_name), the broker answers with the code.
#pragma once

#include <optional>
#include <string_view>

#include "core/protocol/errors.h"

namespace ksim::protocol {

// Error::MESSAGE_TOO_LARGE for "MESSAGE_TOO_LARGE"; nullopt for a name errors.h does not know.
std::optional<Error> error_from_name(std::string_view name);

}  // namespace ksim::protocol
