#include "protocol/hocuspocus.h"

#include <gtest/gtest.h>

#include "protocol/sync.h"
#include "protocol/test_hex.h"

namespace symphony::protocol::hocuspocus {
namespace {

using testing::FromHex;
using testing::ToHex;

constexpr std::string_view kDoc = "room-\xc3\xa4";  // "room-ä"
constexpr std::string_view kDocHex = "07726f6f6d2dc3a4";

std::string H(std::string_view rest) { return std::string(kDocHex) + std::string(rest); }

TEST(HocuspocusTest, GoldenBuilders) {
  auto sv = FromHex(testing::kStateVector);
  auto update = FromHex(testing::kUpdate);
  EXPECT_EQ(ToHex(SyncStep1(kDoc, sv)), H("000003012a02"));
  EXPECT_EQ(ToHex(SyncStep2(kDoc, update, /*reply=*/true)), H("04010c01012a000401017402686900"));
  EXPECT_EQ(ToHex(Update(kDoc, update)), H("00020c01012a000401017402686900"));
  EXPECT_EQ(ToHex(AwarenessUpdate(kDoc, FromHex(testing::kAwarenessUpdate))),
            H("0136") + std::string(testing::kAwarenessUpdate));
  EXPECT_EQ(ToHex(QueryAwareness(kDoc)), H("03"));
  EXPECT_EQ(ToHex(Token(kDoc, "secret")), H("020006736563726574"));
  EXPECT_EQ(ToHex(TokenRequest(kDoc)), H("0200"));
  EXPECT_EQ(ToHex(PermissionDenied(kDoc, "nope")), H("0201046e6f7065"));
  EXPECT_EQ(ToHex(Authenticated(kDoc, "read-write")), H("02020a726561642d7772697465"));
  EXPECT_EQ(ToHex(Stateless(kDoc, R"({"a":1})")), H("05077b2261223a317d"));
  EXPECT_EQ(ToHex(BroadcastStateless(kDoc, "x")), H("060178"));
  EXPECT_EQ(ToHex(Close(kDoc, "bye")), H("0703627965"));
  EXPECT_EQ(ToHex(CloseRequest(kDoc)), H("07"));
  EXPECT_EQ(ToHex(SyncStatus(kDoc, true)), H("0801"));
}

TEST(HocuspocusTest, ParseSyncAndAwareness) {
  auto bytes = SyncStep1(kDoc, FromHex(testing::kStateVector));
  auto msg = Parse(bytes);
  ASSERT_TRUE(msg.ok()) << msg.status().ToString();
  EXPECT_EQ(msg->document, kDoc);
  EXPECT_EQ(msg->type, MessageType::kSync);
  EXPECT_EQ(msg->payload_offset, 9u);
  auto sync = DecodeSyncMessage(msg->payload, {}, msg->payload_offset);
  ASSERT_TRUE(sync.ok());
  EXPECT_EQ(sync->type, SyncMessageType::kStep1);
  EXPECT_EQ(ToHex(sync->payload), testing::kStateVector);

  auto aw = AwarenessUpdate(kDoc, FromHex(testing::kAwarenessUpdate));
  msg = Parse(aw);
  ASSERT_TRUE(msg.ok());
  EXPECT_EQ(msg->type, MessageType::kAwareness);
  EXPECT_EQ(ToHex(msg->payload), testing::kAwarenessUpdate);
  EXPECT_EQ(msg->payload_offset, 10u);  // name 8, type 1, length 1
}

TEST(HocuspocusTest, ParseBodies) {
  struct Case {
    std::vector<uint8_t> bytes;
    AuthMessageType type;
    std::optional<std::string> text;
  };
  const Case cases[] = {
      {Token(kDoc, "secret"), AuthMessageType::kToken, "secret"},
      {TokenRequest(kDoc), AuthMessageType::kToken, std::nullopt},
      {PermissionDenied(kDoc, "nope"), AuthMessageType::kPermissionDenied, "nope"},
      {Authenticated(kDoc, "readonly"), AuthMessageType::kAuthenticated, "readonly"},
  };
  for (const Case& c : cases) {
    auto msg = Parse(c.bytes);
    ASSERT_TRUE(msg.ok());
    ASSERT_EQ(msg->type, MessageType::kAuth);
    auto auth = ParseAuth(msg->payload, msg->payload_offset);
    ASSERT_TRUE(auth.ok()) << auth.status().ToString();
    EXPECT_EQ(auth->type, c.type);
    EXPECT_EQ(auth->text, c.text);
  }

  // @hocuspocus/provider 4.x appends its version string to the token message.
  std::vector<uint8_t> v4 = Token(kDoc, "secret");
  v4.push_back(5);
  for (char c : std::string("4.8.0")) v4.push_back(static_cast<uint8_t>(c));
  auto v4msg = Parse(v4);
  ASSERT_TRUE(v4msg.ok());
  auto v4auth = ParseAuth(v4msg->payload, v4msg->payload_offset);
  ASSERT_TRUE(v4auth.ok()) << v4auth.status().ToString();
  EXPECT_EQ(v4auth->text, "secret");
  EXPECT_EQ(v4auth->provider_version, "4.8.0");
  v4.push_back(0);  // anything after the version is still trailing garbage
  auto bad = Parse(v4);
  ASSERT_TRUE(bad.ok());
  EXPECT_FALSE(ParseAuth(bad->payload, bad->payload_offset).ok());

  // Parse returns views: the bytes must outlive the message.
  const auto saved_bytes = SyncStatus(kDoc, true);
  auto status = Parse(saved_bytes);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->type, MessageType::kSyncStatus);
  EXPECT_EQ(ParseSyncStatus(status->payload).value(), true);
  const auto not_saved_bytes = SyncStatus(kDoc, false);
  auto not_saved = Parse(not_saved_bytes);
  EXPECT_EQ(ParseSyncStatus(not_saved->payload).value(), false);

  const auto stateless_bytes = Stateless(kDoc, "hello");
  auto stateless = Parse(stateless_bytes);
  ASSERT_TRUE(stateless.ok());
  EXPECT_EQ(ParseString(stateless->payload).value(), "hello");
  const auto close_bytes = CloseRequest(kDoc);
  auto close = Parse(close_bytes);
  ASSERT_TRUE(close.ok());
  EXPECT_EQ(close->type, MessageType::kClose);
  EXPECT_TRUE(close->payload.empty());
}

TEST(HocuspocusTest, Errors) {
  auto unknown = FromHex(H("0b"));
  auto msg = Parse(unknown);
  ASSERT_FALSE(msg.ok());
  EXPECT_EQ(msg.status().code(), StatusCode::kInvalid);
  EXPECT_NE(msg.status().message().find("type 11"), std::string::npos);
  EXPECT_EQ(msg.status().offset(), 8u);

  std::string long_name(256, 'a');
  auto too_long = Stateless(long_name, "x");
  msg = Parse(too_long);
  ASSERT_FALSE(msg.ok());
  EXPECT_EQ(msg.status().code(), StatusCode::kLimit);
  EXPECT_EQ(msg.status().offset(), 0u);
  EXPECT_TRUE(Parse(Stateless(std::string(255, 'a'), "x")).ok());

  auto bad_utf8 = FromHex("01ff00");
  EXPECT_EQ(Parse(bad_utf8).status().code(), StatusCode::kInvalid);

  auto full = Token(kDoc, "secret");
  for (size_t n = 0; n < 9; ++n) {
    auto r = Parse(std::span(full).first(n));
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_LE(r.status().offset(), n);
  }
  auto cut = Parse(std::span(full).first(full.size() - 1));
  ASSERT_TRUE(cut.ok());
  auto auth = ParseAuth(cut->payload, cut->payload_offset);
  ASSERT_FALSE(auth.ok());
  EXPECT_EQ(auth.status().code(), StatusCode::kOverflow);  // string length past the input

  auto bad_auth = FromHex("03");
  EXPECT_EQ(ParseAuth(bad_auth, 9).status().offset(), 9u);
  auto trailing = FromHex("0100");
  EXPECT_EQ(ParseSyncStatus(trailing, 9).status().code(), StatusCode::kInvalid);

  Limits small;
  small.max_message_bytes = 8;
  EXPECT_EQ(Parse(full, small).status().code(), StatusCode::kLimit);
}

}  // namespace
}  // namespace symphony::protocol::hocuspocus
