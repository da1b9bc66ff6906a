// The `ksim` executable: subcommands registered from app/cli/*_command.cpp.
#include <CLI/CLI.hpp>

int main(int argc, char** argv) {
  CLI::App app{"ksim: a deterministic simulator and classroom sandbox for Kafka replication"};
  app.require_subcommand(0, 1);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
