// A thin layer over one sqlite3 connection: opening with the settings every Symphony connection
// uses, prepared statements cached per SQL text, statements that reset themselves when done,
// transactions that roll back unless committed, and SQLite result codes mapped to Status codes.
//
// Not thread-safe: the owner serialises all use of a connection and of the statements and
// transactions made from it (SqliteStorage holds one mutex per connection).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "util/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace symphony::storage {

// Maps an SQLite result code (primary or extended) to a Status: SQLITE_FULL -> kFull,
// SQLITE_BUSY / SQLITE_LOCKED -> kBusy, SQLITE_CORRUPT / SQLITE_NOTADB -> kCorrupt, anything else
// -> kIo. The message is "<context>: <sqlite3_errmsg> (<sqlite3_errstr>)"; `db` may be null.
Status SqliteStatus(int rc, sqlite3* db, std::string_view context);

// A cached prepared statement in use. Reset (and its bindings cleared) when destroyed, so an
// unfinished SELECT never keeps a read transaction open. Column views stay valid until the next
// Step or the statement's destruction. Parameters and columns are numbered as in SQLite
// (parameters from 1, columns from 0).
class SqliteStatement {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&&) = delete;
  ~SqliteStatement();

  // A failed bind (SQLITE_TOOBIG, SQLITE_RANGE) is reported by the next Step.
  SqliteStatement& BindInt(int index, int64_t value);
  SqliteStatement& BindText(int index, std::string_view text);
  SqliteStatement& BindBlob(int index, std::string_view bytes);

  // Runs to the next row: true with a row to read, false when done.
  Result<bool> Step();
  // Steps until done (statements without rows).
  Status Run();

  int ColumnType(int col) const;  // SQLITE_INTEGER, SQLITE_BLOB, ...
  int64_t ColumnInt(int col) const;
  std::string_view ColumnBytes(int col) const;  // blob or text bytes

 private:
  void NoteBind(int rc, int index);

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  int bind_rc_ = 0;  // SQLITE_OK
  int bind_index_ = 0;
};

class SqliteConnection {
 public:
  // Opens (creating if missing) the database file with extended result codes and a busy
  // timeout: a lock held by another connection is waited for that long, then kBusy.
  static Result<std::unique_ptr<SqliteConnection>> Open(const std::string& path,
                                                        int busy_timeout_ms);
  ~SqliteConnection();  // finalizes cached statements, closes
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  // Runs SQL without results (several statements allowed).
  Status Exec(const std::string& sql);
  // The cached statement for `sql` (prepared on first use). kInternal if that statement is
  // already in use.
  Result<SqliteStatement> Prepare(std::string_view sql);
  // The first column of the first row of uncached SQL, e.g. a PRAGMA (kIo if there is no row).
  Result<int64_t> QueryInt(const std::string& sql);
  Result<std::string> QueryText(const std::string& sql);

  sqlite3* handle() const { return db_; }

 private:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}

  sqlite3* db_;
  std::map<std::string, sqlite3_stmt*, std::less<>> statements_;
};

// A transaction on a connection, rolled back when destroyed unless committed.
class SqliteTransaction {
 public:
  // Immediate: takes the write lock now (waiting up to the busy timeout, then kBusy), so a write
  // transaction never fails later for lack of it. Deferred: a read snapshot from the first read.
  enum class Mode { kDeferred, kImmediate };
  static Result<SqliteTransaction> Begin(SqliteConnection& db, Mode mode);

  SqliteTransaction(SqliteTransaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  SqliteTransaction& operator=(SqliteTransaction&&) = delete;
  ~SqliteTransaction();

  // On error the transaction is rolled back (when this object is destroyed, or already by
  // SQLite).
  Status Commit();

 private:
  explicit SqliteTransaction(SqliteConnection* db) : db_(db) {}

  SqliteConnection* db_;  // null once committed or moved from
};

}  // namespace symphony::storage
