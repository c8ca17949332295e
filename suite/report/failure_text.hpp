// One failure of a property as text, for JUnit and the terminal.
#pragma once

#include <string>

#include "suite/runner/run.hpp"

namespace essconf::report {

// "[fail] clause, clause: summary" and the counterexample below it.
std::string failure_text(const runner::PropertyFailure& f);

}  // namespace essconf::report
