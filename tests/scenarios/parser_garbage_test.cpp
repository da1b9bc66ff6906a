// Whatever a script says, the parser answers with steps or a ScriptError: never another
// exception, an assertion or undefined behaviour (run under the sanitizers).
#include <catch2/catch.hpp>

#include <cstdint>

#include "scenarios/parser.h"

using namespace ksim::scenarios;

namespace {

// A fixed linear congruential generator: the same lines on every run.
struct GarbageLines {
  std::uint64_t state = 12345;
  std::uint64_t next(std::uint64_t bound) {
    state = state * 6364136223846793005u + 1442695040888963407u;
    return (state >> 33) % bound;
  }
};

const std::vector<std::string> kGarbageWords = {
    "kafka-topics.sh", "--create", "--topic", "t", "--partitions", "3", "-1", "99999999999999999999",
    "kafka-console-consumer.sh", "--max-messages", "kafka-console-producer.sh", ">", "&", "|",
    ",", "\"", "'", "\\", "#", "at", "5s:", "1.5s", "0.0000001s", "wait", "until", "within",
    "expect", "leader", "t-0", "-", "t-", "isr", "==", "!=", "[", "]", "[1,2]", "[,]", "[1,", "say",
    "kill", "-9", "broker", "client", "stop", "isolate", "from", "split", "slow", "link", "disk",
    "loss", "5%", "%", "heal", "fill", "brokers", "broker-config", "min.insync.replicas=2", "=",
    "seed", "protocol", "echo", "zookeeper-shell.sh", "ls", "get", "-s", "/", "output",
    "contains", "failed", "lag", "consumed", "hw", "on", "none", "acks=all", "é", "\t", ""};

}  // namespace

TEST_CASE("random lines give steps or a ScriptError, nothing else") {
  GarbageLines random;
  int errors = 0;
  for (int script = 0; script < 2000; ++script) {
    std::string text;
    const std::uint64_t lines = 1 + random.next(4);
    for (std::uint64_t line = 0; line < lines; ++line) {
      const std::uint64_t words = random.next(9);
      for (std::uint64_t w = 0; w < words; ++w) {
        if (w > 0 && random.next(5) != 0) text += ' ';
        text += kGarbageWords[random.next(kGarbageWords.size())];
      }
      text += '\n';
    }
    CAPTURE(text);
    try {
      parse_script(text, "garbage.ksim");
    } catch (const ScriptError& error) {
      ++errors;
      CHECK(std::string(error.what()).rfind("garbage.ksim", 0) == 0);
    }
    ScriptParser console("console");
    try {
      console.parse_command(text);
      console.finish();
    } catch (const ScriptError&) {
    }
  }
  CHECK(errors > 1000);  // most garbage is refused
}
