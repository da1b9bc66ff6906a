#include <catch2/catch.hpp>
#include <set>
#include <vector>

#include "sim/kernel/state_digest.h"
#include "workload.h"

using namespace ksim::sim;
using ksim::sim::testing::run_workload;
using ksim::sim::testing::WorkloadOptions;
using ksim::sim::testing::WorkloadResult;

TEST_CASE("Same seed, same run: 100 seeds run twice", "[sim][determinism]") {
  std::set<std::uint64_t> digests;
  std::uint64_t total_events = 0;
  std::uint64_t total_cancellations = 0;
  std::uint64_t total_reschedules = 0;
  for (std::uint64_t seed = 1; seed <= 100; ++seed) {
    const WorkloadResult a = run_workload({.seed = seed});
    const WorkloadResult b = run_workload({.seed = seed});
    INFO("seed " << seed);
    REQUIRE(a.events.size() > 4000);
    REQUIRE(a.events == b.events);
    REQUIRE(a.kinds == b.kinds);
    REQUIRE(a.network_draws == b.network_draws);
    REQUIRE(a.digest == b.digest);
    digests.insert(a.digest);
    total_events += a.events.size();
    total_cancellations += a.cancellations;
    total_reschedules += a.reschedules;
  }
  CHECK(digests.size() == 100);  // different seeds, different runs
  // The workload does cancel and reschedule a lot.
  CHECK(total_cancellations > total_events / 20);
  CHECK(total_reschedules > total_events / 20);
}

TEST_CASE("A new stream with events of its own leaves the network's draws unchanged",
          "[sim][determinism]") {
  for (std::uint64_t seed : {7u, 8u, 9u}) {
    INFO("seed " << seed);
    const WorkloadResult plain = run_workload({.seed = seed});
    const WorkloadResult audited = run_workload({.seed = seed, .audit_stream = true});
    CHECK(plain.network_draws == audited.network_draws);
    // The nodes' events are the same ones at the same times, in the same order; only the
    // audit events are added (and every sequence number after them shifts).
    std::vector<std::tuple<SimTime, std::string, NodeId>> nodes_plain;
    std::vector<std::tuple<SimTime, std::string, NodeId>> nodes_audited;
    for (std::size_t i = 0; i < plain.events.size(); ++i) {
      nodes_plain.emplace_back(plain.events[i].time, plain.kinds[i], plain.events[i].target);
    }
    std::size_t audits = 0;
    for (std::size_t i = 0; i < audited.events.size(); ++i) {
      if (audited.kinds[i] == "audit.sample") {
        ++audits;
        continue;
      }
      nodes_audited.emplace_back(audited.events[i].time, audited.kinds[i],
                                 audited.events[i].target);
    }
    CHECK(audits > 300);
    CHECK(nodes_plain == nodes_audited);
    CHECK(plain.digest != audited.digest);  // the digest does see the extra events
  }
}

TEST_CASE("Digest histories find the first divergent event", "[sim][determinism]") {
  const WorkloadResult a = run_workload({.seed = 11, .keep_history = true});
  const WorkloadResult b = run_workload({.seed = 11, .keep_history = true});
  REQUIRE(a.history.size() == a.events.size());
  CHECK(a.history.back() == a.digest);
  CHECK_FALSE(first_divergence(a.history, b.history).has_value());

  const WorkloadResult c =
      run_workload({.seed = 11, .keep_history = true, .perturb_at_event = 500});
  CHECK(first_divergence(a.history, c.history) == 500);
  CHECK(a.events == c.events);  // only the digest was touched

  const WorkloadResult other = run_workload({.seed = 12, .keep_history = true});
  const auto diverged = first_divergence(a.history, other.history);
  REQUIRE(diverged.has_value());
  CHECK(*diverged <= 1);  // different seeds differ almost at once

  const WorkloadResult shorter =
      run_workload({.seed = 11, .until = SimTime::from_ms(500), .keep_history = true});
  REQUIRE(shorter.history.size() < a.history.size());
  CHECK(first_divergence(a.history, shorter.history) == shorter.history.size());
}

TEST_CASE("first_divergence on plain histories", "[sim][determinism]") {
  const DigestHistory a = {1, 2, 3, 4};
  CHECK_FALSE(first_divergence(a, DigestHistory{1, 2, 3, 4}).has_value());
  CHECK(first_divergence(a, DigestHistory{1, 2, 9, 4}) == 2);
  CHECK(first_divergence(a, DigestHistory{7}) == 0);
  CHECK(first_divergence(a, DigestHistory{1, 2}) == 2);
  CHECK(first_divergence(DigestHistory{}, DigestHistory{}) == std::nullopt);
  CHECK(first_divergence(DigestHistory{}, a) == 0);
}

TEST_CASE("The digest folds words in order and pins its mixing", "[sim][determinism]") {
  StateDigest d;
  CHECK(d.value() == StateDigest::initial_value);
  d.mix(std::uint64_t{1});
  d.mix(std::uint64_t{2});
  StateDigest swapped;
  swapped.mix(std::uint64_t{2});
  swapped.mix(std::uint64_t{1});
  CHECK(d.value() != swapped.value());
  StateDigest zero;
  zero.mix(0);
  CHECK(zero.value() != StateDigest::initial_value);  // zero words still count
  StateDigest split_ab;
  split_ab.mix(std::string_view("ab"));
  split_ab.mix(std::string_view("c"));
  StateDigest split_bc;
  split_bc.mix(std::string_view("a"));
  split_bc.mix(std::string_view("bc"));
  CHECK(split_ab.value() != split_bc.value());
  StateDigest negative;
  negative.mix(std::int32_t{-1});
  StateDigest all_ones;
  all_ones.mix(~std::uint64_t{0});
  CHECK(negative.value() == all_ones.value());
}
