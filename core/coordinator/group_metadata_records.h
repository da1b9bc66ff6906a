// The records a group coordinator writes to __consumer_offsets, byte for byte as Kafka's
// GroupMetadataManager writes them (core/src/main/resources/common/message/*.json), each key and
// value an int16 version followed by the fields, non-flexible encoding:
//
//   OffsetCommitKey    v1 (v0 same): group STRING, topic STRING, partition INT32
//   OffsetCommitValue  v3: offset INT64, leaderEpoch INT32, metadata STRING, commitTimestamp INT64
//                      (v0/v2: offset, metadata, commitTimestamp; v1 adds expireTimestamp INT64)
//   GroupMetadataKey   v2: group STRING
//   GroupMetadataValue v3: protocolType STRING, generation INT32, protocol NULLABLE_STRING,
//                      leader NULLABLE_STRING, currentStateTimestamp INT64 (v2+),
//                      members [memberId STRING, groupInstanceId NULLABLE_STRING (v3+),
//                      clientId STRING, clientHost STRING, rebalanceTimeout INT32 (v1+),
//                      sessionTimeout INT32, subscription BYTES, assignment BYTES]
//
// The key's version says what the record is: 0 or 1 an offset commit, 2 a group. A record with
// a null value is a tombstone: compaction then deletes the key.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/storage/bytes.h"
#include "core/storage/record_batch.h"

namespace ksim::coordinator {

struct OffsetCommitKey {
  std::string group;
  std::string topic;
  std::int32_t partition = 0;
  friend bool operator==(const OffsetCommitKey&, const OffsetCommitKey&) = default;
};

struct OffsetCommitValue {
  std::int64_t offset = -1;
  std::int32_t leader_epoch = -1;  // v3; -1 when absent
  std::string metadata;
  std::int64_t commit_timestamp = -1;
  std::int64_t expire_timestamp = -1;  // v1 only
  friend bool operator==(const OffsetCommitValue&, const OffsetCommitValue&) = default;
};

struct GroupMetadataKey {
  std::string group;
  friend bool operator==(const GroupMetadataKey&, const GroupMetadataKey&) = default;
};

// A key version this coordinator does not know (Kafka's UnknownKey): skipped when loading.
struct UnknownKey {
  std::int16_t version = 0;
  friend bool operator==(const UnknownKey&, const UnknownKey&) = default;
};

struct GroupMetadataValueMember {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  std::int32_t rebalance_timeout = 0;
  std::int32_t session_timeout = 0;
  storage::Bytes subscription;
  storage::Bytes assignment;
  friend bool operator==(const GroupMetadataValueMember&, const GroupMetadataValueMember&) = default;
};

struct GroupMetadataValue {
  std::string protocol_type;
  std::int32_t generation = 0;
  std::optional<std::string> protocol;
  std::optional<std::string> leader;
  std::int64_t current_state_timestamp = -1;
  std::vector<GroupMetadataValueMember> members;
  friend bool operator==(const GroupMetadataValue&, const GroupMetadataValue&) = default;
};

// The versions Kafka 2.3+ writes.
inline constexpr std::int16_t offset_commit_key_version = 1;
inline constexpr std::int16_t offset_commit_value_version = 3;
inline constexpr std::int16_t group_metadata_key_version = 2;
inline constexpr std::int16_t group_metadata_value_version = 3;

storage::Bytes encode_offset_commit_key(const OffsetCommitKey& key);
storage::Bytes encode_offset_commit_value(const OffsetCommitValue& value);
storage::Bytes encode_group_metadata_key(const GroupMetadataKey& key);
storage::Bytes encode_group_metadata_value(const GroupMetadataValue& value);

// Decoders; storage::CorruptDataError naming the position for truncated or impossible bytes or
// an unknown value version.
using CoordinatorRecordKey = std::variant<OffsetCommitKey, GroupMetadataKey, UnknownKey>;
CoordinatorRecordKey decode_record_key(storage::ByteView bytes);
OffsetCommitValue decode_offset_commit_value(storage::ByteView bytes);
GroupMetadataValue decode_group_metadata_value(storage::ByteView bytes);

// One v2 batch for __consumer_offsets as GroupMetadataManager builds it: CREATE_TIME, every
// record stamped `timestamp_ms`, no compression, no producer id, base offset 0. Offset commits
// use baseSequence 0 (MemoryRecords.builder(..., 0, ...)); the group metadata batch -1
// (MemoryRecords.withRecords).
struct CoordinatorRecord {
  storage::Bytes key;
  std::optional<storage::Bytes> value;  // nullopt: tombstone
};
storage::Bytes build_offsets_topic_batch(const std::vector<CoordinatorRecord>& records,
                                         std::int64_t timestamp_ms, std::int32_t base_sequence);

}  // namespace ksim::coordinator
