// "Did you mean ...?": the known name closest to a misspelt one, by edit distance (Damerau's
// variant: swapping two neighbouring characters counts as one edit, as typos do).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ksim::scenarios {

// Insertions, deletions, substitutions and swaps of neighbours that turn `a` into `b`.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` if it is close enough to be what was meant: at most a third
// of the longer name's length away (at least one edit), and fewer edits than `word` has
// characters. Ties go to the earlier candidate.
std::optional<std::string> closest_name(std::string_view word,
                                        const std::vector<std::string>& candidates);

// " (did you mean 'X'?)" for the closest candidate, or "" when none is close.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace ksim::scenarios
