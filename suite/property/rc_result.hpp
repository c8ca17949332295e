// RapidCheck's TestResult as a PropertyResult: shared by the properties.
#pragma once

#include <sstream>

#include <rapidcheck.h>

#include "suite/property/properties.hpp"

namespace essconf::property {

// Sets out.passed and out.runs from RapidCheck's result and returns the
// failure, if there is one. When RapidCheck neither passed nor found a
// failure (it gave up, or errored), out.summary says why.
inline const rc::detail::FailureResult* take_result(const rc::detail::TestResult& result, PropertyResult& out) {
  if (result.template is<rc::detail::SuccessResult>()) {
    out.passed = true;
    out.runs = result.template get<rc::detail::SuccessResult>().numSuccess;
    return nullptr;
  }
  if (result.template is<rc::detail::FailureResult>()) {
    const auto& bad = result.template get<rc::detail::FailureResult>();
    out.runs = bad.numSuccess;
    return &bad;
  }
  std::ostringstream os;
  rc::detail::printResultMessage(result, os);
  out.summary = os.str();
  return nullptr;
}

}  // namespace essconf::property
