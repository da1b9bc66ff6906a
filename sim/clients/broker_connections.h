// BrokerConnections: a Kafka client's connections to the brokers, by broker id (Kafka's
// NetworkClient over its node connections). A client process owns one; it routes the process's
// network events to the right channel and opens a channel on first use. Node names follow the
// cluster's ("broker 1").
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <type_traits>
#include <variant>

#include "sim/cluster/request_channel.h"
#include "sim/process/process_context.h"

namespace ksim::sim::clients {

// A client's own answer variant from the wire's, when the answer is one of its kinds.
template <typename ClientResponse>
std::optional<ClientResponse> client_response(const cluster::ResponseBody& body) {
  return std::visit(
      [](const auto& answer) -> std::optional<ClientResponse> {
        using T = std::decay_t<decltype(answer)>;
        if constexpr (std::is_constructible_v<ClientResponse, const T&>) {
          return ClientResponse(answer);
        } else {
          return std::nullopt;
        }
      },
      body);
}

class BrokerConnections {
 public:
  // `request_timeout`: request.timeout.ms; a request unanswered that long drops its connection.
  // `on_disconnect` hears of every connection that broke (requests in flight failed first).
  BrokerConnections(ProcessContext& context, SimDuration request_timeout,
                    std::function<void(std::int32_t broker_id)> on_disconnect = {});

  // Sets the process's network handlers to route answers and disconnects to the channels.
  void attach();
  // The channel to a broker (opened on first use).
  cluster::RequestChannel& to(std::int32_t broker_id);
  // A second connection to a broker for the group coordinator's requests, as Kafka's consumer
  // opens one to its coordinator (node id Integer.MAX_VALUE - broker id), so a JoinGroup
  // waiting for a rebalance never holds back a fetch. `request_timeout` as above, for it alone.
  cluster::RequestChannel& to_coordinator(std::int32_t broker_id, SimDuration request_timeout);
  // Drops every connection (in-flight requests fail).
  void close_all();

 private:
  ProcessContext* context_;
  SimDuration request_timeout_;
  std::function<void(std::int32_t)> on_disconnect_;
  cluster::ChannelDirectory directory_;  // declared first: channels unregister at their end
  std::map<std::int32_t, std::unique_ptr<cluster::RequestChannel>> channels_;
  std::map<std::int32_t, std::unique_ptr<cluster::RequestChannel>> coordinator_channels_;
};

}  // namespace ksim::sim::clients
