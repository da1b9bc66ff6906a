// Helpers for the disk tests: temporary directories under /tmp, a snapshot of every file a file
// system holds, record batches from strings, and the two kinds of simulated disk side by side.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/storage/errors.h"
#include "core/storage/file_system.h"
#include "core/storage/log.h"
#include "core/storage/memory_file_system.h"
#include "core/storage/record_batch.h"
#include "sim/disk/durable_directory_file_system.h"
#include "sim/disk/sim_disk.h"
#include "tests/support/temporary_directory.h"
#include "tests/support/producer_batch.h"

namespace ksim::sim::disk_test {

using ksim::test_support::TemporaryDirectory;

// Every file below `directory`, by path, with its whole content: what a reader sees.
using Snapshot = std::map<std::string, std::string>;

inline void collect(storage::FileSystem& fs, const std::string& directory, Snapshot& out) {
  for (const std::string& name : fs.list(directory)) {
    const std::string path = storage::join_path(directory, name);
    if (fs.is_directory(path)) {
      collect(fs, path, out);
    } else {
      out[path] = storage::to_string(storage::read_file(fs, path));
    }
  }
}

inline Snapshot snapshot(storage::FileSystem& fs) {
  Snapshot out;
  collect(fs, "", out);
  return out;
}

inline void append(storage::File& file, std::string_view text) {
  file.append(storage::as_bytes(text));
}

inline std::string contents(storage::FileSystem& fs, std::string_view path) {
  return storage::to_string(storage::read_file(fs, path));
}

template <typename Operation>
storage::IoError io_error_from(Operation&& operation) {
  try {
    operation();
  } catch (const storage::IoError& error) {
    return error;
  }
  throw std::logic_error("expected an IoError");
}

// The two file systems with the durability model, behind one face for templated tests.
struct MemoryDisk {
  static constexpr const char* kind = "memory";
  storage::MemoryFileSystem fs;
};

struct DirectoryDisk {
  static constexpr const char* kind = "directory";
  TemporaryDirectory directory;
  DurableDirectoryFileSystem fs{directory.path() + "/broker-1"};
};

// A SimDisk in memory or in a temporary directory.
struct SimDiskFixture {
  explicit SimDiskFixture(bool in_directory, const DiskOptions& options = {},
                          std::uint64_t seed = 42) {
    if (in_directory) directory = std::make_unique<TemporaryDirectory>();
    disk = std::make_unique<SimDisk>(
        "broker-1", options, Prng(seed, "disk/broker-1/latency"),
        Prng(seed, "disk/broker-1/power_loss"),
        in_directory ? std::optional<std::string>(directory->path() + "/data") : std::nullopt);
  }
  std::unique_ptr<TemporaryDirectory> directory;
  std::unique_ptr<SimDisk> disk;
};

using ksim::test_support::batch_of;

// Appends `batches` batches of one record "v<offset>" each; returns the LEO.
inline std::int64_t append_values(storage::Log& log, int batches) {
  for (int b = 0; b < batches; ++b) {
    storage::Bytes batch = batch_of({"v" + std::to_string(log.log_end_offset())});
    log.append_as_leader(batch, 0, 1000);
  }
  return log.log_end_offset();
}

inline std::vector<std::string> values_of(const storage::Log& log) {
  std::vector<std::string> out;
  for (const storage::Record& record : log.read_records(log.log_start_offset())) {
    out.push_back(record.value ? storage::to_string(*record.value) : "<null>");
  }
  return out;
}

inline std::vector<std::string> expected_values(std::int64_t count) {
  std::vector<std::string> out;
  for (std::int64_t i = 0; i < count; ++i) out.push_back("v" + std::to_string(i));
  return out;
}

inline storage::LogLoadParams unclean(std::int64_t recovery_point) {
  return storage::LogLoadParams{.log_start_offset = 0,
                                .recovery_point = recovery_point,
                                .had_clean_shutdown = false,
                                .now_ms = 1000};
}

inline const std::string partition_directory = "my-topic-0";
inline const std::string first_segment = "my-topic-0/00000000000000000000.log";

}  // namespace ksim::sim::disk_test
