#include "storage/storage.h"

#include <gtest/gtest.h>

#include "storage/test_dir.h"

namespace symphony::storage {
namespace {

TEST(OpenStorageTest, BuildsEachKind) {
  TestDir dir;
  auto sqlite = OpenStorage({.kind = "sqlite", .dir = dir.Sub("data"), .fsync = FsyncPolicy::kOff});
  ASSERT_TRUE(sqlite.ok()) << sqlite.status().ToString();
  EXPECT_EQ((*sqlite)->name(), "sqlite");
  std::vector<AppendRecord> one = {{"r", 1, "u"}};
  EXPECT_TRUE((*sqlite)->Append(one).ok());
  EXPECT_TRUE(std::filesystem::exists(dir.Sub("data/symphony.db")));

  auto memory = OpenStorage({.kind = "memory"});
  ASSERT_TRUE(memory.ok());
  EXPECT_EQ((*memory)->name(), "memory");
}

TEST(OpenStorageTest, RefusesUnknownKindsAndMissingDir) {
  auto unknown = OpenStorage({.kind = "postgres"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalid);
  EXPECT_EQ(unknown.status().message(),
            "unknown storage kind 'postgres' (expected sqlite or memory)");
  auto no_dir = OpenStorage({.kind = "sqlite"});
  ASSERT_FALSE(no_dir.ok());
  EXPECT_EQ(no_dir.status().code(), StatusCode::kInvalid);
}

}  // namespace
}  // namespace symphony::storage
