#include "protocol/ws_frame.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace symphony::protocol::ws {
namespace {

using Bytes = std::vector<uint8_t>;
using Kind = Event::Kind;

const uint8_t kKey[4] = {0x37, 0xfa, 0x21, 0x3d};

Bytes Payload(size_t n) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(i * 7 + 3);
  return b;
}

// A frame with explicit header bits, for the malformed cases.
Bytes RawFrame(uint8_t b0, uint8_t len7, Bytes extended_length, Bytes payload, bool masked) {
  Bytes f = {b0, static_cast<uint8_t>((masked ? 0x80 : 0) | len7)};
  f.insert(f.end(), extended_length.begin(), extended_length.end());
  if (masked) {
    f.insert(f.end(), kKey, kKey + 4);
    Mask(payload, kKey);
  }
  f.insert(f.end(), payload.begin(), payload.end());
  return f;
}

// Every event of `stream` fed whole.
std::vector<Event> ReadAll(Reader& reader, Bytes stream, std::vector<Bytes>* payloads = nullptr) {
  std::vector<Event> events;
  size_t at = 0;
  for (;;) {
    size_t used = 0;
    Event e = reader.Next(std::span<uint8_t>(stream).subspan(at), &used);
    at += used;
    if (e.kind == Kind::kNeedMore) break;
    if (payloads) payloads->emplace_back(e.payload.begin(), e.payload.end());
    events.push_back(std::move(e));
    if (events.back().kind == Kind::kError) break;
  }
  return events;
}

TEST(WsFrame, HeaderSizesAtTheLengthBoundaries) {
  uint8_t h[kMaxHeaderBytes];
  EXPECT_EQ(EncodeHeader(Opcode::kBinary, 0, h), 2u);
  EXPECT_EQ(h[0], 0x82);
  EXPECT_EQ(h[1], 0);
  EXPECT_EQ(EncodeHeader(Opcode::kBinary, 125, h), 2u);
  EXPECT_EQ(h[1], 125);
  EXPECT_EQ(EncodeHeader(Opcode::kBinary, 126, h), 4u);
  EXPECT_EQ(h[1], 126);
  EXPECT_EQ(h[2], 0);
  EXPECT_EQ(h[3], 126);
  EXPECT_EQ(EncodeHeader(Opcode::kBinary, 65535, h), 4u);
  EXPECT_EQ(EncodeHeader(Opcode::kBinary, 65536, h), 10u);
  EXPECT_EQ(h[1], 127);
  EXPECT_EQ(h[7], 1);  // 0x00 00 00 00 00 01 00 00
  EXPECT_EQ(EncodeHeader(Opcode::kPing, 5, h, kKey), 6u);
  EXPECT_EQ(h[0], 0x89);
  EXPECT_EQ(h[1], 0x85);
  EXPECT_EQ(h[5], kKey[3]);
}

TEST(WsFrame, MaskAtAnyOffsetMatchesBytewiseXor) {
  for (size_t offset : {0, 1, 2, 3, 5}) {
    Bytes data = Payload(37);
    Bytes expected = data;
    for (size_t i = 0; i < expected.size(); ++i) expected[i] ^= kKey[(offset + i) & 3];
    Mask(data, kKey, offset);
    EXPECT_EQ(data, expected) << offset;
  }
}

TEST(WsFrame, ServerReadsMaskedClientFramesOfEverySize) {
  for (size_t n : {0, 1, 125, 126, 65535, 65536, 200000}) {
    Bytes payload = Payload(n);
    Reader reader(Role::kServer, 1 << 20);
    std::vector<Bytes> got;
    auto events = ReadAll(reader, EncodeFrame(Opcode::kBinary, payload, kKey), &got);
    ASSERT_EQ(events.size(), 1u) << n;
    EXPECT_EQ(events[0].kind, Kind::kMessage);
    EXPECT_EQ(got[0], payload) << n;
  }
}

TEST(WsFrame, ClientReadsUnmaskedServerFrames) {
  Reader reader(Role::kClient, 1 << 20);
  Bytes stream = EncodeFrame(Opcode::kBinary, Payload(300));
  Bytes second = EncodeFrame(Opcode::kBinary, Payload(3));
  stream.insert(stream.end(), second.begin(), second.end());
  std::vector<Bytes> got;
  auto events = ReadAll(reader, stream, &got);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(got[0], Payload(300));
  EXPECT_EQ(got[1], Payload(3));
}

TEST(WsFrame, ByteAtATimeSaysHowManyBytesTheFrameNeeds) {
  Bytes frame = EncodeFrame(Opcode::kBinary, Payload(1000), kKey);
  Reader reader(Role::kServer, 1 << 20);
  for (size_t have = 0; have < frame.size(); ++have) {
    Bytes prefix(frame.begin(), frame.begin() + have);
    size_t used = 0;
    Event e = reader.Next(prefix, &used);
    ASSERT_EQ(e.kind, Kind::kNeedMore) << have;
    EXPECT_EQ(used, 0u);
    EXPECT_GT(reader.bytes_needed(), have);
  }
  EXPECT_EQ(reader.bytes_needed(), frame.size());
  size_t used = 0;
  Event e = reader.Next(frame, &used);
  EXPECT_EQ(e.kind, Kind::kMessage);
  EXPECT_EQ(used, frame.size());
}

TEST(WsFrame, FragmentedMessageWithAPingInTheMiddle) {
  Bytes a = Payload(10), b = Payload(20), c = Payload(5);
  Bytes stream = RawFrame(0x02, 10, {}, a, true);  // binary, not FIN
  Bytes ping = EncodeFrame(Opcode::kPing, Bytes{'h', 'i'}, kKey);
  Bytes mid = RawFrame(0x00, 20, {}, b, true);    // continuation, not FIN
  Bytes last = RawFrame(0x80, 5, {}, c, true);    // continuation, FIN
  stream.insert(stream.end(), ping.begin(), ping.end());
  stream.insert(stream.end(), mid.begin(), mid.end());
  stream.insert(stream.end(), last.begin(), last.end());
  Reader reader(Role::kServer, 1 << 20);
  std::vector<Bytes> got;
  auto events = ReadAll(reader, stream, &got);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, Kind::kPing);
  EXPECT_EQ(got[0], (Bytes{'h', 'i'}));
  EXPECT_EQ(events[1].kind, Kind::kMessage);
  Bytes whole = a;
  whole.insert(whole.end(), b.begin(), b.end());
  whole.insert(whole.end(), c.begin(), c.end());
  EXPECT_EQ(got[1], whole);
}

TEST(WsFrame, CloseFramesCarryCodeAndReason) {
  Reader reader(Role::kServer, 1 << 20);
  auto events = ReadAll(reader, EncodeClose(4401, "token expired", kKey));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, Kind::kClose);
  EXPECT_EQ(events[0].close_code, 4401);
  EXPECT_EQ(events[0].reason, "token expired");

  Reader empty(Role::kServer, 1 << 20);
  events = ReadAll(empty, EncodeClose(kNoStatus, "ignored", kKey));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].close_code, kNoStatus);
}

TEST(WsFrame, LongCloseReasonsAreCutOnACodePointBoundary) {
  std::string reason;
  for (int i = 0; i < 60; ++i) reason += "\xC3\xA9";  // é, 2 bytes: 120 bytes
  reason = "x" + reason + reason;
  Bytes frame = EncodeClose(1008, reason);
  ASSERT_LE(frame.size(), 2 + kMaxControlPayload);
  Reader reader(Role::kClient, 1 << 20);
  auto events = ReadAll(reader, frame);
  ASSERT_EQ(events.size(), 1u);
  ASSERT_EQ(events[0].kind, Kind::kClose) << events[0].reason;
  EXPECT_EQ(events[0].reason.size(), 123u);  // "x" + 61 × é
}

struct BadCase {
  const char* name;
  Bytes stream;
  uint16_t code;
};

TEST(WsFrame, ProtocolViolationsAreErrorsWithTheirCloseCode) {
  const Bytes p3 = Payload(3);
  std::vector<BadCase> cases = {
      {"rsv1", RawFrame(0xC2, 3, {}, p3, true), 1002},
      {"opcode 3", RawFrame(0x83, 3, {}, p3, true), 1002},
      {"opcode 11", RawFrame(0x8B, 3, {}, p3, true), 1002},
      {"unmasked client frame", RawFrame(0x82, 3, {}, p3, false), 1002},
      {"fragmented ping", RawFrame(0x09, 3, {}, p3, true), 1002},
      {"ping over 125", RawFrame(0x89, 126, {0, 126}, Payload(126), true), 1002},
      {"16-bit length under 126", RawFrame(0x82, 126, {0, 3}, p3, true), 1002},
      {"64-bit length under 65536", RawFrame(0x82, 127, {0, 0, 0, 0, 0, 0, 0, 3}, p3, true),
       1002},
      {"64-bit length top bit", RawFrame(0x82, 127, {0x80, 0, 0, 0, 0, 0, 0, 3}, p3, true),
       1002},
      {"continuation first", RawFrame(0x80, 3, {}, p3, true), 1002},
      {"close of 1 byte", RawFrame(0x88, 1, {}, Bytes{3}, true), 1002},
      {"close code 1005", RawFrame(0x88, 2, {}, Bytes{0x03, 0xED}, true), 1002},
      {"close code 999", RawFrame(0x88, 2, {}, Bytes{0x03, 0xE7}, true), 1002},
      {"close reason not UTF-8", RawFrame(0x88, 3, {}, Bytes{0x03, 0xE8, 0xFF}, true), 1002},
      {"text", RawFrame(0x81, 3, {}, p3, true), 1003},
  };
  // A new message while a fragmented one is open.
  Bytes open = RawFrame(0x02, 3, {}, p3, true);
  Bytes fresh = RawFrame(0x82, 3, {}, p3, true);
  open.insert(open.end(), fresh.begin(), fresh.end());
  cases.push_back({"binary inside a fragmented message", open, 1002});
  for (auto& c : cases) {
    Reader reader(Role::kServer, 1 << 20);
    auto events = ReadAll(reader, c.stream);
    ASSERT_FALSE(events.empty()) << c.name;
    EXPECT_EQ(events.back().kind, Kind::kError) << c.name;
    EXPECT_EQ(events.back().close_code, c.code) << c.name << ": " << events.back().reason;
    EXPECT_FALSE(events.back().reason.empty()) << c.name;
    // The reader stays failed.
    size_t used = 0;
    Bytes more = EncodeFrame(Opcode::kBinary, p3, kKey);
    EXPECT_EQ(reader.Next(more, &used).kind, Kind::kError) << c.name;
  }
  Reader client(Role::kClient, 1 << 20);
  auto events = ReadAll(client, EncodeFrame(Opcode::kBinary, p3, kKey));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].close_code, 1002);  // masked server frame
}

TEST(WsFrame, OversizedMessagesFailOnTheHeaderBeforeThePayloadArrives) {
  Reader reader(Role::kServer, 1000);
  Bytes frame = EncodeFrame(Opcode::kBinary, Payload(1001), kKey);
  frame.resize(8);  // only the header
  size_t used = 0;
  Event e = reader.Next(frame, &used);
  EXPECT_EQ(e.kind, Kind::kError);
  EXPECT_EQ(e.close_code, 1009);

  // The sum of fragments counts too.
  Reader fragments(Role::kServer, 1000);
  Bytes stream = RawFrame(0x02, 126, {0x01, 0xF4}, Payload(500), true);
  Bytes more = RawFrame(0x80, 126, {0x01, 0xF5}, Payload(501), true);
  stream.insert(stream.end(), more.begin(), more.end());
  auto events = ReadAll(fragments, stream);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].close_code, 1009);

  Reader exact(Role::kServer, 1000);
  events = ReadAll(exact, EncodeFrame(Opcode::kBinary, Payload(1000), kKey));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, Kind::kMessage);
}

}  // namespace
}  // namespace symphony::protocol::ws
