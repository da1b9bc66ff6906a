// The storage layer's failures, named as Kafka names them. Storage code throws these; the
// broker turns them into protocol errors (KAFKA_STORAGE_ERROR, CORRUPT_MESSAGE) or, at startup,
// into a refusal to start with the message. Programmer errors are assertions, not these.
#pragma once

#include <stdexcept>
#include <string>

namespace ksim::storage {

// A file-system operation failed: the broker must handle it (Kafka: KafkaStorageException).
class IoError : public std::runtime_error {
 public:
  enum class Kind { not_found, already_exists, no_space, io_failure, not_a_directory };
  IoError(Kind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

// Bytes that do not decode as what they claim to be (Kafka: CorruptRecordException,
// InvalidRecordException). The message names the file or batch position and the problem.
class CorruptDataError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Persistent state that contradicts the configuration (Kafka: InconsistentBrokerIdException,
// InconsistentClusterIdException). The broker refuses to start.
class InconsistentStateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace ksim::storage

namespace ksim::storage {

// A produce request's records that the leader refuses, with the Kafka error it answers:
// CORRUPT_MESSAGE (CRC or structure), INVALID_RECORD (e.g. no key on a compacted topic),
// MESSAGE_TOO_LARGE (a batch over max.message.bytes). Nothing was appended.
class RecordValidationError : public std::runtime_error {
 public:
  RecordValidationError(std::string error_name, const std::string& what)
      : std::runtime_error(what), error_name_(std::move(error_name)) {}
  const std::string& error_name() const { return error_name_; }

 private:
  std::string error_name_;
};

// A read below the log start offset or beyond the log end offset (OFFSET_OUT_OF_RANGE).
class OffsetOutOfRangeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace ksim::storage
