// `essconf report RESULTS...`: the compatibility matrix of one or more
// results files (or folders holding them), as HTML and/or Markdown. This file
// maps the flags; suite/report/merge.hpp reads, merges and renders.
#include <iostream>
#include <memory>

#include "suite/cli/commands.hpp"
#include "suite/report/merge.hpp"
#include "suite/runner/files.hpp"

namespace essconf::cli {
namespace {

struct ReportCliOptions {
  std::vector<std::string> inputs;
  report::ReportFiles files;
};

int report(const ReportCliOptions& o) {
  const auto inputs = report::read_inputs(o.inputs);
  if (!inputs) {
    std::cerr << "essconf report: " << inputs.error() << "\n";
    return 2;
  }
  int status = 0;
  for (const auto& r : report::render_reports(*inputs, o.files)) {
    if (r.file.empty()) {
      std::cout << r.text;
    } else if (auto written = runner::write_file_atomically(r.file, r.text); !written) {
      std::cerr << "essconf report: " << written.error() << "\n";
      status = 2;
    }
  }
  return status;
}

}  // namespace

void add_report_command(CLI::App& app, int& exit_status) {
  auto o = std::make_shared<ReportCliOptions>();
  auto* cmd = app.add_subcommand("report", "The compatibility matrix (clauses by targets) of results files");
  cmd->add_option("results", o->inputs,
                  "results.json files, or folders holding them (essconf run --out DIR); slices of one target's "
                  "run (--shard) merge. One selftest.json (essconf selftest --out DIR), or a folder holding it, adds "
                  "the suite's own strength beside the targets")
      ->required();
  cmd->add_option("--html", o->files.html, "Write the self-contained HTML report to FILE");
  cmd->add_option("--markdown", o->files.markdown, "Write the Markdown summary (fits a pull-request comment) to FILE");
  cmd->add_option("--verdicts", o->files.verdicts,
                  "Write one line per target and case or property (target, kind, id, verdict, clauses) to FILE: "
                  "what two runs are compared by");
  cmd->callback([o, &exit_status] { exit_status = report(*o); });
}

}  // namespace essconf::cli
