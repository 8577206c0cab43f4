#pragma once
// One exception class per kind of error. Input errors carry where they
// happened (file:line:col) and the key; the CLI catches them once, prints
// what() and exits with status 2. RuntimeFailure exits with status 1.
#include <stdexcept>
#include <string>

namespace geosim {

/// A place in an input: a file (or "--set" / "command line") and a 1-based line and column.
/// line == 0 means "the whole file" (a missing or empty file).
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
  std::string str() const;  // "file:line:col", "file:line" or "file"
};

/// Base of every error caused by what the user gave us (exit status 2).
class InputError : public std::runtime_error {
 public:
  InputError(SourceLocation where, std::string key, std::string detail);
  const SourceLocation& where() const noexcept { return where_; }
  const std::string& key() const noexcept { return key_; }        // dotted path, may be empty
  const std::string& detail() const noexcept { return detail_; }  // what was expected
 private:
  SourceLocation where_;
  std::string key_;
  std::string detail_;
};

// Name is a class name, which cannot be parenthesised.
#define GEOSIM_INPUT_ERROR(Name)                                                                  \
  class Name : public InputError { /* NOLINT(bugprone-macro-parentheses): Name is a class name */ \
    using InputError::InputError;                                                                 \
  }
GEOSIM_INPUT_ERROR(FileError);          // missing, unreadable or empty file
GEOSIM_INPUT_ERROR(SyntaxError);        // malformed YAML, alias bombs
GEOSIM_INPUT_ERROR(UnknownKeyError);    // key not in the schema (message suggests the nearest)
GEOSIM_INPUT_ERROR(DuplicateKeyError);  // the same key twice in one mapping
GEOSIM_INPUT_ERROR(TypeError);          // wrong YAML type or unparsable scalar
GEOSIM_INPUT_ERROR(RangeError);         // value outside its domain, NaN/Inf, shares not summing to 1
GEOSIM_INPUT_ERROR(ReferenceError);     // undefined or duplicate power/target/group/institution name
GEOSIM_INPUT_ERROR(DateError);          // invalid date, event outside the period
GEOSIM_INPUT_ERROR(UsageError);         // bad command line (--set syntax, options)
GEOSIM_INPUT_ERROR(OutputError);        // output path not writable
GEOSIM_INPUT_ERROR(ResourceError);      // a run that cannot fit in memory
#undef GEOSIM_INPUT_ERROR

/// Something went wrong while running a valid input (exit status 1).
class RuntimeFailure : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A state variable became infinite or NaN during a run (model.md section 11,
/// "Finite or refused"): the message names the tick, its date, the variable
/// and its indices by name. No results file is left.
class NonFiniteError : public RuntimeFailure {
  using RuntimeFailure::RuntimeFailure;
};

}  // namespace geosim
