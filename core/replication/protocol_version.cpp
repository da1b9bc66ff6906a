#include "core/replication/protocol_version.h"

namespace ksim::replication {

std::string_view protocol_version_name(ProtocolVersion version) {
  switch (version) {
    case ProtocolVersion::v0_10: return "0.10";
    case ProtocolVersion::v0_11: return "0.11";
    case ProtocolVersion::v2_0: return "2.0";
    case ProtocolVersion::v3_7: return "3.7";
  }
  return "?";
}

std::optional<ProtocolVersion> parse_protocol_version(std::string_view name) {
  for (ProtocolVersion v : {ProtocolVersion::v0_10, ProtocolVersion::v0_11, ProtocolVersion::v2_0,
                            ProtocolVersion::v3_7}) {
    if (protocol_version_name(v) == name) return v;
  }
  return std::nullopt;
}

}  // namespace ksim::replication
