// The Storage contract (storage.h), run against every backend.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "storage/storage_test_harness.h"
#include "storage/write_rules.h"

namespace symphony::storage {
namespace {

template <class Harness>
class StorageContractTest : public ::testing::Test {
 protected:
  Storage& s() { return h.storage(); }

  // Appends seqs [from, to] of `room`, each holding Update(room, seq).
  void AppendRange(const std::string& room, uint64_t from, uint64_t to) {
    std::vector<AppendRecord> batch;
    for (uint64_t seq = from; seq <= to; ++seq) batch.push_back({room, seq, Update(room, seq)});
    Status status = s().Append(batch);
    ASSERT_TRUE(status.ok()) << status.ToString();
  }
  static std::string Update(const std::string& room, uint64_t seq) {
    return "update " + room + " #" + std::to_string(seq) + std::string("\0\x01\xff", 3);
  }
  LoadedRoom MustLoad(const std::string& room) {
    auto loaded = s().Load(room);
    EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
    return loaded.ok() ? std::move(loaded).value() : LoadedRoom{};
  }
  // The log holds exactly seqs [from, to] with the bytes AppendRange wrote.
  void ExpectLog(const LoadedRoom& loaded, const std::string& room, uint64_t from, uint64_t to) {
    ASSERT_EQ(loaded.log.size(), to + 1 - from);
    for (uint64_t seq = from; seq <= to; ++seq) {
      EXPECT_EQ(loaded.log[seq - from].seq, seq);
      EXPECT_EQ(loaded.log[seq - from].update, Update(room, seq));
    }
  }
  void ExpectCorrupt(const std::string& room, const std::string& needle) {
    auto loaded = s().Load(room);
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.status().code(), StatusCode::kCorrupt);
    EXPECT_NE(loaded.status().message().find("room " + QuoteRoom(room)), std::string::npos)
        << loaded.status().message();
    EXPECT_NE(loaded.status().message().find(needle), std::string::npos)
        << loaded.status().message();
  }

  Harness h;
};

using Backends = ::testing::Types<MemoryHarness, SqliteHarness>;
class BackendNames {
 public:
  template <class T>
  static std::string GetName(int) {
    return std::is_same_v<T, MemoryHarness> ? "Memory" : "Sqlite";
  }
};
TYPED_TEST_SUITE(StorageContractTest, Backends, BackendNames);

TYPED_TEST(StorageContractTest, UnknownRoom) {
  auto loaded = this->s().Load("nobody");
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_FALSE(loaded->exists);
  EXPECT_TRUE(loaded->snapshot.empty());
  EXPECT_TRUE(loaded->log.empty());
  EXPECT_EQ(this->s().GetMeta("nobody").status().code(), StatusCode::kNotFound);
  auto rooms = this->s().ListRooms();
  ASSERT_TRUE(rooms.ok());
  EXPECT_TRUE(rooms->empty());
  EXPECT_TRUE(this->s().Append({}).ok());
}

TYPED_TEST(StorageContractTest, AppendLoadRoundTrip) {
  int64_t before = NowMs();
  const std::string odd("a\0b\xff", 4);  // room names are bytes
  std::vector<AppendRecord> batch = {
      {"doc", 1, "one"}, {odd, 1, ""}, {"doc", 2, std::string("\0two\0", 5)}, {odd, 2, "x"}};
  ASSERT_TRUE(this->s().Append(batch).ok());
  int64_t after = NowMs();

  LoadedRoom doc = this->MustLoad("doc");
  EXPECT_TRUE(doc.exists);
  EXPECT_TRUE(doc.snapshot.empty());
  EXPECT_EQ(doc.snapshot_seq, 0u);
  ASSERT_EQ(doc.log.size(), 2u);
  EXPECT_EQ(doc.log[0].update, "one");
  EXPECT_EQ(doc.log[1].seq, 2u);
  EXPECT_EQ(doc.log[1].update, std::string("\0two\0", 5));
  EXPECT_EQ(doc.meta.room, "doc");
  EXPECT_EQ(doc.meta.last_seq, 2u);
  EXPECT_EQ(doc.meta.log_records, 2u);
  EXPECT_EQ(doc.meta.log_bytes, 8u);
  EXPECT_EQ(doc.meta.snapshot_bytes, 0u);
  EXPECT_GE(doc.meta.created_ms, before);
  EXPECT_LE(doc.meta.created_ms, after);
  EXPECT_GE(doc.meta.last_active_ms, doc.meta.created_ms);

  LoadedRoom other = this->MustLoad(odd);
  ASSERT_EQ(other.log.size(), 2u);
  EXPECT_EQ(other.log[0].update, "");
  EXPECT_EQ(other.meta.room, odd);
  EXPECT_EQ(other.meta.log_bytes, 1u);

  this->AppendRange("doc", 3, 10);
  doc = this->MustLoad("doc");
  ASSERT_EQ(doc.log.size(), 10u);
  EXPECT_EQ(doc.log[9].seq, 10u);
  EXPECT_EQ(doc.log[9].update, this->Update("doc", 10));
  EXPECT_EQ(doc.meta.last_seq, 10u);
}

TYPED_TEST(StorageContractTest, AppendsContinueAcrossBatches) {
  this->AppendRange("r", 1, 3);
  this->AppendRange("r", 4, 4);
  this->AppendRange("r", 5, 9);
  LoadedRoom r = this->MustLoad("r");
  this->ExpectLog(r, "r", 1, 9);
  EXPECT_EQ(r.meta.last_seq, 9u);
  EXPECT_EQ(r.meta.log_records, 9u);
}

TYPED_TEST(StorageContractTest, BadSeqsAreInvalidAndStoreNothing) {
  this->AppendRange("a", 1, 2);
  auto invalid = [&](std::vector<AppendRecord> batch) {
    Status status = this->s().Append(batch);
    EXPECT_EQ(status.code(), StatusCode::kInvalid) << status.ToString();
  };
  invalid({{"a", 4, "gap"}});
  invalid({{"a", 2, "repeat"}});
  invalid({{"b", 2, "new room must start at 1"}});
  invalid({{"b", 0, "zero"}});
  invalid({{"", 1, "no name"}});
  // The valid records of a batch are not stored when another record is invalid.
  invalid({{"b", 1, "fine"}, {"a", 3, "fine"}, {"a", 5, "gap"}});
  invalid({{"a", 3, "fine"}, {"a", 3, "twice"}});

  this->ExpectLog(this->MustLoad("a"), "a", 1, 2);
  EXPECT_FALSE(this->MustLoad("b").exists);
  auto meta = this->s().GetMeta("a");
  ASSERT_TRUE(meta.ok());
  EXPECT_EQ(meta->last_seq, 2u);
  EXPECT_EQ(meta->log_records, 2u);
  this->AppendRange("a", 3, 3);
}

TYPED_TEST(StorageContractTest, SnapshotTruncatesLog) {
  this->AppendRange("r", 1, 5);
  ASSERT_TRUE(this->s().WriteSnapshot("r", "snapshot to 3", 3).ok());
  LoadedRoom r = this->MustLoad("r");
  EXPECT_EQ(r.snapshot, "snapshot to 3");
  EXPECT_EQ(r.snapshot_seq, 3u);
  this->ExpectLog(r, "r", 4, 5);
  EXPECT_EQ(r.meta.snapshot_bytes, 13u);
  EXPECT_EQ(r.meta.log_records, 2u);
  EXPECT_EQ(r.meta.log_bytes, this->Update("r", 4).size() + this->Update("r", 5).size());
  EXPECT_EQ(r.meta.last_seq, 5u);

  // The same covers_seq again (a re-snapshot), then everything.
  ASSERT_TRUE(this->s().WriteSnapshot("r", "again to 3", 3).ok());
  ASSERT_TRUE(this->s().WriteSnapshot("r", "all", 5).ok());
  r = this->MustLoad("r");
  EXPECT_EQ(r.snapshot, "all");
  EXPECT_TRUE(r.log.empty());
  EXPECT_EQ(r.meta.log_records, 0u);
  EXPECT_EQ(r.meta.log_bytes, 0u);
  EXPECT_EQ(r.meta.last_seq, 5u);  // survives compaction

  // Appends continue after last_seq.
  EXPECT_EQ(this->s().Append(std::vector<AppendRecord>{{"r", 1, "x"}}).code(),
            StatusCode::kInvalid);
  this->AppendRange("r", 6, 7);
  r = this->MustLoad("r");
  EXPECT_EQ(r.snapshot_seq, 5u);
  this->ExpectLog(r, "r", 6, 7);
}

TYPED_TEST(StorageContractTest, SnapshotBoundsAreInvalidAndChangeNothing) {
  this->AppendRange("r", 1, 4);
  ASSERT_TRUE(this->s().WriteSnapshot("r", "to 2", 2).ok());
  EXPECT_EQ(this->s().WriteSnapshot("r", "beyond", 5).code(), StatusCode::kInvalid);
  EXPECT_EQ(this->s().WriteSnapshot("r", "backwards", 1).code(), StatusCode::kInvalid);
  EXPECT_EQ(this->s().WriteSnapshot("", "no name", 0).code(), StatusCode::kInvalid);
  EXPECT_EQ(this->s().WriteSnapshot("new", "beyond", 1).code(), StatusCode::kInvalid);
  LoadedRoom r = this->MustLoad("r");
  EXPECT_EQ(r.snapshot, "to 2");
  this->ExpectLog(r, "r", 3, 4);
  EXPECT_FALSE(this->MustLoad("new").exists);
}

TYPED_TEST(StorageContractTest, SnapshotCreatesRoom) {
  int64_t before = NowMs();
  ASSERT_TRUE(this->s().WriteSnapshot("imported", "whole doc", 0).ok());
  LoadedRoom r = this->MustLoad("imported");
  EXPECT_TRUE(r.exists);
  EXPECT_EQ(r.snapshot, "whole doc");
  EXPECT_EQ(r.snapshot_seq, 0u);
  EXPECT_TRUE(r.log.empty());
  EXPECT_EQ(r.meta.last_seq, 0u);
  EXPECT_EQ(r.meta.snapshot_bytes, 9u);
  EXPECT_GE(r.meta.created_ms, before);
  this->AppendRange("imported", 1, 2);
  this->ExpectLog(this->MustLoad("imported"), "imported", 1, 2);
  // An empty snapshot is a snapshot too.
  ASSERT_TRUE(this->s().WriteSnapshot("empty", "", 0).ok());
  r = this->MustLoad("empty");
  EXPECT_TRUE(r.exists);
  EXPECT_EQ(r.snapshot, "");
}

TYPED_TEST(StorageContractTest, MetaMerging) {
  int64_t now = NowMs();
  ASSERT_TRUE(this->s()
                  .UpdateMeta({.room = "m",
                               .last_active_ms = now + 5000,
                               .new_connections = 2,
                               .peak_connections = 2})
                  .ok());
  ASSERT_TRUE(this->s()
                  .UpdateMeta({.room = "m",
                               .last_active_ms = now + 1000,
                               .new_connections = 3,
                               .peak_connections = 1})
                  .ok());
  auto meta = this->s().GetMeta("m");
  ASSERT_TRUE(meta.ok()) << meta.status().ToString();
  EXPECT_EQ(meta->room, "m");
  EXPECT_EQ(meta->last_active_ms, now + 5000);
  EXPECT_EQ(meta->total_connections, 5u);
  EXPECT_EQ(meta->peak_connections, 2u);
  EXPECT_GE(meta->created_ms, now);
  EXPECT_EQ(meta->last_seq, 0u);
  EXPECT_EQ(this->s().UpdateMeta({.room = ""}).code(), StatusCode::kInvalid);

  // A room that only has metadata exists, with an empty document.
  LoadedRoom r = this->MustLoad("m");
  EXPECT_TRUE(r.exists);
  EXPECT_EQ(r.meta.total_connections, 5u);
  EXPECT_TRUE(r.log.empty());

  // Appends and snapshots keep the statistics.
  this->AppendRange("m", 1, 2);
  ASSERT_TRUE(this->s().WriteSnapshot("m", "s", 1).ok());
  meta = this->s().GetMeta("m");
  ASSERT_TRUE(meta.ok());
  EXPECT_EQ(meta->total_connections, 5u);
  EXPECT_EQ(meta->peak_connections, 2u);
  EXPECT_EQ(meta->last_active_ms, now + 5000);
  EXPECT_EQ(meta->last_seq, 2u);
}

TYPED_TEST(StorageContractTest, ListRoomsOrderedByName) {
  for (const std::string& room :
       std::vector<std::string>{"b", "a", "B", "ab", "\xc3\xa9", std::string("a\0", 2)}) {
    ASSERT_TRUE(this->s().UpdateMeta({.room = room, .new_connections = 1}).ok());
  }
  this->AppendRange("c", 1, 1);
  auto rooms = this->s().ListRooms();
  ASSERT_TRUE(rooms.ok()) << rooms.status().ToString();
  std::vector<std::string> names;
  for (const RoomMeta& m : *rooms) names.push_back(m.room);
  std::vector<std::string> expected = {"B", "a", std::string("a\0", 2), "ab", "b", "c", "\xc3\xa9"};
  EXPECT_EQ(names, expected);
  EXPECT_EQ((*rooms)[5].last_seq, 1u);
  EXPECT_EQ((*rooms)[0].total_connections, 1u);
}

TYPED_TEST(StorageContractTest, DeleteRoom) {
  this->AppendRange("gone", 1, 3);
  ASSERT_TRUE(this->s().WriteSnapshot("gone", "s", 2).ok());
  this->AppendRange("kept", 1, 1);
  ASSERT_TRUE(this->s().DeleteRoom("gone").ok());
  ASSERT_TRUE(this->s().DeleteRoom("never existed").ok());
  EXPECT_FALSE(this->MustLoad("gone").exists);
  EXPECT_EQ(this->s().GetMeta("gone").status().code(), StatusCode::kNotFound);
  auto rooms = this->s().ListRooms();
  ASSERT_TRUE(rooms.ok());
  ASSERT_EQ(rooms->size(), 1u);
  EXPECT_EQ((*rooms)[0].room, "kept");
  // The name can be used again, from seq 1.
  this->AppendRange("gone", 1, 1);
  this->ExpectLog(this->MustLoad("gone"), "gone", 1, 1);
}

TYPED_TEST(StorageContractTest, CorruptLogRecordFailsTheWholeLoad) {
  this->AppendRange("r", 1, 3);
  this->AppendRange("other", 1, 2);
  this->h.CorruptLogRecord("r", 2);
  this->ExpectCorrupt("r", "log record seq 2: checksum mismatch");
  // Only that room: metadata and other rooms still read.
  EXPECT_TRUE(this->s().GetMeta("r").ok());
  this->ExpectLog(this->MustLoad("other"), "other", 1, 2);
}

TYPED_TEST(StorageContractTest, MissingLogRecordsFailTheLoad) {
  this->AppendRange("gap", 1, 3);
  this->h.DropLogRecord("gap", 2);
  this->ExpectCorrupt("gap", "log record seq 2 missing");
  this->AppendRange("tail", 1, 3);
  this->h.DropLogRecord("tail", 3);
  this->ExpectCorrupt("tail", "log records seq 3..3 missing");
  this->AppendRange("head", 1, 4);
  ASSERT_TRUE(this->s().WriteSnapshot("head", "s", 1).ok());
  this->h.DropLogRecord("head", 2);
  this->ExpectCorrupt("head", "log record seq 2 missing");
}

TYPED_TEST(StorageContractTest, CorruptSnapshotFailsTheLoad) {
  this->AppendRange("r", 1, 2);
  ASSERT_TRUE(this->s().WriteSnapshot("r", "a snapshot", 1).ok());
  this->h.CorruptSnapshot("r");
  this->ExpectCorrupt("r", "snapshot covering seq 1: checksum mismatch");
}

TYPED_TEST(StorageContractTest, ReopenKeepsEverything) {
  if (!TypeParam::kPersistent) GTEST_SKIP() << "nothing outlives a memory backend";
  this->AppendRange("r", 1, 4);
  ASSERT_TRUE(this->s().WriteSnapshot("r", "s", 2).ok());
  ASSERT_TRUE(this->s().UpdateMeta({.room = "r", .new_connections = 7}).ok());
  this->AppendRange("q", 1, 1);
  this->h.Reopen();
  LoadedRoom r = this->MustLoad("r");
  EXPECT_EQ(r.snapshot, "s");
  this->ExpectLog(r, "r", 3, 4);
  EXPECT_EQ(r.meta.total_connections, 7u);
  EXPECT_EQ(r.meta.last_seq, 4u);
  this->ExpectLog(this->MustLoad("q"), "q", 1, 1);
  this->AppendRange("r", 5, 5);
}

TYPED_TEST(StorageContractTest, ConcurrentAppendsToDifferentRooms) {
  constexpr int kThreads = 4;
  constexpr uint64_t kBatches = 40;
  constexpr uint64_t kPerBatch = 3;
  std::atomic<bool> failed = false;
  std::atomic<bool> done = false;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::string room = "room" + std::to_string(t);
      for (uint64_t b = 0; b < kBatches; ++b) {
        std::vector<AppendRecord> batch;
        for (uint64_t i = 1; i <= kPerBatch; ++i) {
          uint64_t seq = b * kPerBatch + i;
          batch.push_back({room, seq, this->Update(room, seq)});
        }
        if (!this->s().Append(batch).ok()) failed = true;
        if (b % 10 == 9 && !this->s().UpdateMeta({.room = room, .new_connections = 1}).ok()) {
          failed = true;
        }
      }
    });
  }
  // Reads beside the writes always see whole batches.
  std::thread reader([&] {
    while (!done) {
      auto loaded = this->s().Load("room0");
      if (!loaded.ok() || loaded->log.size() % kPerBatch != 0) failed = true;
    }
  });
  for (auto& t : threads) t.join();
  done = true;
  reader.join();
  EXPECT_FALSE(failed);
  for (int t = 0; t < kThreads; ++t) {
    std::string room = "room" + std::to_string(t);
    LoadedRoom r = this->MustLoad(room);
    this->ExpectLog(r, room, 1, kBatches * kPerBatch);
    EXPECT_EQ(r.meta.total_connections, kBatches / 10);
  }
}

TYPED_TEST(StorageContractTest, FullStorageFailsWithKFullAndLosesNothing) {
  this->AppendRange("r", 1, 3);
  this->h.LimitSpace();
  std::string big(4096, 'x');
  uint64_t seq = 4;
  Status status;
  for (int i = 0; i < 1000 && status.ok(); ++i) {
    status = this->s().Append(std::vector<AppendRecord>{{"r", seq, big}, {"s", seq - 3, big}});
    if (status.ok()) ++seq;
  }
  ASSERT_EQ(status.code(), StatusCode::kFull) << status.ToString();
  ASSERT_GT(seq, 4u) << "the limit left no room at all";
  EXPECT_EQ(this->s().WriteSnapshot("r", std::string(1 << 20, 's'), seq - 1).code(),
            StatusCode::kFull);

  // Everything stored before the failure loads; the failed batch left nothing behind.
  LoadedRoom r = this->MustLoad("r");
  ASSERT_EQ(r.log.size(), seq - 1);
  EXPECT_EQ(r.log.back().seq, seq - 1);
  EXPECT_EQ(r.meta.last_seq, seq - 1);
  EXPECT_EQ(this->MustLoad("s").meta.last_seq, seq - 4);
  EXPECT_TRUE(r.snapshot.empty());

  this->h.UnlimitSpace();
  ASSERT_TRUE(this->s().Append(std::vector<AppendRecord>{{"r", seq, big}}).ok());
  ASSERT_TRUE(this->s().WriteSnapshot("r", "compacted", seq).ok());
  EXPECT_EQ(this->MustLoad("r").snapshot, "compacted");
}

TYPED_TEST(StorageContractTest, BusyWritesFailWithKBusyAndReadsGoOn) {
  this->AppendRange("r", 1, 2);
  this->h.HoldWriteLock();
  std::vector<AppendRecord> next = {{"r", 3, "three"}};
  EXPECT_EQ(this->s().Append(next).code(), StatusCode::kBusy);
  EXPECT_EQ(this->s().WriteSnapshot("r", "s", 2).code(), StatusCode::kBusy);
  EXPECT_EQ(this->s().UpdateMeta({.room = "r", .new_connections = 1}).code(), StatusCode::kBusy);
  EXPECT_EQ(this->s().DeleteRoom("r").code(), StatusCode::kBusy);
  this->ExpectLog(this->MustLoad("r"), "r", 1, 2);
  EXPECT_TRUE(this->s().GetMeta("r").ok());
  this->h.ReleaseWriteLock();
  EXPECT_TRUE(this->s().Append(next).ok());
  EXPECT_EQ(this->MustLoad("r").log.size(), 3u);
}

}  // namespace
}  // namespace symphony::storage
