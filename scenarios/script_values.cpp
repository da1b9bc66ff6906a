#include "scenarios/script_values.h"

#include <charconv>
#include <limits>
#include <stdexcept>
#include <string>

namespace ksim::scenarios {

namespace {

bool values_is_digit(char c) { return c >= '0' && c <= '9'; }

std::string bad_duration_message(std::string_view text, std::string_view problem) {
  return "bad duration '" + std::string(text) + "': " + std::string(problem);
}

constexpr std::string_view kDurationForms =
    "expected a number with a unit: 250us, 15ms, 3s, 2m, 1h or 1.5s";

}  // namespace

std::optional<std::int64_t> parse_script_integer(std::string_view text) {
  if (text.empty() || text.front() == '+') return std::nullopt;
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

sim::SimDuration parse_script_duration(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && values_is_digit(text[i])) ++i;
  const std::string_view whole = text.substr(0, i);
  std::string_view fraction;
  if (i < text.size() && text[i] == '.') {
    const std::size_t start = ++i;
    while (i < text.size() && values_is_digit(text[i])) ++i;
    fraction = text.substr(start, i - start);
    if (fraction.empty()) throw std::invalid_argument(bad_duration_message(text, kDurationForms));
  }
  if (whole.empty()) throw std::invalid_argument(bad_duration_message(text, kDurationForms));
  const std::string_view unit = text.substr(i);
  std::int64_t unit_us = 0;
  if (unit == "us") {
    unit_us = 1;
  } else if (unit == "ms") {
    unit_us = 1'000;
  } else if (unit == "s") {
    unit_us = 1'000'000;
  } else if (unit == "m") {
    unit_us = 60'000'000;
  } else if (unit == "h") {
    unit_us = 3'600'000'000;
  } else if (unit.empty()) {
    throw std::invalid_argument(bad_duration_message(
        text, "a duration needs a unit: us, ms, s, m or h (as in 250us, 15ms, 3s, 2m, 1h)"));
  } else {
    throw std::invalid_argument(bad_duration_message(
        text, "unknown unit '" + std::string(unit) + "' (expected us, ms, s, m or h)"));
  }

  const std::string too_long = bad_duration_message(text, "too long");
  std::int64_t whole_value = 0;
  const auto [end, error] = std::from_chars(whole.data(), whole.data() + whole.size(), whole_value);
  if (error != std::errc() || end != whole.data() + whole.size()) {
    throw std::invalid_argument(too_long);
  }
  std::int64_t us = 0;
  if (__builtin_mul_overflow(whole_value, unit_us, &us)) throw std::invalid_argument(too_long);

  // The fraction, without its trailing zeros, must be a whole number of microseconds.
  while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
  if (!fraction.empty()) {
    const std::string not_exact = bad_duration_message(text, "not a whole number of microseconds");
    if (fraction.size() > 18) throw std::invalid_argument(not_exact);
    std::int64_t numerator = 0;
    std::int64_t denominator = 1;
    for (char digit : fraction) {
      numerator = numerator * 10 + (digit - '0');
      denominator *= 10;
    }
    std::int64_t scaled = 0;
    if (__builtin_mul_overflow(numerator, unit_us, &scaled) || scaled % denominator != 0) {
      throw std::invalid_argument(not_exact);
    }
    if (__builtin_add_overflow(us, scaled / denominator, &us)) {
      throw std::invalid_argument(too_long);
    }
  }
  return sim::SimDuration::from_us(us);
}

storage::TopicPartition parse_script_partition(std::string_view text) {
  const std::string expected = "bad partition '" + std::string(text) +
                               "': expected TOPIC-PARTITION as Kafka prints it (my-topic-0)";
  const std::size_t dash = text.rfind('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 == text.size()) {
    throw std::invalid_argument(expected);
  }
  const std::string_view topic = text.substr(0, dash);
  const std::string_view number = text.substr(dash + 1);
  for (char c : number) {
    if (!values_is_digit(c)) throw std::invalid_argument(expected);
  }
  std::int32_t partition = 0;
  const auto [end, error] =
      std::from_chars(number.data(), number.data() + number.size(), partition);
  if (error != std::errc() || end != number.data() + number.size()) {
    throw std::invalid_argument("bad partition '" + std::string(text) +
                                "': the partition number is too large");
  }
  for (char c : topic) {
    const bool legal = values_is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                       c == '.' || c == '_' || c == '-';
    if (!legal) {
      throw std::invalid_argument("bad partition '" + std::string(text) +
                                  "': a topic name has only letters, digits, '.', '_' and '-'");
    }
  }
  return storage::TopicPartition{std::string(topic), partition};
}

}  // namespace ksim::scenarios
