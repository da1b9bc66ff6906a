// The panels' logic without a window: the cluster graph and its actions, the topics table, the
// timeline's markers, the lesson's steps, the default layout and the frame statistics.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "app/gui/logic/cluster_graph.h"
#include "app/gui/logic/frame_stats.h"
#include "app/gui/logic/lesson_steps.h"
#include "app/gui/logic/panel_layout.h"
#include "app/gui/logic/screenshot.h"
#include "app/gui/logic/session.h"
#include "app/gui/logic/timeline_markers.h"
#include "app/gui/logic/topic_rows.h"
#include "scenarios/library.h"
#include "scenarios/parser.h"

namespace {

using namespace ksim::gui;
using ksim::sim::SimTime;

ksim::scenarios::Script quickstart() {
  const auto scenario = ksim::scenarios::find_library_scenario("quickstart");
  REQUIRE(scenario.has_value());
  return ksim::scenarios::parse_script(scenario->text, "quickstart.ksim");
}

const GraphNode& node_named(const ClusterGraph& graph, const std::string& name) {
  const auto it = std::find_if(graph.nodes.begin(), graph.nodes.end(),
                               [&](const GraphNode& n) { return n.name == name; });
  REQUIRE(it != graph.nodes.end());
  return *it;
}

bool has_command(const std::vector<NodeAction>& actions, const std::string& command) {
  return std::any_of(actions.begin(), actions.end(),
                     [&](const NodeAction& a) { return a.command == command; });
}

}  // namespace

TEST_CASE("the cluster graph shows each broker's state and the controller") {
  GuiSession session(quickstart());
  session.seek(SimTime::from_s(70));  // the lesson killed broker 2, the leader
  ClusterGraph graph = read_cluster_graph(session.runner().cluster(), {});
  // Three brokers, ZooKeeper, and the lesson's clients (its console producer and consumers).
  const auto kind_count = [&](GraphNodeKind kind) {
    return std::count_if(graph.nodes.begin(), graph.nodes.end(),
                         [&](const GraphNode& n) { return n.kind == kind; });
  };
  CHECK(kind_count(GraphNodeKind::broker) == 3);
  CHECK(kind_count(GraphNodeKind::zookeeper) == 1);
  const auto clients = static_cast<std::size_t>(kind_count(GraphNodeKind::client));
  CHECK(clients == graph.nodes.size() - 4);
  CHECK(node_named(graph, "broker 0").status == GraphNodeStatus::alive);
  CHECK(node_named(graph, "broker 2").status == GraphNodeStatus::killed);
  CHECK(node_named(graph, "zookeeper").kind == GraphNodeKind::zookeeper);
  const auto controller = session.runner().cluster().controller_id();
  REQUIRE(controller.has_value());
  for (const GraphNode& node : graph.nodes) {
    CHECK(node.controller == (node.kind == GraphNodeKind::broker && node.broker_id == *controller));
    CHECK(node.x >= 0.0);
    CHECK(node.x <= 1.0);
    CHECK(node.y >= 0.0);
    CHECK(node.y <= 1.0);
  }
  // The three broker pairs, each broker with ZooKeeper, each client with each broker.
  CHECK(graph.links.size() == 6 + 3 * clients);
  CHECK(std::none_of(graph.links.begin(), graph.links.end(), [](const GraphLink& l) { return l.cut; }));

  // A click's actions are scenario commands, and they work through the console.
  const std::vector<NodeAction> on_dead = node_actions(node_named(graph, "broker 2"), false);
  REQUIRE(on_dead.size() == 2);
  CHECK(on_dead[0].command == "start broker 2");
  CHECK(on_dead[1].command == "isolate broker 2");
  const std::vector<NodeAction> on_live = node_actions(node_named(graph, "broker 1"), false);
  CHECK(has_command(on_live, "kill -9 broker 1"));
  CHECK(has_command(on_live, "power-off broker 1"));
  CHECK(has_command(on_live, "shutdown broker 1"));
  CHECK(has_command(on_live, "pause broker 1"));
  CHECK_FALSE(has_command(on_live, "heal"));

  REQUIRE(session.run_command("pause broker 1").ok);
  REQUIRE(session.run_command("isolate broker 0").ok);
  const ClusterGraph after = read_cluster_graph(session.runner().cluster(), graph);
  CHECK(node_named(after, "broker 1").status == GraphNodeStatus::paused);
  CHECK(node_named(after, "broker 0").isolated);
  // Broker 0's links: to the two other brokers, ZooKeeper and every client.
  CHECK(static_cast<std::size_t>(std::count_if(after.links.begin(), after.links.end(),
                                               [](const GraphLink& l) { return l.cut; })) == 3 + clients);
  // The same nodes keep their places.
  CHECK(node_named(after, "broker 0").x == node_named(graph, "broker 0").x);
  const std::vector<NodeAction> on_paused = node_actions(node_named(after, "broker 1"), true);
  CHECK(on_paused[0].command == "resume broker 1");
  CHECK(has_command(on_paused, "heal"));
}

TEST_CASE("the layout is deterministic and spreads the nodes") {
  const std::vector<std::pair<std::size_t, std::size_t>> links = {{0, 1}, {1, 2}, {2, 0}, {0, 3}, {1, 3}, {2, 3}};
  const auto a = layout_graph(4, links);
  const auto b = layout_graph(4, links);
  REQUIRE(a.size() == 4);
  CHECK(a == b);
  for (std::size_t i = 0; i < a.size(); ++i) {
    for (std::size_t j = i + 1; j < a.size(); ++j) {
      CHECK(std::hypot(a[i].first - a[j].first, a[i].second - a[j].second) > 0.2);
    }
  }
  CHECK(layout_graph(1, {}) == std::vector<std::pair<double, double>>{{0.5, 0.5}});
}

TEST_CASE("topic rows are kafka-topics.sh --describe with HW and LEO per replica") {
  GuiSession session(quickstart());
  session.seek(SimTime::from_s(70));
  std::vector<TopicRow> rows = read_topic_rows(session.runner().cluster(), false);
  REQUIRE(rows.size() == 1);
  const TopicRow& row = rows[0];
  CHECK(row.name == "my-replicated-topic-0");
  CHECK(row.leader == 1);
  CHECK(row.replicas == std::vector<std::int32_t>{2, 1, 0});
  CHECK(row.isr == std::vector<std::int32_t>{1, 0});
  CHECK(row.under_replicated);
  CHECK_FALSE(row.offline);
  REQUIRE(row.offsets.size() == 3);
  CHECK_FALSE(row.offsets[0].online);  // broker 2 is dead
  CHECK(row.offsets[1].log_end_offset == 2);
  CHECK(row.offsets[1].high_watermark == 2);
  CHECK(row.offsets[2].log_end_offset == 2);
  CHECK(broker_list(row.isr) == "[1,0]");
  // Internal topics only on request (the console consumer's group made __consumer_offsets).
  const std::vector<TopicRow> all = read_topic_rows(session.runner().cluster(), true);
  CHECK(all.size() > rows.size());
}

TEST_CASE("topic rows filter and sort") {
  std::vector<TopicRow> rows(4);
  const char* names[] = {"orders-0", "orders-1", "Payments-0", "payments-1"};
  for (std::size_t i = 0; i < 4; ++i) {
    rows[i].name = names[i];
    rows[i].topic = rows[i].name.substr(0, rows[i].name.find('-'));
    rows[i].partition = static_cast<std::int32_t>(i % 2);
    rows[i].leader = static_cast<std::int32_t>(3 - i);
  }
  rows[1].under_replicated = true;
  rows[3].offline = true;
  CHECK(filter_rows(rows, "PAY", false) == std::vector<std::size_t>{2, 3});
  CHECK(filter_rows(rows, "", true) == std::vector<std::size_t>{1, 3});
  std::vector<std::size_t> order = filter_rows(rows, "", false);
  sort_rows(rows, order, TopicColumn::leader, true);
  CHECK(order == std::vector<std::size_t>{3, 2, 1, 0});
  sort_rows(rows, order, TopicColumn::status, false);
  CHECK(order == std::vector<std::size_t>{3, 1, 2, 0});
  sort_rows(rows, order, TopicColumn::partition, false);
  CHECK(order == std::vector<std::size_t>{2, 0, 1, 3});  // by topic ('P' < 'o'), then partition
}

TEST_CASE("timeline markers come from the transcript") {
  using ksim::scenarios::TranscriptKind;
  using ksim::scenarios::TranscriptLine;
  const auto line = [](TranscriptKind kind, std::string text) {
    return TranscriptLine{SimTime::from_s(3), kind, std::move(text), 0};
  };
  CHECK(marker_of(line(TranscriptKind::command, "kill -9 leader t-0"))->kind == MarkerKind::fault);
  CHECK(marker_of(line(TranscriptKind::command, "heal"))->kind == MarkerKind::fault);
  CHECK_FALSE(marker_of(line(TranscriptKind::command, "kafka-topics.sh --describe")).has_value());
  CHECK(marker_of(line(TranscriptKind::cluster_event,
                       "broker 1: t-0: leader 2 -> 1, leader epoch 1, ISR [1,0] (offline)"))
            ->kind == MarkerKind::leader_change);
  CHECK(marker_of(line(TranscriptKind::cluster_event,
                       "broker 1: t-0: ISR [2,1,0] -> [1,0], leader 1, leader epoch 1 (shrink)"))
            ->kind == MarkerKind::isr_change);
  const auto isr = controller_isr(
      "broker 0: controller: t-0: leader 2 -> none, leader epoch 1, ISR [1,0] (replica offline)");
  REQUIRE(isr.has_value());
  CHECK(isr->first == "t-0");
  CHECK(isr->second == "[1,0]");
  CHECK(controller_isr("broker 0: controller: t-0: ISR [2,1,0] -> [1,0], leader 1")->second == "[1,0]");
  CHECK_FALSE(controller_isr("broker 2: leader of t-0 in leader epoch 0, ISR [2,1,0], LEO 0").has_value());
  CHECK(marker_of(line(TranscriptKind::violation, "invariant broken (x): y"))->kind == MarkerKind::loss);
  CHECK(marker_of(line(TranscriptKind::cluster_event,
                       "broker 0: truncated payments-0 from offset 5 (LEO was 10) as follower"))
            ->kind == MarkerKind::loss);
  CHECK_FALSE(marker_of(line(TranscriptKind::narration, "kill -9 the leader")).has_value());

  // On a real run: the kill, the leader change and the ISR shrink, in time order.
  GuiSession session(quickstart());
  session.seek(SimTime::from_s(70));
  TimelineMarkers markers;
  markers.update(session.runner().transcript().lines());
  const auto count = [&](MarkerKind kind) {
    return std::count_if(markers.markers().begin(), markers.markers().end(),
                         [&](const TimelineMarker& m) { return m.kind == kind; });
  };
  CHECK(count(MarkerKind::fault) == 1);
  CHECK(count(MarkerKind::leader_change) >= 1);
  CHECK(count(MarkerKind::isr_change) >= 1);
  CHECK(count(MarkerKind::leader_change) == 2);  // 2 -> none, none -> 1
  const std::size_t before = markers.markers().size();
  markers.update(session.runner().transcript().lines());  // nothing new: nothing added
  CHECK(markers.markers().size() == before);

  CHECK(time_fraction(SimTime::from_s(5), SimTime::from_s(20)) == 0.25);
  CHECK(fraction_time(0.25, SimTime::from_s(20)) == SimTime::from_s(5));
  CHECK(fraction_time(7.0, SimTime::from_s(20)) == SimTime::from_s(20));
}

TEST_CASE("lesson items tick as the run reaches them") {
  GuiSession session(quickstart());
  std::vector<LessonItem> items = lesson_items(session.runner());
  REQUIRE(!items.empty());
  CHECK(items[0].kind == LessonItemKind::narration);
  CHECK(items[0].state == LessonItemState::pending);
  session.seek(SimTime::from_s(70));
  items = lesson_items(session.runner());
  std::size_t passed = 0;
  for (const LessonItem& item : items) {
    CHECK(item.state != LessonItemState::pending);
    CHECK(item.state != LessonItemState::failed);
    if (item.state == LessonItemState::passed) ++passed;
  }
  // 7 expects and 3 waits until in the quickstart.
  CHECK(passed == 10);
}

TEST_CASE("the default layout tiles the display") {
  const PanelLayout layout = default_layout(1600, 960, 20, 120);
  CHECK(layout.timeline.y == 20);
  CHECK(layout.timeline.width == 1600);
  CHECK(layout.cluster.x == 0);
  CHECK(layout.topics.x + layout.topics.width == 1600);
  CHECK(layout.lesson.y + layout.lesson.height == Approx(960));
  CHECK(layout.console.y + layout.console.height == Approx(960));
  REQUIRE(panel_rect(layout, "console") != nullptr);
  CHECK(panel_rect(layout, "console")->x == layout.console.x);
  CHECK(panel_rect(layout, "nope") == nullptr);
  // The data panels open over the panels they complement.
  REQUIRE(panel_rect(layout, "partition") != nullptr);
  CHECK(panel_rect(layout, "partition")->x == layout.topics.x);
  CHECK(panel_rect(layout, "events")->y == layout.console.y);
  CHECK(panel_rect(layout, "metrics")->x == 0);
  CHECK(panel_rect(layout, "zookeeper")->y == layout.lesson.y);
  CHECK(panel_rect(layout, "audit")->y + panel_rect(layout, "audit")->height == Approx(960));
}

TEST_CASE("frame statistics: median, nearest-rank percentile, max") {
  FrameStats stats;
  CHECK(stats.median() == 0);
  for (int i = 1; i <= 100; ++i) stats.add(i);
  CHECK(stats.median() == 50);
  CHECK(stats.percentile(95) == 95);
  CHECK(stats.max() == 100);
}

TEST_CASE("screenshots round-trip through PNG") {
  Screenshot shot;
  shot.width = 3;
  shot.height = 2;
  shot.rgba = {255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255,
               0, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0, 255};
  CHECK(distinct_colours(shot) == 5);
  Screenshot flipped = shot;
  flip_rows(flipped);
  CHECK(flipped.rgba[0] == 0);
  CHECK(flipped.rgba[12] == 255);
  const std::string path = (std::filesystem::temp_directory_path() / "ksim_gui_test.png").string();
  write_png(shot, path);
  const Screenshot read = read_png(path);
  std::filesystem::remove(path);
  CHECK(read.width == 3);
  CHECK(read.height == 2);
  CHECK(read.rgba == shot.rgba);
  CHECK_THROWS_WITH(read_png("/nonexistent/x.png"), Catch::Contains("/nonexistent/x.png"));
  Screenshot empty;
  CHECK_THROWS_WITH(write_png(empty, path), Catch::Contains("no image"));
}
