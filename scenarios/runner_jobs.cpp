// Background jobs: kafka-producer-perf-test.sh at its rate with Kafka's periodic and final
// lines, background consumers printing what they read, and stopping or crashing a job.
#include <fmt/format.h>

#include <algorithm>

#include "scenarios/runner_internal.h"
#include "sim/clients/consumer_process.h"
#include "sim/clients/producer_process.h"

namespace ksim::scenarios {

using sim::SimDuration;
using sim::SimTime;

namespace {

// The perf test's values: the record's number among every perf-test record of the run (not of
// the job: two perf tests must not send the same values), then padding, exactly record_size
// bytes, so every record is told apart in the audit (Kafka's tool repeats one random payload).
std::string perf_record_value(std::int64_t number, std::int32_t size) {
  std::string value = fmt::format("{:012}", number);
  value.resize(static_cast<std::size_t>(std::max(size, 1)), 'x');
  return value;
}

const SimDuration perf_report_interval = SimDuration::from_ms(5000);  // the tool's 5 s windows

}  // namespace

void ScenarioRunner::run_producer_perf_test(const ToolCommand& command,
                                            const ProducerPerfTestTool& tool) {
  const std::string name = command.job_name.empty()
                               ? fmt::format("producer-perf-test-{}", ++console_producers_)
                               : command.job_name;
  cluster_->add_producer(name, tool.producer_properties);
  Job& job = add_job(name, static_cast<int>(Job::Kind::producer_perf_test), command);
  job.perf = tool;
  job.started = cluster_->now();
  job.window_start = cluster_->now();
  perf_test_tick(name);
  cluster_->sim().schedule_after(perf_report_interval, job_kind_, [this, name] {
    // Re-armed by perf_test_report while the job runs.
    Job& running = *jobs_.at(name);
    if (!running.done) perf_test_report(running, false);
  });
  if (command.background) {
    schedule_step(cluster_->now());
    return;
  }
  block([this, name] { return jobs_.at(name)->done; }, [this] { run_next_step(); });
}

// Sends what the rate allows by now, then comes back for the next record (or the next
// millisecond, above 1,000 records/s).
void ScenarioRunner::perf_test_tick(const std::string& name) {
  Job& job = *jobs_.at(name);
  if (job.done) return;
  sim::clients::ProducerProcess* producer = nullptr;
  try {
    producer = &cluster_->producer(name);
  } catch (const std::logic_error&) {
    return;  // crashed
  }
  const ProducerPerfTestTool& tool = job.perf;
  const std::int64_t elapsed_us = (cluster_->now() - job.started).to_us();
  std::int64_t due = tool.num_records;
  if (tool.throughput > 0) {
    due = std::min(tool.num_records, elapsed_us * tool.throughput / 1000000 + 1);
  }
  for (; job.sent < due; ++job.sent) {
    producer->send(tool.topic, std::nullopt,
                   perf_record_value(perf_records_sent_++, tool.record_size));
  }
  if (job.sent >= tool.num_records) {
    perf_test_watch_end(name);
    return;
  }
  SimDuration next = SimDuration::from_ms(1);
  if (tool.throughput > 0 && tool.throughput <= 1000) {
    // The time the next record is due.
    const std::int64_t due_us = (job.sent * 1000000 + tool.throughput - 1) / tool.throughput;
    next = SimDuration::from_us(std::max<std::int64_t>(1, due_us - elapsed_us));
  }
  cluster_->sim().schedule_after(next, job_kind_, [this, name] { perf_test_tick(name); });
}

// Everything is sent: Kafka's tool closes its producer, which waits for the last outcomes, and
// prints its totals then. Looked for every millisecond, so the totals' time (and rate) is the
// end's, and a foreground perf test returns then, not at its next 5 s report.
void ScenarioRunner::perf_test_watch_end(const std::string& name) {
  Job& job = *jobs_.at(name);
  if (job.done) return;
  if (cluster_->producer_history(name).in_flight() == 0) {
    perf_test_report(job, true);
    return;
  }
  cluster_->sim().schedule_after(SimDuration::from_ms(1), job_kind_,
                                 [this, name] { perf_test_watch_end(name); });
}

// Kafka's perf test: every 5 s "N records sent, R records/sec (M MB/sec), A ms avg latency, X ms
// max latency.", and once all are done the totals with percentiles.
void ScenarioRunner::perf_test_report(Job& job, bool final) {
  const sim::clients::ProducerHistory& history = cluster_->producer_history(job.name);
  job.accounted.resize(history.records.size(), false);
  std::string errors;
  for (std::size_t i = job.first_unaccounted; i < history.records.size(); ++i) {
    const sim::clients::ProducedRecord& record = history.records[i];
    if (job.accounted[i] || !record.outcome) continue;
    job.accounted[i] = true;
    // acks=0: Kafka's callback fires once the request is sent, without an error, so the tool
    // counts the record (its bytes, and its latency until then) as it counts an acknowledged one.
    const bool sent_unknown = record.outcome->kind == client::SendOutcomeKind::sent_unknown;
    if (record.acknowledged() || sent_unknown) {
      const std::int64_t latency =
          record.outcome->completion_time_ms - record.outcome->send_time_ms;
      const std::int64_t bytes = static_cast<std::int64_t>(record.value ? record.value->size() : 0);
      ++job.window_records;
      job.window_bytes += bytes;
      job.window_latency_sum_ms += latency;
      job.window_latency_max_ms = std::max(job.window_latency_max_ms, latency);
      ++job.total_records;
      job.total_bytes += bytes;
      job.total_latency_sum_ms += latency;
      job.total_latency_max_ms = std::max(job.total_latency_max_ms, latency);
      job.latencies_ms.push_back(latency);
    } else {
      ++job.errors;
      if (job.errors_printed < 5) {
        ++job.errors_printed;
        errors += fmt::format("{}: {}\n", kafka_exception_class(record.outcome->error),
                              record.outcome->message);
      }
    }
  }
  while (job.first_unaccounted < job.accounted.size() && job.accounted[job.first_unaccounted]) {
    ++job.first_unaccounted;
  }
  const std::string prefix = job.background ? fmt::format("[{}] ", job.name) : "";
  if (!errors.empty()) {
    transcript_.add(cluster_->now(), TranscriptKind::job_output, prefix + errors, job.line);
  }
  const SimTime now = cluster_->now();
  const double window_s = static_cast<double>((now - job.window_start).to_us()) / 1e6;
  if (!final && window_s > 0 && now - job.window_start >= perf_report_interval) {
    const double rate = static_cast<double>(job.window_records) / window_s;
    transcript_.add(
        now, TranscriptKind::job_output,
        fmt::format("{}{} records sent, {:.1f} records/sec ({:.2f} MB/sec), {:.1f} ms avg latency, "
                    "{:.1f} ms max latency.",
                    prefix, job.window_records, rate,
                    static_cast<double>(job.window_bytes) / window_s / 1024.0 / 1024.0,
                    job.window_records > 0 ? static_cast<double>(job.window_latency_sum_ms) /
                                                 static_cast<double>(job.window_records)
                                           : 0.0,
                    static_cast<double>(job.window_latency_max_ms)),
        job.line);
    job.window_start = now;
    job.window_records = 0;
    job.window_bytes = 0;
    job.window_latency_sum_ms = 0;
    job.window_latency_max_ms = 0;
  }
  const bool all_sent = job.sent >= job.perf.num_records;
  const bool all_done = all_sent && history.in_flight() == 0;
  if (all_done || final) {
    std::vector<std::int64_t> sorted = job.latencies_ms;
    std::sort(sorted.begin(), sorted.end());
    const auto percentile = [&sorted](double p) -> std::int64_t {
      if (sorted.empty()) return 0;
      return sorted[static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1))];
    };
    const double elapsed_s = std::max(1e-6, static_cast<double>((now - job.started).to_us()) / 1e6);
    transcript_.add(
        now, TranscriptKind::job_output,
        fmt::format("{}{} records sent, {:.1f} records/sec ({:.2f} MB/sec), {:.2f} ms avg latency, "
                    "{:.2f} ms max latency, {} ms 50th, {} ms 95th, {} ms 99th, {} ms 99.9th.",
                    prefix, job.total_records, static_cast<double>(job.total_records) / elapsed_s,
                    static_cast<double>(job.total_bytes) / elapsed_s / 1024.0 / 1024.0,
                    job.total_records > 0 ? static_cast<double>(job.total_latency_sum_ms) /
                                                static_cast<double>(job.total_records)
                                          : 0.0,
                    static_cast<double>(job.total_latency_max_ms), percentile(0.5),
                    percentile(0.95), percentile(0.99), percentile(0.999)),
        job.line);
    if (job.errors > job.errors_printed) {
      note(fmt::format("{}: {} sends failed ({} shown)", job.name, job.errors, job.errors_printed));
    }
    job.done = true;
    return;
  }
  const std::string name = job.name;
  // Once everything is sent, look again soon for the last outcomes.
  const SimDuration next = all_sent ? SimDuration::from_ms(100) : perf_report_interval;
  cluster_->sim().schedule_after(next, job_kind_, [this, name] {
    Job& running = *jobs_.at(name);
    if (!running.done) perf_test_report(running, false);
  });
}

ScenarioRunner::Job& ScenarioRunner::add_job(std::string name, int kind,
                                             const ToolCommand& command) {
  auto job = std::make_unique<Job>();
  job->kind = static_cast<Job::Kind>(kind);
  job->name = name;
  job->background = command.background;
  job->line = current_line_;
  Job& added = *job;
  jobs_[std::move(name)] = std::move(job);
  return added;
}

void ScenarioRunner::flush_job_output() {
  for (auto& [name, job] : jobs_) {
    if (job->kind != Job::Kind::console_consumer || !job->background || job->done) continue;
    const sim::clients::ConsumerHistory& history = cluster_->consumer_history(name);
    for (; job->records_shown < history.records.size(); ++job->records_shown) {
      const sim::clients::ConsumedRecord& record = history.records[job->records_shown];
      transcript_.add(record.consumed_at, TranscriptKind::job_output,
                      fmt::format("[{}] {}", name, format_consumed_record(job->consumer, record)),
                      job->line);
    }
  }
}

void ScenarioRunner::stop_job(const std::string& name, bool crash) {
  const auto it = jobs_.find(name);
  if (it == jobs_.end()) {
    note(fmt::format("no job named {}", name));
    return;
  }
  Job& job = *it->second;
  flush_job_output();
  if (job.kind == Job::Kind::producer_perf_test && !job.done) {
    if (!crash) perf_test_report(job, true);
    job.done = true;
  }
  job.done = true;
  sim::Host& host = cluster_->world().host(name);
  if (crash) {
    host.kill();
    note(fmt::format("{} killed", name));
    return;
  }
  // SIGTERM: a consumer closes (a last auto-commit, LeaveGroup), a producer closes.
  host.controlled_shutdown();
}

}  // namespace ksim::scenarios
