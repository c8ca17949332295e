// The live status line: what it writes, when it redraws (an injected clock,
// no real time), that it clears itself, and that disabled it writes nothing.
#include "suite/cli/progress_line.hpp"

#include <map>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace essconf::cli {
namespace {

// No chrono literals: cppcheck 2.10 cannot read them.
using ms = std::chrono::milliseconds;
using us = std::chrono::microseconds;

// A clock the test moves by hand.
struct FakeClock {
  std::chrono::steady_clock::time_point t{std::chrono::seconds(1000)};
  ProgressLine::Clock clock() {
    return [this] { return t; };
  }
};

TEST(ProgressLine, DrawsInPlaceAndErasesTheRestOfTheLine) {
  std::ostringstream out;
  FakeClock c;
  ProgressLine line(out, true, 0, c.clock());
  line.update([] { return std::string("catalog: 1/3 cases"); });
  EXPECT_EQ(out.str(), "\rcatalog: 1/3 cases\x1b[K");
  EXPECT_TRUE(line.shown());
}

TEST(ProgressLine, RedrawsAtMostOncePerInterval) {
  std::ostringstream out;
  FakeClock c;
  ProgressLine line(out, true, 0, c.clock(), ms(100));
  int made = 0;
  auto text = [&] { return "n=" + std::to_string(++made); };
  line.update(text);  // the first update always draws
  c.t += ms(40);
  line.update(text);
  c.t += ms(59);  // 99 ms since the draw
  line.update(text);
  EXPECT_EQ(made, 1) << "the text is not even made between redraws";
  c.t += ms(1);  // 100 ms
  line.update(text);
  EXPECT_EQ(made, 2);
  EXPECT_EQ(out.str(), "\rn=1\x1b[K\rn=2\x1b[K");
}

TEST(ProgressLine, NewsRedrawsAtOnce) {
  std::ostringstream out;
  FakeClock c;
  ProgressLine line(out, true, 0, c.clock(), ms(100));
  line.update([] { return std::string("0 failed"); });
  c.t += ms(1);
  line.update([] { return std::string("still 0 failed"); });
  line.update([] { return std::string("1 failed"); }, /*news=*/true);
  EXPECT_EQ(out.str(), "\r0 failed\x1b[K\r1 failed\x1b[K");
}

TEST(ProgressLine, ThousandsOfUpdatesInOneSecondDrawTenTimes) {
  std::ostringstream out;
  FakeClock c;
  ProgressLine line(out, true, 0, c.clock(), ms(100));
  int draws = 0;
  for (int i = 0; i < 5000; ++i) {  // 5000 requests over one second
    line.update([&] { return std::to_string(++draws); });
    c.t += us(200);
  }
  EXPECT_EQ(draws, 10);
}

TEST(ProgressLine, ClearErasesTheLineOnceAndTheNextUpdateDrawsAtOnce) {
  std::ostringstream out;
  FakeClock c;
  ProgressLine line(out, true, 0, c.clock());
  line.clear();
  EXPECT_EQ(out.str(), "") << "nothing shown, nothing to clear";
  line.update([] { return std::string("a"); });
  line.clear();
  line.clear();
  EXPECT_FALSE(line.shown());
  EXPECT_EQ(out.str(), "\ra\x1b[K\r\x1b[K");
  line.update([] { return std::string("b"); });  // no time has passed: drawn anyway
  EXPECT_EQ(out.str(), "\ra\x1b[K\r\x1b[K\rb\x1b[K");
}

TEST(ProgressLine, ClearsItselfAtTheEnd) {
  std::ostringstream out;
  {
    ProgressLine line(out, true);
    line.update([] { return std::string("x"); });
  }
  EXPECT_EQ(out.str(), "\rx\x1b[K\r\x1b[K");
}

TEST(ProgressLine, DisabledWritesNothingAtAll) {
  std::ostringstream out;
  FakeClock c;
  {
    ProgressLine line(out, false, 80, c.clock());
    int made = 0;
    for (int i = 0; i < 100; ++i) {
      line.update([&] { return std::to_string(++made); });
      c.t += std::chrono::seconds(1);
    }
    line.clear();
    EXPECT_EQ(made, 0);
    EXPECT_FALSE(line.shown());
  }
  EXPECT_EQ(out.str(), "");
}

TEST(ProgressLine, CutsTextToTheTerminalWidth) {
  std::ostringstream out;
  ProgressLine line(out, true, 10);
  line.update([] { return std::string("0123456789abcdef"); });
  EXPECT_EQ(out.str(), "\r012345678\x1b[K") << "one column short of the width: a full line would wrap";
}

TEST(ProgressLine, AParkedCursorGoesBackToTheStartOfTheLine) {
  std::ostringstream out;
  ProgressLine line(out, true);
  line.park_cursor(true);
  line.update([] { return std::string("fuzz"); });
  EXPECT_EQ(out.str(), "\rfuzz\x1b[K\r");
}

TEST(ProgressLineWanted, OnlyOnATerminalWithoutNoColorOrADumbTerminal) {
  std::map<std::string, std::string> env;
  auto getenv = [&](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  EXPECT_TRUE(progress_line_wanted(true, false, getenv));
  EXPECT_FALSE(progress_line_wanted(false, false, getenv)) << "not a terminal";
  EXPECT_FALSE(progress_line_wanted(true, true, getenv)) << "--no-progress";
  env["NO_COLOR"] = "";
  EXPECT_TRUE(progress_line_wanted(true, false, getenv)) << "an empty NO_COLOR does not count";
  env["NO_COLOR"] = "1";
  EXPECT_FALSE(progress_line_wanted(true, false, getenv));
  env.erase("NO_COLOR");
  env["TERM"] = "dumb";
  EXPECT_FALSE(progress_line_wanted(true, false, getenv));
  env["TERM"] = "xterm-256color";
  EXPECT_TRUE(progress_line_wanted(true, false, getenv));
}

TEST(RunStatusText, NamesThePhaseHowFarItIsFailuresAndTheRate) {
  runner::Progress p{"catalog", 12, 340, 1, 1700};
  EXPECT_EQ(run_status_text(p, 2.0, ""), "catalog: 12/340 cases, 1 failed, 850 requests/s");
  EXPECT_EQ(run_status_text(p, 2.0, "vendor"), "[vendor] catalog: 12/340 cases, 1 failed, 850 requests/s");
  p = {"property.differential", 40, 300, 0, 42000};
  EXPECT_EQ(run_status_text(p, 2.0, ""), "property.differential: 40/300 runs, 0 failed, 21k requests/s");
  p = {"property.concurrency", 3, 10, 2, 1500};
  EXPECT_EQ(run_status_text(p, 1.0, ""), "property.concurrency: 3/10 rounds, 2 failed, 1.5k requests/s");
}

TEST(RunStatusText, ShrinkingPastThePlannedRunsShowsTheCountAlone) {
  const runner::Progress p{"property.differential", 312, 300, 1, 0};
  EXPECT_EQ(run_status_text(p, 1.0, ""), "property.differential: 312 runs, 1 failed, 0 requests/s");
}

TEST(RunStatusText, NoRateBeforeAnyTimeHasPassed) {
  const runner::Progress p{"catalog", 1, 2, 0, 5};
  EXPECT_EQ(run_status_text(p, 0.0, ""), "catalog: 1/2 cases, 0 failed, 0 requests/s");
}

TEST(FuzzStatusText, CasesFindingsRateAndTheTimeBudget) {
  runner::Progress p{"fuzz", 3400, 0, 2, 27000};
  EXPECT_EQ(fuzz_status_text(p, 30.4, 60), "fuzz: 30/60 s, 3.4k cases, 2 findings, 888 requests/s");
  p = {"fuzz", 7, 0, 1, 10};
  EXPECT_EQ(fuzz_status_text(p, 1.0, 90), "fuzz: 1/90 s, 7 cases, 1 finding, 10 requests/s");
}

TEST(ShortCount, StaysShort) {
  EXPECT_EQ(short_count(0), "0");
  EXPECT_EQ(short_count(999), "999");
  EXPECT_EQ(short_count(1234), "1.2k");
  EXPECT_EQ(short_count(56789), "57k");
  EXPECT_EQ(short_count(2500000), "2.5M");
}

}  // namespace
}  // namespace essconf::cli
