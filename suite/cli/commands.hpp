// The essconf subcommands. Each registers its options on the CLI11 app and
// returns the process exit status: 0 success, 1 a negative verdict, 2 the
// command could not run (bad input: the message says which file and why).
#pragma once

#include <CLI/CLI.hpp>

namespace essconf::cli {

void add_clauses_command(CLI::App& app, int& exit_status);
void add_explain_command(CLI::App& app, int& exit_status);
void add_serve_command(CLI::App& app, int& exit_status);
void add_run_command(CLI::App& app, int& exit_status);
void add_fuzz_commands(CLI::App& app, int& exit_status);  // fuzz and replay
void add_report_command(CLI::App& app, int& exit_status);
void add_selftest_command(CLI::App& app, int& exit_status);

}  // namespace essconf::cli
