#include "server/http_server.h"

#include <gtest/gtest.h>

namespace symphony::server {
namespace {

TEST(RoomNameFromTargetTest, DecodesPathAndDropsQuery) {
  EXPECT_EQ(RoomNameFromTarget("/my-room", 255).value(), "my-room");
  EXPECT_EQ(RoomNameFromTarget("/my-room?token=abc", 255).value(), "my-room");
  EXPECT_EQ(RoomNameFromTarget("/a%20b%2Fc", 255).value(), "a b/c");
  EXPECT_EQ(RoomNameFromTarget("/team/board#x", 255).value(), "team/board");
  EXPECT_EQ(RoomNameFromTarget("/%E2%9C%93", 255).value(), "\xE2\x9C\x93");
}

TEST(RoomNameFromTargetTest, RefusesBadNamesWithAReason) {
  auto empty = RoomNameFromTarget("/?token=x", 255);
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("no room name"), std::string::npos);

  auto long_name = RoomNameFromTarget("/" + std::string(256, 'a'), 255);
  ASSERT_FALSE(long_name.ok());
  EXPECT_NE(long_name.status().message().find("256 bytes, limit 255"), std::string::npos);
  EXPECT_TRUE(RoomNameFromTarget("/" + std::string(255, 'a'), 255).ok());

  auto control = RoomNameFromTarget("/a%0Ab", 255);
  ASSERT_FALSE(control.ok());
  EXPECT_NE(control.status().message().find("control character"), std::string::npos);
  EXPECT_FALSE(RoomNameFromTarget("/a%7Fb", 255).ok());

  EXPECT_FALSE(RoomNameFromTarget("/a%zz", 255).ok());
  EXPECT_FALSE(RoomNameFromTarget("/a%4", 255).ok());
  EXPECT_FALSE(RoomNameFromTarget("/a%FF", 255).ok());  // not UTF-8
}

}  // namespace
}  // namespace symphony::server
