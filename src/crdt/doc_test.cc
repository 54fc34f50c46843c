// Doc-level behaviour that the Yjs vectors do not show: malformed updates change nothing,
// pending structs wait for their dependencies, update observers see what Yjs would broadcast.
#include "crdt/doc.h"

#include <gtest/gtest.h>

#include <vector>

#include "crdt/transaction.h"
#include "crdt/types/map.h"
#include "crdt/types/text.h"

namespace symphony::crdt {
namespace {

std::vector<uint8_t> TextUpdate(ClientId client, const std::vector<uint8_t>& base,
                                uint64_t index, std::string_view s) {
  Doc d(DocOptions{.client_id = client});
  if (!base.empty()) {
    EXPECT_TRUE(d.ApplyUpdate(base).ok());
  }
  std::vector<uint8_t> out;
  d.OnUpdate([&](std::span<const uint8_t> u, Transaction&) { out.assign(u.begin(), u.end()); });
  d.GetText("t").Insert(index, s);
  return out;
}

TEST(DocTest, MalformedUpdatesChangeNothing) {
  Doc doc(DocOptions{.client_id = 1});
  doc.GetText("t").Insert(0, "hello");
  const std::vector<uint8_t> before = doc.EncodeStateAsUpdate();
  const std::vector<uint8_t> good = TextUpdate(2, before, 5, " world");
  ASSERT_FALSE(good.empty());
  for (size_t len = 0; len + 1 < good.size(); len++) {
    std::vector<uint8_t> cut(good.begin(), good.begin() + len);
    Status st = doc.ApplyUpdate(cut);
    EXPECT_FALSE(st.ok()) << "prefix of " << len << " bytes was accepted";
    EXPECT_EQ(doc.EncodeStateAsUpdate(), before) << "prefix of " << len << " bytes changed the doc";
  }
  ASSERT_TRUE(doc.ApplyUpdate(good).ok());
  EXPECT_EQ(doc.GetText("t").ToString(), "hello world");
}

TEST(DocTest, ErrorsSayWhere) {
  Doc doc;
  const std::vector<uint8_t> bad = {1, 1, 5, 0, 4};  // one client, one struct, then truncated
  Status st = doc.ApplyUpdate(bad);
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(st.has_offset());
  EXPECT_LE(st.offset(), bad.size());
}

TEST(DocTest, PendingStructsWaitForTheirDependencies) {
  const std::vector<uint8_t> a = TextUpdate(10, {}, 0, "ab");
  Doc with_a(DocOptions{.client_id = 99});
  ASSERT_TRUE(with_a.ApplyUpdate(a).ok());
  const std::vector<uint8_t> b = TextUpdate(11, with_a.EncodeStateAsUpdate(), 1, "X");

  Doc doc(DocOptions{.client_id = 3});
  ASSERT_TRUE(doc.ApplyUpdate(b).ok());  // depends on a: waits
  EXPECT_EQ(doc.GetText("t").ToString(), "");
  EXPECT_TRUE(doc.store().pending_structs.has_value());
  ASSERT_TRUE(doc.ApplyUpdate(a).ok());
  EXPECT_EQ(doc.GetText("t").ToString(), "aXb");
  EXPECT_FALSE(doc.store().pending_structs.has_value());
}

TEST(DocTest, UpdateObserverGetsTheTransactionsUpdate) {
  Doc doc(DocOptions{.client_id = 5});
  std::vector<std::vector<uint8_t>> seen;
  int h = doc.OnUpdate([&](std::span<const uint8_t> u, Transaction&) { seen.emplace_back(u.begin(), u.end()); });
  doc.GetMap("m").Set("k", Any::Number(1));
  doc.Transact([&](Transaction& tr) {
    doc.GetText("t").Insert(tr, 0, "x");
    doc.GetText("t").Insert(tr, 1, "y");
  });
  ASSERT_EQ(seen.size(), 2u);
  Doc other;
  for (const auto& u : seen) ASSERT_TRUE(other.ApplyUpdate(u).ok());
  EXPECT_EQ(other.EncodeStateAsUpdate(), doc.EncodeStateAsUpdate());
  doc.OffUpdate(h);
  doc.GetText("t").Insert(0, "z");
  EXPECT_EQ(seen.size(), 2u);
}

TEST(DocTest, GarbageCollectionCanBeTurnedOff) {
  for (bool gc : {true, false}) {
    Doc doc(DocOptions{.client_id = 7, .gc = gc});
    Map m = doc.GetMap("m");
    AbstractType* nested = m.SetType("n", TypeKind::kText);
    Text(nested).Insert(0, "deleted soon");
    m.Delete("n");
    Doc copy;
    ASSERT_TRUE(copy.ApplyUpdate(doc.EncodeStateAsUpdate()).ok());
    // With gc the nested text's content is gone from the encoded state; without, it is kept.
    const std::vector<uint8_t> state = doc.EncodeStateAsUpdate();
    const std::string bytes(state.begin(), state.end());
    EXPECT_EQ(bytes.find("deleted soon") != std::string::npos, !gc) << "gc=" << gc;
  }
}

}  // namespace
}  // namespace symphony::crdt
