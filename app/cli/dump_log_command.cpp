// `ksim dump-log FILE...`: Kafka's kafka-dump-log.sh (DumpLogSegments) for our segment files.
#include <fstream>
#include <iostream>
#include <iterator>

#include "app/cli/commands.h"
#include "core/storage/segment_dump.h"

namespace ksim::cli {
namespace {

struct DumpLogOptions {
  std::vector<std::string> files;
  bool print_data_log = false;
};

int run_dump_log(const DumpLogOptions& options) {
  int result = kSuccess;
  for (const std::string& path : options.files) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      std::cerr << "ksim dump-log: " << path << ": cannot open the file\n";
      result = kBadInput;
      continue;
    }
    const storage::Bytes content{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    std::cout << "Dumping " << path << "\n";
    try {
      const storage::SegmentDump dump =
          storage::dump_segment_file(path, content, {.print_data_log = options.print_data_log});
      std::cout << dump.text;
      if (dump.damaged && result == kSuccess) result = kCheckFailed;
    } catch (const std::invalid_argument& e) {
      std::cerr << "ksim dump-log: " << e.what() << "\n";
      result = kBadInput;
    }
  }
  return result;
}

}  // namespace

void add_dump_log_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<DumpLogOptions>();
  CLI::App* command = app.add_subcommand(
      "dump-log",
      "Print segment files (.log, .index, .timeindex) like Kafka's kafka-dump-log.sh. Exit 1 if "
      "a file is damaged (invalid batches or trailing bytes), 2 if it cannot be read.");
  command->add_option("files", options->files, "Segment files, e.g. my-topic-0/00000000000000000000.log")
      ->required();
  command->add_flag("--print-data-log", options->print_data_log,
                    "Also print every record: offset, timestamp, key and payload");
  command->callback([options, &exit_code] { exit_code = run_dump_log(*options); });
}

}  // namespace ksim::cli
