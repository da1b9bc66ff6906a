// libFuzzer entry point for the scenario parser: coverage-guided, open-ended fuzzing, next to the
// fixed-seed garbage test in tests/scenarios/parser_garbage_test.cpp (which runs in CTest). Not
// part of the CMake build; build it with clang by hand, from the source root, after a default
// build: the parser's own sources are compiled instrumented, the libraries it reaches (the broker
// settings need sim/ and core/) come from the default build:
//
//   clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -I. \
//     tests/fuzz/libfuzzer/libfuzzer_script_parser.cpp scenarios/script*.cpp \
//     scenarios/parser*.cpp scenarios/did_you_mean.cpp scenarios/broker_settings.cpp \
//     build/default/sim/libksim_sim.a build/default/core/libksim_core.a \
//     -lfmt -lz -lzstd -lsnappy -llz4 -o build/fuzz_script_parser
//   mkdir -p build/fuzz_corpus_scripts && cp scenarios/library/*.ksim build/fuzz_corpus_scripts/
//   build/fuzz_script_parser -max_total_time=300 build/fuzz_corpus_scripts
//
// The input is a script; the first byte, if it is 0xff, makes the rest one console line
// (ScriptParser::parse_command) instead. The parser may throw ScriptError only: any other
// exception escapes and libFuzzer reports it, as it reports a crash or undefined behaviour.
#include <cstddef>
#include <cstdint>
#include <string>

#include "scenarios/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 0 && data[0] == 0xff) {
    const std::string line(reinterpret_cast<const char*>(data + 1), size - 1);
    try {
      ksim::scenarios::ScriptParser parser("console");
      (void)parser.parse_command(line);
    } catch (const ksim::scenarios::ScriptError&) {
    }
    return 0;
  }
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    (void)ksim::scenarios::parse_script(text, "fuzz.ksim");
  } catch (const ksim::scenarios::ScriptError&) {
  }
  return 0;
}
