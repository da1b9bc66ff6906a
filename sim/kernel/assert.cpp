#include "sim/kernel/assert.h"

#include <cstdio>
#include <cstdlib>

namespace ksim::sim {

void assertion_failed(const char* condition, const char* file, int line, std::string_view message) {
  std::fprintf(stderr, "ksim: assertion failed: %s\n  at %s:%d\n  %.*s\n", condition, file, line,
               static_cast<int>(message.size()), message.data());
  std::fflush(stderr);
  std::abort();
}

}  // namespace ksim::sim
