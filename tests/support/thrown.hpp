#pragma once
// thrown<E>(fn): runs fn, requires it to throw exactly E, returns what().
#include <doctest/doctest.h>

#include <exception>
#include <string>
#include <typeinfo>

namespace geosim::testing {

template <class E, class Fn>
std::string thrown(Fn fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    INFO("what(): " << e.what());
    CHECK_MESSAGE(typeid(e) == typeid(E), "threw " << typeid(e).name() << " instead of " << typeid(E).name());
    return e.what();
  }
  FAIL("no exception thrown");
  return {};
}

}  // namespace geosim::testing
