#include "protocol/awareness.h"

#include <gtest/gtest.h>

#include "protocol/test_hex.h"

namespace symphony::protocol {
namespace {

using testing::FromHex;
using testing::ToHex;

const std::string kAnn = R"({"user":{"name":"Ann","color":"#f00"}})";

TEST(AwarenessCodecTest, GoldenDecodeAndEncode) {
  auto bytes = FromHex(testing::kAwarenessUpdate);
  auto entries = DecodeAwarenessUpdate(bytes);
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0], (AwarenessEntry{42, 1, kAnn}));
  EXPECT_EQ((*entries)[1], (AwarenessEntry{300000, 1, R"({"n":1})"}));
  EXPECT_EQ(ToHex(EncodeAwarenessUpdate(*entries)), testing::kAwarenessUpdate);
}

TEST(AwarenessCodecTest, Errors) {
  auto full = FromHex(testing::kAwarenessUpdate);
  for (size_t n = 0; n < full.size(); ++n) {
    auto r = DecodeAwarenessUpdate(std::span(full).first(n));
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_LE(r.status().offset(), n);
  }
  Limits few;
  few.max_awareness_clients = 1;
  auto r = DecodeAwarenessUpdate(full, few);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kLimit);
  EXPECT_EQ(r.status().offset(), 0u);

  Limits small_state;
  small_state.max_state_json_bytes = 10;
  r = DecodeAwarenessUpdate(full, small_state, 5);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kLimit);
  EXPECT_EQ(r.status().offset(), 5u + 3);  // count, client, clock, then the string

  AwarenessEntry bad{1, 1, "{oops"};
  r = DecodeAwarenessUpdate(EncodeAwarenessUpdate({&bad, 1}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().offset(), 3u);

  auto huge_count = FromHex("ffffffff0f");
  r = DecodeAwarenessUpdate(huge_count);
  ASSERT_FALSE(r.ok());

  auto trailing = FromHex(std::string(testing::kAwarenessRemoved) + "00");
  r = DecodeAwarenessUpdate(trailing);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalid);
}

TEST(AwarenessCodecTest, NullState) {
  EXPECT_TRUE(IsNullState("null"));
  EXPECT_TRUE(IsNullState(" null\n"));
  EXPECT_FALSE(IsNullState("{}"));
  EXPECT_FALSE(IsNullState("\"null\""));
}

TEST(AwarenessStateTest, ApplyRules) {
  AwarenessState s;
  // As in y-protocols, an unknown client's clock counts as 0, so clock 0 is not news.
  EXPECT_TRUE(s.Apply(std::vector<AwarenessEntry>{{2, 0, "{}"}}, 999).empty());
  auto ch = s.Apply(std::vector<AwarenessEntry>{{1, 1, "{}"}, {2, 1, "{\"a\":1}"}}, 1000);
  EXPECT_EQ(ch.added, (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(s.size(), 2u);

  // Lower or equal clock with a state: ignored.
  ch = s.Apply(std::vector<AwarenessEntry>{{1, 1, "{\"x\":1}"}, {1, 0, "{}"}}, 1001);
  EXPECT_TRUE(ch.empty());
  EXPECT_EQ(*s.StateOf(1), "{}");

  // Higher clock: updated.
  ch = s.Apply(std::vector<AwarenessEntry>{{1, 2, "{\"x\":1}"}}, 1002);
  EXPECT_EQ(ch.updated, (std::vector<uint64_t>{1}));
  EXPECT_EQ(*s.StateOf(1), "{\"x\":1}");

  // Equal clock with null removes.
  ch = s.Apply(std::vector<AwarenessEntry>{{2, 1, "null"}}, 1003);
  EXPECT_EQ(ch.removed, (std::vector<uint64_t>{2}));
  EXPECT_EQ(s.StateOf(2), nullptr);
  EXPECT_EQ(s.ClockOf(2), 1u);
  EXPECT_EQ(s.size(), 1u);
  // Again: nothing held, nothing changes.
  EXPECT_TRUE(s.Apply(std::vector<AwarenessEntry>{{2, 1, "null"}}, 1004).empty());

  // Unknown client arriving null: remembered, not reported.
  EXPECT_TRUE(s.Apply(std::vector<AwarenessEntry>{{3, 5, "null"}}, 1005).empty());
  EXPECT_EQ(s.ClockOf(3), 5u);
}

TEST(AwarenessStateTest, GoldenEncodeAndRemove) {
  AwarenessState s;
  auto ch = s.ApplyUpdate(FromHex(testing::kAwarenessUpdate), 0);
  ASSERT_TRUE(ch.ok());
  EXPECT_EQ(ch->added, (std::vector<uint64_t>{42, 300000}));
  EXPECT_EQ(ToHex(s.EncodeAll()), testing::kAwarenessUpdate);

  const uint64_t gone[] = {300000, 777};
  auto removed = s.Remove(gone, 10);
  EXPECT_EQ(removed.removed, (std::vector<uint64_t>{300000}));
  const uint64_t one[] = {300000};
  EXPECT_EQ(ToHex(s.Encode(one)), testing::kAwarenessRemoved);  // what y-protocols sends

  // A peer holding the state drops it on that message.
  AwarenessState peer;
  ASSERT_TRUE(peer.ApplyUpdate(FromHex(testing::kAwarenessUpdate), 0).ok());
  auto peer_ch = peer.ApplyUpdate(s.Encode(one), 1);
  ASSERT_TRUE(peer_ch.ok());
  EXPECT_EQ(peer_ch->removed, (std::vector<uint64_t>{300000}));
  EXPECT_EQ(peer.Clients(), (std::vector<uint64_t>{42}));
}

TEST(AwarenessStateTest, BadUpdateAppliesNothing) {
  AwarenessState s;
  auto bytes = FromHex(testing::kAwarenessUpdate);
  bytes.pop_back();
  EXPECT_FALSE(s.ApplyUpdate(bytes, 0).ok());
  EXPECT_EQ(s.size(), 0u);
}

TEST(AwarenessStateTest, Timeout) {
  AwarenessState s;
  s.Apply(std::vector<AwarenessEntry>{{1, 1, "{}"}}, 0);
  s.Apply(std::vector<AwarenessEntry>{{2, 1, "{}"}}, 20000);
  EXPECT_TRUE(s.RemoveOutdated(29999).empty());
  auto ch = s.RemoveOutdated(30000);
  EXPECT_EQ(ch.removed, (std::vector<uint64_t>{1}));
  EXPECT_EQ(s.ClockOf(1), 1u);  // clock kept for one more timeout
  s.RemoveOutdated(60000);
  EXPECT_FALSE(s.ClockOf(1).has_value());
  EXPECT_EQ(s.size(), 0u);
  // Extreme times do not overflow.
  s.Apply(std::vector<AwarenessEntry>{{5, 1, "{}"}}, INT64_MIN);
  EXPECT_EQ(s.RemoveOutdated(INT64_MAX).removed, (std::vector<uint64_t>{5}));
}

}  // namespace
}  // namespace symphony::protocol
