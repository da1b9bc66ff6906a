// Storage benchmark: append throughput of the partition log for 10-byte and 1 KiB records in
// batches, to the in-memory file system and to real files, each against a baseline measured in
// the same run (plain sequential writes of the same bytes to the same place); then read/scan
// throughput. Prints figures, ratios and the targets; exits 0 whatever the figures (speed is
// reported, not asserted).
//
//   bench_storage [--quick] [--dir DIR]
//
// Targets (issue 2): >= 10 million 10-byte records/s appended in batches to memory on one core;
// >= 80% of the plain sequential-write baseline to real files.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "core/storage/log.h"
#include "core/storage/memory_file_system.h"
#include "core/storage/posix_file_system.h"
#include "core/storage/record_batch.h"

using namespace ksim::storage;
using Clock = std::chrono::steady_clock;

namespace {

struct Workload {
  const char* name;
  std::size_t record_size;
  std::size_t records_per_batch;
  std::size_t batches;
};

Bytes make_batch(std::size_t records, std::size_t value_size) {
  std::vector<Record> batch(records);
  for (std::size_t i = 0; i < records; ++i) {
    batch[i].offset = static_cast<std::int64_t>(i);
    batch[i].timestamp = 1'700'000'000'000;
    batch[i].value = Bytes(value_size, static_cast<std::uint8_t>('a' + i % 26));
  }
  return encode_batch(BatchSpec{}, batch);
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Best of `repeats` runs of `run`, which returns the seconds it took.
template <typename Run>
double best_of(int repeats, Run run) {
  double best = 1e30;
  for (int i = 0; i < repeats; ++i) best = std::min(best, run());
  return best;
}

// A measurement and its baseline, run alternately `repeats` times so that each pair sees the
// same state of the disk (page cache, writeback of the previous run): the best time of each,
// and the median over pairs of baseline time / measured time (the fair ratio when the disk's
// speed drifts between runs).
struct Paired {
  double run = 0;
  double baseline = 0;
  double median_ratio = 0;
};

template <typename Run, typename Baseline>
Paired best_of_interleaved(int repeats, Run run, Baseline baseline) {
  Paired paired{1e30, 1e30, 0};
  std::vector<double> ratios;
  for (int i = 0; i < repeats; ++i) {
    const double b = baseline();
    const double r = run();
    paired.baseline = std::min(paired.baseline, b);
    paired.run = std::min(paired.run, r);
    ratios.push_back(b / r);
  }
  std::sort(ratios.begin(), ratios.end());
  paired.median_ratio = ratios[ratios.size() / 2];
  return paired;
}

double append_to_log(FileSystem& fs, const std::string& dir, Bytes batch, std::size_t batches) {
  LogConfig config;
  Log log(fs, dir, config, {});
  const auto start = Clock::now();
  for (std::size_t i = 0; i < batches; ++i) {
    set_base_offset(batch, 0);  // as a producer sends it; the leader assigns the offsets
    log.append_as_leader(batch, 0, 0);
  }
  log.flush();
  const double took = seconds_since(start);
  log.delete_directory();
  return took;
}

// The same bytes appended to one file of the same in-memory file system, without the log.
double plain_memory_writes(MemoryFileSystem& fs, const Bytes& batch, std::size_t batches) {
  const auto start = Clock::now();
  {
    auto file = fs.open("baseline.bin", OpenMode::create_truncate);
    for (std::size_t i = 0; i < batches; ++i) file->append(batch);
    file->fsync();
  }
  const double took = seconds_since(start);
  fs.remove("baseline.bin");
  return took;
}

double plain_file_writes(const std::string& path, const Bytes& batch, std::size_t batches) {
  const auto start = Clock::now();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
  if (fd < 0) std::abort();
  for (std::size_t i = 0; i < batches; ++i) {
    if (::write(fd, batch.data(), batch.size()) != static_cast<ssize_t>(batch.size())) std::abort();
  }
  ::fsync(fd);
  ::close(fd);
  const double took = seconds_since(start);
  ::unlink(path.c_str());
  return took;
}

void report(const char* what, std::size_t records, std::size_t bytes, double seconds,
            double baseline_seconds) {
  std::printf("  %-34s %12.0f records/s %9.1f MB/s   %5.1f%% of baseline\n", what,
              static_cast<double>(records) / seconds, static_cast<double>(bytes) / seconds / 1e6,
              100.0 * baseline_seconds / seconds);
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  std::string dir = std::filesystem::temp_directory_path() / "ksim-bench-storage";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--quick") {
      quick = true;
    } else if (arg == "--dir" && i + 1 < argc) {
      dir = argv[++i];
    } else {
      std::fprintf(stderr, "usage: bench_storage [--quick] [--dir DIR]\n");
      return 2;
    }
  }
  const std::size_t scale = quick ? 50 : 1;
  const int repeats = quick ? 1 : 5;
  const Workload workloads[] = {
      {"10-byte records, 1000 per batch", 10, 1000, 10'000 / scale},
      {"1 KiB records, 16 per batch", 1024, 16, 20'000 / scale},
  };
  std::filesystem::create_directories(dir);
  PosixFileSystem disk(dir);
  MemoryFileSystem memory;

  double memory_small_rate = 0;
  double worst_file_ratio = 1e9;
  std::printf("ksim storage benchmark%s (best of %d)\n", quick ? " --quick" : "", repeats);
  for (const Workload& w : workloads) {
    const Bytes batch = make_batch(w.records_per_batch, w.record_size);
    const std::size_t records = w.records_per_batch * w.batches;
    const std::size_t bytes = batch.size() * w.batches;
    std::printf("%s: %zu records, %.1f MB of batches\n", w.name, records,
                static_cast<double>(bytes) / 1e6);

    const auto [memory_log, memory_baseline, memory_ratio] = best_of_interleaved(
        repeats, [&] { return append_to_log(memory, "bench-0", batch, w.batches); },
        [&] { return plain_memory_writes(memory, batch, w.batches); });
    report("append, in-memory file system", records, bytes, memory_log, memory_baseline);
    std::printf("  %-34s %5.1f%% (median over pairs)\n", "  ratio to baseline", 100 * memory_ratio);
    report("baseline: plain File::append", records, bytes, memory_baseline, memory_baseline);

    const auto [file_log, file_baseline, file_ratio] = best_of_interleaved(
        repeats, [&] { return append_to_log(disk, "bench-0", batch, w.batches); },
        [&] { return plain_file_writes(dir + "/baseline.bin", batch, w.batches); });
    report("append, real files (+fsync)", records, bytes, file_log, file_baseline);
    std::printf("  %-34s %5.1f%% (median over pairs)\n", "  ratio to baseline", 100 * file_ratio);
    report("baseline: plain write()+fsync", records, bytes, file_baseline, file_baseline);
    worst_file_ratio = std::min(worst_file_ratio, file_ratio);
    if (w.record_size == 10) memory_small_rate = static_cast<double>(records) / memory_log;

    // Read/scan: a consumer reading the whole log in 1 MiB fetches, and a full decode.
    Log log(memory, "scan-0", LogConfig{}, {});
    Bytes copy = batch;
    for (std::size_t i = 0; i < w.batches; ++i) {
      set_base_offset(copy, 0);
      log.append_as_leader(copy, 0, 0);
    }
    const double scan = best_of(repeats, [&] {
      const auto start = Clock::now();
      std::int64_t offset = 0;
      std::size_t seen = 0;
      while (offset < log.log_end_offset()) {
        const FetchDataInfo data = log.read(offset, 1 << 20);
        std::size_t at = 0;
        while (at < data.records.size()) {
          const BatchHeader h = read_batch_header(ByteView(data.records).subspan(at));
          if (!crc_is_valid(ByteView(data.records).subspan(at, h.size_in_bytes()))) std::abort();
          offset = h.next_offset();
          at += h.size_in_bytes();
        }
        seen += data.records.size();
      }
      if (seen != bytes) std::abort();
      return seconds_since(start);
    });
    const double raw_read = best_of(repeats, [&] {
      const auto start = Clock::now();
      auto file = memory.open("scan-0/00000000000000000000.log", OpenMode::read_write);
      Bytes chunk(1 << 20);
      std::uint64_t position = 0;
      while (const std::size_t n = file->read_at(position, chunk)) position += n;
      if (position != bytes) std::abort();
      return seconds_since(start);
    });
    report("read (1 MiB fetches, CRC checked)", records, bytes, scan, raw_read);
    report("baseline: raw 1 MiB read_at", records, bytes, raw_read, raw_read);
    const double decode = best_of(repeats, [&] {
      const auto start = Clock::now();
      std::size_t decoded = 0;
      std::int64_t offset = 0;
      while (offset < log.log_end_offset()) {
        const FetchDataInfo data = log.read(offset, 1 << 20);
        const auto records_read = decode_records(data.records);
        decoded += records_read.size();
        offset = records_read.back().offset + 1;
      }
      if (decoded != records) std::abort();
      return seconds_since(start);
    });
    report("read + decode every record", records, bytes, decode, raw_read);
    log.delete_directory();
  }
  std::filesystem::remove_all(dir);

  std::printf("\ntargets:\n");
  std::printf("  10-byte records to memory: %.1f M records/s (target >= 10)  %s\n",
              memory_small_rate / 1e6, memory_small_rate >= 10e6 ? "met" : "NOT MET");
  std::printf("  real files vs plain writes (median of pairs, worst workload): %.0f%% (target >= 80%%)  %s\n",
              100 * worst_file_ratio, worst_file_ratio >= 0.8 ? "met" : "NOT MET");
  return 0;
}
