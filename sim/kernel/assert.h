// Always-on assertions for programmer errors in the simulator (style.md item 11). They stay on
// in every build we test, print what failed and where, and abort: a broken precondition is a
// bug in the caller, never an outcome to handle.
#pragma once

#include <string_view>

namespace ksim::sim {

[[noreturn]] void assertion_failed(const char* condition, const char* file, int line,
                                   std::string_view message);

}  // namespace ksim::sim

// KSIM_SIM_ASSERT(condition, message): `message` (anything convertible to std::string_view,
// e.g. a std::string built on the spot) is evaluated only when the condition fails.
#define KSIM_SIM_ASSERT(condition, message)                                     \
  do {                                                                          \
    if (!(condition)) [[unlikely]] {                                            \
      ::ksim::sim::assertion_failed(#condition, __FILE__, __LINE__, (message)); \
    }                                                                           \
  } while (false)
