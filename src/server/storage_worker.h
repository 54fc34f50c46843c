// StorageWorker: runs every storage call off the event loops.
//
// Writes (appends, snapshots, metadata, deletes) go to one writer thread, in submission order.
// Consecutive appends, from any number of rooms, are merged into one Storage::Append call: one
// transaction and one fsync for everything that arrived while the previous commit ran (group
// commit). Reads (loads, metadata queries) run on a separate reader thread so a big load never
// delays commits.
//
// Completion callbacks run on the worker's threads: callers post them back to their own loop.
// Thread-safety: every method may be called from any thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/storage.h"

namespace symphony::server {

class StorageWorker {
 public:
  explicit StorageWorker(storage::Storage& storage);
  ~StorageWorker();  // Stop()
  StorageWorker(const StorageWorker&) = delete;
  StorageWorker& operator=(const StorageWorker&) = delete;

  storage::Storage& storage() { return storage_; }

  // Appends `records` (one room's, seqs contiguous) as part of the next group commit.
  void Append(std::vector<storage::AppendRecord> records, std::function<void(Status)> done);
  // Runs `job` on the writer thread, after every write submitted before it.
  void Write(std::function<void(storage::Storage&)> job);
  // Runs `job` on the reader thread.
  void Read(std::function<void(storage::Storage&)> job);

  // Finishes every submitted job, then stops both threads. Later submissions are dropped.
  void Stop();

 private:
  struct AppendJob {
    std::vector<storage::AppendRecord> records;
    std::function<void(Status)> done;
    size_t sizes = 0;  // records.size() before they were moved into the batch
  };
  struct WriteJob {
    std::function<void(storage::Storage&)> job;  // empty: an append (see appends)
    std::vector<AppendJob> appends;
  };
  void WriterLoop();
  void ReaderLoop();

  storage::Storage& storage_;
  std::mutex mu_;
  std::condition_variable writer_cv_;
  std::condition_variable reader_cv_;
  std::deque<WriteJob> writes_;
  std::deque<std::function<void(storage::Storage&)>> reads_;
  bool stopping_ = false;
  std::thread writer_;
  std::thread reader_;
};

}  // namespace symphony::server
