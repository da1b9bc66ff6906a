// Small helpers shared by the KafkaController's source files (not part of its interface).
#pragma once

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <charconv>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/controller/controller_zk_writes.h"
#include "core/controller/kafka_controller.h"
#include "core/controller/leader_election.h"
#include "core/protocol/alter_partition.h"

namespace ksim::controller::detail {

using storage::TopicPartition;
using zk::Code;

inline std::string path(std::string_view p) { return std::string(p); }

inline std::optional<std::int32_t> parse_id(const std::string& text) {
  std::int32_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

inline std::string leader_text(std::int32_t leader) {
  return leader == LeaderAndIsr::no_leader ? std::string("none") : std::to_string(leader);
}

inline std::string list_text(const std::vector<std::int32_t>& values) {
  return fmt::format("[{}]", fmt::join(values, ","));
}

// Rounds of re-reading and rewriting a partition state whose zkVersion moved under a write
// (Kafka loops until they succeed; ksim stops after this many rather than spin).
constexpr int max_state_write_attempts = 10;

inline bool epoch_check_failed(const ZkWrite& write, const zk::MultiResult& result) {
  return !write.ops.empty() && write.ops.front().type == zk::Op::Type::check &&
         !result.results.empty() && result.results.front().code == Code::BADVERSION;
}

inline protocol::LeaderRecoveryState recovery_state(std::int32_t state) {
  return state == LeaderAndIsr::recovering ? protocol::LeaderRecoveryState::recovering
                                           : protocol::LeaderRecoveryState::recovered;
}


// A broker request's answer, given once: by the event that handles it, or NOT_CONTROLLER when
// the event is dropped (the controller resigned first).
template <typename Response>
std::function<void(Response)> answer_once(std::function<void(Response)> respond) {
  auto answered = std::make_shared<bool>(false);
  return [respond = std::move(respond), answered](Response response) {
    if (*answered) return;
    *answered = true;
    respond(std::move(response));
  };
}

template <typename Response>
Response not_controller() {
  Response response;
  response.error_code = protocol::Error::NOT_CONTROLLER;
  return response;
}

}  // namespace ksim::controller::detail

namespace ksim::controller {

// Waits for several ZooKeeper answers, then runs `then` once.
class KafkaController::Join {
 public:
  explicit Join(std::function<void()> then) : then_(std::move(then)) {}
  void add() { ++remaining_; }
  void arrive() {
    if (--remaining_ == 0 && then_) {
      std::function<void()> then = std::move(then_);
      then_ = nullptr;
      then();
    }
  }

 private:
  int remaining_ = 1;  // the issuer's own arrival, after it issued everything
  std::function<void()> then_;
};

}  // namespace ksim::controller
