// What only the SQLite backend does: files, schema versions, pragmas, column validation.
// The shared contract is in storage_contract_test.cc.
#include "storage/sqlite_storage.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>

#include "storage/sqlite_schema.h"
#include "storage/storage_test_harness.h"
#include "storage/test_dir.h"

namespace symphony::storage {
namespace {

void ExpectOpenFails(const SqliteStorageOptions& options, StatusCode code,
                     const std::string& needle) {
  auto opened = SqliteStorage::Open(options);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), code) << opened.status().ToString();
  EXPECT_NE(opened.status().message().find(needle), std::string::npos) << opened.status().message();
}

TEST(SqliteStorageTest, CreatesDirectoryAndWalDatabase) {
  TestDir dir;
  std::string nested = dir.Sub("a/b/c");
  auto opened = SqliteStorage::Open({.dir = nested});
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ((*opened)->path(), nested + "/symphony.db");
  EXPECT_EQ((*opened)->name(), "sqlite");
  EXPECT_TRUE(std::filesystem::exists(nested + "/symphony.db"));
  auto version = (*opened)->WriterPragma("user_version");
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, kSqliteSchemaVersion);

  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open((nested + "/symphony.db").c_str(), &raw), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(raw, "PRAGMA journal_mode", -1, &stmt, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "wal");
  sqlite3_finalize(stmt);
  ASSERT_EQ(sqlite3_prepare_v2(raw,
                               "SELECT group_concat(name) FROM (SELECT name FROM sqlite_schema "
                               "WHERE type = 'table' ORDER BY name)",
                               -1, &stmt, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "log,rooms,snapshots");
  sqlite3_finalize(stmt);
  sqlite3_close(raw);
}

TEST(SqliteStorageTest, DirectoryErrors) {
  TestDir dir;
  std::ofstream(dir.Sub("file")) << "not a directory";
  ExpectOpenFails({.dir = dir.Sub("file")}, StatusCode::kIo,
                  "cannot create storage directory " + dir.Sub("file") + ": ");
  ExpectOpenFails({.dir = dir.Sub("file/below")}, StatusCode::kIo,
                  "cannot create storage directory " + dir.Sub("file/below"));
  ExpectOpenFails({.dir = ""}, StatusCode::kInvalid, "empty");
}

TEST(SqliteStorageTest, NotADatabaseIsCorrupt) {
  TestDir dir;
  std::ofstream(dir.Sub("symphony.db")) << std::string(8192, 'j');
  ExpectOpenFails({.dir = dir.path()}, StatusCode::kCorrupt,
                  "opening " + dir.Sub("symphony.db") + ": ");
}

TEST(SqliteStorageTest, RefusesNewerSchema) {
  TestDir dir;
  {
    auto opened = SqliteStorage::Open({.dir = dir.path()});
    ASSERT_TRUE(opened.ok());
  }
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(dir.Sub("symphony.db").c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw, "PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(raw);
  ExpectOpenFails({.dir = dir.path()}, StatusCode::kUnsupported,
                  "database schema version 99 is newer than this build supports (1)");
}

TEST(SqliteStorageTest, FsyncPolicyChoosesSynchronous) {
  TestDir dir;
  const std::pair<FsyncPolicy, int64_t> cases[] = {
      {FsyncPolicy::kAlways, 2}, {FsyncPolicy::kNormal, 1}, {FsyncPolicy::kOff, 0}};
  for (auto [policy, synchronous] : cases) {
    auto opened = SqliteStorage::Open({.dir = dir.path(), .fsync = policy});
    ASSERT_TRUE(opened.ok());
    auto value = (*opened)->WriterPragma("synchronous");
    ASSERT_TRUE(value.ok());
    EXPECT_EQ(*value, synchronous);
    std::vector<AppendRecord> batch = {{"r", static_cast<uint64_t>(3 - synchronous), "u"}};
    EXPECT_TRUE((*opened)->Append(batch).ok());
  }
}

TEST(SqliteStorageTest, MaxPageCountOptionMakesWritesFull) {
  TestDir dir;
  uint64_t pages = 0;
  {
    auto opened = SqliteStorage::Open({.dir = dir.path()});
    ASSERT_TRUE(opened.ok());
    auto current = (*opened)->SetMaxPageCount(1);
    ASSERT_TRUE(current.ok());
    pages = *current;
    EXPECT_GT(pages, 1u);
  }
  auto opened = SqliteStorage::Open({.dir = dir.path(), .max_page_count = pages + 2});
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  std::vector<AppendRecord> batch = {{"r", 1, std::string(64 * 1024, 'x')}};
  Status status = (*opened)->Append(batch);
  EXPECT_EQ(status.code(), StatusCode::kFull) << status.ToString();
  EXPECT_NE(status.message().find("full"), std::string::npos) << status.message();
}

// Damage that is not a flipped byte: values of the wrong type where the schema cannot stop them
// (SQLite columns accept any type).
TEST(SqliteStorageTest, WrongColumnTypesAreCorrupt) {
  SqliteHarness h;
  std::vector<AppendRecord> batch = {{"r", 1, "one"}, {"r", 2, "two"}};
  ASSERT_TRUE(h.storage().Append(batch).ok());
  auto expect_corrupt = [&](const std::string& needle) {
    auto loaded = h.storage().Load("r");
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.status().code(), StatusCode::kCorrupt);
    EXPECT_NE(loaded.status().message().find(needle), std::string::npos)
        << loaded.status().message() << " / wanted: " << needle;
  };
  h.Exec("UPDATE log SET bytes = 'text' WHERE seq = 2");
  expect_corrupt("room 'r': log record seq 2: bytes is not a blob");
  h.Exec("UPDATE log SET bytes = x'74776f', checksum = -1 WHERE seq = 2");
  expect_corrupt("log record seq 2: checksum is not an integer >= 0");
  h.Exec("UPDATE log SET checksum = 4294967296 WHERE seq = 2");
  expect_corrupt("log record seq 2: checksum out of range");
  h.Exec("UPDATE log SET checksum = 'abc' WHERE seq = 2");
  expect_corrupt("checksum is not an integer");
  h.Exec("UPDATE log SET checksum = 0 WHERE seq = 2; UPDATE log SET seq = 2.5 WHERE seq = 1");
  expect_corrupt("log record seq is not an integer");
  h.Exec("UPDATE rooms SET last_seq = -3");
  expect_corrupt("metadata last_seq is not an integer >= 0");
  EXPECT_EQ(h.storage().GetMeta("r").status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(h.storage().ListRooms().status().code(), StatusCode::kCorrupt);
  // A write that must read the damaged metadata refuses too, and stores nothing.
  std::vector<AppendRecord> next = {{"r", 3, "three"}};
  EXPECT_EQ(h.storage().Append(next).code(), StatusCode::kCorrupt);
}

// A crash between the write of a record and of its metadata is impossible (one transaction),
// but damage can leave records beyond last_seq: they are reported, not served.
TEST(SqliteStorageTest, RecordBeyondLastSeqIsCorrupt) {
  SqliteHarness h;
  std::vector<AppendRecord> batch = {{"r", 1, "one"}, {"r", 2, "two"}};
  ASSERT_TRUE(h.storage().Append(batch).ok());
  h.Exec("UPDATE rooms SET last_seq = 1");
  auto loaded = h.storage().Load("r");
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(loaded.status().message().find("log record seq 2 beyond last_seq 1"), std::string::npos)
      << loaded.status().message();
}

TEST(SqliteStorageTest, BusyTimeoutIsHonoured) {
  SqliteHarness h;  // busy_timeout_ms = 100
  h.HoldWriteLock();
  auto start = std::chrono::steady_clock::now();
  std::vector<AppendRecord> batch = {{"r", 1, "one"}};
  Status status = h.storage().Append(batch);
  auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(status.code(), StatusCode::kBusy);
  EXPECT_NE(status.message().find("database is locked"), std::string::npos) << status.message();
  EXPECT_GE(waited, std::chrono::milliseconds(90));
  EXPECT_LT(waited, std::chrono::seconds(3));
  h.ReleaseWriteLock();
}

TEST(SqliteStorageTest, FailedAppendIsRolledBack) {
  SqliteHarness h;
  // The last record of the batch does not fit: SQLite fails after other rows went in.
  std::vector<AppendRecord> first = {{"r", 1, "one"}};
  ASSERT_TRUE(h.storage().Append(first).ok());
  h.LimitSpace();
  std::vector<AppendRecord> batch = {
      {"r", 2, "two"}, {"q", 1, "q"}, {"r", 3, std::string(256 * 1024, 'z')}};
  EXPECT_EQ(h.storage().Append(batch).code(), StatusCode::kFull);
  h.UnlimitSpace();
  EXPECT_FALSE(h.storage().Load("q")->exists);
  auto r = h.storage().Load("r");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->log.size(), 1u);
  EXPECT_EQ(r->meta.last_seq, 1u);
  EXPECT_EQ(r->meta.log_records, 1u);
  EXPECT_EQ(r->meta.log_bytes, 3u);
  // The connection is usable: no transaction was left open.
  ASSERT_TRUE(h.storage().Append(batch).ok());
  EXPECT_EQ(h.storage().Load("r")->log.size(), 3u);
}

}  // namespace
}  // namespace symphony::storage
