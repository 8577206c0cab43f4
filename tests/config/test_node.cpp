// The raw configuration tree: locations, duplicate keys, malformed YAML,
// alias bombs, merge, --set and YAML output.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

#include "geosim/config/node.hpp"
#include "support/temp_files.hpp"
#include "support/thrown.hpp"

namespace fs = std::filesystem;
using namespace geosim;
using geosim::config::Node;
using geosim::testing::thrown;

namespace {

fs::path temp_dir() { return geosim::testing::temp_dir("config_test"); }

fs::path write_temp(const std::string& name, const std::string& text) {
  return geosim::testing::write_temp("config_test", name, text);
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

/// Structural equality, ignoring locations.
bool same_tree(const Node& a, const Node& b) {
  if (a.kind != b.kind || a.scalar != b.scalar || a.quoted != b.quoted) return false;
  if (a.items.size() != b.items.size() || a.entries.size() != b.entries.size()) return false;
  for (std::size_t i = 0; i < a.items.size(); ++i)
    if (!same_tree(a.items[i], b.items[i])) return false;
  for (std::size_t i = 0; i < a.entries.size(); ++i)
    if (a.entries[i].key != b.entries[i].key || !same_tree(a.entries[i].value, b.entries[i].value))
      return false;
  return true;
}

}  // namespace

TEST_CASE("config: every value and key carries its 1-based file:line:col") {
  const Node root = config::parse_text("name: x\npowers:\n  RUS:\n    budget: {soft: 2}\n", "f.yaml");
  REQUIRE(root.is_map());
  const Node* soft = root.find("powers")->find("RUS")->find("budget")->find("soft");
  REQUIRE(soft);
  CHECK(soft->scalar == "2");
  CHECK(soft->where.str() == "f.yaml:4:20");
  CHECK(soft->key_where.str() == "f.yaml:4:14");
  CHECK(root.find("powers")->key_where.str() == "f.yaml:2:1");
}

TEST_CASE("config: quoted scalars are marked as strings, plain ones are not") {
  const Node root = config::parse_text("a: \"1\"\nb: 1\nc: !!str 2\nd: ~\ne:\n", "f.yaml");
  CHECK(root.find("a")->quoted);
  CHECK_FALSE(root.find("b")->quoted);
  CHECK(root.find("c")->quoted);
  CHECK(root.find("d")->is_null());
  CHECK(root.find("e")->is_null());
  CHECK(root.find("e")->where.line == 5);  // an empty value is reported at its key
}

TEST_CASE("config: a duplicate key names the key, its line and the first one's line") {
  const std::string what = thrown<DuplicateKeyError>(
      [] { config::parse_text("time:\n  start: 2013-09\n  end: 2014-08\n  start: 2014-01\n", "d.yaml"); });
  CHECK(contains(what, "d.yaml:4:3: time.start: "));
  CHECK(contains(what, "first defined at line 2"));
}

TEST_CASE("config: malformed YAML is a SyntaxError with a 1-based location and no yaml-cpp prefix") {
  const std::string what =
      thrown<SyntaxError>([] { config::parse_text("a: 1\nb: [1, 2\nc: 3\n", "m.yaml"); });
  CHECK(contains(what, "m.yaml:"));
  CHECK_FALSE(contains(what, "yaml-cpp"));
  CHECK(what.find('\n') == std::string::npos);
  const std::string tab = thrown<SyntaxError>([] { config::parse_text("a:\n\t- 1\n", "t.yaml"); });
  CHECK_FALSE(contains(tab, "yaml-cpp"));
}

TEST_CASE("config: YAML layout errors are said in words at the line that causes them") {
  auto error = [](const std::string& text) {
    return thrown<SyntaxError>([&] { config::parse_text(text, "m.yaml"); });
  };
  CHECK(contains(error("a:\n  b: 1\n\tc: 2\n"),
                 "m.yaml:3:1: a tab character in the indentation; YAML indents with spaces only"));
  CHECK(
      contains(error("a:\n  b: 1\n  - item\n  c: 2\n"),
               "m.yaml:3:3: a list item ('- ...') inside a mapping, where a 'key: value' line was expected"));
  CHECK(contains(error("a: 1\nb: [1, 2\nc: 3\n"), "a '[' list is not closed: expected ',' or ']' here"));
  CHECK(contains(error("a: {x: 1\nb: 2\n"), "a '{' mapping is not closed"));
  CHECK(contains(error("a: b: c\n"), "m.yaml:1:5: a ':' where no value may start"));
  CHECK(contains(error("a: \"\\q\"\n"), "an unknown escape sequence in a double-quoted string"));
  CHECK(contains(error("a: *nowhere\n"), "an alias ('*name') whose anchor ('&name') is not defined"));
}

TEST_CASE("config: old Mac line breaks (CR alone) read like LF and CRLF, with the same lines") {
  const config::Node lf = config::parse_text("a: 1\nb:\n  c: x\n", "lf.yaml");
  const config::Node cr = config::parse_text("a: 1\rb:\r  c: x\r", "cr.yaml");
  const config::Node crlf = config::parse_text("a: 1\r\nb:\r\n  c: x\r\n", "crlf.yaml");
  CHECK(config::to_yaml(cr) == config::to_yaml(lf));
  CHECK(config::to_yaml(crlf) == config::to_yaml(lf));
  CHECK(cr.find("b")->find("c")->where.line == 3);
  CHECK(contains(thrown<SyntaxError>([] { config::parse_text("a: 1\rb: [1\r", "cr.yaml"); }), "cr.yaml:3:"));
}

TEST_CASE("config: an alias bomb is refused quickly") {
  std::string text = "lol0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 12; ++i) {
    text += "lol" + std::to_string(i) + ": &l" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) text += (k ? ", *l" : "*l") + std::to_string(i - 1);
    text += "]\n";
  }
  const auto t0 = std::chrono::steady_clock::now();
  const std::string what = thrown<SyntaxError>([&] { config::parse_text(text, "bomb.yaml"); });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(contains(what, "bomb.yaml:"));
  CHECK(contains(what, "alias"));
  CHECK(seconds < 5.0);  // in practice a few milliseconds
}

TEST_CASE("config: a recursive alias and absurd nesting are SyntaxErrors") {
  const std::string rec = thrown<SyntaxError>([] { config::parse_text("a: &a [1, *a]\n", "r.yaml"); });
  CHECK(contains(rec, "r.yaml:1:"));
  const std::string deep = thrown<SyntaxError>(
      [] { config::parse_text("a: " + std::string(100, '[') + std::string(100, ']') + "\n", "n.yaml"); });
  CHECK(contains(deep, "n.yaml:1:"));
  CHECK(contains(deep, "nesting deeper than 64"));
}

TEST_CASE("config: aliases within limits expand to copies") {
  const Node root = config::parse_text("a: &x {k: 1}\nb: *x\n", "f.yaml");
  REQUIRE(root.find("b")->is_map());
  CHECK(root.find("b")->find("k")->scalar == "1");
}

TEST_CASE("config: an empty or comment-only file is a FileError") {
  CHECK(thrown<FileError>([] { config::parse_file(write_temp("empty.yaml", "")); }) ==
        (temp_dir() / "empty.yaml").string() + ": the file is empty (no YAML content)");
  thrown<FileError>([] { config::parse_file(write_temp("comments.yaml", "# only\n\n# comments\n")); });
}

TEST_CASE("config: a missing file or a directory is a FileError naming the path") {
  const std::string missing = thrown<FileError>([] { config::parse_file(temp_dir() / "no_such_file.yaml"); });
  CHECK(contains(missing, "no_such_file.yaml: no such file"));
  const std::string dir = thrown<FileError>([] { config::parse_file(temp_dir()); });
  CHECK(contains(dir, "is a directory"));
}

TEST_CASE("config: two documents in one file are refused") {
  const std::string what = thrown<SyntaxError>([] { config::parse_text("a: 1\n---\nb: 2\n", "two.yaml"); });
  CHECK(contains(what, "two.yaml:2:"));
}

TEST_CASE("config: merge overlays mappings key by key and replaces everything else") {
  Node base = config::parse_text("a: {x: 1, y: [1, 2]}\nb: 2\n", "base.yaml");
  const Node overlay = config::parse_text("a: {y: [3], z: 4}\nc: 5\nb: ~\n", "over.yaml");
  config::merge(base, overlay);
  const Node expected = config::parse_text("a: {x: 1, y: [3], z: 4}\nb: ~\nc: 5\n", "expected.yaml");
  CHECK(same_tree(base, expected));
  CHECK(base.find("a")->find("x")->where.file == "base.yaml");
  CHECK(base.find("a")->find("z")->where.file == "over.yaml");
}

TEST_CASE("config: to_yaml round-trips a tree") {
  const Node root = config::parse_text(
      "name: \"quoted: yes\"\nn: 1.50\nflag: true\nlist: [a, b]\nempty: {}\nnone: ~\nq: \"~\"\n", "f.yaml");
  const std::string text = config::to_yaml(root);
  const Node again = config::parse_text(text, "again.yaml");
  CHECK(same_tree(root, again));
  CHECK(contains(text, "n: 1.50"));
}

TEST_CASE("config: nearest suggests only close words") {
  CHECK(config::nearest("budjet", {"name", "budget", "growth"}) == "budget");
  CHECK(config::nearest("susceptibilty", {"susceptibility", "anchoring"}) == "susceptibility");
  CHECK(config::nearest("xyz", {"name", "budget"}).empty());
  CHECK(config::nearest("", {}).empty());
}

TEST_CASE("config: find_bad_text accepts UTF-8 text and finds the first invalid byte or control character") {
  using geosim::config::find_bad_text;
  constexpr auto none = std::string_view::npos;
  std::string what;
  CHECK(find_bad_text("Kazakhstan", false) == none);
  CHECK(find_bad_text("Қазақстан Ελλάδα 中国 \xF0\x9F\x8C\x8D", false) ==
        none);  // 2-, 3- and 4-byte sequences
  CHECK(find_bad_text("ab\xFF", false, &what) == 2);
  CHECK(what == "byte 0xFF is not UTF-8");
  CHECK(find_bad_text("\xC0\xAF", false) == 0);          // overlong '/'
  CHECK(find_bad_text("\xED\xA0\x80", false) == 0);      // a surrogate
  CHECK(find_bad_text("\xF4\x90\x80\x80", false) == 0);  // above U+10FFFF
  CHECK(find_bad_text("x\xE2\x82", false) == 1);         // truncated
  CHECK(find_bad_text("a\x01", false, &what) == 1);
  CHECK(what == "control character U+0001");
  CHECK(find_bad_text("a\x7F", false) == 1);
  CHECK(find_bad_text("a\xC2\x85", false, &what) == 1);  // NEL, a C1 control
  CHECK(what == "control character U+0085");
  CHECK(find_bad_text("a\tb\nc", false) == 1);
  CHECK(find_bad_text("a\tb\nc", true) == none);  // free text
  CHECK(find_bad_text("a\rb", true) == 1);
}

TEST_CASE(
    "config: a key or value that is not UTF-8 text without control characters is a TypeError at its key") {
  auto refused = [](const std::string& yaml, const std::string& key, int line, const std::string& said) {
    try {
      config::parse_text(yaml, "t.yaml");
      FAIL("expected an error for " << key);
    } catch (const InputError& e) {
      CHECK(e.key() == key);
      CHECK(e.where().line == line);
      CHECK_MESSAGE(std::string(e.what()).find("expected UTF-8 text without control characters (" + said) !=
                        std::string::npos,
                    e.what());
    }
  };
  refused("powers:\n  CHN:\n    name: \"Chi\xFFna\"\n", "powers.CHN.name", 3, "byte 0xFF");
  refused("powers:\n  CHN:\n    name: Chi\xFFna\n", "powers.CHN.name", 3, "byte 0xFF");
  refused("name: \"a\\x01b\"\n", "name", 1, "control character U+0001");
  refused("name: \"a\\tb\"\n", "name", 1, "control character U+0009");
  refused("events:\n  - id: \"x\\ny\"\n", "events[0].id", 2, "control character U+000A");
  refused("groups:\n  \"g\\x02\": {}\n", "groups", 2, "in a key: control character U+0002");
  refused("a: 1 # caf\xE9\n", "", 1, "byte 0xE9");  // a comment: the file:line:col of the byte
  // Free text may hold tabs and newlines.
  const Node ok =
      config::parse_text("description: \"a\\tb\"\nevents:\n  - note: |\n      two\n      lines\n", "t.yaml");
  CHECK(ok.find("description")->scalar == "a\tb");
  CHECK_THROWS_AS(config::parse_text("description: \"a\\x01\"\n", "t.yaml"), TypeError);
}

// -------------------------------------------------- bounded loaders (issue 9) ----

TEST_CASE("config: only a regular file is read, never a device, FIFO or directory") {
  const std::string zero = thrown<FileError>([] { config::read_file("/dev/zero"); });
  CHECK(zero == "/dev/zero: is not a regular file (it is a character device; expected a YAML file)");
  const fs::path fifo = temp_dir() / "scenario.fifo";
  fs::remove(fifo);
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);  // no writer: a blocking open would never return
  CHECK(
      contains(thrown<FileError>([&] { config::parse_file(fifo); }), "scenario.fifo: is not a regular file"));
  fs::remove(fifo);
  CHECK(contains(thrown<FileError>([] { config::read_file(temp_dir()); }),
                 "is a directory, not a regular file"));
}

TEST_CASE("config: a file larger than kMaxInputFileBytes is refused before it is read") {
  const fs::path big = write_temp("big.yaml", "name: x\n");
  fs::resize_file(big, config::kMaxInputFileBytes + 1);  // sparse: no disk space used
  CHECK(contains(thrown<FileError>([&] { config::read_file(big); }),
                 "big.yaml: is larger than the limit of 67108864 bytes"));
  fs::resize_file(big, config::kMaxInputFileBytes);
  CHECK(config::read_file(big).size() == config::kMaxInputFileBytes);
  fs::remove(big);
}

TEST_CASE("config: the alias limit counts the bytes aliases expand to, not only nodes") {
  // 1 MB anchored once, aliased 20,000 times: 20 GB of copies, 20,001 nodes.
  std::string text = "name: &n \"" + std::string(1'000'000, 'a') + "\"\nlist:\n";
  for (int i = 0; i < 20'000; ++i) text += "  - *n\n";
  const std::string what = thrown<SyntaxError>([&] { config::parse_text(text, "bytes.yaml"); });
  // The 17th alias (line 19) passes 16 MiB.
  CHECK(contains(what, "bytes.yaml:19:"));
  CHECK(contains(what, "aliases expand to more than 16777216 bytes"));
  // Within the limit, aliases of long strings expand as before.
  const Node ok = config::parse_text("a: &s \"" + std::string(1000, 'b') + "\"\nb: [*s, *s]\n", "ok.yaml");
  CHECK(ok.find("b")->items[1].scalar.size() == 1000);
}

TEST_CASE("config: the alias limit counts the nodes aliases add, far below the document's") {
  // 334 bytes of nested aliases expand to 1,111,110 nodes: seconds and half a
  // gigabyte if only the document's limit (kMaxNodes) applied.
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= 5; ++i) {
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) text += (k ? ", *a" : "*a") + std::to_string(i - 1);
    text += "]\n";
  }
  const std::string what = thrown<SyntaxError>([&] { config::parse_text(text, "nested.yaml"); });
  CHECK(contains(what, "nested.yaml:5:"));  // a4's aliases pass 100,000 nodes
  CHECK(contains(what, "aliases expand to more than 100000 nodes"));
  // A literal document of many more nodes is fine.
  std::string big = "l: [";
  for (int i = 0; i < 200'000; ++i) big += i ? ",1" : "1";
  CHECK(config::parse_text(big + "]\n", "big.yaml").find("l")->items.size() == 200'000);
}

TEST_CASE("config: merging large mappings is linear (hash lookups)") {
  // 200,000 keys over 200,000 keys, half of them shared: 10^10 comparisons
  // with a linear search per key, well under a second with the index.
  const int n = 200'000;
  Node base, overlay;
  base.kind = overlay.kind = Node::Kind::map;
  for (int i = 0; i < n; ++i) {
    Node v;
    v.kind = Node::Kind::scalar;
    v.scalar = "base";
    base.entries.push_back({"k" + std::to_string(i), v});
    v.scalar = "over";
    overlay.entries.push_back({"k" + std::to_string(i + n / 2), v});
  }
  config::merge(base, overlay);
  REQUIRE(base.entries.size() == static_cast<std::size_t>(n + n / 2));
  CHECK(base.entries[0].value.scalar == "base");
  CHECK(base.entries[n / 2].value.scalar == "over");
  CHECK(base.entries[n].key == "k" + std::to_string(n));  // new keys follow, in the overlay's order
  CHECK(base.entries.back().value.scalar == "over");
}

namespace {
std::size_t plain_levenshtein(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}
}  // namespace

TEST_CASE("config: nearest is bounded and suggests what a full edit distance would") {
  // The banded search agrees with the plain one (first candidate at the least distance).
  const std::vector<std::string> words = {
      "budget",          "budjet",         "growth", "grwoth", "policy", "polcy", "valence",
      "strategic_value", "stratgic_valeu", "a",      "ab",     "",       "xyz",   "citizens"};
  for (const auto& w : words) {
    std::string expected;
    std::size_t best = std::max<std::size_t>(2, w.size() / 3) + 1;
    for (const auto& c : words) {
      const std::size_t d = plain_levenshtein(w, c);
      if (d < best) {
        best = d;
        expected = c;
      }
    }
    CHECK_MESSAGE(config::nearest(w, words) == expected, w);
  }
  // A 1 MB name among 1 MB names: no suggestion, and no 10^12-step distance.
  const std::string huge(1'000'000, 'q');
  CHECK(config::nearest(huge, std::vector<std::string>(10, huge + "r")).empty());
  CHECK(config::nearest(std::string(64, 'a') + "", {std::string(63, 'a')}) == std::string(63, 'a'));
}

TEST_CASE("config: a quoted string never closed is a SyntaxError at its quote") {
  const std::string what = thrown<SyntaxError>(
      [] { config::parse_text("name: x\ndescription: \"abc\ntime: {start: 2013-09}\n", "q.yaml"); });
  CHECK(what == "q.yaml:2:14: a quoted string starts here and is never closed (add the closing \")");
  CHECK(contains(thrown<SyntaxError>([] { config::parse_text("a: 'it''s\n", "s.yaml"); }), "s.yaml:1:4:"));
  // Closed quotes, escapes and block scalars are fine.
  CHECK(config::parse_text("a: \"x\\\"y\"\n", "f.yaml").find("a")->scalar == "x\"y");
  CHECK(config::parse_text("a: 'it''s'\n", "f.yaml").find("a")->scalar == "it's");
  CHECK(config::parse_text("description: |\n  \"open\n", "f.yaml").find("description")->scalar == "\"open\n");
}
