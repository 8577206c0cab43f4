// extends chains and --set overrides as tree operations (no scenario schema involved).
#include "geosim/config/layers.hpp"

#include <doctest/doctest.h>

#include "support/temp_files.hpp"
#include "support/thrown.hpp"

using namespace geosim;
using namespace geosim::config;
using geosim::testing::temp_dir;
using geosim::testing::thrown;
using geosim::testing::write_temp;

namespace {
bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}
}  // namespace

TEST_CASE("layers: a file merges over its extends chain, mappings key by key, lists replaced") {
  write_temp("layers", "grand.yaml", "a: 1\nm: {x: 1, y: 2}\nl: [1, 2]\n");
  write_temp("layers", "base.yaml", "extends: grand.yaml\nm: {y: 3}\nb: base\n");
  const auto child = write_temp("layers", "child.yaml", "extends: base.yaml\nl: [9]\nm: {z: 4}\n");
  std::string text;
  const Node tree = read_with_extends(child, &text);
  CHECK(text == "extends: base.yaml\nl: [9]\nm: {z: 4}\n");
  CHECK(tree.find("extends") == nullptr);
  CHECK(tree.find("a")->scalar == "1");
  CHECK(tree.find("b")->scalar == "base");
  const Node* m = tree.find("m");
  REQUIRE(m);
  CHECK(m->find("x")->scalar == "1");
  CHECK(m->find("y")->scalar == "3");
  CHECK(m->find("z")->scalar == "4");
  REQUIRE(tree.find("l")->items.size() == 1);
  CHECK(tree.find("l")->items[0].scalar == "9");
}

TEST_CASE("layers: a cycle and a missing base are refused at the extends key") {
  write_temp("layers", "cyc_a.yaml", "extends: cyc_b.yaml\n");
  const auto b = write_temp("layers", "cyc_b.yaml", "x: 1\nextends: cyc_a.yaml\n");
  try {
    read_with_extends(b);
    FAIL("a cycle must be refused");
  } catch (const ReferenceError& e) {
    CHECK(e.key() == "extends");
    CHECK(std::string(e.what()).find("extends cycle: cyc_b.yaml -> cyc_a.yaml -> cyc_b.yaml") !=
          std::string::npos);
  }
  const auto orphan = write_temp("layers", "orphan.yaml", "x: 1\nextends: nowhere.yaml\n");
  try {
    read_with_extends(orphan);
    FAIL("a missing base must be refused");
  } catch (const FileError& e) {
    CHECK(e.where().line == 2);
    CHECK(e.key() == "extends");
  }
}

TEST_CASE("layers: overrides apply in order, one without '=' is a usage error at --set") {
  Node tree = parse_text("a: {b: 1}\n", "t.yaml");
  apply_overrides(tree, {"a.b=2", "a.c=x", "a.b=3"});
  CHECK(tree.find("a")->find("b")->scalar == "3");
  CHECK(tree.find("a")->find("c")->scalar == "x");
  try {
    apply_overrides(tree, {"a.b"});
    FAIL("no '=' must be refused");
  } catch (const UsageError& e) {
    CHECK(e.where().file == "--set");
    CHECK(std::string(e.what()).find("expected PATH=VALUE") != std::string::npos);
  }
  CHECK_THROWS_AS(apply_overrides(tree, {"=1"}), UsageError);
}

TEST_CASE("layers: an extends chain is at most kMaxExtendsDepth files deep, read without recursion") {
  // chain_0 extends chain_1 ... extends chain_{n-1}, which extends nothing.
  auto chain = [](const std::string& tag, int n) {
    for (int i = 0; i < n; ++i) {
      std::string text =
          "v" + std::to_string(i) + ": " + std::to_string(i) + "\nlast: " + std::to_string(i) + "\n";
      if (i + 1 < n) text = "extends: " + tag + "_" + std::to_string(i + 1) + ".yaml\n" + text;
      write_temp("layers", tag + "_" + std::to_string(i) + ".yaml", text);
    }
    return temp_dir("layers") / (tag + "_0.yaml");
  };
  SUBCASE("exactly the cap: read, merged top over bases, every file listed") {
    std::vector<std::filesystem::path> files;
    const Node tree = read_with_extends(chain("deep", kMaxExtendsDepth), nullptr, &files);
    CHECK(files.size() == static_cast<std::size_t>(kMaxExtendsDepth));
    CHECK(files.front() == std::filesystem::canonical(temp_dir("layers") / "deep_0.yaml"));
    CHECK(tree.find("last")->scalar == "0");  // the top file wins
    CHECK(tree.find("v" + std::to_string(kMaxExtendsDepth - 1)) != nullptr);
  }
  SUBCASE("one more: refused at the extends key of the last file allowed") {
    try {
      read_with_extends(chain("deeper", kMaxExtendsDepth + 1));
      FAIL("a chain deeper than the cap must be refused");
    } catch (const RangeError& e) {
      CHECK(e.key() == "extends");
      CHECK(e.where().file.find("deeper_" + std::to_string(kMaxExtendsDepth - 1) + ".yaml") !=
            std::string::npos);
      CHECK(std::string(e.what()).find("at most 64 files deep") != std::string::npos);
    }
  }
  SUBCASE("thousands deep (a stack overflow before): refused after reading the first 64") {
    CHECK_THROWS_AS(read_with_extends(chain("huge", 3000)), RangeError);
  }
}

TEST_CASE("layers: set_path replaces a scalar and creates missing mappings") {
  Node root = parse_text("powers:\n  CHN:\n    budget: {soft: 1}\n", "f.yaml");
  const SourceLocation origin{"--set", 0, 0};
  set_path(root, "powers.CHN.budget.soft", "2.5", origin);
  set_path(root, "powers.RUS.growth", "0.01", origin);
  const Node* soft = root.find("powers")->find("CHN")->find("budget")->find("soft");
  CHECK(soft->scalar == "2.5");
  CHECK(soft->where.str() == "--set");
  CHECK(root.find("powers")->find("RUS")->find("growth")->scalar == "0.01");
}

TEST_CASE("layers: set_path through a scalar is a UsageError") {
  Node root = parse_text("name: x\n", "f.yaml");
  const std::string what = thrown<UsageError>([&] {
    set_path(root, "name.first", "1", SourceLocation{"--set", 0, 0});
  });
  CHECK(contains(what, "--set: name.first: "));
  thrown<UsageError>([&] { set_path(root, "a..b", "1", SourceLocation{"--set", 0, 0}); });
}

TEST_CASE("layers: set_path checks the value and the path as UTF-8 text") {
  Node tree = parse_text("name: x\n", "t.yaml");
  try {
    set_path(tree, "name", "bad\xFF", {"--set", 0, 0});
    FAIL("expected a UsageError");
  } catch (const UsageError& e) {
    CHECK(e.key() == "name");
    CHECK(std::string(e.what()).find("expected UTF-8 text without control characters") != std::string::npos);
  }
}

TEST_CASE("layers: set_path creates an entry of a collection only when given whole") {
  const std::vector<std::string> collections{"powers", "events"};
  const SourceLocation origin{"--set", 0, 0};
  Node root = parse_text("powers:\n  CHN:\n    budget: {soft: 1}\n  RUS: {}\nevents: {}\n", "f.yaml");
  // A key that the entry lacks is created: the entry exists.
  set_path(root, "powers.RUS.budget.soft", "2", origin, collections);
  CHECK(root.find("powers")->find("RUS")->find("budget")->find("soft")->scalar == "2");
  // A mistyped entry name deeper down is refused, with the nearest name.
  std::string what =
      thrown<UsageError>([&] { set_path(root, "powers.CNH.budget.soft", "0.3", origin, collections); });
  CHECK(what.find("--set: powers.CNH.budget.soft: there is no 'CNH' in powers (did you mean 'CHN'?)") == 0);
  CHECK(what.find("powers.CNH={...}") != std::string::npos);
  CHECK(root.find("powers")->find("CNH") == nullptr);
  // The same in an empty collection, and in one the tree lacks.
  what = thrown<UsageError>([&] { set_path(root, "events.sanctions.date", "2022-03", origin, collections); });
  CHECK(what.find("there is no 'sanctions' in events (it is empty)") != std::string::npos);
  Node bare = parse_text("name: x\n", "f.yaml");
  thrown<UsageError>([&] { set_path(bare, "powers.USA.growth", "0.1", origin, collections); });
  // Given whole, the entry is added.
  set_path(root, "powers.CNH", "{budget: {soft: 0.3}}", origin, collections);
  CHECK(root.find("powers")->find("CNH")->find("budget")->find("soft")->scalar == "0.3");
  // Without collections, set_path creates what it needs (a tree operation).
  set_path(bare, "powers.USA.growth", "0.1", origin);
  CHECK(bare.find("powers")->find("USA")->find("growth")->scalar == "0.1");
}

TEST_CASE("layers: set_path selects list items by index or by name, and never adds one") {
  const SourceLocation origin{"--set", 0, 0};
  Node root = parse_text(
      "events:\n  e:\n    actions:\n      - {scale: {factor: 0.7}}\n      - {name: soft_cut, scale: {factor: "
      "0.85}}\n"
      "members: [KAZ, KGZ]\n",
      "f.yaml");
  const Node& actions = *root.find("events")->find("e")->find("actions");
  set_path(root, "events.e.actions[0].scale.factor", "0.5", origin);
  CHECK(actions.items[0].find("scale")->find("factor")->scalar == "0.5");
  set_path(root, "events.e.actions[soft_cut].scale.factor", "0.9", origin);
  CHECK(actions.items[1].find("scale")->find("factor")->scalar == "0.9");
  CHECK(actions.items[1].find("scale")->find("factor")->where.str() == "--set");
  set_path(root, "members[1]", "UZB", origin);
  CHECK(root.find("members")->items[1].scalar == "UZB");
  CHECK(root.find("members")->items.size() == 2);

  std::string what =
      thrown<UsageError>([&] { set_path(root, "events.e.actions[2].scale.factor", "1", origin); });
  CHECK(contains(what, "'events.e.actions' has 2 items (indices 0 to 1), so there is no [2]"));
  CHECK(actions.items.size() == 2);
  what = thrown<UsageError>([&] { set_path(root, "events.e.actions[soft_cutt].scale.factor", "1", origin); });
  CHECK(contains(what, "no item of 'events.e.actions' is named 'soft_cutt' (did you mean 'soft_cut'?)"));
  what = thrown<UsageError>([&] { set_path(root, "members[x]", "1", origin); });
  CHECK(contains(what, "its items have no `name`: select one by index, e.g. members[0]"));
  what = thrown<UsageError>([&] { set_path(root, "events.e[0].date", "2020-01", origin); });
  CHECK(contains(what, "'events.e' is a mapping, not a list, so [0] selects nothing in it"));
  what = thrown<UsageError>([&] { set_path(root, "leaders[0]", "RUS", origin); });
  CHECK(contains(what, "'leaders' is not given (its default applies)"));
}
