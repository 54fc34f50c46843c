// Decoding untrusted bytes: bounds, overflow, sticky errors, limits.
#include "crdt/lib0/decoder.h"

#include <gtest/gtest.h>

#include "crdt/lib0/encoder.h"

namespace symphony::crdt::lib0 {
namespace {

std::vector<uint8_t> B(std::initializer_list<int> v) {
  std::vector<uint8_t> out;
  for (int x : v) out.push_back(static_cast<uint8_t>(x));
  return out;
}

TEST(Decoder, TruncatedVarUint) {
  auto b = B({0x80, 0x80});
  Decoder d(b, 100);
  EXPECT_EQ(d.ReadVarUint(), 0u);
  ASSERT_TRUE(d.failed());
  EXPECT_EQ(d.status().code(), StatusCode::kTruncated);
  EXPECT_EQ(d.status().offset(), 100u);
  EXPECT_FALSE(d.has_content());
}

TEST(Decoder, VarUintOverflow) {
  // 2^53 exactly.
  Encoder e;
  e.WriteVarUint(kMaxSafeInteger + 1);
  Decoder d(e.bytes());
  d.ReadVarUint();
  EXPECT_EQ(d.status().code(), StatusCode::kOverflow);
  // Ten continuation bytes with payload.
  auto b = B({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01});
  Decoder d2(b);
  d2.ReadVarUint();
  EXPECT_EQ(d2.status().code(), StatusCode::kOverflow);
  // Max safe is fine.
  Encoder e3;
  e3.WriteVarUint(kMaxSafeInteger);
  Decoder d3(e3.bytes());
  EXPECT_EQ(d3.ReadVarUint(), kMaxSafeInteger);
  EXPECT_FALSE(d3.failed());
}

TEST(Decoder, OverlongVarUintAccepted) {
  auto b = B({0x85, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00});
  Decoder d(b);
  EXPECT_EQ(d.ReadVarUint(), 5u);
  EXPECT_FALSE(d.failed());
}

TEST(Decoder, VarIntNegativeZeroAndOverflow) {
  auto b = B({0x40, 0xc1, 0x01});
  Decoder d(b);
  bool nz = false;
  EXPECT_EQ(d.ReadVarInt(&nz), 0);
  EXPECT_TRUE(nz);
  EXPECT_EQ(d.ReadVarInt(&nz), -65);
  EXPECT_FALSE(nz);
  Encoder e;
  e.WriteVarIntSignMagnitude(kMaxSafeInteger + 1, true);
  Decoder d2(e.bytes());
  d2.ReadVarInt();
  EXPECT_EQ(d2.status().code(), StatusCode::kOverflow);
}

TEST(Decoder, StickyErrorKeepsFirst) {
  auto b = B({0x05, 'a'});
  Decoder d(b);
  EXPECT_EQ(d.ReadVarString(), "");
  EXPECT_EQ(d.status().code(), StatusCode::kOverflow);
  EXPECT_EQ(d.status().offset(), 0u);
  EXPECT_EQ(d.ReadUint8(), 0);
  EXPECT_EQ(d.ReadVarUint(), 0u);
  EXPECT_EQ(d.status().code(), StatusCode::kOverflow);
}

TEST(Decoder, InvalidUtf8IsAnError) {
  for (auto b : {B({2, 0xc3, 0x28}), B({1, 0x80}), B({3, 0xed, 0xa0, 0x80}),  // surrogate
                 B({2, 0xc0, 0x80}),                                           // overlong
                 B({4, 0xf4, 0x90, 0x80, 0x80})}) {                           // > U+10FFFF
    Decoder d(b);
    d.ReadVarString();
    EXPECT_EQ(d.status().code(), StatusCode::kInvalid);
  }
  // A BOM is kept.
  auto bom = B({3, 0xef, 0xbb, 0xbf});
  Decoder d(bom);
  EXPECT_EQ(d.ReadVarString16(), u"\ufeff");
}

TEST(Decoder, FloatsNeedAllBytes) {
  auto b = B({0x3f, 0x80, 0x00});
  Decoder d(b);
  d.ReadFloat32();
  EXPECT_EQ(d.status().code(), StatusCode::kTruncated);
  auto b2 = B({0x3f, 0x80, 0x00, 0x00});
  Decoder d2(b2);
  EXPECT_EQ(d2.ReadFloat32(), 1.0f);
}

TEST(Decoder, AnyCountsBoundedByInput) {
  // Array claiming 2^40 elements.
  Encoder e;
  e.WriteUint8(117);
  e.WriteVarUint(uint64_t{1} << 40);
  Decoder d(e.bytes());
  d.ReadAny();
  EXPECT_EQ(d.status().code(), StatusCode::kOverflow);
  EXPECT_EQ(d.status().offset(), 1u);
  // Object claiming more entries than bytes / 2.
  auto b = B({118, 3, 0, 126, 0, 126});
  Decoder d2(b);
  d2.ReadAny();
  EXPECT_EQ(d2.status().code(), StatusCode::kOverflow);
  // Uint8Array longer than the input.
  auto b3 = B({116, 10, 1, 2});
  Decoder d3(b3);
  d3.ReadAny();
  EXPECT_EQ(d3.status().code(), StatusCode::kOverflow);
}

TEST(Decoder, AnyDepthLimit) {
  std::vector<uint8_t> b;
  for (int i = 0; i < 100; ++i) {
    b.push_back(117);
    b.push_back(1);
  }
  b.push_back(126);
  Decoder d(b);
  d.ReadAny(64);
  EXPECT_EQ(d.status().code(), StatusCode::kLimit);
  Decoder d2(b);
  Any v = d2.ReadAny(100);
  EXPECT_FALSE(d2.failed());
  EXPECT_EQ(v.type(), Any::Type::kArray);
}

TEST(Decoder, AnyUnknownTag) {
  for (int tag : {0, 115, 128, 255}) {
    auto b = B({tag});
    Decoder d(b);
    d.ReadAny();
    EXPECT_EQ(d.status().code(), StatusCode::kInvalid) << tag;
  }
}

TEST(Decoder, AnyObjectKeyOrderAndProto) {
  // {"b":1, "1":2, "__proto__":3, "0":4, "b":5} as written by hand.
  Encoder e;
  e.WriteUint8(118);
  e.WriteVarUint(5);
  const std::pair<const char*, int> entries[] = {
      {"b", 1}, {"1", 2}, {"__proto__", 3}, {"0", 4}, {"b", 5}};
  for (const auto& [k, v] : entries) {
    e.WriteVarString(std::string_view(k));
    e.WriteAny(Any::Number(v));
  }
  Decoder d(e.bytes());
  Any obj = d.ReadAny();
  ASSERT_FALSE(d.failed());
  EXPECT_EQ(StringifyJson(obj), R"({"0":4,"1":2,"b":5})");
}

// SkipAny against ReadAny on the same bytes: same position after, same error.
void ExpectSkipMatchesRead(const std::vector<uint8_t>& b, int max_depth = 64) {
  Decoder read(b);
  read.ReadAny(max_depth);
  Decoder skip(b);
  skip.SkipAny(max_depth);
  EXPECT_EQ(skip.failed(), read.failed());
  if (read.failed()) {
    EXPECT_EQ(skip.status().ToString(), read.status().ToString());
  } else {
    EXPECT_EQ(skip.pos(), read.pos());
  }
}

TEST(Decoder, SkipAnyConsumesWhatReadAnyReads) {
  Any stroke = Any::MakeObject();
  stroke.Set("id", Any::String("u1-1"));
  stroke.Set("points", Any::MakeArray({Any::MakeArray({Any::Number(1), Any::Number(2.5)}),
                                       Any::MakeArray({}), Any::MakeObject()}));
  stroke.Set("big", Any::BigInt(-7));
  stroke.Set("bytes", Any::Bytes({1, 2, 3}));
  stroke.Set("flags", Any::MakeArray({Any::Bool(true), Any::Bool(false), Any::Null(), Any()}));
  stroke.Set("t", Any::Number(1.7e15));
  Encoder e;
  e.WriteAny(stroke);
  e.WriteAny(Any::String("after"));
  ExpectSkipMatchesRead(e.bytes());
  Decoder d(e.bytes());
  d.SkipAny();
  EXPECT_EQ(d.ReadAny(), Any::String("after"));  // stopped right after the first value
  // Every truncation fails the same way.
  for (size_t n = 0; n + 1 < e.bytes().size(); ++n) {
    ExpectSkipMatchesRead(std::vector<uint8_t>(e.bytes().begin(), e.bytes().begin() + n));
  }
  // Bounds, depth, tags and bad UTF-8 in keys and strings.
  ExpectSkipMatchesRead(B({117, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20}));
  ExpectSkipMatchesRead(B({118, 3, 0, 126, 0, 126}));
  ExpectSkipMatchesRead(B({116, 10, 1, 2}));
  ExpectSkipMatchesRead(B({118, 1, 1, 0xff, 126}));
  ExpectSkipMatchesRead(B({119, 2, 0xc3, 0x28}));
  ExpectSkipMatchesRead(B({117, 2, 126, 115}));
  std::vector<uint8_t> deep;
  for (int i = 0; i < 100; ++i) deep.insert(deep.end(), {117, 1});
  deep.push_back(126);
  ExpectSkipMatchesRead(deep, 64);
  ExpectSkipMatchesRead(deep, 100);
  ExpectSkipMatchesRead(deep, 101);
}

TEST(RleDecoders, EmptyStreamsFail) {
  RleDecoder r({});
  r.Read();
  EXPECT_FALSE(r.status().ok());
  UintOptRleDecoder u({});
  u.Read();
  EXPECT_FALSE(u.status().ok());
  IntDiffOptRleDecoder i({});
  i.Read();
  EXPECT_FALSE(i.status().ok());
}

TEST(RleDecoders, IntDiffOverflowFails) {
  // diff = 2^52 (encoded as 2^53 with the count bit) repeated many times.
  Encoder e;
  e.WriteVarIntSignMagnitude(kMaxSafeInteger, false);  // diff 2^52-1, with count
  e.WriteVarUint(1000);
  IntDiffOptRleDecoder d(e.bytes());
  for (int i = 0; i < 10 && d.status().ok(); ++i) d.Read();
  EXPECT_EQ(d.status().code(), StatusCode::kOverflow);
}

TEST(StringDecoder, LengthsPastTheString) {
  StringEncoder e;
  e.Write(std::string_view("abc"));
  auto bytes = e.Finish();
  bytes.back() = 5;  // lens column: 5 instead of 3
  StringDecoder d(bytes);
  EXPECT_EQ(d.Read(), "");
  EXPECT_EQ(d.status().code(), StatusCode::kOverflow);
}

TEST(StringDecoder, SplitPairUtf8) {
  StringEncoder e;
  e.Write(std::u16string_view(u"a\U0001F600"));
  auto bytes = e.Finish();
  // Re-slice as lengths 2, 1: the pair is split.
  Encoder fake;
  fake.WriteVarUint(5);
  fake.WriteRaw({bytes.data() + 1, 5});
  UintOptRleEncoder lens;
  lens.Write(2);
  lens.Write(1);
  fake.WriteRaw(lens.Finish());
  StringDecoder d(fake.bytes());
  EXPECT_EQ(d.Read(), "a\xEF\xBF\xBD");
  EXPECT_EQ(d.Read(), "\xEF\xBF\xBD");
  EXPECT_TRUE(d.status().ok());
  StringDecoder d16(fake.bytes());
  EXPECT_EQ(d16.Read16(), u"a\xD83D");
  EXPECT_EQ(d16.Read16(), u"\xDE00");
}

TEST(Encoder, InvalidUtf8IsSanitized) {
  Encoder e;
  e.WriteVarString(std::string_view("a\xff" "b\xe2\x82"));
  // a, U+FFFD, b, U+FFFD (the truncated sequence is one maximal subpart)
  EXPECT_EQ(e.bytes(), (std::vector<uint8_t>{8, 'a', 0xef, 0xbf, 0xbd, 'b', 0xef, 0xbf, 0xbd}));
  EXPECT_EQ(Utf16Length("a\xff" "b\xe2\x82"), 4u);
  EXPECT_EQ(Utf8ToUtf16("a\xff" "b\xe2\x82"), u"a\uFFFDb\uFFFD");
}

TEST(Utf, ConversionsAroundLongAsciiRuns) {
  // ASCII runs longer than the 8-byte fast path, between 2-, 3- and 4-byte sequences, a lone
  // surrogate (U+FFFD in UTF-8) and an invalid byte at the very end.
  const std::string ascii = "the quick brown fox jumps over the lazy dog";
  const std::string utf8 = ascii + "\xc3\xa9" + ascii + "\xe2\x82\xac" + ascii +
                           "\xf0\x9f\x98\x80" + ascii + "\xff";
  const std::u16string a16(ascii.begin(), ascii.end());
  const std::u16string expected =
      a16 + u"\u00e9" + a16 + u"\u20ac" + a16 + u"\xD83D\xDE00" + a16 + u"\uFFFD";
  EXPECT_EQ(Utf8ToUtf16(utf8), expected);
  EXPECT_EQ(Utf16Length(utf8), expected.size());
  EXPECT_EQ(Utf16ToUtf8(expected), utf8.substr(0, utf8.size() - 1) + "\xef\xbf\xbd");
  EXPECT_EQ(Utf16ToUtf8(a16 + u"\xD800" + a16), ascii + "\xef\xbf\xbd" + ascii);
  EXPECT_EQ(Utf16ToUtf8(u""), "");
  EXPECT_EQ(Utf8ToUtf16(""), u"");
}

}  // namespace
}  // namespace symphony::crdt::lib0
