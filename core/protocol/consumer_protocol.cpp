#include "core/protocol/consumer_protocol.h"

#include <stdexcept>

#include "core/protocol/kafka_primitives.h"

namespace ksim::protocol {
namespace {

void write_topic_partitions(PrimitiveWriter& w,
                            const std::vector<ConsumerProtocolTopicPartitions>& topics) {
  w.array_length(topics.size());
  for (const auto& t : topics) {
    w.string(t.topic);
    w.array_length(t.partitions.size());
    for (const auto p : t.partitions) w.int32(p);
  }
}

std::vector<ConsumerProtocolTopicPartitions> read_topic_partitions(PrimitiveReader& r) {
  std::vector<ConsumerProtocolTopicPartitions> topics(r.array_length(6));
  for (auto& t : topics) {
    t.topic = r.string();
    t.partitions.resize(r.array_length(4));
    for (auto& p : t.partitions) p = r.int32();
  }
  return topics;
}

void check_version(std::int16_t version) {
  if (version < 0) {
    throw std::invalid_argument("ConsumerProtocol version " + std::to_string(version) +
                                " is negative");
  }
}

std::int16_t read_version(PrimitiveReader& r) {
  const auto version = r.int16();
  if (version < 0) r.fail("version " + std::to_string(version) + " is negative");
  return version;
}

void check_end(const PrimitiveReader& r, std::int16_t version) {
  if (version <= 3 && r.remaining() != 0) {
    r.fail(std::to_string(r.remaining()) + " bytes left over after a version " +
           std::to_string(version) + " struct");
  }
}

}  // namespace

storage::Bytes encode_subscription(const ConsumerProtocolSubscription& s) {
  check_version(s.version);
  PrimitiveWriter w;
  w.int16(s.version);
  w.array_length(s.topics.size());
  for (const auto& t : s.topics) w.string(t);
  w.nullable_bytes(s.user_data);
  if (s.version >= 1) write_topic_partitions(w, s.owned_partitions);
  if (s.version >= 2) w.int32(s.generation_id);
  if (s.version >= 3) w.nullable_string(s.rack_id);
  return w.take();
}

ConsumerProtocolSubscription decode_subscription(storage::ByteView bytes) {
  PrimitiveReader r(bytes, "ConsumerProtocolSubscription");
  ConsumerProtocolSubscription s;
  s.version = read_version(r);
  s.topics.resize(r.array_length(2));
  for (auto& t : s.topics) t = r.string();
  s.user_data = r.nullable_bytes();
  if (s.version >= 1) s.owned_partitions = read_topic_partitions(r);
  if (s.version >= 2) s.generation_id = r.int32();
  if (s.version >= 3) s.rack_id = r.nullable_string();
  check_end(r, s.version);
  return s;
}

storage::Bytes encode_assignment(const ConsumerProtocolAssignment& a) {
  check_version(a.version);
  PrimitiveWriter w;
  w.int16(a.version);
  write_topic_partitions(w, a.assigned_partitions);
  w.nullable_bytes(a.user_data);
  return w.take();
}

ConsumerProtocolAssignment decode_assignment(storage::ByteView bytes) {
  PrimitiveReader r(bytes, "ConsumerProtocolAssignment");
  ConsumerProtocolAssignment a;
  a.version = read_version(r);
  a.assigned_partitions = read_topic_partitions(r);
  a.user_data = r.nullable_bytes();
  check_end(r, a.version);
  return a;
}

std::vector<storage::TopicPartition> flatten(
    const std::vector<ConsumerProtocolTopicPartitions>& topics) {
  std::vector<storage::TopicPartition> out;
  for (const auto& t : topics) {
    for (const auto p : t.partitions) out.push_back({t.topic, p});
  }
  return out;
}

std::vector<ConsumerProtocolTopicPartitions> group_by_topic(
    const std::vector<storage::TopicPartition>& partitions) {
  std::vector<ConsumerProtocolTopicPartitions> out;
  for (const auto& tp : partitions) {
    auto it = out.begin();
    while (it != out.end() && it->topic != tp.topic) ++it;
    if (it == out.end()) {
      out.push_back({tp.topic, {}});
      it = out.end() - 1;
    }
    it->partitions.push_back(tp.partition);
  }
  return out;
}

}  // namespace ksim::protocol
