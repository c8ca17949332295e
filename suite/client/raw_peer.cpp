#include "suite/client/raw_peer.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <utility>

namespace essconf::raw {

namespace {

using namespace std::chrono_literals;

// How often a waiting peer or the acceptor looks at the server's stop flag.
constexpr int kStopCheckMs = 20;

// "METHOD SP TARGET SP HTTP/1.x": method and target, or false.
bool split_request_line(std::string_view line, Request& request) {
  const auto sp1 = line.find(' ');
  const auto sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp1 == sp2 || !line.substr(sp2 + 1).starts_with("HTTP/1.")) return false;
  request.method = std::string(line.substr(0, sp1));
  request.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
  return true;
}

}  // namespace

Peer::Fill Peer::fill() {
  for (;;) {
    if (server_.stopping() || !fd_) return Fill::stopping;
    pollfd p{fd_.get(), POLLIN, 0};
    const int r = ::poll(&p, 1, kStopCheckMs);
    if (r == 0 || (r < 0 && errno == EINTR)) continue;
    char chunk[16384];
    const auto n = ::recv(fd_.get(), chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Fill::closed;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return Fill::data;
  }
}

std::optional<Request> Peer::read_request(const RequestLimits& limits) {
  std::size_t end = 0;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos)
    if (buffer_.size() > limits.max_header_bytes || fill() != Fill::data) return std::nullopt;
  if (end > limits.max_header_bytes) return std::nullopt;

  Request request;
  auto head = parse_head(std::string_view(buffer_).substr(0, end));
  if (!head || !split_request_line(head->start_line, request) || head->has("Transfer-Encoding")) return std::nullopt;
  std::size_t length = 0;
  if (head->has("Content-Length")) {
    const auto n = parse_length(head->field("Content-Length"));
    if (!n || *n > limits.max_body_bytes) return std::nullopt;
    length = *n;
  }
  while (buffer_.size() < end + 4 + length)
    if (fill() != Fill::data) return std::nullopt;
  request.head = std::move(*head);
  request.bytes = buffer_.substr(0, end + 4 + length);
  request.body = buffer_.substr(end + 4, length);
  buffer_.erase(0, end + 4 + length);
  server_.record(request.bytes);
  return request;
}

bool Peer::send(std::string_view bytes) {
  while (!bytes.empty()) {
    if (server_.stopping() || !fd_) return false;
    pollfd p{fd_.get(), POLLOUT, 0};
    const int r = ::poll(&p, 1, kStopCheckMs);
    if (r == 0 || (r < 0 && errno == EINTR)) continue;
    const auto n = ::send(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

void Peer::hold() {
  while (fill() == Fill::data) buffer_.clear();
}

bool Peer::pause(std::chrono::milliseconds d) {
  const auto until = Clock::now() + d;
  while (Clock::now() < until) {
    if (server_.stopping()) return false;
    std::this_thread::sleep_for(std::min<Clock::duration>(10ms, until - Clock::now()));
  }
  return true;
}

Server::Server(Handler handler, Options options) : handler_(std::move(handler)), options_(options) {
  auto listening = listen_loopback(options_.backlog);
  listener_ = std::move(listening.fd);
  port_ = listening.port;
  if (options_.accept) acceptor_ = std::thread([this] { accept_loop(); });
}

Server::~Server() {
  stopping_ = true;
  if (acceptor_.joinable()) acceptor_.join();
  std::list<Worker> workers;
  {
    const std::lock_guard lock(mutex_);
    workers.swap(workers_);
  }
  for (auto& w : workers) w.thread.join();
}

std::vector<std::string> Server::received() const {
  const std::lock_guard lock(mutex_);
  return received_;
}

void Server::record(const std::string& request) {
  requests_.fetch_add(1);
  if (!options_.record) return;
  const std::lock_guard lock(mutex_);
  received_.push_back(request);
}

void Server::accept_loop() {
  while (!stopping_) {
    pollfd p{listener_.get(), POLLIN, 0};
    if (::poll(&p, 1, kStopCheckMs) <= 0) continue;
    Fd fd(::accept(listener_.get(), nullptr, nullptr));
    if (!fd) {  // a connection gone before it was accepted, or out of descriptors
      std::this_thread::sleep_for(10ms);
      continue;
    }
    set_no_delay(fd.get());
    const int index = connections_.fetch_add(1);
    auto done = std::make_shared<std::atomic<bool>>(false);
    const std::lock_guard lock(mutex_);
    reap_finished();
    workers_.push_back({std::thread([this, fd = std::move(fd), index, done]() mutable {
                          Peer peer(std::move(fd), *this, index);
                          handler_(peer);
                          *done = true;
                        }),
                        done});
  }
}

// Joins the threads whose handler has returned: a long-lived server (the
// hostile one) serves many connections. Called with mutex_ held.
void Server::reap_finished() {
  for (auto it = workers_.begin(); it != workers_.end();) {
    if (!*it->done) {
      ++it;
      continue;
    }
    it->thread.join();
    it = workers_.erase(it);
  }
}

}  // namespace essconf::raw
