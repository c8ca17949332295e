// The reference model of RemoveInstances, whole: the World, what the
// documentation allows for a request (expect.hpp), the World after a
// decision (apply.hpp), timestamps (time.hpp) and the documentation's error
// table (error_table.hpp). An umbrella: code that needs one part includes its
// header.
#pragma once

#include "reference/model/apply.hpp"
#include "reference/model/error_table.hpp"
#include "reference/model/expect.hpp"
#include "reference/model/time.hpp"
