// `essconf explain`: what the reference model allows for one request against
// one World, as JSON (the reference's answer, every acceptable outcome with
// its grade and clauses).
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "reference/model/expectation_json.hpp"
#include "reference/model/model.hpp"
#include "suite/runner/case.hpp"
#include "suite/runner/files.hpp"
#include "suite/cli/commands.hpp"

namespace essconf::cli {
namespace {

struct ExplainOptions {
  std::string case_file;
  std::string world_file;
  std::string method = "GET";
  std::string target = "/";
  std::string body;
  std::vector<std::string> headers;
  model::Profile profile = model::Profile::spec;
  std::int64_t now = 0;
};


std::int64_t clock_now(std::int64_t given) {
  return given != 0 ? given
                    : std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
}

// --case: the case's World and the request it would send now, the exact bytes, then the expectation.
int run_case(const ExplainOptions& o) {
  auto loaded = runner::load_case(o.case_file);
  if (!loaded) {
    std::cerr << "essconf: " << loaded.error() << "\n";
    return 2;
  }
  const runner::Case& c = *loaded;
  model::Context ctx;
  ctx.now = clock_now(o.now);
  const auto req = runner::build_request(c.request, ctx.now, "explain-nonce-0001");
  const auto profile = o.profile;
  std::cout << wire::to_http_bytes(req) << "\n\n" << model::to_json(model::expect(c.world, req, profile, ctx)) << "\n";
  return 0;
}

int run(const ExplainOptions& o) {
  if (!o.case_file.empty()) return run_case(o);
  const auto text = runner::read_file(o.world_file);
  if (!text) {
    std::cerr << fmt::format("essconf: {}: cannot read the file\n", o.world_file);
    return 2;
  }
  const auto parsed = model::parse_world(*text);
  if (!parsed) {
    std::cerr << fmt::format("essconf: {}\n", Problem(parsed.problem()).in(o.world_file).text());
    return 2;
  }
  wire::HttpRequest req;
  req.method = o.method;
  req.target = o.target;
  req.body = o.body;
  for (const auto& h : o.headers) {
    const auto colon = h.find(':');
    if (colon == std::string::npos || colon == 0) {
      std::cerr << fmt::format("essconf: --header \"{}\": expected \"Name: value\"\n", h);
      return 2;
    }
    const auto value_start = h.find_first_not_of(' ', colon + 1);
    req.headers.push_back({h.substr(0, colon), value_start == std::string::npos ? "" : h.substr(value_start)});
  }
  model::Context ctx;
  ctx.now = clock_now(o.now);
  const auto profile = o.profile;
  std::cout << model::to_json(model::expect(*parsed, req, profile, ctx)) << "\n";
  return 0;
}

}  // namespace

void add_explain_command(CLI::App& app, int& exit_status) {
  auto opts = std::make_shared<ExplainOptions>();
  auto* cmd = app.add_subcommand("explain", "Print what the model allows for a request against a World");
  auto* case_opt = cmd->add_option("--case", opts->case_file, "A catalog case file (fixtures/cases/...)");
  auto* world_opt = cmd->add_option("--world", opts->world_file, "World JSON file (fixture protocol v1)");
  cmd->add_option("--method", opts->method, "HTTP method")->capture_default_str();
  auto* target_opt = cmd->add_option("--target", opts->target, "Request-target, e.g. '/?Action=RemoveInstances&...'");
  world_opt->needs(target_opt)->excludes(case_opt);
  target_opt->needs(world_opt);
  cmd->require_option(1, 0);
  cmd->add_option("--body", opts->body, "Request body (a form body needs --header 'Content-Type: ...')");
  cmd->add_option("--header", opts->headers, "Header 'Name: value' (repeatable)");
  add_profile_option(cmd, opts->profile, "spec or strict");
  cmd->add_option("--now", opts->now, "The target's clock as Unix seconds (default: this machine's)");
  cmd->callback([opts, &exit_status] { exit_status = run(*opts); });
}

}  // namespace essconf::cli
