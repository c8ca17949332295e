// A raw-HTTP server for tests and test targets: it accepts on 127.0.0.1 and
// runs a handler per connection on its own thread; the handler reads whole
// requests and answers with whatever bytes it likes (well-formed or not), or
// holds, trickles, resets. Used by the client's tests and hostile_server.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "suite/client/raw_message.hpp"
#include "suite/client/raw_socket.hpp"

namespace essconf::raw {

// What read_request takes; beyond either limit it gives up on the connection.
struct RequestLimits {
  std::size_t max_header_bytes = std::numeric_limits<std::size_t>::max();
  std::size_t max_body_bytes = std::numeric_limits<std::size_t>::max();
};

// One request as the peer read it.
struct Request {
  std::string bytes;  // exactly as received: head, CRLF CRLF, body
  Head head;
  std::string method;
  std::string target;
  std::string body;
};

class Server;

// One accepted connection, seen from the server's side. Every wait gives up
// when the server begins stopping.
class Peer {
 public:
  Peer(Fd fd, Server& server, int index) : fd_(std::move(fd)), server_(server), index_(index) {}

  // The next request: an HTTP/1.x request line, fields, a Content-Length
  // body. nullopt when the client closed, the server is stopping, or the
  // client sent what this small reader does not take (another request line,
  // a field line without a colon, chunked or over `limits`).
  std::optional<Request> read_request(const RequestLimits& limits = {});
  // False when the client has gone or the server is stopping.
  bool send(std::string_view bytes);
  // Waits until the client closes or the server stops; discards what arrives.
  void hold();
  // False when the server began stopping meanwhile.
  bool pause(std::chrono::milliseconds d);
  // Closes with an RST instead of a FIN.
  void reset() { fd_.reset_connection(); }
  void close() { fd_.reset(); }
  // 0 for the server's first connection, 1 for the next, ...
  int index() const { return index_; }

 private:
  enum class Fill { data, closed, stopping };
  Fill fill();

  Fd fd_;
  Server& server_;
  int index_;
  std::string buffer_;
};

class Server {
 public:
  using Handler = std::function<void(Peer&)>;
  struct Options {
    bool accept = true;   // false: listen and never accept (a queue that fills up)
    int backlog = 16;
    bool record = false;  // keep every request's bytes for received()
  };

  explicit Server(Handler handler, Options options);
  explicit Server(Handler handler) : Server(std::move(handler), Options{}) {}
  // Stops accepting, makes every peer's wait give up, and joins their threads.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  std::uint16_t port() const { return port_; }
  int connections() const { return connections_.load(); }
  int requests() const { return requests_.load(); }
  bool stopping() const { return stopping_.load(); }
  // Every request's bytes, in the order received (with Options::record).
  std::vector<std::string> received() const;

 private:
  friend class Peer;
  void record(const std::string& request);
  void accept_loop();
  void reap_finished();

  struct Worker {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };

  Handler handler_;
  Options options_;
  Fd listener_;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::atomic<int> requests_{0};
  mutable std::mutex mutex_;
  std::list<Worker> workers_;
  std::vector<std::string> received_;
  std::thread acceptor_;  // last: started once the rest is in place
};

}  // namespace essconf::raw
