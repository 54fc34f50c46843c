// HttpApi: the HTTP routes served beside the WebSockets on the same port.
//
//   GET    /healthz                    {"status":"ok"} (503 while shutting down)
//   GET    /metrics                    Prometheus text format 0.0.4
//   GET    /api/rooms                  every stored or loaded room
//   GET    /api/rooms/{id}             one room's metadata and live figures
//   GET    /api/rooms/{id}/state       the document as a Yjs v1 update
//   GET    /api/rooms/{id}/json        the document's JSON view, {"<root>": value, ...}
//   POST   /api/rooms/{id}/update      apply a Yjs v1 update (durable, broadcast), like a client
//   DELETE /api/rooms/{id}             close the room's connections and delete it from storage
//   GET    /api/rooms/{id}/presence    the awareness states held now
//   GET    /api/events                 server-sent events: live statistics once a second
//   GET    /dashboard/                 the monitoring dashboard (web/dashboard)
// With an admin token configured, /api/* and /dashboard (and /metrics if metrics_auth is
// "admin") need it: `Authorization: Bearer <token>` or the cookie /dashboard?token= sets.
//   GET    /*                          static files from options.static_dir (the demo)
//
// Errors are JSON: {"error":{"code":"not_found","message":"..."}}. Room ids are the
// percent-decoded path segment. Handlers never block a loop: room work runs on the room's loop,
// storage reads on the storage worker, and the response is sent back through `respond`.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <string>
#include <string_view>

#include "server/http_server.h"

namespace symphony::server {

class HttpApi {
 public:
  using Respond = std::function<void(HttpResponse)>;
  // Takes the socket away from the HTTP session (for server-sent events).
  using TakeSocket = std::function<boost::asio::ip::tcp::socket()>;

  // `dashboard_dir`: the dashboard's files (web/dashboard), served at /dashboard/; empty: none.
  HttpApi(RoomContext& ctx, std::atomic<bool>& shutting_down, std::string dashboard_dir);

  // Name of the cookie that carries the admin token after /dashboard?token=.
  static constexpr std::string_view kAdminCookie = "symphony_admin";

  void Handle(HttpRequest request, Respond respond, TakeSocket take_socket);

 private:
  void ListRooms(const HttpRequest& req, Respond respond);
  void GetRoom(const std::string& id, const HttpRequest& req, Respond respond);
  void GetState(const std::string& id, const HttpRequest& req, Respond respond, bool json);
  void PostUpdate(const std::string& id, HttpRequest req, Respond respond);
  void DeleteRoom(const std::string& id, const HttpRequest& req, Respond respond);
  void Events(TakeSocket take_socket);
  void Static(const HttpRequest& req, Respond respond);
  void ServeFiles(const HttpRequest& req, Respond respond, const std::string& dir,
                  std::string path);
  void Presence(const std::string& id, const HttpRequest& req, Respond respond);
  void Dashboard(const HttpRequest& req, Respond respond, const std::string& path);
  // True when no admin token is configured or the request carries it.
  bool Authorized(const HttpRequest& req) const;
  void Unauthorized(const HttpRequest& req, const Respond& respond);

  RoomContext& ctx_;
  std::atomic<bool>& shutting_down_;
  const std::string dashboard_dir_;
};

// {"error":{"code":...,"message":...}}
std::string ErrorJson(std::string_view code, std::string_view message);
// A JSON response with `status`, keeping the request's keep-alive and version.
HttpResponse JsonResponse(const HttpRequest& req, unsigned status, std::string body);
HttpResponse ErrorResponse(const HttpRequest& req, unsigned status, std::string_view code,
                           std::string_view message);
// JSON of the live statistics sent by /api/events.
std::string LiveStatsJson(const RoomRegistry& registry);

}  // namespace symphony::server
