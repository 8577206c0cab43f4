// Key paths (config/key_path.hpp).
#include "geosim/config/key_path.hpp"

#include <algorithm>

namespace geosim::config {

std::vector<PathStep> split_key_path(std::string_view dotted_path, const SourceLocation& origin) {
  const std::string whole(dotted_path);
  auto refuse = [&](const std::string& why) {
    throw UsageError(origin, whole,
                     why + " in the key path (expected a.b.c, with list items as a[0] or a[name])");
  };
  std::vector<PathStep> steps;
  std::size_t i = 0;
  while (true) {
    const std::size_t end = dotted_path.find_first_of(".[]", i);
    const std::string_view key = dotted_path.substr(i, end == std::string_view::npos ? end : end - i);
    if (key.empty())
      refuse(end != std::string_view::npos && dotted_path[end] != '.' ? "a selector without a key"
                                                                      : "an empty component");
    steps.push_back({PathStep::Kind::key, std::string(key), 0});
    i = end;
    while (i != std::string_view::npos && dotted_path[i] == '[') {
      const std::size_t close = dotted_path.find_first_of(".[]", i + 1);
      if (close == std::string_view::npos || dotted_path[close] != ']') refuse("an unclosed [");
      const std::string_view sel = dotted_path.substr(i + 1, close - i - 1);
      if (sel.empty()) refuse("an empty []");
      PathStep step{PathStep::Kind::name, std::string(sel), 0};
      if (std::all_of(sel.begin(), sel.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        step.kind = PathStep::Kind::index;
        if (sel.size() > 9) refuse("an index too large");
        step.index = static_cast<std::size_t>(std::stoul(step.text));
      }
      steps.push_back(std::move(step));
      i = close + 1 < dotted_path.size() ? close + 1 : std::string_view::npos;
    }
    if (i == std::string_view::npos) break;
    if (dotted_path[i] != '.') refuse(dotted_path[i] == ']' ? "a ']' without '['" : "text right after ']'");
    ++i;
  }
  return steps;
}

std::string join_key_path(const std::vector<PathStep>& steps) {
  std::string out;
  for (const PathStep& step : steps) {
    if (step.kind == PathStep::Kind::key) {
      if (!out.empty()) out += '.';
      out += step.text;
    } else {
      out += "[" + step.text + "]";
    }
  }
  return out;
}

}  // namespace geosim::config
