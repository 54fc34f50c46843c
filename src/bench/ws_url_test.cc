#include "bench/ws_url.h"

#include <gtest/gtest.h>

namespace symphony::bench {
namespace {

TEST(WsUrlTest, ParsesHostPortPath) {
  Result<WsUrl> u = ParseWsUrl("ws://127.0.0.1:1234");
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 1234);
  EXPECT_EQ(u->path, "");

  u = ParseWsUrl("ws://localhost:8080/hocuspocus/");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "localhost");
  EXPECT_EQ(u->path, "/hocuspocus");

  u = ParseWsUrl("ws://[::1]:9000/rooms");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, 9000);
  EXPECT_EQ(u->path, "/rooms");

  u = ParseWsUrl("ws://example.com");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->port, 80);
}

TEST(WsUrlTest, RejectsWhatItCannotUse) {
  EXPECT_EQ(ParseWsUrl("wss://127.0.0.1:1").status().code(), StatusCode::kUnsupported);
  for (const char* bad : {"http://127.0.0.1:1", "ws://", "ws://:80", "ws://h:0", "ws://h:99999",
                          "ws://h:12x", "ws://h:", "ws://h/room?x=1", "ws://[::1", "ws://[::1]x"}) {
    EXPECT_EQ(ParseWsUrl(bad).status().code(), StatusCode::kInvalid) << bad;
  }
}

TEST(WsUrlTest, Loopback) {
  EXPECT_TRUE(IsLoopbackHost("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackHost("127.1.2.3"));
  EXPECT_TRUE(IsLoopbackHost("localhost"));
  EXPECT_TRUE(IsLoopbackHost("::1"));
  EXPECT_FALSE(IsLoopbackHost("10.0.0.1"));
  EXPECT_FALSE(IsLoopbackHost("0.0.0.0"));
  EXPECT_FALSE(IsLoopbackHost("example.com"));
  EXPECT_FALSE(IsLoopbackHost("localhost.evil.com"));
}

TEST(WsUrlTest, Targets) {
  WsUrl u{.host = "127.0.0.1", .port = 1, .path = ""};
  EXPECT_EQ(YwsTarget(u, "bench-3"), "/bench-3");
  EXPECT_EQ(HocuspocusTarget(u), "/hocuspocus");
  u.path = "/collab";
  EXPECT_EQ(YwsTarget(u, "r"), "/collab/r");
  EXPECT_EQ(HocuspocusTarget(u), "/collab");
}

}  // namespace
}  // namespace symphony::bench
