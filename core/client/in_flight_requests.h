// The producer's requests that await an answer (Kafka's NetworkClient InFlightRequests): which
// broker each went to, when it times out (request.timeout.ms), and for a ProduceRequest which
// batches it carried. max.in.flight.requests.per.connection caps them per broker.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace ksim::client {

enum class RequestKind { produce, metadata, init_producer_id };

struct InFlightRequest {
  std::int32_t correlation_id = 0;
  std::int32_t destination = -1;
  RequestKind kind = RequestKind::produce;
  std::int64_t send_time_ms = 0;
  std::int64_t deadline_ms = 0;          // send time + request.timeout.ms
  std::vector<std::uint64_t> batch_ids;  // produce only
};

class InFlightRequests {
 public:
  explicit InFlightRequests(std::int32_t max_in_flight_per_connection)
      : max_per_connection_(max_in_flight_per_connection) {}

  void add(InFlightRequest request);
  // Removes and returns the request, if it is still in flight.
  std::optional<InFlightRequest> take(std::int32_t correlation_id);
  // Removes and returns every request to `destination`, oldest first.
  std::vector<InFlightRequest> take_all_to(std::int32_t destination);
  // Removes and returns every request.
  std::vector<InFlightRequest> take_all();

  bool can_send_more(std::int32_t destination) const;
  std::size_t count(std::int32_t destination) const;
  std::size_t size() const { return requests_.size(); }
  bool has_kind(RequestKind kind) const;

  // Brokers with a request past its deadline at now_ms, in id order.
  std::vector<std::int32_t> nodes_with_timed_out_requests(std::int64_t now_ms) const;
  std::optional<std::int64_t> earliest_deadline_ms() const;
  const std::map<std::int32_t, InFlightRequest>& all() const { return requests_; }

 private:
  std::int32_t max_per_connection_;
  std::map<std::int32_t, InFlightRequest> requests_;  // by correlation id (= send order)
};

}  // namespace ksim::client
