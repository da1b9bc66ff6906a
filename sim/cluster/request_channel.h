// RequestChannel: one process's client connection to another node for Kafka requests (Kafka's
// NetworkClient for one destination): correlation ids, answers matched to callbacks, a request
// timeout that drops the connection (as NetworkClient does), and a fresh connection on the next
// send after a break. A broker has one per (peer, purpose), as Kafka has separate connections for
// its replica fetchers, the controller's channel and the broker-to-controller channel, so a
// long-polling fetch never holds back a LeaderAndIsr.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "sim/cluster/broker_messages.h"
#include "sim/process/process_context.h"

namespace ksim::sim::cluster {

class RequestChannel;
// Which channel owns which connection, so a process finds the channel of a delivery at once.
using ChannelDirectory = std::map<ConnectionId, RequestChannel*>;

class RequestChannel {
 public:
  // The answer, or nullptr when none will come (the connection broke or the request timed out).
  using Done = std::function<void(const KafkaResponse* response)>;

  RequestChannel(ProcessContext& context, NodeId peer, SimDuration request_timeout,
                 ChannelDirectory* directory = nullptr);
  RequestChannel(const RequestChannel&) = delete;
  RequestChannel& operator=(const RequestChannel&) = delete;
  ~RequestChannel();

  NodeId peer() const { return peer_; }
  // Sends now (connecting first if needed: what is sent before the handshake waits in order).
  void send(RequestBody body, Done done);
  // A request Kafka never answers (a produce with acks=0): on the wire, nothing awaited.
  void send_without_response(RequestBody body);
  std::size_t in_flight() const { return in_flight_.size(); }
  bool connected() const { return connection_.has_value(); }

  // From the process's network handlers: true when the event belongs to this channel.
  bool on_message(Delivery& delivery);
  bool on_disconnect(ConnectionId end);
  // Drops the connection; every request in flight fails.
  void close();
  // Called when the connection breaks (after the requests in flight failed), whether or not
  // anything was awaited: a client that sent only acks=0 requests learns of it here.
  void set_disconnect_handler(std::function<void()> handler) {
    on_broken_ = std::move(handler);
  }

 private:
  void fail_all();
  void connect();
  void forget_connection();

  struct InFlight {
    Done done;
    SimTime deadline;
  };
  void arm_timeout();
  ProcessContext* context_;
  NodeId peer_;
  SimDuration request_timeout_;
  ChannelDirectory* directory_;
  std::optional<ConnectionId> connection_;
  std::int32_t next_correlation_id_ = 0;
  std::map<std::int32_t, InFlight> in_flight_;
  std::optional<EventHandle> timer_;  // at the oldest request's deadline
  std::function<void()> on_broken_;
};

}  // namespace ksim::sim::cluster
