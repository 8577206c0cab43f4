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
#include <cctype>
#include <cstring>
#include <map>
#include <optional>
#include <sstream>
#include <string_view>
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
    last_scalar_ = mark;
    count_one(mark);
    complete(std::move(n), anchor, 1, 0);
  }

  /// Where the last scalar began: a quoted string never closed is the last
  /// scalar (yaml-cpp ends it silently at the end of the text).
  const YAML::Mark& last_scalar() const { return last_scalar_; }

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
  YAML::Mark last_scalar_ = YAML::Mark::null_mark();
};

// Whether a quoted scalar starting at byte `pos` of `text` (at its quote) is
// never closed, by the rules of YAML quotes: \" escapes in double quotes, ''
// in single quotes.
bool unclosed_quote(std::string_view text, std::size_t pos) {
  if (pos >= text.size() || (text[pos] != '"' && text[pos] != '\'')) return false;
  const char quote = text[pos];
  for (std::size_t i = pos + 1; i < text.size(); ++i) {
    const bool escape = quote == '"' && text[i] == '\\';
    const bool doubled = text[i] == quote && quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'';
    if (escape || doubled) ++i;
    else if (text[i] == quote) return false;
  }
  return true;
}

// A first, cheap pass: counts the nodes the document expands to, and the
// bytes of text its aliases add, without copying anything, so that an alias
// bomb (many small nodes, or one long string aliased many times) is refused
// in microseconds before the Builder would start expanding it.
class Counter final : public YAML::EventHandler {
 public:
  Counter(std::string file, const std::string& text) : file_(std::move(file)), text_(text) {}
  void OnDocumentStart(const YAML::Mark&) override { sizes_.clear(); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { leaf(mark, anchor, 0); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                const std::string& value) override {
    leaf(mark, anchor, value.size());
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const auto it = sizes_.find(anchor);
    if (it == sizes_.end()) return add(mark, 1);  // recursive aliases: the Builder reports them
    add(mark, it->second.nodes);
    bytes_ += it->second.bytes;
    alias_bytes_ += it->second.bytes;
    alias_nodes_ += it->second.nodes;
    if (alias_nodes_ > kMaxAliasNodes)
      throw SyntaxError(at(file_, mark), "",
                        "document too large: its aliases expand to more than " +
                            std::to_string(kMaxAliasNodes) + " nodes (an alias bomb?)");
    if (alias_bytes_ > kMaxAliasBytes)
      throw SyntaxError(at(file_, mark), "",
                        "document too large: its aliases expand to more than " +
                            std::to_string(kMaxAliasBytes) + " bytes of text (an alias bomb?)");
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
  void leaf(const YAML::Mark& mark, YAML::anchor_t anchor, std::size_t bytes) {
    add(mark, 1);
    bytes_ += bytes;
    if (anchor != 0) sizes_[anchor] = {1, bytes};
  }
  void open(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (static_cast<int>(stack_.size()) >= kMaxDepth)
      throw SyntaxError(at(file_, mark), "", "nesting deeper than " + std::to_string(kMaxDepth) + " levels");
    stack_.push_back({anchor, count_, bytes_});
    add(mark, 1);
  }
  void close() {
    const Open o = stack_.back();
    stack_.pop_back();
    if (o.anchor != 0) sizes_[o.anchor] = {count_ - o.nodes, bytes_ - o.bytes};
  }

  struct Size {
    std::size_t nodes = 1;
    std::size_t bytes = 0;  // of scalar text, aliases expanded
  };
  struct Open {
    YAML::anchor_t anchor;
    std::size_t nodes, bytes;  // counts when the container opened
  };
  static constexpr int kMaxSamePlace = 1000;  // nodes starting at one character
  std::string file_;
  const std::string& text_;
  int last_pos_ = -1, same_pos_ = 0;
  std::vector<Open> stack_;
  std::map<YAML::anchor_t, Size> sizes_;
  std::size_t count_ = 0;
  std::size_t bytes_ = 0;
  std::size_t alias_bytes_ = 0;  // text added by aliases, cumulative
  std::size_t alias_nodes_ = 0;  // nodes added by aliases, cumulative
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
    const YAML::Mark& last = builder.last_scalar();
    if (!last.is_null() && last.pos >= 0 && unclosed_quote(copy, static_cast<std::size_t>(last.pos)))
      throw SyntaxError(at(filename, last), "",
                        std::string("a quoted string starts here and is never closed (add the closing ") +
                            copy[static_cast<std::size_t>(last.pos)] + ")");
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
  // Keys found through a hash index, not Node::find: merging two mappings of
  // n keys is then O(n), not O(n^2) (an extends chain of large mappings).
  // Reserved first so that pushing new entries moves no key the index views.
  base.entries.reserve(base.entries.size() + overlay.entries.size());
  std::unordered_map<std::string_view, std::size_t> index(base.entries.size());
  for (std::size_t i = 0; i < base.entries.size(); ++i) index.emplace(base.entries[i].key, i);
  for (const auto& [key, value] : overlay.entries) {
    if (const auto it = index.find(key); it != index.end()) {
      Node& existing = base.entries[it->second].value;
      merge(existing, value);
      existing.key_where = value.key_where;
    } else {
      index.emplace(key, base.entries.size());  // views the overlay's key, which outlives the loop
      base.entries.push_back({key, value});
    }
  }
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

namespace {

std::string double_quoted(const std::string& text) {
  YAML::Emitter out;
  out << YAML::DoubleQuoted << text;
  return out.c_str();
}

/// A plain scalar that means the same inside [...] or {...} as on its own:
/// names, numbers, dates and words. Anything else is written double-quoted
/// (a string either way, since only strings hold other characters).
bool flow_safe(const std::string& s) {
  if (s.empty() || s.front() == ' ' || s.back() == ' ' || s.starts_with("- ")) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return std::isalnum(u) || u >= 0x80 || (c != '\0' && std::strchr("_.+-/ ", c) != nullptr);
  });
}

void emit_flow(std::string& out, const Node& n, bool nested) {
  switch (n.kind) {
    case Node::Kind::null: out += "null"; break;
    case Node::Kind::scalar:
      if (n.quoted || (nested && !flow_safe(n.scalar))) out += double_quoted(n.scalar);
      else out += n.scalar;
      break;
    case Node::Kind::sequence:
      out += '[';
      for (std::size_t i = 0; i < n.items.size(); ++i) {
        if (i > 0) out += ", ";
        emit_flow(out, n.items[i], true);
      }
      out += ']';
      break;
    case Node::Kind::map:
      out += '{';
      for (std::size_t i = 0; i < n.entries.size(); ++i) {
        if (i > 0) out += ", ";
        const std::string& key = n.entries[i].key;
        out += double_quoted(key);  // a key may start with any indicator (#, &, ?)
        out += ": ";
        emit_flow(out, n.entries[i].value, true);
      }
      out += '}';
      break;
  }
}

}  // namespace

std::string to_flow_yaml(const Node& node) {
  std::string out;
  emit_flow(out, node, false);
  return out;
}

std::string to_yaml(const Node& node) {
  YAML::Emitter out;
  emit(out, node);
  std::string text = out.c_str();
  if (text.empty() || text.back() != '\n') text += '\n';
  return text;
}

}  // namespace geosim::config
