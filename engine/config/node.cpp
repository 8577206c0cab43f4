// YAML -> config::Node. We drive yaml-cpp's event parser ourselves instead of
// using YAML::Load so that:
//  - every node and every key keeps its own 1-based file:line:col;
//  - duplicate keys are caught (YAML::Load keeps both silently);
//  - aliases are expanded with their size known in advance, so an alias bomb
//    ("billion laughs") is refused before a single copy is made;
//  - no yaml-cpp exception (and no "yaml-cpp:" prefix) ever reaches a user.
#include "geosim/config/node.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <system_error>
#include <unordered_map>

#include "config/detail/syntax.hpp"

namespace geosim::config {

// ---------------------------------------------------------------- Node ----

const Node* Node::find(std::string_view key) const {
  for (const auto& [k, v] : entries)
    if (k == key) return &v;
  return nullptr;
}

Node* Node::find(std::string_view key) {
  for (auto& [k, v] : entries)
    if (k == key) return &v;
  return nullptr;
}

const char* Node::kind_name() const {
  switch (kind) {
    case Kind::map: return "a mapping";
    case Kind::sequence: return "a list";
    case Kind::scalar: return "a scalar";
    case Kind::null: break;
  }
  return "null";
}

// --------------------------------------------------------------- reading ----

std::string read_file(const std::filesystem::path& path) {
  const SourceLocation where{path.string(), 0, 0};
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) throw FileError(where, "", "no such file");
  if (std::filesystem::is_directory(status))
    throw FileError(where, "", "is a directory, expected a YAML file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError(where, "", "cannot open the file for reading");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw FileError(where, "", "error while reading the file");
  return std::move(text).str();
}

namespace {

SourceLocation at(const std::string& file, const YAML::Mark& mark) {
  if (mark.is_null() || mark.line < 0) return {file, 0, 0};
  return {file, mark.line + 1, mark.column + 1};
}

// Builds Nodes from parser events.
class Builder final : public YAML::EventHandler {
 public:
  explicit Builder(std::string file) : file_(std::move(file)) {}

  std::vector<Node>& documents() { return documents_; }

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (!documents_.empty())
      throw SyntaxError(at(file_, mark), "", "expected a single YAML document, found a second one ('---')");
    anchors_.clear();
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Node n;
    n.kind = Node::Kind::null;
    n.where = at(file_, mark);
    count_one(mark);
    complete(std::move(n), anchor, 1, 0);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    Node n;
    n.kind = Node::Kind::scalar;
    n.scalar = value;
    // "!" = quoted or block scalar; an explicit !!str also means "a string".
    n.quoted = tag == "!" || tag == "tag:yaml.org,2002:str";
    n.where = at(file_, mark);
    count_one(mark);
    complete(std::move(n), anchor, 1, 0);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const auto it = anchors_.find(anchor);
    if (it == anchors_.end())
      throw SyntaxError(at(file_, mark), path(),
                        "an alias refers to its own enclosing anchor (a recursive structure)");
    const Anchored& a = it->second;
    if (count_ + a.size > kMaxNodes)
      throw SyntaxError(at(file_, mark), path(),
                        "document too large: aliases expand to more than " + std::to_string(kMaxNodes) +
                            " nodes (an alias bomb?)");
    if (static_cast<int>(stack_.size()) + a.depth > kMaxDepth)
      throw SyntaxError(at(file_, mark), "", "nesting deeper than " + std::to_string(kMaxDepth) + " levels");
    count_ += a.size;
    Node copy = a.node;
    complete(std::move(copy), 0, a.size, a.depth);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value /*style*/) override {
    open(mark, Node::Kind::sequence, anchor);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value /*style*/) override {
    open(mark, Node::Kind::map, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    Node node;
    YAML::anchor_t anchor = 0;
    std::size_t count_at_start = 0;
    int child_depth = 0;  // deepest container below this one
    std::string path;     // dotted path of this container
    std::optional<std::pair<std::string, SourceLocation>> pending_key;
    std::unordered_map<std::string, SourceLocation> seen;  // keys so far (maps)
  };
  struct Anchored {
    Node node;
    std::size_t size = 1;
    int depth = 0;
  };

  std::string path() const { return stack_.empty() ? std::string() : child_path(stack_.back()); }

  static std::string child_path(const Frame& f) {
    if (f.node.is_sequence()) return f.path + "[" + std::to_string(f.node.items.size()) + "]";
    if (f.pending_key) return f.path.empty() ? f.pending_key->first : f.path + "." + f.pending_key->first;
    return f.path;
  }

  void count_one(const YAML::Mark& mark) {
    if (++count_ > kMaxNodes)
      throw SyntaxError(at(file_, mark), path(),
                        "document too large: more than " + std::to_string(kMaxNodes) + " nodes");
  }

  void open(const YAML::Mark& mark, Node::Kind kind, YAML::anchor_t anchor) {
    if (!stack_.empty() && stack_.back().node.is_map() && !stack_.back().pending_key)
      throw SyntaxError(at(file_, mark), stack_.back().path,
                        "mapping keys must be plain scalars, not a list or mapping");
    if (static_cast<int>(stack_.size()) >= kMaxDepth)
      throw SyntaxError(at(file_, mark), "", "nesting deeper than " + std::to_string(kMaxDepth) + " levels");
    Frame f;
    f.count_at_start = count_;
    count_one(mark);
    f.path = path();
    f.node.kind = kind;
    f.node.where = at(file_, mark);
    f.anchor = anchor;
    stack_.push_back(std::move(f));
  }

  void close() {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    const std::size_t size = count_ - f.count_at_start;
    complete(std::move(f.node), f.anchor, size, f.child_depth + 1);
  }

  // A finished node of `size` nodes (after alias expansion) and `depth` levels.
  void complete(Node n, YAML::anchor_t anchor, std::size_t size, int depth) {
    if (anchor != 0) anchors_[anchor] = Anchored{n, size, depth};
    if (stack_.empty()) {
      documents_.push_back(std::move(n));
      return;
    }
    Frame& parent = stack_.back();
    parent.child_depth = std::max(parent.child_depth, depth);
    if (parent.node.is_sequence()) {
      parent.node.items.push_back(std::move(n));
      return;
    }
    if (!parent.pending_key) {  // n is a key
      if (!n.is_scalar())
        throw SyntaxError(n.where, parent.path,
                          n.is_null() ? "empty or null mapping key"
                                      : "mapping keys must be plain scalars, not a list or mapping");
      auto [it, inserted] = parent.seen.emplace(n.scalar, n.where);
      if (!inserted) {
        const std::string key = parent.path.empty() ? n.scalar : parent.path + "." + n.scalar;
        throw DuplicateKeyError(n.where, key,
                                "duplicate key '" + n.scalar + "' (first defined at line " +
                                    std::to_string(it->second.line) + ")");
      }
      parent.pending_key.emplace(std::move(n.scalar), n.where);
      return;
    }
    auto [key, key_where] = std::move(*parent.pending_key);
    parent.pending_key.reset();
    n.key_where = key_where;
    // An empty value ("key:" then a newline) gets the mark of the next token;
    // point at the key instead.
    if (n.is_null() && (n.where.line != key_where.line || n.where.line == 0)) n.where = key_where;
    parent.node.entries.push_back({std::move(key), std::move(n)});
  }

  std::string file_;
  std::vector<Frame> stack_;
  std::map<YAML::anchor_t, Anchored> anchors_;
  std::vector<Node> documents_;
  std::size_t count_ = 0;
};

// A first, cheap pass: counts the nodes the document expands to, without
// copying anything, so that an alias bomb is refused in microseconds before
// the Builder would start expanding it.
class Counter final : public YAML::EventHandler {
 public:
  Counter(std::string file, const std::string& text) : file_(std::move(file)), text_(text) {}
  void OnDocumentStart(const YAML::Mark&) override { sizes_.clear(); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { leaf(mark, anchor); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                const std::string&) override {
    leaf(mark, anchor);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const auto it = sizes_.find(anchor);
    add(mark, it == sizes_.end() ? 1 : it->second);  // recursive aliases: the Builder reports them
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  void add(const YAML::Mark& mark, std::size_t n) {
    // yaml-cpp 0.7 never gets past a ',' outside brackets at the start of a
    // document: it emits null nodes at the same place until memory runs out.
    if (mark.pos == last_pos_ && ++same_pos_ > kMaxSamePlace) {
      const bool comma =
          mark.pos >= 0 && static_cast<std::size_t>(mark.pos) < text_.size() && text_[mark.pos] == ',';
      throw SyntaxError(at(file_, mark), "",
                        comma ? "a ',' separates items only inside a [...] list or a {...} mapping"
                              : "the YAML parser cannot get past this point");
    }
    if (mark.pos != last_pos_) same_pos_ = 0;
    last_pos_ = mark.pos;
    count_ += n;
    if (count_ > kMaxNodes)
      throw SyntaxError(at(file_, mark), "",
                        "document too large: it expands to more than " + std::to_string(kMaxNodes) +
                            " nodes (an alias bomb?)");
  }
  void leaf(const YAML::Mark& mark, YAML::anchor_t anchor) {
    add(mark, 1);
    if (anchor != 0) sizes_[anchor] = 1;
  }
  void open(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (static_cast<int>(stack_.size()) >= kMaxDepth)
      throw SyntaxError(at(file_, mark), "", "nesting deeper than " + std::to_string(kMaxDepth) + " levels");
    stack_.emplace_back(anchor, count_);
    add(mark, 1);
  }
  void close() {
    const auto [anchor, start] = stack_.back();
    stack_.pop_back();
    if (anchor != 0) sizes_[anchor] = count_ - start;
  }

  static constexpr int kMaxSamePlace = 1000;  // nodes starting at one character
  std::string file_;
  const std::string& text_;
  int last_pos_ = -1, same_pos_ = 0;
  std::vector<std::pair<YAML::anchor_t, std::size_t>> stack_;
  std::map<YAML::anchor_t, std::size_t> sizes_;
  std::size_t count_ = 0;
};

template <class Handler>
void run_parser(const std::string& text, Handler& handler) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  while (parser.HandleNextDocument(handler)) {
  }
}

}  // namespace

Node parse_text(std::string_view text, const std::string& filename) {
  Builder builder(filename);
  const std::string copy = detail::normalise_line_breaks(text);
  try {
    Counter counter(filename, copy);  // refuses alias bombs before anything is copied
    run_parser(copy, counter);
    run_parser(copy, builder);
  } catch (const YAML::Exception& e) {
    const SourceLocation where = at(filename, e.mark);
    throw SyntaxError(where, "", detail::plain_syntax_message(e.msg, copy, where.line, where.column));
  }
  auto& docs = builder.documents();
  if (docs.empty() || docs.front().is_null())
    throw FileError({filename, 0, 0}, "", "the file is empty (no YAML content)");
  // Every key and value may end up in a results file, which must be UTF-8
  // (netCDF, xarray): the keys and values first, to name the key, then the
  // rest of the text (comments).
  check_text(docs.front());
  std::string what;
  if (const std::size_t bad = detail::bad_text(text, true, true, &what); bad != std::string_view::npos)
    throw detail::bad_file_text(filename, text, bad, what);
  return std::move(docs.front());
}

Node parse_file(const std::filesystem::path& path) { return parse_text(read_file(path), path.string()); }

// ---------------------------------------------------------------- merge ----

void merge(Node& base, const Node& overlay) {
  if (!(base.is_map() && overlay.is_map())) {
    const SourceLocation key_where = base.key_where;
    base = overlay;
    if (base.key_where.file.empty()) base.key_where = key_where;
    return;
  }
  for (const auto& [key, value] : overlay.entries) {
    if (Node* existing = base.find(key)) {
      merge(*existing, value);
      existing->key_where = value.key_where;
    } else {
      base.entries.push_back({key, value});
    }
  }
}

// -------------------------------------------------------------- set_path ----

void set_path(Node& root, std::string_view dotted_path, std::string_view value_text,
              const SourceLocation& origin) {
  const std::string whole(dotted_path);
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = dotted_path.find('.', start);
    parts.emplace_back(dotted_path.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (parts.back().empty())
      throw UsageError(origin, whole, "empty component in the key path (expected a.b.c)");
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }

  std::string what;
  if (find_bad_text(value_text, false, &what) != std::string_view::npos ||
      find_bad_text(dotted_path, false, &what) != std::string_view::npos)
    throw UsageError(origin, find_bad_text(dotted_path, false) == std::string_view::npos ? whole : "",
                     "expected UTF-8 text without control characters (" + what + ")");
  Node value;
  try {
    value = parse_text(value_text, origin.file);
  } catch (const FileError&) {  // empty text: null
    value = Node{};
  } catch (const InputError& e) {
    throw UsageError(origin, whole,
                     "cannot parse the value '" + std::string(value_text) + "' as YAML: " + e.detail());
  }
  // Locations of a --set value: the origin, whatever the parser recorded.
  auto relocate = [&origin](auto& self, Node& n) -> void {
    n.where = origin;
    if (!n.key_where.file.empty()) n.key_where = origin;
    for (auto& item : n.items) self(self, item);
    for (auto& [k, v] : n.entries) self(self, v);
  };
  relocate(relocate, value);

  Node* node = &root;
  std::string walked;
  for (const auto& part : parts) {
    if (node->is_null()) {
      node->kind = Node::Kind::map;
      if (node->where.file.empty()) node->where = origin;
    }
    if (!node->is_map())
      throw UsageError(origin, whole,
                       "cannot set a key inside '" + (walked.empty() ? std::string("(top)") : walked) +
                           "', which is " + node->kind_name() + ", not a mapping");
    Node* next = node->find(part);
    if (!next) {
      Node fresh;
      fresh.where = origin;
      fresh.key_where = origin;
      node->entries.push_back({std::string(part), std::move(fresh)});
      next = &node->entries.back().value;
    }
    walked += (walked.empty() ? "" : ".") + part;
    node = next;
  }
  value.key_where = origin;
  *node = std::move(value);
}

// --------------------------------------------------------------- to_yaml ----

namespace {

void emit(YAML::Emitter& out, const Node& n) {
  switch (n.kind) {
    case Node::Kind::null: out << YAML::Null; break;
    case Node::Kind::scalar:
      if (n.quoted) out << YAML::DoubleQuoted << n.scalar;
      else out << n.scalar;
      break;
    case Node::Kind::sequence:
      out << (n.items.empty() ? YAML::Flow : YAML::Block) << YAML::BeginSeq;
      for (const auto& item : n.items) emit(out, item);
      out << YAML::EndSeq;
      break;
    case Node::Kind::map:
      out << (n.entries.empty() ? YAML::Flow : YAML::Block) << YAML::BeginMap;
      for (const auto& [k, v] : n.entries) {
        out << YAML::Key << k << YAML::Value;
        emit(out, v);
      }
      out << YAML::EndMap;
      break;
  }
}

}  // namespace

std::string to_yaml(const Node& node) {
  YAML::Emitter out;
  emit(out, node);
  std::string text = out.c_str();
  if (text.empty() || text.back() != '\n') text += '\n';
  return text;
}

// --------------------------------------------------------------- nearest ----

namespace {

std::size_t levenshtein(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string nearest(std::string_view word, const std::vector<std::string>& candidates) {
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  std::string best;
  std::size_t best_distance = limit + 1;
  for (const auto& c : candidates) {
    const std::size_t d = levenshtein(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

}  // namespace geosim::config
