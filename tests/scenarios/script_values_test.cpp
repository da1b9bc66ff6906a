// Durations, partitions, integers and did-you-mean, as the scenario language reads them.
#include "scenarios/script_values.h"

#include <catch2/catch.hpp>
#include <stdexcept>

#include "scenarios/did_you_mean.h"

using namespace ksim::scenarios;
using ksim::sim::SimDuration;

namespace {

std::string duration_problem(std::string_view text) {
  try {
    parse_script_duration(text);
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "(parsed)";
}

std::string partition_problem(std::string_view text) {
  try {
    parse_script_partition(text);
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "(parsed)";
}

}  // namespace

TEST_CASE("durations take every unit, exact to the microsecond") {
  CHECK(parse_script_duration("250us") == SimDuration::from_us(250));
  CHECK(parse_script_duration("15ms") == SimDuration::from_us(15'000));
  CHECK(parse_script_duration("3s") == SimDuration::from_us(3'000'000));
  CHECK(parse_script_duration("2m") == SimDuration::from_us(120'000'000));
  CHECK(parse_script_duration("1h") == SimDuration::from_us(3'600'000'000));
  CHECK(parse_script_duration("1.5s") == SimDuration::from_us(1'500'000));
  CHECK(parse_script_duration("0.000001s") == SimDuration::from_us(1));
  CHECK(parse_script_duration("2.50ms") == SimDuration::from_us(2'500));
  CHECK(parse_script_duration("0.25h") == SimDuration::from_us(900'000'000));
  CHECK(parse_script_duration("0s") == SimDuration::zero());
}

TEST_CASE("bad durations say what is wrong") {
  CHECK(duration_problem("5") ==
        "bad duration '5': a duration needs a unit: us, ms, s, m or h (as in 250us, 15ms, 3s, 2m, "
        "1h)");
  CHECK(duration_problem("5sec") ==
        "bad duration '5sec': unknown unit 'sec' (expected us, ms, s, "
        "m or h)");
  CHECK(duration_problem("s") ==
        "bad duration 's': expected a number with a unit: 250us, 15ms, 3s, 2m, 1h or 1.5s");
  CHECK(duration_problem("-5s") ==
        "bad duration '-5s': expected a number with a unit: 250us, 15ms, 3s, 2m, 1h or 1.5s");
  CHECK(duration_problem("1.s") ==
        "bad duration '1.s': expected a number with a unit: 250us, 15ms, 3s, 2m, 1h or 1.5s");
  CHECK(duration_problem("1.5us") == "bad duration '1.5us': not a whole number of microseconds");
  CHECK(duration_problem("1.0000001s") ==
        "bad duration '1.0000001s': not a whole number of microseconds");
  CHECK(duration_problem("9999999999999h") == "bad duration '9999999999999h': too long");
  CHECK(duration_problem("99999999999999999999s") ==
        "bad duration '99999999999999999999s': too long");
}

TEST_CASE("partitions split at the last dash, as Kafka names them") {
  CHECK(parse_script_partition("my-topic-0") == ksim::storage::TopicPartition{"my-topic", 0});
  CHECK(parse_script_partition("__consumer_offsets-49") ==
        ksim::storage::TopicPartition{"__consumer_offsets", 49});
  CHECK(parse_script_partition("t.v1-12") == ksim::storage::TopicPartition{"t.v1", 12});
  const std::string form = "': expected TOPIC-PARTITION as Kafka prints it (my-topic-0)";
  CHECK(partition_problem("topic") == "bad partition 'topic" + form);
  CHECK(partition_problem("topic-") == "bad partition 'topic-" + form);
  CHECK(partition_problem("-0") == "bad partition '-0" + form);
  CHECK(partition_problem("topic-x") == "bad partition 'topic-x" + form);
  CHECK(partition_problem("t-99999999999") ==
        "bad partition 't-99999999999': the partition number is too large");
  CHECK(partition_problem("a/b-0") ==
        "bad partition 'a/b-0': a topic name has only letters, digits, '.', '_' and '-'");
}

TEST_CASE("integers are decimal, optionally negative, and must fit") {
  CHECK(parse_script_integer("42") == 42);
  CHECK(parse_script_integer("-1") == -1);
  CHECK_FALSE(parse_script_integer("+1"));
  CHECK_FALSE(parse_script_integer("1x"));
  CHECK_FALSE(parse_script_integer(""));
  CHECK_FALSE(parse_script_integer("99999999999999999999"));
}

TEST_CASE("did you mean: the closest name within a third of its length") {
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("--replication-factr", "--replication-factor") == 1);
  CHECK(edit_distance("leadr", "leader") == 1);
  CHECK(edit_distance("isr", "sir") == 1);  // a swap of neighbours is one edit
  const std::vector<std::string> names = {"--replication-factor", "--replica-assignment",
                                          "--partitions"};
  CHECK(closest_name("--replication-factr", names) == "--replication-factor");
  CHECK(closest_name("--partition", names) == "--partitions");
  CHECK_FALSE(closest_name("--bogus", names));
  CHECK(did_you_mean("--partiton", names) == " (did you mean '--partitions'?)");
  CHECK(did_you_mean("xyz", names).empty());
}
