// hostile_server: a target that misbehaves on purpose, for the end-to-end
// tests of essconf run and essconf fuzz (hostile_e2e_test.sh,
// hostile_fuzz_test.sh). It applies one hostile behaviour (MODE) to the
// requests --where picks: the API (the default), the fixture protocol (paths
// under /_conformance/), or all of them; every other request is answered
// faithfully by the reference service. Plain POSIX sockets, a thread per
// connection, 127.0.0.1 on a free port; it runs until killed.
//
// Usage: hostile_server MODE [--where api|fixture|all]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "reference/server/service.hpp"

namespace essconf::hostile {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t kMaxHeaderBytes = 16 * 1024;
constexpr std::size_t kMaxBodyBytes = 64 * 1024;

// One accepted connection; the socket closes with it.
class Connection {
 public:
  explicit Connection(int fd) : fd_(fd) {}
  ~Connection() {
    if (fd_ >= 0) ::close(fd_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // The next request: request line, headers, Content-Length body. nullopt
  // when the peer closed, or sent what this small reader does not take
  // (no HTTP/1.x request line, a header over 16 KiB, a body over 64 KiB or
  // chunked): the connection is then closed, as a server may do.
  std::optional<wire::HttpRequest> read_request();
  // False when the peer has gone.
  bool send(std::string_view bytes);
  // Reads and discards until the peer closes.
  void hold() {
    while (fill()) buffer_.clear();
  }
  // Closes with an RST instead of a FIN.
  void reset() {
    const linger l{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    ::close(fd_);
    fd_ = -1;
  }

 private:
  bool fill();  // false when the peer closed or the read failed

  int fd_;
  std::string buffer_;
};

bool Connection::fill() {
  char chunk[16384];
  for (;;) {
    const auto n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }
}

bool Connection::send(std::string_view bytes) {
  while (!bytes.empty()) {
    const auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<wire::HttpRequest> Connection::read_request() {
  std::size_t end;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (buffer_.size() > kMaxHeaderBytes || !fill()) return std::nullopt;
  }
  if (end > kMaxHeaderBytes) return std::nullopt;
  const std::string_view head = std::string_view(buffer_).substr(0, end);

  wire::HttpRequest request;
  const auto line_end = std::min(head.find("\r\n"), head.size());
  const std::string_view line = head.substr(0, line_end);
  const auto sp1 = line.find(' ');
  const auto sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp1 == sp2 || !line.substr(sp2 + 1).starts_with("HTTP/1."))
    return std::nullopt;
  request.method = std::string(line.substr(0, sp1));
  request.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));

  std::size_t at = line_end;
  while (at < head.size()) {
    const auto next = std::min(head.find("\r\n", at + 2), head.size());
    const std::string_view field = head.substr(at + 2, next - at - 2);
    const auto colon = field.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    request.headers.push_back({std::string(field.substr(0, colon)), std::string(trim(field.substr(colon + 1)))});
    at = next;
  }
  if (request.has_header("Transfer-Encoding")) return std::nullopt;

  std::size_t length = 0;
  if (const auto text = request.header("Content-Length"); !text.empty()) {
    if (text.size() > 6 || text.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
    length = std::stoul(std::string(text));
    if (length > kMaxBodyBytes) return std::nullopt;
  }
  while (buffer_.size() < end + 4 + length)
    if (!fill()) return std::nullopt;
  request.body = buffer_.substr(end + 4, length);
  buffer_.erase(0, end + 4 + length);
  return request;
}

std::string_view reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "";
  }
}

// The reference service's answer as HTTP/1.1 bytes, as its own transport would send it.
std::string to_bytes(const server::HttpResponse& response, bool head) {
  std::string out = "HTTP/1.1 " + std::to_string(response.status) + " " + std::string(reason(response.status)) + "\r\n";
  for (const auto& h : response.headers) out += h.name + ": " + h.value + "\r\n";
  if (response.status != 204 && response.status != 304)
    out += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
  if (response.close) out += "Connection: close\r\n";
  out += "\r\n";
  if (!head) out += response.body;
  return out;
}

// A complete response with a body, for the behaviours that send one.
std::string response(std::string_view status_line, std::string_view content_type, std::string_view body) {
  return "HTTP/1.1 " + std::string(status_line) + "\r\nContent-Type: " + std::string(content_type) +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

// --- the hostile behaviours: each answers one request; true keeps the connection --

using Behaviour = bool (*)(Connection&, const wire::HttpRequest&);

bool never_answer(Connection& c, const wire::HttpRequest&) {
  c.hold();
  return false;
}

bool one_byte_per_second(Connection& c, const wire::HttpRequest&) {
  for (const char byte : response("200 OK", "application/json", R"({"RequestId":"slow"})")) {
    if (!c.send(std::string_view(&byte, 1))) return false;
    std::this_thread::sleep_for(1s);
  }
  return true;
}

bool huge_body(Connection& c, const wire::HttpRequest&) {
  if (!c.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2147483648\r\n\r\n")) return false;
  const std::string zeros(64 * 1024, '\0');
  while (c.send(zeros)) {
  }
  return false;
}

bool not_http(Connection& c, const wire::HttpRequest&) {
  std::string garbage = "SSH-2.0-OpenSSH_9.2\r\n";
  std::uint32_t x = 2463534242u;  // xorshift: the same bytes every time, NULs and high bytes among them
  for (int i = 0; i < 512; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    garbage += static_cast<char>(x & 0xff);
  }
  c.send(garbage);
  return false;
}

bool reset_after_request(Connection& c, const wire::HttpRequest&) {
  c.reset();
  return false;
}

bool truncated_xml(Connection& c, const wire::HttpRequest&) {
  return c.send(response("400 Bad Request", "text/xml",
                         R"(<?xml version="1.0" encoding="UTF-8"?><Error><RequestId>x</RequestId><Code>Forbid)"));
}

bool short_body(Connection& c, const wire::HttpRequest&) {
  c.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n0123456789");
  c.hold();
  return false;
}

bool endless_chunked(Connection& c, const wire::HttpRequest&) {
  if (!c.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")) return false;
  while (c.send("5\r\nhello\r\n")) std::this_thread::sleep_for(100ms);
  return false;
}

bool redirect_self(Connection& c, const wire::HttpRequest& r) {
  const std::string location = "http://" + std::string(r.header("Host")) + r.target;
  return c.send("HTTP/1.1 302 Found\r\nLocation: " + location + "\r\nContent-Length: 0\r\n\r\n");
}

bool invalid_json(Connection& c, const wire::HttpRequest&) {
  return c.send(response("200 OK", "application/json", R"({"Capabilities": [)"));
}

struct Mode {
  std::string_view name;
  Behaviour behaviour;
};

constexpr Mode kModes[] = {
    {"never-answer", never_answer},
    {"one-byte-per-second", one_byte_per_second},
    {"huge-body", huge_body},
    {"not-http", not_http},
    {"reset-after-request", reset_after_request},
    {"truncated-xml", truncated_xml},
    {"short-body", short_body},
    {"endless-chunked", endless_chunked},
    {"redirect-self", redirect_self},
    {"invalid-json", invalid_json},
};

// --- the server ----------------------------------------------------------------

enum class Where { api, fixture, all };

bool is_fixture_protocol(const wire::HttpRequest& r) { return r.path().starts_with("/_conformance/"); }

bool hostile_for(Where where, const wire::HttpRequest& r) {
  switch (where) {
    case Where::api: return !is_fixture_protocol(r);
    case Where::fixture: return is_fixture_protocol(r);
    case Where::all: return true;
  }
  return true;
}

void serve(int fd, server::Service& service, Behaviour behaviour, Where where) {
  Connection c(fd);
  while (const auto request = c.read_request()) {
    if (hostile_for(where, *request)) {
      if (!behaviour(c, *request)) return;
      continue;
    }
    const server::HttpResponse answer = service.handle(*request);
    const bool close = answer.close || wire::ascii_iequals(request->header("Connection"), "close");
    if (!c.send(to_bytes(answer, request->method == "HEAD")) || close) return;
  }
}

int usage(const char* message) {
  std::fprintf(stderr, "hostile_server: %s\nusage: hostile_server MODE [--where api|fixture|all]\nmodes:", message);
  for (const auto& m : kModes) std::fprintf(stderr, " %.*s", static_cast<int>(m.name.size()), m.name.data());
  std::fprintf(stderr, "\n");
  return 2;
}

int run(int argc, char** argv) {
  Behaviour behaviour = nullptr;
  Where where = Where::api;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--where" && i + 1 < argc) {
      const std::string_view w = argv[++i];
      if (w == "api") where = Where::api;
      else if (w == "fixture") where = Where::fixture;
      else if (w == "all") where = Where::all;
      else return usage("--where takes api, fixture or all");
    } else if (behaviour == nullptr) {
      for (const auto& m : kModes)
        if (m.name == arg) behaviour = m.behaviour;
      if (behaviour == nullptr) return usage("unknown mode");
    } else {
      return usage("unexpected argument");
    }
  }
  if (behaviour == nullptr) return usage("no mode");
  std::signal(SIGPIPE, SIG_IGN);

  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (listener < 0 || ::bind(listener, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listener, 64) != 0 || ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::fprintf(stderr, "hostile_server: cannot listen on 127.0.0.1: %s\n", std::strerror(errno));
    return 1;
  }
  std::printf("hostile_server: listening on http://127.0.0.1:%u\n", static_cast<unsigned>(ntohs(addr.sin_port)));
  std::fflush(stdout);

  server::Service service(model::World{}, {});
  for (;;) {
    const int fd = ::accept(listener, nullptr, nullptr);
    if (fd < 0) {  // EINTR, a connection gone before it was accepted, or out of descriptors
      std::this_thread::sleep_for(10ms);
      continue;
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::thread(serve, fd, std::ref(service), behaviour, where).detach();
  }
}

}  // namespace
}  // namespace essconf::hostile

int main(int argc, char** argv) { return essconf::hostile::run(argc, argv); }
