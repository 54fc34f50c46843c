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
//   GET    /api/events                 server-sent events: live statistics once a second
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

  HttpApi(RoomContext& ctx, std::atomic<bool>& shutting_down);

  void Handle(HttpRequest request, Respond respond, TakeSocket take_socket);

 private:
  void ListRooms(const HttpRequest& req, Respond respond);
  void GetRoom(const std::string& id, const HttpRequest& req, Respond respond);
  void GetState(const std::string& id, const HttpRequest& req, Respond respond, bool json);
  void PostUpdate(const std::string& id, HttpRequest req, Respond respond);
  void DeleteRoom(const std::string& id, const HttpRequest& req, Respond respond);
  void Events(TakeSocket take_socket);
  void Static(const HttpRequest& req, Respond respond);

  RoomContext& ctx_;
  std::atomic<bool>& shutting_down_;
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
