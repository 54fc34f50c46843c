#include "server/storage_worker.h"

#include <chrono>

#include "server/metrics.h"

namespace symphony::server {

StorageWorker::StorageWorker(storage::Storage& storage)
    : storage_(storage), writer_([this] { WriterLoop(); }), reader_([this] { ReaderLoop(); }) {}

StorageWorker::~StorageWorker() { Stop(); }

void StorageWorker::Append(std::vector<storage::AppendRecord> records,
                           std::function<void(Status)> done) {
  std::lock_guard lock(mu_);
  if (stopping_) return;
  // Join the append batch waiting at the back of the queue, if any: that is the group commit.
  if (writes_.empty() || writes_.back().job) writes_.emplace_back();
  writes_.back().appends.push_back(AppendJob{std::move(records), std::move(done)});
  writer_cv_.notify_one();
}

void StorageWorker::Write(std::function<void(storage::Storage&)> job) {
  std::lock_guard lock(mu_);
  if (stopping_) return;
  writes_.push_back(WriteJob{std::move(job), {}});
  writer_cv_.notify_one();
}

void StorageWorker::Read(std::function<void(storage::Storage&)> job) {
  std::lock_guard lock(mu_);
  if (stopping_) return;
  reads_.push_back(std::move(job));
  reader_cv_.notify_one();
}

void StorageWorker::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !writer_.joinable()) return;
    stopping_ = true;
  }
  writer_cv_.notify_all();
  reader_cv_.notify_all();
  if (writer_.joinable()) writer_.join();
  if (reader_.joinable()) reader_.join();
}

void StorageWorker::WriterLoop() {
  for (;;) {
    WriteJob job;
    {
      std::unique_lock lock(mu_);
      writer_cv_.wait(lock, [&] { return stopping_ || !writes_.empty(); });
      if (writes_.empty()) return;  // stopping and drained
      job = std::move(writes_.front());
      writes_.pop_front();
    }
    if (job.job) {
      job.job(storage_);
      continue;
    }
    std::vector<storage::AppendRecord> all;
    size_t n = 0;
    for (const AppendJob& a : job.appends) n += a.records.size();
    all.reserve(n);
    for (AppendJob& a : job.appends) {
      a.sizes = a.records.size();
      for (auto& r : a.records) all.push_back(std::move(r));
    }
    const auto start = std::chrono::steady_clock::now();
    Status st = storage_.Append(all);
    Metrics().storage_commit_seconds.Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    if (st.code() == StatusCode::kInvalid && job.appends.size() > 1) {
      // One room broke the seq contract: commit the others' records on their own so one bad
      // room cannot hold every other room's updates hostage.
      size_t at = 0;
      for (AppendJob& a : job.appends) {
        std::span<const storage::AppendRecord> mine(all.data() + at, a.sizes);
        at += a.sizes;
        Status own = storage_.Append(mine);
        if (!own.ok()) Metrics().CountStorageError(StorageOp::kAppend);
        a.done(own);
      }
      continue;
    }
    if (!st.ok()) Metrics().CountStorageError(StorageOp::kAppend);
    for (AppendJob& a : job.appends) a.done(st);
  }
}

void StorageWorker::ReaderLoop() {
  for (;;) {
    std::function<void(storage::Storage&)> job;
    {
      std::unique_lock lock(mu_);
      reader_cv_.wait(lock, [&] { return stopping_ || !reads_.empty(); });
      if (reads_.empty()) return;
      job = std::move(reads_.front());
      reads_.pop_front();
    }
    job(storage_);
  }
}

}  // namespace symphony::server
