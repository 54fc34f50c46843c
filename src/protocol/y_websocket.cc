#include "protocol/y_websocket.h"

#include <string>

#include "crdt/lib0/decoder.h"
#include "crdt/lib0/encoder.h"
#include "protocol/sync.h"

namespace symphony::protocol::y_websocket {

using crdt::lib0::Decoder;
using crdt::lib0::Encoder;

Result<Message> Parse(std::span<const uint8_t> bytes, const Limits& limits) {
  if (bytes.size() > limits.max_message_bytes) {
    return LimitError("message", bytes.size(), limits.max_message_bytes, 0);
  }
  Decoder dec(bytes);
  const uint64_t type = dec.ReadVarUint();
  if (dec.failed()) return dec.status();
  if (type > static_cast<uint8_t>(MessageType::kQueryAwareness)) {
    return Status(StatusCode::kInvalid, "unknown y-websocket message type " + std::to_string(type),
                  0);
  }
  Message msg;
  msg.type = static_cast<MessageType>(type);
  if (msg.type == MessageType::kAwareness) {
    Decoder probe = dec;
    probe.ReadVarUint();
    msg.payload = dec.ReadVarUint8Array();
    if (dec.failed()) return dec.status();
    msg.payload_offset = probe.offset();
    if (dec.has_content()) {
      return Status(StatusCode::kInvalid, "trailing bytes after awareness update", dec.offset());
    }
    return msg;
  }
  msg.payload_offset = dec.offset();
  msg.payload = dec.ReadRest();
  return msg;
}

Result<std::string> ParsePermissionDenied(std::span<const uint8_t> payload,
                                          uint64_t payload_offset) {
  Decoder dec(payload, payload_offset);
  const uint64_t type = dec.ReadVarUint();
  if (dec.failed()) return dec.status();
  if (type != 0) {
    return Status(StatusCode::kInvalid, "unknown y-websocket auth type " + std::to_string(type),
                  payload_offset);
  }
  std::string reason = dec.ReadVarString();
  if (dec.failed()) return dec.status();
  return reason;
}

namespace {

std::vector<uint8_t> Sync(SyncMessageType t, std::span<const uint8_t> payload) {
  Encoder enc;
  enc.Reserve(payload.size() + 8);
  enc.WriteVarUint(static_cast<uint8_t>(MessageType::kSync));
  WriteSyncMessage(enc, t, payload);
  return enc.Take();
}

}  // namespace

std::vector<uint8_t> SyncStep1(std::span<const uint8_t> sv) {
  return Sync(SyncMessageType::kStep1, sv);
}
std::vector<uint8_t> SyncStep2(std::span<const uint8_t> update) {
  return Sync(SyncMessageType::kStep2, update);
}
std::vector<uint8_t> Update(std::span<const uint8_t> update) {
  return Sync(SyncMessageType::kUpdate, update);
}

std::vector<uint8_t> AwarenessUpdate(std::span<const uint8_t> awareness_update) {
  Encoder enc;
  enc.Reserve(awareness_update.size() + 6);
  enc.WriteVarUint(static_cast<uint8_t>(MessageType::kAwareness));
  enc.WriteVarUint8Array(awareness_update);
  return enc.Take();
}

std::vector<uint8_t> QueryAwareness() {
  return {static_cast<uint8_t>(MessageType::kQueryAwareness)};
}

std::vector<uint8_t> PermissionDenied(std::string_view reason) {
  Encoder enc;
  enc.WriteVarUint(static_cast<uint8_t>(MessageType::kAuth));
  enc.WriteVarUint(0);
  enc.WriteVarString(reason);
  return enc.Take();
}

}  // namespace symphony::protocol::y_websocket
