// Tests for snapshots; golden bytes from Yjs 13.6.33 (testdata/gen_update_vectors.mjs --cases,
// and the "snapshot" lines of testdata/update_vectors.txt).
#include "crdt/snapshot.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "crdt/doc.h"
#include "crdt/item.h"
#include "crdt/types/abstract_type.h"
#include "crdt/types/map.h"
#include "crdt/types/text.h"
#include "support/hex.h"

namespace symphony::crdt {
namespace {

using symphony::testing::FromHex;
using symphony::testing::ToHex;

// Golden bytes from `node gen_update_vectors.mjs --cases`: a gc-off doc of clients 9 and 12,
// a snapshot when its text was "hello world!", then more edits.
constexpr char kSnapOriginState[] =
    "02020c004409000368656cc40c020900036c6f200409000401017406776f726c64212801016d016b017d01c4"
    "0c050900025859a80906017d02020c01000309010601";
constexpr char kSnapV1[] =
    "00020c060907";
constexpr char kSnapV2[] =
    "00020c060907";
constexpr char kSnapNowV1[] =
    "020c01000309010601020c06090a";
constexpr char kSnapRestoredState[] =
    "02010c004409000668656c6c6f200209000401017406776f726c64212801016d016b017d0100";
constexpr char kSnapPartialV1[] =
    "00020c030907";
constexpr char kSnapPartialRestoredState[] =
    "02010c004409000368656c0209000401017406776f726c64212801016d016b017d0100";

std::unique_ptr<Doc> LoadGcOff(const std::vector<uint8_t>& state) {
  DocOptions o;
  o.gc = false;
  auto doc = std::make_unique<Doc>(o);
  Status st = doc->ApplyUpdate(state);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return doc;
}

TEST(SnapshotTest, EncodeDecodeMatchesYjs) {
  auto snap = DecodeSnapshot(FromHex(kSnapV1));
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  EXPECT_EQ(snap->sv, (StateVector{{9, 7}, {12, 6}}));
  EXPECT_EQ(ToHex(EncodeSnapshot(*snap)), kSnapV1);
  EXPECT_EQ(ToHex(EncodeSnapshot(*snap, UpdateFormat::kV2)), kSnapV2);
  auto again = DecodeSnapshot(FromHex(kSnapV2), UpdateFormat::kV2);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(EqualSnapshots(*snap, *again));
}

TEST(SnapshotTest, DecodeRejectsTruncatedInput) {
  const auto bytes = FromHex(kSnapNowV1);
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto r = DecodeSnapshot(std::span<const uint8_t>(bytes.data(), n));
    EXPECT_FALSE(r.ok()) << n;
    auto r2 = DecodeSnapshot(std::span<const uint8_t>(bytes.data(), n), UpdateFormat::kV2);
    EXPECT_FALSE(r2.ok()) << n;
  }
}

TEST(SnapshotTest, CreateSnapshotOfDocMatchesYjs) {
  auto doc = LoadGcOff(FromHex(kSnapOriginState));
  EXPECT_EQ(ToHex(EncodeSnapshot(CreateSnapshot(*doc))), kSnapNowV1);
}

TEST(SnapshotTest, CreateDocFromSnapshotMatchesYjs) {
  auto origin = LoadGcOff(FromHex(kSnapOriginState));
  const std::vector<uint8_t> before = origin->EncodeStateAsUpdate();
  auto snap = DecodeSnapshot(FromHex(kSnapV1));
  ASSERT_TRUE(snap.ok());
  auto restored = CreateDocFromSnapshot(*origin, *snap);
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_EQ(ToHex((*restored)->EncodeStateAsUpdate()), kSnapRestoredState);
  EXPECT_EQ((*restored)->GetText("t").ToString(), "hello world!");

  auto partial = DecodeSnapshot(FromHex(kSnapPartialV1));
  ASSERT_TRUE(partial.ok());
  auto restored2 = CreateDocFromSnapshot(*origin, *partial);
  ASSERT_TRUE(restored2.ok()) << restored2.status().ToString();
  EXPECT_EQ(ToHex((*restored2)->EncodeStateAsUpdate()), kSnapPartialRestoredState);
  EXPECT_EQ((*restored2)->GetText("t").ToString(), "helworld!");
  // The origin is not changed.
  EXPECT_EQ(origin->EncodeStateAsUpdate(), before);
}

TEST(SnapshotTest, CreateDocFromSnapshotErrors) {
  Doc gc_on;
  auto r = CreateDocFromSnapshot(gc_on, Snapshot{});
  EXPECT_FALSE(r.ok());
  auto origin = LoadGcOff(FromHex(kSnapOriginState));
  Snapshot beyond;
  beyond.sv[9] = 1000;
  r = CreateDocFromSnapshot(*origin, beyond);
  EXPECT_FALSE(r.ok());
  Snapshot unknown;
  unknown.sv[4242] = 1;
  r = CreateDocFromSnapshot(*origin, unknown);
  EXPECT_FALSE(r.ok());
}

TEST(SnapshotTest, IsVisibleAndEquality) {
  DocOptions o;
  o.gc = false;
  o.client_id = 1;
  Doc doc(o);
  Text text = doc.GetText("t");
  text.Insert(0, "abc");
  const Snapshot s1 = CreateSnapshot(doc);
  text.Delete(0, 1);
  text.Insert(2, "d");
  const Snapshot s2 = CreateSnapshot(doc);
  EXPECT_FALSE(EqualSnapshots(s1, s2));
  auto decoded = DecodeSnapshot(EncodeSnapshot(s1));
  ASSERT_TRUE(decoded.ok());
  EXPECT_TRUE(EqualSnapshots(s1, *decoded));

  // The deleted "a" was visible at s1 only.
  const Item* first = text.type()->start;
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->id, (ID{1, 0}));
  EXPECT_TRUE(IsVisible(*first, &s1));
  EXPECT_FALSE(IsVisible(*first, &s2));
  EXPECT_FALSE(IsVisible(*first, nullptr));
  // Clock 3 ("d") did not exist at s1.
  Item d;
  d.id = ID{1, 3};
  EXPECT_FALSE(IsVisible(d, &s1));
  EXPECT_TRUE(IsVisible(d, &s2));
  d.id = ID{2, 0};
  EXPECT_FALSE(IsVisible(d, &s2));
  auto restored = CreateDocFromSnapshot(doc, s1);
  ASSERT_TRUE(restored.ok());
  EXPECT_EQ((*restored)->GetText("t").ToString(), "abc");
}

// The "snapshot" lines of update_vectors.txt: snapshots of random gc-off documents.
TEST(SnapshotTest, VectorsMatchYjs) {
  std::ifstream in(std::string(SYMPHONY_SOURCE_DIR) + "/src/crdt/testdata/update_vectors.txt");
  ASSERT_TRUE(in);
  std::string line;
  int checked = 0;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string op, fmt, input, eq, expected;
    ls >> op >> fmt >> input >> eq >> expected;
    if (op != "snapshot") continue;
    auto snap = DecodeSnapshot(FromHex(input));
    ASSERT_TRUE(snap.ok()) << snap.status().ToString();
    const UpdateFormat f = fmt == "v2" ? UpdateFormat::kV2 : UpdateFormat::kV1;
    EXPECT_EQ(ToHex(EncodeSnapshot(*snap, f)), expected);
    ++checked;
  }
  EXPECT_GT(checked, 4);
}

}  // namespace
}  // namespace symphony::crdt
