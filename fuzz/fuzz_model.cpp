// Oracle (model invariants): for any case file (docs/cases.md) that loads,
// the request it sends at a fixed clock is judged the same way twice (equal
// to_json); no profile allows a 5xx; the reference decision passes under both
// profiles; a success keeps the group at or above min(members before, MinSize)
// and leaves a valid World (parse_world(to_json) gives it back); the reference
// body renders in its format and parses back with its Code (or as a success).
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <set>
#include <string>
#include <string_view>

#include "reference/model/expectation_json.hpp"
#include "reference/model/model.hpp"
#include "reference/wire/body.hpp"
#include "suite/runner/case.hpp"

namespace model = essconf::model;
namespace wire = essconf::wire;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto loaded = essconf::runner::parse_case({reinterpret_cast<const char*>(data), size}, "fuzz");
  if (!loaded) return 0;
  const auto& world = loaded->world;
  const model::NonceLedger no_nonces;
  const model::Context ctx{1790000000, 0, &no_nonces};
  const auto request = essconf::runner::build_request(loaded->request, ctx.now, "fuzz-nonce-0001");
  for (const auto profile : {model::Profile::spec, model::Profile::strict}) {
    const auto e = model::expect(world, request, profile, ctx);
    if (model::to_json(e) != model::to_json(model::expect(world, request, profile, ctx))) std::abort();
    if (e.grade_error(500, "InternalError", "x") || e.grade_error(503, "ServiceUnavailable", "x")) std::abort();
    const auto& d = e.reference;
    if (d.success ? e.grade_success(d.effects) != model::Grade::pass
                  : e.grade_error(d.status, d.code, d.message) != model::Grade::pass) std::abort();
    const auto body = d.success ? wire::render_success({"R-1", "asa-fuzz"}, d.format)
                                : wire::render_error({"R-1", "h", d.code, d.message, "r"}, d.format);
    const auto back = wire::parse_body(body.body);
    if (!d.success && back.field("Code") != d.code) std::abort();
    if (d.success && (back.is_error_shape() || back.field("ScalingActivityId") != "asa-fuzz")) std::abort();
    if (!d.success) continue;  // a rejected call is never applied: nothing more to check
    const auto* before = world.group(d.effects.group_id);
    if (before == nullptr) std::abort();
    const auto after = model::apply(world, d.effects, "asa-fuzz");
    const auto* group = after.group(d.effects.group_id);
    const auto floor = std::min<std::int64_t>(static_cast<std::int64_t>(before->members.size()), before->min_size);
    if (group == nullptr || static_cast<std::int64_t>(group->members.size()) < floor) std::abort();
    const auto again = model::parse_world(model::to_json(after));
    if (!again || !(*again == after)) std::abort();
  }
  return 0;
}
