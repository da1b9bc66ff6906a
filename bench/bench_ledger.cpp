// Ledger benchmark: what the audit costs per produced record at ten million records, in time
// (feeding RecordSent, RecordWritten, HighWatermarkAdvanced, SendCompleted and RecordConsumed for
// each) and in memory (resident bytes per record, and what the ledger accounts for), against a
// baseline measured in the same run: a plain std::vector push of a row of the same size, built
// from the same generated value and its identity. Then the same with two follower copies per
// record (RF 3), and the queries over the whole ledger (summary, lost records, Jepsen check).
//
//   bench_ledger [--quick]      (--quick: 100,000 records, for CTest;
//                                KSIM_BENCH_RECORDS=n: n records, for profiling)
#include <unistd.h>

#include <charconv>
#include <cstring>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "sim/audit/jepsen_checker.h"
#include "sim/audit/record_ledger.h"

using namespace ksim::sim;
using namespace ksim::sim::audit;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::int32_t kPartitions = 10;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Resident memory now, from /proc/self/statm (the second field, in pages).
std::size_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

// "record-<i>" into `buffer`: the value every variant generates for record i.
std::string_view value_of(std::uint64_t i, char (&buffer)[32]) {
  std::memcpy(buffer, "record-", 7);
  const auto result = std::to_chars(buffer + 7, buffer + sizeof buffer, i);
  return std::string_view(buffer, static_cast<std::size_t>(result.ptr - buffer));
}

// The baseline's row: as big as the ledger's.
struct BaselineRow {
  std::uint64_t value_identity;
  std::int64_t fields[12];
  std::uint32_t partition;
  std::uint32_t flags;
};
static_assert(sizeof(BaselineRow) == 112);

struct Figures {
  double seconds = 0;
  std::size_t resident = 0;
  std::size_t accounted = 0;
};

Figures run_baseline(std::uint64_t records) {
  Figures f;
  const std::size_t before = resident_bytes();
  const auto start = Clock::now();
  std::vector<BaselineRow> rows;
  char buffer[32];
  for (std::uint64_t i = 0; i < records; ++i) {
    const std::string_view value = value_of(i, buffer);
    BaselineRow row{};
    row.value_identity = value_identity(value);
    row.fields[0] = static_cast<std::int64_t>(i);
    row.partition = static_cast<std::uint32_t>(i % kPartitions);
    rows.push_back(row);
  }
  f.seconds = seconds_since(start);
  f.resident = resident_bytes() - before;
  f.accounted = rows.capacity() * sizeof(BaselineRow);
  return f;
}

// Feeds `records` records through `ledger`: sent, written by the leader (and copied by
// `followers` followers), the HW past it, acknowledged, consumed.
Figures run_ledger(RecordLedger& ledger, std::uint64_t records, int followers) {
  Figures f;
  const std::size_t before = resident_bytes();
  const auto start = Clock::now();
  char buffer[32];
  std::vector<std::int64_t> next_offset(kPartitions, 0);
  for (std::uint64_t i = 0; i < records; ++i) {
    const std::string_view value = value_of(i, buffer);
    const auto partition = static_cast<std::int32_t>(i % kPartitions);
    const PartitionRef tp("bench", partition);
    const std::int64_t offset = next_offset[static_cast<std::size_t>(partition)]++;
    const std::int32_t leader = partition % 3;
    const SimTime t = SimTime::from_us(static_cast<std::int64_t>(i) * 10);
    const ValueIdentity identity = value_identity(value);
    ledger.record_sent({.record = i, .producer = "producer-1", .key = std::nullopt,
                        .value = value, .acks = -1, .sent_at = t, .partition = tp});
    ledger.record_written({.broker = leader, .partition = tp, .offset = offset,
                           .leader_epoch = 0, .role = AppendRole::leader, .producer_id = -1,
                           .sequence = -1, .value = identity, .written_at = t});
    for (int k = 1; k <= followers; ++k) {
      ledger.record_written({.broker = (leader + k) % 3, .partition = tp, .offset = offset,
                             .leader_epoch = 0, .role = AppendRole::follower,
                             .producer_id = -1, .sequence = -1, .value = identity,
                             .written_at = t});
    }
    ledger.high_watermark_advanced({tp, leader, offset + 1, t});
    ledger.send_completed({.record = i, .outcome = SendOutcome::acknowledged, .partition = tp,
                           .offset = offset, .error = {}, .reason = {}, .completed_at = t,
                           .attempts = 1});
    ledger.record_consumed({.consumer = "consumer-1", .group = std::nullopt, .partition = tp,
                            .offset = offset, .value = identity, .poll = i / 100,
                            .consumed_at = t});
  }
  f.seconds = seconds_since(start);
  f.resident = resident_bytes() - before;
  f.accounted = ledger.memory_use().total();
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::string_view(argv[1]) == "--quick";
  if (argc > 1 && !quick) {
    std::fprintf(stderr, "usage: bench_ledger [--quick]\n");
    return 2;
  }
  std::uint64_t records = quick ? 100'000 : 10'000'000;
  if (const char* env = std::getenv("KSIM_BENCH_RECORDS")) records = std::strtoull(env, nullptr, 10);
  const auto n = static_cast<double>(records);
  std::printf("bench_ledger: %llu records over %d partitions, acks=all, all read once\n",
              static_cast<unsigned long long>(records), kPartitions);

  const Figures baseline = run_baseline(records);
  std::printf("  baseline: std::vector push of a 112-byte row   %7.1f ns/record, %6.1f bytes/record "
              "resident\n",
              baseline.seconds * 1e9 / n, static_cast<double>(baseline.resident) / n);

  for (const int followers : {0, 2}) {
    RecordLedger ledger;
    const Figures f = run_ledger(ledger, records, followers);
    std::printf("  ledger: sent+written%s+HW+completed+consumed %7.1f ns/record (%.1fx baseline), "
                "%6.1f bytes/record resident, %.1f accounted\n",
                followers == 0 ? "" : "+2 copies", f.seconds * 1e9 / n,
                f.seconds / baseline.seconds, static_cast<double>(f.resident) / n,
                static_cast<double>(f.accounted) / n);
    if (followers == 0) {
      const RecordLedger::MemoryUse use = ledger.memory_use();
      std::printf("          accounted per record: rows %.1f, text %.1f, value table %.1f, "
                  "replica logs %.1f, reads %.1f, other %.1f\n",
                  static_cast<double>(use.rows) / n, static_cast<double>(use.text) / n,
                  static_cast<double>(use.value_table) / n,
                  static_cast<double>(use.replica_logs) / n, static_cast<double>(use.reads) / n,
                  static_cast<double>(use.other) / n);
      auto start = Clock::now();
      const std::string summary = ledger.summary_text();
      const std::size_t lost = ledger.lost_records().size();
      const double query_seconds = seconds_since(start);
      start = Clock::now();
      const JepsenReport report = JepsenChecker().check(ledger);
      const double check_seconds = seconds_since(start);
      std::printf("          summary + lost list: %.3f s (%zu lost); Jepsen check: %.2f s "
                  "(%.0f ns/record, %s)\n          %s",
                  query_seconds, lost, check_seconds, check_seconds * 1e9 / n,
                  report.valid() ? "valid" : "anomalies!", summary.c_str());
    }
  }
  return 0;
}
