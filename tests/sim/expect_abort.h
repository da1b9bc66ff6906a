// Checks programmer-error assertions: runs a function in a forked child and reports whether it
// aborted and what it printed to stderr.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>  // freopen, fflush
#include <cstdlib>
#include <string>

namespace ksim::sim::testing {

struct AbortOutcome {
  bool aborted = false;
  std::string stderr_text;
};

template <class F>
AbortOutcome run_expecting_abort(F&& f) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    dup2(fds[1], STDERR_FILENO);
    // The test framework's own SIGABRT handler must not report the child's abort.
    std::signal(SIGABRT, SIG_DFL);
    std::freopen("/dev/null", "w", stdout);
    f();
    _exit(0);  // no abort: the parent reports it
  }
  close(fds[1]);
  AbortOutcome outcome;
  char buffer[4096];
  ssize_t n = 0;
  while ((n = read(fds[0], buffer, sizeof buffer)) > 0) {
    outcome.stderr_text.append(buffer, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  outcome.aborted = WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
  return outcome;
}

}  // namespace ksim::sim::testing
