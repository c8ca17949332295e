// `essconf probe`: the catalog against a target without the fixture protocol
// (docs/probe.md). Each case is moved onto what the user declares (--group,
// --member, --access-key-id), judged over every World consistent with it, and
// sent only when it removes nothing in any of them. Same outputs and exit
// codes as essconf run, and generated requests the same way (--property-runs).
#include <unistd.h>

#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "suite/cli/commands.hpp"
#include "suite/cli/run_flags.hpp"
#include "suite/probe/probe_cases.hpp"
#include "suite/report/terminal_report.hpp"
#include "suite/runner/run_target.hpp"

namespace essconf::cli {
namespace {

struct ProbeCliOptions {
  std::string target;
  std::vector<std::string> groups;
  std::vector<std::string> members;
  std::string region = "cn-hangzhou";
  std::string access_key_id;
  std::string access_key_secret;
  SharedRunFlags shared;
  std::vector<std::string> filters;
  std::string out_dir;
  std::string junit;
  std::string cases_dir = ESSCONF_CASES_DIR;
  bool list = false;
};

// --group, --member GROUP:INSTANCE (its group declared with it), the region and the key.
Result<probe::Declarations> declarations(const ProbeCliOptions& o) {
  probe::Declarations d;
  d.region_id = o.region;
  auto group = [&d](const std::string& id) -> probe::DeclaredGroup& {
    for (auto& g : d.groups)
      if (g.id == id) return g;
    d.groups.push_back({id, {}});
    return d.groups.back();
  };
  for (const auto& g : o.groups) {
    if (d.group(g) != nullptr) return Problem("--group", fmt::format("the group \"{}\" is declared twice", g));
    group(g);
  }
  for (const auto& m : o.members) {
    const auto colon = m.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == m.size())
      return Problem("--member", fmt::format("\"{}\" is not GROUP:INSTANCE", m));
    group(m.substr(0, colon)).members.push_back(m.substr(colon + 1));
  }
  if (!o.access_key_id.empty()) d.key = model::AccessKey{o.access_key_id, o.access_key_secret, true};
  if (auto why = probe::contradiction(d); !why.empty()) return Problem("--group/--member", why);
  return d;
}

int probe_target(const ProbeCliOptions& o) {
  auto target = parse_target(o.target);
  if (!target) {
    std::cerr << fmt::format("essconf probe: --target \"{}\": {}\n", o.target, target.error());
    return 2;
  }
  if (target->url.empty()) {
    std::cerr << "essconf probe: --target needs a URL (probe a running server, e.g. one `essconf serve` started)\n";
    return 2;
  }
  auto d = declarations(o);
  if (!d) {
    std::cerr << "essconf probe: " << d.error() << "\n";
    return 2;
  }
  auto catalog = load_catalog("essconf probe", o.cases_dir, ESSCONF_SOURCE_DIR);
  if (!catalog) return 2;
  auto fresh = probe::FreshIds::for_new_run(o.shared.seed);
  runner::RunPlan plan;
  plan.target = target->url;
  plan.label = target->label;
  plan.property_runs = o.shared.property_runs;
  if (!o.shared.skip_catalog)
    for (const auto& c : *catalog)
      if (selected(c, o.filters)) plan.cases.push_back(probe::to_probe_case(c, *d, fresh));
  if (o.list) {
    for (const auto& c : plan.cases) std::cout << c.id << "\n";
    std::cout << plan.cases.size() << " cases\n";
    return 0;
  }
  if (plan.cases.empty() && plan.property_runs == 0) {
    std::cerr << "essconf probe: nothing to run: no case matches the filters and --property-runs is 0\n";
    return 2;
  }
  o.shared.apply(plan.options);
  if (d->key) plan.options.credentials.emplace(d->key->id, d->key->secret);
  plan.options.probe = *d;
  const runner::RunOutcome outcome = runner::run_target(plan);
  if (outcome.error) {
    std::cerr << "essconf probe: " << outcome.error->text() << "\n";
    return 2;
  }
  std::cout << report::terminal_report(outcome.result, isatty(STDOUT_FILENO) != 0) << std::flush;
  return std::max(outcome.exit_status, write_run_files("essconf probe", o.out_dir, o.junit, outcome.result));
}

}  // namespace

void add_probe_command(CLI::App& app, int& exit_status) {
  auto o = std::make_shared<ProbeCliOptions>();
  auto* cmd = app.add_subcommand(
      "probe", "Judge a target that has no fixture protocol, sending only requests that remove nothing (docs/probe.md)");
  cmd->add_option("--target", o->target, "[LABEL=]URL of the target, e.g. staging=https://ess.example.com")->required();
  cmd->add_option("--group", o->groups, "A scaling group that exists on the target (repeatable)");
  cmd->add_option("--member", o->members, "GROUP:INSTANCE, an instance that is a member of the group (repeatable)");
  cmd->add_option("--region", o->region, "The region the declared groups are in")->capture_default_str();
  auto* key_id = cmd->add_option("--access-key-id", o->access_key_id,
                                 "A key the target accepts and authorizes for RemoveInstances: every request is signed with it");
  auto* key_secret = cmd->add_option("--access-key-secret", o->access_key_secret, "The key's secret");
  key_id->needs(key_secret);
  key_secret->needs(key_id);
  add_profile_option(cmd, o->shared.profile, "spec (every reading the ledger allows) or strict (the reference's choices)");
  cmd->add_option("--signature", o->shared.signature, "v1 (HMAC-SHA1 parameters) or v3 (ACS3-HMAC-SHA256 headers)")
      ->check(CLI::IsMember({"v1", "v3"}))
      ->capture_default_str();
  cmd->add_option("--filter", o->filters, "Only cases whose id or a clause matches this glob (repeatable)");
  cmd->add_option("--seed", o->shared.seed, "Seed for fresh ids and nonces")->capture_default_str();
  cmd->add_option("--out", o->out_dir, "Write DIR/results.json (docs/results.md)");
  cmd->add_option("--junit", o->junit, "Write JUnit XML to FILE");
  cmd->add_option("--cases", o->cases_dir, "Directory of case files")->capture_default_str();
  cmd->add_flag("--list", o->list, "List the selected cases and exit");
  add_property_options(cmd, o->shared,
                       "Generated near-valid and malformed requests, moved onto the declarations and sent when safe "
                       "(0: none)",
                       "Send only generated requests");
  add_timeout_options(cmd, o->shared);
  cmd->callback([o, &exit_status] { exit_status = probe_target(*o); });
}

}  // namespace essconf::cli
