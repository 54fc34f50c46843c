#include "server/storage_worker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "storage/memory_storage.h"

namespace symphony::server {
namespace {

using storage::AppendRecord;
using storage::MemoryStorage;

std::vector<AppendRecord> Records(const std::string& room, uint64_t first, int n) {
  std::vector<AppendRecord> out;
  for (int i = 0; i < n; ++i) out.push_back({room, first + i, "u" + std::to_string(first + i)});
  return out;
}

TEST(StorageWorkerTest, AppendsFromManyRoomsAreCommittedInOrder) {
  MemoryStorage mem;
  StorageWorker worker(mem);
  std::vector<std::future<Status>> done;
  for (int room = 0; room < 8; ++room) {
    for (int batch = 0; batch < 5; ++batch) {
      auto p = std::make_shared<std::promise<Status>>();
      done.push_back(p->get_future());
      worker.Append(Records("r" + std::to_string(room), 1 + batch * 3, 3),
                    [p](Status st) { p->set_value(std::move(st)); });
    }
  }
  for (auto& f : done) EXPECT_TRUE(f.get().ok());
  for (int room = 0; room < 8; ++room) {
    auto loaded = mem.Load("r" + std::to_string(room));
    ASSERT_TRUE(loaded.ok());
    ASSERT_EQ(loaded->log.size(), 15u);
    for (size_t i = 0; i < 15; ++i) EXPECT_EQ(loaded->log[i].seq, i + 1);
  }
  // Group commit: 40 submissions needed fewer storage commits than submissions.
  EXPECT_LE(mem.CallCount(MemoryStorage::kAppend), 40u);
}

TEST(StorageWorkerTest, AFailedCommitFailsEveryBatchInItAndStoresNothing) {
  MemoryStorage mem;
  StorageWorker worker(mem);
  mem.FailNext(StatusCode::kFull, 1, MemoryStorage::kAppend);
  auto p = std::make_shared<std::promise<Status>>();
  worker.Append(Records("a", 1, 2), [p](Status st) { p->set_value(std::move(st)); });
  Status st = p->get_future().get();
  EXPECT_EQ(st.code(), StatusCode::kFull);
  auto loaded = mem.Load("a");
  ASSERT_TRUE(loaded.ok());
  EXPECT_TRUE(loaded->log.empty());
  // The same records succeed on retry.
  auto q = std::make_shared<std::promise<Status>>();
  worker.Append(Records("a", 1, 2), [q](Status st2) { q->set_value(std::move(st2)); });
  EXPECT_TRUE(q->get_future().get().ok());
  EXPECT_EQ(mem.Load("a")->log.size(), 2u);
}

TEST(StorageWorkerTest, OneRoomsBadSeqDoesNotBlockTheOthers) {
  MemoryStorage mem;
  StorageWorker worker(mem);
  // Hold the writer so that both appends land in one group.
  std::promise<void> release;
  auto gate = release.get_future().share();
  worker.Write([gate](storage::Storage&) { gate.wait(); });
  auto good = std::make_shared<std::promise<Status>>();
  auto bad = std::make_shared<std::promise<Status>>();
  worker.Append(Records("good", 1, 2), [good](Status st) { good->set_value(std::move(st)); });
  worker.Append(Records("bad", 7, 1), [bad](Status st) { bad->set_value(std::move(st)); });
  release.set_value();
  EXPECT_TRUE(good->get_future().get().ok());
  EXPECT_EQ(bad->get_future().get().code(), StatusCode::kInvalid);
  EXPECT_EQ(mem.Load("good")->log.size(), 2u);
}

TEST(StorageWorkerTest, StopFinishesSubmittedWork) {
  MemoryStorage mem;
  std::atomic<int> completed{0};
  {
    StorageWorker worker(mem);
    for (int i = 0; i < 100; ++i) {
      worker.Append(Records("r", 1 + i, 1), [&](Status st) {
        EXPECT_TRUE(st.ok());
        completed++;
      });
    }
    worker.Stop();
  }
  EXPECT_EQ(completed.load(), 100);
  EXPECT_EQ(mem.Load("r")->log.size(), 100u);
}

}  // namespace
}  // namespace symphony::server
