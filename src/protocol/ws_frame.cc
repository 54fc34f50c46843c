#include "protocol/ws_frame.h"

#include <cstring>

#include "crdt/lib0/utf8.h"

namespace symphony::protocol::ws {

namespace {

constexpr uint8_t kFin = 0x80;
constexpr uint8_t kRsvBits = 0x70;
constexpr uint8_t kMaskBit = 0x80;

bool IsControl(uint8_t opcode) { return (opcode & 0x8) != 0; }

bool IsKnownOpcode(uint8_t opcode) {
  switch (static_cast<Opcode>(opcode)) {
    case Opcode::kContinuation:
    case Opcode::kText:
    case Opcode::kBinary:
    case Opcode::kClose:
    case Opcode::kPing:
    case Opcode::kPong:
      return true;
  }
  return false;
}

// Cuts `reason` to at most `limit` bytes on a code point boundary.
std::string_view FitReason(std::string_view reason, size_t limit) {
  if (reason.size() <= limit) return reason;
  size_t n = limit;
  while (n > 0 && (static_cast<uint8_t>(reason[n]) & 0xC0) == 0x80) --n;
  return reason.substr(0, n);
}

}  // namespace

size_t EncodeHeader(Opcode opcode, uint64_t payload_size, uint8_t* out, const uint8_t* mask_key) {
  const uint8_t mask = mask_key ? kMaskBit : 0;
  out[0] = kFin | static_cast<uint8_t>(opcode);
  size_t n;
  if (payload_size < 126) {
    out[1] = mask | static_cast<uint8_t>(payload_size);
    n = 2;
  } else if (payload_size <= 0xFFFF) {
    out[1] = mask | 126;
    out[2] = static_cast<uint8_t>(payload_size >> 8);
    out[3] = static_cast<uint8_t>(payload_size);
    n = 4;
  } else {
    out[1] = mask | 127;
    for (int i = 0; i < 8; ++i) out[2 + i] = static_cast<uint8_t>(payload_size >> (56 - 8 * i));
    n = 10;
  }
  if (mask_key) {
    std::memcpy(out + n, mask_key, 4);
    n += 4;
  }
  return n;
}

void Mask(std::span<uint8_t> data, const uint8_t* key, uint64_t offset) {
  // Eight bytes at a time with the key rotated to `offset`, then the tail.
  uint8_t k[8];
  for (int i = 0; i < 8; ++i) k[i] = key[(offset + i) & 3];
  uint64_t k64;
  std::memcpy(&k64, k, 8);
  size_t i = 0;
  for (; i + 8 <= data.size(); i += 8) {
    uint64_t v;
    std::memcpy(&v, data.data() + i, 8);
    v ^= k64;
    std::memcpy(data.data() + i, &v, 8);
  }
  for (; i < data.size(); ++i) data[i] ^= k[i & 7];
}

std::vector<uint8_t> EncodeFrame(Opcode opcode, std::span<const uint8_t> payload,
                                 const uint8_t* mask_key) {
  std::vector<uint8_t> out(kMaxHeaderBytes + payload.size());
  const size_t header = EncodeHeader(opcode, payload.size(), out.data(), mask_key);
  if (!payload.empty()) std::memcpy(out.data() + header, payload.data(), payload.size());
  out.resize(header + payload.size());
  if (mask_key) Mask(std::span<uint8_t>(out).subspan(header), mask_key);
  return out;
}

std::vector<uint8_t> EncodeClose(uint16_t code, std::string_view reason,
                                 const uint8_t* mask_key) {
  std::vector<uint8_t> payload;
  if (code != kNoStatus) {
    reason = FitReason(reason, kMaxControlPayload - 2);
    payload.reserve(2 + reason.size());
    payload.push_back(static_cast<uint8_t>(code >> 8));
    payload.push_back(static_cast<uint8_t>(code));
    payload.insert(payload.end(), reason.begin(), reason.end());
  }
  return EncodeFrame(Opcode::kClose, payload, mask_key);
}

bool IsSendableCloseCode(uint16_t code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
         (code >= 3000 && code <= 4999);
}

Event Reader::Error(uint16_t code, std::string reason) {
  failed_ = true;
  Event e;
  e.kind = Event::Kind::kError;
  e.close_code = code;
  e.reason = std::move(reason);
  return e;
}

Event Reader::Next(std::span<uint8_t> in, size_t* consumed) {
  *consumed = 0;
  if (!in_message_ && !fragments_.empty()) fragments_.clear();  // the last assembled message
  for (;;) {
    size_t used = 0;
    bool absorbed = false;
    Event e = NextFrame(in.subspan(*consumed), &used, &absorbed);
    *consumed += used;
    if (!absorbed) return e;
  }
}

Event Reader::NextFrame(std::span<uint8_t> in, size_t* consumed, bool* absorbed) {
  *consumed = 0;
  if (failed_) return Error(1002, "the connection already failed");
  needed_ = 2;
  if (in.size() < 2) return {};
  const uint8_t b0 = in[0];
  const uint8_t b1 = in[1];
  const uint8_t opcode = b0 & 0x0F;
  const bool fin = (b0 & kFin) != 0;
  const bool masked = (b1 & kMaskBit) != 0;

  // Everything the first two bytes decide, before waiting for the rest.
  if (b0 & kRsvBits) return Error(1002, "reserved bits set (no extension was negotiated)");
  if (!IsKnownOpcode(opcode)) return Error(1002, "unknown opcode " + std::to_string(opcode));
  if (role_ == Role::kServer && !masked) return Error(1002, "client frames must be masked");
  if (role_ == Role::kClient && masked) return Error(1002, "server frames must not be masked");
  const uint8_t len7 = b1 & 0x7F;
  if (IsControl(opcode)) {
    if (!fin) return Error(1002, "fragmented control frame");
    if (len7 > kMaxControlPayload) return Error(1002, "control frame over 125 bytes");
  }

  size_t header = 2;
  uint64_t length = len7;
  if (len7 == 126) {
    header = 4;
  } else if (len7 == 127) {
    header = 10;
  }
  if (masked) header += 4;
  needed_ = header;
  if (in.size() < header) return {};
  if (len7 == 126) {
    length = (uint64_t{in[2]} << 8) | in[3];
    if (length < 126) return Error(1002, "frame length not in its shortest form");
  } else if (len7 == 127) {
    length = 0;
    for (int i = 0; i < 8; ++i) length = (length << 8) | in[2 + i];
    if (length >> 63) return Error(1002, "frame length has its top bit set");
    if (length <= 0xFFFF) return Error(1002, "frame length not in its shortest form");
  }

  // Data frames: message state and the size limit, before the payload is awaited.
  if (!IsControl(opcode)) {
    if (opcode == static_cast<uint8_t>(Opcode::kContinuation)) {
      if (!in_message_) return Error(1002, "continuation frame without a message to continue");
    } else {
      if (in_message_) return Error(1002, "new message before the fragmented one ended");
      if (opcode == static_cast<uint8_t>(Opcode::kText)) {
        return Error(1003, "text frames are not supported: send binary messages");
      }
    }
    const uint64_t total = uint64_t{fragments_.size()} + length;
    if (total > max_message_) {
      return Error(1009, "message of " + std::to_string(total) + "+ bytes, limit " +
                             std::to_string(max_message_));
    }
  }

  needed_ = header + static_cast<size_t>(length);
  if (in.size() < needed_) return {};
  *consumed = needed_;
  std::span<uint8_t> payload = in.subspan(header, static_cast<size_t>(length));
  if (masked) Mask(payload, in.data() + header - 4);
  needed_ = 2;

  Event e;
  switch (static_cast<Opcode>(opcode)) {
    case Opcode::kPing:
      e.kind = Event::Kind::kPing;
      e.payload = payload;
      return e;
    case Opcode::kPong:
      e.kind = Event::Kind::kPong;
      e.payload = payload;
      return e;
    case Opcode::kClose: {
      e.kind = Event::Kind::kClose;
      if (payload.empty()) {
        e.close_code = kNoStatus;
        return e;
      }
      if (payload.size() == 1) return Error(1002, "close frame with a 1-byte payload");
      e.close_code = static_cast<uint16_t>((payload[0] << 8) | payload[1]);
      if (!IsSendableCloseCode(e.close_code)) {
        return Error(1002, "close code " + std::to_string(e.close_code) + " may not be sent");
      }
      e.reason.assign(reinterpret_cast<const char*>(payload.data()) + 2, payload.size() - 2);
      if (!crdt::lib0::IsValidUtf8(e.reason)) return Error(1002, "close reason is not UTF-8");
      return e;
    }
    case Opcode::kBinary:
      if (fin) {
        e.kind = Event::Kind::kMessage;
        e.payload = payload;
        return e;
      }
      in_message_ = true;
      fragments_.assign(payload.begin(), payload.end());
      *absorbed = true;
      return e;
    case Opcode::kContinuation:
      fragments_.insert(fragments_.end(), payload.begin(), payload.end());
      if (!fin) {
        *absorbed = true;
        return e;
      }
      in_message_ = false;
      e.kind = Event::Kind::kMessage;
      e.payload = fragments_;
      return e;
    case Opcode::kText:  // refused above
      break;
  }
  return Error(1002, "unexpected frame");
}

}  // namespace symphony::protocol::ws
