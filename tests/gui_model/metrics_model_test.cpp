// The Metrics panel's model: exact series values at given seconds of real runs, rates derived
// from the counters, consumer lag, and the bound on memory over a long run.
#include <catch2/catch.hpp>

#include "app/gui/model/metrics_model.h"
#include "tests/gui_model/play.h"

namespace ksim::gui::model {
namespace {

sim::SimTime at_second(std::int64_t s) { return sim::SimTime::from_s(s); }

}  // namespace

TEST_CASE("metrics: acks1-failover-loss second by second") {
  auto runner = testing::library_runner("acks1-failover-loss");
  MetricsModel metrics;
  testing::play(*runner, sim::SimDuration::from_ms(100),
                [&] { metrics.update(runner->cluster()); });

  REQUIRE(metrics.size() == 27);  // the run ends at 27.3 s
  CHECK(metrics.times_us().front() == 1'000'000);
  CHECK(metrics.times_us().back() == 27'000'000);
  CHECK(metrics.resolution() == sim::SimDuration::from_s(1));
  CHECK(metrics.series_names() ==
        std::vector<std::string>{"acknowledged/acks=1", "consumed", "isr_size/payments-0",
                                 "isr_size_avg_milli", "isr_size_min", "lost/acks=1", "offline",
                                 "produced", "sent/acks=1", "under_replicated"});

  // Five records at 0.02 s, five more at 1.63 s, p11 at 21.0 s.
  CHECK(metrics.value_at("produced", at_second(1)) == 5);
  CHECK(metrics.value_at("produced", at_second(2)) == 10);
  CHECK(metrics.value_at("produced", at_second(21)) == 10);
  CHECK(metrics.value_at("produced", at_second(22)) == 11);
  CHECK(metrics.value_at("sent/acks=1", at_second(22)) == 11);
  // Acknowledged a second after each send (linger and the console producer's pace).
  CHECK(metrics.value_at("acknowledged/acks=1", at_second(1)) == 0);
  CHECK(metrics.value_at("acknowledged/acks=1", at_second(2)) == 5);
  CHECK(metrics.value_at("acknowledged/acks=1", at_second(3)) == 10);
  CHECK(metrics.value_at("acknowledged/acks=1", at_second(22)) == 10);
  CHECK(metrics.value_at("acknowledged/acks=1", at_second(23)) == 11);
  // The leader's session expires at 20.0 s: ISR [1,2] until broker 0 rejoins at 22.12 s.
  CHECK(metrics.value_at("isr_size/payments-0", at_second(20)) == 3);
  CHECK(metrics.value_at("isr_size/payments-0", at_second(21)) == 2);
  CHECK(metrics.value_at("isr_size/payments-0", at_second(22)) == 2);
  CHECK(metrics.value_at("isr_size/payments-0", at_second(23)) == 3);
  CHECK(metrics.value_at("isr_size_min", at_second(21)) == 2);
  CHECK(metrics.value_at("isr_size_avg_milli", at_second(21)) == 2000);
  CHECK(metrics.value_at("under_replicated", at_second(20)) == 0);
  CHECK(metrics.value_at("under_replicated", at_second(21)) == 1);
  CHECK(metrics.value_at("under_replicated", at_second(23)) == 0);
  CHECK(metrics.value_at("offline", at_second(21)) == 0);
  // The truncation at 22.12 s destroys p6..p10.
  CHECK(metrics.value_at("lost/acks=1", at_second(22)) == 0);
  CHECK(metrics.value_at("lost/acks=1", at_second(23)) == 5);
  CHECK(metrics.value_at("lost/acks=1", at_second(27)) == 5);
  CHECK(metrics.value_at("consumed", at_second(22)) == 0);
  CHECK(metrics.value_at("consumed", at_second(23)) == 6);
  CHECK_FALSE(metrics.value_at("consumed", at_second(28)).has_value());
  CHECK_FALSE(metrics.value_at("consumed", sim::SimTime::from_ms(1500)).has_value());
  CHECK_FALSE(metrics.value_at("no such series", at_second(1)).has_value());

  const std::vector<std::int64_t> produce_rate = metrics.rate_per_second("produced");
  REQUIRE(produce_rate.size() == 27);
  CHECK(produce_rate[0] == 5);
  CHECK(produce_rate[1] == 5);
  CHECK(produce_rate[2] == 0);
  CHECK(produce_rate[21] == 1);
  const std::vector<std::int64_t> consume_rate = metrics.rate_per_second("consumed");
  CHECK(consume_rate[22] == 6);
  CHECK(consume_rate[23] == 0);
  const MetricSeries* isr = metrics.series("isr_size/payments-0");
  REQUIRE(isr != nullptr);
  CHECK(isr->points[20].min == 2);
  CHECK(isr->points[20].max == 2);
}

TEST_CASE("metrics: a consumer group's lag, from its commits and the leaders' HWs") {
  auto runner = testing::library_runner("consumer-group-rebalance");
  MetricsModel metrics;
  testing::play(*runner, sim::SimDuration::from_ms(100),
                [&] { metrics.update(runner->cluster()); });
  // No member has an assignment yet at 1 s: no series then.
  CHECK_FALSE(metrics.value_at("consumer_lag/g", at_second(1)).has_value());
  CHECK(metrics.value_at("consumer_lag/g", at_second(2)) == 0);
  // Read but not yet committed (auto commit every 5 s): the whole 12 records.
  CHECK(metrics.value_at("consumed", at_second(8)) == 12);
  CHECK(metrics.value_at("consumer_lag/g", at_second(8)) == 12);
  CHECK(metrics.value_at("consumer_lag/g", at_second(12)) == 0);  // `expect lag g == 0`
  // c2 killed at 13 s, six more records: its partitions wait for the rebalance.
  CHECK(metrics.value_at("consumer_lag/g", at_second(15)) == 6);
  CHECK(metrics.value_at("consumer_lag/g", at_second(20)) == 1);
  CHECK(metrics.value_at("consumer_lag/g", at_second(26)) == 0);
  CHECK(metrics.value_at("isr_size_avg_milli", at_second(10)) == 3000);
  CHECK(metrics.value_at("under_replicated", at_second(10)) == 0);
}

TEST_CASE("metrics: memory stays bounded over a long run, counters stay exact") {
  auto runner = testing::library_runner("acks1-failover-loss");
  MetricsOptions options;
  options.capacity = 64;
  MetricsModel metrics(options);
  testing::play(*runner, sim::SimDuration::from_ms(100),
                [&] { metrics.update(runner->cluster()); });
  // Then the idle cluster runs on to 2,000 s.
  sim::cluster::KafkaCluster& cluster = runner->cluster();
  auto run_to = [&](std::int64_t seconds) {
    while (cluster.now() < at_second(seconds)) {
      cluster.run_until(cluster.now() + sim::SimDuration::from_ms(100));
      metrics.update(cluster);
    }
  };
  run_to(2000);
  const std::size_t bytes = metrics.memory_bytes();
  // 2,000 one-second samples in at most 64 points: five halvings, 32 s a point.
  CHECK(metrics.downsamplings() == 5);
  CHECK(metrics.resolution() == sim::SimDuration::from_s(32));
  CHECK(metrics.size() == 62);  // 32 s .. 1984 s; 1984..2016 s is still being sampled
  for (std::int64_t t : metrics.times_us()) CHECK(t % 32'000'000 == 0);
  CHECK(bytes < 32 * 1024);

  // The first point covers 0..32 s: the ISR was 2 then 3, one partition under-replicated.
  const MetricSeries* isr = metrics.series("isr_size/payments-0");
  REQUIRE(isr != nullptr);
  REQUIRE(isr->points.size() == metrics.size());
  CHECK(isr->points[0].min == 2);
  CHECK(isr->points[0].max == 3);
  CHECK(isr->points[0].last == 3);
  CHECK(metrics.series("under_replicated")->points[0].max == 1);
  CHECK(metrics.value_at("produced", at_second(32)) == 11);
  CHECK(metrics.value_at("lost/acks=1", at_second(32)) == 5);
  CHECK(metrics.value_at("acknowledged/acks=1", at_second(1984)) == 11);
  CHECK(metrics.rate_per_second("produced")[0] == 0);  // 11 records in 32 s: 0 per second

  // Twice as long: no growth.
  run_to(4000);
  CHECK(metrics.memory_bytes() == bytes);
  CHECK(metrics.downsamplings() == 6);
  CHECK(metrics.size() <= 64);
}

TEST_CASE("metrics: options are checked") {
  CHECK_THROWS_WITH(MetricsModel(MetricsOptions{sim::SimDuration::from_s(0), 64}),
                    "MetricsModel: the sampling interval must be positive");
  CHECK_THROWS_WITH(MetricsModel(MetricsOptions{sim::SimDuration::from_s(1), 3}),
                    "MetricsModel: the capacity must be even and at least 2");
}

}  // namespace ksim::gui::model

namespace ksim::gui::model {

TEST_CASE("metrics: frames that skip boundaries sample once, and downsampling keeps the grid") {
  auto runner = testing::library_runner("acks1-failover-loss");
  MetricsOptions options;
  options.capacity = 4;
  MetricsModel metrics(options);
  runner->start();
  sim::cluster::KafkaCluster& cluster = runner->cluster();
  auto frame_at = [&](std::int64_t ms) {
    cluster.run_until(sim::SimTime::from_ms(ms));
    return metrics.update(cluster);
  };
  using Times = std::vector<std::int64_t>;
  CHECK_FALSE(frame_at(500));
  CHECK(frame_at(1000));
  CHECK_FALSE(frame_at(1500));
  CHECK(frame_at(2000));
  CHECK(frame_at(5500));  // 3 s and 4 s are never seen
  CHECK(metrics.times_us() == Times{1'000'000, 2'000'000, 5'000'000});
  CHECK(frame_at(6000));  // the fourth point: two merge into one, 2 s a point
  CHECK(metrics.times_us() == Times{2'000'000, 6'000'000});
  CHECK(metrics.resolution() == sim::SimDuration::from_s(2));
  CHECK(frame_at(9500));   // (8, 10] is being sampled
  CHECK(frame_at(11500));  // commits 10 s; (10, 12] is being sampled
  CHECK(metrics.times_us() == Times{2'000'000, 6'000'000, 10'000'000});
  CHECK(frame_at(13500));  // commits 12 s: four points, 4 s a point; (12, 16] is being sampled
  CHECK(metrics.times_us() == Times{4'000'000, 8'000'000, 12'000'000});
  CHECK(metrics.resolution() == sim::SimDuration::from_s(4));
  CHECK(frame_at(16000));  // commits 16 s: four points again, 8 s a point
  CHECK(metrics.times_us() == Times{8'000'000, 16'000'000});
  CHECK(metrics.downsamplings() == 3);
  // 5 records by 1 s, 10 from 1.63 s on.
  const MetricSeries* produced = metrics.series("produced");
  REQUIRE(produced != nullptr);
  CHECK(produced->points[0].min == 5);
  CHECK(produced->points[0].max == 10);
  CHECK(produced->points[0].last == 10);
  CHECK(produced->points[1].min == 10);
  CHECK(metrics.rate_per_second("produced") == std::vector<std::int64_t>{1, 0});  // 10 in 8 s
}

}  // namespace ksim::gui::model
