// Jackson-compatible JSON writing and strict reading for the znode codecs.
#include "core/controller/zk_kafka_json.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <limits>

namespace ksim::controller::json {

std::string string(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      default:
        if (byte < 0x20) {
          out += "\\u00";
          out += hex[byte >> 4];
          out += hex[byte & 0x0F];
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

std::string int_array(const std::vector<std::int32_t>& values) {
  return fmt::format("[{}]", fmt::join(values, ","));
}

std::string nullable_string(const std::optional<std::string>& text) {
  return text ? string(*text) : std::string("null");
}

void Members::add(std::string key, std::string value_json) {
  keys.push_back(std::move(key));
  values.push_back(std::move(value_json));
}

namespace {

std::string ordered_object(const Members& members, const std::vector<std::size_t>& order) {
  std::string out = "{";
  bool first = true;
  for (const std::size_t i : order) {
    if (!first) out += ',';
    first = false;
    out += string(members.keys[i]);
    out += ':';
    out += members.values[i];
  }
  out += '}';
  return out;
}

}  // namespace

std::string object(const Members& members, MapKind kind, zk::ScalaVersion scala,
                   std::size_t initial_entries) {
  std::vector<std::size_t> order;
  switch (kind) {
    case MapKind::scala_immutable:
      order = zk::scala_immutable_map_order(members.keys, scala);
      break;
    case MapKind::scala_mutable:
      order = zk::scala_mutable_hash_map_order(members.keys, scala, initial_entries);
      break;
  }
  return ordered_object(members, order);
}

std::string properties_object(const Members& members, zk::JavaVersion java) {
  return ordered_object(members, zk::java_properties_order(members.keys, java));
}

Reader::Reader(std::string context, std::string_view text)
    : context_(std::move(context)), text_(text) {
  try {
    root_ = Value::parse(text.begin(), text.end());
  } catch (const Value::parse_error& e) {
    fail(fmt::format("not JSON ({})", e.what()));
  }
}

void Reader::fail(std::string_view problem) const {
  throw ZkDataError(fmt::format("Failed to parse {}: {} in {}", context_, problem, text_));
}

const Value& Reader::member(const Value& object, std::string_view key) const {
  const Value* found = optional_member(object, key);
  if (found == nullptr) fail(fmt::format("key \"{}\" is missing", key));
  return *found;
}

const Value* Reader::optional_member(const Value& object, std::string_view key) const {
  const auto it = object.find(std::string(key));
  return it == object.end() ? nullptr : &*it;
}

std::int32_t Reader::int32(const Value& value, std::string_view what) const {
  if (!value.is_number_integer()) fail(fmt::format("\"{}\" is not an integer", what));
  if (value.is_number_unsigned()) {
    if (value.get<std::uint64_t>() >
        static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max())) {
      fail(fmt::format("\"{}\" is out of range for an int", what));
    }
    return static_cast<std::int32_t>(value.get<std::uint64_t>());
  }
  const auto wide = value.get<std::int64_t>();
  if (wide < std::numeric_limits<std::int32_t>::min() ||
      wide > std::numeric_limits<std::int32_t>::max()) {
    fail(fmt::format("\"{}\" is out of range for an int", what));
  }
  return static_cast<std::int32_t>(wide);
}

std::string Reader::string(const Value& value, std::string_view what) const {
  if (!value.is_string()) fail(fmt::format("\"{}\" is not a string", what));
  return value.get<std::string>();
}

std::vector<std::int32_t> Reader::int32_array(const Value& value, std::string_view what) const {
  std::vector<std::int32_t> out;
  for (const Value& element : array(value, what)) out.push_back(int32(element, what));
  return out;
}

const Value& Reader::object(const Value& value, std::string_view what) const {
  if (!value.is_object()) fail(fmt::format("\"{}\" is not an object", what));
  return value;
}

const Value& Reader::array(const Value& value, std::string_view what) const {
  if (!value.is_array()) fail(fmt::format("\"{}\" is not an array", what));
  return value;
}

}  // namespace ksim::controller::json
