// A minimal storage service and its client, used to exercise the world before the Kafka broker
// runs in it (tests/sim, bench/bench_world): one partition log on the server's disk, appends
// acknowledged after the local write (like acks=1, no fsync), a flush every flush_interval (the
// OS writing dirty pages back), and clients that retry through resets, refusals and timeouts.
// What clients saw goes to an AppendLedger that survives their crashes, as an audit would.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/storage/log_manager.h"
#include "sim/process/process.h"
#include "sim/process/process_context.h"

namespace ksim::sim::testing {

struct AppendRequest {
  std::uint64_t id = 0;
  std::string value;
};
struct AppendResponse {
  std::uint64_t id = 0;
  std::int64_t offset = -1;
};

// Every send and its outcome, by value.
struct AppendLedger {
  std::map<std::string, std::int64_t> acknowledged;  // value -> offset
  std::vector<std::string> timed_out;                // indeterminate
  std::uint64_t sent = 0;
  std::uint64_t disconnects = 0;
};

struct AppendServerOptions {
  std::int32_t broker_id = 1;
  SimDuration flush_interval = SimDuration::from_ms(1000);
};

class AppendServer final : public Process {
 public:
  static inline const storage::TopicPartition kPartition{"demo", 0};
  explicit AppendServer(AppendServerOptions options) : options_(options) {}
  void start(ProcessContext& context) override;
  void shutdown() override;
  storage::Log& log() { return *log_; }
  const storage::LogManagerStartup& startup() const { return logs_->startup(); }

 private:
  void on_message(Delivery& delivery);
  void schedule_flush();

  AppendServerOptions options_;
  ProcessContext* context_ = nullptr;
  std::unique_ptr<storage::LogManager> logs_;
  storage::Log* log_ = nullptr;
};

struct AppendClientOptions {
  std::string server = "broker 1";
  SimDuration interval = SimDuration::from_ms(20);   // between sends, plus up to 50% jitter
  SimDuration request_timeout = SimDuration::from_ms(1000);
  SimDuration reconnect_backoff = SimDuration::from_ms(100);
};

class AppendClient final : public Process {
 public:
  AppendClient(AppendClientOptions options, AppendLedger& ledger, std::uint64_t incarnation)
      : options_(std::move(options)), ledger_(ledger), incarnation_(incarnation) {}
  void start(ProcessContext& context) override;

 private:
  void connect();
  void send_next();
  void on_response(const AppendResponse& response);
  void on_disconnect();
  void expire(std::uint64_t id);

  AppendClientOptions options_;
  AppendLedger& ledger_;
  std::uint64_t incarnation_;
  ProcessContext* context_ = nullptr;
  ConnectionId connection_;
  bool connected_ = false;
  std::uint64_t next_id_ = 0;
  struct Pending {
    std::string value;
    EventHandle timeout;
  };
  std::map<std::uint64_t, Pending> pending_;
};

}  // namespace ksim::sim::testing
