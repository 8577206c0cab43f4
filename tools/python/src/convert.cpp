// Results and errors of the engine as Python objects (tools/python/src/bindings.hpp).
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <string>
#include <variant>

#include "bindings.hpp"
#include "geosim/core/errors.hpp"

namespace geosim::python {
namespace {

/// A numpy array of `shape` over the vector's own buffer, which it keeps alive.
template <class T>
py::array owning_array(std::vector<T>&& values, const std::vector<py::ssize_t>& shape) {
  auto* kept = new std::vector<T>(std::move(values));
  const py::capsule owner(kept, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>(shape, kept->data(), owner);
}

/// Text as Python str; bytes that are not UTF-8 survive as lone surrogates.
py::str text(const std::string& value) {
  PyObject* s = PyUnicode_DecodeUTF8(value.data(), static_cast<py::ssize_t>(value.size()), "surrogateescape");
  if (s == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(s);
}

py::object attribute(const AttributeValue& value) {
  static const py::module_ numpy = py::module_::import("numpy");
  return std::visit(
      [&](const auto& v) -> py::object {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>) return text(v);
        else if constexpr (std::is_same_v<T, double>) return numpy.attr("float64")(v);
        else if constexpr (std::is_same_v<T, std::int32_t>) return numpy.attr("int32")(v);
        else if constexpr (std::is_same_v<T, std::uint64_t>) return numpy.attr("uint64")(v);
        else return py::array_t<std::int8_t>(static_cast<py::ssize_t>(v.size()), v.data());
      },
      value);
}

py::dict attributes(const std::vector<DatasetAttribute>& attrs) {
  py::dict out;
  for (const auto& a : attrs) out[text(a.name)] = attribute(a.value);
  return out;
}

const char* kind(const InputError& e) {
  if (dynamic_cast<const FileError*>(&e)) return "FileError";
  if (dynamic_cast<const SyntaxError*>(&e)) return "SyntaxError";
  if (dynamic_cast<const UnknownKeyError*>(&e)) return "UnknownKeyError";
  if (dynamic_cast<const DuplicateKeyError*>(&e)) return "DuplicateKeyError";
  if (dynamic_cast<const TypeError*>(&e)) return "TypeError";
  if (dynamic_cast<const RangeError*>(&e)) return "RangeError";
  if (dynamic_cast<const ReferenceError*>(&e)) return "ReferenceError";
  if (dynamic_cast<const DateError*>(&e)) return "DateError";
  if (dynamic_cast<const UsageError*>(&e)) return "UsageError";
  if (dynamic_cast<const OutputError*>(&e)) return "OutputError";
  if (dynamic_cast<const ResourceError*>(&e)) return "ResourceError";
  return "InputError";
}

}  // namespace

py::dict to_python(RunDataset dataset) {
  std::map<std::string, py::ssize_t> lengths;
  py::list dims;
  for (const auto& [name, length] : dataset.dims) {
    lengths[name] = static_cast<py::ssize_t>(length);
    dims.append(py::make_tuple(name, length));
  }
  py::list variables;
  for (auto& v : dataset.variables) {
    std::vector<py::ssize_t> shape;
    py::ssize_t elements = 1;
    for (const auto& d : v.dims) {
      const auto length = lengths.find(d);
      if (length == lengths.end())
        throw RuntimeFailure("internal error: results variable " + v.name + " has an undeclared dimension " +
                             d);
      shape.push_back(length->second);
      elements *= length->second;
    }
    // numpy would read past a vector shorter than its shape.
    const auto size =
        std::visit([](const auto& vec) { return static_cast<py::ssize_t>(vec.size()); }, v.values);
    if (size != elements)
      throw RuntimeFailure("internal error: results variable " + v.name + " holds " + std::to_string(size) +
                           " values for " + std::to_string(elements) + " places");
    py::object values = std::visit(
        [&](auto& vec) -> py::object {
          using T = typename std::decay_t<decltype(vec)>::value_type;
          if constexpr (std::is_same_v<T, std::string>) {
            py::list strings;
            for (const auto& s : vec) strings.append(text(s));
            return strings;
          } else {
            return owning_array(std::move(vec), shape);
          }
        },
        v.values);
    variables.append(py::make_tuple(v.name, py::tuple(py::cast(v.dims)), values, attributes(v.attrs)));
  }
  py::dict out;
  out["dims"] = dims;
  out["variables"] = variables;
  out["attrs"] = attributes(dataset.attrs);
  return out;
}

void register_errors() {
  // By value: pybind11 takes a plain void(*)(std::exception_ptr).
  py::register_exception_translator([](std::exception_ptr p) {  // NOLINT(performance-unnecessary-value-param)
    try {
      if (p) std::rethrow_exception(p);
    } catch (const InputError& e) {
      const py::object cls = py::module_::import("geosim.errors").attr("InputError");
      const py::object error =
          cls(e.what(), e.where().file, e.where().line, e.where().column, e.key(), e.detail(), kind(e));
      PyErr_SetObject(cls.ptr(), error.ptr());
    } catch (const RuntimeFailure& e) {
      const py::object cls = py::module_::import("geosim.errors").attr("RunError");
      const py::object error = cls(e.what());
      PyErr_SetObject(cls.ptr(), error.ptr());
    }
  });
}

void InterruptWatch::poll() {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(50) || cancel.load()) return;
  last_ = now;
  const py::gil_scoped_acquire gil;
  if (PyErr_CheckSignals() != 0) {
    error_ = std::make_unique<py::error_already_set>();
    cancel.store(true);
  }
}

void InterruptWatch::rethrow() {
  if (!error_) return;
  const py::error_already_set error = *error_;
  error_.reset();
  throw error;
}

}  // namespace geosim::python
