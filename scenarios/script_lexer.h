// The scenario language's words: one line split as a shell splits it (scenarios/README.md's
// lexical rules), each word with the line and column it starts at, so that errors can put a
// caret under it.
//
//   'single quotes'       everything literal up to the next '
//   "double quotes"       \" \\ \$ \` are escapes; any other backslash stays as written
//   \x outside quotes     the character x
//   #                     outside quotes, the rest of the line is a comment
//   & |                   unquoted, a word of their own even when written against another
//                         ("5&" is "5" then "&")
//   \ at the end          the command goes on on the next line
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ksim::scenarios {

struct ScriptWord {
  std::string text;          // quotes removed, escapes applied
  std::int32_t line = 0;     // 1-based
  std::int32_t column = 0;   // 1-based byte column of its first character (a quote included)
  std::int32_t length = 0;   // bytes it spans in the line, quotes included
  bool quoted = false;       // written with quotes or escapes: never a keyword or an operator
  bool is_operator = false;  // an unquoted "&", "|" or ">", standing alone

  // Unquoted and equal to `keyword`.
  bool is(std::string_view keyword) const { return !quoted && text == keyword; }
};

struct LexedScriptLine {
  std::vector<ScriptWord> words;
  bool continues = false;  // ended in an unquoted '\': the next line is part of the command
};

// Splits one physical line (`line` is its 1-based number, `file` names it in errors). Throws
// ScriptError for a quote left open at the end of the line.
LexedScriptLine lex_script_line(std::string_view text, const std::string& file, std::int32_t line);

}  // namespace ksim::scenarios
