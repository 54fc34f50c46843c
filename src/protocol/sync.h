// y-protocols sync messages: a varUint type, then one varUint8Array.
//
//   step 1: payload is the sender's state vector (the receiver answers with step 2)
//   step 2: payload is an update (what the receiver lacks)
//   update: payload is an incremental update
//
// The payload is not looked into here; the CRDT layer validates it when it is applied.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "crdt/lib0/decoder.h"
#include "crdt/lib0/encoder.h"
#include "protocol/limits.h"
#include "util/status.h"

namespace symphony::protocol {

enum class SyncMessageType : uint8_t { kStep1 = 0, kStep2 = 1, kUpdate = 2 };

struct SyncMessage {
  SyncMessageType type = SyncMessageType::kStep1;
  std::span<const uint8_t> payload;  // view into the decoded input; keep the input alive
  uint64_t payload_offset = 0;       // absolute offset of payload[0]
};

// Appends the sync message to `enc`.
void WriteSyncMessage(crdt::lib0::Encoder& enc, SyncMessageType type,
                      std::span<const uint8_t> payload);
std::vector<uint8_t> EncodeSyncMessage(SyncMessageType type, std::span<const uint8_t> payload);

// Reads one sync message from `dec`, leaving it after the payload. Unknown type: kInvalid.
// On error `dec` is failed too.
Result<SyncMessage> ReadSyncMessage(crdt::lib0::Decoder& dec);

// Decodes `bytes` as exactly one sync message (trailing bytes are kInvalid). `base_offset` is
// added to every offset reported, so errors inside a framed message point into the frame.
Result<SyncMessage> DecodeSyncMessage(std::span<const uint8_t> bytes, const Limits& limits = {},
                                      uint64_t base_offset = 0);

}  // namespace symphony::protocol
