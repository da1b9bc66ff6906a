// What goes into the sans-IO producer and what comes out of it: the record a caller sends, the
// requests the producer wants sent (to which broker, under which correlation id), the responses
// handed back, and the one outcome every send ends with.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/protocol/init_producer_id.h"
#include "core/protocol/metadata.h"
#include "core/protocol/produce.h"
#include "core/storage/bytes.h"
#include "core/storage/record_batch.h"
#include "core/storage/topic_partition.h"

namespace ksim::client {

// org.apache.kafka.clients.producer.ProducerRecord. Its CreateTime timestamp is the send time.
struct ProducerRecord {
  std::string topic;
  std::optional<std::int32_t> partition;  // nullopt: the partitioner picks
  std::optional<storage::Bytes> key;      // nullopt: no key (sticky partitioning)
  std::optional<storage::Bytes> value;    // nullopt: a tombstone
  std::vector<storage::RecordHeader> headers;
};

// Where a request goes when the producer knows no broker yet: any bootstrap broker.
inline constexpr std::int32_t kAnyBootstrapBroker = -1;

using RequestBody = std::variant<protocol::ProduceRequest, protocol::MetadataRequest,
                                 protocol::InitProducerIdRequest>;
using ResponseBody = std::variant<protocol::ProduceResponse, protocol::MetadataResponse,
                                  protocol::InitProducerIdResponse>;

struct OutboundRequest {
  std::int32_t destination = kAnyBootstrapBroker;  // broker id
  std::int32_t correlation_id = 0;
  RequestBody body;
  // False for acks=0 produce requests: the broker never answers them.
  bool expects_response = true;
};

enum class SendOutcomeKind {
  acknowledged,   // the leader answered: written at `offset` (offset -1: a duplicate whose
                  // offset the broker no longer knows)
  failed,         // definitely not written
  indeterminate,  // may or may not have been written (see IndeterminateReason)
  sent_unknown,   // acks=0: the request left; nobody will ever say
};
std::string_view send_outcome_kind_name(SendOutcomeKind kind);

enum class IndeterminateReason {
  none,
  request_timed_out,            // the last attempt timed out (client- or broker-side)
  disconnected,                 // the connection dropped with the request in flight
  delivery_timeout_after_send,  // delivery.timeout.ms ran out after the batch had been sent
  error_after_possible_append,  // gave up on an error after an attempt that may have been
                                // appended (e.g. NOT_ENOUGH_REPLICAS_AFTER_APPEND)
  producer_closed,              // force-closed with the batch in flight
};
std::string_view indeterminate_reason_name(IndeterminateReason reason);

struct SendOutcome {
  std::uint64_t send_id = 0;
  SendOutcomeKind kind = SendOutcomeKind::failed;
  std::optional<storage::TopicPartition> topic_partition;  // nullopt: never partitioned
  std::int64_t offset = -1;                                // acknowledged: base offset + index
  std::int64_t timestamp_ms = -1;        // LogAppendTime if the broker set one, else CreateTime
  std::int64_t log_append_time_ms = -1;  // as the broker answered it
  std::string error;                     // Kafka's error name; empty when acknowledged
  std::string message;                   // the producer's explanation
  IndeterminateReason reason = IndeterminateReason::none;
  std::int64_t send_time_ms = 0;
  std::int64_t completion_time_ms = 0;
  std::int32_t attempts = 0;  // how many times its batch was sent (1 + retries)
  std::int64_t producer_id = storage::kNoProducerId;
  std::int16_t producer_epoch = storage::kNoProducerEpoch;
  std::int32_t sequence = storage::kNoSequence;  // this record's own sequence number
};

}  // namespace ksim::client
