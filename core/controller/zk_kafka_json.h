// Internal to core/controller: writing JSON byte for byte as Kafka's Jackson writes it (compact,
// keys in the map's iteration order, Jackson's string escapes), and strict reading of znode
// bodies with errors that name the znode and the problem.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/controller/zk_json_order.h"
#include "core/controller/zk_kafka_znodes.h"

namespace ksim::controller::json {

// Parsed JSON with object members in document order.
using Value = nlohmann::ordered_json;

// A JSON string as Jackson writes it: '"' and '\\' escaped, \b \t \n \f \r short, other control
// characters as \u00XX (upper-case hex), everything else (UTF-8 included) as is.
std::string string(std::string_view text);
std::string int_array(const std::vector<std::int32_t>& values);
std::string nullable_string(const std::optional<std::string>& text);

// An object under construction: (key, already-encoded value) pairs in insertion order.
struct Members {
  std::vector<std::string> keys;
  std::vector<std::string> values;
  void add(std::string key, std::string value_json);
};

enum class MapKind {
  scala_immutable,  // Map(k -> v, ...) or .toMap
  scala_mutable,    // mutable.Map(first `initial_entries` members) then += the rest
};
// The object with its members in the iteration order of the map Kafka builds.
std::string object(const Members& members, MapKind kind,
                   zk::ScalaVersion scala = zk::ScalaVersion::v2_13,
                   std::size_t initial_entries = 0);
// A java.util.Properties object, in the iteration order of that Java's Properties.
std::string properties_object(const Members& members, zk::JavaVersion java);

// Reading. `context` names the znode in messages ("partition state at /brokers/topics/t/...").
class Reader {
 public:
  Reader(std::string context, std::string_view text);
  const Value& root() const { return root_; }
  [[noreturn]] void fail(std::string_view problem) const;

  const Value& member(const Value& object, std::string_view key) const;
  const Value* optional_member(const Value& object, std::string_view key) const;
  std::int32_t int32(const Value& value, std::string_view what) const;
  std::string string(const Value& value, std::string_view what) const;
  std::vector<std::int32_t> int32_array(const Value& value, std::string_view what) const;
  const Value& object(const Value& value, std::string_view what) const;
  const Value& array(const Value& value, std::string_view what) const;

 private:
  std::string context_;
  std::string text_;
  Value root_;
};

}  // namespace ksim::controller::json
