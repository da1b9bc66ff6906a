#include "sim/testing/append_service.h"

#include <fmt/format.h>

#include "core/storage/record_batch.h"

namespace ksim::sim::testing {

using storage::Bytes;

// --- server ------------------------------------------------------------------------------

void AppendServer::start(ProcessContext& context) {
  context_ = &context;
  storage::LogManagerConfig config;
  config.log_dir = "kafka-logs";
  config.broker_id = options_.broker_id;
  config.cluster_id = "ksim-world";
  logs_ = std::make_unique<storage::LogManager>(context.file_system(), config,
                                                context.now().to_ms());
  log_ = &logs_->get_or_create_log(kPartition, config.default_log_config, context.now().to_ms());
  NodeHandlers handlers;
  handlers.on_message = [this](Delivery& delivery) { on_message(delivery); };
  context.set_network_handlers(std::move(handlers));
  schedule_flush();
}

void AppendServer::schedule_flush() {
  context_->set_timer(options_.flush_interval, "demo.flush", [this] {
    log_->flush();
    logs_->checkpoint_recovery_points();
    context_->complete_disk_io();  // the fsyncs keep the disk busy: later writes queue behind
    schedule_flush();
  });
}

void AppendServer::on_message(Delivery& delivery) {
  const AppendRequest& request = *delivery.message.payload.get<AppendRequest>();
  storage::Record record;
  record.timestamp = context_->now().to_ms();
  record.value = storage::to_bytes(request.value);
  Bytes batch = storage::encode_batch(storage::BatchSpec{}, {record});
  const storage::LogAppendInfo info = log_->append_as_leader(batch, 0, context_->now().to_ms());
  // The answer goes out when the disk has done the write (behind whatever it was busy with).
  const SimTime written = context_->complete_disk_io();
  const ConnectionId connection = delivery.connection;
  const AppendResponse response{request.id, info.first_offset};
  if (written <= context_->now()) {
    context_->send(connection, Message::of(response, 16));
  } else {
    context_->set_timer(written - context_->now(), "demo.respond", [this, connection, response] {
      context_->send(connection, Message::of(response, 16));
    });
  }
}

void AppendServer::shutdown() { logs_->shutdown(); }

// --- client ------------------------------------------------------------------------------

void AppendClient::start(ProcessContext& context) {
  context_ = &context;
  NodeHandlers handlers;
  handlers.on_connected = [this](ConnectionId, NodeId) { connected_ = true; };
  handlers.on_message = [this](Delivery& delivery) {
    on_response(*delivery.message.payload.get<AppendResponse>());
  };
  handlers.on_disconnect = [this](ConnectionId, NodeId, DisconnectReason) { on_disconnect(); };
  context.set_network_handlers(std::move(handlers));
  connect();
  context.set_timer(options_.interval, "demo.send", [this] { send_next(); });
}

void AppendClient::connect() {
  connected_ = false;
  connection_ = context_->connect(context_->resolve(options_.server));
}

void AppendClient::send_next() {
  if (connected_) {
    const std::uint64_t id = next_id_++;
    std::string value = fmt::format("{}-{}-{}", context_->node().value, incarnation_, id);
    ++ledger_.sent;
    const EventHandle timeout =
        context_->set_timer(options_.request_timeout, "demo.request_timeout", [this, id] {
          expire(id);
        });
    pending_.emplace(id, Pending{value, timeout});
    context_->send(connection_, Message::of(AppendRequest{id, std::move(value)}, 64));
  }
  Prng& jitter = context_->prng("jitter");
  const SimDuration next =
      options_.interval + SimDuration::from_us(static_cast<std::int64_t>(
                              jitter.below(static_cast<std::uint64_t>(options_.interval.to_us() / 2) + 1)));
  context_->set_timer(next, "demo.send", [this] { send_next(); });
}

void AppendClient::on_response(const AppendResponse& response) {
  auto it = pending_.find(response.id);
  if (it == pending_.end()) return;  // answered after it timed out: stays indeterminate
  context_->cancel_timer(it->second.timeout);
  ledger_.acknowledged.emplace(it->second.value, response.offset);
  pending_.erase(it);
}

void AppendClient::expire(std::uint64_t id) {
  auto it = pending_.find(id);
  if (it == pending_.end()) return;
  ledger_.timed_out.push_back(it->second.value);
  pending_.erase(it);
  // A request that timed out may be stuck behind a dead path: start a fresh connection.
  context_->close(connection_);
  connect();
}

void AppendClient::on_disconnect() {
  ++ledger_.disconnects;
  for (auto& [id, pending] : pending_) {
    context_->cancel_timer(pending.timeout);
    ledger_.timed_out.push_back(pending.value);  // the write may or may not have happened
  }
  pending_.clear();
  connected_ = false;
  context_->set_timer(options_.reconnect_backoff, "demo.reconnect", [this] { connect(); });
}

}  // namespace ksim::sim::testing
