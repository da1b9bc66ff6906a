// GuiSession: exact rewinding, console commands re-applied after a seek back, and the session
// saved as a script that replays to the same state.
#include <catch2/catch.hpp>

#include <string>

#include "app/gui/logic/session.h"
#include "scenarios/library.h"
#include "scenarios/parser.h"

namespace {

using ksim::gui::GuiSession;
using ksim::sim::SimTime;

ksim::scenarios::Script library(std::string_view name) {
  const auto scenario = ksim::scenarios::find_library_scenario(name);
  REQUIRE(scenario.has_value());
  return ksim::scenarios::parse_script(scenario->text, std::string(name) + ".ksim");
}

std::string describe(GuiSession& session, const std::string& topic) {
  return session.runner().cluster().describe(topic);
}

}  // namespace

TEST_CASE("a seek back reproduces a straight run's digest and event count") {
  GuiSession straight(library("quickstart"));
  straight.seek(SimTime::from_s(20));
  const std::uint64_t events_at_20 = straight.events();
  const std::uint64_t digest_at_20 = straight.digest();
  REQUIRE(events_at_20 > 100);

  GuiSession session(library("quickstart"));
  session.play();
  session.set_speed(100.0);
  // Frames of 1/60 s at 100x: 1.67 simulated seconds each, up to 30 s.
  while (session.now() < SimTime::from_s(30)) session.advance(1.0 / 60.0);
  CHECK(session.horizon() >= SimTime::from_s(30));
  session.seek(SimTime::from_s(20));
  CHECK(session.now() == SimTime::from_s(20));
  CHECK(session.events() == events_at_20);
  CHECK(session.digest() == digest_at_20);
  // And forward again to where the straight run goes.
  straight.seek(SimTime::from_s(45));
  session.seek(SimTime::from_s(45));
  CHECK(session.events() == straight.events());
  CHECK(session.digest() == straight.digest());
}

TEST_CASE("the speed is clamped and a frame's event budget bounds its work") {
  GuiSession session(library("quickstart"));
  session.set_speed(1e9);
  CHECK(session.speed() == GuiSession::max_speed);
  session.set_speed(0.0);
  CHECK(session.speed() == GuiSession::min_speed);
  session.set_speed(10000.0);
  CHECK(session.advance(1.0).events == 0);  // paused
  session.play();
  const GuiSession::FrameAdvance frame = session.advance(1.0, 10);
  CHECK(frame.events == 10);
  CHECK(frame.budget_exhausted);
  CHECK(session.events() == 10);
  CHECK(session.now() < SimTime::from_s(10000));
  // One event at a time.
  CHECK(session.step_event());
  CHECK(session.events() == 11);
}

TEST_CASE("a console command is re-applied at the same point after a seek back") {
  GuiSession session(library("quickstart"));
  session.seek(SimTime::from_s(70));
  REQUIRE(session.runner().script_done());
  const auto outcome = session.run_command("kill -9 broker 1");
  REQUIRE(outcome.ok);
  REQUIRE(session.actions().size() == 1);
  CHECK(session.actions()[0].text == "kill -9 broker 1");
  CHECK(session.actions()[0].time == SimTime::from_s(70));
  session.seek(SimTime::from_s(100));
  const std::uint64_t digest = session.digest();
  const std::uint64_t events = session.events();
  const std::string after = describe(session, "my-replicated-topic");
  CHECK(after.find("Leader: 0") != std::string::npos);  // the lesson killed 2, the class 1

  session.seek(SimTime::from_s(10));
  CHECK(session.actions_ahead() == 1);
  session.seek(SimTime::from_s(100));
  CHECK(session.actions_ahead() == 0);
  CHECK(session.events() == events);
  CHECK(session.digest() == digest);
  CHECK(describe(session, "my-replicated-topic") == after);

  // The transcript has the command, once.
  int commands = 0;
  for (const auto& line : session.runner().transcript().lines()) {
    if (line.kind == ksim::scenarios::TranscriptKind::command && line.text == "kill -9 broker 1") {
      ++commands;
      CHECK(line.time == SimTime::from_s(70));
    }
  }
  CHECK(commands == 1);
}

TEST_CASE("a new command after a seek back starts a new branch") {
  GuiSession session(library("quickstart"));
  session.seek(SimTime::from_s(70));
  REQUIRE(session.run_command("pause broker 1").ok);
  session.seek(SimTime::from_s(75));
  REQUIRE(session.run_command("resume broker 1").ok);
  session.seek(SimTime::from_s(72));
  CHECK(session.actions_ahead() == 1);
  REQUIRE(session.run_command("kill -9 broker 2").ok);
  REQUIRE(session.actions().size() == 2);
  CHECK(session.actions()[1].text == "kill -9 broker 2");
  CHECK(session.actions_ahead() == 0);
}

TEST_CASE("the console refuses bad lines and commands that take time") {
  GuiSession session(library("quickstart"));
  session.seek(SimTime::from_s(5));
  const auto typo = session.run_command("kil -9 broker 1");
  CHECK_FALSE(typo.ok);
  CHECK(typo.message.find("console:1") != std::string::npos);
  const auto wait = session.run_command("wait 5s");
  CHECK_FALSE(wait.ok);
  CHECK(wait.message.find("takes simulated time") != std::string::npos);
  CHECK(session.actions().empty());
  // A continued line waits for its end.
  const auto first = session.run_command("kafka-topics.sh --describe \\");
  CHECK(first.ok);
  CHECK(first.waiting);
  CHECK(session.run_command("--bootstrap-server localhost:9092 --topic my-replicated-topic").ok);
  REQUIRE(session.actions().size() == 1);
  CHECK(session.actions()[0].text ==
        "kafka-topics.sh --describe \\\n--bootstrap-server localhost:9092 --topic my-replicated-topic");
}

TEST_CASE("script durations are the shortest exact text") {
  using ksim::sim::SimDuration;
  CHECK(ksim::gui::script_duration(SimDuration::from_s(70)) == "70s");
  CHECK(ksim::gui::script_duration(SimDuration::from_ms(1500)) == "1500ms");
  CHECK(ksim::gui::script_duration(SimDuration::from_us(2500)) == "2500us");
}

TEST_CASE("the saved session parses and replays to the same state") {
  GuiSession session(library("quickstart"), 7);
  session.seek(SimTime::from_s(70));
  REQUIRE(session.runner().script_done());
  REQUIRE(session.run_command("kill -9 broker 1").ok);
  session.seek(SimTime::from_ms(80500));
  REQUIRE(session.run_command(
                     "kafka-topics.sh --describe --bootstrap-server localhost:9092 --topic "
                     "my-replicated-topic")
              .ok);
  session.seek(SimTime::from_s(100));

  const std::string text = session.saved_script();
  CHECK(text.find("seed 7\n") != std::string::npos);
  CHECK(text.find("\nat 70s: kill -9 broker 1\n") != std::string::npos);
  CHECK(text.find("\nat 80500ms: kafka-topics.sh --describe") != std::string::npos);

  const ksim::scenarios::Script saved = ksim::scenarios::parse_script(text, "saved.ksim");
  CHECK(saved.setup.seed == 7);
  GuiSession replay(saved);
  replay.seek(SimTime::from_s(100));
  REQUIRE(replay.runner().script_done());
  CHECK(describe(replay, "my-replicated-topic") == describe(session, "my-replicated-topic"));
  for (std::int32_t id = 0; id < 3; ++id) {
    CHECK((replay.runner().cluster().broker(id) == nullptr) ==
          (session.runner().cluster().broker(id) == nullptr));
  }
  // The command output the class saw is the replay's too.
  const auto outputs = [](GuiSession& s) {
    std::string all;
    for (const auto& line : s.runner().transcript().lines()) {
      if (line.time >= SimTime::from_s(70) &&
          (line.kind == ksim::scenarios::TranscriptKind::output ||
           line.kind == ksim::scenarios::TranscriptKind::command)) {
        all += line.text + "\n";
      }
    }
    return all;
  };
  CHECK(outputs(replay) == outputs(session));
  CHECK(outputs(session).find("kill -9 broker 1") != std::string::npos);
}
