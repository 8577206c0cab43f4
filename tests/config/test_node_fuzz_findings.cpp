// Inputs the loader fuzzers (fuzz/) found, each refused with an InputError
// that says what is wrong. A finding's input also seeds the fuzz corpus.
#include <doctest/doctest.h>

#include <string>

#include "geosim/config/node.hpp"
#include "geosim/core/errors.hpp"

using namespace geosim;

namespace {

/// The message parse_text refuses `text` with (empty if it accepts it).
std::string refusal(const std::string& text) {
  try {
    config::parse_text(text, "f.yaml");
  } catch (const SyntaxError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("config: a ',' outside brackets at the start of a document is a syntax error, not a loop") {
  // yaml-cpp 0.7 emitted null nodes at the ',' forever; a million of them
  // later the loader called the 3-byte file an alias bomb (fuzz_sweep).
  for (const std::string text : {",:\xe1", ",", ",: x\n", "# note\n,x\n", "a: 1\n---\n,\n"}) {
    CAPTURE(text);
    const std::string message = refusal(text);
    CHECK(message.find("a ',' separates items only inside a [...] list or a {...} mapping") !=
          std::string::npos);
    CHECK(message.find("alias bomb") == std::string::npos);
  }
  CHECK(refusal(",:\xe1").find("f.yaml:1:1") != std::string::npos);
  CHECK(refusal("# note\n,x\n").find("f.yaml:2:1") != std::string::npos);
}
