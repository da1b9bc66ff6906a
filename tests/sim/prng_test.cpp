#include "sim/kernel/prng.h"

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <map>
#include <numeric>
#include <vector>

#include "expect_abort.h"
#include "sim/kernel/fixed_point.h"
#include "sim/kernel/hash.h"

using namespace ksim::sim;

namespace {
// |a - b| <= tolerance, for integers.
bool near(std::uint64_t a, std::uint64_t b, std::uint64_t tolerance) {
  return (a > b ? a - b : b - a) <= tolerance;
}
}  // namespace

// Known answers: the reference outputs of each published algorithm (and of our derivation, from
// an independent implementation). A change to any of these changes what every seed means.
TEST_CASE("xoshiro256** matches the reference outputs", "[sim][prng]") {
  Xoshiro256StarStar g({1, 2, 3, 4});
  const std::array<std::uint64_t, 6> expected = {
      11520u, 0u, 1509978240u, 1215971899390074240u, 1216172134540287360u, 607988272756665600u};
  for (std::uint64_t e : expected) CHECK(g.next() == e);
}

TEST_CASE("SplitMix64 and FNV-1a match the reference outputs", "[sim][prng]") {
  std::uint64_t state = 1234567;
  const std::array<std::uint64_t, 5> expected = {6457827717110365317u, 3203168211198807973u,
                                                 9817491932198370423u, 4593380528125082431u,
                                                 16408922859458223821u};
  for (std::uint64_t e : expected) CHECK(splitmix64_next(state) == e);
  STATIC_REQUIRE(fnv1a64("") == 0xcbf29ce484222325);
  STATIC_REQUIRE(fnv1a64("a") == 0xaf63dc4c8601ec8c);
  STATIC_REQUIRE(fnv1a64("foobar") == 0x85944171f73967e8);
}

TEST_CASE("A stream's state and first draws are pinned by (seed, name)", "[sim][prng]") {
  CHECK(derive_stream_state(42, "network") ==
        std::array<std::uint64_t, 4>{6510484387395616205u, 221063200663807202u,
                                     7201746283400349473u, 10821293853918493206u});
  Prng network(42, "network");
  CHECK(network.next_u64() == 498694737570422079u);
  CHECK(network.next_u64() == 4809833684230486946u);
  CHECK(network.next_u64() == 3749324588909117609u);
  CHECK(network.next_u64() == 7429965023954684874u);
  CHECK(network.draws() == 4);
  CHECK(network.name() == "network");
  CHECK(network.root_seed() == 42);
}

TEST_CASE("fork derives from the name, not from the position", "[sim][prng]") {
  Prng client(42, "client");
  Prng before = client.fork("3");
  for (int i = 0; i < 10; ++i) client.next_u64();
  Prng after = client.fork("3");
  CHECK(after.name() == "client/3");
  CHECK(before.next_u64() == 7912523754212275605u);
  CHECK(after.next_u64() == 7912523754212275605u);
  CHECK(Prng(42, "client/3").next_u64() == 7912523754212275605u);
  CHECK(Prng(43, "client/3").next_u64() != 7912523754212275605u);
  CHECK(Prng(42, "client/4").next_u64() != 7912523754212275605u);
}

TEST_CASE("uniform draws dice exactly as the reference", "[sim][prng]") {
  Prng dice(7, "dice");
  std::vector<int> rolls;
  for (int i = 0; i < 12; ++i) rolls.push_back(dice.uniform(1, 6));
  CHECK(rolls == std::vector<int>{5, 5, 4, 3, 6, 1, 4, 2, 2, 5, 4, 1});
}

TEST_CASE("uniform stays in range and covers it", "[sim][prng]") {
  Prng prng(1, "uniform");
  std::map<int, int> seen;
  for (int i = 0; i < 7000; ++i) {
    const int v = prng.uniform(-3, 3);
    REQUIRE(v >= -3);
    REQUIRE(v <= 3);
    ++seen[v];
  }
  CHECK(seen.size() == 7);
  for (auto [value, count] : seen) {
    INFO("value " << value);
    CHECK(count > 850);
    CHECK(count < 1150);
  }
  CHECK(prng.uniform(5, 5) == 5);
  const auto lo = std::numeric_limits<std::int64_t>::min();
  const auto hi = std::numeric_limits<std::int64_t>::max();
  bool negative = false;
  bool positive = false;
  for (int i = 0; i < 64; ++i) {
    const std::int64_t v = prng.uniform(lo, hi);
    negative |= v < 0;
    positive |= v > 0;
  }
  CHECK((negative && positive));
  for (int i = 0; i < 1000; ++i) {
    const auto b = prng.uniform<std::uint8_t>(250, 255);
    REQUIRE(b >= 250);
  }
  const SimDuration d = prng.uniform(SimDuration::from_ms(1), SimDuration::from_ms(2));
  CHECK(d >= SimDuration::from_ms(1));
  CHECK(d <= SimDuration::from_ms(2));
}

TEST_CASE("below has no modulo bias", "[sim][prng]") {
  // With bound = 3 * 2^62, `x % bound` would put half of all draws below 2^62; an unbiased draw
  // puts a third in each quarter-of-2^64 band.
  Prng prng(2, "bias");
  const std::uint64_t bound = std::uint64_t{3} << 62;
  std::array<int, 3> bands{};
  for (int i = 0; i < 30'000; ++i) {
    const std::uint64_t v = prng.below(bound);
    REQUIRE(v < bound);
    ++bands[v >> 62];
  }
  for (int count : bands) {
    CHECK(count > 9'500);
    CHECK(count < 10'500);
  }
}

TEST_CASE("bernoulli follows its integer probability", "[sim][prng]") {
  Prng prng(3, "loss");
  int hits = 0;
  for (int i = 0; i < 100'000; ++i) hits += prng.bernoulli(Ratio::ppm(250'000)) ? 1 : 0;
  CHECK(hits > 24'000);
  CHECK(hits < 26'000);

  Prng quiet(3, "quiet");
  for (int i = 0; i < 100; ++i) CHECK_FALSE(quiet.bernoulli(Ratio::zero()));
  CHECK(quiet.draws() == 0);  // a zero probability draws nothing
  for (int i = 0; i < 100; ++i) CHECK(quiet.bernoulli(Ratio::one()));
  int thirds = 0;
  for (int i = 0; i < 30'000; ++i) thirds += quiet.bernoulli(Ratio{1, 3}) ? 1 : 0;
  CHECK(thirds > 9'500);
  CHECK(thirds < 10'500);
}

TEST_CASE("Fixed-point log2 and exp2 are accurate", "[sim][prng]") {
  using namespace fixed_point;
  CHECK(log2_table(0) == 0);
  CHECK(log2_table(256) == kOne);
  CHECK(near(log2_table(128), 2512394810, 2));  // log2(1.5)
  CHECK(near(log2_table(64), 1382670639, 2));   // log2(1.25)
  CHECK(exp2_table(0) == kOne);
  CHECK(exp2_table(256) == 2 * kOne);
  CHECK(near(exp2_table(128), 6074001000, 2));                        // 2^0.5
  CHECK(near(exp2_table(64), 5107605667, 2));                         // 2^0.25
  CHECK(neg_log2_q32(std::uint64_t{1} << 63) == kOne);                // -log2(1/2)
  CHECK(neg_log2_q32(std::uint64_t{1} << 62) == 2 * kOne);            // -log2(1/4)
  CHECK(neg_log2_q32(1) == 64 * kOne);                                // -log2(2^-64)
  CHECK(near(neg_log2_q32(std::uint64_t{3} << 62), 1782572486, 16));  // -log2(3/4)
  CHECK(exp2_q32(0) == kOne);
  CHECK(exp2_q32(kOne) == 2 * kOne);
  CHECK(exp2_q32(10 * kOne) == 1024 * kOne);
  CHECK(near(exp2_q32(kOne / 2), 6074001000, 2));
  // Monotonic over the whole table.
  for (unsigned i = 0; i < 256; ++i) {
    REQUIRE(log2_table(i) < log2_table(i + 1));
    REQUIRE(exp2_table(i) < exp2_table(i + 1));
  }
}

TEST_CASE("exponential has the requested mean and tail", "[sim][prng]") {
  Prng prng(4, "latency");
  const std::uint64_t mean = 1'000;
  std::uint64_t sum = 0;
  int above_mean = 0;
  int above_5x = 0;
  const int n = 100'000;
  for (int i = 0; i < n; ++i) {
    const std::uint64_t x = prng.exponential(mean);
    sum += x;
    above_mean += x > mean ? 1 : 0;
    above_5x += x > 5 * mean ? 1 : 0;
  }
  CHECK(sum / n > 985);
  CHECK(sum / n < 1'015);
  CHECK(above_mean > 36'000);  // e^-1 = 36.8%
  CHECK(above_mean < 37'600);
  CHECK(above_5x > 570);  // e^-5 = 0.67%
  CHECK(above_5x < 780);
  CHECK(prng.exponential(std::uint64_t{0}) == 0);
  const SimDuration d = prng.exponential(SimDuration::from_ms(2));
  CHECK(d >= SimDuration::zero());
}

TEST_CASE("pareto has a long tail above its scale, capped", "[sim][prng]") {
  Prng prng(5, "tail");
  const int n = 40'000;
  int above_2x = 0;
  int above_4x = 0;
  int capped = 0;
  for (int i = 0; i < n; ++i) {
    const std::uint64_t x = prng.pareto(1'000, Ratio{1, 1}, 50'000);
    REQUIRE(x >= 1'000);
    REQUIRE(x <= 50'000);
    above_2x += x > 2'000 ? 1 : 0;
    above_4x += x > 4'000 ? 1 : 0;
    capped += x == 50'000 ? 1 : 0;
  }
  // alpha = 1: P(X > k * scale) = 1/k.
  CHECK(above_2x > 19'500);
  CHECK(above_2x < 20'500);
  CHECK(above_4x > 9'600);
  CHECK(above_4x < 10'400);
  CHECK(capped > 650);  // P(X >= 50 * scale) = 2%
  CHECK(capped < 950);
  int steep = 0;
  for (int i = 0; i < n; ++i) steep += prng.pareto(1'000, Ratio{2, 1}, 1'000'000) > 2'000 ? 1 : 0;
  CHECK(steep > 9'600);  // alpha = 2: 1/4
  CHECK(steep < 10'400);
  const SimDuration d = prng.pareto(SimDuration::from_ms(1), Ratio{3, 2}, SimDuration::from_s(1));
  CHECK(d >= SimDuration::from_ms(1));
  CHECK(d <= SimDuration::from_s(1));
}

TEST_CASE("choose and shuffle are uniform", "[sim][prng]") {
  Prng prng(6, "pick");
  const std::vector<int> brokers = {1, 2, 3};
  std::map<int, int> picks;
  for (int i = 0; i < 30'000; ++i) ++picks[prng.choose(brokers)];
  for (auto [broker, count] : picks) {
    CHECK(count > 9'500);
    CHECK(count < 10'500);
  }

  std::map<std::vector<int>, int> permutations;
  for (int i = 0; i < 60'000; ++i) {
    std::vector<int> v = {1, 2, 3};
    prng.shuffle(v);
    ++permutations[v];
  }
  CHECK(permutations.size() == 6);
  for (const auto& [perm, count] : permutations) {
    CHECK(count > 9'500);
    CHECK(count < 10'500);
  }

  std::vector<int> big(100);
  std::iota(big.begin(), big.end(), 0);
  prng.shuffle(big);
  CHECK_FALSE(std::is_sorted(big.begin(), big.end()));
  std::sort(big.begin(), big.end());
  std::vector<int> identity(100);
  std::iota(identity.begin(), identity.end(), 0);
  CHECK(big == identity);
}

TEST_CASE("Distributions reject impossible parameters", "[sim][prng]") {
  auto empty = ksim::sim::testing::run_expecting_abort([] {
    Prng prng(1, "x");
    const std::vector<int> none;
    (void)prng.choose(none);
  });
  CHECK(empty.aborted);
  CHECK_THAT(empty.stderr_text, Catch::Contains("Prng::choose from an empty set"));
  auto above_one = ksim::sim::testing::run_expecting_abort([] {
    Prng prng(1, "x");
    (void)prng.bernoulli(Ratio{3, 2});
  });
  CHECK(above_one.aborted);
  CHECK_THAT(above_one.stderr_text, Catch::Contains("probability above 1"));
  auto reversed = ksim::sim::testing::run_expecting_abort([] {
    Prng prng(1, "x");
    (void)prng.uniform(5, 4);
  });
  CHECK(reversed.aborted);
  CHECK_THAT(reversed.stderr_text, Catch::Contains("lo > hi"));
}
