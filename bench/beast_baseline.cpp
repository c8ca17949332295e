// The throughput baseline for the reference server: the same Beast shape as
// reference/server/http_server.cpp (io_context on N threads, a strand per
// connection, keep-alive, TCP_NODELAY, one gathered write per response) with
// no limits, timeouts or handler, answering every request with a fixed
// 211-byte XML body. What the real server loses against it is its own cost.
//
//   beast_baseline PORT THREADS        then e.g.  wrk -t2 -c16 -d10s http://127.0.0.1:PORT/
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// The size of a RemoveInstances success answer in XML.
constexpr std::string_view kBody =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<RemoveInstancesResponse><RequestId>473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E</RequestId>"
    "<ScalingActivityId>asa-bp175o6f6ego3r2j0000</ScalingActivityId></RemoveInstancesResponse>";
static_assert(kBody.size() == 211);

class Session : public std::enable_shared_from_this<Session> {
 public:
  explicit Session(tcp::socket&& socket) : stream_(std::move(socket)) {}

  void start() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::do_read, shared_from_this()));
  }

 private:
  void do_read() {
    req_ = {};
    http::async_read(stream_, buffer_, req_,
                     beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return close();
    res_ = {};
    res_.version(req_.version());
    res_.result(http::status::ok);
    res_.set(http::field::content_type, "text/xml;charset=utf-8");
    res_.body() = kBody;
    res_.content_length(kBody.size());
    res_.keep_alive(req_.keep_alive());
    http::async_write(stream_, res_,
                      beast::bind_front_handler(&Session::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    if (ec || !res_.keep_alive()) return close();
    do_read();
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> req_;
  http::response<http::string_body> res_;
};

class Listener {
 public:
  Listener(net::io_context& ioc, const tcp::endpoint& endpoint) : ioc_(ioc), acceptor_(net::make_strand(ioc)) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(net::socket_base::max_listen_connections);
  }

  void do_accept() {
    acceptor_.async_accept(net::make_strand(ioc_),
                           beast::bind_front_handler(&Listener::on_accept, this));
  }

 private:
  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (!ec) {
      // Without it a response can stall 40 ms on Nagle + delayed ACK.
      socket.set_option(tcp::no_delay(true), ec);
      std::make_shared<Session>(std::move(socket))->start();
    }
    do_accept();
  }

  net::io_context& ioc_;
  tcp::acceptor acceptor_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: beast_baseline PORT THREADS\n");
    return 2;
  }
  const auto port = static_cast<unsigned short>(std::atoi(argv[1]));
  const int threads = std::max(1, std::atoi(argv[2]));
  try {
    net::io_context ioc(threads);
    Listener listener(ioc, {net::ip::make_address("127.0.0.1"), port});
    listener.do_accept();
    std::vector<std::thread> pool;
    for (int i = 1; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
    ioc.run();
    for (auto& t : pool) t.join();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "beast_baseline: %s\n", e.what());
    return 1;
  }
}
