#include "storage/write_rules.h"

#include <gtest/gtest.h>

#include <map>
#include <vector>

namespace symphony::storage {
namespace {

LastSeqLookup Lookup(std::map<std::string, uint64_t> last, int* calls = nullptr) {
  return [last, calls](std::string_view room) -> Result<uint64_t> {
    if (calls) ++*calls;
    auto it = last.find(std::string(room));
    return it == last.end() ? 0 : it->second;
  };
}

TEST(PlanAppendTest, GroupsByRoomInOrderOfFirstAppearance) {
  std::vector<AppendRecord> batch = {{"b", 4, "xx"}, {"a", 1, "y"}, {"b", 5, "zzz"}, {"a", 2, ""}};
  int calls = 0;
  auto plan = PlanAppend(batch, Lookup({{"b", 3}}, &calls));
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->size(), 2u);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ((*plan)[0].room, "b");
  EXPECT_EQ((*plan)[0].last_seq, 5u);
  EXPECT_EQ((*plan)[0].records, 2u);
  EXPECT_EQ((*plan)[0].bytes, 5u);
  EXPECT_EQ((*plan)[1].room, "a");
  EXPECT_EQ((*plan)[1].last_seq, 2u);
  EXPECT_EQ((*plan)[1].bytes, 1u);
}

TEST(PlanAppendTest, RefusesGapsRepeatsAndEmptyNames) {
  auto check = [](std::vector<AppendRecord> batch, const std::string& needle) {
    auto plan = PlanAppend(batch, Lookup({{"r", 3}}));
    ASSERT_FALSE(plan.ok());
    EXPECT_EQ(plan.status().code(), StatusCode::kInvalid);
    EXPECT_NE(plan.status().message().find(needle), std::string::npos) << plan.status().message();
  };
  check({{"r", 5, ""}}, "room 'r': append of seq 5, expected seq 4");
  check({{"r", 3, ""}}, "expected seq 4");
  check({{"r", 4, ""}, {"r", 4, ""}}, "append of seq 4, expected seq 5");
  check({{"n", 0, ""}}, "room 'n': append of seq 0, expected seq 1");
  check({{"", 1, ""}}, "room name is empty");
}

TEST(PlanAppendTest, RefusesSeqsAboveTheStoredRange) {
  std::vector<AppendRecord> batch = {{"r", kMaxStoredValue + 1, ""}};
  auto plan = PlanAppend(batch, Lookup({{"r", kMaxStoredValue}}));
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), StatusCode::kInvalid);
}

TEST(PlanAppendTest, PassesLookupErrorsThrough) {
  std::vector<AppendRecord> batch = {{"r", 1, ""}};
  auto plan = PlanAppend(batch, [](std::string_view) -> Result<uint64_t> {
    return Status(StatusCode::kBusy, "locked");
  });
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), StatusCode::kBusy);
}

TEST(SnapshotWriteTest, Bounds) {
  RoomMeta meta{.room = "r", .last_seq = 10};
  EXPECT_TRUE(CheckSnapshotWrite("r", 10, &meta, 4).ok());
  EXPECT_TRUE(CheckSnapshotWrite("r", 4, &meta, 4).ok());
  EXPECT_EQ(CheckSnapshotWrite("r", 11, &meta, 4).code(), StatusCode::kInvalid);
  EXPECT_EQ(CheckSnapshotWrite("r", 3, &meta, 4).code(), StatusCode::kInvalid);
  EXPECT_TRUE(CheckSnapshotWrite("new", 0, nullptr, 0).ok());
  EXPECT_EQ(CheckSnapshotWrite("new", 1, nullptr, 0).code(), StatusCode::kInvalid);
  EXPECT_EQ(CheckSnapshotWrite("", 0, nullptr, 0).code(), StatusCode::kInvalid);
}

TEST(MetaMergeTest, MaxAddAndSaturate) {
  RoomMeta meta = NewRoomMeta("r", 1000);
  EXPECT_EQ(meta.created_ms, 1000);
  EXPECT_EQ(meta.last_active_ms, 1000);
  MergeMetaUpdate({.room = "r", .last_active_ms = 900, .new_connections = 2, .peak_connections = 2},
                  meta);
  MergeMetaUpdate(
      {.room = "r", .last_active_ms = 2000, .new_connections = 3, .peak_connections = 1}, meta);
  EXPECT_EQ(meta.last_active_ms, 2000);
  EXPECT_EQ(meta.total_connections, 5u);
  EXPECT_EQ(meta.peak_connections, 2u);
  MergeMetaUpdate({.room = "r", .new_connections = kMaxStoredValue}, meta);
  EXPECT_EQ(meta.total_connections, kMaxStoredValue);

  EXPECT_EQ(CheckMetaUpdate({.room = ""}).code(), StatusCode::kInvalid);
  EXPECT_EQ(CheckMetaUpdate({.room = "r", .new_connections = kMaxStoredValue + 1}).code(),
            StatusCode::kInvalid);
  EXPECT_TRUE(CheckMetaUpdate({.room = "r", .new_connections = 1}).ok());

  MergeAppend({.room = "r", .last_seq = 7, .records = 7, .bytes = 70}, 1500, meta);
  EXPECT_EQ(meta.last_seq, 7u);
  EXPECT_EQ(meta.log_records, 7u);
  EXPECT_EQ(meta.log_bytes, 70u);
  EXPECT_EQ(meta.last_active_ms, 2000);  // max(), not overwritten
}

TEST(QuoteRoomTest, EscapesAndCuts) {
  EXPECT_EQ(QuoteRoom("doc-1"), "'doc-1'");
  EXPECT_EQ(QuoteRoom(std::string("a\0'\n", 4)), "'a\\x00\\x27\\x0a'");
  std::string quoted = QuoteRoom(std::string(1000, 'x'));
  EXPECT_LT(quoted.size(), 220u);
  EXPECT_EQ(quoted.substr(quoted.size() - 4), "...'");
}

}  // namespace
}  // namespace symphony::storage
