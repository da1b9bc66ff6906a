// AdminError: Kafka's admin exceptions as values with their Java class and protocol error.
#include "core/controller/admin_error.h"

#include <utility>

namespace ksim::controller {

AdminError::AdminError(std::string_view exception_class, protocol::Error error,
                       const std::string& message, std::vector<std::string> stack_trace)
    : std::runtime_error(message),
      exception_class_(exception_class),
      error_(error),
      stack_trace_(std::move(stack_trace)) {}

std::string AdminError::java_stack_trace() const {
  std::string trace = exception_class_ + ": " + what() + "\n";
  for (const std::string& frame : stack_trace_) trace += "\t" + frame + "\n";
  return trace;
}

}  // namespace ksim::controller
