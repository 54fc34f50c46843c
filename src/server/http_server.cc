#include "server/http_server.h"

#include <chrono>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <optional>

#include "crdt/lib0/utf8.h"
#include "server/auth/token.h"
#include "server/http_api.h"
#include "server/sessions.h"
#include "server/url.h"
#include "server/ws_connection.h"
#include "util/log.h"

namespace symphony::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace {

// One HTTP connection: reads requests until it is upgraded, closed or idle.
class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket socket, HttpServer& server)
      : stream_(std::move(socket)), server_(server) {}

  void Run() { ReadNext(); }

 private:
  void ReadNext() {
    parser_.emplace();
    parser_->body_limit(server_.options().max_frame_bytes);
    parser_->header_limit(16 * 1024);
    stream_.expires_after(std::chrono::seconds(60));
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::eof ||
        ec == asio::error::connection_reset) {
      Close();
      return;
    }
    if (ec) {
      const bool too_big = ec == http::error::body_limit || ec == http::error::header_limit;
      HttpResponse res{too_big ? http::status::payload_too_large : http::status::bad_request, 11};
      res.set(http::field::content_type, "application/json");
      res.keep_alive(false);
      res.body() = ErrorJson(too_big ? "too_big" : "bad_request",
                             std::string("could not read the request: ") + ec.message());
      res.prepare_payload();
      Write(std::move(res));
      return;
    }
    HttpRequest req = parser_->release();
    if (websocket::is_upgrade(req)) {
      stream_.expires_never();
      server_.Upgrade(stream_.release_socket(), std::move(req));
      return;
    }
    auto self = shared_from_this();
    server_.api().Handle(
        std::move(req),
        [self](HttpResponse res) {
          asio::dispatch(self->stream_.get_executor(),
                         [self, res = std::move(res)]() mutable { self->Write(std::move(res)); });
        },
        [self]() -> tcp::socket { return self->stream_.release_socket(); });
  }

  void Write(HttpResponse res) {
    auto sp = std::make_shared<HttpResponse>(std::move(res));
    stream_.expires_after(std::chrono::seconds(60));
    http::async_write(stream_, *sp, [self = shared_from_this(), sp](beast::error_code ec, size_t) {
      if (ec || !sp->keep_alive() || self->server_.shutting_down()) {
        self->Close();
        return;
      }
      self->ReadNext();
    });
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  HttpServer& server_;
};

// A WebSocket refused after the handshake, so that any client (a browser included) sees the
// close code and reason.
class RefusedHandler : public WsConnection::Handler {
 public:
  void OnMessage(SharedBytes) override {}
  void OnClosed() override {}
};

// Answers an upgrade request with an HTTP error instead of a WebSocket, then closes.
void RejectUpgrade(tcp::socket socket, const HttpRequest& req, unsigned status,
                   std::string_view code, std::string_view message) {
  auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
  auto res = std::make_shared<HttpResponse>(ErrorResponse(req, status, code, message));
  res->keep_alive(false);
  stream->expires_after(std::chrono::seconds(10));
  http::async_write(*stream, *res, [stream, res](beast::error_code, size_t) {
    beast::error_code ignored;
    stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream->close();
  });
}

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Result<PeerIdentity> Authorize(const ServerOptions& options, std::string_view token,
                               std::string_view room) {
  PeerIdentity id;
  if (options.auth_secret.empty()) return id;
  if (token.empty()) return Status(StatusCode::kPermission, "missing token");
  Result<auth::TokenClaims> claims = auth::VerifyToken(token, options.auth_secret, UnixNow());
  if (!claims.ok()) return claims.status();
  if (!auth::RoomAllowed(*claims, room)) {
    return Status(StatusCode::kNotFound,  // kNotFound marks "valid token, other room" (403)
                  "token grants room '" + claims->room + "', not '" + std::string(room) + "'");
  }
  id.read_only = claims->access == auth::Access::kRead;
  id.user_id = claims->sub;
  id.user_name = claims->name;
  id.expires = claims->exp;
  return id;
}

Result<std::string> RoomNameFromTarget(std::string_view target, size_t max_bytes) {
  std::string_view path = TargetPath(target);
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  Result<std::string> decoded = PercentDecode(path);
  if (!decoded.ok())
    return Status(StatusCode::kInvalid, "room name has a " + decoded.status().message());
  std::string name = std::move(decoded).value();
  if (name.empty()) {
    return Status(StatusCode::kInvalid, "no room name: connect to ws://host:port/<room>");
  }
  if (name.size() > max_bytes) {
    return Status(StatusCode::kInvalid, "room name is " + std::to_string(name.size()) +
                                            " bytes, limit " + std::to_string(max_bytes));
  }
  for (char c : name) {
    const auto u = static_cast<uint8_t>(c);
    if (u < 0x20 || u == 0x7F) {
      return Status(StatusCode::kInvalid, "room name contains a control character");
    }
  }
  if (!crdt::lib0::IsValidUtf8(name))
    return Status(StatusCode::kInvalid, "room name is not valid UTF-8");
  return name;
}

HttpServer::HttpServer(std::vector<asio::io_context*> loops, RoomContext& ctx, HttpApi& api)
    : loops_(std::move(loops)), ctx_(ctx), api_(api), acceptor_(*loops_[0]), accept_pause_(*loops_[0]) {}

Result<uint16_t> HttpServer::Listen(const std::string& host, uint16_t port) {
  beast::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) return Status(StatusCode::kInvalid, "bad --host '" + host + "': " + ec.message());
  const tcp::endpoint ep(address, port);
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status(StatusCode::kIo,
                  "cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message());
  }
  AcceptNext();
  return acceptor_.local_endpoint().port();
}

void HttpServer::StopAccepting() {
  asio::post(acceptor_.get_executor(), [this] {
    beast::error_code ignored;
    accept_pause_.cancel();
    acceptor_.close(ignored);
  });
}

void HttpServer::AcceptNext() {
  asio::io_context& target = *loops_[next_loop_++ % loops_.size()];
  acceptor_.async_accept(target, [this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) {
      socket.set_option(tcp::no_delay(true), ec);
      std::make_shared<HttpSession>(std::move(socket), *this)->Run();
      AcceptNext();
      return;
    }
    // Out of file descriptors (or memory): the connection stays in the backlog, so accepting
    // again at once would spin. Pause, say so once per second at most, and try again; the
    // clients wait in the backlog or time out.
    if (accept_failures_++ % 10 == 0) {
      log::Warn("accept failed; pausing new connections for 100 ms",
                {{"error", ec.message()}, {"failures", accept_failures_}});
    }
    accept_pause_.expires_after(std::chrono::milliseconds(100));
    accept_pause_.async_wait([this](beast::error_code wait_ec) {
      if (!wait_ec && acceptor_.is_open()) AcceptNext();
    });
  });
}

void HttpServer::Upgrade(tcp::socket socket, HttpRequest request) {
  const std::string path(TargetPath(request.target()));
  if (shutting_down_) {
    auto conn = std::make_shared<WsConnection>(std::move(socket), ctx_.options,
                                               WsConnection::Protocol::kYws);
    conn->Start(std::move(request), std::make_shared<RefusedHandler>());
    conn->Close(close_code::kGoingAway, "server shutting down", CloseReason::kGoingAway);
    return;
  }
  if (path == ctx_.options.hocuspocus_path) {
    auto conn = std::make_shared<WsConnection>(std::move(socket), ctx_.options,
                                               WsConnection::Protocol::kHocuspocus);
    auto session = std::make_shared<HocuspocusSession>(conn, ctx_.registry, ctx_);
    conn->Start(std::move(request), session);
    return;
  }
  Result<std::string> name =
      RoomNameFromTarget(request.target(), ctx_.limits.max_document_name_bytes);
  if (!name.ok()) {
    auto conn = std::make_shared<WsConnection>(std::move(socket), ctx_.options,
                                               WsConnection::Protocol::kYws);
    conn->Start(std::move(request), std::make_shared<RefusedHandler>());
    conn->Close(close_code::kPolicy, "bad room name: " + name.status().message(),
                CloseReason::kProtocolError);
    return;
  }
  Result<PeerIdentity> identity =
      Authorize(ctx_.options, QueryParam(request.target(), "token"), *name);
  if (!identity.ok()) {
    const bool other_room = identity.status().code() == StatusCode::kNotFound;
    log::Info("connection refused", {{"room", *name}, {"reason", identity.status().message()}});
    Metrics().CountClose(CloseReason::kAuth);
    RejectUpgrade(std::move(socket), request, other_room ? 403 : 401,
                  other_room ? "forbidden" : "unauthorized",
                  identity.status().message() +
                      (other_room ? "" : ": connect to ws://host:port/<room>?token=<token>"));
    return;
  }
  // Move the socket to the room's loop, then finish the handshake there.
  beast::error_code ec;
  const tcp::endpoint local = socket.local_endpoint(ec);
  if (ec) return;
  const int fd = socket.release(ec);
  if (ec) return;
  auto loop = ctx_.registry.LoopFor(*name);
  asio::post(
      loop, [this, loop, fd, protocol = local.protocol(), request = std::move(request),
             room_name = std::move(name).value(), id = std::move(identity).value()]() mutable {
        beast::error_code ec2;
        tcp::socket moved(loop);
        moved.assign(protocol, fd, ec2);
        if (ec2) {
          ::close(fd);
          return;
        }
        auto conn = std::make_shared<WsConnection>(std::move(moved), ctx_.options,
                                                   WsConnection::Protocol::kYws);
        std::shared_ptr<Room> room = ctx_.registry.GetOrCreate(room_name);
        if (!room) {
          conn->Start(std::move(request), std::make_shared<RefusedHandler>());
          conn->Close(close_code::kGoingAway, "server shutting down", CloseReason::kGoingAway);
          return;
        }
        auto session = std::make_shared<YwsSession>(conn, room, ctx_, id);
        conn->Start(std::move(request), session);
        conn->ExpireAt(id.expires);
        session->Start();
      });
}

}  // namespace symphony::server
