// "Did you mean" (config/node.hpp: nearest). Bounded: an edit distance costs
// the product of the two lengths, so long words are not compared at all, the
// distance is computed only within a band of the largest distance still worth
// reporting, and only the first kMaxSuggestionCandidates candidates are
// examined. A typo'd key among a few dozen schema keys, or a name among a
// few thousand, is always within these bounds.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "geosim/config/node.hpp"

namespace geosim::config {

namespace {

/// The edit distance of a and b if it is at most `limit`, else limit + 1.
/// Only cells within `limit` of the diagonal can lead to a distance <= limit.
std::size_t bounded_levenshtein(std::string_view a, std::string_view b, std::size_t limit) {
  const std::size_t far = limit + 1;
  if ((a.size() > b.size() ? a.size() - b.size() : b.size() - a.size()) > limit) return far;
  std::vector<std::size_t> row(b.size() + 1, far);
  for (std::size_t j = 0; j <= std::min(b.size(), limit); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    const std::size_t lo = i > limit ? i - limit : 1, hi = std::min(b.size(), i + limit);
    std::size_t diagonal = row[lo - 1];
    row[lo - 1] = i <= limit ? i : far;
    std::size_t best = row[lo - 1];
    for (std::size_t j = lo; j <= hi; ++j) {
      const std::size_t up = row[j];
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost, far});
      best = std::min(best, row[j]);
      diagonal = up;
    }
    if (hi < b.size()) row[hi + 1] = far;  // outside the band from here on
    if (best >= far) return far;           // every path already costs too much
  }
  return std::min(row[b.size()], far);
}

}  // namespace

std::string nearest(std::string_view word, const std::vector<std::string>& candidates) {
  if (word.size() > kMaxSuggestionLength) return {};
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  std::string best;
  std::size_t best_distance = limit + 1;
  const std::size_t examined = std::min(candidates.size(), kMaxSuggestionCandidates);
  for (std::size_t k = 0; k < examined && best_distance > 0; ++k) {
    const std::string& c = candidates[k];
    // Strictly closer than the best so far, or it would not replace it.
    const std::size_t d = bounded_levenshtein(word, c, best_distance - 1);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

}  // namespace geosim::config
