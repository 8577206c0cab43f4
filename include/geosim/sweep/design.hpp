#pragma once
// Sweep designs: how a sweep turns its parameters into points. Each design
// (grid, random, lhs, sobol: engine/sweep/designs/) is a SweepDesign in a
// registry keyed by its name, the value of `design:` in a sweep file. A
// design declares the sweep-file keys it reads (as config::KeySpecs, e.g.
// `samples`); the loader reads them through those declarations (type, range,
// default) and the sweep's identity (what --resume compares) records the
// design's name and the value of every key it declares, so a new design
// cannot forget to extend it. A design can only read declared keys
// (DesignSettings throws std::logic_error otherwise).
//
// Adding a design: a file defining a SweepDesign, plus one line in the
// built-in list (engine/sweep/design.cpp), or register_design() at run time
// (tests register toy designs from the test file alone).
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "geosim/config/schema.hpp"
#include "geosim/core/errors.hpp"

namespace geosim {

struct SweepSpec;

/// One varied parameter: a dotted scenario path and its values.
struct ParameterSpec {
  std::string path;             // as for --set, e.g. powers.CHN.budget.soft
  SourceLocation where;         // its key in the sweep file
  SourceLocation values_where;  // its values/range in the sweep file
  /// Further paths that take the same value at every point (`also:`): one
  /// parameter for a value a scenario repeats, such as the same elasticity
  /// in every target. The design and the results know only `path`.
  struct Tied {
    std::string path;
    SourceLocation where;
  };
  std::vector<Tied> also;

  std::vector<std::string> values;  // enumerated values (YAML scalar text); empty for a range
  double lo = 0.0, hi = 0.0;        // a range [lo, hi]
  bool log = false;                 // log-uniform in [lo, hi] (lo > 0)
  double step = 0.0;                // > 0: only lo, lo + step, ... <= hi
  bool integer = false;             // lo and step are integers: values are integers
  int levels = 0;                   // grid levels of a continuous range (endpoints included)
  /// How sampling designs draw a continuous range from a design coordinate u:
  /// uniform (log-uniform with `log`), normal truncated to [lo, hi], or
  /// triangular on [lo, hi]; the inverse CDF at u. Grids use levels instead.
  enum class Distribution { uniform, normal, triangular };
  Distribution distribution = Distribution::uniform;
  double mean = 0.0, sd = 0.0;  // normal: before truncation to [lo, hi]
  double mode = 0.0;            // triangular
  std::vector<double> weights;  // enumerated values: relative probabilities (empty: equal)

  bool is_range() const { return values.empty(); }
  /// Number of distinct values (enumerated or stepped), or `levels`; 0 if continuous.
  std::int64_t count() const;
  /// The value as --set text at level `index` of count() (grid design).
  std::string at_level(std::int64_t index) const;
  /// The value as --set text at design coordinate u in [0, 1] (sampling designs):
  /// the distribution's inverse CDF at u; for listed or stepped values, the
  /// one whose share of [0, 1) (by weight, else equal) holds u.
  std::string at_unit(double u) const;
  /// The distribution in words, for results files: "uniform on [0.5, 2]",
  /// "log-uniform on [0.02, 0.5]", "normal (mean 0.2, sd 0.1) truncated to [0, 1]",
  /// "triangular on [0, 1], mode 0.3", "steps of 0.5 on [0, 2]", "one of a, b (weights 1, 3)".
  std::string describe() const;
  /// The --set overrides that give the parameter `value`: its path and each tied path.
  std::vector<std::string> overrides(const std::string& value) const;
};

/// The values of a design's keys as read from a sweep file (or their
/// declared defaults), in the design's declaration order.
class DesignSettings {
 public:
  struct Value {
    std::string key;
    std::string text;      // canonical text (what the identity records)
    double number = 0.0;   // number, integer and boolean keys (1 for true)
    SourceLocation where;  // the key in the sweep file ({} if defaulted)
  };
  void set(Value value);
  const std::vector<Value>& values() const { return values_; }
  /// nullptr if the design declares no such key.
  const Value* find(std::string_view key) const;
  // Typed access; std::logic_error if the design did not declare `key`.
  double number(std::string_view key) const;
  std::int64_t integer(std::string_view key) const;
  bool boolean(std::string_view key) const;
  const std::string& text(std::string_view key) const;
  const SourceLocation& where(std::string_view key) const;

 private:
  const Value& at(std::string_view key) const;
  std::vector<Value> values_;
};

/// A design's points: how many, and each parameter's value at each point.
class DesignPoints {
 public:
  virtual ~DesignPoints() = default;
  virtual std::int64_t count() const = 0;
  /// Parameter `parameter`'s value at `point` as --set text.
  virtual std::string value(std::int64_t point, std::size_t parameter) const = 0;
  /// The design coordinate in [0, 1] the value comes from (ParameterSpec::at_unit;
  /// a grid's level i of n is i / (n - 1)): what sensitivity estimators read.
  virtual double unit(std::int64_t point, std::size_t parameter) const = 0;
};

/// Points given as design coordinates u in [0, 1], one row of
/// parameters.size() per point; a value is ParameterSpec::at_unit(u).
class UnitPoints final : public DesignPoints {
 public:
  UnitPoints(std::vector<ParameterSpec> parameters, std::int64_t count);
  ~UnitPoints() override;
  std::int64_t count() const override { return count_; }
  std::string value(std::int64_t point, std::size_t parameter) const override;
  double unit(std::int64_t point, std::size_t parameter) const override {
    return units_[static_cast<std::size_t>(point) * dims_ + parameter];
  }
  double& unit(std::int64_t point, std::size_t parameter) {
    return units_[static_cast<std::size_t>(point) * dims_ + parameter];
  }
  std::size_t dimensions() const { return dims_; }

 private:
  std::vector<ParameterSpec> parameters_;
  std::int64_t count_ = 0;
  std::size_t dims_ = 0;
  std::vector<double> units_;
};

/// Where a design's checks report: the sweep file's places.
struct DesignContext {
  const SweepSpec& spec;
  SourceLocation design_where;      // the `design:` value (or the file's top level)
  SourceLocation parameters_where;  // the `parameters:` mapping (or the file's top level)
};

class SweepDesign {
 public:
  virtual ~SweepDesign() = default;
  /// The value of `design:` that selects it ([a-z0-9_]+).
  virtual std::string name() const = 0;
  /// One line for docs and messages, e.g. "one point per combination of levels".
  virtual std::string doc() const = 0;
  /// The top-level sweep-file keys it reads (paths without a prefix, e.g. `samples`).
  virtual config::Schema keys() const { return {}; }
  /// Fills in what the design itself implies, before validate(): the table
  /// design reads its parameters from its file's columns. Nothing by default.
  virtual void complete(SweepSpec& spec) const { (void)spec; }
  /// Checks specific to the design (InputError subclasses at file:line:col).
  virtual void validate(const DesignContext& context) const { (void)context; }
  /// What else the points depend on, for the sweep's identity (what --resume
  /// compares): the table design's file checksum. "" by default (the keys'
  /// values, recorded anyway, determine the points).
  virtual std::string identity(const SweepSpec& spec) const {
    (void)spec;
    return "";
  }
  /// Whether the points for a larger `samples` begin with the points for a
  /// smaller one, so a finished sweep can be extended (geosim sweep --extend).
  virtual bool extends_by_samples() const { return false; }
  /// The points of a validated spec (its parameters, seed and design settings).
  virtual std::unique_ptr<DesignPoints> points(const SweepSpec& spec) const = 0;
  /// Bytes points() will hold and use for `spec` (a validated spec), so that a
  /// design too large for the machine is refused before it is made. 0 by
  /// default: points computed on demand (grid).
  virtual std::int64_t points_bytes(const SweepSpec& spec) const {
    (void)spec;
    return 0;
  }
};

/// Adds a design to the registry; std::logic_error if the name is taken or
/// one of its keys clashes with a sweep-file key. Register before loading.
void register_design(std::unique_ptr<SweepDesign> design);
/// The design called `name`, or nullptr.
const SweepDesign* find_design(std::string_view name);
/// The design called `name`; std::logic_error if there is none.
const SweepDesign& design(std::string_view name);
/// Every registered design's name: the built-in ones first, then in registration order.
std::vector<std::string> design_names();

/// A uniform double in [0, 1) for design point `index`, parameter `j` and a
/// design's own `salt`, from the sweep seed (Philox; the same on every platform).
double design_uniform(std::uint64_t sweep_seed, std::uint64_t index, std::uint32_t j, std::uint32_t salt);

}  // namespace geosim
