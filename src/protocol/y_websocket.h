// y-websocket framing: every message is a varUint type followed by the type's body.
//
//   0 sync            body: a sync message (see sync.h)
//   1 awareness       body: varUint8Array holding an awareness update (see awareness.h)
//   2 auth            body: varUint auth type (0 = permission denied) then varString reason
//   3 queryAwareness  no body; the receiver answers with all awareness states
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/limits.h"
#include "util/status.h"

namespace symphony::protocol::y_websocket {

enum class MessageType : uint8_t { kSync = 0, kAwareness = 1, kAuth = 2, kQueryAwareness = 3 };

struct Message {
  MessageType type = MessageType::kSync;
  // kSync: the sync message (decode with DecodeSyncMessage(payload, limits, payload_offset)).
  // kAwareness: the awareness update, length prefix removed (DecodeAwarenessUpdate).
  // kAuth: the auth body (ParseAuth). kQueryAwareness: whatever followed the type (y-websocket
  // ignores it). A view into the input: keep the input alive.
  std::span<const uint8_t> payload;
  uint64_t payload_offset = 0;  // offset of payload[0] in the input
};

// Reads the frame. Errors: kLimit for a message over limits.max_message_bytes, kInvalid naming
// an unknown type, kTruncated / kOverflow for a cut or malformed header, kInvalid for bytes
// after an awareness update's array. The body of sync and auth is checked by their decoders.
Result<Message> Parse(std::span<const uint8_t> bytes, const Limits& limits = {});

// Auth body: type 0 is permission denied with a reason; other types are kInvalid.
Result<std::string> ParsePermissionDenied(std::span<const uint8_t> payload,
                                          uint64_t payload_offset = 0);

// Builders for outgoing messages.
std::vector<uint8_t> SyncStep1(std::span<const uint8_t> state_vector);
std::vector<uint8_t> SyncStep2(std::span<const uint8_t> update);
std::vector<uint8_t> Update(std::span<const uint8_t> update);
std::vector<uint8_t> AwarenessUpdate(std::span<const uint8_t> awareness_update);
std::vector<uint8_t> QueryAwareness();
std::vector<uint8_t> PermissionDenied(std::string_view reason);

}  // namespace symphony::protocol::y_websocket
