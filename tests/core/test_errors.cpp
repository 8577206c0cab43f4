// Error messages: file:line:col: key: detail.
#include <doctest/doctest.h>

#include "geosim/core/errors.hpp"

using namespace geosim;

TEST_CASE("errors: SourceLocation prints file:line:col, file:line or file") {
  CHECK(SourceLocation{"a.yaml", 12, 5}.str() == "a.yaml:12:5");
  CHECK(SourceLocation{"a.yaml", 12, 0}.str() == "a.yaml:12");
  CHECK(SourceLocation{"a.yaml", 0, 0}.str() == "a.yaml");
  CHECK(SourceLocation{"--set", 0, 0}.str() == "--set");
}

TEST_CASE("errors: InputError::what() is one line FILE:LINE:COL: KEY: DETAIL") {
  const RangeError e({"scenarios/x.yaml", 12, 5}, "powers.CHN.budget.soft", "expected a number >= 0, got -1");
  CHECK(std::string(e.what()) ==
        "scenarios/x.yaml:12:5: powers.CHN.budget.soft: expected a number >= 0, got -1");
  CHECK(e.where().line == 12);
  CHECK(e.key() == "powers.CHN.budget.soft");
  CHECK(e.detail() == "expected a number >= 0, got -1");
  const FileError f({"x.yaml", 0, 0}, "", "no such file");
  CHECK(std::string(f.what()) == "x.yaml: no such file");
  const SyntaxError s({"x.yaml", 3, 1}, "", "two\nlines");
  CHECK(std::string(s.what()) == "x.yaml:3:1: two lines");
  const InputError& base = e;  // every input error is caught as InputError
  CHECK(base.key() == "powers.CHN.budget.soft");
}
