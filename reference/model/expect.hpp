// The reference model's judgement of one request: pure functions from a
// World and a request (as bytes on the wire) to what the documentation allows
// and to the reference's own decision. No I/O, no clock, no randomness: time
// and used nonces are passed in the Context.
#pragma once

#include "reference/model/expectation.hpp"
#include "reference/model/world.hpp"
#include "reference/wire/http_request.hpp"
#include "reference/wire/params.hpp"

namespace essconf::model {

// The outcomes the documentation allows for `request` against `world`, graded
// for `profile`, and the reference's own Decision. Every rule of the clause
// catalog whose oracle is "model" is decided here (rules.cpp has them in the
// reference's order of precedence, docs/ambiguities.md says why).
Expectation expect(const World& world, const wire::HttpRequest& request, Profile profile,
                   const Context& context);

// The reference's own answer alone: expect(...).reference under any profile,
// without the outcomes the other readings allow (what essconf serve needs).
Decision decide(const World& world, const wire::HttpRequest& request, const Context& context);

// Every parameter of the request as the model reads it: the query's pairs,
// then a form body's (POST with Content-Type application/x-www-form-urlencoded).
wire::ParamList request_params(const wire::HttpRequest& request);

}  // namespace essconf::model
