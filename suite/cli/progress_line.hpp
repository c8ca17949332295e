// One live status line on a terminal for long work (essconf run, essconf
// fuzz): "\r" + text + erase to the end of the line, redrawn in place at most
// every `interval` (a steady clock, injectable for tests), cleared before any
// other output and at the end, so normal output never lands after a half
// line. Disabled (not a terminal, NO_COLOR, TERM=dumb, --no-progress), it
// writes nothing at all.
#pragma once

#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "suite/runner/run.hpp"

namespace essconf::cli {

class ProgressLine {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // `width`: the terminal's columns (0: unknown); longer text is cut to
  // width - 1 columns, since a line that wraps cannot be redrawn in place.
  explicit ProgressLine(std::ostream& out, bool enabled, std::size_t width = 0,
                        Clock clock = [] { return std::chrono::steady_clock::now(); },
                        std::chrono::milliseconds interval = std::chrono::milliseconds(100))
      : out_(out), enabled_(enabled), width_(width), clock_(std::move(clock)), interval_(interval) {}
  ~ProgressLine() { clear(); }
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // After each redraw the cursor goes back to the start of the line, so that
  // output the program does not control (libFuzzer's own lines) overwrites
  // the status from the left rather than following it on the same line.
  void park_cursor(bool parked) noexcept { parked_ = parked; }

  bool enabled() const noexcept { return enabled_; }
  bool shown() const noexcept { return shown_; }
  std::chrono::steady_clock::time_point now() const { return clock_(); }

  // Redraws with make_text() when a redraw is due: the first call, then
  // once `interval` has passed since the last redraw, and at once when
  // `news` (a new failure, say, which should not wait). make_text is not
  // called otherwise, so a caller updating on every request pays for one
  // clock read.
  template <class MakeText>
  void update(MakeText&& make_text, bool news = false) {
    if (!enabled_) return;
    const auto t = clock_();
    if (drawn_once_ && !news && t - last_draw_ < interval_) return;
    draw(make_text(), t);
  }

  // Erases the line if it is shown (before other output, and at the end).
  // The next update draws at once.
  void clear() {
    if (!shown_) return;
    out_ << "\r\x1b[K" << std::flush;
    shown_ = false;
    drawn_once_ = false;
  }

 private:
  void draw(std::string text, std::chrono::steady_clock::time_point t) {
    if (width_ > 1 && text.size() > width_ - 1) text.resize(width_ - 1);
    out_ << '\r' << text << "\x1b[K";
    if (parked_) out_ << '\r';
    out_ << std::flush;
    shown_ = true;
    drawn_once_ = true;
    last_draw_ = t;
  }

  std::ostream& out_;
  bool enabled_;
  std::size_t width_;
  Clock clock_;
  std::chrono::milliseconds interval_;
  bool parked_ = false;
  bool shown_ = false;
  bool drawn_once_ = false;
  std::chrono::steady_clock::time_point last_draw_{};
};

// Whether a status line goes on `fd`: a terminal, and neither NO_COLOR (set,
// not empty) nor TERM=dumb in `env` (getenv, injectable), nor `forced_off`;
// `is_terminal` is isatty(fd), given so that tests need no terminal.
inline bool progress_line_wanted(bool is_terminal, bool forced_off, const std::function<const char*(const char*)>& env) {
  if (!is_terminal || forced_off) return false;
  const char* no_color = env("NO_COLOR");
  const char* term = env("TERM");
  return !(no_color && *no_color) && !(term && std::string_view(term) == "dumb");
}
// The same for `fd` and the process's environment.
inline bool progress_line_wanted(int fd, bool forced_off) {
  return progress_line_wanted(isatty(fd) != 0, forced_off, [](const char* name) { return std::getenv(name); });
}
// The terminal's columns on `fd` (0 when unknown).
inline std::size_t terminal_width(int fd) {
  winsize w{};
  return ioctl(fd, TIOCGWINSZ, &w) == 0 ? w.ws_col : 0;
}

// "1.2k", "34", "5.6M": a count that stays short on a status line.
inline std::string short_count(double n) {
  if (n >= 1e6) return fmt::format("{:.1f}M", n / 1e6);
  if (n >= 1e4) return fmt::format("{:.0f}k", n / 1e3);
  if (n >= 1e3) return fmt::format("{:.1f}k", n / 1e3);
  return fmt::format("{:.0f}", n);
}

// The rate of `count` over `seconds`, 0 before any time has passed.
inline double per_second(std::uint64_t count, double seconds) {
  return seconds > 0 ? static_cast<double>(count) / seconds : 0.0;
}

// essconf run's line: "[LABEL] catalog: 12/340 cases, 1 failed, 850 requests/s",
// "property.differential: 40/300 runs, 0 failed, 2.1k requests/s"; `seconds`
// since the phase started, `label` "" with one target.
inline std::string run_status_text(const runner::Progress& p, double seconds, std::string_view label) {
  const std::string_view unit = p.phase == "catalog" ? "cases" : p.phase == "property.concurrency" ? "rounds" : "runs";
  // Shrinking a failure adds runs past the planned number.
  const std::string done = p.total > 0 && p.done <= p.total ? fmt::format("{}/{}", p.done, p.total) : std::to_string(p.done);
  return fmt::format("{}{}: {} {}, {} failed, {} requests/s", label.empty() ? "" : fmt::format("[{}] ", label), p.phase,
                     done, unit, p.failures, short_count(per_second(p.http_requests, seconds)));
}

// essconf fuzz's line: "fuzz: 12/60 s, 3.4k cases, 2 findings, 900 requests/s".
inline std::string fuzz_status_text(const runner::Progress& p, double seconds, int budget_seconds) {
  return fmt::format("fuzz: {:.0f}/{} s, {} cases, {} finding{}, {} requests/s", seconds, budget_seconds,
                     short_count(static_cast<double>(p.done)), p.failures, p.failures == 1 ? "" : "s",
                     short_count(per_second(p.http_requests, seconds)));
}

}  // namespace essconf::cli
