// What the runner's files share: the visitor helper and a background job's state.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scenarios/runner.h"
#include "sim/clients/client_history.h"

namespace ksim::scenarios {

template <class... Ts>
struct overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
overloaded(Ts...) -> overloaded<Ts...>;

// A client the script started: a console consumer or producer, or a producer perf test.
struct ScenarioRunner::Job {
  enum class Kind { console_consumer, console_producer, producer_perf_test };
  Kind kind = Kind::console_consumer;
  std::string name;
  bool background = false;
  bool done = false;
  std::int32_t line = 0;

  // console consumer: how its records print, and how many have been shown.
  ConsoleConsumerTool consumer;
  std::size_t records_shown = 0;

  // producer perf test
  ProducerPerfTestTool perf;
  std::int64_t sent = 0;
  sim::SimTime started;
  std::size_t first_unaccounted = 0;  // records before it have been counted in the stats
  std::vector<bool> accounted;
  sim::SimTime window_start;
  std::int64_t window_records = 0;
  std::int64_t window_bytes = 0;
  std::int64_t window_latency_sum_ms = 0;
  std::int64_t window_latency_max_ms = 0;
  std::int64_t total_records = 0;
  std::int64_t total_bytes = 0;
  std::int64_t total_latency_sum_ms = 0;
  std::int64_t total_latency_max_ms = 0;
  std::vector<std::int64_t> latencies_ms;
  std::int64_t errors_printed = 0;
  std::int64_t errors = 0;
};

// DefaultMessageFormatter's line for one record: Partition:N, Offset:N, the key, the value, each
// followed by the separator the tool was given.
std::string format_consumed_record(const ConsoleConsumerTool& tool,
                                   const sim::clients::ConsumedRecord& record);

// "NOT_ENOUGH_REPLICAS" -> "org.apache.kafka.common.errors.NotEnoughReplicasException".
std::string kafka_exception_class(const std::string& error_name);

}  // namespace ksim::scenarios
