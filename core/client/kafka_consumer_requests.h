// The requests a consumer sends and the answers it takes, as one variant each (the plain structs
// of core/protocol/), and the envelope the host carries: destination broker and correlation id.
#pragma once

#include <cstdint>
#include <string_view>
#include <variant>

#include "core/protocol/fetch.h"
#include "core/protocol/list_offsets.h"
#include "core/protocol/metadata.h"

namespace ksim::client {

// Destination of a request any broker can answer (Metadata, FindCoordinator).
inline constexpr std::int32_t any_broker = -1;

using ConsumerRequestBody =
    std::variant<protocol::MetadataRequest, protocol::FetchRequest, protocol::ListOffsetsRequest>;
using ConsumerResponseBody = std::variant<protocol::MetadataResponse, protocol::FetchResponse,
                                          protocol::ListOffsetsResponse>;

// Which API a request is (the index of its alternative in both variants).
enum class ConsumerApi : std::uint8_t { metadata, fetch, list_offsets };
inline ConsumerApi api_of(const ConsumerRequestBody& body) {
  return static_cast<ConsumerApi>(body.index());
}
inline ConsumerApi api_of(const ConsumerResponseBody& body) {
  return static_cast<ConsumerApi>(body.index());
}
// Kafka's API name: "Metadata", "Fetch", "ListOffsets", ...
std::string_view api_name(ConsumerApi api);

struct ConsumerOutboundRequest {
  std::int32_t destination = any_broker;
  std::int32_t correlation_id = 0;
  ConsumerRequestBody body;
};

}  // namespace ksim::client
