#include "core/coordinator/group_metadata_records.h"

#include <stdexcept>

#include "core/protocol/kafka_primitives.h"

namespace ksim::coordinator {

using protocol::PrimitiveReader;
using protocol::PrimitiveWriter;

storage::Bytes encode_offset_commit_key(const OffsetCommitKey& key) {
  PrimitiveWriter w;
  w.int16(offset_commit_key_version);
  w.string(key.group);
  w.string(key.topic);
  w.int32(key.partition);
  return w.take();
}

storage::Bytes encode_offset_commit_value(const OffsetCommitValue& value) {
  PrimitiveWriter w;
  w.int16(offset_commit_value_version);
  w.int64(value.offset);
  w.int32(value.leader_epoch);
  w.string(value.metadata);
  w.int64(value.commit_timestamp);
  return w.take();
}

storage::Bytes encode_group_metadata_key(const GroupMetadataKey& key) {
  PrimitiveWriter w;
  w.int16(group_metadata_key_version);
  w.string(key.group);
  return w.take();
}

storage::Bytes encode_group_metadata_value(const GroupMetadataValue& value) {
  PrimitiveWriter w;
  w.int16(group_metadata_value_version);
  w.string(value.protocol_type);
  w.int32(value.generation);
  w.nullable_string(value.protocol);
  w.nullable_string(value.leader);
  w.int64(value.current_state_timestamp);
  w.array_length(value.members.size());
  for (const auto& m : value.members) {
    w.string(m.member_id);
    w.nullable_string(m.group_instance_id);
    w.string(m.client_id);
    w.string(m.client_host);
    w.int32(m.rebalance_timeout);
    w.int32(m.session_timeout);
    w.bytes(m.subscription);
    w.bytes(m.assignment);
  }
  return w.take();
}

namespace {

void expect_end(const PrimitiveReader& r) {
  if (r.remaining() != 0) r.fail(std::to_string(r.remaining()) + " unexpected bytes after the last field");
}

}  // namespace

CoordinatorRecordKey decode_record_key(storage::ByteView bytes) {
  PrimitiveReader r(bytes, "__consumer_offsets key");
  const auto version = r.int16();
  if (version == 0 || version == 1) {
    OffsetCommitKey key;
    key.group = r.string();
    key.topic = r.string();
    key.partition = r.int32();
    expect_end(r);
    return key;
  }
  if (version == 2) {
    GroupMetadataKey key{r.string()};
    expect_end(r);
    return key;
  }
  return UnknownKey{version};
}

OffsetCommitValue decode_offset_commit_value(storage::ByteView bytes) {
  PrimitiveReader r(bytes, "OffsetCommitValue");
  const auto version = r.int16();
  if (version < 0 || version > 3) r.fail("unknown OffsetCommitValue version " + std::to_string(version));
  OffsetCommitValue value;
  value.offset = r.int64();
  if (version >= 3) value.leader_epoch = r.int32();
  value.metadata = r.string();
  value.commit_timestamp = r.int64();
  if (version == 1) value.expire_timestamp = r.int64();
  expect_end(r);
  return value;
}

GroupMetadataValue decode_group_metadata_value(storage::ByteView bytes) {
  PrimitiveReader r(bytes, "GroupMetadataValue");
  const auto version = r.int16();
  if (version < 0 || version > 3) r.fail("unknown GroupMetadataValue version " + std::to_string(version));
  GroupMetadataValue value;
  value.protocol_type = r.string();
  value.generation = r.int32();
  value.protocol = r.nullable_string();
  value.leader = r.nullable_string();
  if (version >= 2) value.current_state_timestamp = r.int64();
  value.members.resize(r.array_length(18));  // v0: three STRINGs, INT32, two BYTES
  for (auto& m : value.members) {
    m.member_id = r.string();
    if (version >= 3) m.group_instance_id = r.nullable_string();
    m.client_id = r.string();
    m.client_host = r.string();
    if (version >= 1) m.rebalance_timeout = r.int32();
    m.session_timeout = r.int32();
    if (version == 0) m.rebalance_timeout = m.session_timeout;
    m.subscription = r.bytes();
    m.assignment = r.bytes();
  }
  expect_end(r);
  return value;
}

storage::Bytes build_offsets_topic_batch(const std::vector<CoordinatorRecord>& records,
                                         std::int64_t timestamp_ms, std::int32_t base_sequence) {
  if (records.empty()) throw std::invalid_argument("an __consumer_offsets batch needs records");
  storage::BatchSpec spec;
  spec.base_sequence = base_sequence;
  std::vector<storage::Record> batch;
  std::int64_t offset = 0;
  for (const auto& r : records) {
    storage::Record record;
    record.offset = offset++;
    record.timestamp = timestamp_ms;
    record.key = r.key;
    record.value = r.value;
    batch.push_back(std::move(record));
  }
  return storage::encode_batch(spec, batch);
}

}  // namespace ksim::coordinator
