// The Events panel's model on acks1-failover-loss: kinds, filters by kind, broker and partition,
// seeking to a row's time, and the bound on the rows kept.
#include <catch2/catch.hpp>

#include "app/gui/model/event_log_model.h"
#include "tests/gui_model/play.h"

namespace ksim::gui::model {
namespace {

std::vector<std::string> event_texts(const std::vector<const EventRow*>& rows) {
  std::vector<std::string> texts;
  for (const EventRow* row : rows) texts.push_back(row->text);
  return texts;
}

EventLogModel played_acks1_log(EventLogOptions options = {}) {
  auto runner = testing::library_runner("acks1-failover-loss");
  EventLogModel log(options);
  testing::play(*runner, sim::SimDuration::from_ms(100),
                [&] { log.update(runner->cluster(), &runner->transcript()); });
  return log;
}

}  // namespace

TEST_CASE("events: the truncation, the faults and broker 0's leadership, filtered") {
  const EventLogModel log = played_acks1_log();
  CHECK(log.dropped() == 0);
  CHECK(log.rows().size() == 85);
  CHECK(log.rows().front().sequence == 0);
  for (std::size_t i = 1; i < log.rows().size(); ++i) {
    CHECK(log.rows()[i - 1].time <= log.rows()[i].time);
  }

  EventFilter truncations;
  truncations.show_only({EventKind::truncation});
  const std::vector<const EventRow*> cut = log.filtered(truncations);
  REQUIRE(cut.size() == 1);
  CHECK(cut[0]->broker == 0);
  CHECK(cut[0]->partition == "payments-0");
  CHECK(cut[0]->time == sim::SimTime::from_us(22'119'848));
  CHECK(cut[0]->text ==
        "broker 0: truncated payments-0 from offset 5 (LEO was 10) as follower of broker 1 in "
        "epoch 1: truncated at the diverging epoch the leader's fetch answer named");
  // Selecting it seeks the timeline to it.
  CHECK(log.select(cut[0]->sequence) == sim::SimTime::from_us(22'119'848));

  EventFilter faults;
  faults.show_only({EventKind::fault});
  CHECK(event_texts(log.filtered(faults)) ==
        std::vector<std::string>{"isolate leader payments-0 from brokers",
                                 "kill -9 leader payments-0", "broker 0 killed", "heal",
                                 "start broker 0", "broker 0 started"});

  EventFilter broker0_leadership;
  broker0_leadership.show_only({EventKind::leader_change});
  broker0_leadership.broker = 0;
  CHECK(event_texts(log.filtered(broker0_leadership)) ==
        std::vector<std::string>{
            "broker 0: leader of payments-0 in leader epoch 0, ISR [0,1,2], LEO 0",
            "broker 0: follower of payments-0 (leader 1, leader epoch 1), LEO 10"});

  EventFilter controller_changes;
  controller_changes.show_only({EventKind::leader_change, EventKind::isr_change});
  controller_changes.broker = 2;
  controller_changes.partition = "payments-0";
  CHECK(event_texts(log.filtered(controller_changes)) ==
        std::vector<std::string>{
            "broker 2: controller: payments-0: new partition, leader 0, leader epoch 0, ISR "
            "[0,1,2] (new topic)",
            "broker 2: follower of payments-0 (leader 0, leader epoch 0), LEO 0",
            "broker 2: controller: payments-0: leader 0 -> 1, leader epoch 1, ISR [1,2] (broker "
            "0 failed)",
            "broker 2: follower of payments-0 (leader 1, leader epoch 1), LEO 5",
            "broker 2: controller: payments-0: ISR [1,2] -> [1,2,0], leader 1, leader epoch 1, "
            "partition epoch 2 (AlterPartition from leader 1)"});

  EventFilter client;
  client.show_only({EventKind::client});
  CHECK(event_texts(log.filtered(client)) ==
        std::vector<std::string>{
            "5 of 5 record(s) acknowledged: payments-0@0, payments-0@1, payments-0@2, "
            "payments-0@3, payments-0@4",
            "5 of 5 record(s) acknowledged: payments-0@5, payments-0@6, payments-0@7, "
            "payments-0@8, payments-0@9",
            "1 of 1 record(s) acknowledged: payments-0@5"});

  EventFilter none;
  none.kinds = 0;
  CHECK(log.filtered(none).empty());
  CHECK(log.filtered(EventFilter{}).size() == log.rows().size());
  CHECK(log.brokers() == std::set<std::int32_t>{0, 1, 2});
  CHECK(log.partitions() == std::set<std::string>{"payments-0"});

  // While playing, the row to highlight is the last one at or before the timeline's time.
  const EventRow* at_21s = log.last_at_or_before(sim::SimTime::from_s(21), faults);
  REQUIRE(at_21s != nullptr);
  CHECK(at_21s->text == "heal");
  CHECK(log.last_at_or_before(sim::SimTime::from_s(1), faults) == nullptr);
}

TEST_CASE("events: a capped log keeps the newest rows and counts the dropped ones") {
  EventLogOptions options;
  options.capacity = 10;
  const EventLogModel log = played_acks1_log(options);
  CHECK(log.rows().size() == 10);
  CHECK(log.dropped() == 75);
  CHECK(log.rows().front().sequence == 75);
  CHECK(log.rows().back().sequence == 84);
  CHECK(log.rows().back().text.starts_with("acks=1 means 'one copy, in one page cache'."));
  CHECK_FALSE(log.select(74).has_value());
  CHECK(log.select(84) == log.rows().back().time);
  CHECK_FALSE(log.select(85).has_value());
  CHECK_THROWS_WITH(EventLogModel(EventLogOptions{0, false}),
                    "EventLogModel: capacity must be > 0");
}

TEST_CASE("events: classification and the partition and broker a text names") {
  using K = EventKind;
  CHECK(EventLogModel::classify_broker_event("truncated t-0 from offset 1 (LEO was 2)", false) ==
        K::truncation);
  CHECK(EventLogModel::classify_broker_event("anything", true) == K::truncation);
  CHECK(EventLogModel::classify_broker_event("controller: broker 2 is the controller, epoch 1",
                                             false) == K::controller);
  CHECK(EventLogModel::classify_broker_event("controller: new topic payments", false) ==
        K::controller);
  CHECK(EventLogModel::classify_broker_event("controller: broker 0 failed", false) ==
        K::broker_state);
  CHECK(EventLogModel::classify_broker_event("shut down cleanly", false) == K::broker_state);
  CHECK(EventLogModel::classify_broker_event("claimed producer ids 0..999", false) == K::other);
  CHECK(EventLogModel::classify_transcript_line(scenarios::TranscriptKind::command,
                                                "power-off broker 1") == K::fault);
  CHECK(EventLogModel::classify_transcript_line(scenarios::TranscriptKind::command,
                                                "kafka-topics.sh --describe") == K::command);
  CHECK(EventLogModel::classify_transcript_line(scenarios::TranscriptKind::expectation_failed,
                                                "lost == 0") == K::expectation);

  const std::set<std::string> topics{"t", "my-topic"};
  CHECK(EventLogModel::partition_named("truncated my-topic-12 from offset 1", topics) ==
        "my-topic-12");
  CHECK(EventLogModel::partition_named("kill -9 leader t-0.", topics) == "t-0");
  CHECK(EventLogModel::partition_named("other-0 and t-x", topics).empty());
  CHECK(EventLogModel::broker_named("isolate broker 12 from zookeeper") == 12);
  CHECK(EventLogModel::broker_named("kill -9 leader t-0") == -1);
  CHECK(EventLogModel::broker_named("subbroker 3") == -1);
}

}  // namespace ksim::gui::model

namespace ksim::gui::model {
namespace {

std::vector<std::uint64_t> event_sequences(const std::vector<const EventRow*>& rows) {
  std::vector<std::uint64_t> sequences;
  for (const EventRow* row : rows) sequences.push_back(row->sequence);
  return sequences;
}

}  // namespace

TEST_CASE("events: the kept filtered view follows the log frame by frame, drops included") {
  EventLogOptions options;
  options.capacity = 30;
  EventLogModel log(options);
  EventFilter broker_events;
  broker_events.show_only({EventKind::leader_change, EventKind::isr_change, EventKind::truncation,
                           EventKind::broker_state, EventKind::controller});
  auto runner = testing::library_runner("acks1-failover-loss");
  std::size_t frames_checked = 0;
  testing::play(*runner, sim::SimDuration::from_ms(100), [&] {
    log.update(runner->cluster(), &runner->transcript());
    const std::vector<std::uint64_t> kept = log.matching(broker_events);
    CHECK(kept == event_sequences(log.filtered(broker_events)));
    ++frames_checked;
  });
  CHECK(frames_checked > 200);
  // Without a transcript: the brokers' events alone (__consumer_offsets' left out).
  EventLogModel cluster_only;
  cluster_only.update(runner->cluster(), nullptr);
  CHECK(cluster_only.rows().size() == runner->cluster().events().size());
  for (const EventRow& row : cluster_only.rows()) CHECK(row.broker >= 0);
  CHECK(log.dropped() == 55);
  const std::vector<std::uint64_t>& kept = log.matching(broker_events);
  REQUIRE_FALSE(kept.empty());
  CHECK(log.row(kept.back())->kind == EventKind::isr_change);
  CHECK(log.row(kept.front())->sequence == kept.front());
  CHECK(log.row(0) == nullptr);  // dropped
  // Another filter: built afresh.
  EventFilter faults;
  faults.show_only({EventKind::fault});
  CHECK(log.matching(faults) == event_sequences(log.filtered(faults)));
  CHECK(log.matching(faults).size() == 2);  // "start broker 0", "broker 0 started"
}

}  // namespace ksim::gui::model
