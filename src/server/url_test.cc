#include "server/url.h"

#include <gtest/gtest.h>

namespace symphony::server {
namespace {

TEST(UrlTest, PercentDecode) {
  EXPECT_EQ(PercentDecode("a%20b%2Fc").value(), "a b/c");
  EXPECT_EQ(PercentDecode("plain+text").value(), "plain+text");
  EXPECT_EQ(PercentDecode("%41").value(), "A");
  EXPECT_EQ(PercentDecode("").value(), "");
  for (const char* bad : {"%", "%4", "a%zz", "%g1", "x%"}) {
    Result<std::string> r = PercentDecode(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalid);
    EXPECT_NE(r.status().message().find("percent escape"), std::string::npos);
  }
}

TEST(UrlTest, QueryParam) {
  EXPECT_EQ(QueryParam("/room?token=abc&x=1", "token"), "abc");
  EXPECT_EQ(QueryParam("/room?x=1&token=a%2Bb+c", "token"), "a+b c");
  EXPECT_EQ(QueryParam("/room?tokenx=1", "token"), "");
  EXPECT_EQ(QueryParam("/room?token=%zz", "token"), "");
  EXPECT_EQ(QueryParam("/room#token=1", "token"), "");
  EXPECT_EQ(QueryParam("/room?token=1#frag", "token"), "1");
  EXPECT_EQ(QueryParam("/room", "token"), "");
}

TEST(UrlTest, TargetPath) {
  EXPECT_EQ(TargetPath("/a/b?c=d"), "/a/b");
  EXPECT_EQ(TargetPath("/a#x?y"), "/a");
  EXPECT_EQ(TargetPath("/a"), "/a");
}

}  // namespace
}  // namespace symphony::server
