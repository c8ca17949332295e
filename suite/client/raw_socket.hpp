// Plain POSIX sockets for the raw-HTTP test peers (the client's tests, the
// hostile server, serve_attack): a descriptor that closes itself, connecting
// within a deadline, listening on loopback. No Beast, no Asio: these peers
// send and take exactly the bytes they are told to.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "reference/json/result.hpp"

namespace essconf::raw {

using Clock = std::chrono::steady_clock;

// A socket descriptor, closed with its owner.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  explicit operator bool() const { return fd_ >= 0; }
  void reset();
  // Closes with an RST instead of a FIN.
  void reset_connection();

 private:
  int fd_ = -1;
};

std::string errno_text(int e);

// Milliseconds left until `deadline` for poll(2), at most one second, so that
// a loop around poll looks at the clock (and its stop flag) now and then.
int poll_ms(Clock::time_point deadline);

void set_no_delay(int fd);

// An address to connect to.
struct Endpoint {
  sockaddr_storage addr{};
  socklen_t len = 0;
  int family = AF_INET;
};

// The first address getaddrinfo gives for host:port.
Result<Endpoint> resolve(const std::string& host, std::uint16_t port);

// A non-blocking socket whose connect has been started: the fd, or -errno.
int start_connect(const Endpoint& ep);

// A connected non-blocking socket with TCP_NODELAY, or an empty Fd and `error`.
Fd connect_within(const Endpoint& ep, Clock::time_point deadline, std::string& error);

// A socket listening on 127.0.0.1, on a port the kernel picked.
struct Listening {
  Fd fd;
  std::uint16_t port = 0;
};

// Throws std::system_error when the socket cannot be made.
Listening listen_loopback(int backlog);

}  // namespace essconf::raw
