// The two protocol front ends: they parse a connection's messages (on the connection's loop)
// and hand them to rooms (on the rooms' loops).
//
// YwsSession: one y-websocket connection = one room; the socket was moved to the room's loop
// at the upgrade, so messages reach the room without a thread hop.
// HocuspocusSession: one socket carrying any number of documents; each document is a Peer of
// its room, reached by posting to the room's loop (in order, per room).
//
// Both enforce the per-connection message rate and close the connection, with a reason naming
// the error, on the first malformed message: nothing of it reaches a document.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "server/http_server.h"
#include "server/room.h"
#include "server/room_registry.h"
#include "server/ws_connection.h"

namespace symphony::server {

// Token bucket: `rate` messages per second with a burst of twice that.
class RateLimiter {
 public:
  explicit RateLimiter(uint32_t rate) : rate_(rate), tokens_(2.0 * rate) {}
  bool Allow();

 private:
  double rate_;
  double tokens_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

class YwsSession : public WsConnection::Handler, public std::enable_shared_from_this<YwsSession> {
 public:
  YwsSession(std::shared_ptr<WsConnection> conn, std::shared_ptr<Room> room, const RoomContext& ctx,
             const PeerIdentity& identity);
  // Joins the room (on the room's loop, which is the connection's).
  void Start();
  void OnMessage(SharedBytes message) override;
  void OnClosed() override;

 private:
  std::shared_ptr<WsConnection> conn_;
  std::shared_ptr<Room> room_;
  std::shared_ptr<Peer> peer_;
  const RoomContext& ctx_;
  RateLimiter rate_;
};

class HocuspocusSession : public WsConnection::Handler,
                          public std::enable_shared_from_this<HocuspocusSession> {
 public:
  HocuspocusSession(std::shared_ptr<WsConnection> conn, RoomRegistry& registry,
                    const RoomContext& ctx);
  void OnMessage(SharedBytes message) override;
  void OnClosed() override;

 private:
  struct DocBinding {
    std::shared_ptr<Peer> peer;
    boost::asio::any_io_executor loop;
  };
  // Runs f(room, peer) on the document's room loop, once joined.
  void ToRoom(const std::string& doc, std::function<void(Room&, const std::shared_ptr<Peer>&)> f);
  void Authenticate(const std::string& doc, const std::string& token);
  void Leave(const std::string& doc);
  void Fail(const Status& st, const char* what);

  std::shared_ptr<WsConnection> conn_;
  RoomRegistry& registry_;
  const RoomContext& ctx_;
  RateLimiter rate_;
  std::map<std::string, DocBinding> docs_;
};

}  // namespace symphony::server
