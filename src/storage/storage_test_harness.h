// Backends under the shared contract test (storage_contract_test.cc). Each harness owns a
// backend and knows how to damage it, fill it up and lock it the way that backend can be
// damaged, filled up and locked in real life (for SQLite: raw SQL on a second connection and
// PRAGMA max_page_count; for memory: its test hooks).
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <climits>
#include <memory>
#include <string>

#include "storage/memory_storage.h"
#include "storage/sqlite_storage.h"
#include "storage/test_dir.h"

namespace symphony::storage {

class MemoryHarness {
 public:
  static constexpr bool kPersistent = false;

  Storage& storage() { return storage_; }
  void Reopen() {}
  void CorruptLogRecord(const std::string& room, uint64_t seq) {
    ASSERT_TRUE(storage_.CorruptLogRecord(room, seq));
  }
  void DropLogRecord(const std::string& room, uint64_t seq) {
    ASSERT_TRUE(storage_.DropLogRecord(room, seq));
  }
  void CorruptSnapshot(const std::string& room) { ASSERT_TRUE(storage_.CorruptSnapshot(room)); }
  void LimitSpace() { storage_.SetMaxBytes(storage_.StoredBytes() + 64 * 1024); }
  void UnlimitSpace() { storage_.SetMaxBytes(0); }
  void HoldWriteLock() { storage_.FailNext(StatusCode::kBusy, INT_MAX, MemoryStorage::kWrites); }
  void ReleaseWriteLock() { storage_.FailNext(StatusCode::kOk, 0); }

 private:
  MemoryStorage storage_;
};

class SqliteHarness {
 public:
  static constexpr bool kPersistent = true;

  SqliteHarness() { Reopen(); }
  ~SqliteHarness() {
    storage_.reset();
    if (raw_) sqlite3_close(raw_);
  }

  Storage& storage() { return *storage_; }
  SqliteStorage& sqlite() { return *storage_; }
  const TestDir& dir() const { return dir_; }

  void Reopen() {
    storage_.reset();
    auto opened = SqliteStorage::Open(
        {.dir = dir_.path(), .fsync = FsyncPolicy::kNormal, .busy_timeout_ms = 100});
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    storage_ = std::move(*opened);
  }

  // A second connection to the same file, as another process would have.
  sqlite3* Raw() {
    if (raw_ == nullptr) {
      EXPECT_EQ(sqlite3_open(storage_->path().c_str(), &raw_), SQLITE_OK);
      sqlite3_busy_timeout(raw_, 2000);
    }
    return raw_;
  }
  void Exec(const std::string& sql) {
    char* error = nullptr;
    int rc = sqlite3_exec(Raw(), sql.c_str(), nullptr, nullptr, &error);
    EXPECT_EQ(rc, SQLITE_OK) << sql << ": " << (error ? error : "");
    sqlite3_free(error);
  }

  // Flips a bit of the stored bytes, leaving the checksum as it was.
  void CorruptLogRecord(const std::string& room, uint64_t seq) {
    FlipByte("log", "seq = " + std::to_string(seq), room);
  }
  void CorruptSnapshot(const std::string& room) { FlipByte("snapshots", "1", room); }
  void DropLogRecord(const std::string& room, uint64_t seq) {
    sqlite3_stmt* stmt = nullptr;
    ASSERT_EQ(
        sqlite3_prepare_v2(Raw(), "DELETE FROM log WHERE room = ? AND seq = ?", -1, &stmt, nullptr),
        SQLITE_OK);
    sqlite3_bind_text(stmt, 1, room.data(), static_cast<int>(room.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64(stmt, 2, static_cast<int64_t>(seq));
    EXPECT_EQ(sqlite3_step(stmt), SQLITE_DONE);
    sqlite3_finalize(stmt);
    EXPECT_EQ(sqlite3_changes(Raw()), 1);
  }

  void LimitSpace() {
    auto current = storage_->SetMaxPageCount(1);  // never set below the current size
    ASSERT_TRUE(current.ok()) << current.status().ToString();
    ASSERT_TRUE(storage_->SetMaxPageCount(*current + 16).ok());
  }
  void UnlimitSpace() { ASSERT_TRUE(storage_->SetMaxPageCount(1073741823).ok()); }
  void HoldWriteLock() { Exec("BEGIN IMMEDIATE"); }
  void ReleaseWriteLock() { Exec("ROLLBACK"); }

 private:
  void FlipByte(const std::string& table, const std::string& where, const std::string& room) {
    std::string sql = "SELECT bytes FROM " + table + " WHERE room = ? AND " + where;
    sqlite3_stmt* stmt = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(Raw(), sql.c_str(), -1, &stmt, nullptr), SQLITE_OK);
    sqlite3_bind_text(stmt, 1, room.data(), static_cast<int>(room.size()), SQLITE_TRANSIENT);
    ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
    std::string bytes(static_cast<const char*>(sqlite3_column_blob(stmt, 0)),
                      sqlite3_column_bytes(stmt, 0));
    sqlite3_finalize(stmt);
    ASSERT_FALSE(bytes.empty());
    bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x10);
    sql = "UPDATE " + table + " SET bytes = ? WHERE room = ? AND " + where;
    ASSERT_EQ(sqlite3_prepare_v2(Raw(), sql.c_str(), -1, &stmt, nullptr), SQLITE_OK);
    sqlite3_bind_blob(stmt, 1, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 2, room.data(), static_cast<int>(room.size()), SQLITE_TRANSIENT);
    EXPECT_EQ(sqlite3_step(stmt), SQLITE_DONE);
    sqlite3_finalize(stmt);
    EXPECT_EQ(sqlite3_changes(Raw()), 1);
  }

  TestDir dir_;
  std::unique_ptr<SqliteStorage> storage_;
  sqlite3* raw_ = nullptr;
};

}  // namespace symphony::storage
