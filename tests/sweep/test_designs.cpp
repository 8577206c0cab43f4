// Sweep designs (include/geosim/sweep/design.hpp, engine/sweep/design.cpp):
// a toy design registered from this file alone runs a sweep end to end; the
// sweep identity follows its keys; the registry refuses clashes; a design
// reads only the keys it declares.
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>
#include <string>

#include "geosim/io/results.hpp"
#include "geosim/sweep/design.hpp"
#include "geosim/sweep/sweep.hpp"

namespace fs = std::filesystem;
using namespace geosim;

namespace {

// ------------------------------------------------------------ toy design ---
// "corners": the 2^d corners of the parameter box, pulled inward by `inset`
// (a share of each range). The whole design and its registration:

class Corners final : public SweepDesign {
 public:
  std::string name() const override { return "corners"; }
  std::string doc() const override { return "the corners of the parameter box"; }
  config::Schema keys() const override {
    return config::Schema().add({.path = "inset",
                                 .type = config::ValueType::number,
                                 .default_text = "0",
                                 .range = {0.0, 0.5, false, true},
                                 .doc = "corners pulled inward by this share of each range"});
  }
  void validate(const DesignContext& c) const override {
    if (c.spec.parameters.empty() || c.spec.parameters.size() > 20)
      throw RangeError(c.parameters_where, "parameters", "the corners design needs 1 to 20 parameters");
  }
  std::unique_ptr<DesignPoints> points(const SweepSpec& spec) const override {
    const double inset = spec.design_settings.number("inset");
    auto points = std::make_unique<UnitPoints>(spec.parameters, std::int64_t{1} << spec.parameters.size());
    for (std::int64_t i = 0; i < points->count(); ++i)
      for (std::size_t j = 0; j < points->dimensions(); ++j)
        points->unit(i, j) = (i >> j) & 1 ? 1.0 - inset : inset;
    return points;
  }
};

void register_corners() {
  static const bool once = (register_design(std::make_unique<Corners>()), true);
  (void)once;
}
// ------------------------------------------------------- end of toy design ---

const fs::path kData = GEOSIM_TEST_DATA_DIR;

fs::path work_dir() {
  fs::path dir = fs::temp_directory_path() / ("geosim_design_tests_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

fs::path sweep_file(const std::string& name, const std::string& text) {
  fs::path path = work_dir() / (name + ".yaml");
  std::ofstream(path) << "base: " << (kData / "minimal.yaml").string() << "\n" << text;
  return path;
}

Sweep sweep_of(const std::string& name, const std::string& text) {
  return Sweep(load_sweep_spec(sweep_file(name, text)));
}

const char* kCorners = R"(
parameters:
  powers.CHN.budget.soft: {range: [0.2, 1.0]}
  powers.RUS.budget.economic: {range: [0.5, 2.0], scale: log}
design: corners
replicates: 2
ticks: 3
metrics: [final_alignment]
)";

template <class Fn>
std::string error_of(Fn fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a design registered from a test file runs a sweep end to end") {
  register_corners();
  const std::vector<std::string> names = design_names();
  CHECK(std::vector<std::string>(names.begin(), names.begin() + 4) ==
        std::vector<std::string>{"grid", "random", "lhs", "sobol"});
  CHECK(std::find(names.begin(), names.end(), "corners") != names.end());

  const Sweep s = sweep_of("corners", std::string(kCorners) + "inset: 0.25\n");
  REQUIRE(s.points() == 4);
  REQUIRE(s.runs() == 8);
  CHECK(s.spec().design_settings.number("inset") == 0.25);

  // What the design produced, and that it is what it says: the corners, inset by a quarter.
  const auto points = design("corners").points(s.spec());
  REQUIRE(points->count() == 4);
  std::set<std::pair<double, double>> corners;
  for (std::int64_t i = 0; i < 4; ++i) {
    const double soft = std::stod(points->value(i, 0)), economic = std::stod(points->value(i, 1));
    CHECK((soft == doctest::Approx(0.4) || soft == doctest::Approx(0.8)));
    const double lo = std::log(0.5), hi = std::log(2.0);
    CHECK((economic == doctest::Approx(std::exp(lo + 0.25 * (hi - lo))) ||
           economic == doctest::Approx(std::exp(lo + 0.75 * (hi - lo)))));
    corners.insert({soft, economic});
  }
  CHECK(corners.size() == 4);

  // Run it: every run's parameter values are its point's.
  const fs::path out = work_dir() / "corners.h5";
  fs::remove(out);
  SweepOptions options;
  options.output = out;
  options.jobs = 2;
  const SweepSummary summary = run_sweep(s, options);
  CHECK(summary.ran == 8);
  CHECK(read_string_attribute(out, "design") == "corners");
  const Variable values = read_variable(out, "parameter_value");
  REQUIRE(values.shape == std::vector<std::size_t>{8, 2});
  const Variable units = read_variable(out, "design_unit");  // the coordinates behind the values
  REQUIRE(units.shape == std::vector<std::size_t>{8, 2});
  for (std::int64_t run = 0; run < 8; ++run) {
    const std::int64_t point = run / 2;
    CAPTURE(run);
    CHECK(s.plan(run).point == point);
    for (std::size_t j = 0; j < 2; ++j) {
      CHECK(s.plan(run).values[j] == points->value(point, j));
      CHECK(values.values[static_cast<std::size_t>(run) * 2 + j] == std::stod(points->value(point, j)));
      const double u = units.values[static_cast<std::size_t>(run) * 2 + j];
      CHECK(u == points->unit(point, j));
      CHECK((u == 0.25 || u == 0.75));
    }
  }
  const Variable alignment = read_variable(out, "final_alignment");
  CHECK(alignment.shape.front() == 8);
  fs::remove(out);
}

TEST_CASE("the sweep identity records the design's name and every key it declares") {
  register_corners();
  const Sweep quarter = sweep_of("id_quarter", std::string(kCorners) + "inset: 0.25\n");
  const Sweep tenth = sweep_of("id_tenth", std::string(kCorners) + "inset: 0.1\n");
  // (named alike: a sweep's name, by default its file's, is part of its identity)
  const Sweep implicit = sweep_of("id_implicit", std::string(kCorners) + "name: same\n");
  const Sweep explicit_default = sweep_of("id_zero", std::string(kCorners) + "name: same\ninset: 0.0\n");
  CHECK(quarter.identity_hash() != tenth.identity_hash());
  CHECK(quarter.identity().find("design: corners\n") != std::string::npos);
  CHECK(quarter.identity().find("design.inset: 0.25\n") != std::string::npos);
  // The default is recorded as a value: leaving it out or writing it is the same sweep.
  CHECK(implicit.identity_hash() == explicit_default.identity_hash());
  CHECK(implicit.identity().find("design.inset: 0\n") != std::string::npos);
  // The built-in designs' keys too.
  const char* lhs = R"(
parameters:
  powers.CHN.budget.soft: {range: [0.2, 1.0]}
design: lhs
)";
  const Sweep eight = sweep_of("id_lhs8", std::string(lhs) + "name: same\nsamples: 8\n");
  const Sweep nine = sweep_of("id_lhs9", std::string(lhs) + "name: same\nsamples: 9\n");
  const Sweep eight_e =
      sweep_of("id_lhs8e", std::string(lhs) + "name: same\nsamples: 8e0\n");  // 8e0 is an integer
  CHECK(eight.identity().find("design.samples: 8\n") != std::string::npos);
  CHECK(eight.identity_hash() != nine.identity_hash());
  CHECK(eight.identity_hash() == eight_e.identity_hash());
  const Sweep random =
      sweep_of("id_random8", std::string(lhs).replace(std::string(lhs).find("lhs"), 3, "random") +
                                 "name: same\nsamples: 8\n");
  CHECK(random.identity_hash() != eight.identity_hash());
}

TEST_CASE("design keys: read through their declaration, refused for other designs") {
  register_corners();
  // Range and type from the KeySpec.
  CHECK_THROWS_AS(sweep_of("inset_high", std::string(kCorners) + "inset: 0.5\n"), RangeError);
  CHECK_THROWS_AS(sweep_of("inset_nan", std::string(kCorners) + "inset: .nan\n"), RangeError);
  CHECK_THROWS_AS(sweep_of("inset_text", std::string(kCorners) + "inset: wide\n"), TypeError);
  // Another design's key.
  const std::string samples =
      error_of([] { sweep_of("corners_samples", std::string(kCorners) + "samples: 4\n"); });
  CHECK(samples.find("samples: the corners design (the corners of the parameter box) has no key 'samples'; "
                     "it is a key of the random, lhs, sobol and saltelli designs") != std::string::npos);
  const std::string inset = error_of(
      [] { sweep_of("grid_inset", "parameters:\n  powers.CHN.budget.soft: [0.5, 1.0]\ninset: 0.1\n"); });
  CHECK(inset.find("it is a key of the corners design") != std::string::npos);
  // A typo is an unknown key, with the design keys among the suggestions.
  const std::string typo = error_of([] { sweep_of("inset_typo", std::string(kCorners) + "insett: 0.1\n"); });
  CHECK(typo.find("did you mean 'inset'?") != std::string::npos);
  // The design's own checks.
  CHECK_THROWS_AS(sweep_of("corners_none", "design: corners\n"), RangeError);
  // The sweep-file schema lists the design keys once, with who reads them.
  const config::Schema schema = sweep_file_schema();
  REQUIRE(schema.find("inset") != nullptr);
  REQUIRE(schema.find("samples") != nullptr);
  CHECK(schema.at("samples").doc.find("random, lhs, sobol and saltelli") != std::string::npos);
  CHECK(std::find(schema.at("design").choices.begin(), schema.at("design").choices.end(), "corners") !=
        schema.at("design").choices.end());
}

namespace {

class Named final : public SweepDesign {
 public:
  Named(std::string name, config::Schema keys, std::string reads = "")
      : name_(std::move(name)), keys_(std::move(keys)), reads_(std::move(reads)) {}
  std::string name() const override { return name_; }
  std::string doc() const override { return "a test design"; }
  config::Schema keys() const override { return keys_; }
  std::unique_ptr<DesignPoints> points(const SweepSpec& spec) const override {
    auto points = std::make_unique<UnitPoints>(spec.parameters, 1);
    if (!reads_.empty()) points->unit(0, 0) = spec.design_settings.number(reads_);
    return points;
  }

 private:
  std::string name_;
  config::Schema keys_;
  std::string reads_;
};

}  // namespace

TEST_CASE("the registry refuses taken names, bad names and keys that clash with the sweep file") {
  register_corners();
  CHECK_THROWS_AS(register_design(std::make_unique<Corners>()), std::logic_error);
  CHECK_THROWS_AS(register_design(std::make_unique<Named>("Bad Name", config::Schema())), std::logic_error);
  CHECK_THROWS_AS(register_design(std::make_unique<Named>(
                      "clash", config::Schema().add({.path = "seed", .type = config::ValueType::integer}))),
                  std::logic_error);
  CHECK_THROWS_AS(register_design(std::make_unique<Named>(
                      "nested", config::Schema().add({.path = "a.b", .type = config::ValueType::number}))),
                  std::logic_error);
  CHECK_THROWS_AS(register_design(nullptr), std::logic_error);
  CHECK(find_design("clash") == nullptr);
  CHECK(find_design("no_such_design") == nullptr);
  CHECK_THROWS_AS(design("no_such_design"), std::logic_error);
}

TEST_CASE("a design reads only the keys it declares (so the identity has them all)") {
  static const bool once =
      (register_design(std::make_unique<Named>("sneaky", config::Schema(), "samples")), true);
  (void)once;
  const std::string error = error_of([] {
    sweep_of("sneaky", "parameters:\n  powers.CHN.budget.soft: {range: [0.2, 1.0]}\ndesign: sneaky\n");
  });
  CHECK(error.find("no value for key 'samples'") != std::string::npos);
}

TEST_CASE("DesignSettings and UnitPoints") {
  DesignSettings settings;
  settings.set({"samples", "8", 8.0, {"f.yaml", 3, 1}});
  settings.set({"flag", "true", 1.0, {}});
  settings.set({"samples", "9", 9.0, {"f.yaml", 4, 1}});  // replaces
  CHECK(settings.values().size() == 2);
  CHECK(settings.integer("samples") == 9);
  CHECK(settings.where("samples").line == 4);
  CHECK(settings.boolean("flag"));
  CHECK(settings.text("flag") == "true");
  CHECK(settings.find("other") == nullptr);
  CHECK_THROWS_AS(settings.number("other"), std::logic_error);

  ParameterSpec listed;
  listed.path = "a";
  listed.values = {"x", "y", "z"};
  ParameterSpec ranged;
  ranged.path = "b";
  ranged.lo = 1.0;
  ranged.hi = 3.0;
  UnitPoints points({listed, ranged}, 2);
  CHECK(points.count() == 2);
  CHECK(points.dimensions() == 2);
  points.unit(1, 0) = 0.99;
  points.unit(1, 1) = 0.5;
  CHECK(points.value(0, 0) == "x");
  CHECK(points.value(1, 0) == "z");
  CHECK(points.value(0, 1) == "1");
  CHECK(points.value(1, 1) == "2");
  // design_uniform: in [0, 1), reproducible, depends on every argument.
  const double u = design_uniform(7, 3, 1, 0x100);
  CHECK(u >= 0.0);
  CHECK(u < 1.0);
  CHECK(u == design_uniform(7, 3, 1, 0x100));
  CHECK(u != design_uniform(8, 3, 1, 0x100));
  CHECK(u != design_uniform(7, 4, 1, 0x100));
  CHECK(u != design_uniform(7, 3, 2, 0x100));
  CHECK(u != design_uniform(7, 3, 1, 0x200));
}
