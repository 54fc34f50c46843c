// HttpServer: the listening socket and everything that arrives on it before it becomes a
// WebSocket: HTTP requests (API, metrics, health, static files) and upgrades.
//
// Accepted sockets are spread round-robin over the loops. A y-websocket upgrade is moved to its
// room's loop before the handshake completes, so that connection and room share a thread; a
// Hocuspocus socket stays where it was accepted (it may carry documents of many loops).
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "server/options.h"
#include "server/room.h"
#include "server/room_registry.h"

namespace symphony::server {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

class HttpApi;

class HttpServer {
 public:
  HttpServer(std::vector<boost::asio::io_context*> loops, RoomContext& ctx, HttpApi& api);

  // Binds and listens (SO_REUSEADDR, so a restart after a crash binds at once). Returns the
  // bound port (useful with port 0).
  Result<uint16_t> Listen(const std::string& host, uint16_t port);
  void StopAccepting();

  // Called by an HTTP session when a request asks for a WebSocket upgrade.
  void Upgrade(boost::asio::ip::tcp::socket socket, HttpRequest request);

  const ServerOptions& options() const { return ctx_.options; }
  HttpApi& api() { return api_; }
  std::atomic<bool>& shutting_down() { return shutting_down_; }

 private:
  void AcceptNext();

  std::vector<boost::asio::io_context*> loops_;
  RoomContext& ctx_;
  HttpApi& api_;
  boost::asio::ip::tcp::acceptor acceptor_;
  // Accepting pauses on this timer when the process is out of file descriptors or memory.
  boost::asio::steady_timer accept_pause_;
  uint64_t accept_failures_ = 0;
  size_t next_loop_ = 0;
  std::atomic<bool> shutting_down_{false};
};

// Who a connection is, from its token. Without an auth secret: read-write, anonymous.
struct PeerIdentity {
  bool read_only = false;
  std::string user_id;
  std::string user_name;
  int64_t expires = 0;  // unix seconds, 0: never
};

// Checks `token` for `room` when options.auth_secret is set (otherwise grants read-write).
// Errors: kPermission (missing, malformed, badly signed or expired token: HTTP 401) and
// kNotFound (a valid token for another room: HTTP 403), with a message naming the problem.
Result<PeerIdentity> Authorize(const ServerOptions& options, std::string_view token,
                               std::string_view room);

// Room name of a y-websocket URL target: the percent-decoded path without its leading '/', the
// query removed. Errors (kInvalid) name the problem: empty, longer than max_bytes, control
// characters, bad percent escape, invalid UTF-8.
Result<std::string> RoomNameFromTarget(std::string_view target, size_t max_bytes);

}  // namespace symphony::server
