// WebSocket framing (RFC 6455 §5) after the handshake: a frame reader that enforces the rules a
// server or a client must check, and frame header encoding for writers that gather many frames
// into one socket write.
//
// The reader takes the bytes received so far and returns one event at a time. An unfragmented
// data frame's payload is unmasked in place and handed back as a view of the caller's buffer (no
// copy); only fragmented messages are assembled in the reader. No extensions are negotiated, so
// every RSV bit set is an error.
//
// What is an error (the event carries the close code to answer with):
//   1002  RSV bits, unknown opcode, a client frame without mask (server role) or a server frame
//         with one (client role), a fragmented or over-125-byte control frame, a length not in
//         its shortest form or with the top bit set, a continuation without a message to
//         continue or a new message inside one, a close payload of 1 byte, a close code that may
//         not be sent, a close reason that is not UTF-8
//   1003  a text message (Symphony's protocols are binary)
//   1009  a message over max_message_bytes (checked on the frame header, before any payload)
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace symphony::protocol::ws {

enum class Role : uint8_t {
  kServer,  // reads frames from clients: they must be masked
  kClient,  // reads frames from a server: they must not be
};

enum class Opcode : uint8_t {
  kContinuation = 0x0,
  kText = 0x1,
  kBinary = 0x2,
  kClose = 0x8,
  kPing = 0x9,
  kPong = 0xA,
};

// The largest frame header: 2 bytes, an 8-byte length, a 4-byte mask key.
inline constexpr size_t kMaxHeaderBytes = 14;
// Control frames carry at most 125 payload bytes.
inline constexpr size_t kMaxControlPayload = 125;
// Close code for "no status code present" (never sent on the wire).
inline constexpr uint16_t kNoStatus = 1005;

// Writes the header of one final (FIN) frame of `payload_size` bytes into `out`, which must have
// room for kMaxHeaderBytes, and returns its size. With `mask_key` (a client writing) the mask bit
// and key are written too; mask the payload with Mask().
size_t EncodeHeader(Opcode opcode, uint64_t payload_size, uint8_t* out,
                    const uint8_t* mask_key = nullptr);

// XORs `data` with the 4-byte key, `offset` being the position of data[0] in the payload.
void Mask(std::span<uint8_t> data, const uint8_t* key, uint64_t offset = 0);

// A whole final frame: header and (masked, with a key) payload.
std::vector<uint8_t> EncodeFrame(Opcode opcode, std::span<const uint8_t> payload,
                                 const uint8_t* mask_key = nullptr);
// A close frame with `code` and `reason` (cut to fit the 125-byte control payload without
// splitting a UTF-8 sequence). Code kNoStatus writes an empty close payload.
std::vector<uint8_t> EncodeClose(uint16_t code, std::string_view reason,
                                 const uint8_t* mask_key = nullptr);

// May `code` travel in a close frame (RFC 6455 §7.4)? 1000-1003, 1007-1014, 3000-4999.
bool IsSendableCloseCode(uint16_t code);

struct Event {
  enum class Kind : uint8_t {
    kNeedMore,  // no complete frame yet: receive more bytes (see Reader::bytes_needed)
    kMessage,   // a complete binary message
    kPing,
    kPong,
    kClose,     // the peer's close frame: close_code (kNoStatus when empty) and reason
    kError,     // the peer broke the protocol: close with close_code; reason says why
  };
  Kind kind = Kind::kNeedMore;
  // kMessage, kPing, kPong: the payload, valid until the next call or until the caller's
  // buffer changes.
  std::span<const uint8_t> payload;
  uint16_t close_code = 0;
  std::string reason;
};

class Reader {
 public:
  Reader(Role role, size_t max_message_bytes) : role_(role), max_message_(max_message_bytes) {}

  // Parses the frames at the front of `in`, the received bytes not yet consumed, until one
  // yields an event, and sets *consumed to the bytes it used. Frames of a fragmented message
  // are absorbed on the way, so *consumed may be above 0 even with kNeedMore. Masked payloads
  // are unmasked in place. Call again with the rest until kNeedMore. After kError the stream is
  // unusable.
  Event Next(std::span<uint8_t> in, size_t* consumed);

  // After kNeedMore: how many bytes the frame at the front needs in total (header and payload;
  // at least the header's minimum while the header itself is incomplete). A buffer that holds
  // this many bytes holds the frame.
  size_t bytes_needed() const { return needed_; }
  // Bytes of a fragmented message received so far (held by the reader).
  size_t fragment_bytes() const { return fragments_.size(); }

 private:
  Event NextFrame(std::span<uint8_t> in, size_t* consumed, bool* absorbed);
  Event Error(uint16_t code, std::string reason);

  Role role_;
  size_t max_message_;
  size_t needed_ = 2;
  bool failed_ = false;
  bool in_message_ = false;  // a fragmented message has begun
  std::vector<uint8_t> fragments_;
};

}  // namespace symphony::protocol::ws
