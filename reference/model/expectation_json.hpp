// The Expectation as JSON, for `essconf explain`, results files and reproducers.
#pragma once

#include <string>

#include "reference/model/expectation.hpp"

namespace essconf::model {

std::string to_json(const Expectation& expectation);

}  // namespace essconf::model
