#include "suite/client/raw_socket.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

namespace essconf::raw {

Fd& Fd::operator=(Fd&& o) noexcept {
  if (this != &o) {
    reset();
    fd_ = std::exchange(o.fd_, -1);
  }
  return *this;
}

void Fd::reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void Fd::reset_connection() {
  if (fd_ < 0) return;
  const linger l{1, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  reset();
}

std::string errno_text(int e) { return std::strerror(e); }

int poll_ms(Clock::time_point deadline) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, 1000));
}

void set_no_delay(int fd) {
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

Result<Endpoint> resolve(const std::string& host, std::uint16_t port) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const std::string service = std::to_string(port);
  if (const int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &res); rc != 0 || !res)
    return Problem("", "cannot resolve " + host + ": " + ::gai_strerror(rc));
  Endpoint ep;
  std::memcpy(&ep.addr, res->ai_addr, res->ai_addrlen);
  ep.len = res->ai_addrlen;
  ep.family = res->ai_family;
  ::freeaddrinfo(res);
  return ep;
}

int start_connect(const Endpoint& ep) {
  const int fd = ::socket(ep.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&ep.addr), ep.len) != 0 && errno != EINPROGRESS) {
    const int e = errno;
    ::close(fd);
    return -e;
  }
  return fd;
}

Fd connect_within(const Endpoint& ep, Clock::time_point deadline, std::string& error) {
  const int raw = start_connect(ep);
  if (raw < 0) {
    error = "connect: " + errno_text(-raw);
    return {};
  }
  Fd fd(raw);
  for (;;) {
    pollfd p{fd.get(), POLLOUT, 0};
    const int n = ::poll(&p, 1, poll_ms(deadline));
    if (n < 0 && errno == EINTR) continue;
    if (n > 0) break;
    if (Clock::now() >= deadline) {
      error = "connect timed out";
      return {};
    }
  }
  int soerr = 0;
  socklen_t len = sizeof soerr;
  ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &soerr, &len);
  if (soerr != 0) {
    error = "connect: " + errno_text(soerr);
    return {};
  }
  set_no_delay(fd.get());
  return fd;
}

Listening listen_loopback(int backlog) {
  Listening out;
  out.fd = Fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!out.fd) throw std::system_error(errno, std::generic_category(), "socket");
  const int one = 1;
  ::setsockopt(out.fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(out.fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(out.fd.get(), backlog) != 0 ||
      ::getsockname(out.fd.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    throw std::system_error(errno, std::generic_category(), "listen on 127.0.0.1");
  out.port = ntohs(addr.sin_port);
  return out;
}

}  // namespace essconf::raw
