// KafkaConsumer: Kafka's consumer as a sans-IO state machine (org.apache.kafka.clients.consumer.
// KafkaConsumer with its Fetcher, SubscriptionState, ConsumerMetadata and, with a group.id,
// ConsumerCoordinator). It never reads a clock or touches a socket:
//
//   - the application calls subscribe()/assign(), seek*(), poll(now_ms), commit(now_ms),
//     close(now_ms);
//   - the host takes the requests it wants sent (take_outbox(): destination broker or
//     any_broker, correlation id, request) and hands back each answer (handle_response), each
//     broken connection (handle_disconnect) or lost any_broker request (handle_request_failure);
//   - the host calls tick(now_ms) (or poll) again no later than next_wakeup_ms().
//
// poll(now_ms) does what Kafka's poll does: group work (coordinator, join, heartbeat,
// auto-commit), positions for partitions without one (committed offset, else
// auto.offset.reset through ListOffsets), a Metadata request when one is due, then hands out up
// to max.poll.records buffered records, moving positions past them, and sends the next fetches.
// What Kafka's poll would throw comes back as errors in the result.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/client/consumer_coordinator.h"
#include "core/client/fetcher.h"
#include "core/client/kafka_consumer_config.h"
#include "core/client/kafka_consumer_metadata.h"
#include "core/client/kafka_consumer_network_client.h"
#include "core/client/kafka_consumer_records.h"
#include "core/client/kafka_consumer_requests.h"
#include "core/client/subscription_state.h"

namespace ksim::client {

struct ConsumerPollResult {
  std::vector<ConsumerRecord> records;
  std::vector<ConsumerError> errors;
};

class KafkaConsumer {
 public:
  explicit KafkaConsumer(ConsumerConfig config);
  ~KafkaConsumer();
  KafkaConsumer(const KafkaConsumer&) = delete;
  KafkaConsumer& operator=(const KafkaConsumer&) = delete;

  const ConsumerConfig& config() const { return config_; }

  // --- what the application does ---
  // Topics whose partitions the group assigns. Needs a group.id (std::logic_error otherwise,
  // Kafka's InvalidGroupIdException).
  void subscribe(const std::vector<std::string>& topics);
  // Partitions by hand; no group membership (committed offsets are still read and written when
  // a group.id is set, as in Kafka).
  void assign(const std::vector<storage::TopicPartition>& partitions);
  // Drops the subscription or assignment; a group member leaves its group (LeaveGroup).
  void unsubscribe();
  // A position to read from next; `seek_to_beginning`/`seek_to_end` reset lazily through
  // ListOffsets at the next poll (--from-beginning is seek_to_beginning). An empty list means
  // every assigned partition. Throws std::logic_error for a partition not assigned.
  void seek(const storage::TopicPartition& tp, std::int64_t offset);
  void seek_to_beginning(const std::vector<storage::TopicPartition>& partitions);
  void seek_to_end(const std::vector<storage::TopicPartition>& partitions);
  void pause(const std::vector<storage::TopicPartition>& partitions);
  void resume(const std::vector<storage::TopicPartition>& partitions);

  ConsumerPollResult poll(std::int64_t now_ms);
  // commitSync-like: commits every assigned partition's position (retrying retriable failures
  // up to default.api.timeout.ms); the outcome comes back from take_commit_outcomes() with the
  // returned id. Needs a group.id (std::logic_error otherwise).
  std::uint64_t commit(std::int64_t now_ms);
  std::vector<OffsetCommitOutcome> take_commit_outcomes();
  // close(): a last auto-commit, LeaveGroup, then nothing more; closed() once done.
  void close(std::int64_t now_ms);
  bool closed() const;

  // --- what the application may look at ---
  std::vector<storage::TopicPartition> assignment() const;
  std::optional<std::int64_t> position(const storage::TopicPartition& tp) const;
  std::optional<std::int64_t> high_watermark(const storage::TopicPartition& tp) const;
  // HW - position (kafka-consumer-groups.sh's LAG, from the consumer's side).
  std::optional<std::int64_t> lag(const storage::TopicPartition& tp) const;
  // The offset this consumer last committed for `tp`.
  std::optional<std::int64_t> committed(const storage::TopicPartition& tp) const;
  const SubscriptionState& subscriptions() const { return subscriptions_; }
  // nullptr without a group.id.
  const ConsumerCoordinator* coordinator() const { return coordinator_.get(); }
  const ConsumerMetadata& metadata() const { return metadata_; }

  // --- what the host does ---
  // Timers and everything poll does except handing out records.
  void tick(std::int64_t now_ms);
  std::vector<ConsumerOutboundRequest> take_outbox() { return client_.take_outbox(); }
  const std::vector<ConsumerOutboundRequest>& outbox() const { return client_.outbox(); }
  // An answer. One to an unknown or already failed request is ignored; one of the wrong kind is
  // a host bug (std::invalid_argument).
  void handle_response(std::int32_t correlation_id, const ConsumerResponseBody& response,
                       std::int64_t now_ms);
  void handle_disconnect(std::int32_t broker, std::int64_t now_ms);
  void handle_request_failure(std::int32_t correlation_id, std::int64_t now_ms);
  // When tick must run next (a request deadline, a backoff, a metadata refresh, a timer);
  // nullopt when only an answer can change anything.
  std::optional<std::int64_t> next_wakeup_ms(std::int64_t now_ms) const;

 private:
  void dispatch_failure(std::int32_t correlation_id, ConsumerApi api, std::int64_t now_ms);
  void update_metadata_topics();
  void on_metadata_update();
  void update_fetch_positions(std::int64_t now_ms);
  std::vector<storage::TopicPartition> all_if_empty(
      const std::vector<storage::TopicPartition>& partitions) const;

  ConsumerConfig config_;
  SubscriptionState subscriptions_;
  ConsumerMetadata metadata_;
  ConsumerNetworkClient client_;
  Fetcher fetcher_;
  std::unique_ptr<ConsumerCoordinator> coordinator_;  // with a group.id
  bool closing_ = false;
};

}  // namespace ksim::client
