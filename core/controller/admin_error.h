// AdminError: an admin operation refused the way Kafka refuses it. It carries the Java exception
// Kafka throws (its class name), the message word for word, the protocol error an admin request
// answers with, and the stack trace lines where Kafka's tools print one. kafka-topics.sh prints
// the message after "Error while executing topic command : " on stdout and logs
// "<class>: <message>" (then the trace) at ERROR on stderr.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/controller/kafka_version.h"
#include "core/protocol/errors.h"

namespace ksim::controller {

// The Java exceptions Kafka's admin code throws, by class name.
namespace java_exception {
inline constexpr std::string_view invalid_replication_factor =
    "org.apache.kafka.common.errors.InvalidReplicationFactorException";
inline constexpr std::string_view invalid_partitions =
    "org.apache.kafka.common.errors.InvalidPartitionsException";
inline constexpr std::string_view invalid_replica_assignment =
    "org.apache.kafka.common.errors.InvalidReplicaAssignmentException";
inline constexpr std::string_view invalid_topic =
    "org.apache.kafka.common.errors.InvalidTopicException";
inline constexpr std::string_view topic_exists =
    "org.apache.kafka.common.errors.TopicExistsException";
inline constexpr std::string_view broker_not_available =
    "org.apache.kafka.common.errors.BrokerNotAvailableException";
inline constexpr std::string_view topic_deletion_disabled =
    "org.apache.kafka.common.errors.TopicDeletionDisabledException";
inline constexpr std::string_view invalid_config =
    "org.apache.kafka.common.errors.InvalidConfigurationException";
inline constexpr std::string_view legacy_config = "org.apache.kafka.common.config.ConfigException";
inline constexpr std::string_view unknown_topic_or_partition =
    "org.apache.kafka.common.errors.UnknownTopicOrPartitionException";
// Kafka before 0.10.1 (before KIP-4 gave admin errors protocol codes).
inline constexpr std::string_view legacy_invalid_topic = "kafka.common.InvalidTopicException";
inline constexpr std::string_view legacy_topic_exists = "kafka.common.TopicExistsException";
inline constexpr std::string_view admin_operation = "kafka.admin.AdminOperationException";
inline constexpr std::string_view admin_command_failed = "kafka.common.AdminCommandFailedException";
inline constexpr std::string_view illegal_argument = "java.lang.IllegalArgumentException";
inline constexpr std::string_view number_format = "java.lang.NumberFormatException";
}  // namespace java_exception

// Kafka 0.10.1 (KIP-4) gave admin errors their ApiExceptions; before it every assignment error was
// an AdminOperationException and the others kafka.common.* exceptions.
inline bool has_api_exceptions(KafkaVersion version) { return version >= KafkaVersion{0, 10, 1}; }

// UNKNOWN_SERVER_ERROR (-1): what a broker answers for an exception without a protocol code.
inline constexpr protocol::Error unknown_server_error = static_cast<protocol::Error>(-1);

class AdminError : public std::runtime_error {
 public:
  AdminError(std::string_view exception_class, protocol::Error error, const std::string& message,
             std::vector<std::string> stack_trace = {});

  // "org.apache.kafka.common.errors.InvalidReplicationFactorException".
  const std::string& exception_class() const { return exception_class_; }
  protocol::Error error() const { return error_; }
  // Frames as Java prints them without the leading tab ("at kafka.admin.AdminUtils$...");
  // empty for Kafka's ApiExceptions, which record no stack trace.
  const std::vector<std::string>& stack_trace() const { return stack_trace_; }

  // Utils.stackTrace(e): "<class>: <message>\n" then "\tat <frame>\n" per frame.
  std::string java_stack_trace() const;

 private:
  std::string exception_class_;
  protocol::Error error_;
  std::vector<std::string> stack_trace_;
};

}  // namespace ksim::controller
