#pragma once
// Reading a sweep's results file for the analyses (sensitivity, comparison):
// what identifies it, its kept metrics, and the labels of a metric's elements.
#include <filesystem>
#include <string>
#include <vector>

#include "geosim/io/results.hpp"

namespace geosim::analysis::detail {

/// A global attribute's text, or "" if the file lacks it.
std::string attribute_or_empty(const std::filesystem::path& path, const std::string& name);

/// A text attribute of variable `object`, or "" if it lacks it.
std::string attribute_or_empty_of(const std::filesystem::path& path, const std::string& name,
                                  const std::string& object);

/// Throws FileError unless `path` is a regular file holding a sweep's results.
void require_sweep_file(const std::filesystem::path& path);

/// The labels of every element of a variable's dimensions after `run`, in
/// row-major order: "power=RUS, target=KAZ" ("" for a variable over run alone).
std::vector<std::string> element_labels(const std::filesystem::path& path, const Variable& v);

/// The metrics the file kept (its `metrics` attribute; the built-in names
/// for files written before it), or `requested` after checking each one is
/// there (UsageError naming the file's metrics otherwise).
std::vector<std::string> metrics_to_read(const std::filesystem::path& path,
                                         const std::vector<std::string>& requested);

}  // namespace geosim::analysis::detail
