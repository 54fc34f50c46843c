#include "bench/whiteboard.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "crdt/doc.h"
#include "crdt/transaction.h"
#include "crdt/types/abstract_type.h"
#include "crdt/types/array.h"
#include "crdt/updates.h"

namespace symphony::bench {
namespace {

// Collects what RemoteStrokeTimes reports for every remote transaction on `doc`.
struct Receiver {
  crdt::Doc doc{crdt::DocOptions{.client_id = 99}};
  std::vector<int64_t> times;
  Receiver() {
    doc.GetArray(kStrokesRoot).type()->Observe([this](const crdt::TypeEvent& ev) {
      if (ev.transaction->local()) return;
      for (int64_t t : RemoteStrokeTimes(*ev.transaction, doc.client_id())) times.push_back(t);
    });
  }
};

TEST(WhiteboardTest, StrokeUpdateCarriesItsSendTime) {
  crdt::Doc a(crdt::DocOptions{.client_id = 1});
  std::mt19937_64 rng(1);
  const std::vector<uint8_t> u1 = PushStroke(a, 7, 1, 1'700'000'000'000'001, rng);
  const std::vector<uint8_t> u2 = PushStroke(a, 7, 2, 1'700'000'000'000'002, rng);
  ASSERT_FALSE(u1.empty());
  Receiver b;
  ASSERT_TRUE(b.doc.ApplyUpdate(u1).ok());
  ASSERT_TRUE(b.doc.ApplyUpdate(u2).ok());
  EXPECT_EQ(b.times, (std::vector<int64_t>{1'700'000'000'000'001, 1'700'000'000'000'002}));
  // The stroke is a real JSON object in a Y.Array.
  const crdt::Any json = b.doc.GetArray(kStrokesRoot).ToJson();
  ASSERT_EQ(json.as_array().size(), 2u);
  const crdt::Any& s = json.as_array()[0];
  EXPECT_EQ(s.Get("id")->as_string(), "u7-1");
  EXPECT_EQ(s.Get("color")->as_string(), UserColor(7));
  const size_t points = s.Get("points")->as_array().size();
  EXPECT_GE(points, 8u);
  EXPECT_LE(points, 16u);
  // Applying them again integrates nothing.
  ASSERT_TRUE(b.doc.ApplyUpdate(u1).ok());
  EXPECT_EQ(b.times.size(), 2u);
}

TEST(WhiteboardTest, MergedUpdateOfSeveralClients) {
  crdt::Doc a(crdt::DocOptions{.client_id = 1});
  crdt::Doc c(crdt::DocOptions{.client_id = 3});
  std::mt19937_64 rng(2);
  std::vector<std::vector<uint8_t>> updates;
  for (int i = 1; i <= 3; ++i) updates.push_back(PushStroke(a, 1, i, 1000 + i, rng));
  updates.push_back(PushStroke(c, 3, 1, 5000, rng));
  Result<std::vector<uint8_t>> merged = crdt::MergeUpdates(updates, crdt::UpdateFormat::kV1);
  ASSERT_TRUE(merged.ok());
  Receiver b;
  ASSERT_TRUE(b.doc.ApplyUpdate(merged.value()).ok());
  std::sort(b.times.begin(), b.times.end());
  EXPECT_EQ(b.times, (std::vector<int64_t>{1001, 1002, 1003, 5000}));
}

TEST(WhiteboardTest, OwnStrokesAreNotRemote) {
  Receiver b;
  crdt::Doc twin(crdt::DocOptions{.client_id = 99});  // the receiver's own id, elsewhere
  std::mt19937_64 rng(3);
  ASSERT_TRUE(b.doc.ApplyUpdate(PushStroke(twin, 1, 1, 42, rng)).ok());
  EXPECT_TRUE(b.times.empty());
}

TEST(WhiteboardTest, PresenceTime) {
  const std::string json = PresenceJson(12, 100, 200, 1'700'000'000'123'456);
  EXPECT_EQ(PresenceSentMicros(json), 1'700'000'000'123'456);
  EXPECT_NE(json.find(R"("cursor":{"x":100,"y":200})"), std::string::npos);
  EXPECT_EQ(PresenceSentMicros(PresenceJson(12, 1, 2, 0)), std::nullopt);
  EXPECT_EQ(PresenceSentMicros("null"), std::nullopt);
  EXPECT_EQ(PresenceSentMicros(R"({"user":{"name":"x"}})"), std::nullopt);
  EXPECT_EQ(PresenceSentMicros(R"({"t":"soon"})"), std::nullopt);
  EXPECT_EQ(PresenceSentMicros("{broken"), std::nullopt);
  // The fast path must agree with a full parse.
  EXPECT_EQ(PresenceSentMicros(R"({"t":7})"), 7);
  EXPECT_EQ(PresenceSentMicros(R"({"t":1,"x":{"t":9}})"), 1);  // nested "t" is not ours
  EXPECT_EQ(PresenceSentMicros(R"({"x":{"t":9}})"), std::nullopt);
  EXPECT_EQ(PresenceSentMicros(R"({"t":2.5e3})"), 2500);
  EXPECT_EQ(PresenceSentMicros(R"({"t":-4})"), std::nullopt);
  EXPECT_EQ(PresenceSentMicros(R"({"t":0})"), std::nullopt);
  EXPECT_EQ(PresenceSentMicros(R"({"t":5, "t" : 6 })"), 6);
}

}  // namespace
}  // namespace symphony::bench
