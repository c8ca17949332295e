// essconf: conformance suite and fuzzer for Alibaba Cloud Auto Scaling's
// RemoveInstances (2014-08-28). See README.md and docs/.
#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>

#include "suite/cli/commands.hpp"

int main(int argc, char** argv) {
  try {
    CLI::App app{"essconf: conformance suite for Alibaba Cloud ESS RemoveInstances (2014-08-28)"};
    app.require_subcommand(1);
    int exit_status = 0;
    essconf::cli::add_clauses_command(app, exit_status);
    essconf::cli::add_explain_command(app, exit_status);
    essconf::cli::add_serve_command(app, exit_status);
    essconf::cli::add_run_command(app, exit_status);
    essconf::cli::add_probe_command(app, exit_status);
    essconf::cli::add_fuzz_commands(app, exit_status);
    essconf::cli::add_report_command(app, exit_status);
    essconf::cli::add_selftest_command(app, exit_status);
    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      // Usage errors exit 2, as every other "could not run" does; --help exits 0.
      const int rc = app.exit(e);
      return rc == 0 ? 0 : 2;
    }
    return exit_status;
  } catch (const std::exception& e) {
    // Anything a command did not handle (a file that cannot be written, no
    // memory): the run could not happen, so exit 2 with the reason rather
    // than abort through std::terminate.
    std::fprintf(stderr, "essconf: %s\n", e.what());
    return 2;
  }
}
