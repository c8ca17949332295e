// The Beast transport, modelled on Beast's example/http/server/async: one
// io_context run by N threads, the acceptor on a strand, one tcp_stream per
// connection on its own strand. Everything HTTP-level the service must not see
// (limits, timeouts, malformed bytes) is answered or dropped here.
#include "reference/server/http_server.hpp"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <exception>
#include <list>
#include <mutex>
#include <optional>
#include <string_view>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "reference/server/beast_request.hpp"

namespace essconf::server {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// A lingering close (shutdown our side, then discard what the peer still
// sends) keeps the kernel from answering unread request bytes with an RST
// that would destroy the response in flight, e.g. a 413 sent before the body
// was read. Bounded so that such a peer cannot hold its slot for long.
constexpr auto kMaxLingerTime = 1000ms;
constexpr std::size_t kMaxLingerBytes = 1 << 20;
// Bytes asked for by the reads that wait for a request's first bytes or drain a lingering close.
constexpr std::size_t kReadChunk = 4096;
// After a failed accept (EMFILE, ENFILE, ENOBUFS) wait before retrying, so
// that descriptor exhaustion does not turn the accept loop into a busy loop.
constexpr auto kAcceptRetryDelay = 50ms;

// Deadlines are enforced by one watchdog timer for the whole server, not by a
// timer per read and write (beast::tcp_stream's expires_after): cancelling a
// per-operation timer posts its handler, and that wake-up of another thread
// cost as much as the rest of the transport (docs/benchmarks.md). The watchdog
// looks every eighth of the shortest timeout, between these bounds, so a
// deadline is enforced at most that late, never early.
constexpr auto kWatchdogMinPeriod = 5ms;
constexpr auto kWatchdogMaxPeriod = 250ms;

std::string json_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 0xF];
    } else {
      out += c;
    }
  }
  return out;
}

HttpResponse json_error(int status, std::string_view message) {
  HttpResponse r;
  r.status = status;
  r.headers.push_back({"Content-Type", "application/json"});
  r.body = "{\"error\":\"" + json_escape(message) + "\"}";
  return r;
}

class Session;

// What every session shares with the server. Sessions are destroyed at the
// latest while the io_context is destroyed, so Core must outlive it (it is the
// base of Impl, whose members, the io_context among them, go first).
struct Core {
  Core(ServerOptions o, Handler h, Logger l)
      : options(std::move(o)), handler(std::move(h)), logger(std::move(l)) {}

  ServerOptions options;
  Handler handler;
  Logger logger;
  std::atomic<std::size_t> live{0};
  std::atomic<bool> stopped{false};
  std::mutex registry_mutex;
  std::unordered_map<Session*, std::weak_ptr<Session>> registry;
  // Under registry_mutex: the sessions that have not received a byte since
  // they were accepted, oldest first. At max_connections the oldest of them
  // gives its slot to a newcomer, so that a flood of silent connections cannot
  // lock out the clients that have a request to make.
  std::list<Session*> fresh;

  void log(const RequestLog& entry) const {
    if (!logger) return;
    try {
      logger(entry);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "essconf: request logger threw: %s\n", e.what());
    }
  }
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Core& core, tcp::socket&& socket) : core_(core), stream_(std::move(socket)) {
    core_.live.fetch_add(1, std::memory_order_relaxed);
  }

  ~Session() {
    {
      const std::lock_guard lock(core_.registry_mutex);
      core_.registry.erase(this);
      if (listed_fresh_) core_.fresh.erase(fresh_pos_);
    }
    if (counted_.exchange(false)) core_.live.fetch_sub(1, std::memory_order_relaxed);
  }

  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void start() {
    {
      const std::lock_guard lock(core_.registry_mutex);
      core_.registry.emplace(this, weak_from_this());
    }
    // Run on the session's strand from the start, as in the Beast example.
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::wait_for_request, shared_from_this()));
  }

  // From the acceptor at max_connections, with registry_mutex held, for the
  // session at the front of core_.fresh: it leaves the list and its slot is
  // given back at once; it is closed on its strand unless a request's first
  // bytes arrived meanwhile (then it is served, as a brief excess of one).
  void evict_locked() {
    listed_fresh_ = false;
    if (counted_.exchange(false)) core_.live.fetch_sub(1, std::memory_order_relaxed);
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->waiting_ && self->served_ == 0) self->close();
    });
  }

  // With registry_mutex held: the session was taken off core_.fresh.
  void forget_fresh_locked() { listed_fresh_ = false; }

  // From the watchdog: when the deadline has passed, close the socket on the
  // session's strand (as tcp_stream's own timeout does), so the pending
  // operation completes with an error and the session ends.
  void expire_if_late(Clock::time_point now) {
    const auto deadline = deadline_.load(std::memory_order_relaxed);
    if (deadline == kNoDeadline || now.time_since_epoch().count() < deadline) return;
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      const auto d = self->deadline_.load(std::memory_order_relaxed);
      if (d == kNoDeadline || Clock::now().time_since_epoch().count() < d) return;  // re-armed meanwhile
      beast::error_code ignored;
      self->stream_.socket().close(ignored);
    });
  }

  // From stop(): end whatever is pending; every handler then sees an error
  // and the session is released.
  void shut() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      beast::error_code ignored;
      self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
      self->stream_.close();
    });
  }

 private:
  const ServerLimits& limits() const { return core_.options.limits; }

  // The time by which the operation about to start must complete (the watchdog enforces it).
  void expires_after(Clock::duration d) {
    deadline_.store((Clock::now() + d).time_since_epoch().count(), std::memory_order_relaxed);
  }

  // Waiting for the next request is governed by idle_timeout (read_timeout
  // for a fresh connection: it has not earned keep-alive grace yet); once its
  // first bytes are in, the whole request must arrive within read_timeout.
  // Pipelined bytes already buffered start the next request at once.
  void wait_for_request() {
    if (buffer_.size() > 0) return read_request();
    if (served_ == 0) {
      const std::lock_guard lock(core_.registry_mutex);
      fresh_pos_ = core_.fresh.insert(core_.fresh.end(), this);
      listed_fresh_ = true;
    }
    waiting_ = true;
    expires_after(served_ == 0 ? limits().read_timeout : limits().idle_timeout);
    stream_.async_read_some(buffer_.prepare(kReadChunk),
                            beast::bind_front_handler(&Session::on_first_bytes, shared_from_this()));
  }

  void on_first_bytes(beast::error_code ec, std::size_t n) {
    waiting_ = false;
    if (served_ == 0) {
      const std::lock_guard lock(core_.registry_mutex);
      if (listed_fresh_) core_.fresh.erase(fresh_pos_);
      listed_fresh_ = false;
    }
    // EOF, reset, idle timeout (the stream has already closed the socket) or
    // stop(): nothing was started, so nothing is owed.
    if (ec) return close();
    buffer_.commit(n);
    read_request();
  }

  void read_request() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(
        std::min<std::size_t>(limits().max_header_bytes, UINT32_MAX)));
    parser_->body_limit(limits().max_body_bytes);
    expires_after(limits().read_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  // A client that sent "Expect: 100-continue" (curl does for bodies over 1 KiB,
  // so every to_curl reproduction of a large POST) waits a second for the
  // interim answer before sending the body. Limits were checked with the
  // header, so a 413 goes out instead of the 100 when the body is too large.
  void on_header(beast::error_code ec, std::size_t header_bytes) {
    if (ec) return on_read_error(ec);
    // Beast applies header_limit to the request line and to the fields
    // separately (so up to twice the limit in all); the limit is for both.
    if (header_bytes > limits().max_header_bytes) return on_read_error(http::error::header_limit);
    // A Transfer-Encoding whose last coding is not chunked leaves the length
    // unknowable: 400 and close (RFC 9112, 6.3). Beast would read the request
    // as bodiless and serve its body as the next request (smuggling).
    if (parser_->get().count(http::field::transfer_encoding) > 0 && !parser_->chunked())
      return on_read_error(http::error::bad_transfer_encoding);
    // Most requests (GET, no body) end with their header: skip async_read,
    // which would only post its completion.
    if (parser_->is_done()) return on_read({}, 0);
    const auto& req = parser_->get();
    if (req.version() >= 11 &&
        beast::iequals(req[http::field::expect], "100-continue")) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      return net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                              beast::bind_front_handler(&Session::on_continue_sent,
                                                        shared_from_this()));
    }
    read_body();
  }

  void on_continue_sent(beast::error_code ec, std::size_t) {
    if (ec) return close();
    read_body();
  }

  // Under the deadline set for the header: the request as a whole is bounded.
  void read_body() {
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    const auto read_done = Clock::now();
    auto& req = parser_->get();

    wire::HttpRequest request = to_wire(req, std::move(req.body()));

    HttpResponse response;
    try {
      response = core_.handler(request);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "essconf: handler threw on %s %s: %s\n", request.method.c_str(),
                   request.target.c_str(), e.what());
      response = json_error(500, "internal error");
    }
    // Beast rejects a status outside 100..999 by throwing; the handler is
    // ours, so this is a bug to log, not something to die of.
    if (response.status < 100 || response.status > 999) {
      std::fprintf(stderr, "essconf: handler returned status %d on %s %s\n", response.status,
                   request.method.c_str(), request.target.c_str());
      response = json_error(500, "internal error");
    }

    ++served_;
    if (response.drop) return close();
    const bool close = response.close || !req.keep_alive();
    // A response to HEAD carries the length of the body it would have had,
    // and no body: a body here would be read as the next response.
    const bool head = req.method() == http::verb::head;
    send(std::move(response), req.version(), close, /*linger=*/close, head, request.method,
         request.target, read_done);
  }

  void on_read_error(beast::error_code ec) {
    // Peer gone, a deadline the watchdog enforced (it closed the socket: no
    // 408 is possible), or stop().
    if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
        ec.category() != http::make_error_code(http::error::bad_method).category())
      return close();

    // What we know of the request: logged, never trusted.
    std::string method;
    std::string target;
    if (parser_->is_header_done()) {
      method = std::string(parser_->get().method_string());
      target = std::string(parser_->get().target());
    }
    HttpResponse response;
    if (ec == http::error::header_limit || ec == http::error::buffer_overflow)
      response = json_error(431, "request header too large");
    else if (ec == http::error::body_limit)
      response = json_error(413, "request body too large");
    else
      response = json_error(400, "malformed HTTP request: " + ec.message());
    send(std::move(response), 11, /*close=*/true, /*linger=*/true, /*head=*/false, method, target,
         Clock::now());
  }

  void send(HttpResponse response, unsigned version, bool close, bool linger, bool head,
            const std::string& method, const std::string& target, Clock::time_point read_done) {
    res_ = {};
    res_.version(version == 10 ? 10 : 11);
    res_.result(static_cast<unsigned>(response.status));
    for (const auto& h : response.headers) res_.insert(h.name, h.value);
    // Set after the handler's headers, replacing any Content-Length it gave.
    if (response.chunked && version != 10 && !head)
      res_.chunked(true);
    else
      res_.content_length(response.body.size());
    res_.keep_alive(!close);
    if (!head) res_.body() = std::move(response.body);
    close_after_write_ = close;
    linger_ = linger;

    core_.log(RequestLog{method, target, static_cast<int>(response.status),
                         response.header("X-Essconf-Code"),
                         std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() -
                                                                               read_done)});

    // A client that stops reading must not pin the session: the write gets
    // the same bound as a read.
    expires_after(limits().read_timeout);
    http::async_write(stream_, res_,
                      beast::bind_front_handler(&Session::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    if (ec) return close();
    if (close_after_write_) return linger_ ? start_linger() : close();
    res_ = {};
    wait_for_request();
  }

  void start_linger() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return close();
    buffer_.clear();
    lingered_ = 0;
    expires_after(std::min<Clock::duration>(limits().read_timeout, kMaxLingerTime));
    linger();
  }

  void linger() {
    stream_.async_read_some(buffer_.prepare(kReadChunk),
                            beast::bind_front_handler(&Session::on_linger, shared_from_this()));
  }

  void on_linger(beast::error_code ec, std::size_t n) {
    lingered_ += n;
    if (ec || lingered_ > kMaxLingerBytes) return close();
    buffer_.consume(buffer_.size());
    linger();
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.close();
  }

  Core& core_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> res_;
  std::size_t served_ = 0;
  std::size_t lingered_ = 0;
  bool close_after_write_ = false;
  bool linger_ = false;
  bool waiting_ = false;  // a read for a request's first bytes is pending (on the strand)
  // Under core_.registry_mutex: this session's place in core_.fresh.
  std::list<Session*>::iterator fresh_pos_;
  bool listed_fresh_ = false;
  std::atomic<bool> counted_{true};  // holds one unit of core_.live
  static constexpr Clock::rep kNoDeadline = Clock::rep{0};
  std::atomic<Clock::rep> deadline_{kNoDeadline};  // steady-clock ticks; set on the strand, read by the watchdog
};

// "cannot listen on HOST:PORT", the prefix of every constructor error.
std::string cannot_listen(const std::string& host, std::uint16_t port) {
  const bool v6 = host.find(':') != std::string::npos;
  return "cannot listen on " + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

tcp::endpoint endpoint_for(const std::string& host, std::uint16_t port) {
  if (host == "localhost") return {net::ip::address_v4::loopback(), port};
  beast::error_code ec;
  const auto address = net::ip::make_address(host, ec);
  if (ec)
    throw std::system_error(std::make_error_code(std::errc::invalid_argument),
                            cannot_listen(host, port) +
                                " (not a numeric IP address or \"localhost\")");
  return {address, port};
}

}  // namespace

struct HttpServer::Impl : Core {
  // Member order matters: the io_context is destroyed after the acceptor and
  // signal set that use it, and before Core, which dying sessions still use.
  net::io_context ioc;
  tcp::acceptor acceptor;
  net::steady_timer accept_retry;
  net::steady_timer watchdog;
  std::optional<net::signal_set> signals;
  std::uint16_t bound_port = 0;
  std::atomic<bool> running{false};

  Impl(ServerOptions opts, Handler h, Logger l)
      : Core(std::move(opts), std::move(h), std::move(l)),
        ioc(std::max(1, options.threads)),
        acceptor(net::make_strand(ioc)),
        accept_retry(acceptor.get_executor()),
        watchdog(acceptor.get_executor()) {
    const auto endpoint = endpoint_for(options.host, options.port);
    const auto fail = [&](beast::error_code ec) {
      throw std::system_error(ec, cannot_listen(options.host, options.port));
    };
    beast::error_code ec;
    acceptor.open(endpoint.protocol(), ec);
    if (ec) fail(ec);
    acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (ec) fail(ec);
    acceptor.bind(endpoint, ec);
    if (ec) fail(ec);
    acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) fail(ec);
    bound_port = acceptor.local_endpoint().port();
  }

  void do_accept() {
    acceptor.async_accept(net::make_strand(ioc),
                          beast::bind_front_handler(&Impl::on_accept, this));
  }

  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (stopped.load() || ec == net::error::operation_aborted || !acceptor.is_open()) return;
    if (ec) {
      std::fprintf(stderr, "essconf: accept failed: %s\n", ec.message().c_str());
      accept_retry.expires_after(kAcceptRetryDelay);
      accept_retry.async_wait([this](beast::error_code wait_ec) {
        if (!wait_ec && !stopped.load()) do_accept();
      });
      return;
    }
    if (live.load(std::memory_order_relaxed) >= options.limits.max_connections &&
        !evict_oldest_fresh()) {
      beast::error_code ignored;
      socket.close(ignored);
    } else {
      beast::error_code ignored;
      // Beast writes a response in one gathered write, but the header and a
      // pipelined follow-up can still meet Nagle + delayed ACK (40 ms stalls).
      socket.set_option(tcp::no_delay(true), ignored);
      std::make_shared<Session>(*this, std::move(socket))->start();
    }
    do_accept();
  }

  Clock::duration watchdog_period() const {
    const auto shortest = std::min(options.limits.read_timeout, options.limits.idle_timeout) / 8;
    return std::clamp<Clock::duration>(shortest, kWatchdogMinPeriod, kWatchdogMaxPeriod);
  }

  // Every watchdog_period: each session past its deadline is closed.
  void watch() {
    watchdog.expires_after(watchdog_period());
    watchdog.async_wait([this](beast::error_code ec) {
      if (ec || stopped.load()) return;
      std::vector<std::shared_ptr<Session>> live_sessions;
      {
        const std::lock_guard lock(registry_mutex);
        live_sessions.reserve(registry.size());
        for (auto& [raw, weak] : registry)
          if (auto s = weak.lock()) live_sessions.push_back(std::move(s));
      }
      // Outside the lock: dropping the last reference runs ~Session, which takes it.
      const auto now = Clock::now();
      for (auto& s : live_sessions) s->expire_if_late(now);
      live_sessions.clear();
      watch();
    });
  }

  // At max_connections: the oldest session that has not received a byte yet
  // gives up its slot (Core::fresh); false when every session has.
  bool evict_oldest_fresh() {
    std::shared_ptr<Session> victim;  // released after the lock: ~Session takes it
    const std::lock_guard lock(registry_mutex);
    while (!victim && !fresh.empty()) {
      Session* oldest = fresh.front();
      fresh.pop_front();
      // A session whose destructor waits for the lock cannot be locked: it is
      // leaving anyway, and must not erase itself from the list a second time.
      const auto it = registry.find(oldest);
      if (it != registry.end()) victim = it->second.lock();
      if (victim)
        victim->evict_locked();
      else
        oldest->forget_fresh_locked();
    }
    return victim != nullptr;
  }

  // On the acceptor's strand, so it never races on_accept: once it has run,
  // no session is created and every live one is being shut.
  void shut_down() {
    beast::error_code ignored;
    acceptor.close(ignored);
    accept_retry.cancel();
    watchdog.cancel();
    if (signals) signals->cancel(ignored);
    std::vector<std::shared_ptr<Session>> live_sessions;
    {
      const std::lock_guard lock(registry_mutex);
      for (auto& [raw, weak] : registry)
        if (auto s = weak.lock()) live_sessions.push_back(std::move(s));
    }
    // Outside the lock: dropping the last reference runs ~Session, which
    // takes the lock.
    for (auto& s : live_sessions) s->shut();
  }
};

HttpServer::HttpServer(ServerOptions options, Handler handler, Logger logger)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler), std::move(logger))) {}

HttpServer::~HttpServer() = default;

std::uint16_t HttpServer::port() const noexcept { return impl_->bound_port; }

void HttpServer::run(bool handle_signals) {
  Impl& s = *impl_;
  if (s.stopped.load() || s.running.exchange(true)) return;
  if (handle_signals) {
    s.signals.emplace(s.acceptor.get_executor(), SIGINT, SIGTERM);
    s.signals->async_wait([this](beast::error_code ec, int) {
      if (!ec) stop();
    });
  }
  // Before any thread runs the io_context, so no strand is needed yet; a
  // stop() racing with this is queued and runs on the first thread.
  s.do_accept();
  s.watch();

  const int n = std::max(1, s.options.threads);
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(n - 1));
  for (int i = 1; i < n; ++i) threads.emplace_back([&s] { s.ioc.run(); });
  s.ioc.run();
  for (auto& t : threads) t.join();
}

void HttpServer::stop() {
  Impl& s = *impl_;
  if (s.stopped.exchange(true)) return;
  // Closing sessions lets the io_context run out of work, so run() returns
  // once every in-flight handler has finished; nothing is abandoned mid-write.
  net::post(s.acceptor.get_executor(), [&s] { s.shut_down(); });
}

}  // namespace essconf::server
