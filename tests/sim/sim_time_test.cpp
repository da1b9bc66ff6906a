#include "sim/kernel/sim_time.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <sstream>

#include "expect_abort.h"

using namespace ksim::sim;
using namespace ksim::sim::time_literals;

TEST_CASE("SimDuration converts between units exactly", "[sim][time]") {
  CHECK(SimDuration::from_ms(15).to_us() == 15'000);
  CHECK(SimDuration::from_s(3).to_us() == 3'000'000);
  CHECK(SimDuration::from_us(15'002'999).to_ms() == 15'002);
  CHECK(SimDuration::from_us(15'999'999).to_s() == 15);
  CHECK(SimDuration::from_us(-1'500).to_ms() == -1);  // truncated toward zero
  CHECK(250_us == SimDuration::from_us(250));
  CHECK(15_ms == SimDuration::from_us(15'000));
  CHECK(2_s == SimDuration::from_ms(2'000));
}

TEST_CASE("SimTime and SimDuration arithmetic", "[sim][time]") {
  const SimTime t = SimTime::from_s(15) + 2_ms;
  CHECK(t.to_us() == 15'002'000);
  CHECK(t - SimTime::from_s(15) == 2_ms);
  CHECK(t - 2_ms == SimTime::from_s(15));
  CHECK(SimTime::zero() < t);
  CHECK(t < SimTime::max());
  CHECK(3_ms * 4 == 12_ms);
  CHECK(4 * 3_ms == 12_ms);
  CHECK(12_ms / 5 == SimDuration::from_us(2'400));
  CHECK(-(1_s) == SimDuration::from_ms(-1'000));
  SimTime u = SimTime::zero();
  u += 7_ms;
  u -= 2_ms;
  CHECK(u == SimTime::from_ms(5));
  CHECK(u.since_start() == 5_ms);
}

TEST_CASE("Times print as exact decimal seconds", "[sim][time]") {
  CHECK((SimTime::from_s(15) + 2_ms).to_string() == "15.002s");
  CHECK(SimTime::zero().to_string() == "0.000s");
  CHECK(SimTime::from_s(3).to_string() == "3.000s");
  CHECK(SimTime::from_us(15'002'500).to_string() == "15.0025s");
  CHECK(SimDuration::from_us(250).to_string() == "0.00025s");
  CHECK(SimDuration::from_us(1).to_string() == "0.000001s");
  CHECK(SimDuration::from_ms(-1'500).to_string() == "-1.500s");
  CHECK(SimDuration::from_us(-7).to_string() == "-0.000007s");
  CHECK(SimDuration::max().to_string() == "9223372036854.775807s");
  CHECK(SimDuration::from_us(std::numeric_limits<std::int64_t>::min()).to_string() ==
        "-9223372036854.775808s");
  std::ostringstream out;
  out << SimTime::from_ms(1'234) << " " << 5_ms;
  CHECK(out.str() == "1.234s 0.005s");
}

TEST_CASE("Time overflow and negative points are programmer errors", "[sim][time]") {
  auto overflow = ksim::sim::testing::run_expecting_abort(
      [] { (void)(SimTime::max() + SimDuration::from_us(1)); });
  CHECK(overflow.aborted);
  CHECK_THAT(overflow.stderr_text, Catch::Contains("virtual time overflow in addition"));

  auto before_start = ksim::sim::testing::run_expecting_abort(
      [] { (void)(SimTime::from_ms(1) - SimDuration::from_ms(2)); });
  CHECK(before_start.aborted);
  CHECK_THAT(before_start.stderr_text,
             Catch::Contains("SimTime before the start of the simulation"));
}
