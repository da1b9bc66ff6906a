#include "sim/network/split.h"

#include <string>

#include "sim/network/errors.h"

namespace ksim::sim::network {

namespace {

struct Token {
  std::string_view text;
  std::size_t column;  // 1-based
};

bool is_space(char c) { return c == ' ' || c == '\t'; }

// `piece` starts at 0-based offset `offset` of the whole text; trims it.
Token trim(std::string_view piece, std::size_t offset) {
  std::size_t b = 0;
  while (b < piece.size() && is_space(piece[b])) ++b;
  std::size_t e = piece.size();
  while (e > b && is_space(piece[e - 1])) --e;
  if (b == e) return Token{{}, offset + 1};  // an empty piece: point at where it starts
  return Token{piece.substr(b, e - b), offset + b + 1};
}

std::vector<std::pair<std::string_view, std::size_t>> split_on(std::string_view text,
                                                               std::size_t offset, char sep) {
  std::vector<std::pair<std::string_view, std::size_t>> pieces;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == sep) {
      pieces.emplace_back(text.substr(start, i - start), offset + start);
      start = i + 1;
    }
  }
  return pieces;
}

}  // namespace

std::vector<std::vector<NodeId>> parse_split(std::string_view text, const Topology& topology) {
  const auto fail = [&](const std::string& what, std::size_t column) -> NetworkError {
    return NetworkError(what + " at column " + std::to_string(column) + " in split '" +
                        std::string(text) + "'");
  };

  std::vector<std::vector<NodeId>> sides;
  std::vector<std::string_view> named_as(topology.size());
  std::size_t star_side = 0;
  bool has_star = false;

  for (const auto& [side_text, side_offset] : split_on(text, 0, '|')) {
    const Token side = trim(side_text, side_offset);
    if (side.text.empty()) {
      throw fail("empty side " + std::to_string(sides.size() + 1), side.column);
    }
    std::vector<NodeId> nodes;
    for (const auto& [name_text, name_offset] : split_on(side_text, side_offset, ',')) {
      const Token name = trim(name_text, name_offset);
      if (name.text.empty()) throw fail("missing node name", name.column);
      if (name.text == "*") {
        if (has_star) throw fail("'*' on two sides", name.column);
        has_star = true;
        star_side = sides.size();
        continue;
      }
      const auto node = topology.find(name.text);
      if (!node) throw fail("unknown node '" + std::string(name.text) + "'", name.column);
      auto& previous = named_as[static_cast<std::size_t>(node->value)];
      if (!previous.empty()) {
        throw fail("node '" + std::string(name.text) + "' named twice (first as '" +
                       std::string(previous) + "')",
                   name.column);
      }
      previous = name.text;
      nodes.push_back(*node);
    }
    sides.push_back(std::move(nodes));
  }
  if (sides.size() < 2) {
    throw NetworkError("a split needs at least two sides separated by '|' in split '" +
                       std::string(text) + "'");
  }
  if (has_star) {
    for (NodeId n : topology.nodes()) {
      if (named_as[static_cast<std::size_t>(n.value)].empty()) sides[star_side].push_back(n);
    }
  }
  return sides;
}

}  // namespace ksim::sim::network
