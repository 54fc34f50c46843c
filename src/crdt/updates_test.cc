// Tests for update-level operations against bytes produced by Yjs 13.6.33.
// The vectors come from testdata/gen_update_vectors.mjs (the constants below from its --cases
// output; testdata/update_vectors.txt from its default output).
#include "crdt/updates.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "crdt/lib0/encoder.h"
#include "support/hex.h"

namespace symphony::crdt {
namespace {

// The vector file writes an empty byte string as "-".
std::vector<uint8_t> FromVectorHex(std::string_view s) {
  return s == "-" ? std::vector<uint8_t>{} : symphony::testing::FromHex(s);
}

std::string ToVectorHex(const std::vector<uint8_t>& b) {
  return b.empty() ? "-" : symphony::testing::ToHex(b);
}

// Golden bytes from `node gen_update_vectors.mjs --cases`.
constexpr char kTextA[] =
    "01010100040101740568656c6c6f00";
constexpr char kTextB[] =
    "010101058401040620776f726c6400";
constexpr char kTextMergedV1[] =
    "01020100040101740568656c6c6f8401040620776f726c6400";
constexpr char kTextA2[] =
    "000001010000010409067468656c6c6f01050101000001010000";
constexpr char kTextB2[] =
    "00000241000108000184080620776f726c640600000001010500";
constexpr char kTextMergedV2[] =
    "000002410001080003040084100c7468656c6c6f20776f726c640105060101000001020000";
constexpr char kTextMergedBA[] =
    "01020100040101740568656c6c6f8401040620776f726c6400";
constexpr char kGap1[] =
    "0101070008010161027d017d0200";
constexpr char kGap3[] =
    "0101070388070202787e00";
constexpr char kGapMerged[] =
    "0103070008010161027d017d020a0188070202787e00";
constexpr char kGapMergedAll[] =
    "0103070008010161027d017d028807010177017888070202787e00";
constexpr char kGapDiffSv[] =
    "010702";
constexpr char kOverlapPart[] =
    "0101c0843d0004010174066162f09f988000";
constexpr char kOverlapFull[] =
    "0103c0843d0004010174016181c0843d000184c0843d010cf09f98806364f09f9880656601c0843d010101";
constexpr char kOverlapMerged[] =
    "0102c0843d0004010174066162f09f988084c0843d03086364f09f9880656601c0843d010101";
constexpr char kOverlapMergedRev[] =
    "0103c0843d0004010174016181c0843d000184c0843d010cf09f98806364f09f9880656601c0843d010101";
constexpr char kOverlapSv[] =
    "01c0843d04";
constexpr char kOverlapDiff[] =
    "0101c0843d0484c0843d03086364f09f9880656601c0843d010101";
constexpr char kSvMid[] =
    "01c0843d03";
constexpr char kOverlapDiffMid[] =
    "0101c0843d0384c0843d020befbfbd6364f09f9880656601c0843d010101";
constexpr char kOverlapFullV2[] =
    "000004c0897a0102000200050400810084120e7461f09f98806364f09f988065664100080101000101010300"
    "01c0843d010100";
constexpr char kOverlapDiffMidV2[] =
    "000004c0897a0001040001840d0befbfbd6364f09f988065660700000001010301c0843d010100";
constexpr char kItemsState[] =
    "01030500070101610128000500016b0177017628000500016e017d2a00";
constexpr char kGcState[] =
    "01020500010101610100020105010003";
constexpr char kItemsThenGc[] =
    "01030500070101610128000500016b0177017628000500016e017d2a0105010003";
constexpr char kGcThenItems[] =
    "01020500010101610100020105010003";
constexpr char kMixedV1[] =
    "010c03002801016d036e756d017c3fc000002801016d036f626a017602016175037d017701787e0162782301"
    "016d0362696e030102032701016d0474657874020600030304626f6c64047472756584030404726963688603"
    "0804626f6c64046e756c6c850309117b22696d616765223a22782e706e67227d070101780301702800030b05"
    "636c6173730177016387030b060400030d047461696c0103010001";
constexpr char kMixedV2[] =
    "00030003000243060706020802040004001528012300270006008400860085000700280087000436286d6e75"
    "6d6d6f626a6d62696e6d74657874626f6c6472696368626f6c647870636c6173737461696c01030103010301"
    "440241000504070103000001000003020306024101010c007c3fc000007602016175037d017701787e016278"
    "03010203787e760105696d6167657705782e706e677701630103010000";
constexpr char kMixedV1toV2[] =
    "00030003000243060706020802040004001528012300270006008400860085000700280087000436286d6e75"
    "6d6d6f626a6d62696e6d74657874626f6c6472696368626f6c647870636c6173737461696c01030103010301"
    "440241000504070103000001000003020306024101010c007c3fc000007602016175037d017701787e016278"
    "03010203787e760105696d6167657705782e706e677701630103010000";
constexpr char kMixedV2toV1[] =
    "010c03002801016d036e756d017c3fc000002801016d036f626a017602016175037d017701787e0162782301"
    "016d0362696e030102032701016d0474657874020600030304626f6c64047472756584030404726963688603"
    "0804626f6c64046e756c6c850309117b22696d616765223a22782e706e67227d070101780301702800030b05"
    "636c6173730177016387030b060400030d047461696c0103010001";
constexpr char kMixedSv[] =
    "010312";

std::string Merge(std::vector<std::string_view> hexes, UpdateFormat f) {
  std::vector<std::vector<uint8_t>> ups;
  for (auto h : hexes) ups.push_back(FromVectorHex(h));
  auto r = MergeUpdates(ups, f);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? ToVectorHex(r.value()) : "";
}

TEST(MergeUpdatesTest, ConsecutiveUpdatesOfOneClient) {
  EXPECT_EQ(Merge({kTextA, kTextB}, UpdateFormat::kV1), kTextMergedV1);
  EXPECT_EQ(Merge({kTextB, kTextA}, UpdateFormat::kV1), kTextMergedBA);
  EXPECT_EQ(Merge({kTextA2, kTextB2}, UpdateFormat::kV2), kTextMergedV2);
}

TEST(MergeUpdatesTest, GapBecomesSkip) {
  EXPECT_EQ(Merge({kGap1, kGap3}, UpdateFormat::kV1), kGapMerged);
  EXPECT_EQ(Merge({kGap3, kGap1}, UpdateFormat::kV1), kGapMerged);
  const std::string all = Merge({kGapMerged, kGap1, kGap3}, UpdateFormat::kV1);
  EXPECT_EQ(all, kGapMerged);
  auto sv = EncodeStateVectorFromUpdate(FromVectorHex(kGapMerged), UpdateFormat::kV1);
  ASSERT_TRUE(sv.ok());
  EXPECT_EQ(ToVectorHex(sv.value()), kGapDiffSv);
}

TEST(MergeUpdatesTest, OverlapIsSlicedInsideSurrogatePair) {
  EXPECT_EQ(Merge({kOverlapPart, kOverlapFull}, UpdateFormat::kV1), kOverlapMerged);
  EXPECT_EQ(Merge({kOverlapFull, kOverlapPart}, UpdateFormat::kV1), kOverlapMergedRev);
}

// An Item and a GC at the same clocks: Yjs's comparator is inconsistent there, so the input
// order decides which one survives.
TEST(MergeUpdatesTest, ItemAndGcAtTheSamePosition) {
  EXPECT_EQ(Merge({kItemsState, kGcState}, UpdateFormat::kV1), kItemsThenGc);
  EXPECT_EQ(Merge({kGcState, kItemsState}, UpdateFormat::kV1), kGcThenItems);
}

TEST(MergeUpdatesTest, SingleAndNoUpdates) {
  const std::vector<uint8_t> garbage = {0xff, 0xff};
  auto one = MergeUpdates(std::vector<std::vector<uint8_t>>{garbage}, UpdateFormat::kV1);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one.value(), garbage);  // Yjs returns a single update unchanged
  auto none = MergeUpdates(std::vector<std::vector<uint8_t>>{}, UpdateFormat::kV1);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(ToVectorHex(none.value()), "0000");
}

TEST(MergeUpdatesTest, ErrorsNameTheUpdate) {
  std::string bad = kTextB;
  bad.resize(bad.size() - 6);
  std::vector<std::vector<uint8_t>> ups = {FromVectorHex(kTextA), FromVectorHex(bad)};
  auto r = MergeUpdates(ups, UpdateFormat::kV1);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("update 1"), std::string::npos) << r.status().ToString();
  EXPECT_TRUE(r.status().has_offset());
}

TEST(DiffUpdateTest, MatchesYjs) {
  auto d = DiffUpdate(FromVectorHex(kOverlapFull), FromVectorHex(kOverlapSv), UpdateFormat::kV1);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(ToVectorHex(d.value()), kOverlapDiff);
  // The state vector ends inside a surrogate pair: the written string starts with U+FFFD.
  d = DiffUpdate(FromVectorHex(kOverlapFull), FromVectorHex(kSvMid), UpdateFormat::kV1);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(ToVectorHex(d.value()), kOverlapDiffMid);
  d = DiffUpdate(FromVectorHex(kOverlapFullV2), FromVectorHex(kSvMid), UpdateFormat::kV2);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(ToVectorHex(d.value()), kOverlapDiffMidV2);
}

TEST(DiffUpdateTest, BadStateVector) {
  auto d = DiffUpdate(FromVectorHex(kOverlapFull), FromVectorHex("05"), UpdateFormat::kV1);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().message().rfind("state vector: ", 0), 0u);
}

TEST(ConvertUpdateFormatTest, MatchesYjs) {
  auto v2 = ConvertUpdateFormat(FromVectorHex(kMixedV1), UpdateFormat::kV1, UpdateFormat::kV2);
  ASSERT_TRUE(v2.ok()) << v2.status().ToString();
  EXPECT_EQ(ToVectorHex(v2.value()), kMixedV1toV2);
  auto v1 = ConvertUpdateFormat(FromVectorHex(kMixedV2), UpdateFormat::kV2, UpdateFormat::kV1);
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  EXPECT_EQ(ToVectorHex(v1.value()), kMixedV2toV1);
  auto sv = EncodeStateVectorFromUpdate(FromVectorHex(kMixedV1), UpdateFormat::kV1);
  ASSERT_TRUE(sv.ok());
  EXPECT_EQ(ToVectorHex(sv.value()), kMixedSv);
}

TEST(DecodeUpdateTest, StructsAndDeleteSet) {
  auto r = DecodeUpdate(FromVectorHex(kGapMerged), UpdateFormat::kV1);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto& s = r->structs;
  ASSERT_EQ(s.size(), 3u);
  EXPECT_TRUE(s[0]->is_item());
  EXPECT_EQ(s[0]->parent_kind, ParentKind::kRootName);
  EXPECT_EQ(*s[0]->parent_name, "a");
  EXPECT_EQ(s[0]->length, 2u);
  EXPECT_TRUE(s[1]->is_skip());
  EXPECT_EQ(s[1]->id, (ID{7, 2}));
  EXPECT_EQ(s[1]->length, 1u);
  EXPECT_TRUE(s[2]->has_origin);
  EXPECT_EQ(s[2]->origin, (ID{7, 2}));
  EXPECT_EQ(s[2]->parent_kind, ParentKind::kNone);
  EXPECT_TRUE(r->ds.empty());

  r = DecodeUpdate(FromVectorHex(kOverlapFull), UpdateFormat::kV1);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->ds.clients().size(), 1u);
  EXPECT_EQ(r->ds.clients()[0].second, (DeleteSet::Ranges{{1, 1}}));

  auto meta = ParseUpdateMeta(FromVectorHex(kGapMerged), UpdateFormat::kV1);
  ASSERT_TRUE(meta.ok());
  EXPECT_EQ(meta->from, (StateVector{{7, 0}}));
  EXPECT_EQ(meta->to, (StateVector{{7, 5}}));
}

// A v2 update whose run-length columns describe 2^40 GC structs in a few bytes.
TEST(LazyStructReaderTest, StructCountIsBounded) {
  lib0::Encoder client, info, str, len, u;
  client.WriteVarIntSignMagnitude(1, false);
  info.WriteUint8(0);
  str.WriteVarString("");
  len.WriteVarIntSignMagnitude(1, true);
  len.WriteVarUint(uint64_t{1} << 40);
  u.WriteVarUint(0);
  u.WriteVarUint8Array({});  // key clocks
  u.WriteVarUint8Array(client.bytes());
  u.WriteVarUint8Array({});  // left clocks
  u.WriteVarUint8Array({});  // right clocks
  u.WriteVarUint8Array(info.bytes());
  u.WriteVarUint8Array(str.bytes());
  u.WriteVarUint8Array({});  // parent info
  u.WriteVarUint8Array({});  // type refs
  u.WriteVarUint8Array(len.bytes());
  u.WriteVarUint(1);
  u.WriteVarUint(uint64_t{1} << 40);
  u.WriteVarUint(0);
  UpdateLimits limits;
  limits.max_structs = 1000;
  auto r = DecodeUpdate(u.bytes(), UpdateFormat::kV2, limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kLimit) << r.status().ToString();
  std::vector<std::vector<uint8_t>> two = {u.bytes(), u.bytes()};
  auto m = MergeUpdates(two, UpdateFormat::kV2, limits);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kLimit);
}

// Every prefix and many single-byte corruptions of real updates: errors, never crashes.
TEST(UpdatesRobustnessTest, TruncatedAndCorruptedInputs) {
  for (const char* h : {kMixedV1, kOverlapFull, kGapMerged, kItemsState}) {
    const auto full = FromVectorHex(h);
    for (size_t n = 0; n < full.size(); ++n) {
      std::vector<uint8_t> cut(full.begin(), full.begin() + n);
      std::vector<std::vector<uint8_t>> ups = {cut, full};
      (void)MergeUpdates(ups, UpdateFormat::kV1);
      (void)DiffUpdate(cut, FromVectorHex("01050a"), UpdateFormat::kV1);
      (void)ConvertUpdateFormat(cut, UpdateFormat::kV1, UpdateFormat::kV2);
      (void)DecodeUpdate(cut, UpdateFormat::kV1);
      for (uint8_t x : {0x01, 0x7f, 0x80, 0xff}) {
        std::vector<uint8_t> bad = full;
        bad[n] ^= x;
        std::vector<std::vector<uint8_t>> ups2 = {full, bad};
        (void)MergeUpdates(ups2, UpdateFormat::kV1);
        (void)ConvertUpdateFormat(bad, UpdateFormat::kV1, UpdateFormat::kV2);
        (void)EncodeStateVectorFromUpdate(bad, UpdateFormat::kV1);
        (void)ParseUpdateMeta(bad, UpdateFormat::kV1);
      }
    }
  }
  for (const char* h : {kMixedV2, kOverlapFullV2}) {
    const auto full = FromVectorHex(h);
    for (size_t n = 0; n < full.size(); ++n) {
      std::vector<uint8_t> cut(full.begin(), full.begin() + n);
      std::vector<std::vector<uint8_t>> ups = {full, cut};
      (void)MergeUpdates(ups, UpdateFormat::kV2);
      (void)ConvertUpdateFormat(cut, UpdateFormat::kV2, UpdateFormat::kV1);
      for (uint8_t x : {0x01, 0x40, 0x80, 0xff}) {
        std::vector<uint8_t> bad = full;
        bad[n] ^= x;
        std::vector<std::vector<uint8_t>> ups2 = {bad, full};
        (void)MergeUpdates(ups2, UpdateFormat::kV2);
        (void)DiffUpdate(bad, FromVectorHex("00"), UpdateFormat::kV2);
        (void)DecodeUpdate(bad, UpdateFormat::kV2);
      }
    }
  }
}

// testdata/update_vectors.txt: seeded random multi-client sessions, every operation checked
// against Yjs's output.
TEST(UpdateVectorsTest, AllMatchYjs) {
  std::ifstream in(std::string(SYMPHONY_SOURCE_DIR) + "/src/crdt/testdata/update_vectors.txt");
  ASSERT_TRUE(in) << "missing update_vectors.txt";
  std::string line;
  int checked = 0;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    std::istringstream ls(line);
    std::string op, fmt, tok;
    ls >> op >> fmt;
    std::vector<std::string> args;
    while (ls >> tok && tok != "=") args.push_back(tok);
    std::vector<std::string> expected;
    while (ls >> tok) expected.push_back(tok);
    const UpdateFormat f = fmt == "v2" || fmt == "v2v1" ? UpdateFormat::kV2 : UpdateFormat::kV1;
    std::string got;
    if (op == "merge") {
      std::vector<std::vector<uint8_t>> ups;
      for (const auto& a : args) ups.push_back(FromVectorHex(a));
      auto r = MergeUpdates(ups, f);
      got = r.ok() ? ToVectorHex(r.value()) : r.status().ToString();
    } else if (op == "diff") {
      auto r = DiffUpdate(FromVectorHex(args[0]), FromVectorHex(args[1]), f);
      got = r.ok() ? ToVectorHex(r.value()) : r.status().ToString();
    } else if (op == "convert") {
      const UpdateFormat to = f == UpdateFormat::kV1 ? UpdateFormat::kV2 : UpdateFormat::kV1;
      auto r = ConvertUpdateFormat(FromVectorHex(args[0]), f, to);
      got = r.ok() ? ToVectorHex(r.value()) : r.status().ToString();
    } else if (op == "sv") {
      auto r = EncodeStateVectorFromUpdate(FromVectorHex(args[0]), f);
      got = r.ok() ? ToVectorHex(r.value()) : r.status().ToString();
    } else if (op == "meta") {
      auto r = ParseUpdateMeta(FromVectorHex(args[0]), f);
      auto str = [](const StateVector& sv) {
        std::vector<std::pair<ClientId, Clock>> e(sv.begin(), sv.end());
        std::sort(e.begin(), e.end());
        std::string s;
        for (const auto& [c, k] : e) s += (s.empty() ? "" : ",") + std::to_string(c) + ":" + std::to_string(k);
        return s.empty() ? std::string("-") : s;
      };
      got = r.ok() ? str(r->from) + " " + str(r->to) : r.status().ToString();
    } else {
      continue;  // snapshot lines: snapshot_test.cc
    }
    std::string want;
    for (const auto& e : expected) want += (want.empty() ? "" : " ") + e;
    EXPECT_EQ(got, want) << "line " << line_no << ": " << op << " " << fmt;
    ++checked;
  }
  EXPECT_GT(checked, 800);
}

}  // namespace
}  // namespace symphony::crdt
