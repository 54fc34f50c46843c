// Array: local edits give Yjs 13.6's exact bytes (testdata/gen_type_vectors.mjs, same names).
#include "crdt/types/array.h"

#include <gtest/gtest.h>

#include "crdt/doc.h"
#include "crdt/transaction.h"
#include "crdt/types/map.h"
#include "crdt/types/text.h"
#include "crdt/types/types_test_util.h"

namespace symphony::crdt {
namespace {

using testing::Hex;
using testing::JsonView;
using testing::kClient;
using testing::Num;
using testing::Obj;
using testing::Str;

TEST(ArrayTest, MixedValuesMatchYjs) {
  Doc doc(testing::Opts(kClient));
  Array a = doc.GetArray("a");
  ASSERT_TRUE(a.Insert(0, {Num(1), Str("two"), Obj({{"three", Num(3)}}), Any::MakeArray({Num(4)}),
                           Any::Null(), Any::Bool(true), Any::Bytes({5, 6}), Num(2.5), Str("x")}));
  ASSERT_TRUE(a.Insert(3, {Str("mid1"), Str("mid2")}));
  a.Push({Str("end")});
  doc.Transact([&](Transaction& tr) { a.Unshift(tr, {Num(0)}); });
  ASSERT_TRUE(a.Delete(2, 4));
  ASSERT_TRUE(a.Insert(1, {Any::Bytes({7}), Num(8), Num(9)}));
  EXPECT_EQ(JsonView(doc), R"({"a":[0,{"0":7},8,9,1,[4],null,true,{"0":5,"1":6},2.5,"x","end"]})");
  EXPECT_EQ(a.Length(), 12u);
  EXPECT_EQ(a.Get(0), Num(0));
  EXPECT_EQ(a.Get(1), Any::Bytes({7}));
  EXPECT_EQ(a.Get(11), Str("end"));
  EXPECT_TRUE(a.Get(12).is_undefined());
  EXPECT_EQ(Hex(doc.EncodeStateAsUpdate()),
            "010a87ad4b0008010161017d018187ad4b00028887ad4b020375017d047e788387ad4b050205068887ad"
            "4b06027c40200000770178c187ad4b0287ad4b03028887ad4b08017703656e644887ad4b00017d00c387"
            "ad4b0c87ad4b000107c887ad4b0d87ad4b00027d087d090187ad4b0201020902");
}

TEST(ArrayTest, NestedTypesMatchYjs) {
  Doc doc(testing::Opts(kClient));
  Array a = doc.GetArray("a");
  std::vector<AbstractType*> created;
  doc.Transact([&](Transaction& tr) {
    ASSERT_TRUE(a.InsertMixed(tr, 0,
                              {Str("v"), AbstractType::NewType{TypeKind::kMap, {}},
                               AbstractType::NewType{TypeKind::kText, {}}, Str("w"),
                               AbstractType::NewType{TypeKind::kArray, {}}},
                              &created));
  });
  ASSERT_EQ(created.size(), 3u);
  Map(created[0]).Set("k", Str("v"));
  Text(created[1]).Insert(0, "txt");
  Array(created[2]).Push({Num(1), Num(2)});
  ASSERT_TRUE(a.Delete(0, 1));
  EXPECT_EQ(a.GetType(1), created[1]);
  EXPECT_EQ(JsonView(doc), R"({"a":[{"k":"v"},"txt","w",[1,2]]})");
  EXPECT_EQ(Hex(doc.EncodeStateAsUpdate()),
            "010887ad4b0001010161018787ad4b00018787ad4b01028887ad4b02017701778787ad4b030028008"
            "7ad4b01016b01770176040087ad4b0203747874080087ad4b04027d017d020187ad4b010001");
}

TEST(ArrayTest, PushGoesAfterTrailingDeletedItems) {
  Doc doc(testing::Opts(kClient));
  Array a = doc.GetArray("a");
  a.Insert(0, {Num(1), Num(2), Num(3)});
  a.Delete(1, 2);
  a.Push({Num(4)});
  a.Insert(a.Length(), {Num(5)});
  EXPECT_EQ(JsonView(doc), R"({"a":[1,4,5]})");
  EXPECT_EQ(Hex(doc.EncodeStateAsUpdate()),
            "010387ad4b0008010161017d018187ad4b00028887ad4b02027d047d050187ad4b010102");
}

// "s12" style strings (built without operator+, which trips GCC 12's -Wrestrict at -O3).
std::string Tagged(char tag, uint32_t n) {
  std::string s(1, tag);
  s.append(std::to_string(n));
  return s;
}

TEST(ArrayTest, RandomEditsMatchYjs) {
  Doc doc(testing::Opts(kClient));
  Array a = doc.GetArray("a");
  testing::XorShift32 r(99);
  for (int i = 0; i < 2000; ++i) {
    const uint64_t len = a.Length();
    const uint32_t k = r.Below(8);
    if (k < 3 || len == 0) {
      const uint32_t n = 1 + r.Below(3);
      std::vector<Any> vals;
      for (uint32_t j = 0; j < n; ++j) {
        if (r.Below(2) == 0) {
          vals.push_back(Num(r.Below(1000)));
        } else {
          vals.push_back(Any::String(Tagged('s', r.Below(50))));
        }
      }
      ASSERT_TRUE(a.Insert(r.Below(len + 1), vals));
    } else if (k == 3) {
      a.Push({Num(r.Below(10))});
    } else if (k < 7) {
      const uint64_t pos = r.Below(len);
      ASSERT_TRUE(a.Delete(pos, 1 + r.Below(std::min<uint64_t>(5, len - pos))));
    } else {
      doc.Transact([&](Transaction& tr) {
        const uint64_t pos = r.Below(len + 1);
        a.Insert(tr, pos, {Any::String(Tagged('t', r.Below(9)))});
        a.Insert(tr, 0, {Num(r.Below(9))});
      });
    }
  }
  const std::vector<uint8_t> state = doc.EncodeStateAsUpdate();
  EXPECT_EQ(state.size(), 16740u);
  EXPECT_EQ(testing::Fnv1a64(state), "3f6cae0135894b6b");
  EXPECT_EQ(JsonView(doc),
            R"({"a":[3,7,"t5",8,5,902,370,"s20",450,"s33","t1",7,877,698,"s2","t2","t0","t3",)"
            R"("s32",396,"s6","s20","s25",587,"s31",302,493,"t8",59,"s45","s42",238,675,"s36",)"
            R"(64,"s1",923,3,293,8,8,604,7,5,9,7]})");
}

TEST(ArrayTest, OutOfRangeIsAnError) {
  Doc doc(testing::Opts(kClient));
  Array a = doc.GetArray("a");
  EXPECT_FALSE(a.Insert(1, {Num(1)}));
  a.Insert(0, {Num(1), Num(2)});
  EXPECT_FALSE(a.Delete(1, 5));
  EXPECT_EQ(StringifyJson(a.ToJson()), "[1]");
  EXPECT_EQ(a.InsertType(5, TypeKind::kMap), nullptr);
}

}  // namespace
}  // namespace symphony::crdt
