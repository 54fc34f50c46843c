#include "server/sessions.h"

#include <algorithm>
#include <boost/asio/dispatch.hpp>

#include "protocol/hocuspocus.h"
#include "protocol/y_websocket.h"
#include "util/log.h"

namespace symphony::server {

namespace asio = boost::asio;
namespace yws = protocol::y_websocket;
namespace hp = protocol::hocuspocus;

bool RateLimiter::Allow() {
  const auto now = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(now - last_).count();
  last_ = now;
  tokens_ = std::min(2.0 * rate_, tokens_ + elapsed * rate_);
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

namespace {

// Queues a message the session itself answers with, counted by type.
void Reply(WsConnection& conn, std::vector<uint8_t> bytes, MessageKind kind) {
  Metrics().CountOut(kind, bytes.size());
  conn.Send(std::make_shared<const Bytes>(std::move(bytes)));
}

void CloseMalformed(WsConnection& conn, const Status& st, const char* what) {
  conn.Close(close_code::kProtocolError, std::string("malformed ") + what + ": " + st.ToString(),
             CloseReason::kProtocolError);
}

void CloseRateLimited(WsConnection& conn, uint32_t rate) {
  conn.Close(close_code::kPolicy, "more than " + std::to_string(rate) + " messages per second",
             CloseReason::kRateLimited);
}

}  // namespace

// ------------------------------------------------------------------------------ y-websocket

YwsSession::YwsSession(std::shared_ptr<WsConnection> conn, std::shared_ptr<Room> room,
                       const RoomContext& ctx, const PeerIdentity& identity)
    : conn_(std::move(conn)),
      room_(std::move(room)),
      ctx_(ctx),
      rate_(ctx.options.max_messages_per_second) {
  peer_ = std::make_shared<Peer>();
  peer_->conn = conn_;
  peer_->protocol = WsConnection::Protocol::kYws;
  peer_->doc_name = room_->name();
  peer_->room = room_;
  peer_->read_only = identity.read_only;
  peer_->user_id = identity.user_id;
  peer_->user_name = identity.user_name;
}

void YwsSession::Start() { room_->Join(peer_); }

void YwsSession::OnMessage(SharedBytes message) {
  if (conn_->closing()) return;
  if (!rate_.Allow()) {
    CloseRateLimited(*conn_, ctx_.options.max_messages_per_second);
    return;
  }
  Result<yws::Message> m = yws::Parse(*message, ctx_.limits);
  if (!m.ok()) {
    Metrics().CountIn(MessageKind::kOther, message->size());
    CloseMalformed(*conn_, m.status(), "message");
    return;
  }
  switch (m->type) {
    case yws::MessageType::kSync: {
      Result<protocol::SyncMessage> sync =
          protocol::DecodeSyncMessage(m->payload, ctx_.limits, m->payload_offset);
      if (!sync.ok()) {
        Metrics().CountIn(MessageKind::kOther, message->size());
        CloseMalformed(*conn_, sync.status(), "sync message");
        return;
      }
      room_->OnSync(peer_, message, sync.value(), false);
      return;
    }
    case yws::MessageType::kAwareness:
      room_->OnAwareness(peer_, message, m->payload, m->payload_offset);
      return;
    case yws::MessageType::kQueryAwareness:
      room_->OnQueryAwareness(peer_);
      return;
    case yws::MessageType::kAuth:
      // Clients do not send auth messages in y-websocket; tolerate and ignore them.
      Metrics().CountIn(MessageKind::kAuth, message->size());
      return;
  }
}

void YwsSession::OnClosed() {
  room_->Leave(peer_);
  peer_->conn.reset();
  peer_.reset();
}

// ------------------------------------------------------------------------------ Hocuspocus

HocuspocusSession::HocuspocusSession(std::shared_ptr<WsConnection> conn, RoomRegistry& registry,
                                     const RoomContext& ctx)
    : conn_(std::move(conn)),
      registry_(registry),
      ctx_(ctx),
      rate_(ctx.options.max_messages_per_second) {}

void HocuspocusSession::Fail(const Status& st, const char* what) {
  CloseMalformed(*conn_, st, what);
}

void HocuspocusSession::ToRoom(const std::string& doc,
                               std::function<void(Room&, const std::shared_ptr<Peer>&)> f) {
  auto it = docs_.find(doc);
  if (it == docs_.end()) {
    log::Debug("hocuspocus message for a document not opened on this socket; ignored",
               {{"conn", conn_->id()}, {"doc", doc}});
    return;
  }
  asio::dispatch(it->second.loop, [peer = it->second.peer, f = std::move(f)] {
    std::shared_ptr<Room> room = peer->room.lock();
    if (room && !peer->left) f(*room, peer);
  });
}

void HocuspocusSession::Authenticate(const std::string& doc, const std::string& token) {
  Result<PeerIdentity> identity = Authorize(ctx_.options, token, doc);
  if (!identity.ok()) {
    log::Info("hocuspocus document refused",
              {{"conn", conn_->id()}, {"doc", doc}, {"reason", identity.status().message()}});
    Metrics().CountClose(CloseReason::kAuth);
    Reply(*conn_, hp::PermissionDenied(doc, identity.status().message()), MessageKind::kAuth);
    return;
  }
  const char* scope = identity->read_only ? "readonly" : "read-write";
  if (docs_.count(doc)) {
    // Re-authentication of an open document (the provider does this on reconnect paths).
    Reply(*conn_, hp::Authenticated(doc, scope), MessageKind::kAuth);
    return;
  }
  auto peer = std::make_shared<Peer>();
  peer->conn = conn_;
  peer->protocol = WsConnection::Protocol::kHocuspocus;
  peer->doc_name = doc;
  peer->read_only = identity->read_only;
  peer->user_id = identity->user_id;
  peer->user_name = identity->user_name;
  conn_->ExpireAt(identity->expires);
  docs_[doc] = DocBinding{peer, registry_.LoopFor(doc)};
  Reply(*conn_, hp::Authenticated(doc, scope), MessageKind::kAuth);
  registry_.WithRoom(doc, [peer](std::shared_ptr<Room> room) {
    if (!room) {
      peer->conn->Close(close_code::kGoingAway, "server shutting down", CloseReason::kGoingAway);
      return;
    }
    peer->room = room;
    room->Join(peer);
  });
}

void HocuspocusSession::Leave(const std::string& doc) {
  auto it = docs_.find(doc);
  if (it == docs_.end()) return;
  ToRoom(doc, [](Room& room, const std::shared_ptr<Peer>& peer) { room.Leave(peer); });
  docs_.erase(it);
}

void HocuspocusSession::OnMessage(SharedBytes message) {
  if (conn_->closing()) return;
  if (!rate_.Allow()) {
    CloseRateLimited(*conn_, ctx_.options.max_messages_per_second);
    return;
  }
  Result<hp::Message> m = hp::Parse(*message, ctx_.limits);
  if (!m.ok()) {
    Metrics().CountIn(MessageKind::kOther, message->size());
    Fail(m.status(), "message");
    return;
  }
  const std::string& doc = m->document;
  switch (m->type) {
    case hp::MessageType::kAuth: {
      Metrics().CountIn(MessageKind::kAuth, message->size());
      Result<hp::AuthMessage> auth = hp::ParseAuth(m->payload, m->payload_offset);
      if (!auth.ok()) return Fail(auth.status(), "auth message");
      if (auth->type != hp::AuthMessageType::kToken) {
        return Fail(Status(StatusCode::kInvalid, "clients may only send a token"), "auth message");
      }
      Authenticate(doc, auth->text.value_or(""));
      return;
    }
    case hp::MessageType::kSync:
    case hp::MessageType::kSyncReply: {
      Result<protocol::SyncMessage> sync =
          protocol::DecodeSyncMessage(m->payload, ctx_.limits, m->payload_offset);
      if (!sync.ok()) return Fail(sync.status(), "sync message");
      const bool reply = m->type == hp::MessageType::kSyncReply;
      ToRoom(doc, [message, s = sync.value(), reply](Room& room, const std::shared_ptr<Peer>& p) {
        room.OnSync(p, message, s, reply);
      });
      return;
    }
    case hp::MessageType::kAwareness:
      ToRoom(doc, [message, payload = m->payload, off = m->payload_offset](
                      Room& room, const std::shared_ptr<Peer>& p) {
        room.OnAwareness(p, message, payload, off);
      });
      return;
    case hp::MessageType::kQueryAwareness:
      ToRoom(doc, [](Room& room, const std::shared_ptr<Peer>& p) { room.OnQueryAwareness(p); });
      return;
    case hp::MessageType::kStateless: {
      Metrics().CountIn(MessageKind::kStateless, message->size());
      Result<std::string> payload = hp::ParseString(m->payload, m->payload_offset);
      if (!payload.ok()) return Fail(payload.status(), "stateless message");
      ToRoom(doc, [p = std::move(payload).value()](Room& room, const std::shared_ptr<Peer>& peer) {
        room.OnStateless(peer, p);
      });
      return;
    }
    case hp::MessageType::kClose:
      Metrics().CountIn(MessageKind::kClose, message->size());
      Leave(doc);
      return;
    case hp::MessageType::kPing:
      Metrics().CountIn(MessageKind::kOther, message->size());
      Reply(*conn_, hp::Pong(doc), MessageKind::kOther);
      return;
    case hp::MessageType::kSyncStatus:
    case hp::MessageType::kPong:
      Metrics().CountIn(MessageKind::kOther, message->size());
      return;
    case hp::MessageType::kBroadcastStateless:
      return Fail(Status(StatusCode::kInvalid, "BroadcastStateless is server-internal"), "message");
  }
}

void HocuspocusSession::OnClosed() {
  for (auto& [doc, binding] : docs_) {
    asio::dispatch(binding.loop, [peer = binding.peer] {
      if (auto room = peer->room.lock()) room->Leave(peer);
      peer->conn.reset();
    });
  }
  docs_.clear();
}

}  // namespace symphony::server
