#include "protocol/hocuspocus.h"

#include <string>

#include "crdt/lib0/decoder.h"
#include "crdt/lib0/encoder.h"
#include "protocol/sync.h"

namespace symphony::protocol::hocuspocus {

using crdt::lib0::Decoder;
using crdt::lib0::Encoder;

namespace {

constexpr uint64_t kMaxType = static_cast<uint8_t>(MessageType::kPong);

Status TrailingBytes(const Decoder& dec, const char* after) {
  return Status(StatusCode::kInvalid,
                std::to_string(dec.remaining()) + " trailing bytes after " + after, dec.offset());
}

Encoder Start(std::string_view doc, MessageType type) {
  Encoder enc;
  enc.WriteVarString(doc);
  enc.WriteVarUint(static_cast<uint8_t>(type));
  return enc;
}

}  // namespace

Result<Message> Parse(std::span<const uint8_t> bytes, const Limits& limits) {
  if (bytes.size() > limits.max_message_bytes) {
    return LimitError("message", bytes.size(), limits.max_message_bytes, 0);
  }
  Decoder dec(bytes);
  // Check the name's length before decoding it, so an oversized name costs nothing.
  Decoder probe = dec;
  const uint64_t name_len = probe.ReadVarUint();
  if (probe.failed()) return probe.status();
  if (name_len > limits.max_document_name_bytes) {
    return LimitError("document name", name_len, limits.max_document_name_bytes, 0);
  }
  Message msg;
  msg.document = dec.ReadVarString();
  const uint64_t type_offset = dec.offset();
  const uint64_t type = dec.ReadVarUint();
  if (dec.failed()) return dec.status();
  if (type > kMaxType) {
    return Status(StatusCode::kInvalid, "unknown hocuspocus message type " + std::to_string(type),
                  type_offset);
  }
  msg.type = static_cast<MessageType>(type);
  if (msg.type == MessageType::kAwareness) {
    probe = dec;
    probe.ReadVarUint();
    msg.payload = dec.ReadVarUint8Array();
    if (dec.failed()) return dec.status();
    msg.payload_offset = probe.offset();
    if (dec.has_content()) return TrailingBytes(dec, "awareness update");
    return msg;
  }
  msg.payload_offset = dec.offset();
  msg.payload = dec.ReadRest();
  return msg;
}

Result<AuthMessage> ParseAuth(std::span<const uint8_t> payload, uint64_t payload_offset) {
  Decoder dec(payload, payload_offset);
  const uint64_t type = dec.ReadVarUint();
  if (dec.failed()) return dec.status();
  if (type > static_cast<uint8_t>(AuthMessageType::kAuthenticated)) {
    return Status(StatusCode::kInvalid, "unknown hocuspocus auth type " + std::to_string(type),
                  payload_offset);
  }
  AuthMessage msg;
  msg.type = static_cast<AuthMessageType>(type);
  if (msg.type != AuthMessageType::kToken || dec.has_content()) {
    msg.text = dec.ReadVarString();
    if (dec.failed()) return dec.status();
  }
  if (msg.type == AuthMessageType::kToken && dec.has_content()) {
    // Provider v4 appends its version to the token message.
    msg.provider_version = dec.ReadVarString();
    if (dec.failed()) return dec.status();
  }
  if (dec.has_content()) return TrailingBytes(dec, "auth message");
  return msg;
}

Result<bool> ParseSyncStatus(std::span<const uint8_t> payload, uint64_t payload_offset) {
  Decoder dec(payload, payload_offset);
  const uint64_t v = dec.ReadVarUint();
  if (dec.failed()) return dec.status();
  if (dec.has_content()) return TrailingBytes(dec, "sync status");
  // The provider reads it as a varInt and compares with 1: 1 is the same byte either way.
  return v == 1;
}

Result<std::string> ParseString(std::span<const uint8_t> payload, uint64_t payload_offset) {
  Decoder dec(payload, payload_offset);
  std::string s = dec.ReadVarString();
  if (dec.failed()) return dec.status();
  if (dec.has_content()) return TrailingBytes(dec, "string");
  return s;
}

namespace {

std::vector<uint8_t> Sync(std::string_view doc, MessageType type, SyncMessageType st,
                          std::span<const uint8_t> payload) {
  Encoder enc = Start(doc, type);
  WriteSyncMessage(enc, st, payload);
  return enc.Take();
}

std::vector<uint8_t> WithString(std::string_view doc, MessageType type, std::string_view s) {
  Encoder enc = Start(doc, type);
  enc.WriteVarString(s);
  return enc.Take();
}

std::vector<uint8_t> Auth(std::string_view doc, AuthMessageType type, std::string_view s) {
  Encoder enc = Start(doc, MessageType::kAuth);
  enc.WriteVarUint(static_cast<uint8_t>(type));
  enc.WriteVarString(s);
  return enc.Take();
}

}  // namespace

std::vector<uint8_t> SyncStep1(std::string_view doc, std::span<const uint8_t> sv, bool reply) {
  return Sync(doc, reply ? MessageType::kSyncReply : MessageType::kSync, SyncMessageType::kStep1,
              sv);
}
std::vector<uint8_t> SyncStep2(std::string_view doc, std::span<const uint8_t> update, bool reply) {
  return Sync(doc, reply ? MessageType::kSyncReply : MessageType::kSync, SyncMessageType::kStep2,
              update);
}
std::vector<uint8_t> Update(std::string_view doc, std::span<const uint8_t> update) {
  return Sync(doc, MessageType::kSync, SyncMessageType::kUpdate, update);
}

std::vector<uint8_t> AwarenessUpdate(std::string_view doc,
                                     std::span<const uint8_t> awareness_update) {
  Encoder enc = Start(doc, MessageType::kAwareness);
  enc.WriteVarUint8Array(awareness_update);
  return enc.Take();
}

std::vector<uint8_t> QueryAwareness(std::string_view doc) {
  return Start(doc, MessageType::kQueryAwareness).Take();
}
std::vector<uint8_t> Pong(std::string_view doc) { return Start(doc, MessageType::kPong).Take(); }
std::vector<uint8_t> TokenRequest(std::string_view doc) {
  Encoder enc = Start(doc, MessageType::kAuth);
  enc.WriteVarUint(static_cast<uint8_t>(AuthMessageType::kToken));
  return enc.Take();
}
std::vector<uint8_t> Token(std::string_view doc, std::string_view token) {
  return Auth(doc, AuthMessageType::kToken, token);
}
std::vector<uint8_t> PermissionDenied(std::string_view doc, std::string_view reason) {
  return Auth(doc, AuthMessageType::kPermissionDenied, reason);
}
std::vector<uint8_t> Authenticated(std::string_view doc, std::string_view scope) {
  return Auth(doc, AuthMessageType::kAuthenticated, scope);
}
std::vector<uint8_t> Stateless(std::string_view doc, std::string_view payload) {
  return WithString(doc, MessageType::kStateless, payload);
}
std::vector<uint8_t> BroadcastStateless(std::string_view doc, std::string_view payload) {
  return WithString(doc, MessageType::kBroadcastStateless, payload);
}
std::vector<uint8_t> SyncStatus(std::string_view doc, bool update_saved) {
  Encoder enc = Start(doc, MessageType::kSyncStatus);
  enc.WriteVarUint(update_saved ? 1 : 0);
  return enc.Take();
}
std::vector<uint8_t> Close(std::string_view doc, std::string_view reason) {
  return WithString(doc, MessageType::kClose, reason);
}
std::vector<uint8_t> CloseRequest(std::string_view doc) {
  return Start(doc, MessageType::kClose).Take();
}

}  // namespace symphony::protocol::hocuspocus
