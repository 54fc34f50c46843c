// Map: local edits give Yjs 13.6's exact bytes (testdata/gen_type_vectors.mjs, same names).
#include "crdt/types/map.h"

#include <gtest/gtest.h>

#include "crdt/doc.h"
#include "crdt/transaction.h"
#include "crdt/types/array.h"
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

TEST(MapTest, ValuesMatchYjs) {
  Doc doc(testing::Opts(kClient));
  Map m = doc.GetMap("m");
  m.Set("str", Str("hello"));
  m.Set("int", Num(42));
  m.Set("neg", Num(-7));
  m.Set("float", Num(2.5));
  m.Set("double", Num(0.1));
  m.Set("big", Num(1e300));
  m.Set("bool", Any::Bool(true));
  m.Set("null", Any::Null());
  m.Set("arr",
        Any::MakeArray({Num(1), Str("two"), Any::MakeArray({Num(3)}), Obj({{"four", Num(4)}})}));
  m.Set("obj", Obj({{"b", Num(1)},
                    {"a", Any::MakeArray({Any::Bool(true), Any::Null()})},
                    {"10", Str("ten")},
                    {"2", Str("two")}}));
  m.Set("bytes", Any::Bytes({1, 2, 255}));
  m.Set("bigint", Any::BigInt(12345678901234));
  m.Set("str", Str("overwritten"));
  m.Delete("int");
  m.Set("int", Num(43));
  m.Delete("neg");
  m.Set("", Str("empty key"));
  m.Set("ключ", Str("unicode key"));

  EXPECT_EQ(JsonView(doc),
            R"({"m":{"str":"overwritten","int":43,"float":2.5,"double":0.1,"big":1e+300,)"
            R"("bool":true,"null":null,"arr":[1,"two",[3],{"four":4}],)"
            R"("obj":{"2":"two","10":"ten","b":1,"a":[true,null]},"bytes":{"0":1,"1":2,"2":255},)"
            R"("bigint":12345678901234,"":"empty key","ключ":"unicode key"}})");
  EXPECT_EQ(m.Size(), 13u);
  EXPECT_FALSE(m.Has("neg"));
  EXPECT_TRUE(m.Has("null"));
  EXPECT_EQ(m.Get("int"), Num(43));
  EXPECT_EQ(m.Get("bytes"), Any::Bytes({1, 2, 255}));
  EXPECT_TRUE(m.Get("missing").is_undefined());
  EXPECT_EQ(m.Keys().front(), "str");
  EXPECT_EQ(Hex(doc.EncodeStateAsUpdate()),
            "011087ad4b002101016d03737472012101016d03696e74012101016d036e6567012801016d05666c6f61"
            "74017c402000002801016d06646f75626c65017b3fb999999999999a2801016d03626967017b7e37e43c"
            "8800759c2801016d04626f6f6c01782801016d046e756c6c017e2801016d036172720175047d01770374"
            "776f75017d03760104666f75727d042801016d036f626a0176040132770374776f023130770374656e01"
            "627d0101617502787e2301016d056279746573030102ff2801016d06626967696e74017a00000b3a73ce"
            "2ff2a887ad4b0001770b6f7665727772697474656ea887ad4b01017d2b2801016d00017709656d707479"
            "206b65792801016d08d0bad0bbd18ed18701770b756e69636f6465206b65790187ad4b010003");
}

TEST(MapTest, NestedTypesMatchYjs) {
  Doc doc(testing::Opts(kClient));
  Map m = doc.GetMap("m");
  Map inner(m.SetType("inner", TypeKind::kMap));
  inner.Set("x", Num(1));
  Text text(m.SetType("text", TypeKind::kText));
  text.Insert(0, "nested");
  Array arr(inner.SetType("arr", TypeKind::kArray));
  arr.Insert(0, {Num(1), Num(2), Num(3)});
  EXPECT_EQ(StringifyJson(m.ToJson()), R"({"inner":{"x":1,"arr":[1,2,3]},"text":"nested"})");
  m.Set("inner", Str("replaced"));
  AbstractType* xml = m.SetType("xml", TypeKind::kXmlElement, "Div");
  EXPECT_EQ(m.GetType("xml"), xml);
  EXPECT_EQ(m.GetType("inner"), nullptr);
  EXPECT_EQ(JsonView(doc), R"({"m":{"inner":"replaced","text":"nested","xml":"<div></div>"}})");
  EXPECT_EQ(Hex(doc.EncodeStateAsUpdate()),
            "010787ad4b002101016d05696e6e65720100012701016d047465787402040087ad4b02066e6573746564"
            "0004a887ad4b000177087265706c616365642701016d03786d6c03034469760187ad4b0200020904");
}

TEST(MapTest, ClearDeletesEveryKey) {
  Doc doc(testing::Opts(kClient));
  Map m = doc.GetMap("m");
  m.Set("a", Num(1));
  m.Set("b", Num(2));
  doc.Transact([&](Transaction& tr) { m.Clear(tr); });
  EXPECT_EQ(m.Size(), 0u);
  EXPECT_EQ(StringifyJson(m.ToJson()), "{}");
}

TEST(MapTest, ObserverSeesChangedKeys) {
  Doc doc(testing::Opts(kClient));
  Map m = doc.GetMap("m");
  std::vector<std::string> keys;
  int calls = 0;
  const int h = m.type()->Observe([&](const TypeEvent& e) {
    ++calls;
    keys = e.keys_changed;
    EXPECT_FALSE(e.child_list_changed);
  });
  doc.Transact([&](Transaction& tr) {
    m.Set(tr, "a", Num(1));
    m.Set(tr, "b", Num(2));
    m.Set(tr, "a", Num(3));
  });
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(keys, (std::vector<std::string>{"a", "b"}));
  m.type()->Unobserve(h);
  m.Set("c", Num(1));
  EXPECT_EQ(calls, 1);
}

TEST(MapTest, DeepObserverSeesNestedChanges) {
  Doc doc(testing::Opts(kClient));
  Map m = doc.GetMap("m");
  Map inner(m.SetType("inner", TypeKind::kMap));
  std::vector<AbstractType*> targets;
  m.type()->ObserveDeep([&](const std::vector<TypeEvent>& events) {
    for (const TypeEvent& e : events) targets.push_back(e.target);
  });
  inner.Set("x", Num(1));
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(targets[0], inner.type());
  EXPECT_EQ(inner.type()->parent(), m.type());
}

}  // namespace
}  // namespace symphony::crdt
