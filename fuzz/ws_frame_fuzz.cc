// Fuzzes the WebSocket frame reader (src/protocol/ws_frame.h) in both roles. The input is read
// as a byte stream delivered in chunks whose sizes come from the input's first byte, the way a
// socket hands bytes over.
//
// Invariants:
//  - No crash; consumed never exceeds what was given; bytes_needed() exceeds what is buffered
//    when more is needed, and never exceeds the message limit plus a header.
//  - Messages respect the limit; control payloads are at most 125 bytes; a close code is one
//    that may be sent (or 1005 for none); every error names a close code and a reason.
//  - Delivering the same stream whole or in chunks gives the same events.
//  - A message re-encoded as one frame reads back as the same message.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include "protocol/ws_frame.h"

namespace {

namespace ws = symphony::protocol::ws;

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant failed: %s\n", what);
    std::abort();
  }
}

constexpr size_t kLimit = 4096;

struct Seen {
  ws::Event::Kind kind;
  std::vector<uint8_t> payload;
  uint16_t code;
  std::string reason;
  bool operator==(const Seen&) const = default;
};

std::vector<Seen> Read(ws::Role role, std::span<const uint8_t> stream, size_t chunk) {
  ws::Reader reader(role, kLimit);
  std::vector<uint8_t> buffer;
  std::vector<Seen> seen;
  size_t fed = 0;
  while (fed < stream.size() || !buffer.empty()) {
    const size_t take = std::min(chunk, stream.size() - fed);
    buffer.insert(buffer.end(), stream.begin() + fed, stream.begin() + fed + take);
    fed += take;
    for (;;) {
      size_t used = 0;
      ws::Event e = reader.Next(buffer, &used);
      Check(used <= buffer.size(), "consumed within the input");
      // The payload is a view of the buffer: copy it before the buffer moves.
      std::vector<uint8_t> payload(e.payload.begin(), e.payload.end());
      buffer.erase(buffer.begin(), buffer.begin() + used);
      if (e.kind == ws::Event::Kind::kNeedMore) {
        Check(reader.bytes_needed() > buffer.size(), "needs more than it has");
        Check(reader.bytes_needed() <= kLimit + ws::kMaxHeaderBytes, "need bounded by the limit");
        break;
      }
      if (e.kind == ws::Event::Kind::kError) {
        Check(e.close_code == 1002 || e.close_code == 1003 || e.close_code == 1009,
              "error close code");
        Check(!e.reason.empty(), "error reason");
        seen.push_back({e.kind, {}, e.close_code, e.reason});
        return seen;
      }
      if (e.kind == ws::Event::Kind::kMessage) {
        Check(e.payload.size() <= kLimit, "message within the limit");
      } else {
        Check(e.payload.size() <= ws::kMaxControlPayload, "control payload size");
      }
      if (e.kind == ws::Event::Kind::kClose) {
        Check(e.close_code == ws::kNoStatus || ws::IsSendableCloseCode(e.close_code),
              "close code");
      }
      seen.push_back({e.kind, std::move(payload), e.close_code, e.reason});
    }
    if (fed == stream.size()) break;
  }
  return seen;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const size_t chunk = 1 + data[0] % 64;
  std::span<const uint8_t> stream(data + 1, size - 1);
  for (ws::Role role : {ws::Role::kServer, ws::Role::kClient}) {
    auto whole = Read(role, stream, stream.size() + 1);
    auto pieces = Read(role, stream, chunk);
    Check(whole == pieces, "whole and chunked delivery agree");
    const uint8_t key[4] = {1, 2, 3, 4};
    for (const auto& s : whole) {
      if (s.kind != ws::Event::Kind::kMessage) continue;
      auto frame = ws::EncodeFrame(ws::Opcode::kBinary, s.payload,
                                   role == ws::Role::kServer ? key : nullptr);
      auto again = Read(role, frame, frame.size());
      Check(again.size() == 1 && again[0] == s, "message re-encodes");
    }
  }
  return 0;
}
