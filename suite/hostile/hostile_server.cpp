// hostile_server: a target that misbehaves on purpose, for the end-to-end
// tests of essconf run and essconf fuzz (hostile_e2e_test.sh,
// hostile_fuzz_test.sh). It applies one hostile behaviour (MODE) to the
// requests --where picks: the API (the default), the fixture protocol (paths
// under /_conformance/v1/), or all of them; every other request is answered
// faithfully by the reference service. The raw-HTTP test peer (plain
// sockets, a thread per connection), 127.0.0.1 on a free port; it runs until killed.
//
// Usage: hostile_server MODE [--where api|fixture|all]
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "reference/server/service.hpp"
#include "suite/client/raw_peer.hpp"

namespace essconf::hostile {
namespace {

using namespace std::chrono_literals;

using raw::Peer;

// What this small reader takes of a request (a header of 16 KiB, a body of
// 64 KiB); beyond it the connection closes, as a server may do.
constexpr raw::RequestLimits kLimits{16 * 1024, 64 * 1024};

// The next request as the service takes it; nullopt when the peer closed or
// sent what the reader does not take (raw::Peer::read_request).
std::optional<wire::HttpRequest> read_request(Peer& c) {
  auto r = c.read_request(kLimits);
  if (!r) return std::nullopt;
  wire::HttpRequest request;
  request.method = std::move(r->method);
  request.target = std::move(r->target);
  for (auto& f : r->head.fields) request.headers.push_back({std::move(f.name), std::move(f.value)});
  request.body = std::move(r->body);
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

using Behaviour = bool (*)(Peer&, const wire::HttpRequest&);

bool never_answer(Peer& c, const wire::HttpRequest&) {
  c.hold();
  return false;
}

bool one_byte_per_second(Peer& c, const wire::HttpRequest&) {
  for (const char byte : response("200 OK", "application/json", R"({"RequestId":"slow"})")) {
    if (!c.send(std::string_view(&byte, 1)) || !c.pause(1s)) return false;
  }
  return true;
}

bool huge_body(Peer& c, const wire::HttpRequest&) {
  if (!c.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2147483648\r\n\r\n")) return false;
  const std::string zeros(64 * 1024, '\0');
  while (c.send(zeros)) {
  }
  return false;
}

bool not_http(Peer& c, const wire::HttpRequest&) {
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

bool reset_after_request(Peer& c, const wire::HttpRequest&) {
  c.reset();
  return false;
}

bool truncated_xml(Peer& c, const wire::HttpRequest&) {
  return c.send(response("400 Bad Request", "text/xml",
                         R"(<?xml version="1.0" encoding="UTF-8"?><Error><RequestId>x</RequestId><Code>Forbid)"));
}

bool short_body(Peer& c, const wire::HttpRequest&) {
  c.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n0123456789");
  c.hold();
  return false;
}

bool endless_chunked(Peer& c, const wire::HttpRequest&) {
  if (!c.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")) return false;
  while (c.send("5\r\nhello\r\n") && c.pause(100ms)) {
  }
  return false;
}

bool redirect_self(Peer& c, const wire::HttpRequest& r) {
  const std::string location = "http://" + std::string(r.header("Host")) + r.target;
  return c.send("HTTP/1.1 302 Found\r\nLocation: " + location + "\r\nContent-Length: 0\r\n\r\n");
}

bool invalid_json(Peer& c, const wire::HttpRequest&) {
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

bool is_fixture_protocol(const wire::HttpRequest& r) { return server::is_fixture_path(r.path()); }

bool hostile_for(Where where, const wire::HttpRequest& r) {
  switch (where) {
    case Where::api: return !is_fixture_protocol(r);
    case Where::fixture: return is_fixture_protocol(r);
    case Where::all: return true;
  }
  return true;
}

void serve(Peer& c, server::Service& service, Behaviour behaviour, Where where) {
  while (const auto request = read_request(c)) {
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

  server::Service service(model::World{}, {});
  std::optional<raw::Server> server;
  try {
    server.emplace([&](Peer& c) { serve(c, service, behaviour, where); }, raw::Server::Options{.backlog = 64});
  } catch (const std::system_error& e) {
    std::fprintf(stderr, "hostile_server: cannot listen on 127.0.0.1: %s\n", e.what());
    return 1;
  }
  std::printf("hostile_server: listening on http://127.0.0.1:%u\n", static_cast<unsigned>(server->port()));
  std::fflush(stdout);
  for (;;) ::pause();  // until killed
}

}  // namespace
}  // namespace essconf::hostile

int main(int argc, char** argv) { return essconf::hostile::run(argc, argv); }
