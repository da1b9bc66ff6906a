// Helpers for the FileSystem tests: writing and reading a whole file in one call, and the
// IoError an operation throws.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "core/storage/errors.h"
#include "core/storage/file_system.h"

namespace ksim::storage::test {

inline void append(File& file, std::string_view text) { file.append(as_bytes(text)); }

inline std::string contents(FileSystem& fs, std::string_view path) {
  return to_string(read_file(fs, path));
}

// The IoError `operation` throws; a test that expected one fails if it throws nothing.
template <typename Operation>
IoError io_error_from(Operation&& operation) {
  try {
    operation();
  } catch (const IoError& error) {
    return error;
  }
  throw std::logic_error("expected an IoError");
}

}  // namespace ksim::storage::test
