#include "rest/http_server.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <optional>


namespace cdsd::rest {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

HttpResponse Plain(http::status status, const std::string& text) {
  HttpResponse res{status, 11};
  res.set(http::field::content_type, "application/json");
  res.body() = text;
  res.keep_alive(false);
  res.prepare_payload();
  return res;
}

// One connection: read a request, hand it to the handler, write its answer, repeat while
// keep-alive. All of it runs on the connection's strand.
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(Stream stream, std::shared_ptr<const HttpServer::Shared> shared, std::shared_ptr<asio::io_context> io,
          std::shared_ptr<std::atomic<int>> connections)
      : stream_(std::move(stream)), shared_(std::move(shared)), options_(shared_->options),
        handler_(shared_->handler), io_(std::move(io)), connections_(std::move(connections)) {}
  ~Session() { connections_->fetch_sub(1); }

  void Start() {
    if constexpr (std::is_same_v<Stream, beast::ssl_stream<beast::tcp_stream>>) {
      beast::get_lowest_layer(stream_).expires_after(options_.header_timeout);
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (!ec) self->Read();
                              });
    } else {
      Read();
    }
  }

 private:
  void Read() {
    parser_.emplace();
    parser_->body_limit(options_.max_body_bytes);
    parser_->header_limit(static_cast<std::uint32_t>(options_.max_header_bytes));
    // The whole request must arrive in time: a client trickling bytes cannot hold the
    // connection past this.
    beast::get_lowest_layer(stream_).expires_after(first_ ? options_.header_timeout : options_.keep_alive_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  // Headers in: a client that asked "Expect: 100-continue" (curl does for larger bodies) is told
  // to go on, then the body is read within what is left of the same timeout.
  void OnHeader(beast::error_code ec) {
    if (ec || parser_->is_done()) return OnRead(ec);
    if (!first_) beast::get_lowest_layer(stream_).expires_after(options_.header_timeout);
    const auto expect = parser_->get()[http::field::expect];
    if (beast::iequals(expect, "100-continue")) {
      auto proceed = std::make_shared<http::response<http::empty_body>>(http::status::continue_, parser_->get().version());
      http::async_write(stream_, *proceed, [self = this->shared_from_this(), proceed](beast::error_code ec, size_t) {
        if (ec) return self->Close();
        self->ReadBody();
      });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted) {
      return Close();
    }
    if (ec == http::error::body_limit) {
      return Write(Plain(http::status::payload_too_large,
                         R"({"error":{"code":413,"message":"the request body is larger than limits.max_request_bytes ()" +
                             std::to_string(options_.max_body_bytes) + " bytes)\"}}"),
                   true);
    }
    if (ec == http::error::header_limit) {
      return Write(Plain(http::status::request_header_fields_too_large,
                         R"({"error":{"code":431,"message":"the request headers are too large"}})"),
                   true);
    }
    if (ec) {
      if (buffer_.size() == 0 && !parser_->got_some()) return Close();
      return Write(Plain(http::status::bad_request, R"({"error":{"code":400,"message":"not a valid HTTP/1.1 request"}})"),
                   true);
    }
    first_ = false;
    // The handler's own deadline bounds the work; the connection waits for it.
    beast::get_lowest_layer(stream_).expires_never();
    HttpRequest request = parser_->release();
    keep_alive_ = request.keep_alive();
    const unsigned version = request.version();
    // The answer may come after the server stopped: holding the io_context until then keeps the
    // post below safe. Only the pending answer holds it, never the session itself, so idle
    // keep-alive sessions (owned by their pending reads) do not keep the io_context, and with it
    // themselves, alive after the server is gone (LeakSanitizer found that cycle).
    auto respond = [self = this->shared_from_this(), io = io_.lock(), version](HttpResponse res) {
      res.version(version);
      asio::post(self->stream_.get_executor(),
                 [self, res = std::move(res)]() mutable { self->Write(std::move(res), false); });
    };
    handler_(std::move(request), std::move(respond));
  }

  void Write(HttpResponse res, bool close) {
    if (close) keep_alive_ = false;
    res.keep_alive(keep_alive_ && res.keep_alive());
    response_ = std::make_unique<HttpResponse>(std::move(res));
    beast::get_lowest_layer(stream_).expires_after(options_.header_timeout);
    http::async_write(stream_, *response_, [self = this->shared_from_this()](beast::error_code ec, size_t) {
      const bool keep = self->response_->keep_alive();
      self->response_.reset();
      if (ec || !keep) return self->Close();
      self->Read();
    });
  }

  void Close() {
    beast::error_code ignored;
    if constexpr (std::is_same_v<Stream, beast::ssl_stream<beast::tcp_stream>>) {
      beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    } else {
      stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    }
  }

  Stream stream_;
  std::shared_ptr<const HttpServer::Shared> shared_;  // outlives the server if an answer is late
  const HttpServerOptions& options_;
  const HttpHandler& handler_;
  std::weak_ptr<asio::io_context> io_;
  std::shared_ptr<std::atomic<int>> connections_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::unique_ptr<HttpResponse> response_;
  bool keep_alive_ = true;
  bool first_ = true;
};

}  // namespace

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpServerOptions& options, HttpHandler handler) {
  std::unique_ptr<HttpServer> server(new HttpServer());
  server->shared_ = std::make_shared<const Shared>(Shared{options, std::move(handler)});
  server->io_ = std::make_shared<asio::io_context>(options.threads);
  beast::error_code ec;
  const auto address = asio::ip::make_address(options.host, ec);
  if (ec) return absl::InvalidArgumentError("cds_hooks.listen: '" + options.host + "' is not an IP address");
  server->acceptor_ = std::make_unique<tcp::acceptor>(*server->io_);
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(options.port));
  server->acceptor_->open(endpoint.protocol(), ec);
  if (!ec) server->acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) server->acceptor_->bind(endpoint, ec);
  if (!ec) server->acceptor_->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError("cannot listen on " + options.host + ":" + std::to_string(options.port) +
                                  " for cds_hooks: " + ec.message());
  }
  server->port_ = server->acceptor_->local_endpoint().port();
  server->Accept();
  for (int i = 0; i < std::max(1, options.threads); ++i) {
    server->threads_.emplace_back([io = server->io_] { io->run(); });
  }
  return server;
}

void HttpServer::Accept() {
  acceptor_->async_accept(asio::make_strand(*io_), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == asio::error::operation_aborted) return;  // stopping
      Accept();
      return;
    }
    if (connections_->load() >= shared_->options.max_connections) {
      // Over the limit: a short answer (written without waiting) and the connection is closed.
      static const std::string body = R"({"error":{"code":503,"message":"too many open connections; retry"}})";
      static const std::string busy =
          "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
          "Connection: close\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
      beast::error_code ignored;
      socket.non_blocking(true, ignored);
      socket.write_some(asio::buffer(busy), ignored);
      socket.shutdown(tcp::socket::shutdown_both, ignored);
      Accept();
      return;
    }
    connections_->fetch_add(1);
    socket.set_option(tcp::no_delay(true), ec);
    if (shared_->options.tls) {
      std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
          beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(socket)), *shared_->options.tls), shared_,
          io_, connections_)
          ->Start();
    } else {
      std::make_shared<Session<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)), shared_, io_, connections_)
          ->Start();
    }
    Accept();
  });
}

void HttpServer::Stop() {
  if (stopped_) return;
  stopped_ = true;
  io_->stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
  beast::error_code ignored;
  acceptor_->close(ignored);
}

HttpServer::~HttpServer() { Stop(); }

}  // namespace cdsd::rest
