// A parsed scenario (scenarios/README.md is the language): its setup and its steps, each with
// the place in the file it came from. The parser (parser.h) checks everything a script can get
// wrong before it runs; the runner (runner.h) executes a Script against a KafkaCluster and never
// sees text again, except the tools' own command lines, which it echoes.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/controller/topic_command.h"
#include "core/replication/protocol_version.h"
#include "core/storage/topic_partition.h"
#include "sim/kernel/sim_time.h"

namespace ksim::scenarios {

// Where a step or an error is: 1-based line and column (column 0: the whole line).
struct SourceLocation {
  std::string file;
  std::int32_t line = 0;
  std::int32_t column = 0;
  std::string to_string() const;  // "quickstart.ksim:12:22" (":col" only when column > 0)
};

// A script that cannot run, found before anything ran. what(): "file:line:col: error: message"
// then the line itself and a caret under the column.
class ScriptError : public std::runtime_error {
 public:
  ScriptError(SourceLocation location, std::string message, std::string source_line = {},
              std::int32_t length = 1);
  const SourceLocation& location() const { return location_; }
  const std::string& message() const { return message_; }

 private:
  SourceLocation location_;
  std::string message_;
};

// ---- setup --------------------------------------------------------------------------------------

struct ConfigSetting {
  std::optional<std::int32_t> broker;  // nullopt: every broker
  std::string name;                    // Kafka's name: "min.insync.replicas"
  std::string value;
  SourceLocation location;
};

struct ScriptSetup {
  std::string description;
  std::uint64_t seed = 1;
  std::int32_t brokers = 3;
  replication::ProtocolVersion protocol = replication::default_protocol_version;
  std::vector<ConfigSetting> broker_configs;  // in file order; already checked by name and value
};

// ---- what commands act on -------------------------------------------------------------------------

// A broker named by id, by role at the moment the step runs, or the controller.
struct BrokerTarget {
  enum class Kind { broker, leader_of, controller };
  Kind kind = Kind::broker;
  std::int32_t broker_id = -1;       // Kind::broker
  storage::TopicPartition partition;  // Kind::leader_of
  std::string to_string() const;      // "broker 1", "leader t-0", "controller"
};

// A node of the network: a broker target, ZooKeeper, a client job, or a group of nodes.
struct NodeTarget {
  enum class Kind { broker, zookeeper, client, all_brokers, all_clients };
  Kind kind = Kind::broker;
  BrokerTarget broker;  // Kind::broker
  std::string client;   // Kind::client: the job's name
  std::string to_string() const;
};

// ---- Kafka's tools ------------------------------------------------------------------------------

struct TopicsTool {  // kafka-topics.sh
  controller::TopicCommandOptions options;
};

struct ConsoleProducerTool {  // kafka-console-producer.sh
  std::string topic;
  std::vector<std::pair<std::string, std::string>> producer_properties;  // --producer-property, in order
  bool parse_key = false;
  std::string key_separator = "\t";  // Kafka's default
  struct Line {
    std::string text;
    SourceLocation location;
  };
  std::vector<Line> input;  // the '>' lines
};

struct ConsoleConsumerTool {  // kafka-console-consumer.sh
  std::string topic;
  std::optional<std::string> group;
  bool from_beginning = false;
  std::optional<std::int32_t> partition;
  std::optional<std::string> offset;  // a number, "earliest" or "latest" (needs --partition)
  std::optional<std::int64_t> max_messages;
  std::optional<std::int64_t> timeout_ms;
  bool print_key = false;
  bool print_partition = false;
  bool print_offset = false;
  std::string key_separator = "\t";
  std::vector<std::pair<std::string, std::string>> consumer_properties;
};

struct ConsumerGroupsTool {  // kafka-consumer-groups.sh: the arguments after the tool's name
  std::vector<std::string> arguments;  // already checked: --list, or --describe --group G
};

struct ProducerPerfTestTool {  // kafka-producer-perf-test.sh
  std::string topic;
  std::int64_t num_records = 0;
  std::int64_t throughput = -1;  // records/s; -1: as fast as possible
  std::int32_t record_size = 100;
  std::vector<std::pair<std::string, std::string>> producer_properties;  // --producer-props
};

struct ReassignPartitionsTool {  // kafka-reassign-partitions.sh
  enum class Action { execute, verify };
  Action action = Action::execute;
  std::string json_file;  // --reassignment-json-file: a file written earlier with echo
};

struct LeaderElectionTool {  // kafka-leader-election.sh
  enum class Type { preferred };  // ElectLeaders(UNCLEAN) is not modelled (the parser says so)
  Type type = Type::preferred;
  std::optional<storage::TopicPartition> partition;  // --topic T --partition N
  bool all_topic_partitions = false;
  // kafka-preferred-replica-election.sh --zookeeper (the tool before 2.4, gone in 3.0): writes
  // /admin/preferred_replica_election and exits without waiting for the controller.
  bool preferred_replica_election_command = false;
  std::optional<std::string> json_file;  // its --path-to-json-file (else every partition)
};

struct ZookeeperShellTool {  // zookeeper-shell.sh localhost:2181 <command>
  std::string command;  // "ls /brokers/ids", "get -s /controller", ...
};

struct EchoToFile {  // echo 'TEXT' > FILE
  std::string file;
  std::string text;
};

struct ToolCommand {
  std::string command_line;  // as written (continuations joined), echoed after "$ "
  bool background = false;   // ended in '&'
  std::string job_name;      // background jobs: client.id, or producer-N / consumer-N
  std::variant<TopicsTool, ConsoleProducerTool, ConsoleConsumerTool, ConsumerGroupsTool,
               ProducerPerfTestTool, ReassignPartitionsTool, LeaderElectionTool,
               ZookeeperShellTool, EchoToFile>
      tool;
};

// ---- faults -------------------------------------------------------------------------------------

struct LifecycleFault {  // kill -9, power-off, start, shutdown, pause, resume
  enum class Action { kill, power_off, start, shutdown, pause, resume };
  Action action = Action::kill;
  BrokerTarget target;
};

struct KillClient {  // kill -9 client NAME
  std::string job;
};

struct StopClient {  // stop NAME
  std::string job;
};

struct Isolate {  // isolate TARGET [from GROUP...]
  NodeTarget node;
  std::vector<NodeTarget> from;  // empty: every other node
};

struct Split {  // split A, B | C, D
  std::vector<std::vector<NodeTarget>> sides;
};

struct SlowLink {  // slow link A B LATENCY
  NodeTarget a;
  NodeTarget b;
  sim::SimDuration extra_latency;
};

struct HealNetwork {};  // heal

struct DiskFault {  // slow disk broker N 10x / fill disk broker N / heal disk broker N
  enum class Action { slow, fill, heal };
  Action action = Action::slow;
  BrokerTarget target;
  std::uint64_t slow_percent = 100;  // Action::slow: "10x" is 1000 (every latency times 10)
};

// ---- conditions ---------------------------------------------------------------------------------

enum class Comparison { eq, ne, lt, le, gt, ge, contains, excludes };

struct Condition {
  enum class Subject {
    leader,            // leader T-P        value: broker id, -1 for none
    isr,               // isr T-P           value: set (eq/ne) or broker (contains/excludes)
    replicas,          // replicas T-P      value: list
    leader_epoch,      // leader-epoch T-P
    high_watermark,    // hw T-P [on broker N]
    log_end_offset,    // leo T-P [on broker N]
    log_start_offset,  // log-start T-P [on broker N]
    segment_count,     // segments T-P [on broker N]
    controller,        // controller        value: broker id, -1 for none
    broker_state,      // broker N          value: text "up" / "down" / "paused"
    under_replicated,  // under-replicated
    offline,           // offline
    audit_count,       // acknowledged / lost / duplicated / indeterminate / sent [acks=A]
    consumed,          // consumed [NAME]
    lag,               // lag GROUP [T-P]
    output,            // output contains "text" / output == "text"
    failed,            // failed "text"
    violations,        // violations        how many replication invariants broke (old protocols)
  };
  Subject subject = Subject::leader;
  Comparison comparison = Comparison::eq;
  storage::TopicPartition partition;       // leader, isr, replicas, leader_epoch, hw, leo, lag
  std::optional<std::int32_t> on_broker;   // hw / leo / log-start / segments on broker N;
                                           // broker_state's broker
  std::string name;                        // audit_count's field, consumed's job, lag's group
  std::optional<std::int16_t> acks;        // audit_count: one acks setting (-1 for all)
  std::int64_t number = 0;                 // the value for numeric subjects
  std::vector<std::int32_t> brokers;       // isr / replicas value
  std::string text;                        // output / failed / broker_state value
  std::string source;                      // the condition as written, for messages
};

// ---- steps --------------------------------------------------------------------------------------

struct Say {
  std::string text;
};

struct Wait {
  sim::SimDuration duration;
};

struct WaitUntil {
  Condition condition;
  sim::SimDuration within = sim::SimDuration::from_s(60);
};

struct At {
  sim::SimDuration time;  // since the start of the run
};

struct Expect {
  Condition condition;
};

using Command = std::variant<Say, Wait, WaitUntil, At, Expect, ToolCommand, LifecycleFault,
                             KillClient, StopClient, Isolate, Split, SlowLink, HealNetwork,
                             DiskFault>;

struct Step {
  SourceLocation location;
  std::string source;  // the line as written
  Command command;
};

struct Script {
  std::string name;  // the file's stem ("quickstart")
  std::string text;  // the whole file, as read (traces keep it)
  ScriptSetup setup;
  std::vector<Step> steps;
};

}  // namespace ksim::scenarios
