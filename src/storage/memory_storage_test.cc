// MemoryStorage's test hooks (the contract itself is in storage_contract_test.cc).
#include "storage/memory_storage.h"

#include <gtest/gtest.h>

namespace symphony::storage {
namespace {

TEST(MemoryStorageTest, FailNextCountsAndChangesNothing) {
  MemoryStorage s;
  std::vector<AppendRecord> one = {{"r", 1, "one"}};
  s.FailNext(StatusCode::kIo, 2);
  Status first = s.Append(one);
  EXPECT_EQ(first.code(), StatusCode::kIo);
  EXPECT_EQ(first.message(), "injected failure");
  EXPECT_EQ(s.Load("r").status().code(), StatusCode::kIo);  // every operation counts
  EXPECT_TRUE(s.Append(one).ok());                          // the third call goes through
  auto loaded = s.Load("r");
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->log.size(), 1u);
  EXPECT_EQ(s.CallCount(MemoryStorage::kAppend), 2u);
  EXPECT_EQ(s.CallCount(MemoryStorage::kLoad), 2u);
  EXPECT_EQ(s.CallCount(MemoryStorage::kDeleteRoom), 0u);
}

TEST(MemoryStorageTest, FailNextOnlyHitsChosenOperations) {
  MemoryStorage s;
  s.FailNext(StatusCode::kFull, 1, MemoryStorage::kWriteSnapshot);
  std::vector<AppendRecord> one = {{"r", 1, "one"}};
  EXPECT_TRUE(s.Append(one).ok());
  EXPECT_TRUE(s.Load("r").ok());
  EXPECT_EQ(s.WriteSnapshot("r", "s", 1).code(), StatusCode::kFull);
  EXPECT_EQ(s.Load("r")->log.size(), 1u);
  EXPECT_TRUE(s.WriteSnapshot("r", "s", 1).ok());
  EXPECT_TRUE(s.Load("r")->log.empty());

  s.FailNext(StatusCode::kBusy, 5, MemoryStorage::kWrites);
  EXPECT_EQ(s.UpdateMeta({.room = "r"}).code(), StatusCode::kBusy);
  EXPECT_TRUE(s.GetMeta("r").ok());
  s.FailNext(StatusCode::kOk, 0);  // clears
  EXPECT_TRUE(s.UpdateMeta({.room = "r"}).ok());
}

TEST(MemoryStorageTest, CapacityCountsSnapshotsAndLogs) {
  MemoryStorage s({.max_bytes = 10});
  std::vector<AppendRecord> batch = {{"r", 1, "12345"}, {"r", 2, "678"}};
  EXPECT_TRUE(s.Append(batch).ok());
  EXPECT_EQ(s.StoredBytes(), 8u);
  std::vector<AppendRecord> more = {{"r", 3, "abc"}};
  EXPECT_EQ(s.Append(more).code(), StatusCode::kFull);
  // A snapshot replacing the records it covers frees their bytes.
  EXPECT_TRUE(s.WriteSnapshot("r", "snap", 2).ok());
  EXPECT_EQ(s.StoredBytes(), 4u);
  EXPECT_TRUE(s.Append(more).ok());
  EXPECT_EQ(s.StoredBytes(), 7u);
  EXPECT_TRUE(s.DeleteRoom("r").ok());
  EXPECT_EQ(s.StoredBytes(), 0u);
}

TEST(MemoryStorageTest, DamageHooksNeedARecord) {
  MemoryStorage s;
  EXPECT_FALSE(s.CorruptLogRecord("r", 1));
  EXPECT_FALSE(s.CorruptSnapshot("r"));
  std::vector<AppendRecord> one = {{"r", 1, ""}};
  ASSERT_TRUE(s.Append(one).ok());
  EXPECT_FALSE(s.DropLogRecord("r", 2));
  EXPECT_FALSE(s.CorruptSnapshot("r"));
  EXPECT_TRUE(s.CorruptLogRecord("r", 1));  // an empty record gets a byte
  EXPECT_EQ(s.Load("r").status().code(), StatusCode::kCorrupt);
}

}  // namespace
}  // namespace symphony::storage
