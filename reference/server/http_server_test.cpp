// The Beast transport, exercised over real loopback sockets with raw bytes,
// so that malformed, slow and pipelined requests are sent exactly as written.
// Time bounds here are "it does not hang" limits, never performance targets.
#include "reference/server/http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace essconf::server {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// --- a raw HTTP/1.1 client over a POSIX socket ----------------------------

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

struct Response {
  std::string version;
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  std::string header(std::string_view name) const {
    for (const auto& [n, v] : headers)
      if (iequal(n, name)) return v;
    return {};
  }
  bool has_header(std::string_view name) const {
    return std::any_of(headers.begin(), headers.end(),
                       [&](const auto& h) { return iequal(h.first, name); });
  }
};

enum class Read { data, closed, timeout };

class Conn {
 public:
  explicit Conn(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "socket");
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
      const int e = errno;
      ::close(fd_);
      throw std::system_error(e, std::generic_category(), "connect");
    }
  }
  ~Conn() {
    if (fd_ >= 0) ::close(fd_);
  }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  // False when the peer has gone (EPIPE, ECONNRESET).
  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      const auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR) continue;
        return false;
      }
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Appends whatever arrives before `deadline` to the buffer.
  Read fill(Clock::time_point deadline) {
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left <= 0ms) return Read::timeout;
      pollfd p{fd_, POLLIN, 0};
      const int r = ::poll(&p, 1, static_cast<int>(left.count()));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) return Read::timeout;
      char chunk[16384];
      const auto n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return Read::closed;  // EOF, or a reset
      buffer_.append(chunk, static_cast<std::size_t>(n));
      return Read::data;
    }
  }

  // One response; nullopt on close or timeout before it is whole.
  std::optional<Response> read_response(bool head = false, std::chrono::milliseconds timeout = 5s) {
    const auto deadline = Clock::now() + timeout;
    std::size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos)
      if (fill(deadline) != Read::data) return std::nullopt;
    Response r;
    std::string_view head_text(buffer_.data(), end);
    auto line_end = head_text.find("\r\n");
    const auto status_line = head_text.substr(0, line_end);
    const auto sp = status_line.find(' ');
    r.version = std::string(status_line.substr(0, sp));
    r.status = std::stoi(std::string(status_line.substr(sp + 1, 3)));
    while (line_end != std::string_view::npos) {
      head_text.remove_prefix(line_end + 2);
      line_end = head_text.find("\r\n");
      const auto line = head_text.substr(0, line_end);
      const auto colon = line.find(':');
      auto value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      r.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
    }
    const std::size_t length = head ? 0 : std::stoul("0" + r.header("Content-Length"));
    while (buffer_.size() < end + 4 + length)
      if (fill(deadline) != Read::data) return std::nullopt;
    r.body = buffer_.substr(end + 4, length);
    buffer_.erase(0, end + 4 + length);
    return r;
  }

  // True when the peer closes before the timeout; bytes that arrive first are
  // kept in buffered().
  bool closed_within(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
      switch (fill(deadline)) {
        case Read::closed: return true;
        case Read::timeout: return false;
        case Read::data: break;
      }
    }
  }

  const std::string& buffered() const { return buffer_; }

 private:
  int fd_ = -1;
  std::string buffer_;
};

std::string get(std::string_view target, std::string_view extra_headers = {}) {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: t\r\n" + std::string(extra_headers) +
         "\r\n";
}

std::string post(std::string_view target, std::string_view body) {
  return "POST " + std::string(target) +
         " HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\n"
         "Content-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

// --- the server under test ------------------------------------------------

// Echo: "METHOD TARGET\nBODY". "/throw" throws, "/close" asks to close,
// "/code" reports an error Code the way the service does.
HttpResponse echo(const wire::HttpRequest& request) {
  if (request.target == "/throw") throw std::runtime_error("test handler exploded");
  HttpResponse r;
  r.headers.push_back({"Content-Type", "text/plain"});
  r.body = request.method + " " + request.target + "\n" + request.body;
  if (request.target == "/close") r.close = true;
  if (request.target == "/code") {
    r.status = 404;
    r.headers.push_back({"X-Essconf-Code", "InvalidScalingGroupId.NotFound"});
  }
  if (request.target == "/headers")
    for (const auto& h : request.headers) r.body += h.name + "=" + h.value + "\n";
  return r;
}

class TestServer {
 public:
  explicit TestServer(ServerLimits limits = {}, int threads = 2, Handler handler = echo,
                      Logger logger = {}) {
    ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.threads = threads;
    options.limits = limits;
    server_ = std::make_unique<HttpServer>(options, std::move(handler), std::move(logger));
    thread_ = std::thread([this] {
      server_->run();
      returned_ = true;
    });
  }
  ~TestServer() {
    server_->stop();
    thread_.join();
  }
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  std::uint16_t port() const { return server_->port(); }
  HttpServer& server() { return *server_; }
  bool returned() const { return returned_; }

 private:
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  std::atomic<bool> returned_{false};
};

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return condition();
}

// --- round trips --------------------------------------------------------

TEST(HttpServer, GetAndPostRoundTrip) {
  TestServer s;
  Conn c(s.port());
  ASSERT_TRUE(c.send(get("/?Action=RemoveInstances&A=%3D")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->version, "HTTP/1.1");
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "GET /?Action=RemoveInstances&A=%3D\n");
  EXPECT_EQ(r->header("Content-Type"), "text/plain");
  EXPECT_EQ(r->header("Content-Length"), std::to_string(r->body.size()));
  EXPECT_FALSE(r->has_header("Connection"));

  ASSERT_TRUE(c.send(post("/", "Action=RemoveInstances&InstanceId.1=i-1")));
  r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "POST /\nAction=RemoveInstances&InstanceId.1=i-1");
}

TEST(HttpServer, HeadersReachHandlerInOrderAsSent) {
  TestServer s;
  Conn c(s.port());
  ASSERT_TRUE(c.send("GET /headers HTTP/1.1\r\nHost: t\r\nx-acs-action: RemoveInstances\r\n"
                     "X-Dup: 1\r\nX-Dup: 2\r\n\r\n"));
  const auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "GET /headers\nHost=t\nx-acs-action=RemoveInstances\nX-Dup=1\nX-Dup=2\n");
}

TEST(HttpServer, KeepAliveServesHundredRequestsOnOneConnection) {
  TestServer s;
  Conn c(s.port());
  for (int i = 0; i < 100; ++i) {
    const std::string target = "/?n=" + std::to_string(i);
    ASSERT_TRUE(c.send(get(target)));
    const auto r = c.read_response();
    ASSERT_TRUE(r) << "request " << i;
    EXPECT_EQ(r->body, "GET " + target + "\n");
  }
}

TEST(HttpServer, PipelinedRequestsAreAnsweredInOrder) {
  TestServer s;
  Conn c(s.port());
  ASSERT_TRUE(c.send(get("/first") + post("/second", "body=2") + get("/third")));
  const auto a = c.read_response();
  const auto b = c.read_response();
  const auto d = c.read_response();
  ASSERT_TRUE(a && b && d);
  EXPECT_EQ(a->body, "GET /first\n");
  EXPECT_EQ(b->body, "POST /second\nbody=2");
  EXPECT_EQ(d->body, "GET /third\n");
}

TEST(HttpServer, HeadGetsContentLengthButNoBody) {
  TestServer s;
  Conn c(s.port());
  ASSERT_TRUE(c.send("HEAD /h HTTP/1.1\r\nHost: t\r\n\r\n" + get("/after")));
  const auto h = c.read_response(/*head=*/true);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->header("Content-Length"), std::to_string(std::string("HEAD /h\n").size()));
  const auto g = c.read_response();
  ASSERT_TRUE(g);
  EXPECT_EQ(g->body, "GET /after\n");
}

TEST(HttpServer, ExpectContinueGets100BeforeTheBody) {
  TestServer s;
  Conn c(s.port());
  ASSERT_TRUE(c.send("POST /e HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
                     "Content-Length: 3\r\n\r\n"));
  const auto interim = c.read_response(false, 3s);  // sent before the body exists
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(c.send("abc"));
  const auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "POST /e\nabc");
}

TEST(HttpServer, ExpectContinueWithTooLargeBodyGets413Instead) {
  ServerLimits limits;
  limits.max_body_bytes = 10;
  TestServer s(limits);
  Conn c(s.port());
  ASSERT_TRUE(c.send("POST / HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
                     "Content-Length: 11\r\n\r\n"));
  const auto r = c.read_response(false, 3s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
}

TEST(HttpServer, UnknownMethodReachesHandlerAsSent) {
  TestServer s;
  Conn c(s.port());
  ASSERT_TRUE(c.send("BREW /pot HTTP/1.1\r\nHost: t\r\n\r\n"));
  const auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "BREW /pot\n");
}

// --- connection management ----------------------------------------------

TEST(HttpServer, Http10RequestIsAnsweredThenClosed) {
  TestServer s;
  Conn c(s.port());
  ASSERT_TRUE(c.send("GET /old HTTP/1.0\r\n\r\n"));
  const auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->version, "HTTP/1.0");
  EXPECT_EQ(r->body, "GET /old\n");
  EXPECT_NE(r->header("Connection"), "keep-alive");
  EXPECT_TRUE(c.closed_within(3s));
}

TEST(HttpServer, Http10KeepAliveIsHonoured) {
  TestServer s;
  Conn c(s.port());
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(c.send("GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    const auto r = c.read_response();
    ASSERT_TRUE(r) << "request " << i;
    EXPECT_EQ(r->header("Connection"), "keep-alive");
  }
}

TEST(HttpServer, ConnectionCloseFromClientOrHandlerCloses) {
  TestServer s;
  {
    Conn c(s.port());
    ASSERT_TRUE(c.send(get("/", "Connection: close\r\n")));
    const auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->header("Connection"), "close");
    EXPECT_TRUE(c.closed_within(3s));
  }
  {
    Conn c(s.port());
    ASSERT_TRUE(c.send(get("/close")));
    const auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->header("Connection"), "close");
    EXPECT_TRUE(c.closed_within(3s));
  }
}

// --- malformed and oversized requests -------------------------------------

TEST(HttpServer, HeaderOverLimitGets431AndClose) {
  ServerLimits limits;
  limits.max_header_bytes = 1024;
  TestServer s(limits);
  Conn c(s.port());
  ASSERT_TRUE(c.send(get("/", "X-Pad: " + std::string(4000, 'a') + "\r\n")));
  const auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_EQ(r->header("Content-Type"), "application/json");
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_EQ(r->body, R"({"error":"request header too large"})");
  EXPECT_TRUE(c.closed_within(3s));
}

TEST(HttpServer, BodyOverLimitGets413WithoutReadingIt) {
  ServerLimits limits;
  limits.max_body_bytes = 1024;
  std::atomic<int> calls{0};
  TestServer s(limits, 2, [&](const wire::HttpRequest& r) {
    ++calls;
    return echo(r);
  });
  Conn c(s.port());
  // Only a little of the announced 10 MB is ever sent.
  ASSERT_TRUE(c.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10000000\r\n\r\n" +
                     std::string(100, 'x')));
  const auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->header("Content-Type"), "application/json");
  EXPECT_EQ(r->body, R"({"error":"request body too large"})");
  EXPECT_TRUE(c.closed_within(3s));
  EXPECT_EQ(calls, 0);
}

TEST(HttpServer, ChunkedBodyOverLimitGets413) {
  ServerLimits limits;
  limits.max_body_bytes = 16;
  TestServer s(limits);
  Conn c(s.port());
  ASSERT_TRUE(c.send("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "20\r\n" + std::string(32, 'x') + "\r\n0\r\n\r\n"));
  const auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
}

TEST(HttpServer, ValidChunkedBodyIsDecoded) {
  TestServer s;
  Conn c(s.port());
  ASSERT_TRUE(c.send("POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"));
  const auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "POST /c\nabcde");
}

TEST(HttpServer, GarbageGets400AndClose) {
  TestServer s;
  Conn c(s.port());
  ASSERT_TRUE(c.send("\x16\x03\x01 hello"));
  const auto r = c.read_response(false, 3s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->header("Content-Type"), "application/json");
  EXPECT_EQ(r->body.rfind(R"({"error":"malformed HTTP request: )", 0), 0u) << r->body;
  EXPECT_TRUE(c.closed_within(3s));
}

TEST(HttpServer, BadChunkedEncodingGets400) {
  TestServer s;
  Conn c(s.port());
  ASSERT_TRUE(c.send("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "ZZ\r\nhello\r\n0\r\n\r\n"));
  const auto r = c.read_response(false, 3s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("malformed HTTP request"), std::string::npos) << r->body;
  EXPECT_TRUE(c.closed_within(3s));
}

TEST(HttpServer, BadHeaderSyntaxGets400) {
  TestServer s;
  Conn c(s.port());
  ASSERT_TRUE(c.send("GET / HTTP/1.1\r\nHost: t\r\nNo Colon Here\r\n\r\n"));
  const auto r = c.read_response(false, 3s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(c.closed_within(3s));
}

// --- timeouts and connection limits ---------------------------------------

// Sends one more header byte every 200 ms until the server hangs up.
bool trickle_until_closed(Conn& c, std::chrono::milliseconds give_up) {
  const auto deadline = Clock::now() + give_up;
  while (Clock::now() < deadline) {
    if (!c.send("X")) return true;
    if (c.closed_within(200ms)) return true;
  }
  return false;
}

TEST(HttpServer, SlowlorisIsCutOffAtReadTimeout) {
  ServerLimits limits;
  limits.read_timeout = 500ms;
  limits.idle_timeout = 10s;
  TestServer s(limits);
  Conn c(s.port());
  const auto start = Clock::now();
  ASSERT_TRUE(c.send("GET / HTTP/1.1\r\n"));
  EXPECT_TRUE(trickle_until_closed(c, 4s));
  EXPECT_LT(Clock::now() - start, 2s);
  EXPECT_GE(Clock::now() - start, 400ms);  // not before read_timeout
  EXPECT_EQ(c.buffered(), "");             // timeouts close silently
}

TEST(HttpServer, IdleKeepAliveConnectionIsClosedAfterIdleTimeout) {
  ServerLimits limits;
  limits.idle_timeout = 300ms;
  TestServer s(limits);
  Conn c(s.port());
  ASSERT_TRUE(c.send(get("/")));
  ASSERT_TRUE(c.read_response());
  const auto start = Clock::now();
  EXPECT_TRUE(c.closed_within(3s));
  EXPECT_GE(Clock::now() - start, 250ms);  // not before idle_timeout
}

TEST(HttpServer, SlowlorisDoesNotDelayOtherClients) {
  ServerLimits limits;
  limits.read_timeout = 10s;
  TestServer s(limits, /*threads=*/1);
  Conn slow(s.port());
  ASSERT_TRUE(slow.send("GET / HTTP/1.1\r\nHost: t\r\nX-Slow: "));
  Conn fast(s.port());
  const auto start = Clock::now();
  ASSERT_TRUE(fast.send(get("/fast")));
  const auto r = fast.read_response(false, 3s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "GET /fast\n");
  EXPECT_LT(Clock::now() - start, 3s);
}

TEST(HttpServer, ConnectionsBeyondMaxAreClosedAtOnce) {
  ServerLimits limits;
  limits.max_connections = 4;
  TestServer s(limits);
  std::vector<std::unique_ptr<Conn>> conns;
  for (int i = 0; i < 4; ++i) {
    conns.push_back(std::make_unique<Conn>(s.port()));
    ASSERT_TRUE(conns.back()->send(get("/")));
    ASSERT_TRUE(conns.back()->read_response()) << "connection " << i;
  }
  Conn fifth(s.port());
  EXPECT_TRUE(fifth.closed_within(2s));
  EXPECT_EQ(fifth.buffered(), "");
  for (auto& c : conns) {
    ASSERT_TRUE(c->send(get("/again")));
    const auto r = c->read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "GET /again\n");
  }
  // A slot freed by a client that leaves is given to the next one.
  conns.pop_back();
  EXPECT_TRUE(eventually(
      [&] {
        Conn c(s.port());
        return c.send(get("/")) && c.read_response(false, 500ms).has_value();
      },
      3s));
}

TEST(HttpServer, AtMaxTheOldestSilentConnectionGivesWayToANewOne) {
  // A flood of connections that never send a byte must not lock out a client
  // with a request: the oldest silent one is closed to make room.
  ServerLimits limits;
  limits.max_connections = 4;
  TestServer s(limits);
  std::vector<std::unique_ptr<Conn>> silent;
  for (int i = 0; i < 4; ++i) {
    silent.push_back(std::make_unique<Conn>(s.port()));
    std::this_thread::sleep_for(50ms);  // accepted in this order
  }
  Conn c(s.port());
  ASSERT_TRUE(c.send(get("/wanted")));
  const auto r = c.read_response(false, 3s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "GET /wanted\n");
  EXPECT_TRUE(silent.front()->closed_within(2s));
  EXPECT_EQ(silent.front()->buffered(), "");
  EXPECT_FALSE(silent.back()->closed_within(200ms));  // the newest silent ones keep their slots
}

TEST(HttpServer, HeaderLimitCoversRequestLineAndFieldsTogether) {
  // Beast bounds the request line and the fields separately; the limit is for both.
  ServerLimits limits;
  limits.max_header_bytes = 4096;
  TestServer s(limits);
  auto request_of = [](std::size_t line, std::size_t total) {
    std::string r = "GET /" + std::string(line - 16, 'a') + " HTTP/1.1\r\nHost: t\r\nX-Pad: ";
    return r + std::string(total - r.size() - 4, 'p') + "\r\n\r\n";
  };
  for (const std::size_t line : {std::size_t{100}, std::size_t{2000}, std::size_t{3000}}) {
    {
      Conn c(s.port());
      ASSERT_TRUE(c.send(request_of(line, 4096)));
      const auto r = c.read_response();
      ASSERT_TRUE(r) << line;
      EXPECT_EQ(r->status, 200) << "a header of exactly the limit, request line of " << line;
    }
    {
      Conn c(s.port());
      ASSERT_TRUE(c.send(request_of(line, 4097)));
      const auto r = c.read_response();
      ASSERT_TRUE(r) << line;
      EXPECT_EQ(r->status, 431) << "one byte over the limit, request line of " << line;
    }
    {
      Conn c(s.port());
      ASSERT_TRUE(c.send(request_of(line, 4096 + line - 1)));
      const auto r = c.read_response();
      ASSERT_TRUE(r) << line;
      EXPECT_EQ(r->status, 431) << "line and fields each under the limit, request line of " << line;
    }
  }
}

TEST(HttpServer, TransferEncodingNotEndingInChunkedGets400AndClose) {
  // RFC 9112, 6.3: the length cannot be known. The would-be body must not be
  // served as a request of its own.
  TestServer s;
  for (const std::string coding : {"gzip", "identity", "chunked, gzip"}) {
    Conn c(s.port());
    ASSERT_TRUE(c.send("POST /first HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: " + coding + "\r\n\r\n" +
                       get("/smuggled")));
    const auto r = c.read_response();
    ASSERT_TRUE(r) << coding;
    EXPECT_EQ(r->status, 400) << coding;
    EXPECT_EQ(r->body, R"({"error":"malformed HTTP request: bad Transfer-Encoding"})") << coding;
    EXPECT_TRUE(c.closed_within(3s)) << coding;
    EXPECT_EQ(c.buffered(), "") << coding << ": nothing after the 400";
  }
}

// --- failures of the server's own parts -----------------------------------

TEST(HttpServer, HandlerExceptionGives500AndKeepsServing) {
  TestServer s;
  Conn c(s.port());
  ASSERT_TRUE(c.send(get("/throw")));
  const auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->header("Content-Type"), "application/json");
  EXPECT_EQ(r->body, R"({"error":"internal error"})");
  ASSERT_TRUE(c.send(get("/after")));  // same connection
  const auto after = c.read_response();
  ASSERT_TRUE(after);
  EXPECT_EQ(after->body, "GET /after\n");
}

TEST(HttpServer, LoggerGetsMethodTargetStatusAndCode) {
  std::mutex m;
  std::vector<RequestLog> logs;
  std::vector<std::string> codes;  // RequestLog::code only lives during the call
  TestServer s({}, 2, echo, [&](const RequestLog& entry) {
    const std::lock_guard lock(m);
    logs.push_back(entry);
    codes.emplace_back(entry.code);
  });
  Conn c(s.port());
  ASSERT_TRUE(c.send(get("/code") + post("/p", "x=1")));
  ASSERT_TRUE(c.read_response());
  ASSERT_TRUE(c.read_response());
  const std::lock_guard lock(m);
  ASSERT_EQ(logs.size(), 2u);
  EXPECT_EQ(logs[0].method, "GET");
  EXPECT_EQ(logs[0].target, "/code");
  EXPECT_EQ(logs[0].status, 404);
  EXPECT_EQ(codes[0], "InvalidScalingGroupId.NotFound");
  EXPECT_GE(logs[0].latency.count(), 0);
  EXPECT_EQ(logs[1].method, "POST");
  EXPECT_EQ(logs[1].status, 200);
  EXPECT_EQ(codes[1], "");
}

// --- lifecycle --------------------------------------------------------------

TEST(HttpServer, StopMakesRunReturnAndClosesConnections) {
  auto s = std::make_unique<TestServer>();
  Conn idle(s->port());
  ASSERT_TRUE(idle.send(get("/")));
  ASSERT_TRUE(idle.read_response());
  Conn half(s->port());
  ASSERT_TRUE(half.send("GET / HTTP/1.1\r\n"));
  s->server().stop();
  EXPECT_TRUE(eventually([&] { return s->returned(); }, 5s));
  EXPECT_TRUE(idle.closed_within(2s));
  EXPECT_TRUE(half.closed_within(2s));
  s->server().stop();  // again: harmless
  s.reset();
}

TEST(HttpServer, StopBeforeRunMakesRunReturnAtOnce) {
  ServerOptions options;
  options.port = 0;
  HttpServer server(options, echo);
  server.stop();
  std::atomic<bool> returned{false};
  std::thread t([&] {
    server.run();
    returned = true;
  });
  EXPECT_TRUE(eventually([&] { return returned.load(); }, 5s));
  t.join();
}

TEST(HttpServer, PortInUseThrowsWithTheAddress) {
  TestServer s;
  ServerOptions options;
  options.host = "127.0.0.1";
  options.port = s.port();
  try {
    HttpServer second(options, echo);
    FAIL() << "second server bound to a port in use";
  } catch (const std::system_error& e) {
    EXPECT_NE(std::string(e.what()).find("127.0.0.1:" + std::to_string(s.port())),
              std::string::npos)
        << e.what();
  }
}

TEST(HttpServer, BadHostThrows) {
  ServerOptions options;
  options.host = "not an address";
  options.port = 0;
  EXPECT_THROW(HttpServer(options, echo), std::system_error);
}

TEST(HttpServer, LocalhostIsAccepted) {
  ServerOptions options;
  options.host = "localhost";
  options.port = 0;
  HttpServer server(options, echo);
  EXPECT_NE(server.port(), 0);
}

// --- load -------------------------------------------------------------------

TEST(HttpServer, TwoHundredConcurrentConnectionsTwentyRequestsEach) {
  TestServer s;
  constexpr int kThreads = 8;
  constexpr int kConnsPerThread = 25;
  constexpr int kRequests = 20;
  std::atomic<int> ok{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < kThreads; ++t) {
    clients.emplace_back([&, t] {
      // All of a thread's connections are open at once; requests go round
      // robin over them, so the server holds 200 live keep-alive sessions.
      std::vector<std::unique_ptr<Conn>> conns;
      for (int i = 0; i < kConnsPerThread; ++i) conns.push_back(std::make_unique<Conn>(s.port()));
      for (int n = 0; n < kRequests; ++n) {
        for (int i = 0; i < kConnsPerThread; ++i) {
          const std::string target = "/?t=" + std::to_string(t) + "&c=" + std::to_string(i) +
                                     "&n=" + std::to_string(n);
          const bool sent = conns[static_cast<std::size_t>(i)]->send(get(target));
          const auto r = conns[static_cast<std::size_t>(i)]->read_response();
          if (sent && r && r->status == 200 && r->body == "GET " + target + "\n")
            ++ok;
          else
            ++failed;
        }
      }
    });
  }
  for (auto& c : clients) c.join();
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(ok, kThreads * kConnsPerThread * kRequests);
}

}  // namespace
}  // namespace essconf::server
