#include "scenarios/script_lexer.h"

#include "scenarios/script.h"

namespace ksim::scenarios {

namespace {

bool lexer_is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

std::int32_t lexer_column(std::size_t index) { return static_cast<std::int32_t>(index) + 1; }

}  // namespace

LexedScriptLine lex_script_line(std::string_view text, const std::string& file, std::int32_t line) {
  // Trailing blanks (a '\r' of a CRLF file among them) are not part of the line.
  std::size_t end = text.size();
  while (end > 0 && lexer_is_blank(text[end - 1])) --end;

  LexedScriptLine lexed;
  std::size_t i = 0;
  while (i < end) {
    if (lexer_is_blank(text[i])) {
      ++i;
      continue;
    }
    if (text[i] == '#') break;
    if (text[i] == '\\' && i + 1 == end) {
      lexed.continues = true;
      break;
    }
    if (text[i] == '&' || text[i] == '|') {
      ScriptWord op;
      op.text = std::string(1, text[i]);
      op.line = line;
      op.column = lexer_column(i);
      op.length = 1;
      op.is_operator = true;
      lexed.words.push_back(std::move(op));
      ++i;
      continue;
    }

    ScriptWord word;
    word.line = line;
    word.column = lexer_column(i);
    const std::size_t start = i;
    while (i < end && !lexer_is_blank(text[i]) && text[i] != '#' && text[i] != '&' &&
           text[i] != '|') {
      const char c = text[i];
      if (c == '\'') {
        const std::size_t close = text.find('\'', i + 1);
        if (close == std::string_view::npos || close >= end) {
          throw ScriptError({file, line, lexer_column(i)},
                            "unterminated quote: this ' is never closed on its line",
                            std::string(text.substr(0, end)), 1);
        }
        word.text.append(text.substr(i + 1, close - i - 1));
        word.quoted = true;
        i = close + 1;
      } else if (c == '"') {
        const std::size_t open = i;
        ++i;
        bool closed = false;
        while (i < end) {
          if (text[i] == '"') {
            closed = true;
            ++i;
            break;
          }
          if (text[i] == '\\' && i + 1 < end &&
              (text[i + 1] == '"' || text[i + 1] == '\\' || text[i + 1] == '$' ||
               text[i + 1] == '`')) {
            word.text += text[i + 1];
            i += 2;
            continue;
          }
          word.text += text[i];
          ++i;
        }
        if (!closed) {
          throw ScriptError({file, line, lexer_column(open)},
                            "unterminated quote: this \" is never closed on its line",
                            std::string(text.substr(0, end)), 1);
        }
        word.quoted = true;
      } else if (c == '\\') {
        if (i + 1 == end) break;  // the continuation, after this word
        word.text += text[i + 1];
        word.quoted = true;
        i += 2;
      } else {
        word.text += c;
        ++i;
      }
    }
    word.length = static_cast<std::int32_t>(i - start);
    word.is_operator = !word.quoted && word.text == ">";
    lexed.words.push_back(std::move(word));
  }
  return lexed;
}

}  // namespace ksim::scenarios
