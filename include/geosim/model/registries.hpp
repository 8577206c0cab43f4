#pragma once
// Registries keyed by name: the allocation policies (model/policy.hpp) and
// the event actions (model/action.hpp) a scenario may name. The engine's own
// entries are added by an explicit list (register_builtin_policies(),
// register_builtin_actions()), not by self-registering static objects, which
// a static library would drop at link time. Names are resolved to entries
// once, when a scenario is loaded: nothing is looked up while a world runs.
//
// Register entries before loading scenarios that use them; a registry is not
// meant to change while other threads load scenarios. Scenarios (and worlds)
// point into the registry: remove an entry only when nothing uses it (tests).
#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace geosim {

/// Entries of one kind (`Entry` has `std::string_view name() const`), in registration order.
template <class Entry>
class Registry {
 public:
  /// Adds an entry; a second entry with the same name is a programming error (std::logic_error).
  const Entry& add(std::unique_ptr<const Entry> entry) {
    if (!entry) throw std::logic_error("registry: null entry");
    if (find(entry->name()))
      throw std::logic_error("registry: '" + std::string(entry->name()) + "' registered twice");
    entries_.push_back(std::move(entry));
    return *entries_.back();
  }
  /// Removes the entry called `name` (false if there is none).
  bool remove(std::string_view name) {
    const auto it =
        std::find_if(entries_.begin(), entries_.end(), [&](const auto& e) { return e->name() == name; });
    if (it == entries_.end()) return false;
    entries_.erase(it);
    return true;
  }
  /// The entry called `name`, or nullptr.
  const Entry* find(std::string_view name) const {
    for (const auto& e : entries_)
      if (e->name() == name) return e.get();
    return nullptr;
  }
  /// Every name, in registration order (for messages: "expected one of ...").
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& e : entries_) out.emplace_back(e->name());
    return out;
  }
  std::size_t size() const { return entries_.size(); }
  /// Iterates the entries (as `const std::unique_ptr<const Entry>&`).
  auto begin() const { return entries_.begin(); }
  auto end() const { return entries_.end(); }

 private:
  std::vector<std::unique_ptr<const Entry>> entries_;
};

/// Registers an entry for the lifetime of this object (e.g. a test's toy entry).
template <class Entry>
class ScopedRegistration {
 public:
  ScopedRegistration(Registry<Entry>& registry, std::unique_ptr<const Entry> entry)
      : registry_(registry), name_(registry.add(std::move(entry)).name()) {}
  ScopedRegistration(const ScopedRegistration&) = delete;
  ScopedRegistration& operator=(const ScopedRegistration&) = delete;
  ~ScopedRegistration() { registry_.remove(name_); }

 private:
  Registry<Entry>& registry_;
  std::string name_;
};

}  // namespace geosim
