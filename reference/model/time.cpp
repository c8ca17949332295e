#include "reference/model/time.hpp"

#include <chrono>
#include <cstdio>

namespace essconf::model {
namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) noexcept {
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

std::optional<std::int64_t> parse_timestamp(std::string_view s) noexcept {
  // Only the documented shape: 2016-02-23T12:46:24Z, 20 bytes.
  if (s.size() != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
      s[19] != 'Z')
    return std::nullopt;
  int y, mo, d, h, mi, se;
  if (!digits(s, 0, 4, y) || !digits(s, 5, 2, mo) || !digits(s, 8, 2, d) || !digits(s, 11, 2, h) ||
      !digits(s, 14, 2, mi) || !digits(s, 17, 2, se))
    return std::nullopt;
  using namespace std::chrono;
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || se > 59) return std::nullopt;
  const auto days = sys_days{ymd}.time_since_epoch().count();
  return static_cast<std::int64_t>(days) * 86400 + h * 3600 + mi * 60 + se;
}

std::optional<std::int64_t> parse_fractional_timestamp(std::string_view s) noexcept {
  if (s.size() < 22 || s.size() > 30 || s[19] != '.' || s.back() != 'Z') return std::nullopt;
  for (std::size_t i = 20; i + 1 < s.size(); ++i)
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  std::string whole(s.substr(0, 19));
  whole += 'Z';
  return parse_timestamp(whole);
}

std::string format_timestamp(std::int64_t t) {
  using namespace std::chrono;
  const auto days = static_cast<int>(t >= 0 ? t / 86400 : (t - 86399) / 86400);
  const year_month_day ymd{sys_days{std::chrono::days{days}}};
  const auto rem = t - static_cast<std::int64_t>(days) * 86400;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), static_cast<int>(rem / 3600),
                static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60));
  return buf;
}

}  // namespace essconf::model
