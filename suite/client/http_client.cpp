// The target client: synchronous Beast on a kept-alive beast::tcp_stream.
// tcp_stream's timeouts apply only to asynchronous operations, so every
// operation is started asynchronously and the client's own io_context is run
// until it completes: a blocking call with a deadline. The request goes out as
// the exact bytes of to_http_bytes (no serializer); the response is read by a
// response_parser fed by hand, which lets us count and quote the bytes a
// broken target sent.
#include "suite/client/http_client.hpp"

#include <poll.h>

#include <algorithm>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

namespace essconf::client {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kUserAgent = "essconf/0.1";
// Bytes asked of the socket per read.
constexpr std::size_t kReadChunk = 64 * 1024;
// How many leading response bytes a not_http detail quotes.
constexpr std::size_t kQuotedBytes = 40;


bool has_header(const wire::HttpRequest& r, std::string_view name) noexcept {
  return std::any_of(r.headers.begin(), r.headers.end(),
                     [&](const wire::Header& h) { return wire::ascii_iequals(h.name, name); });
}

// "12 bytes", "64 KiB", "1 MiB": sizes as a person reads them.
std::string size_text(std::uint64_t n) {
  constexpr std::uint64_t kKiB = 1024;
  constexpr std::uint64_t kMiB = kKiB * 1024;
  // cppcheck-suppress zerodivcond ; kMiB is a non-zero constant (1048576)
  if (n >= kMiB && n % kMiB == 0) return std::to_string(n / kMiB) + " MiB";
  if (n >= kKiB && n % kKiB == 0) return std::to_string(n / kKiB) + " KiB";
  return std::to_string(n) + (n == 1 ? " byte" : " bytes");
}

std::string ms_text(Clock::duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()) + " ms";
}

// The bytes in double quotes, C-style escapes for anything not printable.
std::string quote_bytes(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (const char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '\r': out += "\\r"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      default:
        if (c < 0x20 || c > 0x7E) {
          out += "\\x";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
  return out;
}

bool is_reset(const beast::error_code& ec) noexcept {
  return ec == net::error::eof || ec == net::error::connection_reset ||
         ec == net::error::connection_aborted || ec == net::error::broken_pipe ||
         ec == net::error::not_connected || ec == net::error::shut_down;
}

}  // namespace

std::string_view describe(TransportError e) noexcept {
  switch (e) {
    case TransportError::none: return "none";
    case TransportError::connect_failed: return "connection failed";
    case TransportError::timeout: return "timeout";
    case TransportError::reset: return "connection closed or reset";
    case TransportError::not_http: return "not an HTTP response";
    case TransportError::too_large: return "response too large";
  }
  return "unknown transport error";
}

std::string_view Exchange::header(std::string_view name) const noexcept { return wire::header_value(headers, name); }

wire::HttpRequest with_transport_headers(wire::HttpRequest request, const Url& url) {
  // RFC 9110 7.2: a user agent sends Host as the first field line.
  if (!has_header(request, "Host"))
    request.headers.insert(request.headers.begin(), wire::Header{"Host", url.host_header()});
  if (!has_header(request, "Content-Length") &&
      (!request.body.empty() || request.method == "POST" || request.method == "PUT"))
    request.headers.push_back({"Content-Length", std::to_string(request.body.size())});
  if (!has_header(request, "User-Agent"))
    request.headers.push_back({"User-Agent", std::string(kUserAgent)});
  return request;
}

struct HttpClient::Impl {
  Url url;
  ClientLimits limits;
  Resend resend;
  net::io_context ioc{1};
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
  bool connected = false;
  bool reused = false;  // the connection has carried a complete exchange
  std::uint64_t sent = 0;
  std::vector<wire::Header> added;  // add_to_every_request

  Impl(Url u, ClientLimits l, Resend r) : url(std::move(u)), limits(l), resend(r) {}

  // One attempt's outcome beyond the Exchange: whether the same request may
  // be sent again on a fresh connection.
  struct Attempt {
    bool retryable = false;
  };

  // Runs the io_context until the operation started before has completed.
  void run() {
    ioc.restart();
    ioc.run();
  }

  void close() {
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream.close();
    buffer.clear();
    connected = false;
    reused = false;
  }

  // A kept-alive connection the server closed while idle (or wrote to
  // unasked) is readable now; dropping it beats discovering that mid-send.
  void drop_if_stale() {
    if (!connected) return;
    pollfd p{stream.socket().native_handle(), POLLIN, 0};
    if (::poll(&p, 1, 0) != 0) close();
  }

  static void fail(Exchange& x, TransportError e, std::string detail) {
    x.error = e;
    x.error_detail = std::move(detail);
  }

  // Connects within connect_timeout and the run's deadline.
  bool connect(Clock::time_point deadline, Exchange& x) {
    beast::error_code ec;
    std::vector<tcp::endpoint> endpoints;
    const auto literal = net::ip::make_address(url.host, ec);
    if (!ec) {
      endpoints.emplace_back(literal, url.port);
    } else {
      // getaddrinfo cannot be cancelled; it is bounded by the resolver's own timeouts.
      tcp::resolver resolver(ioc);
      const auto results = resolver.resolve(url.host, std::to_string(url.port), ec);
      if (ec) {
        fail(x, TransportError::connect_failed, "cannot resolve " + url.host + ": " + ec.message());
        return false;
      }
      for (const auto& entry : results) endpoints.push_back(entry.endpoint());
    }

    const auto start = Clock::now();
    const auto connect_limit = start + limits.connect_timeout;
    const bool deadline_binds = deadline < connect_limit;
    stream.expires_at(deadline_binds ? deadline : connect_limit);
    ec = {};
    stream.async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
    run();
    if (ec) {
      close();
      if (ec == beast::error::timeout) {
        if (deadline_binds)
          fail(x, TransportError::timeout,
               "the run's deadline passed while connecting to " + url.origin());
        else
          fail(x, TransportError::connect_failed,
               "no connection to " + url.origin() + " within " + ms_text(limits.connect_timeout));
      } else {
        fail(x, TransportError::connect_failed,
             "cannot connect to " + url.origin() + ": " + ec.message());
      }
      return false;
    }
    stream.expires_never();
    stream.socket().set_option(tcp::no_delay(true), ec);
    connected = true;
    reused = false;
    buffer.clear();
    return true;
  }

  std::string timeout_detail(Clock::time_point request_deadline, Clock::time_point write_start,
                             std::uint64_t received, std::string_view phase) const {
    std::string d = request_deadline < write_start + limits.request_timeout
                        ? "the run's deadline passed after " + ms_text(Clock::now() - write_start)
                        : "no complete response within " + ms_text(limits.request_timeout);
    d += " (";
    d += phase;
    d += "; received " + size_text(received) + ")";
    return d;
  }

  using Parser = http::response_parser<http::string_body>;

  // One exchange's clocks and counts, across the messages of its answer.
  struct Progress {
    Clock::time_point write_start;
    Clock::time_point request_deadline;
    bool was_reused = false;
    std::uint64_t received = 0;  // raw bytes read from the socket
    std::uint64_t consumed = 0;  // bytes taken by the parser, earlier messages included
    std::string first_bytes;     // the first kQuotedBytes received, for not_http
  };

  // One response message (interim or final) being parsed within `budget`.
  struct Message {
    Parser parser;
    std::uint64_t budget;
    std::uint64_t header_bytes = 0;
    bool body_phase = false;

    Message(std::uint64_t b, bool head) : budget(b) {
      parser.header_limit(static_cast<std::uint32_t>(
          std::min<std::uint64_t>(budget, std::numeric_limits<std::uint32_t>::max())));
      parser.body_limit(budget);
      if (head) parser.skip(true);
      // Header first, alone, so that the body's share of the budget is known.
      parser.eager(false);
    }
  };

  // Where reading a message stands after a step.
  enum class Step { read, again, parsed, failed };

  // Writes the request; false (and `x` says why) when it did not go out.
  bool write_request(const std::string& bytes, const Progress& p, Exchange& x, Attempt& attempt) {
    stream.expires_at(p.request_deadline);
    beast::error_code ec;
    net::async_write(stream, net::buffer(bytes), [&](beast::error_code e, std::size_t) { ec = e; });
    run();
    if (!ec) return true;
    close();
    if (ec == beast::error::timeout) {
      fail(x, TransportError::timeout,
           timeout_detail(p.request_deadline, p.write_start, 0, "the request was not taken"));
    } else {
      attempt.retryable = p.was_reused;
      fail(x, TransportError::reset, "the connection failed while sending the request: " + ec.message());
    }
    return false;
  }

  std::string over_limit_text() const {
    return "the response is larger than the " + size_text(limits.max_response_bytes) + " limit";
  }

  // The header is whole: the body gets what is left of the budget, and a
  // Content-Length beyond it fails at once.
  bool enter_body(Message& m, Exchange& x) {
    m.body_phase = true;
    const std::uint64_t left = m.budget - std::min(m.budget, m.header_bytes);
    const auto length = m.parser.content_length();
    if (!m.parser.is_done() && length && *length > left) {
      close();
      fail(x, TransportError::too_large, over_limit_text() + " (Content-Length " + std::to_string(*length) + ")");
      return false;
    }
    m.parser.body_limit(left);
    m.parser.eager(true);
    return true;
  }

  void fail_parse(const Message& m, beast::error_code ec, const Progress& p, Exchange& x) {
    const bool limit = ec == http::error::header_limit || ec == http::error::body_limit ||
                       ec == http::error::buffer_overflow;
    if (!limit) {
      fail(x, TransportError::not_http, "first bytes " + quote_bytes(p.first_bytes) + " (" + ec.message() + ")");
      return;
    }
    std::string d = over_limit_text();
    if (m.parser.is_header_done() && m.parser.content_length())
      d += " (Content-Length " + std::to_string(*m.parser.content_length()) + ")";
    else
      d += ec == http::error::body_limit ? " (body)" : " (header)";
    fail(x, TransportError::too_large, std::move(d));
  }

  // Feeds the buffered bytes to the parser.
  Step parse_buffered(Message& m, Progress& p, Exchange& x) {
    if (buffer.size() == 0) return Step::read;
    beast::error_code ec;
    const auto n = m.parser.put(buffer.data(), ec);
    buffer.consume(n);
    p.consumed += n;
    if (!m.body_phase) m.header_bytes += n;
    if (ec == http::error::need_more) return Step::read;
    if (ec) {
      close();
      fail_parse(m, ec, p, x);
      return Step::failed;
    }
    if (m.parser.is_header_done() && !m.body_phase && !enter_body(m, x)) return Step::failed;
    if (m.parser.is_done()) return Step::parsed;
    return n > 0 && buffer.size() > 0 ? Step::again : Step::read;  // more of it may parse without a read
  }

  void fail_read(beast::error_code ec, const Progress& p, Exchange& x, Attempt& attempt) {
    if (ec == beast::error::timeout) {
      fail(x, TransportError::timeout,
           timeout_detail(p.request_deadline, p.write_start, p.received,
                          p.received == 0 ? "nothing arrived" : "the response was incomplete"));
    } else if (is_reset(ec) || ec == http::error::partial_message) {
      attempt.retryable = p.was_reused && p.received == 0;
      const std::string how = ec == net::error::eof || ec == http::error::partial_message ? "closed" : "reset";
      fail(x, TransportError::reset,
           p.received == 0 ? how + " before sending anything"
                           : how + " after " + size_text(p.received) + " (an incomplete response)");
    } else {
      fail(x, TransportError::reset, "reading the response failed: " + ec.message());
    }
  }

  // Reads once from the socket; a body delimited by the connection's end ends here.
  Step read_more(Message& m, Progress& p, Exchange& x, Attempt& attempt) {
    // Unparsed bytes can only pile up in a line the parser cannot end
    // (a chunk extension without CRLF): bound them by the budget too.
    if (buffer.size() >= m.budget) {
      close();
      fail(x, TransportError::too_large, over_limit_text() + " (an unterminated line)");
      return Step::failed;
    }
    beast::error_code ec;
    std::size_t n = 0;
    stream.expires_at(p.request_deadline);
    stream.async_read_some(buffer.prepare(kReadChunk), [&](beast::error_code e, std::size_t k) {
      ec = e;
      n = k;
    });
    run();
    buffer.commit(n);
    if (n > 0 && p.first_bytes.size() < kQuotedBytes) {
      const auto data = buffer.data();
      const std::string_view view(static_cast<const char*>(data.data()), data.size());
      p.first_bytes.append(view.substr(view.size() - n).substr(0, kQuotedBytes - p.first_bytes.size()));
    }
    p.received += n;
    if (!ec) return Step::read;
    if (ec == net::error::eof && buffer.size() == 0 && m.parser.got_some() && m.parser.is_header_done()) {
      m.parser.put_eof(ec);
      if (!ec) return Step::parsed;
    }
    close();
    fail_read(ec, p, x, attempt);
    return Step::failed;
  }

  // Parses and reads until the message is whole (parsed) or the exchange failed.
  Step read_message(Message& m, Progress& p, Exchange& x, Attempt& attempt) {
    for (;;) {
      const Step parsed = parse_buffered(m, p, x);
      if (parsed == Step::again) continue;
      if (parsed != Step::read) return parsed;
      const Step read = read_more(m, p, x, attempt);
      if (read != Step::read) return read;
    }
  }

  // The final response into `x`; the connection is kept only when clean.
  void take_response(Parser& parser, Exchange& x) {
    auto& res = parser.get();
    const auto status = res.result_int();
    x.status = static_cast<int>(status);
    x.headers.clear();
    for (const auto& field : res) x.headers.push_back({std::string(field.name_string()), std::string(field.value())});
    x.body = std::move(res.body());
    // Bytes after the response were not asked for: they would be taken
    // for the next response, so the connection is not reused.
    if (!parser.keep_alive() || status == 101 || buffer.size() > 0)
      close();
    else
      reused = true;
  }

  // One write and one read of the response on the current connection.
  Attempt exchange(const std::string& bytes, bool head, Clock::time_point deadline, Exchange& x) {
    Attempt attempt;
    Progress p;
    p.was_reused = reused;
    p.write_start = Clock::now();
    p.request_deadline = std::min(p.write_start + limits.request_timeout, deadline);
    ++sent;
    if (!write_request(bytes, p, x, attempt)) return attempt;

    // Everything the target sends for this request (interim responses
    // included) shares the max_response_bytes budget.
    const std::uint64_t max = limits.max_response_bytes;
    for (;;) {
      const std::uint64_t budget = max - std::min(max, p.consumed);
      if (budget == 0) {
        close();
        fail(x, TransportError::too_large, "interim (1xx) responses filled the " + size_text(max) + " limit");
        return attempt;
      }
      Message m(budget, head);
      if (read_message(m, p, x, attempt) != Step::parsed) return attempt;
      // Interim responses are skipped; 101 ends HTTP on this connection, so
      // it is the answer.
      const auto status = m.parser.get().result_int();
      if (status >= 100 && status < 200 && status != 101) continue;
      take_response(m.parser, x);
      return attempt;
    }
  }

  Exchange send(const wire::HttpRequest& request, Clock::time_point deadline) {
    const auto start = Clock::now();
    Exchange x;
    const auto finish = [&] {
      x.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
      return std::move(x);
    };
    if (start >= deadline) {
      fail(x, TransportError::timeout, "the run's deadline had passed before the request was sent");
      return finish();
    }
    std::string bytes = wire::to_http_bytes(request);
    if (!added.empty()) {  // add_to_every_request: the lines go before the blank line that ends the head
      std::string lines;
      for (const auto& h : added) lines += h.name + ": " + h.value + "\r\n";
      bytes.insert(bytes.size() - request.body.size() - 2, lines);
    }
    const bool head = request.method == "HEAD";

    drop_if_stale();
    for (int tries = 0;; ++tries) {
      if (!connected && !connect(deadline, x)) return finish();
      const auto attempt = exchange(bytes, head, deadline, x);
      // A kept-alive connection the server dropped while idle: nothing of a
      // response came, so the request goes once more on a fresh connection.
      if (resend == Resend::never || !attempt.retryable || tries > 0 || Clock::now() >= deadline) return finish();
      x = Exchange{};
    }
  }
};

HttpClient::HttpClient(Url url, ClientLimits limits, Resend resend)
    : impl_(std::make_unique<Impl>(std::move(url), limits, resend)) {}

HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

Exchange HttpClient::send(const wire::HttpRequest& request, Clock::time_point deadline) {
  return impl_->send(request, deadline);
}

void HttpClient::add_to_every_request(wire::Header header) { impl_->added.push_back(std::move(header)); }

std::uint64_t HttpClient::requests_sent() const noexcept { return impl_->sent; }

const Url& HttpClient::url() const noexcept { return impl_->url; }

}  // namespace essconf::client
