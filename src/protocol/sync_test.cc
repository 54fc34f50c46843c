#include "protocol/sync.h"

#include <gtest/gtest.h>

#include "protocol/test_hex.h"

namespace symphony::protocol {
namespace {

using testing::FromHex;
using testing::ToHex;

TEST(SyncTest, GoldenBytes) {
  auto sv = FromHex(testing::kStateVector);
  auto update = FromHex(testing::kUpdate);
  EXPECT_EQ(ToHex(EncodeSyncMessage(SyncMessageType::kStep1, sv)), "0003012a02");
  EXPECT_EQ(ToHex(EncodeSyncMessage(SyncMessageType::kStep2, update)),
            "010c01012a000401017402686900");
  EXPECT_EQ(ToHex(EncodeSyncMessage(SyncMessageType::kUpdate, update)),
            "020c01012a000401017402686900");
}

TEST(SyncTest, RoundTripWithOffsets) {
  auto update = FromHex(testing::kUpdate);
  auto bytes = EncodeSyncMessage(SyncMessageType::kUpdate, update);
  auto msg = DecodeSyncMessage(bytes, {}, 100);
  ASSERT_TRUE(msg.ok()) << msg.status().ToString();
  EXPECT_EQ(msg->type, SyncMessageType::kUpdate);
  EXPECT_EQ(std::vector<uint8_t>(msg->payload.begin(), msg->payload.end()), update);
  EXPECT_EQ(msg->payload_offset, 102u);
}

TEST(SyncTest, EmptyPayload) {
  auto bytes = EncodeSyncMessage(SyncMessageType::kStep1, {});
  auto msg = DecodeSyncMessage(bytes);
  ASSERT_TRUE(msg.ok());
  EXPECT_TRUE(msg->payload.empty());
}

TEST(SyncTest, UnknownTypeNamesIt) {
  auto bytes = FromHex("0300");
  auto msg = DecodeSyncMessage(bytes, {}, 7);
  ASSERT_FALSE(msg.ok());
  EXPECT_EQ(msg.status().code(), StatusCode::kInvalid);
  EXPECT_NE(msg.status().message().find("3"), std::string::npos);
  EXPECT_EQ(msg.status().offset(), 7u);
}

TEST(SyncTest, Truncated) {
  auto full = EncodeSyncMessage(SyncMessageType::kUpdate, FromHex(testing::kUpdate));
  for (size_t n = 0; n < full.size(); ++n) {
    auto msg = DecodeSyncMessage(std::span(full).first(n));
    ASSERT_FALSE(msg.ok()) << n;
    EXPECT_TRUE(msg.status().has_offset());
    EXPECT_LE(msg.status().offset(), n);
  }
}

TEST(SyncTest, TrailingBytesAndOversize) {
  auto bytes = FromHex("0001aaff");
  auto msg = DecodeSyncMessage(bytes);
  ASSERT_FALSE(msg.ok());
  EXPECT_EQ(msg.status().code(), StatusCode::kInvalid);
  EXPECT_EQ(msg.status().offset(), 3u);

  Limits small;
  small.max_message_bytes = 3;
  auto big = DecodeSyncMessage(bytes, small);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.status().code(), StatusCode::kLimit);
}

TEST(SyncTest, LengthPastInput) {
  auto bytes = FromHex("02ff01");  // claims 255 bytes
  auto msg = DecodeSyncMessage(bytes);
  ASSERT_FALSE(msg.ok());
}

}  // namespace
}  // namespace symphony::protocol
