// The essconf subcommands. Each registers its options on the CLI11 app and
// returns the process exit status: 0 success, 1 a negative verdict, 2 the
// command could not run (bad input: the message says which file and why).
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "reference/model/expectation.hpp"

namespace essconf::cli {

// --profile spec|strict into `profile`: model::parse_profile reads the names,
// as it does in results.json.
inline CLI::Option* add_profile_option(CLI::App* cmd, model::Profile& profile, const std::string& help) {
  return cmd
      ->add_option_function<std::string>(
          "--profile", [&profile](const std::string& text) { profile = *model::parse_profile(text); }, help)
      ->check([](const std::string& text) { return model::parse_profile(text) ? std::string() : "expected spec or strict"; },
              "spec|strict")
      ->default_str("spec");
}

void add_clauses_command(CLI::App& app, int& exit_status);
void add_explain_command(CLI::App& app, int& exit_status);
void add_serve_command(CLI::App& app, int& exit_status);
void add_run_command(CLI::App& app, int& exit_status);
void add_probe_command(CLI::App& app, int& exit_status);
void add_fuzz_commands(CLI::App& app, int& exit_status);  // fuzz and replay
void add_report_command(CLI::App& app, int& exit_status);
void add_selftest_command(CLI::App& app, int& exit_status);

}  // namespace essconf::cli
