#include "sim/network/link_options.h"

#include "sim/network/errors.h"

namespace ksim::sim::network {

namespace {
__extension__ using u128 = unsigned __int128;

void require(bool ok, const std::string& message) {
  if (!ok) throw NetworkError(message);
}
}  // namespace

std::string format_duration(SimDuration d) {
  const std::int64_t us = d.to_us();
  if (us != 0 && us % 1'000'000 == 0) return std::to_string(us / 1'000'000) + "s";
  if (us != 0 && us % 1'000 == 0) return std::to_string(us / 1'000) + "ms";
  return std::to_string(us) + "us";
}

SimDuration Latency::draw(Prng& prng) const {
  switch (shape) {
    case Shape::fixed:
      return low;
    case Shape::uniform:
      return prng.uniform(low, high);
    case Shape::long_tail:
      return prng.pareto(low, alpha, high);
  }
  return low;
}

SimDuration Latency::typical() const {
  switch (shape) {
    case Shape::fixed:
    case Shape::long_tail:
      return low;
    case Shape::uniform:
      return low + (high - low) / 2;
  }
  return low;
}

void Latency::validate() const {
  require(low >= SimDuration::zero(), "latency " + to_string() + " is negative");
  if (shape == Shape::fixed) return;
  require(high >= low, "latency " + to_string() + ": the upper bound is below the lower one");
  if (shape == Shape::long_tail) {
    require(alpha.numerator != 0 && alpha.denominator != 0,
            "latency " + to_string() + ": alpha must be above 0");
  }
}

std::string Latency::to_string() const {
  switch (shape) {
    case Shape::fixed:
      return "fixed " + format_duration(low);
    case Shape::uniform:
      return "uniform " + format_duration(low) + ".." + format_duration(high);
    case Shape::long_tail:
      return "long_tail " + format_duration(low) + " alpha " + alpha.to_string() + " cap " +
             format_duration(high);
  }
  return "?";
}

void LinkOptions::validate() const {
  latency.validate();
  require(loss.denominator != 0 && loss.numerator <= loss.denominator,
          "loss " + loss.to_string() + " is not a probability");
}

std::string LinkOptions::to_string() const {
  std::string text = latency.to_string() + ", loss " + loss.to_string() + ", ";
  if (bandwidth_bytes_per_s == 0) return text + "unlimited bandwidth";
  return text + std::to_string(bandwidth_bytes_per_s) + " B/s";
}

SimDuration Slowdown::apply(SimDuration latency) const {
  const u128 scaled = static_cast<u128>(latency.to_us()) * factor.numerator / factor.denominator;
  KSIM_SIM_ASSERT(scaled <= static_cast<u128>(SimDuration::max().to_us()),
                  "slowed latency overflows");
  return SimDuration::from_us(static_cast<std::int64_t>(scaled)) + extra;
}

void Slowdown::validate() const {
  require(factor.denominator != 0 && factor.numerator >= factor.denominator,
          "slowdown factor " + factor.to_string() + " is below 1");
  require(extra >= SimDuration::zero(),
          "slowdown extra delay " + format_duration(extra) + " is negative");
}

std::string Slowdown::to_string() const {
  std::string text;
  if (!(factor == Ratio::one())) text = "x" + factor.to_string();
  if (extra != SimDuration::zero()) {
    if (!text.empty()) text += ' ';
    text += "+" + format_duration(extra);
  }
  return text.empty() ? "none" : text;
}

void TcpOptions::validate() const {
  require(rto_min > SimDuration::zero() && rto_max >= rto_min,
          "tcp rto_min must be above 0 and at most rto_max");
  require(user_timeout > SimDuration::zero(), "tcp user_timeout must be above 0");
  require(syn_rto > SimDuration::zero(), "tcp syn_rto must be above 0");
  require(connect_timeout > SimDuration::zero(), "tcp connect_timeout must be above 0");
}

void NetworkOptions::validate() const {
  link.validate();
  require(loopback_latency >= SimDuration::zero(), "loopback latency is negative");
  tcp.validate();
}

}  // namespace ksim::sim::network
