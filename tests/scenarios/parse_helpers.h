// Helpers for the scenario parser's tests: parse a script and take its one step or its error.
#pragma once

#include <catch2/catch.hpp>
#include <string>
#include <string_view>

#include "scenarios/parser.h"

namespace ksim::scenarios::testing {

// The error a script fails with (the test fails if it parses).
inline ScriptError script_error(std::string_view text, std::string file_name = "t.ksim") {
  try {
    parse_script(text, std::move(file_name));
  } catch (const ScriptError& error) {
    return error;
  }
  FAIL("the script parsed without an error:\n" << text);
  throw std::logic_error("unreachable");
}

// The steps of a script.
inline std::vector<Step> script_steps(std::string_view text) {
  return parse_script(text, "t.ksim").steps;
}

// The command of a one-step script.
template <typename T>
T only_command(std::string_view text) {
  const std::vector<Step> steps = script_steps(text);
  REQUIRE(steps.size() == 1);
  const T* command = std::get_if<T>(&steps[0].command);
  REQUIRE(command != nullptr);
  return *command;
}

// The tool of a one-step script made of one tool command.
template <typename T>
T only_tool(std::string_view text) {
  const ToolCommand command = only_command<ToolCommand>(text);
  const T* tool = std::get_if<T>(&command.tool);
  REQUIRE(tool != nullptr);
  return *tool;
}

// The condition of `expect CONDITION`.
inline Condition expect_condition(std::string_view condition) {
  return only_command<Expect>("expect " + std::string(condition)).condition;
}

}  // namespace ksim::scenarios::testing
