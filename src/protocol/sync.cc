#include "protocol/sync.h"

#include <string>

namespace symphony::protocol {

using crdt::lib0::Decoder;
using crdt::lib0::Encoder;

void WriteSyncMessage(Encoder& enc, SyncMessageType type, std::span<const uint8_t> payload) {
  enc.WriteVarUint(static_cast<uint8_t>(type));
  enc.WriteVarUint8Array(payload);
}

std::vector<uint8_t> EncodeSyncMessage(SyncMessageType type, std::span<const uint8_t> payload) {
  Encoder enc;
  enc.Reserve(payload.size() + 6);
  WriteSyncMessage(enc, type, payload);
  return enc.Take();
}

Result<SyncMessage> ReadSyncMessage(Decoder& dec) {
  const size_t type_pos = dec.pos();
  const uint64_t type = dec.ReadVarUint();
  if (dec.failed()) return dec.status();
  if (type > static_cast<uint8_t>(SyncMessageType::kUpdate)) {
    dec.FailAt(StatusCode::kInvalid, "unknown sync message type " + std::to_string(type), type_pos);
    return dec.status();
  }
  SyncMessage msg;
  msg.type = static_cast<SyncMessageType>(type);
  // The payload starts after its length prefix; record where the prefix ends.
  Decoder probe = dec;
  probe.ReadVarUint();
  msg.payload = dec.ReadVarUint8Array();
  if (dec.failed()) return dec.status();
  msg.payload_offset = probe.offset();
  return msg;
}

Result<SyncMessage> DecodeSyncMessage(std::span<const uint8_t> bytes, const Limits& limits,
                                      uint64_t base_offset) {
  if (bytes.size() > limits.max_message_bytes) {
    return LimitError("sync message", bytes.size(), limits.max_message_bytes, base_offset);
  }
  Decoder dec(bytes, base_offset);
  Result<SyncMessage> msg = ReadSyncMessage(dec);
  if (!msg.ok()) return msg;
  if (dec.has_content()) {
    return Status(StatusCode::kInvalid,
                  std::to_string(dec.remaining()) + " trailing bytes after sync message",
                  dec.offset());
  }
  return msg;
}

}  // namespace symphony::protocol
