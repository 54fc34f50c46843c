// Text: local edits must give Yjs 13.6's exact bytes (vectors from
// testdata/gen_type_vectors.mjs, same scenario names), and remote formatting is cleaned up as
// Yjs does.
#include "crdt/types/text.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "crdt/doc.h"
#include "crdt/transaction.h"
#include "crdt/types/map.h"
#include "crdt/types/types_test_util.h"

namespace symphony::crdt {
namespace {

using testing::FromHex;
using testing::Hex;
using testing::JsonView;
using testing::kClient;
using testing::Num;
using testing::Obj;
using testing::Str;

std::string DeltaJson(const Text& t) { return StringifyJson(t.ToDeltaJson()); }

TEST(TextTest, InsertMatchesYjs) {
  Doc doc(testing::Opts(kClient));
  Text t = doc.GetText("t");
  t.Insert(0, "hello");
  t.Insert(5, " world");
  t.Insert(0, ">> ");
  t.Insert(3, "é日本");
  EXPECT_EQ(t.ToString(), ">> é日本hello world");
  EXPECT_EQ(t.Length(), 17u);
  EXPECT_EQ(Hex(doc.EncodeStateAsUpdate()),
            "010287ad4b00040101740b68656c6c6f20776f726c644487ad4b000b3e3e20c3a9e697a5e69cac00");
}

TEST(TextTest, DeleteMatchesYjs) {
  Doc doc(testing::Opts(kClient));
  Text t = doc.GetText("t");
  t.Insert(0, "hello world");
  t.Delete(2, 3);
  t.Delete(0, 1);
  t.Insert(3, "XY");
  t.Delete(5, 100);
  EXPECT_EQ(t.ToString(), "e wXY");
  EXPECT_EQ(Hex(doc.EncodeStateAsUpdate()),
            "010687ad4b0001010174018487ad4b0001658187ad4b01038487ad4b040220778187ad4b0604c487ad4b"
            "0687ad4b070258590187ad4b03000102030704");
}

TEST(TextTest, OneTransactionMatchesYjs) {
  Doc doc(testing::Opts(kClient));
  Text t = doc.GetText("t");
  doc.Transact([&](Transaction& tr) {
    t.Insert(tr, 0, "abc");
    t.Insert(tr, 1, "X");
    t.Delete(tr, 2, 1);
    t.Insert(tr, 4, "end");
  });
  EXPECT_EQ(t.ToString(), "aXcend");
  EXPECT_EQ(Hex(doc.EncodeStateAsUpdate()),
            "010587ad4b000401017401618187ad4b00018487ad4b010163c487ad4b0087ad4b0101588487ad4b0203"
            "656e640187ad4b010101");
}

TEST(TextTest, FormatMatchesYjs) {
  Doc doc(testing::Opts(kClient));
  Text t = doc.GetText("t");
  t.Insert(0, "hello world");
  t.Format(0, 5, Obj({{"bold", Any::Bool(true)}}));
  t.Format(3, 5, Obj({{"italic", Any::Bool(true)}}));
  t.Format(2, 2, Obj({{"bold", Any::Null()}}));
  t.Insert(1, "Z");
  const Any red = Obj({{"color", Str("red")}});
  t.Insert(6, "Q", &red);
  t.Insert(8, "W");
  EXPECT_EQ(t.ToString(), "hZelloQ Wworld");
  EXPECT_EQ(DeltaJson(t), R"([{"insert":"hZe","attributes":{"bold":true}},{"insert":"l"},)"
                          R"({"insert":"l","attributes":{"italic":true}},)"
                          R"({"insert":"o","attributes":{"italic":true,"bold":true}},)"
                          R"({"insert":"Q","attributes":{"color":"red"}},)"
                          R"({"insert":" Wwo","attributes":{"italic":true}},{"insert":"rld"}])");
  EXPECT_EQ(Hex(doc.EncodeStateAsUpdate()),
            "011587ad4b000401017401688487ad4b0001658487ad4b01016c8487ad4b02016c8487ad4b03016f8487"
            "ad4b0401208487ad4b0502776f8487ad4b0703726c644687ad4b0004626f6c640474727565c687ad4b04"
            "87ad4b0504626f6c64046e756c6cc687ad4b0287ad4b03066974616c69630474727565c687ad4b0787ad"
            "4b08066974616c6963046e756c6cc687ad4b0187ad4b0204626f6c64046e756c6cc687ad4b0387ad4b04"
            "04626f6c640474727565c487ad4b0087ad4b01015ac687ad4b0c87ad4b0505636f6c6f72052272656422"
            "c687ad4b1287ad4b05066974616c6963046e756c6cc487ad4b1387ad4b050151c687ad4b1487ad4b0505"
            "636f6c6f72046e756c6cc687ad4b1587ad4b05066974616c69630474727565c487ad4b0587ad4b060157"
            "00");
}

TEST(TextTest, EmbedMatchesYjs) {
  Doc doc(testing::Opts(kClient));
  Text t = doc.GetText("t");
  t.Insert(0, "ab");
  t.InsertEmbed(1, Obj({{"image", Str("x.png")}}));
  const Any bold = Obj({{"bold", Any::Bool(true)}});
  t.InsertEmbed(3, Obj({{"k", Num(1)}}), &bold);
  t.Delete(0, 1);
  EXPECT_EQ(t.ToString(), "b");
  EXPECT_EQ(t.Length(), 3u);
  EXPECT_EQ(DeltaJson(t), R"([{"insert":{"image":"x.png"}},{"insert":"b"},)"
                          R"({"insert":{"k":1},"attributes":{"bold":true}}])");
  EXPECT_EQ(Hex(doc.EncodeStateAsUpdate()),
            "010687ad4b0001010174018487ad4b000162c587ad4b0087ad4b01117b22696d616765223a22782e706e"
            "67227d8687ad4b0104626f6c6404747275658587ad4b03077b226b223a317d8687ad4b0404626f6c6404"
            "6e756c6c0187ad4b010001");
}

TEST(TextTest, EmbeddedTypesMatchYjs) {
  Doc doc(testing::Opts(kClient));
  Text t = doc.GetText("t");
  t.Insert(0, "ab");
  AbstractType* m = nullptr;
  doc.Transact([&](Transaction& tr) { m = t.InsertType(tr, 1, TypeKind::kMap); });
  Map(m).Set("k", Num(1));
  const Any bold = Obj({{"bold", Any::Bool(true)}});
  AbstractType* x = nullptr;
  doc.Transact([&](Transaction& tr) { x = t.InsertType(tr, 0, TypeKind::kXmlText, {}, &bold); });
  Text(x).Insert(0, "xml");
  t.Insert(4, "c");
  t.Delete(1, 1);
  EXPECT_EQ(JsonView(doc), R"({"t":"bc"})");
  EXPECT_EQ(DeltaJson(t),
            R"([{"insert":"xml","attributes":{"bold":true}},{"insert":{"k":1}},{"insert":"bc"}])");
  EXPECT_EQ(Hex(doc.EncodeStateAsUpdate()),
            "010987ad4b0001010174018487ad4b000162c787ad4b0087ad4b0101280087ad4b02016b017d014687ad"
            "4b0004626f6c640474727565c787ad4b0487ad4b0006c687ad4b0587ad4b0004626f6c64046e756c6c04"
            "0087ad4b0503786d6c8487ad4b0101630187ad4b010001");
}

TextDeltaOp InsertOp(const char* s, Any attrs = Any()) {
  TextDeltaOp op;
  op.insert = std::string(s);
  op.attributes = std::move(attrs);
  return op;
}
TextDeltaOp RetainOp(uint64_t n, Any attrs = Any()) {
  TextDeltaOp op;
  op.kind = TextDeltaOp::Kind::kRetain;
  op.length = n;
  op.attributes = std::move(attrs);
  return op;
}
TextDeltaOp DeleteOp(uint64_t n) {
  TextDeltaOp op;
  op.kind = TextDeltaOp::Kind::kDelete;
  op.length = n;
  return op;
}

TEST(TextTest, ApplyDeltaMatchesYjs) {
  Doc doc(testing::Opts(kClient));
  Text t = doc.GetText("t");
  t.ApplyDelta({InsertOp("Gandalf", Obj({{"bold", Any::Bool(true)}})), InsertOp(" the "),
                InsertOp("Grey", Obj({{"color", Str("#ccc")}}))});
  t.ApplyDelta(
      {RetainOp(3), DeleteOp(2), RetainOp(4, Obj({{"italic", Any::Bool(true)}})), InsertOp("!")});
  EXPECT_EQ(t.ToString(), "Ganlf t!he Grey");
  EXPECT_EQ(DeltaJson(t), R"([{"insert":"Gan","attributes":{"bold":true}},)"
                          R"({"insert":"lf","attributes":{"bold":true,"italic":true}},)"
                          R"({"insert":" t","attributes":{"italic":true}},{"insert":"!he "},)"
                          R"({"insert":"Grey","attributes":{"color":"#ccc"}}])");
  EXPECT_EQ(Hex(doc.EncodeStateAsUpdate()),
            "010d87ad4b000601017404626f6c6404747275658487ad4b000347616e8187ad4b03028487ad4b05026c"
            "668687ad4b0704626f6c64046e756c6c8487ad4b080220748487ad4b0a036865208687ad4b0d05636f6c"
            "6f72062223636363228487ad4b0e04477265798687ad4b1205636f6c6f72046e756c6cc687ad4b0587ad"
            "4b06066974616c69630474727565c687ad4b0a87ad4b0b066974616c6963046e756c6cc487ad4b1587ad"
            "4b0b01210187ad4b010402");
}

TEST(TextTest, SurrogateSplitsMatchYjs) {
  Doc doc(testing::Opts(kClient));
  Text t = doc.GetText("t");
  t.Insert(0, "a😀b😀c");
  t.Insert(2, "X");
  t.Delete(5, 1);
  EXPECT_EQ(t.ToString(), "a\uFFFDX\uFFFDb\uFFFDc");
  EXPECT_EQ(Hex(doc.EncodeStateAsUpdate()),
            "010587ad4b00040101740461efbfbd8487ad4b0104efbfbd628187ad4b03018487ad4b0404efbfbd63c4"
            "87ad4b0187ad4b0201580187ad4b010401");
}

TEST(TextTest, FormatPastEndAddsNewlinesLikeYjs) {
  Doc doc(testing::Opts(kClient));
  Text t = doc.GetText("t");
  t.Insert(0, "abc");
  t.Format(1, 5, Obj({{"bold", Any::Bool(true)}}));
  EXPECT_EQ(t.ToString(), "abc\n\n\n");
  EXPECT_EQ(Hex(doc.EncodeStateAsUpdate()),
            "010587ad4b000401017401618487ad4b00026263c687ad4b0087ad4b0104626f6c6404747275658487ad"
            "4b02030a0a0a8687ad4b0604626f6c64046e756c6c00");
}

TEST(TextTest, DeleteInsideFormattingCleansUpLikeYjs) {
  Doc doc(testing::Opts(kClient));
  Text t = doc.GetText("t");
  t.Insert(0, "abcdef");
  t.Format(1, 2, Obj({{"bold", Any::Bool(true)}}));
  t.Format(2, 3, Obj({{"italic", Any::Bool(true)}, {"size", Num(3)}}));
  t.Delete(1, 3);
  t.Insert(1, "Q");
  EXPECT_EQ(t.ToString(), "aQef");
  EXPECT_EQ(DeltaJson(t),
            R"([{"insert":"aQ"},{"insert":"e","attributes":{"italic":true,"size":3}},)"
            R"({"insert":"f"}])");
  EXPECT_EQ(Hex(doc.EncodeStateAsUpdate()),
            "010d87ad4b000401017401618187ad4b00018187ad4b01018187ad4b02018487ad4b0301658487ad4b04"
            "0166c187ad4b0087ad4b0101c187ad4b0287ad4b0301c687ad4b0187ad4b02066974616c696304747275"
            "65c687ad4b0887ad4b020473697a650133c687ad4b0487ad4b05066974616c6963046e756c6cc687ad4b"
            "0a87ad4b050473697a65046e756c6cc487ad4b0187ad4b0801510187ad4b0201030602");
}

TEST(TextTest, AttributeKeyOrderFollowsJavaScript) {
  Doc doc(testing::Opts(kClient));
  Text t = doc.GetText("t");
  const Any attrs =
      Obj({{"b", Num(1)}, {"2", Str("two")}, {"a", Obj({{"x", Num(1)}})}, {"1", Str("one")}});
  t.Insert(0, "abc", &attrs);
  // A different object with equal flat content counts as the same attribute value.
  const Any a = Obj({{"a", Obj({{"x", Num(1)}})}});
  t.Insert(3, "de", &a);
  t.Format(0, 5, Obj({{"b", Any::Null()}, {"1", Any::Null()}}));
  EXPECT_EQ(DeltaJson(t), R"([{"insert":"abc","attributes":{"2":"two","a":{"x":1}}},)"
                          R"({"insert":"de","attributes":{"a":{"x":1}}}])");
  EXPECT_EQ(Hex(doc.EncodeStateAsUpdate()),
            "010a87ad4b0001010174018687ad4b000132052274776f228187ad4b01018687ad4b020161077b227822"
            "3a317d8487ad4b03036162638187ad4b06018687ad4b070132046e756c6c8187ad4b08018687ad4b0901"
            "61046e756c6cc487ad4b0987ad4b0a0264650187ad4b040001020107010901");
}

// gen_type_vectors.mjs's textOp: one random edit.
void TextOp(Text& t, Transaction& tr, testing::XorShift32& r, bool with_formats) {
  static const char* kPool[] = {"a", "bc",   "hello", " ",   "\n",
                                "ä", "日本", "😀",     "x😀y", "long string here"};
  static const std::vector<Any> attr_pool = {
      Obj({{"bold", Any::Bool(true)}}),
      Obj({{"bold", Any::Null()}}),
      Obj({{"italic", Any::Bool(true)}}),
      Obj({{"color", Str("red")}}),
      Obj({{"color", Str("blue")}}),
      Obj({{"color", Any::Null()}}),
      Obj({{"bold", Any::Bool(true)}, {"italic", Any::Null()}}),
      Any::MakeObject()};
  const uint64_t len = t.Length();
  const uint32_t k = r.Below(with_formats ? 10 : 6);
  if (k < 4 || len == 0) {
    const char* s = kPool[r.Below(std::size(kPool))];
    const uint64_t pos = r.Below(len + 1);
    if (with_formats && k == 3) {
      const Any& attrs = attr_pool[r.Below(attr_pool.size())];
      t.Insert(tr, pos, s, &attrs);
    } else {
      t.Insert(tr, pos, s);
    }
  } else if (k < 6) {
    const uint64_t pos = r.Below(len);
    t.Delete(tr, pos, 1 + r.Below(std::min<uint64_t>(8, len - pos)));
  } else if (k < 9) {
    const uint64_t pos = r.Below(len);
    const uint64_t n = 1 + r.Below(std::min<uint64_t>(10, len - pos));
    t.Format(tr, pos, n, attr_pool[r.Below(attr_pool.size())]);
  } else {
    const uint64_t pos = r.Below(len + 1);
    t.InsertEmbed(tr, pos, Obj({{"e", Num(r.Below(100))}}));
  }
}

// gen_type_vectors.mjs's randomText.
void RandomText(Doc& doc, uint32_t seed, int steps, bool with_formats) {
  Text t = doc.GetText("t");
  testing::XorShift32 r(seed);
  for (int i = 0; i < steps; ++i) {
    if (r.Below(4) == 0) {
      const uint32_t n = 1 + r.Below(4);
      doc.Transact([&](Transaction& tr) {
        for (uint32_t j = 0; j < n; ++j) TextOp(t, tr, r, with_formats);
      });
    } else {
      doc.Transact([&](Transaction& tr) { TextOp(t, tr, r, with_formats); });
    }
  }
}

TEST(TextTest, RandomPlainEditsMatchYjs) {
  Doc doc(testing::Opts(kClient));
  RandomText(doc, 7, 3000, false);
  const std::vector<uint8_t> state = doc.EncodeStateAsUpdate();
  EXPECT_EQ(state.size(), 62464u);
  EXPECT_EQ(testing::Fnv1a64(state), "94b58ecab4a5dd67");
  EXPECT_EQ(testing::Fnv1a64(JsonView(doc)), "e89bf90b4d5327fd");
  EXPECT_EQ(testing::Fnv1a64(DeltaJson(doc.GetText("t"))), "d84006e14ff01d92");
}

TEST(TextTest, RandomRichEditsMatchYjs) {
  Doc doc(testing::Opts(kClient));
  RandomText(doc, 11, 1500, true);
  const std::vector<uint8_t> state = doc.EncodeStateAsUpdate();
  EXPECT_EQ(state.size(), 44679u);
  EXPECT_EQ(testing::Fnv1a64(state), "334b9c8cf5e0f6c1");
  EXPECT_EQ(testing::Fnv1a64(JsonView(doc)), "ceaa3cc382a9d38b");
  EXPECT_EQ(testing::Fnv1a64(DeltaJson(doc.GetText("t"))), "a9073409c2c15816");
}

// The root receives formatted text before being typed; Yjs then searches from markers although
// format items exist (see AbstractType::Marker), which changes where unformatted inserts land.
TEST(TextTest, TypedAfterRemoteFormatsFollowsYjsMarkers) {
  Doc a(testing::Opts(1));
  RandomText(a, 5, 300, true);
  Doc doc(testing::Opts(kClient));
  ASSERT_TRUE(doc.ApplyUpdate(a.EncodeStateAsUpdate()).ok());
  RandomText(doc, 6, 1500, false);
  const std::vector<uint8_t> state = doc.EncodeStateAsUpdate();
  EXPECT_EQ(state.size(), 35214u);
  EXPECT_EQ(testing::Fnv1a64(state), "daf2fa7598f86b64");
  EXPECT_EQ(testing::Fnv1a64(JsonView(doc)), "810e0da7e9e1565b");
  EXPECT_EQ(testing::Fnv1a64(DeltaJson(doc.GetText("t"))), "ee73794a69313dca");
}

// gen_type_vectors.mjs's concurrentRich: three replicas edit rich text concurrently and exchange
// state-vector diffs; each receipt may run the formatting cleanup. (Yjs replicas need not agree
// with each other here: a surrogate pair split by one replica stays whole in the others.)
TEST(TextTest, ConcurrentRichEditsMatchYjs) {
  std::vector<std::unique_ptr<Doc>> docs;
  for (ClientId c = 1; c <= 3; ++c) docs.push_back(std::make_unique<Doc>(testing::Opts(c)));
  testing::XorShift32 r(42);
  auto sync = [&](uint32_t a, uint32_t b) {
    ASSERT_TRUE(docs[b]->ApplyUpdate(docs[a]->EncodeStateAsUpdate(docs[b]->GetStateVector())).ok());
  };
  for (int i = 0; i < 1500; ++i) {
    if (r.Below(10) < 8) {
      Doc& doc = *docs[r.Below(3)];
      Text t = doc.GetText("t");
      doc.Transact([&](Transaction& tr) { TextOp(t, tr, r, true); });
    } else {
      const uint32_t a = r.Below(3);
      const uint32_t b = r.Below(3);
      if (a != b) sync(a, b);
    }
  }
  for (int round = 0; round < 2; ++round) {
    for (uint32_t a = 0; a < 3; ++a) {
      for (uint32_t b = 0; b < 3; ++b) {
        if (a != b) sync(a, b);
      }
    }
  }
  const struct {
    size_t size;
    const char* state;
    const char* delta;
  } kExpected[] = {
      {21329, "971d98271e8b463c", "931690fe95ad029a"},
      {21327, "73a537d31e6d4993", "771878042dc11e77"},
      {21329, "29cc4a2d23552266", "23d05887e4aa2ade"},
  };
  for (size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    const std::vector<uint8_t> state = docs[i]->EncodeStateAsUpdate();
    EXPECT_EQ(state.size(), kExpected[i].size);
    EXPECT_EQ(testing::Fnv1a64(state), kExpected[i].state);
    EXPECT_EQ(testing::Fnv1a64(DeltaJson(docs[i]->GetText("t"))), kExpected[i].delta);
  }
}

// Client 1 formats locally while client 2 (the update below) formats the same ranges; on
// receiving it, a doc whose root is typed as text removes the now-redundant format items
// (cleanupYTextAfterTransaction); a doc that never typed the root does not.
TEST(TextTest, RemoteFormattingIsCleanedUpLikeYjs) {
  Doc a(testing::Opts(1));
  Text ta = a.GetText("t");
  ta.Insert(0, "hello world");
  ta.Format(0, 5, Obj({{"bold", Any::Bool(true)}}));
  ta.Format(6, 3, Obj({{"italic", Any::Bool(true)}}));
  const std::vector<uint8_t> a_state = a.EncodeStateAsUpdate();
  const std::vector<uint8_t> from_b = FromHex(
      "0104020046010004626f6c640474727565c60104010504626f6c64046e756c6cc601010102066974616c6963"
      "0474727565c601070108066974616c6963046e756c6c0101010802");
  ASSERT_TRUE(a.ApplyUpdate(from_b).ok());
  EXPECT_EQ(ta.ToString(), "hello wod");
  EXPECT_EQ(DeltaJson(ta), R"([{"insert":"he","attributes":{"bold":true}},)"
                           R"({"insert":"llo","attributes":{"bold":true,"italic":true}},)"
                           R"({"insert":" ","attributes":{"italic":true}},)"
                           R"({"insert":"wo","attributes":{"italic":true}},{"insert":"d"}])");
  EXPECT_EQ(Hex(a.EncodeStateAsUpdate()),
            "0204020046010004626f6c640474727565c60104010504626f6c64046e756c6cc601010102066974616c"
            "69630474727565c601070108066974616c6963046e756c6c0b010004010174026865840101036c6c6f84"
            "0104012084010502776f8101070181010801840109016441010001c60104010504626f6c64046e756c6c"
            "c601050106066974616c69630474727565c601080109066974616c6963046e756c6c01010208020b01");

  Doc plain(testing::Opts(3));
  ASSERT_TRUE(plain.ApplyUpdate(a_state).ok());
  ASSERT_TRUE(plain.ApplyUpdate(from_b).ok());
  EXPECT_EQ(Hex(plain.EncodeStateAsUpdate()),
            "0204020046010004626f6c640474727565c60104010504626f6c64046e756c6cc601010102066974616c"
            "69630474727565c601070108066974616c6963046e756c6c0b010004010174026865840101036c6c6f84"
            "0104012084010502776f8101070181010801840109016446010004626f6c640474727565c60104010504"
            "626f6c64046e756c6cc601050106066974616c69630474727565c601080109066974616c6963046e756c"
            "6c0101010802");
}

TEST(TextTest, EmptyInsertAndZeroLengthOpsDoNothing) {
  Doc doc(testing::Opts(kClient));
  Text t = doc.GetText("t");
  t.Insert(0, "");
  t.Delete(0, 0);
  t.Format(0, 0, Obj({{"bold", Any::Bool(true)}}));
  EXPECT_EQ(doc.GetStateVector().size(), 0u);
  t.Insert(0, "x");
  t.Format(1, 3, Obj({{"bold", Any::Bool(true)}}));  // at the end: nothing to format
  EXPECT_EQ(t.ToString(), "x");
}

TEST(TextTest, InsertWithoutAttributesInheritsFormatting) {
  Doc doc(testing::Opts(kClient));
  Text t = doc.GetText("t");
  const Any bold = Obj({{"bold", Any::Bool(true)}});
  t.Insert(0, "ab", &bold);
  t.Insert(1, "X");  // takes the attributes at the position
  const Any none = Any::MakeObject();
  t.Insert(3, "Y", &none);  // explicitly unformatted
  EXPECT_EQ(DeltaJson(t), R"([{"insert":"aXb","attributes":{"bold":true}},{"insert":"Y"}])");
}

TEST(TextTest, TypeAttributesAreMapEntries) {
  Doc doc(testing::Opts(kClient));
  Text t = doc.GetText("t");
  doc.Transact([&](Transaction& tr) { t.SetAttribute(tr, "lang", Str("en")); });
  EXPECT_EQ(t.GetAttribute("lang"), Str("en"));
  doc.Transact([&](Transaction& tr) { t.RemoveAttribute(tr, "lang"); });
  EXPECT_TRUE(t.GetAttribute("lang").is_undefined());
}

}  // namespace
}  // namespace symphony::crdt
