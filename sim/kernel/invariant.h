// Invariants as objects (Kafka's RaftEventSimulationTest: SingleLeader, MonotonicHighWatermark;
// TigerBeetle's *_checker.zig). Registered on the Simulation, `check` runs after every event;
// `check_at_end` holds the expensive validations, run once by Simulation::check_final_invariants.
// A failure is described by the returned text; the kernel adds the name, the time and the event.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace ksim::sim {

class Simulation;

class Invariant {
 public:
  virtual ~Invariant() = default;

  virtual std::string_view name() const = 0;
  // Nothing when the invariant holds, otherwise what is wrong. Not const: an invariant such as
  // a monotonic high watermark remembers what it saw.
  virtual std::optional<std::string> check(const Simulation& sim) = 0;
  virtual std::optional<std::string> check_at_end(const Simulation& /*sim*/) {
    return std::nullopt;
  }
};

// An invariant made of a name and a function, for small checks and tests.
class FunctionInvariant final : public Invariant {
 public:
  using Check = std::function<std::optional<std::string>(const Simulation&)>;
  FunctionInvariant(std::string name, Check check)
      : name_(std::move(name)), check_(std::move(check)) {}

  std::string_view name() const override { return name_; }
  std::optional<std::string> check(const Simulation& sim) override { return check_(sim); }

 private:
  std::string name_;
  Check check_;
};

}  // namespace ksim::sim
