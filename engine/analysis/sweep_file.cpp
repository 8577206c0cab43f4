// Reading a sweep's results file for the analyses (analysis/detail/sweep_file.hpp).
#include "analysis/detail/sweep_file.hpp"

#include <algorithm>
#include <sstream>
#include <system_error>

#include "geosim/config/reader.hpp"
#include "geosim/core/errors.hpp"
#include "geosim/sweep/sweep.hpp"

namespace geosim::analysis::detail {

namespace fs = std::filesystem;

std::string attribute_or_empty(const fs::path& path, const std::string& name) {
  try {
    return read_string_attribute(path, name);
  } catch (const std::exception&) {
    return "";
  }
}

std::string attribute_or_empty_of(const fs::path& path, const std::string& name, const std::string& object) {
  try {
    return read_string_attribute(path, name, object);
  } catch (const std::exception&) {
    return "";
  }
}

void require_sweep_file(const fs::path& path) {
  const SourceLocation where{path.string(), 0, 0};
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    throw FileError(where, "", fs::exists(path, ec) ? "is not a regular file" : "no such file");
  if (attribute_or_empty(path, "geosim_results_format").rfind("sweep-", 0) != 0)
    throw FileError(where, "",
                    "is not the results file of a geosim sweep (no sweep results format attribute)");
}

std::vector<std::string> element_labels(const fs::path& path, const Variable& v) {
  std::vector<std::string> out{""};
  for (std::size_t axis = 1; axis < v.dims.size(); ++axis) {
    std::vector<std::string> labels;
    try {
      labels = read_labels(path, v.dims[axis]);
    } catch (const std::exception&) {
      labels.clear();
    }
    if (labels.size() != v.shape[axis]) {
      labels.clear();
      for (std::size_t i = 0; i < v.shape[axis]; ++i) labels.push_back(std::to_string(i));
    }
    std::vector<std::string> next;
    for (const std::string& prefix : out)
      for (const std::string& l : labels)
        next.push_back(prefix + (prefix.empty() ? "" : ", ") + v.dims[axis] + "=" + l);
    out = std::move(next);
  }
  return out;
}

std::vector<std::string> metrics_to_read(const fs::path& path, const std::vector<std::string>& requested) {
  std::vector<std::string> known;
  std::istringstream in(attribute_or_empty(path, "metrics"));
  for (std::string name; in >> name;) known.push_back(name);
  if (known.empty()) known = metric_names();
  const std::vector<std::string> builtin = metric_names();
  for (const std::string& m : requested) {
    if (std::find(known.begin(), known.end(), m) != known.end() && has_variable(path, m)) continue;
    if (std::find(builtin.begin(), builtin.end(), m) != builtin.end())
      throw UsageError({"--metric", 0, 0}, m, "the sweep did not keep metric '" + m + "' (see its metrics:)");
    throw UsageError({"--metric", 0, 0}, m,
                     "unknown metric '" + m + "'" + config::did_you_mean(m, known) +
                         "; the file's metrics are " + config::list_names(known));
  }
  return requested.empty() ? known : requested;
}

}  // namespace geosim::analysis::detail
