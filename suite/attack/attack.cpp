// serve_attack URL ATTACK: one attack against a running `essconf serve`, with
// a "good client" asking for an answer every 50 ms while it runs, and the
// World compared byte for byte before and after (attacks change no state).
// Plain POSIX sockets and poll (the raw-HTTP test peer's), the suite's URL
// parser, and nothing else of the project: no Beast here, on purpose (compile
// time, and an attacker that shares no code with the server it attacks).
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "suite/client/raw_message.hpp"
#include "suite/client/raw_socket.hpp"
#include "suite/client/url.hpp"

#ifndef ESSCONF_SOURCE_DIR
#define ESSCONF_SOURCE_DIR "."
#endif

namespace {

namespace client = essconf::client;
namespace raw = essconf::raw;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// The server's documented limits (reference/server/http_server.hpp, docs/serve.md).
constexpr std::size_t kMaxHeaderBytes = 16 * 1024;
constexpr std::size_t kMaxBodyBytes = 64 * 1024;
constexpr auto kServerReadTimeout = 10s;

constexpr auto kGoodInterval = 50ms;        // the good client asks this often
std::chrono::milliseconds g_good_deadline{1000};  // and needs each answer within this (--good-deadline-ms)
constexpr auto kMalformedDeadline = 5000ms;  // a malformed request must be settled within this

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }
double s(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

using essconf::Problem;
using essconf::Result;
using raw::errno_text;
using raw::Fd;
using raw::poll_ms;

// ---------------------------------------------------------------- the server attacked

struct Endpoint {
  raw::Endpoint address;
  std::string host_header;  // host[:port], for the Host field
};

// http://HOST[:PORT] (client::parse_url, without a base path), resolved.
Result<Endpoint> parse_target(std::string_view text) {
  const auto url = client::parse_url(text);
  if (!url) return url.problem();
  if (!url->base_path.empty()) return Problem("", "URL must be an origin (http://HOST:PORT), without a path");
  auto address = raw::resolve(url->host, url->port);
  if (!address) return address.problem();
  return Endpoint{*address, url->host_header()};
}

Fd connect_by(const Endpoint& ep, Clock::time_point deadline, std::string& error) {
  return raw::connect_within(ep.address, deadline, error);
}

// ---------------------------------------------------------------- responses

struct Response {
  int status = 0;
  std::string body;
};

// The status code of "HTTP/1.1 200 OK".
Result<int> parse_status_line(std::string_view line) {
  if (line.size() < 12 || line.substr(0, 5) != "HTTP/" || line[8] != ' ')
    return Problem("", "bad status line: " + std::string(line.substr(0, 80)));
  return std::atoi(std::string(line.substr(9, 3)).c_str());
}

// The body's length: Content-Length, or 0 where a response has no body.
Result<std::size_t> body_length(int status, const raw::Head& head) {
  if (!head.has("Content-Length")) {
    if (status < 200 || status == 204 || status == 304) return std::size_t{0};
    return Problem("", fmt::format("response {} without Content-Length", status));
  }
  const auto length = raw::parse_length(head.field("Content-Length"));
  if (!length) return Problem("", fmt::format("response {} with a bad Content-Length", status));
  return *length;
}

// One response at the front of buf: the bytes it takes, 0 while incomplete, or
// std::string::npos (with error) when the bytes are not an HTTP response. The
// server always sends Content-Length; an interim 1xx is returned as is.
std::size_t parse_response(std::string_view buf, Response& out, std::string& error) {
  const auto end = buf.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    if (buf.size() > 64 * 1024) {
      error = "response header over 64 KiB";
      return std::string::npos;
    }
    if (buf.size() >= 5 && buf.substr(0, 5) != "HTTP/") {
      error = "not an HTTP response: " + std::string(buf.substr(0, 40));
      return std::string::npos;
    }
    return 0;
  }
  const auto head = raw::parse_head(buf.substr(0, end));
  const auto status = head ? parse_status_line(head->start_line) : Result<int>(head.problem());
  const auto length = status ? body_length(*status, *head) : Result<std::size_t>(status.problem());
  if (!length) {
    error = length.error();
    return std::string::npos;
  }
  const std::size_t total = end + 4 + *length;
  if (buf.size() < total) return 0;
  out = Response{*status, std::string(buf.substr(end + 4, *length))};
  return total;
}

// What became of one request sent on its own connection.
struct Outcome {
  enum Kind { kResponse, kClosed, kTimeout, kError } kind = kError;
  Response response;
  std::string detail;          // kClosed: how; kTimeout, kError: what
  Clock::duration elapsed{};   // from connect to the outcome
  std::size_t sent = 0;        // bytes of the request the server took
  std::size_t received = 0;    // bytes of answer
};

std::string describe(const Outcome& o) {
  switch (o.kind) {
    case Outcome::kResponse:
      return fmt::format("{} after {:.1f} ms", o.response.status, ms(o.elapsed));
    case Outcome::kClosed:
      return fmt::format("closed ({}) after {:.1f} ms, {} bytes sent", o.detail, ms(o.elapsed), o.sent);
    case Outcome::kTimeout:
      return fmt::format("no answer and no close within {:.1f} ms ({}; {} bytes sent, {} received)",
                         ms(o.elapsed), o.detail, o.sent, o.received);
    case Outcome::kError:
      return fmt::format("error after {:.1f} ms: {}", ms(o.elapsed), o.detail);
  }
  return {};
}

// How an exchange ended, and the detail for the report.
struct Ending {
  Outcome::Kind kind;
  std::string detail;
};

// Writes what the socket takes of the rest of `bytes`. A refused write
// (EPIPE, ECONNRESET) means the server is done with us: what it said is
// still to be read.
void write_some(int fd, std::string_view bytes, bool half_close_after_send, Outcome& o, bool& writing) {
  const auto left = bytes.substr(o.sent);
  const ssize_t w = ::send(fd, left.data(), std::min<std::size_t>(left.size(), 1 << 16), MSG_NOSIGNAL);
  if (w > 0) {
    o.sent += static_cast<std::size_t>(w);
    if (o.sent == bytes.size()) {
      writing = false;
      if (half_close_after_send) ::shutdown(fd, SHUT_WR);
    }
  } else if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
    writing = false;
  }
}

// Reads what arrived: an Ending once a final response, the server's close or
// bytes that are not HTTP came; interim responses are passed over.
std::optional<Ending> read_some(int fd, std::string& buf, Outcome& o) {
  char chunk[65536];
  const ssize_t r = ::recv(fd, chunk, sizeof chunk, 0);
  if (r == 0)
    return buf.empty() ? Ending{Outcome::kClosed, "EOF"}
                       : Ending{Outcome::kError, fmt::format("closed in the middle of a response ({} bytes)", buf.size())};
  if (r < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return std::nullopt;
    const int e = errno;
    return buf.empty() ? Ending{Outcome::kClosed, e == ECONNRESET ? "reset" : errno_text(e)}
                       : Ending{Outcome::kError, "reset in the middle of a response"};
  }
  buf.append(chunk, static_cast<std::size_t>(r));
  o.received += static_cast<std::size_t>(r);
  std::string error;
  for (;;) {
    Response resp;
    const std::size_t used = parse_response(buf, resp, error);
    if (used == std::string::npos) return Ending{Outcome::kError, error};
    if (used == 0) return std::nullopt;
    buf.erase(0, used);
    if (resp.status >= 200) {
      o.response = std::move(resp);
      return Ending{Outcome::kResponse, ""};
    }
  }
}

// Sends `bytes` on a fresh connection while reading, and stops at the first
// complete final response, at the server's close, or at the deadline. Bytes
// the server no longer takes (it answered and closed) are not an error.
Outcome exchange(const Endpoint& ep, std::string_view bytes, Clock::duration timeout,
                 bool half_close_after_send = false) {
  const auto start = Clock::now();
  const auto deadline = start + timeout;
  Outcome o;
  auto done = [&](Ending ending) {
    o.kind = ending.kind;
    o.detail = std::move(ending.detail);
    o.elapsed = Clock::now() - start;
    return o;
  };
  std::string error;
  Fd fd = connect_by(ep, deadline, error);
  if (!fd) return done({Clock::now() >= deadline ? Outcome::kTimeout : Outcome::kError, error});
  std::string buf;
  bool writing = !bytes.empty();
  if (!writing && half_close_after_send) ::shutdown(fd.get(), SHUT_WR);
  for (;;) {
    pollfd p{fd.get(), static_cast<short>(POLLIN | (writing ? POLLOUT : 0)), 0};
    const int n = ::poll(&p, 1, poll_ms(deadline));
    if (n < 0 && errno != EINTR) return done({Outcome::kError, "poll: " + errno_text(errno)});
    if (n <= 0) {
      if (Clock::now() >= deadline)
        return done({Outcome::kTimeout, writing ? "the server stopped reading" : "waiting for an answer"});
      continue;
    }
    if (writing && (p.revents & POLLOUT)) write_some(fd.get(), bytes, half_close_after_send, o, writing);
    if (p.revents & (POLLIN | POLLHUP | POLLERR))
      if (auto ending = read_some(fd.get(), buf, o)) return done(std::move(*ending));
  }
}

std::string request(std::string_view method, std::string_view target, const Endpoint& ep,
                    std::string_view body = {}, std::string_view content_type = {}) {
  std::string r = fmt::format("{} {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: serve_attack\r\n", method, target,
                              ep.host_header);
  if (!content_type.empty()) r += fmt::format("Content-Type: {}\r\n", content_type);
  if (!body.empty() || method == "PUT" || method == "POST") r += fmt::format("Content-Length: {}\r\n", body.size());
  r += "\r\n";
  r += body;
  return r;
}

// "Host: HOST:PORT" and the header lines in `rest`.
std::string head_line(const Endpoint& ep, std::string_view rest = {}) {
  return fmt::format("Host: {}\r\n{}", ep.host_header, rest);
}

// ---------------------------------------------------------------- the server's memory

struct ProcStatus {
  long rss_kib = -1;
  long hwm_kib = -1;
};

// KiB as MiB, for the report line.
double mib(long kib) { return static_cast<double>(kib) / 1024.0; }

ProcStatus read_status(int pid) {
  ProcStatus st;
  std::ifstream in(fmt::format("/proc/{}/status", pid));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) st.rss_kib = std::atol(line.c_str() + 6);
    if (line.rfind("VmHWM:", 0) == 0) st.hwm_kib = std::atol(line.c_str() + 6);
  }
  return st;
}

long count_fds(int pid) {
  std::error_code ec;
  long n = 0;
  for (std::filesystem::directory_iterator it(fmt::format("/proc/{}/fd", pid), ec), end; !ec && it != end;
       it.increment(ec))
    ++n;
  return ec ? -1 : n;
}

// Samples the server's VmRSS and open descriptors every 100 ms.
class Sampler {
 public:
  explicit Sampler(int pid) : pid_(pid) {
    if (pid_ > 0) thread_ = std::thread([this] { loop(); });
  }
  ~Sampler() { stop(); }
  Sampler(const Sampler&) = delete;
  Sampler& operator=(const Sampler&) = delete;
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  long peak_rss_kib() const { return peak_rss_; }
  long peak_fds() const { return peak_fds_; }
  bool vanished() const { return vanished_; }

 private:
  void loop() {
    while (!stop_) {
      sample();
      std::this_thread::sleep_for(100ms);
    }
    sample();
  }
  void sample() {
    const auto st = read_status(pid_);
    if (st.rss_kib < 0) {
      vanished_ = true;
      return;
    }
    peak_rss_ = std::max(peak_rss_.load(), st.rss_kib);
    peak_fds_ = std::max(peak_fds_.load(), count_fds(pid_));
  }
  int pid_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> vanished_{false};
  std::atomic<long> peak_rss_{-1};
  std::atomic<long> peak_fds_{-1};
  std::thread thread_;
};

// ---------------------------------------------------------------- the good client

// A fresh connection every 50 ms, alternating the capabilities and a
// RemoveInstances the World refuses (an unknown instance: no state change);
// each needs its answer (200, resp. 4xx) within one second.
class GoodClient {
 public:
  explicit GoodClient(const Endpoint& ep) : ep_(ep) { thread_ = std::thread([this] { loop(); }); }
  ~GoodClient() { stop(); }
  GoodClient(const GoodClient&) = delete;
  GoodClient& operator=(const GoodClient&) = delete;
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int requests() const { return requests_; }
  int failures() const { return static_cast<int>(failures_.size()); }
  double max_ms() const { return max_ms_; }
  double mean_ms() const { return requests_ == failures() ? 0 : total_ms_ / (requests_ - failures()); }
  const std::vector<std::string>& failure_list() const { return failures_; }

 private:
  void loop() {
    const std::string capabilities = request("GET", "/_conformance/v1/capabilities", ep_);
    const std::string refused = request(
        "GET", "/?Action=RemoveInstances&Version=2014-08-28&ScalingGroupId=asg-demo&InstanceId.1=i-good-client",
        ep_);
    const auto start = Clock::now();
    auto next = start;
    for (int i = 0; !stop_; ++i) {
      const bool caps = i % 2 == 0;
      const Outcome o = exchange(ep_, caps ? capabilities : refused, g_good_deadline);
      ++requests_;
      const double t = s(Clock::now() - start);
      if (o.kind != Outcome::kResponse) {
        failures_.push_back(fmt::format("t={:.2f}s {}: {}", t, caps ? "capabilities" : "RemoveInstances", describe(o)));
      } else if (caps ? o.response.status != 200 || o.response.body.find("\"protocol\":1") == std::string::npos
                      : o.response.status < 400 || o.response.status >= 500) {
        failures_.push_back(fmt::format("t={:.2f}s {}: unexpected {} {}", t, caps ? "capabilities" : "RemoveInstances",
                                        o.response.status, o.response.body.substr(0, 120)));
      } else {
        total_ms_ += ms(o.elapsed);
        max_ms_ = std::max(max_ms_, ms(o.elapsed));
      }
      next += kGoodInterval;
      const auto now = Clock::now();
      if (next < now) next = now;
      while (!stop_ && Clock::now() < next) std::this_thread::sleep_for(std::min<Clock::duration>(next - Clock::now(), 10ms));
    }
  }
  const Endpoint& ep_;
  std::atomic<bool> stop_{false};
  int requests_ = 0;
  double max_ms_ = 0;
  double total_ms_ = 0;
  std::vector<std::string> failures_;
  std::thread thread_;
};

// ---------------------------------------------------------------- attacks

struct AttackResult {
  long connections = 0;  // connections the attack opened
  long answered = 0;     // complete answers the attack got back
  std::string detail;    // attack-specific figures for the summary line
  std::vector<std::string> failures;
  std::vector<std::string> notes;  // printed, not failures
};

int g_connections_override = 0;  // --connections
std::optional<int> g_hold_ms;    // --hold-ms: how long the flood (5 s) or held-bodies (2 s) holds

// One slowloris connection.
struct SlowConn {
  int fd = -1;
  std::size_t sent = 0;
  Clock::time_point first_byte{};
  Clock::duration lived{};
  bool closed_by_server = false;

  void end(bool by_server) {
    if (sent > 0) lived = Clock::now() - first_byte;
    closed_by_server = by_server;
    ::close(fd);
    fd = -1;
  }
};

// `n` connections made one after the other within 5 s; those that could not
// be made are a failure (and stay at fd -1).
std::vector<SlowConn> open_slow_connections(const Endpoint& ep, int n, AttackResult& res) {
  std::vector<SlowConn> conns(static_cast<std::size_t>(n));
  std::vector<std::string> connect_errors;
  const auto connect_deadline = Clock::now() + 5s;
  for (auto& c : conns) {
    std::string error;
    Fd fd = connect_by(ep, connect_deadline, error);
    if (!fd) {
      connect_errors.push_back(error);
      continue;
    }
    c.fd = fd.release();  // closed by SlowConn::end or at the attack's end
  }
  for (const auto& c : conns) res.connections += c.fd >= 0;
  if (!connect_errors.empty())
    res.failures.push_back(fmt::format("{} of {} connections could not be made (first: {})", connect_errors.size(), n,
                                       connect_errors.front()));
  return conns;
}

// The next byte of `slow` on every open connection: the connections the
// server closed meanwhile.
long trickle(std::vector<SlowConn>& conns, const std::string& slow) {
  long closed = 0;
  for (auto& c : conns) {
    if (c.fd < 0 || c.sent >= slow.size()) continue;
    const ssize_t w = ::send(c.fd, slow.data() + c.sent, 1, MSG_NOSIGNAL);
    if (w == 1) {
      if (c.sent == 0) c.first_byte = Clock::now();
      ++c.sent;
    } else if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
      c.end(/*by_server=*/true);
      ++closed;
    }
  }
  return closed;
}

// Waits until `next_tick` for the server to close connections (or, wrongly,
// to answer): the connections it closed.
long watch_slow(std::vector<SlowConn>& conns, Clock::time_point next_tick, AttackResult& res) {
  std::vector<pollfd> pfds;
  std::vector<SlowConn*> owners;
  for (auto& c : conns)
    if (c.fd >= 0) {
      pfds.push_back({c.fd, POLLIN | POLLRDHUP, 0});
      owners.push_back(&c);
    }
  const int wait = static_cast<int>(std::clamp<long long>(
      std::chrono::ceil<std::chrono::milliseconds>(next_tick - Clock::now()).count(), 0, 500));
  if (::poll(pfds.data(), pfds.size(), wait) <= 0) return 0;
  long closed = 0;
  char sink[4096];
  for (std::size_t i = 0; i < pfds.size(); ++i) {
    if (!pfds[i].revents) continue;
    SlowConn& c = *owners[i];
    const ssize_t r = ::recv(c.fd, sink, sizeof sink, MSG_DONTWAIT);
    // Bytes from the server: an answer to a request it cannot have whole.
    if (r > 0 && ++res.answered <= 3)
      res.failures.push_back(fmt::format("a slowloris connection got an answer after {} bytes: {}", c.sent,
                                         std::string(sink, static_cast<std::size_t>(std::min<ssize_t>(r, 60)))));
    if (r >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
      c.end(/*by_server=*/r <= 0);
      ++closed;
    }
  }
  return closed;
}

// The cut-off times against the server's read timeout; closes what is left.
void judge_slowloris(std::vector<SlowConn>& conns, long still_open, Clock::duration waited, AttackResult& res) {
  Clock::duration longest{};
  long cut = 0;
  std::size_t max_sent = 0;
  for (auto& c : conns) {
    if (c.closed_by_server) {
      ++cut;
      longest = std::max(longest, c.lived);
    }
    max_sent = std::max(max_sent, c.sent);
    if (c.fd >= 0) ::close(c.fd);
  }
  if (still_open > 0)
    res.failures.push_back(fmt::format("{} slowloris connections were still open {:.1f} s after their first byte "
                                       "(the server's read timeout is {} s)",
                                       still_open, s(waited), kServerReadTimeout.count()));
  if (cut > 0 && longest > kServerReadTimeout + 2s)
    res.failures.push_back(fmt::format("a slowloris connection lived {:.1f} s after its first byte (read timeout {} s)",
                                       s(longest), kServerReadTimeout.count()));
  res.detail = fmt::format("{} cut off by the server, the last {:.1f} s after its first byte, at most {} bytes sent",
                           cut, s(longest), max_sent);
}

// 500 connections, each sending a request header one byte every 500 ms. The
// server must cut each one off at its read timeout (10 s after the first
// byte) and answer none. The request, if it ever completed, would remove
// i-demo-auto2: the World check would catch it.
AttackResult slowloris(const Endpoint& ep) {
  AttackResult res;
  const int n = g_connections_override > 0 ? g_connections_override : 500;
  const std::string header =
      request("GET", "/?Action=RemoveInstances&Version=2014-08-28&ScalingGroupId=asg-demo&InstanceId.1=i-demo-auto2", ep);
  // Make sure it cannot complete: 2 bytes a second, 100 s before the final CRLF.
  const std::string slow = header.substr(0, header.size() - 2) + "X-Slow: " + std::string(200, 's') + "\r\n\r\n";
  std::vector<SlowConn> conns = open_slow_connections(ep, n, res);
  const auto start = Clock::now();
  const auto give_up = start + kServerReadTimeout + 5s;
  auto next_tick = start;
  long still_open = res.connections;
  while (still_open > 0 && Clock::now() < give_up) {
    if (Clock::now() >= next_tick) {
      still_open -= trickle(conns, slow);
      next_tick += 500ms;
    }
    still_open -= watch_slow(conns, next_tick, res);
  }
  judge_slowloris(conns, still_open, give_up - start, res);
  return res;
}

// The flood's connections: a socket each, and what became of it.
struct Flood {
  enum State : char { kPending, kEstablished, kFailed, kClosedByServer };
  std::vector<int> fds;
  std::vector<State> state;
  std::map<std::string, long> errors;  // why connections were not made, counted

  // The sockets in `wanted` state, for poll, and their index in fds.
  void select(State wanted, short events, std::vector<pollfd>& pfds, std::vector<std::size_t>& index) const {
    pfds.clear();
    index.clear();
    for (std::size_t i = 0; i < fds.size(); ++i)
      if (state[i] == wanted) {
        pfds.push_back({fds[i], events, 0});
        index.push_back(i);
      }
  }
};

// 10,000 connections, or fewer when RLIMIT_NOFILE is lower (a note says so).
long flood_size(AttackResult& res) {
  rlimit rl{};
  ::getrlimit(RLIMIT_NOFILE, &rl);
  const long wanted = g_connections_override > 0 ? g_connections_override : 10'000;
  // Keep 200 descriptors for the good client, the sampler and stdio.
  const long allowed = rl.rlim_cur == RLIM_INFINITY ? wanted : static_cast<long>(rl.rlim_cur) - 200;
  const long n = std::max(0L, std::min(wanted, allowed));
  if (n < wanted)
    res.notes.push_back(fmt::format("RLIMIT_NOFILE is {} (hard {}): flooding with {} connections instead of {}",
                                    static_cast<long>(rl.rlim_cur), static_cast<long>(rl.rlim_max), n, wanted));
  return n;
}

// Waits up to 15 s for every handshake (a full accept queue drops SYNs; they
// are retried): how many were established.
long await_handshakes(Flood& flood) {
  const auto connect_deadline = Clock::now() + 15s;
  long pending = static_cast<long>(flood.fds.size());
  long established = 0;
  std::vector<pollfd> pfds;
  std::vector<std::size_t> index;
  while (pending > 0 && Clock::now() < connect_deadline) {
    flood.select(Flood::kPending, POLLOUT, pfds, index);
    if (::poll(pfds.data(), pfds.size(), poll_ms(connect_deadline)) <= 0) continue;
    for (std::size_t k = 0; k < pfds.size(); ++k) {
      if (!pfds[k].revents) continue;
      int soerr = 0;
      socklen_t len = sizeof soerr;
      ::getsockopt(pfds[k].fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
      flood.state[index[k]] = soerr == 0 ? Flood::kEstablished : Flood::kFailed;
      if (soerr == 0)
        ++established;
      else
        ++flood.errors[errno_text(soerr)];
      --pending;
    }
  }
  if (pending > 0) flood.errors["handshake not done within 15 s"] += pending;
  return established;
}

// Holds the established connections until `hold_until`, watching which ones
// the server closes (and whether it, wrongly, sends anything): how many it closed.
long hold_flood(Flood& flood, Clock::time_point hold_until, AttackResult& res) {
  long closed_by_server = 0;
  char sink[512];
  std::vector<pollfd> pfds;
  std::vector<std::size_t> index;
  while (Clock::now() < hold_until) {
    flood.select(Flood::kEstablished, POLLIN | POLLRDHUP, pfds, index);
    if (pfds.empty()) break;
    if (::poll(pfds.data(), pfds.size(), std::min(100, poll_ms(hold_until))) <= 0) continue;
    for (std::size_t k = 0; k < pfds.size(); ++k) {
      if (!pfds[k].revents) continue;
      const ssize_t r = ::recv(pfds[k].fd, sink, sizeof sink, MSG_DONTWAIT);
      if (r > 0 && ++res.answered == 1)
        res.failures.push_back("the server sent bytes on a connection that sent none: " +
                               std::string(sink, static_cast<std::size_t>(std::min<ssize_t>(r, 60))));
      if (r >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
        flood.state[index[k]] = Flood::kClosedByServer;
        ++closed_by_server;
      }
    }
  }
  return closed_by_server;
}

// 10,000 connections opened at once (as many as RLIMIT_NOFILE allows), held,
// then closed; none sends a byte. Beyond max_connections the server closes the
// oldest silent connection to make room (before: it refused the newcomer).
AttackResult connection_flood(const Endpoint& ep) {
  AttackResult res;
  const long n = flood_size(res);
  Flood flood;
  flood.fds.reserve(static_cast<std::size_t>(n));
  for (long i = 0; i < n; ++i) {
    const int fd = raw::start_connect(ep.address);
    if (fd < 0) {
      ++flood.errors[errno_text(-fd)];
      continue;
    }
    flood.fds.push_back(fd);
  }
  flood.state.assign(flood.fds.size(), Flood::kPending);
  res.connections = static_cast<long>(flood.fds.size());
  const auto opened = Clock::now();
  const long established = await_handshakes(flood);
  const auto connected_after = Clock::now() - opened;
  const long closed_by_server =
      hold_flood(flood, Clock::now() + std::chrono::milliseconds(g_hold_ms.value_or(5000)), res);
  const long held = std::count(flood.state.begin(), flood.state.end(), Flood::kEstablished);
  for (const int fd : flood.fds) ::close(fd);
  std::string errors;
  for (const auto& [what, count] : flood.errors)
    errors += fmt::format("{}{} x {}", errors.empty() ? "" : ", ", count, what);
  if (!errors.empty()) res.notes.push_back("connections not made: " + errors);
  res.detail = fmt::format("{} established in {:.2f} s, {} closed by the server while held, {} held open for {:.1f} s",
                           established, s(connected_after), closed_by_server, held, g_hold_ms.value_or(5000) / 1000.0);
  if (established == 0) res.failures.push_back("no connection of the flood was established");
  return res;
}

// The held-bodies connections, each writing the same payload.
struct HeldBodies {
  struct Conn {
    int fd = -1;
    Clock::time_point began{};
    std::size_t sent = 0;
    bool closed = false;
    bool early = false;  // closed by the server before its read timeout
  };
  std::string payload;
  std::vector<Conn> conns;
  long complete = 0;  // connections that sent the whole payload

  // Writes the rest of the payload, one poll round at a time.
  void write_some(Conn& c) {
    const ssize_t w = ::send(c.fd, payload.data() + c.sent, payload.size() - c.sent, MSG_NOSIGNAL);
    if (w <= 0) return;
    c.sent += static_cast<std::size_t>(w);
    complete += c.sent == payload.size();
  }

  // Bytes or a close from the server: an answer is a failure, a close before
  // the read timeout is counted as early.
  static void read_some(Conn& c, AttackResult& res) {
    char sink[512];
    const ssize_t r = ::recv(c.fd, sink, sizeof sink, MSG_DONTWAIT);
    if (r > 0 && ++res.answered == 1)
      res.failures.push_back("the server answered a request it cannot have whole: " +
                             std::string(sink, static_cast<std::size_t>(std::min<ssize_t>(r, 60))));
    if (r >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
      c.closed = true;
      c.early = Clock::now() - c.began < kServerReadTimeout - 500ms;
    }
  }

  // Until `until` (or until nothing is left to watch): writes the payloads
  // while `writing`, and notes what the server does to each connection.
  void watch(Clock::time_point until, bool writing, AttackResult& res) {
    std::vector<pollfd> pfds;
    std::vector<Conn*> owners;
    for (;;) {
      pfds.clear();
      owners.clear();
      for (auto& c : conns)
        if (!c.closed && (c.sent < payload.size() || !writing)) {
          pfds.push_back({c.fd, static_cast<short>(POLLIN | POLLRDHUP | (c.sent < payload.size() ? POLLOUT : 0)), 0});
          owners.push_back(&c);
        }
      if (pfds.empty() || Clock::now() >= until) return;
      if (::poll(pfds.data(), pfds.size(), std::min(100, poll_ms(until))) <= 0) continue;
      for (std::size_t k = 0; k < pfds.size(); ++k) {
        if (pfds[k].revents & POLLOUT) write_some(*owners[k]);
        if (pfds[k].revents & (POLLIN | POLLRDHUP | POLLHUP | POLLERR)) read_some(*owners[k], res);
      }
    }
  }
};

// The memory ceiling: just under max_connections connections, each with a
// request whose header is whole and whose 64 KiB body lacks its last byte, so
// that every one holds the most a request may hold. Held, then closed; none
// is answered and none is closed by the server before its read timeout.
AttackResult held_bodies(const Endpoint& ep) {
  AttackResult res;
  const long n = g_connections_override > 0 ? g_connections_override : 4090;
  HeldBodies held;
  held.payload = "POST / HTTP/1.1\r\n" +
                 head_line(ep, fmt::format("Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
                                           kMaxBodyBytes)) +
                 "\r\n" + std::string(kMaxBodyBytes - 1, 'b');
  held.conns.reserve(static_cast<std::size_t>(n));
  const auto start = Clock::now();
  const auto deadline = start + 30s;
  std::map<std::string, long> errors;
  // One handshake at a time: the accept queue is never full.
  for (long i = 0; i < n; ++i) {
    std::string error;
    Fd fd = connect_by(ep, deadline, error);
    if (!fd) {
      ++errors[error];
      continue;
    }
    held.conns.push_back({fd.release(), Clock::now()});
  }
  res.connections = static_cast<long>(held.conns.size());
  held.watch(deadline, /*writing=*/true, res);
  const auto written_after = Clock::now() - start;
  held.watch(Clock::now() + std::chrono::milliseconds(g_hold_ms.value_or(2000)), /*writing=*/false, res);
  long closed = 0;
  long early = 0;
  for (auto& c : held.conns) {
    closed += c.closed;
    early += c.early;
    ::close(c.fd);
  }
  if (held.complete < res.connections)
    res.failures.push_back(fmt::format("only {} of {} connections could send their {} bytes within 30 s",
                                       held.complete, res.connections, held.payload.size()));
  if (early > 0)
    res.failures.push_back(fmt::format("the server closed {} connections before their read timeout", early));
  for (const auto& [what, count] : errors)
    res.failures.push_back(fmt::format("{} connections could not be made: {}", count, what));
  res.detail = fmt::format("{} requests of {} bytes each one byte short, sent in {:.1f} s, then held; {} closed by the "
                           "server",
                           held.complete, held.payload.size(), s(written_after), closed);
  return res;
}

// The pipelined requests: every third the capabilities, every third a
// fixture 404 that names its index, every third a refused RemoveInstances in XML.
std::string pipelined_requests(const Endpoint& ep, int n) {
  std::string all;
  for (int i = 0; i < n; ++i) {
    switch (i % 3) {
      case 0: all += request("GET", "/_conformance/v1/capabilities", ep); break;
      case 1: all += request("GET", fmt::format("/_conformance/v1/pipe-{}", i), ep); break;
      default:
        all += request("GET",
                       fmt::format("/?Action=RemoveInstances&Version=2014-08-28&Format=XML&ScalingGroupId=asg-demo"
                                   "&InstanceId.1=i-pipe-{}",
                                   i),
                       ep);
    }
  }
  return all;
}

// What answer `i` should have been, when it is not; "" when it is right.
std::string wrong_pipelined_answer(int i, const Response& resp) {
  switch (i % 3) {
    case 0:
      if (resp.status != 200 || resp.body.find("\"protocol\":1") == std::string::npos) return "capabilities";
      return {};
    case 1:
      if (resp.status != 404 || resp.body.find(fmt::format("/pipe-{} ", i)) == std::string::npos)
        return fmt::format("the 404 naming /pipe-{}", i);
      return {};
    default:
      if (resp.status < 400 || resp.status >= 500 || resp.body.rfind("<?xml", 0) != 0)
        return "a refused RemoveInstances in XML";
      return {};
  }
}

// One connection carrying all the requests, and the answers read so far.
struct Pipeline {
  std::string all;  // every request, back to back
  int n = 0;        // how many
  Clock::time_point start;
  std::size_t sent = 0;
  bool reading = false;  // reading before the writing is done
  Clock::time_point last_progress;
  std::string buf;
  int parsed = 0;  // answers read; n + 1 after a malformed one
  Clock::duration written_after{};

  // False when the write failed (a failure says so).
  bool write_some(int fd, AttackResult& res) {
    const ssize_t w = ::send(fd, all.data() + sent, all.size() - sent, MSG_NOSIGNAL);
    if (w > 0) {
      sent += static_cast<std::size_t>(w);
      last_progress = Clock::now();
      if (sent == all.size()) written_after = Clock::now() - start;
    } else if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
      res.failures.push_back(fmt::format("write failed after {} of {} bytes: {}", sent, all.size(), errno_text(errno)));
      return false;
    }
    return true;
  }

  // False when the server closed the connection (a failure says so).
  bool read_some(int fd, AttackResult& res) {
    char chunk[65536];
    const ssize_t r = ::recv(fd, chunk, sizeof chunk, 0);
    if (r <= 0) {
      if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
      res.failures.push_back(fmt::format("the server closed the connection after {} of {} answers ({})", parsed, n,
                                         r == 0 ? "EOF" : errno_text(errno)));
      return false;
    }
    buf.append(chunk, static_cast<std::size_t>(r));
    take_answers(res);
    return true;
  }

  // Checks every whole answer in buf against its request.
  void take_answers(AttackResult& res) {
    std::string error;
    for (;;) {
      Response resp;
      const std::size_t used = parse_response(buf, resp, error);
      if (used == std::string::npos) {
        res.failures.push_back(fmt::format("answer {}: {}", parsed, error));
        parsed = n + 1;
        return;
      }
      if (used == 0) return;
      buf.erase(0, used);
      const int i = parsed++;
      const std::string wrong = wrong_pipelined_answer(i, resp);
      if (!wrong.empty() && res.failures.size() < 5)
        res.failures.push_back(fmt::format("answer {} out of order or wrong: expected {}, got {} {}", i, wrong,
                                           resp.status, resp.body.substr(0, 100)));
    }
  }

  // Writes everything before reading. Should the socket buffers fill up (the
  // server blocked on writing answers nobody reads), reads as well rather
  // than deadlock, and says so.
  void run(int fd, Clock::time_point deadline, AttackResult& res) {
    while (parsed < n && Clock::now() < deadline) {
      const bool writing = sent < all.size();
      if (writing && !reading && Clock::now() - last_progress > 2s) {
        reading = true;
        res.notes.push_back(fmt::format("the write stalled after {} of {} bytes: reading while writing the rest", sent,
                                        all.size()));
      }
      pollfd p{fd, static_cast<short>((writing ? POLLOUT : 0) | (reading || !writing ? POLLIN : 0)), 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      if ((p.revents & POLLOUT) && !write_some(fd, res)) return;
      if ((p.revents & (POLLIN | POLLHUP | POLLERR)) && !read_some(fd, res)) return;
    }
  }
};

// 1,000 valid requests written back to back on one connection before reading
// a byte; all 1,000 answers must come back, in order (pipelined_requests).
AttackResult pipelined(const Endpoint& ep) {
  AttackResult res;
  Pipeline pipe;
  pipe.n = g_connections_override > 0 ? g_connections_override : 1000;
  pipe.all = pipelined_requests(ep, pipe.n);
  std::string error;
  pipe.start = Clock::now();
  const auto deadline = pipe.start + 30s;
  Fd fd = connect_by(ep, deadline, error);
  if (!fd) {
    res.failures.push_back("cannot connect: " + error);
    return res;
  }
  res.connections = 1;
  pipe.last_progress = Clock::now();
  pipe.run(fd.get(), deadline, res);
  const int n = pipe.n;
  const int parsed = std::min(pipe.parsed, n);  // more: stopped on a malformed answer
  res.answered = parsed;
  if (parsed < n && res.failures.empty())
    res.failures.push_back(fmt::format("only {} of {} answers within 30 s", parsed, n));
  if (!pipe.buf.empty() && parsed == n)
    res.failures.push_back(fmt::format("{} bytes beyond the last answer", pipe.buf.size()));
  res.detail = fmt::format("{} requests ({} bytes) written in {:.1f} ms, {} answers in order in {:.1f} ms", n,
                           pipe.all.size(), ms(pipe.written_after), parsed, ms(Clock::now() - pipe.start));
  return res;
}

struct Case {
  std::string name;
  std::string bytes;
  bool half_close = false;  // shut our sending side once sent (HTTP/0.9 style)
  int expect = 0;           // an exact status wanted; 0: any 4xx or a close; kService: see below
};
// The service's own 4xx (its JSON error has a RequestId): the request got
// through the transport's limits.
constexpr int kService = -1;

// Runs each case on its own connection; each must be settled (a 4xx answer
// or a close) within 5 s, never with a 5xx, never with a success.
void run_cases(const Endpoint& ep, const std::vector<Case>& cases, AttackResult& res) {
  std::map<std::string, int> tally;  // "400", "closed", "timeout", ...
  for (const auto& c : cases) {
    const Outcome o = exchange(ep, c.bytes, kMalformedDeadline, c.half_close);
    ++res.connections;
    switch (o.kind) {
      case Outcome::kResponse: ++tally[std::to_string(o.response.status)]; break;
      case Outcome::kClosed: ++tally["closed"]; break;
      case Outcome::kTimeout: ++tally["hung"]; break;
      case Outcome::kError: ++tally["error"]; break;
    }
    std::string verdict;
    if (o.kind == Outcome::kResponse) {
      ++res.answered;
      const int st = o.response.status;
      if (c.expect == kService && o.response.body.find("\"RequestId\"") == std::string::npos)
        verdict = "expected the service's own answer (the request within the limits)";
      else if (c.expect > 0 && st != c.expect)
        verdict = fmt::format("expected {}", c.expect);
      else if (st >= 500)
        verdict = "a 5xx";
      else if (st < 400)
        verdict = "not a 4xx";
    } else if (o.kind != Outcome::kClosed || c.expect != 0) {
      verdict = c.expect > 0                ? fmt::format("expected {}", c.expect)
                : c.expect == kService ? "expected the service's own answer"
                                       : "neither a 4xx nor a close";
    }
    std::string body;
    if (o.kind == Outcome::kResponse)
      body = " " + o.response.body.substr(0, 90);
    res.notes.push_back(fmt::format("  {:<44} {}{}{}", c.name, describe(o), body,
                                    verdict.empty() ? "" : "   <-- " + verdict));
    if (!verdict.empty()) res.failures.push_back(fmt::format("{}: {}: {}{}", c.name, verdict, describe(o), body));
  }
  for (const auto& [what, count] : tally)
    res.detail += fmt::format("{}{} x {}", res.detail.empty() ? "" : ", ", what, count);
}

// Garbage, and requests whose line or header is huge.
void add_oversized_line_cases(const Endpoint& ep, std::vector<Case>& cases) {
  std::mt19937 rng(20140828);
  std::string garbage(4096, '\0');
  for (auto& ch : garbage) ch = static_cast<char>(rng() & 0xFF);
  cases.push_back({"garbage bytes (4 KiB random)", garbage});
  cases.push_back({"garbage text line", "HELLO THERE\r\n\r\n"});
  cases.push_back({"request line of 100 KiB",
                   "GET /?" + std::string(100 * 1024, 'a') + " HTTP/1.1\r\n" + head_line(ep) + "\r\n"});
  {
    std::string h;
    for (int i = 0; i < 1000; ++i) h += fmt::format("X-Header-{:04}: value-{}\r\n", i, i);
    cases.push_back({"1,000 headers (~25 KiB)", "GET / HTTP/1.1\r\n" + head_line(ep, h) + "\r\n"});
    std::string small;
    for (int i = 0; i < 1000; ++i) small += fmt::format("X{}: v\r\n", i);
    cases.push_back({"1,000 short headers (under 16 KiB)", "GET / HTTP/1.1\r\n" + head_line(ep, small) + "\r\n"});
  }
  cases.push_back({"one header of 64 KiB",
                   "GET / HTTP/1.1\r\n" + head_line(ep, "X-Big: " + std::string(64 * 1024, 'b') + "\r\n") + "\r\n"});
  {
    const std::string body(10 * 1024 * 1024, 'x');
    cases.push_back({"Content-Length 10 MiB, body streamed",
                     "POST / HTTP/1.1\r\n" +
                         head_line(ep, "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 10485760\r\n") +
                         "\r\n" + body});
  }
}

// Chunked bodies whose chunk sizes lie or overflow.
void add_chunk_cases(const Endpoint& ep, std::vector<Case>& cases) {
  const std::string chunked_head =
      "POST / HTTP/1.1\r\n" +
      head_line(ep, "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n") + "\r\n";
  cases.push_back({"chunk size not hex (zz)", chunked_head + "zz\r\nhello\r\n0\r\n\r\n"});
  cases.push_back({"chunk size negative (-5)", chunked_head + "-5\r\nhello\r\n0\r\n\r\n"});
  cases.push_back({"chunk size missing", chunked_head + "\r\nhello\r\n0\r\n\r\n"});
  cases.push_back({"chunk longer than its size", chunked_head + "5\r\nhelloworld\r\n0\r\n\r\n"});
  // Cut short: the server cannot know more is not coming until the peer's EOF.
  cases.push_back({"chunk shorter than its size, then half-close", chunked_head + "10\r\nhello\r\n", true});
  cases.push_back({"chunk size 2^64 (10000000000000000)", chunked_head + "10000000000000000\r\nhello\r\n0\r\n\r\n"});
  cases.push_back({"chunk size 2^64-1 (ffffffffffffffff)", chunked_head + "ffffffffffffffff\r\nhello\r\n0\r\n\r\n"});
  cases.push_back({"chunk size of 1,000 hex digits", chunked_head + std::string(1000, 'f') + "\r\nhello\r\n0\r\n\r\n"});
}

// Requests that smuggle another request past a lenient server.
void add_smuggling_cases(const Endpoint& ep, std::vector<Case>& cases) {
  // CL.TE smuggling: by Content-Length the body holds a second request; by
  // chunking it ends at "0\r\n\r\n" and a RemoveInstances follows. Either
  // reading of a lenient server would remove i-demo-auto2 (the World check).
  const std::string smuggled =
      "GET /?Action=RemoveInstances&Version=2014-08-28&ScalingGroupId=asg-demo&InstanceId.1=i-demo-auto2 "
      "HTTP/1.1\r\n" +
      head_line(ep) + "\r\n";
  const std::string body = "0\r\n\r\n" + smuggled;
  cases.push_back({"Content-Length and Transfer-Encoding (CL.TE)",
                   "POST / HTTP/1.1\r\n" +
                       head_line(ep, fmt::format("Content-Type: application/x-www-form-urlencoded\r\n"
                                                 "Content-Length: {}\r\nTransfer-Encoding: chunked\r\n",
                                                 body.size())) +
                       "\r\n" + body});
  cases.push_back({"Transfer-Encoding and Content-Length (TE.CL)",
                   "POST / HTTP/1.1\r\n" +
                       head_line(ep, "Transfer-Encoding: chunked\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                                     "Content-Length: 4\r\n") +
                       "\r\n" + fmt::format("{:x}\r\n", smuggled.size() + 4) + "x=1&" + smuggled + "\r\n0\r\n\r\n"});
  cases.push_back({"two different Content-Lengths",
                   "POST / HTTP/1.1\r\n" +
                       head_line(ep, fmt::format("Content-Length: 0\r\nContent-Length: {}\r\n", smuggled.size())) +
                       "\r\n" + smuggled});
  // TE not ending in chunked: no knowable length (RFC 9112, 6.3). Read as
  // bodiless, its body would be served as a request of its own.
  cases.push_back({"Transfer-Encoding: gzip, a request as its body",
                   "POST / HTTP/1.1\r\n" + head_line(ep, "Transfer-Encoding: gzip\r\n") + "\r\n" + smuggled});
  cases.push_back({"Transfer-Encoding: identity, a request as its body",
                   "POST / HTTP/1.1\r\n" + head_line(ep, "Transfer-Encoding: identity\r\n") + "\r\n" + smuggled});
}

// Bad lengths, NUL bytes, broken line endings and versions, half-closes.
void add_framing_cases(const Endpoint& ep, std::vector<Case>& cases) {
  cases.push_back({"Content-Length not a number", "POST / HTTP/1.1\r\n" + head_line(ep, "Content-Length: ten\r\n") + "\r\n"});
  cases.push_back({"Content-Length negative", "POST / HTTP/1.1\r\n" + head_line(ep, "Content-Length: -1\r\n") + "\r\n"});
  cases.push_back({"Content-Length 2^64", "POST / HTTP/1.1\r\n" + head_line(ep, "Content-Length: 18446744073709551616\r\n") + "\r\n"});

  cases.push_back({"NUL byte in the target",
                   std::string("GET /?Action=RemoveInstances\0&Version=2014-08-28 HTTP/1.1\r\n", 57) + head_line(ep) +
                       "\r\n"});
  cases.push_back({"NUL byte in a header value",
                   "GET / HTTP/1.1\r\n" + head_line(ep, std::string("X-Nul: a\0b\r\n", 11)) + "\r\n"});
  cases.push_back({"bare LF line endings", "GET / HTTP/1.1\nHost: x\n\n"});
  cases.push_back({"header without a colon", "GET / HTTP/1.1\r\n" + head_line(ep, "NoColonHere\r\n") + "\r\n"});
  cases.push_back({"space before the colon", "GET / HTTP/1.1\r\n" + head_line(ep, "X-Bad : v\r\n") + "\r\n"});
  cases.push_back({"obsolete line folding", "GET / HTTP/1.1\r\n" + head_line(ep, "X-Fold: a\r\n b\r\n") + "\r\n"});
  cases.push_back({"method with a control byte", "G\x01T / HTTP/1.1\r\n" + head_line(ep) + "\r\n"});
  cases.push_back({"version HTTP/9.9", "GET / HTTP/9.9\r\n" + head_line(ep) + "\r\n"});
  cases.push_back({"version garbage (HTTP/1.x)", "GET / HTTP/1.x\r\n" + head_line(ep) + "\r\n"});
  cases.push_back({"HTTP/0.9 GET / (then silence)", "GET /\r\n"});
  cases.push_back({"HTTP/0.9 GET / (then half-close)", "GET /\r\n", /*half_close=*/true});
  cases.push_back({"bare CRLF CRLF (then silence)", "\r\n\r\n"});
  cases.push_back({"bare CRLF CRLF (then half-close)", "\r\n\r\n", /*half_close=*/true});
  cases.push_back({"nothing, then half-close", "", /*half_close=*/true});
  cases.push_back({"request line only, then half-close", "GET / HTTP/1.1\r\n", /*half_close=*/true});
}

AttackResult malformed(const Endpoint& ep) {
  AttackResult res;
  std::vector<Case> cases;
  add_oversized_line_cases(ep, cases);
  add_chunk_cases(ep, cases);
  add_smuggling_cases(ep, cases);
  add_framing_cases(ep, cases);
  run_cases(ep, cases, res);
  return res;
}

// The two limits, each hit exactly: at the limit the request reaches the
// service (which refuses it with its own 4xx), one byte over it gets 431 or 413.
// The header's limit covers the request line and the fields together: a long
// request line plus fields each under 16 KiB is over it.
AttackResult oversized(const Endpoint& ep) {
  AttackResult res;
  // A header of exactly `total` bytes, request line to the final CRLF CRLF included.
  auto header_of = [&](std::size_t total) {
    const std::string start = "GET /?Action=RemoveInstances&Version=2014-08-28&ScalingGroupId=asg-nope HTTP/1.1\r\n" +
                              head_line(ep) + "X-Pad: ";
    const std::string end = "\r\n\r\n";
    return start + std::string(total - start.size() - end.size(), 'p') + end;
  };
  auto body_of = [&](std::size_t size, bool chunked) {
    std::string body = "Action=RemoveInstances&Version=2014-08-28&ScalingGroupId=asg-nope&Pad=";
    body += std::string(size - body.size(), 'p');
    std::string head = "POST / HTTP/1.1\r\n" + head_line(ep, "Content-Type: application/x-www-form-urlencoded\r\n");
    if (!chunked) return head + fmt::format("Content-Length: {}\r\n\r\n", size) + body;
    // Two chunks, so the limit is crossed by the sum and not by one chunk size.
    const std::size_t half = size / 2;
    return head + "Transfer-Encoding: chunked\r\n\r\n" + fmt::format("{:x}\r\n", half) + body.substr(0, half) +
           fmt::format("\r\n{:x}\r\n", size - half) + body.substr(half) + "\r\n0\r\n\r\n";
  };
  std::vector<Case> cases;
  cases.push_back({fmt::format("header of {} bytes (the limit)", kMaxHeaderBytes), header_of(kMaxHeaderBytes), false, kService});
  cases.push_back({fmt::format("header of {} bytes (limit + 1)", kMaxHeaderBytes + 1), header_of(kMaxHeaderBytes + 1),
                   false, 431});
  cases.push_back({"request line of 12 KiB + fields of 12 KiB",
                   "GET /?" + std::string(12 * 1024, 'q') + " HTTP/1.1\r\n" +
                       head_line(ep, "X-Pad: " + std::string(12 * 1024, 'p') + "\r\n") + "\r\n",
                   false, 431});
  cases.push_back({fmt::format("header of {} bytes (limit + 1 KiB)", kMaxHeaderBytes + 1024),
                   header_of(kMaxHeaderBytes + 1024), false, 431});
  cases.push_back({fmt::format("body of {} bytes (the limit)", kMaxBodyBytes), body_of(kMaxBodyBytes, false), false, kService});
  cases.push_back({fmt::format("body of {} bytes (limit + 1)", kMaxBodyBytes + 1), body_of(kMaxBodyBytes + 1, false),
                   false, 413});
  cases.push_back({fmt::format("chunked body of {} bytes (the limit)", kMaxBodyBytes), body_of(kMaxBodyBytes, true),
                   false, kService});
  cases.push_back({fmt::format("chunked body of {} bytes (limit + 1)", kMaxBodyBytes + 1),
                   body_of(kMaxBodyBytes + 1, true), false, 413});
  // Over both at once: the header limit speaks first.
  cases.push_back({"header and body both over",
                   "POST / HTTP/1.1\r\n" +
                       head_line(ep, fmt::format("Content-Length: {}\r\nX-Pad: {}\r\n", kMaxBodyBytes + 1,
                                                 std::string(kMaxHeaderBytes, 'p'))) +
                       "\r\n" + std::string(kMaxBodyBytes + 1, 'x'),
                   false, 431});
  run_cases(ep, cases, res);
  return res;
}

// ---------------------------------------------------------------- main

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr,
               "serve_attack: %s\n"
               "usage: serve_attack [--pid PID] [--world FILE] [--keep-world] [--connections N] [--hold-ms N]\n"
               "                    [--good-deadline-ms N] URL ATTACK\n"
               "  ATTACK: slowloris | connection-flood | pipelined | malformed | oversized | held-bodies\n"
               "  --pid PID        the server's process id: report its peak RSS and descriptors\n"
               "  --world FILE     the World to PUT first (default: fixtures/worlds/demo.json)\n"
               "  --keep-world     no PUT and no RemoveInstances first: check the World the server has\n"
               "  --connections N  override the attack's count (connections, or pipelined requests)\n"
               "  --hold-ms N      how long connection-flood (default 5000) and held-bodies (2000) hold\n"
               "                   their connections\n"
               "  --good-deadline-ms N  the good client's bound on each answer (default 1000;\n"
               "                        3000 for connection-flood, 5000 for held-bodies)\n",
               why.c_str());
  std::exit(2);
}

std::optional<std::string> read_whole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The first difference between two Worlds, for the failure message.
std::string first_difference(const std::string& a, const std::string& b) {
  std::size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  const std::size_t from = i > 40 ? i - 40 : 0;
  return fmt::format("sizes {} and {}; first difference at byte {}: before \"...{}\" after \"...{}\"", a.size(),
                     b.size(), i, a.substr(from, 100), b.substr(from, 100));
}

// What the command line asked for.
struct Options {
  int pid = 0;
  std::string world_file = std::string(ESSCONF_SOURCE_DIR) + "/fixtures/worlds/demo.json";
  bool keep_world = false;
  std::optional<std::chrono::milliseconds> good_deadline;
  std::string url;
  std::string attack;
};

Options parse_options(int argc, char** argv) {
  Options o;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(a + " needs a value");
      return argv[++i];
    };
    auto number = [&](long lo, long hi) {
      const std::string v = value();
      char* end = nullptr;
      const long n = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || n < lo || n > hi) usage(fmt::format("{}: bad value \"{}\"", a, v));
      return n;
    };
    if (a == "--pid")
      o.pid = static_cast<int>(number(1, 1L << 30));
    else if (a == "--world")
      o.world_file = value();
    else if (a == "--keep-world")
      o.keep_world = true;
    else if (a == "--connections")
      g_connections_override = static_cast<int>(number(1, 1'000'000));
    else if (a == "--good-deadline-ms")
      o.good_deadline = std::chrono::milliseconds(number(1, 600'000));
    else if (a == "--hold-ms")
      g_hold_ms = static_cast<int>(number(0, 600'000));
    else if (a == "-h" || a == "--help")
      usage("help");
    else if (!a.empty() && a[0] == '-')
      usage("unknown option " + a);
    else
      positional.push_back(a);
  }
  if (positional.size() != 2) usage("expected URL and ATTACK");
  o.url = positional[0];
  o.attack = positional[1];
  return o;
}

using Attack = std::function<AttackResult(const Endpoint&)>;

Attack find_attack(const std::string& name) {
  const std::map<std::string, Attack> attacks = {
      {"slowloris", slowloris}, {"connection-flood", connection_flood}, {"pipelined", pipelined},
      {"malformed", malformed}, {"oversized", oversized}, {"held-bodies", held_bodies}};
  const auto attack = attacks.find(name);
  if (attack == attacks.end()) usage("unknown attack \"" + name + "\"");
  return attack->second;
}

// held-bodies pushes 268 MB through the server in about a second, most of
// it into memory the server has never touched: its good client gets 5 s
// (measured up to 0.85 s on 2 loaded cores, against 0.11 s for the flood).
// connection-flood fills the kernel's accept queue faster than any accept
// loop on 2 shared cores drains it; a SYN the kernel drops there is sent
// again after TCP's initial RTO of 1 s (RFC 6298), whatever the server does.
// Its good client gets 3 s, room for one such retransmit (CI saw exactly
// one connect time out at 1,001 ms, every answer it got within 82 ms).
std::chrono::milliseconds default_good_deadline(const std::string& attack) {
  return attack == "held-bodies" ? 5000ms : attack == "connection-flood" ? 3000ms : 1000ms;
}

// Room for the flood: the soft descriptor limit up to the hard one.
void raise_descriptor_limit() {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &rl);
  }
}

// The requests around the attack, each on a connection of its own; any
// answer short of the expected one ends the run (exit 1).
class Setup {
 public:
  Setup(const Endpoint& ep, std::string attack) : ep_(ep), attack_(std::move(attack)) {}

  [[noreturn]] void fail(const std::string& why) const {
    std::printf("%s: FAILED: %s\n", attack_.c_str(), why.c_str());
    std::fflush(stdout);
    std::exit(1);
  }

  Response call(std::string_view method, std::string_view target, std::string_view body = {}) const {
    const Outcome o = exchange(ep_, request(method, target, ep_, body), 5s);
    if (o.kind != Outcome::kResponse) fail(fmt::format("{} {}: {}", method, target, describe(o)));
    return o.response;
  }

  // A known World, and one RemoveInstances that succeeds on it.
  void put_world(const std::string& world_file) const {
    const auto world = read_whole(world_file);
    if (!world) usage(world_file + ": cannot read the file");
    const auto put = call("PUT", "/_conformance/v1/world", *world);
    if (put.status != 204) fail(fmt::format("PUT world: {} {}", put.status, put.body));
    const auto removed = call(
        "GET", "/?Action=RemoveInstances&Version=2014-08-28&ScalingGroupId=asg-demo&InstanceId.1=i-demo-auto1");
    if (removed.status != 200 || removed.body.find("\"ScalingActivityId\":\"") == std::string::npos)
      fail(fmt::format("the RemoveInstances that should succeed on the World: {} {}", removed.status, removed.body));
  }

  // The World as the server has it now.
  std::string world() const {
    const auto got = call("GET", "/_conformance/v1/world");
    if (got.status != 200) fail(fmt::format("GET world before: {} {}", got.status, got.body));
    return got.body;
  }

 private:
  const Endpoint& ep_;
  std::string attack_;
};

// After the attack: still serving, and the World as it was before.
void check_after(const Endpoint& ep, const std::string& world_before, std::vector<std::string>& failures) {
  for (int i = 0; i < 20; ++i) {
    const Outcome o = exchange(ep, request("GET", "/_conformance/v1/capabilities", ep), g_good_deadline);
    if (o.kind != Outcome::kResponse || o.response.status != 200) {
      failures.push_back("after the attack: capabilities: " + describe(o));
      break;
    }
  }
  const Outcome after = exchange(ep, request("GET", "/_conformance/v1/world", ep), 5s);
  if (after.kind != Outcome::kResponse || after.response.status != 200)
    failures.push_back("after the attack: GET world: " + describe(after));
  else if (after.response.body != world_before)
    failures.push_back("the World changed during the attack: " + first_difference(world_before, after.response.body));
}

// The good client's unanswered requests, the first five listed.
void check_good_client(const GoodClient& good, std::vector<std::string>& failures) {
  if (good.failures() == 0) return;
  std::string list;
  const auto& all = good.failure_list();
  for (std::size_t i = 0; i < all.size() && i < 5; ++i) list += "\n    " + all[i];
  if (all.size() > 5) list += fmt::format("\n    ... and {} more", all.size() - 5);
  failures.push_back(fmt::format("the good client got {} of {} requests unanswered within {} ms:{}", good.failures(),
                                 good.requests(), g_good_deadline.count(), list));
}

// What the attack did and cost, the server's memory and descriptors with --pid.
struct Measures {
  std::string attack;
  Clock::duration took{};
  int pid = 0;
  long hwm_before_kib = -1;
};

void print_summary(const Measures& m, const AttackResult& res, const GoodClient& good, const Sampler& sampler,
                   const std::vector<std::string>& failures) {
  for (const auto& n : res.notes) std::printf("%s\n", n.c_str());
  std::string memory;
  if (m.pid > 0) {
    const auto st = read_status(m.pid);
    memory = fmt::format("; server VmRSS peak {:.1f} MiB, VmHWM {:.1f} MiB (before {:.1f}), descriptors peak {}",
                         mib(sampler.peak_rss_kib()), mib(st.hwm_kib), mib(m.hwm_before_kib), sampler.peak_fds());
  }
  std::printf("%s\n", fmt::format("{}: {} in {:.1f} s: {} connections, {} answered; {}; good client {} requests "
                                   "(bound {} ms), max {:.1f} ms, mean {:.1f} ms, {} failures{}",
                                   m.attack, failures.empty() ? "ok" : "FAILED", s(m.took), res.connections,
                                   res.answered, res.detail.empty() ? "-" : res.detail, good.requests(),
                                   g_good_deadline.count(), good.max_ms(), good.mean_ms(), good.failures(), memory)
                          .c_str());
  for (const auto& f : failures) std::printf("  FAIL: %s\n", f.c_str());
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse_options(argc, argv);
  const Attack attack = find_attack(options.attack);
  g_good_deadline = options.good_deadline.value_or(default_good_deadline(options.attack));
  const auto ep = parse_target(options.url);
  if (!ep) usage(options.url + ": " + ep.error());
  const int pid = options.pid;
  if (pid > 0 && read_status(pid).rss_kib < 0) usage(fmt::format("--pid {}: no such process", pid));
  raise_descriptor_limit();

  // ---- before: a known World, one success, the World as it then is
  const Setup setup(*ep, options.attack);
  if (!options.keep_world) setup.put_world(options.world_file);
  const std::string before = setup.world();

  // ---- the attack, with the good client and the sampler alongside
  Measures measures{options.attack, {}, pid, pid > 0 ? read_status(pid).hwm_kib : -1};
  Sampler sampler(pid);
  GoodClient good(*ep);
  std::this_thread::sleep_for(200ms);  // a few good answers before the attack
  const auto attack_start = Clock::now();
  const AttackResult res = attack(*ep);
  measures.took = Clock::now() - attack_start;
  std::this_thread::sleep_for(1s);  // and the server must be serving again right after it
  good.stop();
  sampler.stop();

  // ---- after: still serving, and the World as it was
  std::vector<std::string> failures = res.failures;
  if (sampler.vanished()) failures.push_back(fmt::format("the server process {} is gone", pid));
  check_after(*ep, before, failures);
  check_good_client(good, failures);
  print_summary(measures, res, good, sampler, failures);
  return failures.empty() ? 0 : 1;
}
