// A seeded fuzz of the producer against the fake cluster: sends, answers delayed or lost,
// injected errors before and after the append, disconnects, leader moves and leaderless spells.
// Whatever happens, every send ends in exactly one outcome, and the outcomes tell the truth
// about the logs: an acknowledged record is at its offset, a failed one is nowhere.
#include <catch2/catch.hpp>
#include <random>

#include "tests/client/producer_test_support.h"

using namespace ksim;
using namespace ksim::client;
using namespace ksim::client::test;

namespace {

struct InFlightAnswer {
  std::int64_t due_ms = 0;
  std::int32_t correlation_id = 0;
  std::optional<ResponseBody> body;  // nullopt: lost (the connection will drop)
};

struct FuzzRun {
  std::mt19937_64 rng;
  FakeCluster cluster;
  KafkaProducer producer;
  std::int16_t acks;
  std::map<std::int32_t, std::deque<InFlightAnswer>> connections;  // per broker, FIFO
  std::map<std::uint64_t, std::string> values;                     // send id -> value
  std::vector<SendOutcome> outcomes;

  FuzzRun(std::uint64_t seed, const ProducerConfig& config)
      : rng(seed),
        producer(config, [this] { return static_cast<std::uint32_t>(rng()); }),
        acks(config.acks) {
    cluster.create_topic("t", {1, 2, 3});
    cluster.create_topic("u", {2});
    producer.set_known_brokers({1, 2, 3});
  }

  int roll(int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); }

  // What the broker answers, with faults injected that stay true to what it appended.
  std::optional<ResponseBody> answer(const OutboundRequest& request) {
    const auto* produce = std::get_if<protocol::ProduceRequest>(&request.body);
    if (produce == nullptr) return cluster.answer(request);
    protocol::ProduceResponse response;
    for (const auto& data : produce->partitions) {
      const int fault = roll(20);
      protocol::PartitionProduceResponse r;
      if (fault == 0) {  // refused before the append
        r.topic_partition = data.topic_partition;
        r.error_code = acks == -1 ? protocol::Error::NOT_ENOUGH_REPLICAS
                                  : protocol::Error::NOT_LEADER_OR_FOLLOWER;
      } else {
        r = cluster.append(request.destination, data);
        if (fault == 1 && acks == -1 && r.error_code == protocol::Error::NONE) {
          r.error_code = roll(2) == 0 ? protocol::Error::NOT_ENOUGH_REPLICAS_AFTER_APPEND
                                      : protocol::Error::REQUEST_TIMED_OUT;
          r.base_offset = -1;
        }
      }
      response.partitions.push_back(r);
    }
    if (roll(15) == 0) return std::nullopt;  // appended, but the answer is lost
    return response;
  }

  void deliver_due(std::int64_t now) {
    for (auto& [broker, queue] : connections) {
      while (!queue.empty() && queue.front().due_ms <= now) {
        InFlightAnswer next = std::move(queue.front());
        queue.pop_front();
        if (!next.body.has_value()) {
          queue.clear();
          producer.handle_disconnect(broker, now);
          break;
        }
        producer.handle_response(next.correlation_id, *next.body, now);
      }
    }
  }

  void poll(std::int64_t now, bool faults) {
    for (int round = 0; round < 10; ++round) {
      const auto requests = producer.poll(now);
      if (requests.empty()) {
        // Nothing to send now means nothing to do until a later time or an input.
        const auto wakeup = producer.next_wakeup_ms();
        REQUIRE((!wakeup.has_value() || *wakeup > now));
        return;
      }
      for (const auto& request : requests) {
        if (!request.expects_response) {
          cluster.answer(request);
          continue;
        }
        if (faults && roll(25) == 0) continue;  // the request vanishes: it will time out
        auto body = faults ? answer(request) : std::optional<ResponseBody>(cluster.answer(request));
        const std::int64_t latency = faults ? roll(40) : 1;
        auto& queue = connections[request.destination];
        const std::int64_t due = std::max(now + latency, queue.empty() ? 0 : queue.back().due_ms);
        queue.push_back({due, request.correlation_id, std::move(body)});
      }
      deliver_due(now);
    }
  }

  void collect() {
    for (auto& o : producer.take_outcomes()) outcomes.push_back(std::move(o));
  }

  void run() {
    std::int64_t now = 0;
    int sent = 0;
    for (int step = 0; step < 600; ++step) {
      now += roll(30);
      deliver_due(now);
      const int action = roll(100);
      if (action < 55) {
        std::string value = "v" + std::to_string(sent++);
        ProducerRecord r;
        r.topic = roll(4) == 0 ? "u" : "t";
        if (roll(3) == 0) r.key = bytes("k" + std::to_string(roll(10)));
        if (roll(8) == 0) r.partition = roll(r.topic == "t" ? 3 : 1);
        r.value = bytes(value);
        values[producer.send(std::move(r), now)] = value;
      } else if (action < 58) {
        const std::int32_t partition = roll(3);
        cluster.move_leader({"t", partition}, 1 + roll(3));
      } else if (action < 59) {
        cluster.partitions.at({"t", roll(3)}).leader = -1;  // leaderless for a while
      } else if (action < 61) {
        const std::int32_t broker = 1 + roll(3);
        connections[broker].clear();
        producer.handle_disconnect(broker, now);
      } else if (action < 62) {
        producer.begin_flush();
      }
      poll(now, true);
      collect();
    }
    // Heal: every partition gets a leader, answers flow, until every send has its outcome.
    for (auto& [tp, p] : cluster.partitions) {
      if (p.leader < 0) cluster.move_leader(tp, 1 + roll(3));
    }
    for (int step = 0; step < 100000 && producer.incomplete_send_count() > 0; ++step) {
      const auto wakeup = producer.next_wakeup_ms();
      std::int64_t next = now + 50;
      if (wakeup.has_value()) next = std::min(next, std::max(now + 1, *wakeup));
      for (const auto& [broker, queue] : connections) {
        if (!queue.empty()) next = std::min(next, std::max(now + 1, queue.front().due_ms));
      }
      now = next;
      deliver_due(now);
      poll(now, false);
      collect();
    }
  }

  void check() {
    REQUIRE(producer.incomplete_send_count() == 0);
    REQUIRE(outcomes.size() == values.size());
    std::set<std::uint64_t> seen;
    std::map<std::string, int> in_logs;
    for (const auto& [tp, p] : cluster.partitions) {
      for (const auto& v : p.log) in_logs[v] += 1;
    }
    for (const auto& o : outcomes) {
      INFO("send " << o.send_id << " " << send_outcome_kind_name(o.kind) << " " << o.error);
      REQUIRE(seen.insert(o.send_id).second);
      const std::string& value = values.at(o.send_id);
      switch (o.kind) {
        case SendOutcomeKind::acknowledged:
          REQUIRE(o.topic_partition.has_value());
          if (o.offset >= 0) {
            const auto& log = cluster.log(*o.topic_partition);
            REQUIRE(o.offset < static_cast<std::int64_t>(log.size()));
            CHECK(log[static_cast<std::size_t>(o.offset)] == value);
          }
          CHECK(in_logs[value] >= 1);
          break;
        case SendOutcomeKind::failed:
          CHECK(in_logs[value] == 0);
          break;
        case SendOutcomeKind::indeterminate:
          CHECK(o.reason != IndeterminateReason::none);
          break;
        case SendOutcomeKind::sent_unknown:
          CHECK(acks == 0);
          break;
      }
      CHECK(o.completion_time_ms >= o.send_time_ms);
    }
  }
};

}  // namespace

TEST_CASE("every send ends in exactly one truthful outcome under seeded faults", "[client][fuzz]") {
  const std::vector<std::vector<std::pair<std::string, std::string>>> configs = {
      {{"request.timeout.ms", "1000"}, {"delivery.timeout.ms", "4000"}},
      {{"request.timeout.ms", "1000"},
       {"delivery.timeout.ms", "4000"},
       {"enable.idempotence", "false"}},
      {{"acks", "1"},
       {"request.timeout.ms", "500"},
       {"delivery.timeout.ms", "3000"},
       {"max.in.flight.requests.per.connection", "1"},
       {"linger.ms", "0"}},
      {{"acks", "0"}, {"linger.ms", "2"}},
      {{"request.timeout.ms", "800"},
       {"delivery.timeout.ms", "60000"},
       {"batch.size", "100"},
       {"retry.backoff.ms", "10"}},
  };
  for (std::size_t c = 0; c < configs.size(); ++c) {
    for (std::uint64_t seed = 1; seed <= 8; ++seed) {
      DYNAMIC_SECTION("config " << c << " seed " << seed) {
        FuzzRun run(seed * 7919 + c, parse_producer_config(configs[c]));
        run.run();
        run.check();
      }
    }
  }
}
