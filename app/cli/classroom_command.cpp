// `ksim classroom`: the main job (until the scenario library and the GUI take over). First the
// multi-broker quickstart on the simulated cluster (quickstart_lesson.h), then the storage
// lesson: one broker's log directory, the quickstart's messages written to a real Kafka segment,
// the files a student would `ls`, kafka-dump-log's view of them, and what kill -9 and a power
// loss each do to unsynced data. `--data-dir DIR` also writes the final log directory there, so
// `ls DIR/my-replicated-topic-0` and `ksim dump-log` work on real files.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "app/cli/commands.h"
#include "app/cli/quickstart_lesson.h"
#include "core/storage/log_manager.h"
#include "core/storage/memory_file_system.h"
#include "core/storage/record_batch.h"
#include "core/storage/segment_dump.h"

namespace ksim::cli {
namespace {

using namespace storage;

const TopicPartition kPartition{"my-replicated-topic", 0};

struct ClassroomOptions {
  std::string data_dir;
  std::uint64_t seed = 1;
};

void say(const std::string& text) { std::cout << "\n# " << text << "\n"; }
void shell(const std::string& command) { std::cout << "$ " << command << "\n"; }

LogManagerConfig broker_config() {
  LogManagerConfig config;
  config.log_dir = "kafka-logs-1";
  config.broker_id = 1;
  config.cluster_id = "ksim-classroom";
  return config;
}

void produce(Log& log, const std::string& value, std::int64_t now_ms) {
  Record record;
  record.timestamp = now_ms;
  record.value = to_bytes(value);
  Bytes batch = encode_batch(BatchSpec{}, {record});
  const LogAppendInfo info = log.append_as_leader(batch, 0, now_ms);
  std::cout << "> " << value << "    (written at offset " << info.first_offset
            << ", acks=1: in the page cache, not fsynced)\n";
}

void list_partition(MemoryFileSystem& fs) {
  const std::string dir = "kafka-logs-1/" + kPartition.to_string();
  shell("ls -l " + dir);
  for (const std::string& name : fs.list(dir)) {
    auto file = fs.open(join_path(dir, name), OpenMode::read_write);
    std::cout << fmt::format("  {:>6} bytes  {}\n", file->size(), name);
  }
}

void consume(Log& log) {
  shell("kafka-console-consumer.sh --bootstrap-server localhost:9092 --from-beginning --topic " +
        kPartition.topic);
  for (const Record& record : log.read_records(log.log_start_offset())) {
    std::cout << to_string(*record.value) << "\n";
  }
}

void export_to(MemoryFileSystem& fs, const std::string& from, const std::filesystem::path& to) {
  std::filesystem::create_directories(to);
  for (const std::string& name : fs.list(from)) {
    const std::string path = join_path(from, name);
    if (fs.is_directory(path)) {
      export_to(fs, path, to / name);
      continue;
    }
    const Bytes content = read_file(fs, path);
    std::ofstream out(to / name, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(content.data()),
              static_cast<std::streamsize>(content.size()));
  }
}

int run_classroom(const ClassroomOptions& options) {
  std::cout << "ksim classroom, part 1: the multi-broker quickstart, and a leader killed\n";
  if (!run_quickstart_lesson(std::cout, options.seed)) {
    std::cout << "\nThe cluster did not behave as the lesson expects.\n";
    return kCheckFailed;
  }
  MemoryFileSystem fs;
  std::cout << "\n\nksim classroom, part 2: how a Kafka broker keeps a partition on disk\n";

  say("Broker 1 starts with an empty log directory and creates partition 0 of the topic.");
  auto broker = std::make_unique<LogManager>(fs, broker_config(), 0);
  Log* log = &broker->get_or_create_log(kPartition, LogConfig{}, 0);

  say("A producer sends the quickstart's two messages.");
  shell("kafka-console-producer.sh --broker-list localhost:9092 --topic " + kPartition.topic);
  produce(*log, "my test message 1", 1'000);
  produce(*log, "my test message 2", 2'000);

  say("Each partition is a directory of segments named by their first offset.");
  list_partition(fs);

  say("kafka-dump-log.sh shows the record batches inside the segment.");
  const std::string segment = "kafka-logs-1/my-replicated-topic-0/00000000000000000000.log";
  shell("kafka-dump-log.sh --print-data-log --files " + segment);
  std::cout << "Dumping " << segment << "\n"
            << dump_segment_file(segment, read_file(fs, segment), {.print_data_log = true}).text;

  say("kill -9 broker 1: the process dies, but the operating system's page cache survives.");
  broker.reset();
  fs.crash_process();
  broker = std::make_unique<LogManager>(fs, broker_config(), 3'000);
  log = broker->get_log(kPartition);
  std::cout << fmt::format("Broker 1 restarted: {} shutdown, log end offset {}\n",
                           broker->startup().had_clean_shutdown ? "clean" : "unclean",
                           log->log_end_offset());
  consume(*log);

  say("Some seconds later Linux writes the dirty pages back to disk (vm.dirty_expire_centisecs, "
      "30 s by default): messages 1 and 2 are now durable.");
  log->flush();
  std::cout << fmt::format("fsync: recovery point {}\n", log->recovery_point());

  say("Now a third message, then the power goes off before the OS writes it to disk.");
  produce(*log, "my test message 3", 4'000);
  const std::uint64_t unsynced = fs.unsynced_bytes();
  broker.reset();
  fs.power_loss();
  broker = std::make_unique<LogManager>(fs, broker_config(), 5'000);
  log = broker->get_log(kPartition);
  std::cout << fmt::format(
      "Power back: {} unsynced bytes were lost; recovery revalidated the log, log end offset {}\n",
      unsynced, log->log_end_offset());
  consume(*log);
  say("Message 3 is gone. Kafka does not fsync each write: durability comes from replication, "
      "so a power loss on a single broker loses what only it held.");

  broker->shutdown();
  if (!options.data_dir.empty()) {
    export_to(fs, "kafka-logs-1", options.data_dir);
    say(fmt::format("The log directory is in {}: try `ksim dump-log {}/{}/00000000000000000000.log`",
                    options.data_dir, options.data_dir, kPartition.to_string()));
  }
  return kSuccess;
}

}  // namespace

void add_classroom_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ClassroomOptions>();
  CLI::App* command = app.add_subcommand(
      "classroom", "Run the default classroom lesson and print its transcript");
  command->add_option("--data-dir", options->data_dir,
                      "Also write the broker's log directory here, as real files");
  command->add_option("--seed", options->seed, "The simulation's seed (default 1)");
  command->callback([options, &exit_code] { exit_code = run_classroom(*options); });
}

}  // namespace ksim::cli
