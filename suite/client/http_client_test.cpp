// The target client against a well-behaved server (the reference transport)
// and against small raw-socket servers that misbehave on purpose: silence,
// trickling, floods, garbage, resets, truncation. Time bounds here are "it
// does not hang" limits, never performance targets.
#include "suite/client/http_client.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "reference/server/http_server.hpp"
#include "suite/client/raw_peer.hpp"

namespace essconf::client {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// --- requests and clients ---------------------------------------------------

wire::HttpRequest get(std::string target) {
  wire::HttpRequest r;
  r.target = std::move(target);
  r.headers = {{"Host", "t"}};
  return r;
}

Url local(std::uint16_t port) {
  Url u;
  u.host = "127.0.0.1";
  u.port = port;
  return u;
}

ClientLimits quick(std::chrono::milliseconds request_timeout = 1000ms) {
  ClientLimits l;
  l.connect_timeout = 1000ms;
  l.request_timeout = request_timeout;
  return l;
}

// --- a raw-socket server with a behaviour per connection ---------------------

using Peer = raw::Peer;
using RawServer = raw::Server;

std::string ok(std::string_view body = "ok", std::string_view extra = {}) {
  return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
         std::string(extra) + "\r\n" + std::string(body);
}

// Answers every request on the connection with 200 "ok".
void keep_alive(Peer& p) {
  while (p.read_request())
    if (!p.send(ok())) return;
}

// A port nothing listens on: bound, then released.
std::uint16_t closed_port() { return raw::listen_loopback(1).port; }

// --- the reference server as a well-behaved target ----------------------------

// Echo: "METHOD TARGET\nBODY" then "name=value\n" per header. "/close" asks
// the transport to close; "/redirect" answers 302 to itself.
server::HttpResponse echo(const wire::HttpRequest& request) {
  server::HttpResponse r;
  r.headers.push_back({"Content-Type", "text/plain"});
  r.body = request.method + " " + request.target + "\n" + request.body;
  if (request.target == "/close") r.close = true;
  if (request.target == "/redirect") {
    r.status = 302;
    r.headers.push_back({"Location", "/redirect"});
  }
  if (request.target == "/headers")
    for (const auto& h : request.headers) r.body += h.name + "=" + h.value + "\n";
  return r;
}

class ReferenceServer {
 public:
  ReferenceServer() {
    server::ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.threads = 1;
    server_ = std::make_unique<server::HttpServer>(options, [this](const wire::HttpRequest& r) {
      handled_.fetch_add(1);
      return echo(r);
    });
    thread_ = std::thread([this] { server_->run(); });
  }
  ~ReferenceServer() {
    server_->stop();
    thread_.join();
  }
  ReferenceServer(const ReferenceServer&) = delete;
  ReferenceServer& operator=(const ReferenceServer&) = delete;

  std::uint16_t port() const { return server_->port(); }
  int handled() const { return handled_.load(); }

 private:
  std::unique_ptr<server::HttpServer> server_;
  std::thread thread_;
  std::atomic<int> handled_{0};
};

// --- parse_url, with_transport_headers, describe ------------------------------

TEST(ParseUrl, AcceptsHostPortAndBasePath) {
  auto u = parse_url("http://127.0.0.1:8080");
  ASSERT_TRUE(u) << u.error();
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 8080);
  EXPECT_EQ(u->base_path, "");
  EXPECT_EQ(u->origin(), "http://127.0.0.1:8080");

  u = parse_url("http://localhost");
  ASSERT_TRUE(u) << u.error();
  EXPECT_EQ(u->host, "localhost");
  EXPECT_EQ(u->port, 80);
  EXPECT_EQ(u->origin(), "http://localhost:80");

  u = parse_url("http://[::1]:9000/base/");
  ASSERT_TRUE(u) << u.error();
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, 9000);
  EXPECT_EQ(u->base_path, "/base");
  EXPECT_EQ(u->origin(), "http://[::1]:9000");

  u = parse_url("HTTP://example.com/a/b");
  ASSERT_TRUE(u) << u.error();
  EXPECT_EQ(u->base_path, "/a/b");
  u = parse_url("http://h:65535/");
  ASSERT_TRUE(u) << u.error();
  EXPECT_EQ(u->port, 65535);
  EXPECT_EQ(u->base_path, "");
}

TEST(ParseUrl, RejectsWhatItCannotServe) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"https://127.0.0.1:8443", "https is not supported"},
      {"ftp://127.0.0.1", "not supported"},
      {"http://", "no host"},
      {"http://:8080", "no host"},
      {"http://h:0", "bad port"},
      {"http://h:65536", "bad port"},
      {"http://h:99999999", "bad port"},
      {"http://h:80a", "bad port"},
      {"http://h:", "bad port"},
      {"http://[::1", "]"},
      {"http://[zz]:80", "bad IPv6"},
      {"127.0.0.1:8080", "not an http:// URL"},
      {"garbage", "not an http:// URL"},
      {"", "not an http:// URL"},
      {"http://h x", "space"},
      {"http://user@h", "user"},
      {"http://h/?q=1", "query"},
      {"http://h!/", "bad host"},
  };
  for (const auto& [text, message] : cases) {
    const auto u = parse_url(text);
    EXPECT_FALSE(u) << text;
    EXPECT_NE(u.error().find(message), std::string::npos) << text << " -> " << u.error();
  }
}

TEST(WithTransportHeaders, AddsHostLengthAndAgentOnce) {
  wire::HttpRequest r;
  r.method = "POST";
  r.body = "Action=RemoveInstances";
  r.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  const auto out = with_transport_headers(r, local(8080));
  ASSERT_EQ(out.headers.size(), 4u);
  EXPECT_EQ(out.headers[0].name, "Host");
  EXPECT_EQ(out.headers[0].value, "127.0.0.1:8080");
  EXPECT_EQ(out.header("Content-Length"), "22");
  EXPECT_EQ(out.header("User-Agent"), "essconf/0.1");

  // Present in any case: left alone, never duplicated.
  wire::HttpRequest mine;
  mine.method = "PUT";
  mine.headers = {{"host", "x"}, {"content-length", "7"}, {"USER-AGENT", "me"}};
  EXPECT_EQ(with_transport_headers(mine, local(8080)).headers.size(), 3u);
}

TEST(WithTransportHeaders, HostFormsAndContentLengthRules) {
  Url u;
  u.host = "example.com";
  EXPECT_EQ(with_transport_headers({}, u).header("Host"), "example.com");
  u.host = "::1";
  u.port = 9000;
  EXPECT_EQ(with_transport_headers({}, u).header("Host"), "[::1]:9000");

  wire::HttpRequest r;  // GET, no body: no Content-Length
  EXPECT_FALSE(with_transport_headers(r, u).has_header("Content-Length"));
  r.method = "POST";  // empty POST: Content-Length: 0
  EXPECT_EQ(with_transport_headers(r, u).header("Content-Length"), "0");
  r.method = "GET";
  r.body = "abc";  // a GET with a body still says how long it is
  EXPECT_EQ(with_transport_headers(r, u).header("Content-Length"), "3");
}

TEST(Describe, EveryErrorHasText) {
  for (const auto e :
       {TransportError::none, TransportError::connect_failed, TransportError::timeout,
        TransportError::reset, TransportError::not_http, TransportError::too_large})
    EXPECT_FALSE(describe(e).empty());
  EXPECT_NE(describe(TransportError::timeout), describe(TransportError::reset));
}

TEST(Exchange, HeaderIsCaseInsensitiveFirstMatch) {
  Exchange x;
  x.headers = {{"Content-Type", "a"}, {"content-type", "b"}};
  EXPECT_EQ(x.header("CONTENT-TYPE"), "a");
  EXPECT_EQ(x.header("Location"), "");
}

// --- a well-behaved target ------------------------------------------------------

TEST(HttpClient, GetAndPostRoundTripWithTransportHeaders) {
  ReferenceServer s;
  HttpClient client(local(s.port()), quick());
  wire::HttpRequest g;
  g.target = "/headers";
  g.headers = {{"x-acs-action", "RemoveInstances"}};
  auto x = client.send(with_transport_headers(g, client.url()));
  ASSERT_EQ(x.error, TransportError::none) << x.error_detail;
  EXPECT_EQ(x.status, 200);
  EXPECT_EQ(x.header("content-type"), "text/plain");
  EXPECT_EQ(x.body, "GET /headers\nHost=127.0.0.1:" + std::to_string(s.port()) +
                        "\nx-acs-action=RemoveInstances\nUser-Agent=essconf/0.1\n");
  EXPECT_GT(x.elapsed.count(), 0);

  wire::HttpRequest p;
  p.method = "POST";
  p.target = "/";
  p.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  p.body = "Action=RemoveInstances&InstanceId.1=i-1";
  x = client.send(with_transport_headers(p, client.url()));
  ASSERT_EQ(x.error, TransportError::none) << x.error_detail;
  EXPECT_EQ(x.body, "POST /\nAction=RemoveInstances&InstanceId.1=i-1");
  EXPECT_EQ(client.requests_sent(), 2u);
}

TEST(HttpClient, RedirectIsReturnedNotFollowed) {
  ReferenceServer s;
  HttpClient client(local(s.port()), quick());
  const auto x = client.send(get("/redirect"));
  ASSERT_EQ(x.error, TransportError::none) << x.error_detail;
  EXPECT_EQ(x.status, 302);
  EXPECT_EQ(x.header("Location"), "/redirect");
  EXPECT_EQ(s.handled(), 1);
  EXPECT_EQ(client.requests_sent(), 1u);
}

TEST(HttpClient, ReconnectsAfterConnectionCloseFromReferenceServer) {
  ReferenceServer s;
  HttpClient client(local(s.port()), quick());
  for (const char* target : {"/close", "/a", "/close", "/b"}) {
    const auto x = client.send(get(target));
    ASSERT_EQ(x.error, TransportError::none) << target << ": " << x.error_detail;
    EXPECT_EQ(x.body, "GET " + std::string(target) + "\n");
  }
  EXPECT_EQ(s.handled(), 4);
  EXPECT_EQ(client.requests_sent(), 4u);
}

TEST(HttpClient, KeepsOneConnectionForHundredRequests) {
  RawServer s(keep_alive);
  HttpClient client(local(s.port()), quick());
  for (int i = 0; i < 100; ++i) {
    const auto x = client.send(get("/?n=" + std::to_string(i)));
    ASSERT_EQ(x.error, TransportError::none) << i << ": " << x.error_detail;
    ASSERT_EQ(x.body, "ok");
  }
  EXPECT_EQ(s.connections(), 1);
  EXPECT_EQ(s.requests(), 100);
}

TEST(HttpClient, ReconnectsAfterConnectionCloseHeader) {
  RawServer s([](Peer& p) {
    if (p.read_request()) p.send(ok("bye", "Connection: close\r\n"));
    p.close();
  });
  HttpClient client(local(s.port()), quick());
  for (int i = 0; i < 3; ++i) {
    const auto x = client.send(get("/"));
    ASSERT_EQ(x.error, TransportError::none) << i << ": " << x.error_detail;
    EXPECT_EQ(x.body, "bye");
  }
  EXPECT_EQ(s.connections(), 3);
  EXPECT_EQ(client.requests_sent(), 3u);
}

TEST(HttpClient, ResponseEndingAtCloseIsComplete) {
  RawServer s([](Peer& p) {
    if (p.read_request()) p.send("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nall of it");
    p.close();
  });
  HttpClient client(local(s.port()), quick());
  const auto x = client.send(get("/"));
  ASSERT_EQ(x.error, TransportError::none) << x.error_detail;
  EXPECT_EQ(x.body, "all of it");
}

TEST(HttpClient, ConnectionClosedWhileIdleIsReplacedBeforeSending) {
  // Keep-alive implied, yet the server closes after each answer.
  RawServer s([](Peer& p) {
    if (p.read_request()) p.send(ok());
    p.close();
  });
  HttpClient client(local(s.port()), quick());
  for (int i = 0; i < 3; ++i) {
    const auto x = client.send(get("/"));
    ASSERT_EQ(x.error, TransportError::none) << i << ": " << x.error_detail;
    std::this_thread::sleep_for(50ms);  // the FIN arrives while the client is idle
  }
  EXPECT_EQ(s.connections(), 3);
  EXPECT_EQ(client.requests_sent(), 3u);  // no request was sent twice
}

TEST(HttpClient, ReusedConnectionDroppedUnderTheRequestIsNotResentByDefault) {
  // The second request on a connection is read, then the connection closes
  // without a byte: the server may have acted on it, so it does not go again.
  RawServer s([](Peer& p) {
    if (!p.read_request() || !p.send(ok("first"))) return;
    p.read_request();
    p.close();
  });
  HttpClient client(local(s.port()), quick());
  ASSERT_EQ(client.send(get("/1")).error, TransportError::none);
  const auto x = client.send(get("/2"));
  EXPECT_EQ(x.error, TransportError::reset) << x.error_detail;
  EXPECT_EQ(client.requests_sent(), 2u);
  EXPECT_EQ(s.requests(), 2);
}

TEST(HttpClient, ReusedConnectionDroppedUnderTheRequestIsResentOnceWhenAsked) {
  // The same, for a request safe to repeat (the fixture protocol's): the
  // server "timed out" the idle connection just then.
  RawServer s([](Peer& p) {
    if (!p.read_request() || !p.send(ok("first"))) return;
    p.read_request();
    p.close();
  });
  HttpClient client(local(s.port()), quick(), Resend::when_dropped);
  auto x = client.send(get("/1"));
  ASSERT_EQ(x.error, TransportError::none) << x.error_detail;
  x = client.send(get("/2"));
  ASSERT_EQ(x.error, TransportError::none) << x.error_detail;
  EXPECT_EQ(x.body, "first");  // from the fresh connection
  EXPECT_EQ(s.connections(), 2);
  EXPECT_EQ(client.requests_sent(), 3u);
}

TEST(HttpClient, FreshConnectionClosedWithoutAnswerIsNotRetried) {
  RawServer s([](Peer& p) {
    p.read_request();
    p.close();
  });
  HttpClient client(local(s.port()), quick());
  const auto x = client.send(get("/"));
  EXPECT_EQ(x.error, TransportError::reset);
  EXPECT_NE(x.error_detail.find("before sending anything"), std::string::npos) << x.error_detail;
  EXPECT_EQ(client.requests_sent(), 1u);
  EXPECT_EQ(s.requests(), 1);
}

TEST(HttpClient, MalformedRequestIsSentByteExact) {
  RawServer s(keep_alive, {.record = true});
  HttpClient client(local(s.port()), quick());
  wire::HttpRequest r;
  r.method = "GeT";
  r.target = "/a b?x=%zz";
  r.headers = {{"Host", "t"}, {"X Bad", " spaced \t"}, {"Content-Length", "3"}};
  r.body = std::string("a\0c", 3);
  const auto x = client.send(r);
  ASSERT_EQ(x.error, TransportError::none) << x.error_detail;
  const auto got = s.received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], wire::to_http_bytes(r));
}

TEST(HttpClient, HeadResponseHasNoBodyAndKeepsTheConnection) {
  RawServer s([](Peer& p) {
    if (!p.read_request() || !p.send("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n")) return;
    keep_alive(p);
  });
  HttpClient client(local(s.port()), quick());
  auto r = get("/");
  r.method = "HEAD";
  auto x = client.send(r);
  ASSERT_EQ(x.error, TransportError::none) << x.error_detail;
  EXPECT_EQ(x.header("Content-Length"), "10");
  EXPECT_EQ(x.body, "");
  x = client.send(get("/"));
  ASSERT_EQ(x.error, TransportError::none) << x.error_detail;
  EXPECT_EQ(x.body, "ok");
  EXPECT_EQ(s.connections(), 1);
}

TEST(HttpClient, InterimResponsesAreSkipped) {
  RawServer s([](Peer& p) {
    if (p.read_request())
      p.send("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\n\r\n" + ok("final"));
    keep_alive(p);
  });
  HttpClient client(local(s.port()), quick());
  const auto x = client.send(get("/"));
  ASSERT_EQ(x.error, TransportError::none) << x.error_detail;
  EXPECT_EQ(x.status, 200);
  EXPECT_EQ(x.body, "final");
}

TEST(HttpClient, ChunkedBodyIsDecoded) {
  RawServer s([](Peer& p) {
    if (p.read_request())
      p.send(
          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
    keep_alive(p);
  });
  HttpClient client(local(s.port()), quick());
  const auto x = client.send(get("/"));
  ASSERT_EQ(x.error, TransportError::none) << x.error_detail;
  EXPECT_EQ(x.body, "abcde");
}

// --- hostile targets -------------------------------------------------------------

// Sends `request` and checks how the client came back and how fast.
Exchange send_within(HttpClient& client, std::chrono::milliseconds bound,
                     const wire::HttpRequest& request = get("/"),
                     Clock::time_point deadline = Clock::time_point::max()) {
  const auto start = Clock::now();
  auto x = client.send(request, deadline);
  const auto took = Clock::now() - start;
  EXPECT_LT(took, bound) << "send took "
                         << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                         << " ms";
  EXPECT_GE(x.elapsed, std::chrono::duration_cast<std::chrono::microseconds>(took) - 50ms);
  return x;
}

TEST(HostileTarget, NeverAnswersTimesOut) {
  RawServer s([](Peer& p) {
    p.read_request();
    p.hold();
  });
  HttpClient client(local(s.port()), quick(500ms));
  const auto start = Clock::now();
  const auto x = send_within(client, 2500ms);
  EXPECT_EQ(x.error, TransportError::timeout) << x.error_detail;
  EXPECT_GE(Clock::now() - start, 450ms);
  EXPECT_NE(x.error_detail.find("500 ms"), std::string::npos) << x.error_detail;
  EXPECT_EQ(client.requests_sent(), 1u);
}

TEST(HostileTarget, OneBytePerSecondTimesOut) {
  RawServer s([](Peer& p) {
    if (!p.read_request()) return;
    for (const char c : ok("a body that takes forever"))
      if (!p.send(std::string_view(&c, 1)) || !p.pause(1000ms)) return;
  });
  HttpClient client(local(s.port()), quick(1500ms));
  const auto x = send_within(client, 3500ms);
  EXPECT_EQ(x.error, TransportError::timeout) << x.error_detail;
  EXPECT_NE(x.error_detail.find("received "), std::string::npos) << x.error_detail;
  EXPECT_EQ(x.error_detail.find("received 0 bytes"), std::string::npos) << x.error_detail;
}

// Streams `head`, then `fill` bytes until 64 MiB have gone or the client has gone.
RawServer::Handler flood(std::string head, char fill = '\0') {
  return [head = std::move(head), fill](Peer& p) {
    if (!p.read_request() || !p.send(head)) return;
    const std::string zeros(64 * 1024, fill);
    for (int i = 0; i < 1024; ++i)
      if (!p.send(zeros)) return;
    p.hold();
  };
}

ClientLimits one_mib() {
  auto l = quick(5000ms);
  l.max_response_bytes = 1024 * 1024;
  return l;
}

TEST(HostileTarget, HugeContentLengthIsTooLargeAtOnce) {
  RawServer s(flood("HTTP/1.1 200 OK\r\nContent-Length: 2147483648\r\n\r\n"));
  HttpClient client(local(s.port()), one_mib());
  const auto x = send_within(client, 1500ms);
  EXPECT_EQ(x.error, TransportError::too_large) << x.error_detail;
  EXPECT_NE(x.error_detail.find("1 MiB"), std::string::npos) << x.error_detail;
  EXPECT_NE(x.error_detail.find("2147483648"), std::string::npos) << x.error_detail;
  EXPECT_TRUE(x.body.empty());
}

TEST(HostileTarget, ContentLengthJustOverTheLimitCountsTheHeader) {
  // The body alone fits in 1 MiB; header plus body do not.
  RawServer s(flood("HTTP/1.1 200 OK\r\nContent-Length: 1048570\r\n\r\n"));
  HttpClient client(local(s.port()), one_mib());
  const auto x = send_within(client, 1500ms);
  EXPECT_EQ(x.error, TransportError::too_large) << x.error_detail;
}

TEST(HostileTarget, EndlessBodyUntilCloseIsTooLarge) {
  RawServer s(flood("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"));
  HttpClient client(local(s.port()), one_mib());
  const auto x = send_within(client, 3000ms);
  EXPECT_EQ(x.error, TransportError::too_large) << x.error_detail;
}

TEST(HostileTarget, HugeChunkIsTooLarge) {
  RawServer s(flood("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4000000\r\n"));
  HttpClient client(local(s.port()), one_mib());
  const auto x = send_within(client, 1500ms);
  EXPECT_EQ(x.error, TransportError::too_large) << x.error_detail;
}

TEST(HostileTarget, EndlessHeaderIsTooLarge) {
  RawServer s(flood("HTTP/1.1 200 OK\r\nX-Long: ", 'a'));
  HttpClient client(local(s.port()), one_mib());
  const auto x = send_within(client, 3000ms);
  EXPECT_EQ(x.error, TransportError::too_large) << x.error_detail;
}

TEST(HostileTarget, SshBannerIsNotHttp) {
  RawServer s([](Peer& p) {
    p.send("SSH-2.0-OpenSSH\r\n");
    p.hold();
  });
  HttpClient client(local(s.port()), quick());
  const auto x = send_within(client, 1500ms);
  EXPECT_EQ(x.error, TransportError::not_http) << x.error_detail;
  EXPECT_NE(x.error_detail.find("\"SSH-2.0-OpenSSH\\r\\n\""), std::string::npos) << x.error_detail;
}

TEST(HostileTarget, BinaryGarbageIsNotHttpAndQuotedShort) {
  RawServer s([](Peer& p) {
    if (p.read_request())
      p.send(std::string("\x16\x03\x01\x00", 4) + std::string(100, 'x') + "\r\n\r\n");
    p.hold();
  });
  HttpClient client(local(s.port()), quick());
  const auto x = send_within(client, 1500ms);
  EXPECT_EQ(x.error, TransportError::not_http) << x.error_detail;
  EXPECT_NE(x.error_detail.find("\"\\x16\\x03\\x01\\x00xxx"), std::string::npos) << x.error_detail;
  EXPECT_EQ(x.error_detail.find(std::string(40, 'x')), std::string::npos) << x.error_detail;
}

TEST(HostileTarget, ResetAfterReadingTheRequest) {
  RawServer s([](Peer& p) {
    if (p.read_request()) p.reset();
  });
  HttpClient client(local(s.port()), quick());
  const auto x = send_within(client, 1500ms);
  EXPECT_EQ(x.error, TransportError::reset) << x.error_detail;
  EXPECT_EQ(client.requests_sent(), 1u);
}

TEST(HostileTarget, TruncatedResponseThenCloseIsReset) {
  static constexpr std::string_view kPart = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc";
  RawServer s([](Peer& p) {
    if (p.read_request()) p.send(kPart);
    p.close();
  });
  HttpClient client(local(s.port()), quick());
  const auto x = send_within(client, 1500ms);
  EXPECT_EQ(x.error, TransportError::reset) << x.error_detail;
  EXPECT_NE(x.error_detail.find("after " + std::to_string(kPart.size()) + " bytes"),
            std::string::npos)
      << x.error_detail;
}

TEST(HostileTarget, TruncatedResponseKeptOpenTimesOut) {
  RawServer s([](Peer& p) {
    if (p.read_request()) p.send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc");
    p.hold();
  });
  HttpClient client(local(s.port()), quick(500ms));
  const auto x = send_within(client, 2500ms);
  EXPECT_EQ(x.error, TransportError::timeout) << x.error_detail;
}

TEST(HostileTarget, ChunkedBodyThatNeverEndsTimesOut) {
  RawServer s([](Peer& p) {
    if (!p.read_request() || !p.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"))
      return;
    while (p.send("5\r\nhello\r\n") && p.pause(100ms)) {
    }
  });
  HttpClient client(local(s.port()), quick(800ms));
  const auto x = send_within(client, 2800ms);
  EXPECT_EQ(x.error, TransportError::timeout) << x.error_detail;
}

TEST(HostileTarget, RedirectToItselfIsNotFollowed) {
  RawServer s([](Peer& p) {
    while (p.read_request())
      if (!p.send("HTTP/1.1 302 Found\r\nLocation: /\r\nContent-Length: 0\r\n\r\n")) return;
  });
  HttpClient client(local(s.port()), quick());
  const auto x = send_within(client, 1500ms);
  ASSERT_EQ(x.error, TransportError::none) << x.error_detail;
  EXPECT_EQ(x.status, 302);
  EXPECT_EQ(x.header("Location"), "/");
  EXPECT_EQ(s.requests(), 1);
}

TEST(HostileTarget, ClosedPortIsConnectFailedFast) {
  HttpClient client(local(closed_port()), quick());
  const auto x = send_within(client, 1000ms);
  EXPECT_EQ(x.error, TransportError::connect_failed) << x.error_detail;
  EXPECT_NE(x.error_detail.find("127.0.0.1"), std::string::npos) << x.error_detail;
  EXPECT_EQ(client.requests_sent(), 0u);
}

TEST(HostileTarget, UnresolvableHostIsConnectFailed) {
  Url u;
  u.host = "essconf-no-such-host.invalid";
  HttpClient client(u, quick());
  const auto x = client.send(get("/"));
  EXPECT_EQ(x.error, TransportError::connect_failed) << x.error_detail;
}

TEST(HostileTarget, RunDeadlineShorterThanRequestTimeoutIsHonoured) {
  RawServer s([](Peer& p) {
    p.read_request();
    p.hold();
  });
  HttpClient client(local(s.port()), quick(10'000ms));
  const auto start = Clock::now();
  const auto x = send_within(client, 2000ms, get("/"), start + 300ms);
  EXPECT_EQ(x.error, TransportError::timeout) << x.error_detail;
  EXPECT_GE(Clock::now() - start, 250ms);
  EXPECT_NE(x.error_detail.find("deadline"), std::string::npos) << x.error_detail;
}

TEST(HostileTarget, PassedDeadlineSendsNothing) {
  RawServer s(keep_alive);
  HttpClient client(local(s.port()), quick());
  const auto x = send_within(client, 500ms, get("/"), Clock::now() - 1ms);
  EXPECT_EQ(x.error, TransportError::timeout);
  EXPECT_EQ(client.requests_sent(), 0u);
  EXPECT_EQ(s.connections(), 0);
}

TEST(HostileTarget, ExtraBytesAfterResponseDoNotLeakIntoTheNext) {
  RawServer s([](Peer& p) {
    if (p.index() == 0 && p.read_request()) p.send(ok("one") + "GARBAGE");
    keep_alive(p);
  });
  HttpClient client(local(s.port()), quick());
  auto x = client.send(get("/"));
  ASSERT_EQ(x.error, TransportError::none) << x.error_detail;
  EXPECT_EQ(x.body, "one");
  x = client.send(get("/"));
  ASSERT_EQ(x.error, TransportError::none) << x.error_detail;
  EXPECT_EQ(x.body, "ok");
  EXPECT_EQ(s.connections(), 2);
}

TEST(HostileTarget, ErrorClosesTheConnectionAndTheNextSendReconnects) {
  RawServer s([](Peer& p) {
    if (p.index() == 0) {
      if (p.read_request()) p.send("HTTP/9.9 what\r\n\r\n");
      p.hold();
    } else {
      keep_alive(p);
    }
  });
  HttpClient client(local(s.port()), quick());
  auto x = client.send(get("/"));
  EXPECT_EQ(x.error, TransportError::not_http) << x.error_detail;
  x = client.send(get("/"));
  ASSERT_EQ(x.error, TransportError::none) << x.error_detail;
  EXPECT_EQ(s.connections(), 2);
  EXPECT_EQ(client.requests_sent(), 2u);
}

TEST(HostileTarget, FullAcceptQueueIsConnectFailedAtConnectTimeout) {
  // Listening with backlog 0 and never accepting: once the queue is full the
  // kernel drops further SYNs, so the connect hangs.
  RawServer s({}, {.accept = false, .backlog = 0});
  const auto server = raw::resolve("127.0.0.1", s.port());
  ASSERT_TRUE(server) << server.error();
  std::vector<raw::Fd> fillers;
  for (int i = 0; i < 4; ++i) fillers.emplace_back(raw::start_connect(*server));
  std::this_thread::sleep_for(50ms);
  auto limits = quick();
  limits.connect_timeout = 300ms;
  HttpClient client(local(s.port()), limits);
  const auto x = send_within(client, 1500ms);
  fillers.clear();
  EXPECT_EQ(x.error, TransportError::connect_failed) << x.error_detail;
  EXPECT_NE(x.error_detail.find("300 ms"), std::string::npos) << x.error_detail;
}

TEST(HttpClient, MovedClientKeepsWorking) {
  RawServer s(keep_alive);
  HttpClient a(local(s.port()), quick());
  ASSERT_EQ(a.send(get("/")).error, TransportError::none);
  HttpClient b(std::move(a));
  ASSERT_EQ(b.send(get("/")).error, TransportError::none);
  EXPECT_EQ(b.requests_sent(), 2u);
  EXPECT_EQ(s.connections(), 1);
}

}  // namespace
}  // namespace essconf::client
