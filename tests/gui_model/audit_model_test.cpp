// The Audit panel's model: the summary per acks setting as `ksim run` prints it, the lost records
// with their stories, and a click seeking to the truncation that destroyed them (which the event
// log lists at that same time).
#include <catch2/catch.hpp>

#include "app/gui/model/audit_model.h"
#include "app/gui/model/event_log_model.h"
#include "app/gui/model/metrics_model.h"
#include "tests/gui_model/play.h"

namespace ksim::gui::model {

TEST_CASE("audit: acks1-failover-loss loses p6..p10 to broker 0's truncation at 22.12 s") {
  auto runner = testing::library_runner("acks1-failover-loss");
  AuditModel audit;
  EventLogModel log;
  std::size_t lost_at_20s = 99;
  testing::play(*runner, sim::SimDuration::from_ms(100), [&] {
    audit.update(runner->cluster());
    log.update(runner->cluster(), &runner->transcript());
    if (runner->cluster().now() == sim::SimTime::from_s(20)) lost_at_20s = audit.lost_count();
  });
  CHECK(lost_at_20s == 0);  // still on broker 0's disk, broker 0 down
  REQUIRE(audit.available());

  REQUIRE(audit.summary().size() == 1);
  const AuditSummaryRow& acks1 = audit.summary()[0];
  CHECK(acks1.acks == "1");
  CHECK(acks1.sent == 11);
  CHECK(acks1.acknowledged == 11);
  CHECK(acks1.lost == 5);
  CHECK(acks1.lost_after_commit == 0);
  CHECK(acks1.duplicated == 0);
  CHECK(acks1.indeterminate == 0);
  CHECK(acks1.failed == 0);
  CHECK(acks1.pending == 0);
  CHECK(acks1.committed == 6);
  CHECK(acks1.consumed == 6);

  REQUIRE(audit.records().size() == 5);
  CHECK(audit.lost_count() == 5);
  for (std::size_t i = 0; i < 5; ++i) {
    const AuditRecordRow& row = audit.records()[i];
    CHECK(row.problem == AuditProblem::lost);
    CHECK(row.record == 5 + i);
    CHECK(row.value == "p" + std::to_string(6 + i));
    CHECK(row.partition == "payments-0");
    CHECK(row.acks == 1);
    CHECK(row.offset == static_cast<std::int64_t>(5 + i));
    CHECK(row.loss == "lost after acknowledgement");
    CHECK(row.destroyed_at == sim::SimTime::from_us(22'119'848));
    CHECK(row.destroyed_on_broker == 0);
    CHECK(row.destroyed_how ==
          "truncated from offset 5 on broker 0: it became follower of epoch 1 (leader 1): "
          "truncated at the diverging epoch the leader's fetch answer named");
    CHECK(audit.click(i) == sim::SimTime::from_us(22'119'848));
  }
  CHECK(audit.records()[0].explanation ==
        "record 5: value \"p6\" sent by console-producer-2 to payments-0 at 1.627594s with acks=1\n"
        "  written at offset 5 by broker 0 in epoch 0\n"
        "  acknowledged at 2.629s at offset 5\n"
        "  never committed (broker 0's high watermark was 5)\n"
        "  truncated from broker 0 at 22.119848s (it became follower of epoch 1 (leader 1): "
        "truncated at the diverging epoch the leader's fetch answer named)\n"
        "  never consumed\n"
        "  lost after acknowledgement\n");
  CHECK_FALSE(audit.click(5).has_value());

  // The click lands on the truncation in the event log.
  EventFilter truncations;
  truncations.show_only({EventKind::truncation});
  truncations.broker = audit.records()[0].destroyed_on_broker;
  const EventRow* row = log.last_at_or_before(*audit.click(0), truncations);
  REQUIRE(row != nullptr);
  CHECK(row->time == *audit.click(0));
  CHECK(row->partition == "payments-0");
}

TEST_CASE("audit: an unclean election loses committed acks=1 and acks=all records") {
  auto runner = testing::library_runner("unclean-election");
  AuditModel audit;
  testing::play(*runner, sim::SimDuration::from_ms(100), [&] { audit.update(runner->cluster()); });
  REQUIRE(audit.summary().size() == 2);
  const AuditSummaryRow& acks1 = audit.summary()[0];
  const AuditSummaryRow& all = audit.summary()[1];
  CHECK(acks1.acks == "1");
  CHECK(acks1.sent == 2);
  CHECK(acks1.lost == 1);
  CHECK(acks1.lost_after_commit == 1);
  CHECK(acks1.committed == 2);
  CHECK(acks1.consumed == 1);
  CHECK(all.acks == "all");
  CHECK(all.sent == 8);
  CHECK(all.acknowledged == 8);
  CHECK(all.lost == 3);
  CHECK(all.lost_after_commit == 3);
  CHECK(all.committed == 8);
  CHECK(all.consumed == 5);

  REQUIRE(audit.records().size() == 4);
  const std::vector<std::string> values{"u-during-the-cut", "u-alone-1", "u-alone-2", "u-alone-3"};
  for (std::size_t i = 0; i < 4; ++i) {
    const AuditRecordRow& row = audit.records()[i];
    CHECK(row.value == values[i]);
    CHECK(row.partition == "unclean-0");
    CHECK(row.offset == static_cast<std::int64_t>(1 + i));
    CHECK(row.acks == (i == 0 ? 1 : -1));
    CHECK(row.loss == "lost after commit");
    CHECK(row.destroyed_at == sim::SimTime::from_us(69'541'350));
    CHECK(audit.click(i) == sim::SimTime::from_us(69'541'350));
  }
}

}  // namespace ksim::gui::model

namespace ksim::gui::model {

TEST_CASE("audit: a retry without idempotence is listed as duplicated, seeking to its answer") {
  auto runner = testing::script_runner(testing::kRetryWithoutIdempotence);
  AuditModel audit(sim::SimDuration::from_ms(500));
  testing::play(*runner, sim::SimDuration::from_ms(100), [&] { audit.update(runner->cluster()); });
  REQUIRE(audit.summary().size() == 1);
  CHECK(audit.summary()[0].acks == "all");
  CHECK(audit.summary()[0].sent == 1);
  CHECK(audit.summary()[0].acknowledged == 1);
  CHECK(audit.summary()[0].duplicated == 1);
  CHECK(audit.summary()[0].lost == 0);
  CHECK(audit.lost_count() == 0);
  REQUIRE(audit.records().size() == 1);
  const AuditRecordRow& row = audit.records()[0];
  CHECK(row.problem == AuditProblem::duplicated);
  CHECK(row.record == 0);
  CHECK(row.partition == "t-0");
  CHECK(row.acks == -1);
  CHECK(row.offset == 5);  // acknowledged at the sixth attempt's offset
  CHECK(row.value == "0000000000");
  CHECK(row.loss.empty());
  CHECK_FALSE(row.destroyed_at.has_value());
  CHECK(row.explanation.starts_with(
      "record 0: value \"0000000000\" sent by retrier to t-0 at 0.020695s with acks=all\n"
      "  written at offset 0 by broker 2 in epoch 0\n"
      "  written again at offset 1 by broker 2 in epoch 0 at 1.332666s (duplicate)\n"));
  CHECK(row.explanation.find("  acknowledged at 6.257s at offset 5 after 6 attempts\n") !=
        std::string::npos);
  // The click seeks to the producer's answer, after the last retry.
  const std::optional<sim::SimTime> answered = runner->cluster().audit()->record(0).completed_at;
  REQUIRE(answered.has_value());
  CHECK(audit.click(0) == answered);
  CHECK(*answered >= sim::SimTime::from_ms(6257));
  CHECK(*answered < sim::SimTime::from_ms(6258));
}

}  // namespace ksim::gui::model

namespace ksim::gui::model {

TEST_CASE("audit: acks=0 records sent into a dead connection were never written: no seek") {
  auto runner = testing::library_runner("acks0-loss");
  AuditModel audit;
  MetricsModel metrics;
  testing::play(*runner, sim::SimDuration::from_ms(100), [&] {
    audit.update(runner->cluster());
    metrics.update(runner->cluster());
  });
  REQUIRE(audit.summary().size() == 1);
  const AuditSummaryRow& acks0 = audit.summary()[0];
  CHECK(acks0.acks == "0");
  CHECK(acks0.sent == 300);
  CHECK(acks0.acknowledged == 300);  // counted as sent
  CHECK(acks0.lost == 250);
  CHECK(acks0.committed == 50);
  CHECK(acks0.consumed == 50);
  REQUIRE(audit.lost_count() == 250);
  REQUIRE(audit.records().size() == 250);
  const AuditRecordRow& first = audit.records().front();
  CHECK(first.record == 50);
  CHECK(first.acks == 0);
  CHECK(first.loss == "lost after acks=0 counted it as sent");
  CHECK(first.offset == -1);  // never written, no offset answered
  CHECK_FALSE(first.destroyed_at.has_value());
  CHECK(first.destroyed_how.empty());
  CHECK_FALSE(audit.click(0).has_value());
  CHECK(audit.records().back().record == 299);

  // The same counts over time: 50 sent by 5 s (the power cut), 300 by the end.
  CHECK(metrics.value_at("sent/acks=0", sim::SimTime::from_s(5)) == 50);
  CHECK(metrics.value_at("acknowledged/acks=0", sim::SimTime::from_s(5)) == 50);
  const std::int64_t last = metrics.times_us().back();
  CHECK(metrics.value_at("sent/acks=0", sim::SimTime::from_us(last)) == 300);
  CHECK(metrics.value_at("lost/acks=0", sim::SimTime::from_us(last)) == 250);
}

}  // namespace ksim::gui::model
