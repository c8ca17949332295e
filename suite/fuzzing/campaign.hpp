// `essconf fuzz`: a libFuzzer campaign against a target over the network.
// Each input is a case file (World and request); a custom mutator keeps most
// mutants near a valid call (mutator.hpp), libFuzzer's byte mutations reach
// the rest; the model's code is coverage-instrumented in the fuzz build, so
// the search is guided by the spec's own branches. Every input runs through
// runner::CaseSession and the checker; a fail or error is a Finding, saved
// once per signature.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "suite/runner/run.hpp"

namespace essconf::fuzzing {

struct CampaignOptions {
  runner::RunOptions run;
  int seconds = 60;
  std::string corpus_dir;    // created and seeded from the catalog when empty
  std::string findings_dir;  // one <signature-hash>.json per distinct finding
  std::string cases_dir;     // the catalog, for seeds
  int jobs = 1;              // parallel fuzzing processes sharing the corpus
  std::string target_text;   // as given, for the bundles
  // run.on_progress hears of each case run (phase "fuzz", no total, findings
  // as failures); `before_print` is called before the campaign prints a line
  // of its own (a finding, the progress every 2 s, the summary), so that a
  // live status line (the CLI's) clears itself first. Both only in the first
  // process: with jobs > 1 the others leave them alone.
  std::function<void()> before_print;
};

// True when this binary was built with libFuzzer (the fuzz preset).
bool campaign_available() noexcept;

// Runs the campaign; returns the exit status (0 no finding, 1 findings, 2
// could not run). Prints progress to stderr and a summary at the end.
int run_campaign(const CampaignOptions& options);

}  // namespace essconf::fuzzing
