#include "sim/clients/client_history.h"

#include <algorithm>

namespace ksim::sim::clients {

std::size_t ProducerHistory::count(client::SendOutcomeKind kind) const {
  return static_cast<std::size_t>(std::count_if(records.begin(), records.end(), [&](const auto& r) {
    return r.outcome && r.outcome->kind == kind;
  }));
}

std::size_t ProducerHistory::in_flight() const {
  return static_cast<std::size_t>(std::count_if(records.begin(), records.end(), [](const auto& r) {
    return !r.outcome && !r.lost_with_producer;
  }));
}

std::vector<std::string> ConsumerHistory::values() const {
  std::vector<std::string> out;
  out.reserve(records.size());
  for (const ConsumedRecord& record : records) out.push_back(record.value.value_or(""));
  return out;
}

}  // namespace ksim::sim::clients
