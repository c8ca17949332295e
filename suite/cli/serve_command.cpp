// `essconf serve`: the reference RemoveInstances endpoint with the fixture
// protocol, on Beast. docs/serve.md is its manual.
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <system_error>

#include <fmt/format.h>

#include "embedded/essconf_demo_world.hpp"
#include "reference/server/http_server.hpp"
#include "reference/server/service.hpp"
#include "suite/cli/commands.hpp"
#include "suite/runner/files.hpp"
#include "suite/selftest/faults.hpp"
#include "suite/selftest/readings.hpp"

namespace essconf::cli {
namespace {

struct ServeOptions {
  std::string listen = "127.0.0.1:8080";
  std::string world_file;
  int threads = 2;
  std::vector<std::string> faults;
  bool list_faults = false;
  std::vector<std::string> readings;
  bool list_readings = false;
  std::uint64_t seed = 0;
};

bool split_listen(const std::string& listen, std::string& host, std::uint16_t& port) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string p = listen.substr(colon + 1);
  if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos) return false;
  const unsigned long n = std::stoul(p);
  if (n > 65535) return false;
  port = static_cast<std::uint16_t>(n);
  return true;
}

// "Action" from the query, for the log line ("-" when it is elsewhere).
std::string action_of(std::string_view target) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return std::string(target.substr(0, 40));
  for (const auto& p : wire::parse_params(target.substr(q + 1), wire::Origin::query).params)
    if (p.name == "Action") return p.value.substr(0, 40);
  return "-";
}

// The hooks the --fault and --reading names ask for: readings first, so that
// a fault then breaks a clause of whatever reading is served.
Result<server::ServiceHooks> hooks_named(const ServeOptions& o) {
  selftest::FaultSet faults;
  for (const auto& name : o.faults) {
    const auto f = selftest::fault_named(name);
    if (!f) return Problem("", fmt::format("unknown fault \"{}\" (essconf serve --list-faults lists them)", name));
    faults.set(static_cast<std::size_t>(*f));
  }
  selftest::ReadingSet readings;
  for (const auto& name : o.readings) {
    const auto r = selftest::reading_named(name);
    if (!r) return Problem("", fmt::format("unknown reading \"{}\" (essconf serve --list-readings lists them)", name));
    readings.set(static_cast<std::size_t>(*r));
  }
  auto hooks = selftest::reading_hooks(readings);
  for (auto& h : selftest::fault_hooks(faults)) hooks.push_back(std::move(h));
  return hooks;
}

// --world's World, or the demo World.
Result<model::World> world_to_serve(const ServeOptions& o) {
  if (o.world_file.empty()) return model::parse_world(embedded::kDemoWorldJson).in("the demo World");
  const auto text = runner::read_file(o.world_file);
  if (!text) return Problem("", "cannot read the file", o.world_file);
  return model::parse_world(*text).in(o.world_file);
}

// The transport holds up to max_connections sockets. Under the usual soft
// descriptor limit (1024) accept would fail with EMFILE long before that,
// where the server no longer makes room for new clients (a flood of idle
// connections would lock every client out): raise it as far as needed, up to
// the hard limit.
void raise_descriptor_limit(const server::ServerOptions& options) {
  if (rlimit rl{}; ::getrlimit(RLIMIT_NOFILE, &rl) == 0) {
    const rlim_t wanted = options.limits.max_connections + 256;
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < wanted) {
      rl.rlim_cur = rl.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, rl.rlim_max);
      ::setrlimit(RLIMIT_NOFILE, &rl);
    }
  }
}

int serve(const server::ServerOptions& options, server::Service& service) {
  auto log = [](const server::RequestLog& r) {
    std::fprintf(stderr, "%s %s %d %s %lldus\n", r.method.c_str(), action_of(r.target).c_str(), r.status,
                 r.code.empty() ? "-" : std::string(r.code).c_str(), static_cast<long long>(r.latency.count()));
  };
  try {
    server::HttpServer http(options, [&service](const wire::HttpRequest& req) { return service.handle(req); }, log);
    const bool v6 = options.host.find(':') != std::string::npos;
    std::printf("essconf serve: listening on http://%s%s%s:%u\n", v6 ? "[" : "", options.host.c_str(), v6 ? "]" : "",
                static_cast<unsigned>(http.port()));
    std::fflush(stdout);
    http.run(/*handle_signals=*/true);
  } catch (const std::system_error& e) {
    std::cerr << "essconf serve: " << e.what() << "\n";
    return 2;
  }
  return 0;
}

int run(const ServeOptions& o) {
  if (o.list_faults) {
    for (const auto& f : selftest::fault_catalog()) std::cout << fmt::format("{:<28} {:<34} {}\n", f.name, f.clause, f.what);
    return 0;
  }
  if (o.list_readings) {
    for (const auto& r : selftest::reading_catalog()) std::cout << fmt::format("{:<26} {:<34} {}\n", r.name, r.clause, r.what);
    return 0;
  }
  auto hooks = hooks_named(o);
  auto world = hooks ? world_to_serve(o) : Result<model::World>(hooks.problem());
  if (!world) {
    std::cerr << fmt::format("essconf serve: {}\n", world.error());
    return 2;
  }
  server::ServerOptions server_options;
  if (!split_listen(o.listen, server_options.host, server_options.port)) {
    std::cerr << fmt::format("essconf serve: --listen \"{}\": expected HOST:PORT\n", o.listen);
    return 2;
  }
  server_options.threads = o.threads;
  raise_descriptor_limit(server_options);
  server::ServiceOptions service_options;
  service_options.seed = o.seed;
  service_options.hooks = std::move(*hooks);
  server::Service service(std::move(*world), std::move(service_options));
  return serve(server_options, service);
}

}  // namespace

void add_serve_command(CLI::App& app, int& exit_status) {
  auto o = std::make_shared<ServeOptions>();
  auto* cmd = app.add_subcommand("serve", "Run the reference RemoveInstances server (with the fixture protocol)");
  cmd->add_option("--listen", o->listen, "HOST:PORT to listen on (port 0: any free port)")->capture_default_str();
  cmd->add_option("--world", o->world_file, "Initial World JSON (default: the demo World of docs/serve.md)");
  cmd->add_option("--threads", o->threads, "Threads serving requests")->check(CLI::Range(1, 64))->capture_default_str();
  cmd->add_option("--fault", o->faults, "Break one clause on purpose (repeatable; see --list-faults)");
  cmd->add_flag("--list-faults", o->list_faults, "List the self-test faults and exit");
  cmd->add_option("--reading", o->readings,
                  "Answer another legitimate way where the documentation is open (repeatable; see --list-readings)");
  cmd->add_flag("--list-readings", o->list_readings, "List the self-test readings, with the clause each reads, and exit");
  cmd->add_option("--seed", o->seed, "Seed for RequestId and ScalingActivityId (0: random)");
  cmd->callback([o, &exit_status] { exit_status = run(*o); });
}

}  // namespace essconf::cli
