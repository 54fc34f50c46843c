#include "crdt/lib0/any.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace symphony::crdt {
namespace {

TEST(Any, ObjectKeyOrderFollowsJs) {
  Any o = Any::MakeObject();
  o.Set("b", Any::Number(1));
  o.Set("10", Any::Number(2));
  o.Set("a", Any::Number(3));
  o.Set("2", Any::Number(4));
  o.Set("01", Any::Number(5));
  o.Set("4294967295", Any::Number(6));  // not an index (2^32-1)
  o.Set("b", Any::Number(7));           // replaced in place
  EXPECT_EQ(StringifyJson(o), R"({"2":4,"10":2,"b":7,"a":3,"01":5,"4294967295":6})");
  ASSERT_NE(o.Get("a"), nullptr);
  EXPECT_EQ(o.Get("a")->as_number(), 3);
  EXPECT_EQ(o.Get("zz"), nullptr);
}

TEST(Any, ObjectFromEntriesLargeMatchesSet) {
  std::vector<std::pair<std::string, Any>> entries;
  Any expect = Any::MakeObject();
  for (int i = 0; i < 200; ++i) {
    std::string k = (i % 3 == 0) ? std::to_string((i * 7919) % 101) : "k" + std::to_string(i % 50);
    entries.emplace_back(k, Any::Number(i));
    expect.Set(k, Any::Number(i));
  }
  EXPECT_EQ(Any::ObjectFromEntries(entries), expect);
}

TEST(Any, CopiesDoNotShareMutations) {
  Any a = Any::MakeArray({Any::Number(1)});
  Any b = a;
  b.as_array().push_back(Any::Null());
  EXPECT_EQ(a.as_array().size(), 1u);
  EXPECT_EQ(b.as_array().size(), 2u);
  Any o = Any::MakeObject();
  o.Set("x", Any::Number(1));
  Any p = o;
  p.Set("y", Any::Number(2));
  EXPECT_EQ(o.as_object().size(), 1u);
}

TEST(Any, EqualityIsSameValue) {
  EXPECT_EQ(Any::Number(NAN), Any::Number(NAN));
  EXPECT_NE(Any::Number(0.0), Any::Number(-0.0));
  EXPECT_NE(Any::Number(1), Any::BigInt(1));
  EXPECT_NE(Any(), Any::Null());
}

TEST(Json, StringifyRules) {
  Any o = Any::MakeObject();
  o.Set("u", Any());
  o.Set("n", Any::Number(-0.0));
  o.Set("nan", Any::Number(NAN));
  o.Set("inf", Any::Number(-INFINITY));
  o.Set("arr", Any::MakeArray({Any(), Any::Bytes({1, 2})}));
  o.Set("s", Any::String(std::string("\"\\\b\f\n\r\t\x01\x1f\x7f\xe2\x80\xa8/", 14)));
  EXPECT_EQ(StringifyJson(o),
            "{\"n\":0,\"nan\":null,\"inf\":null,\"arr\":[null,{\"0\":1,\"1\":2}],"
            "\"s\":\"\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001f\x7f\xe2\x80\xa8/\"}");
  EXPECT_EQ(StringifyJson(Any()), "undefined");
  EXPECT_EQ(StringifyJson(Any::MakeObject()), "{}");
  EXPECT_EQ(StringifyJson(Any::BigInt(-5)), "-5");
  // Invalid UTF-8 comes out as U+FFFD.
  EXPECT_EQ(StringifyJson(Any::String("a\xff")), "\"a\xef\xbf\xbd\"");
}

TEST(Json, NumberFormatting) {
  EXPECT_EQ(JsNumberToString(1e21), "1e+21");
  EXPECT_EQ(JsNumberToString(1e20), "100000000000000000000");
  EXPECT_EQ(JsNumberToString(1e-7), "1e-7");
  EXPECT_EQ(JsNumberToString(1.5e-7), "1.5e-7");
  EXPECT_EQ(JsNumberToString(1e-6), "0.000001");
  EXPECT_EQ(JsNumberToString(-0.0), "0");
  EXPECT_EQ(JsNumberToString(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(JsNumberToString(5e-324), "5e-324");
  EXPECT_EQ(JsNumberToString(1.7976931348623157e308), "1.7976931348623157e+308");
  EXPECT_EQ(JsNumberToString(123456789012345680000.0), "123456789012345680000");
  EXPECT_EQ(JsNumberToString(NAN), "NaN");
  EXPECT_EQ(JsNumberToString(-INFINITY), "-Infinity");
}

TEST(Json, ParseErrorsHaveOffsets) {
  struct Case {
    const char* text;
    StatusCode code;
    uint64_t offset;
  } cases[] = {
      {"", StatusCode::kInvalid, 0},         {"[1,]", StatusCode::kInvalid, 3},
      {"{\"a\" 1}", StatusCode::kInvalid, 5}, {"\"abc", StatusCode::kInvalid, 0},
      {"1 2", StatusCode::kInvalid, 2},       {"\"\\q\"", StatusCode::kInvalid, 2},
      {"01", StatusCode::kInvalid, 1},
  };
  for (const auto& c : cases) {
    Result<Any> r = ParseJson(c.text);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.status().code(), c.code) << c.text;
    EXPECT_EQ(r.status().offset(), c.offset) << c.text;
  }
  Result<Any> bad = ParseJson("\"a\xff\"");
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalid);
  EXPECT_EQ(bad.status().offset(), 2u);
}

TEST(Json, DepthLimit) {
  std::string deep(300, '[');
  deep += std::string(300, ']');
  Result<Any> r = ParseJson(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kLimit);
  EXPECT_TRUE(ParseJson(deep, 300).ok());
}

TEST(Json, ParseValues) {
  Result<Any> r = ParseJson(R"( {"a": [1, -0, 1e400, "\u00e9\ud83d\ude00\ud800x"], "a": 2, "1": 3} )");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(StringifyJson(*r), R"({"1":3,"a":2})");
  Result<Any> s = ParseJson(R"("\u00e9\ud83d\ude00\ud800x")");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->as_string(), "\xc3\xa9\xf0\x9f\x98\x80\xef\xbf\xbdx");
  Result<Any> neg = ParseJson("-0");
  ASSERT_TRUE(neg.ok());
  EXPECT_TRUE(std::signbit(neg->as_number()));
  Result<Any> tiny = ParseJson("-1e-400");
  ASSERT_TRUE(tiny.ok());
  EXPECT_EQ(*tiny, Any::Number(-0.0));
  Result<Any> big = ParseJson("1e400");
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big->as_number(), std::numeric_limits<double>::infinity());
}

}  // namespace
}  // namespace symphony::crdt
