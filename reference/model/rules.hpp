// The rules of RemoveInstances, one function per family, each reporting the
// rules a request breaks as Violations tagged with their clause id. Internal
// to the model: expect() turns Violations into graded Outcomes.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reference/model/expectation.hpp"
#include "reference/model/world.hpp"
#include "reference/wire/http_request.hpp"
#include "reference/wire/params.hpp"

namespace essconf::model::rules {

// Whether a reading exists under which the call goes on despite this rule,
// and how such a success is graded.
enum class Proceed { never, pass, deviation };

struct Violation {
  std::string_view clause;
  // The reference's answer when this rule decides.
  int status = 400;
  std::string code;
  std::string message;
  ErrorSpec passes;                    // answers that pass under the spec profile
  std::optional<ErrorSpec> tolerated;  // further answers graded as deviations
  std::string_view tolerated_clause;   // the clause a tolerated answer is reported under
  bool reference_rejects = true;       // false: the reference goes on; the error is another reading
  Proceed proceed = Proceed::never;
  std::string why;
};

// One reading of the request's parameters: each name once.
using ParamMap = std::map<std::string, std::string, std::less<>>;

// All that one reading of a request leads to.
struct Analysis {
  std::vector<Violation> violations;        // in the reference's order of precedence
  std::optional<Effects> effects;           // what a success would do, when it can be worked out
  std::vector<std::string_view> success_clauses;
  std::vector<std::string_view> checked;    // every rule evaluated on this request, broken or not
  std::optional<NonceUse> nonce_used;       // signature verified: key and nonce
};

// Runs every rule on one reading. `sent` is every parameter as sent (for
// wire issues and the signature), `params` the reading.
Analysis analyse(const World& world, const wire::HttpRequest& request, const wire::ParamList& sent,
                 const ParamMap& params, const Context& context);

// Documented message templates.
std::string missing_parameter_message(std::string_view name);
std::string invalid_parameter_message(std::string_view name);

}  // namespace essconf::model::rules
