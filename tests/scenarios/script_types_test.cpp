// script.h's printing: source locations, ScriptError's message with the line and a caret, and
// the targets' names.
#include <catch2/catch.hpp>

#include "scenarios/script.h"

using namespace ksim::scenarios;

TEST_CASE("a source location prints file:line:col, dropping what is zero") {
  CHECK(SourceLocation{"quickstart.ksim", 12, 22}.to_string() == "quickstart.ksim:12:22");
  CHECK(SourceLocation{"quickstart.ksim", 23, 0}.to_string() == "quickstart.ksim:23");
  CHECK(SourceLocation{"missing.ksim", 0, 0}.to_string() == "missing.ksim");
}

TEST_CASE("a script error shows the line and a caret with tildes under the word") {
  const ScriptError error({"t.ksim", 3, 6}, "unknown thing 'abcd'", "say  abcd here", 4);
  CHECK(error.message() == "unknown thing 'abcd'");
  CHECK(error.location().to_string() == "t.ksim:3:6");
  CHECK(std::string(error.what()) ==
        "t.ksim:3:6: error: unknown thing 'abcd'\n"
        "    say  abcd here\n"
        "         ^~~~");
}

TEST_CASE("a script error's caret keeps the line's tabs and counts a UTF-8 character once") {
  const ScriptError tabs({"t.ksim", 1, 3}, "m", "\t\tx", 1);
  CHECK(std::string(tabs.what()) == "t.ksim:1:3: error: m\n    \t\tx\n    \t\t^");
  // "é" is two bytes: the word after it starts at byte column 5 but is the fourth character.
  const ScriptError utf8({"t.ksim", 1, 5}, "m", "\"é\" x", 1);
  CHECK(std::string(utf8.what()) == "t.ksim:1:5: error: m\n    \"é\" x\n       ^");
}

TEST_CASE("a script error without a line or a column prints only what it has") {
  CHECK(std::string(ScriptError({"f.ksim", 0, 0}, "cannot open").what()) ==
        "f.ksim: error: cannot open");
  CHECK(std::string(ScriptError({"f.ksim", 4, 0}, "bad line", "whole line").what()) ==
        "f.ksim:4: error: bad line\n    whole line");
}

TEST_CASE("targets print as scripts write them") {
  BrokerTarget broker;
  broker.broker_id = 1;
  CHECK(broker.to_string() == "broker 1");
  BrokerTarget leader;
  leader.kind = BrokerTarget::Kind::leader_of;
  leader.partition = {"my-topic", 0};
  CHECK(leader.to_string() == "leader my-topic-0");
  BrokerTarget controller;
  controller.kind = BrokerTarget::Kind::controller;
  CHECK(controller.to_string() == "controller");

  NodeTarget node;
  node.broker = leader;
  CHECK(node.to_string() == "leader my-topic-0");
  node.kind = NodeTarget::Kind::zookeeper;
  CHECK(node.to_string() == "zookeeper");
  node.kind = NodeTarget::Kind::client;
  node.client = "c1";
  CHECK(node.to_string() == "client c1");
  node.kind = NodeTarget::Kind::all_brokers;
  CHECK(node.to_string() == "brokers");
  node.kind = NodeTarget::Kind::all_clients;
  CHECK(node.to_string() == "clients");
}
