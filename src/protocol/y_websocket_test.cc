#include "protocol/y_websocket.h"

#include <gtest/gtest.h>

#include "protocol/awareness.h"
#include "protocol/sync.h"
#include "protocol/test_hex.h"

namespace symphony::protocol::y_websocket {
namespace {

using testing::FromHex;
using testing::ToHex;

TEST(YWebsocketTest, GoldenBuilders) {
  auto sv = FromHex(testing::kStateVector);
  auto update = FromHex(testing::kUpdate);
  auto aw = FromHex(testing::kAwarenessUpdate);
  EXPECT_EQ(ToHex(SyncStep1(sv)), "000003012a02");
  EXPECT_EQ(ToHex(SyncStep2(update)), "00010c01012a000401017402686900");
  EXPECT_EQ(ToHex(Update(update)), "00020c01012a000401017402686900");
  EXPECT_EQ(ToHex(QueryAwareness()), "03");
  EXPECT_EQ(ToHex(PermissionDenied("no")), "0200026e6f");
  EXPECT_EQ(ToHex(AwarenessUpdate(aw)), "0136" + std::string(testing::kAwarenessUpdate));
}

TEST(YWebsocketTest, ParseSync) {
  auto bytes = FromHex("00020c01012a000401017402686900");
  auto msg = Parse(bytes);
  ASSERT_TRUE(msg.ok()) << msg.status().ToString();
  EXPECT_EQ(msg->type, MessageType::kSync);
  EXPECT_EQ(msg->payload_offset, 1u);
  auto sync = DecodeSyncMessage(msg->payload, {}, msg->payload_offset);
  ASSERT_TRUE(sync.ok());
  EXPECT_EQ(sync->type, SyncMessageType::kUpdate);
  EXPECT_EQ(ToHex(sync->payload), testing::kUpdate);
  EXPECT_EQ(sync->payload_offset, 3u);
}

TEST(YWebsocketTest, ParseAwarenessAndAuthAndQuery) {
  auto aw = AwarenessUpdate(FromHex(testing::kAwarenessUpdate));
  auto msg = Parse(aw);
  ASSERT_TRUE(msg.ok());
  EXPECT_EQ(msg->type, MessageType::kAwareness);
  EXPECT_EQ(msg->payload_offset, 2u);
  auto entries = DecodeAwarenessUpdate(msg->payload, {}, msg->payload_offset);
  ASSERT_TRUE(entries.ok());
  EXPECT_EQ(entries->size(), 2u);

  auto denied = PermissionDenied("go away");
  msg = Parse(denied);
  ASSERT_TRUE(msg.ok());
  EXPECT_EQ(msg->type, MessageType::kAuth);
  auto reason = ParsePermissionDenied(msg->payload, msg->payload_offset);
  ASSERT_TRUE(reason.ok());
  EXPECT_EQ(*reason, "go away");
  auto bad_auth = FromHex("0201");
  EXPECT_FALSE(ParsePermissionDenied(std::span(bad_auth).subspan(1), 1).ok());

  msg = Parse(QueryAwareness());
  ASSERT_TRUE(msg.ok());
  EXPECT_EQ(msg->type, MessageType::kQueryAwareness);
  EXPECT_TRUE(msg->payload.empty());
}

TEST(YWebsocketTest, Errors) {
  auto unknown = FromHex("05");
  auto msg = Parse(unknown);
  ASSERT_FALSE(msg.ok());
  EXPECT_EQ(msg.status().code(), StatusCode::kInvalid);
  EXPECT_NE(msg.status().message().find("type 5"), std::string::npos);
  EXPECT_EQ(msg.status().offset(), 0u);

  EXPECT_FALSE(Parse({}).ok());
  auto overlong = FromHex("ffffffffffffffffff7f");
  EXPECT_EQ(Parse(overlong).status().code(), StatusCode::kOverflow);

  auto aw = AwarenessUpdate(FromHex(testing::kAwarenessUpdate));
  for (size_t n = 1; n < aw.size(); ++n) {
    auto r = Parse(std::span(aw).first(n));
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_LE(r.status().offset(), n);
  }
  aw.push_back(0);
  EXPECT_EQ(Parse(aw).status().code(), StatusCode::kInvalid);

  Limits small;
  small.max_message_bytes = 4;
  auto r = Parse(SyncStep1(FromHex(testing::kStateVector)), small);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kLimit);
}

}  // namespace
}  // namespace symphony::protocol::y_websocket
