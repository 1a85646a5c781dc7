// A small bounded HTTP/1.1 server on Boost.Beast for the CDS Hooks door: a fixed number of
// I/O threads, at most max_connections open connections (more are answered 503 and closed),
// a request (headers and body) must arrive within header_timeout or the connection is closed
// (slow clients cannot hold it), bodies over max_body_bytes are answered 413, and an idle
// keep-alive connection is closed after keep_alive_timeout. TLS when given an SSL context.
// The handler may answer later, from any thread.
#ifndef CDSD_HOST_REST_HTTP_SERVER_H_
#define CDSD_HOST_REST_HTTP_SERVER_H_

#include <absl/status/statusor.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace cdsd::rest {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;
// Sends the answer to one request. Call exactly once, from any thread, without blocking.
using Respond = std::function<void(HttpResponse)>;
// Called on an I/O thread for each complete request; must not block (hand slow work off).
using HttpHandler = std::function<void(HttpRequest&& request, Respond respond)>;

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: a free port
  int threads = 2;
  int max_connections = 256;
  size_t max_body_bytes = 4 << 20;
  size_t max_header_bytes = 16 << 10;
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds keep_alive_timeout{15000};
  std::shared_ptr<boost::asio::ssl::context> tls;  // null: plaintext
};

class HttpServer {
 public:
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(const HttpServerOptions& options, HttpHandler handler);
  ~HttpServer();

  int port() const { return port_; }
  int open_connections() const { return connections_->load(); }
  // Stops accepting and closes every connection; answers still due are dropped.
  void Stop();

  // What every connection reads: kept alive by the connections themselves.
  struct Shared {
    HttpServerOptions options;
    HttpHandler handler;
  };

 private:
  HttpServer() = default;
  void Accept();

  std::shared_ptr<const Shared> shared_;
  // Shared with every pending answer, so an answer that arrives after Stop posts to a live
  // (stopped) context rather than a destroyed one.
  std::shared_ptr<boost::asio::io_context> io_;
  std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor_;
  std::shared_ptr<std::atomic<int>> connections_ = std::make_shared<std::atomic<int>>(0);
  std::vector<std::thread> threads_;
  int port_ = 0;
  bool stopped_ = false;
};

}  // namespace cdsd::rest

#endif  // CDSD_HOST_REST_HTTP_SERVER_H_
