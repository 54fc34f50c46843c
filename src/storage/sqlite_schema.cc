#include "storage/sqlite_schema.h"

#include <string>

namespace symphony::storage {
namespace {

// Room names are TEXT compared bytewise (BINARY collation); bytes are BLOBs; integers are
// SQLite's signed 64-bit values (write_rules.h keeps them below 2^63).
constexpr const char* kCreateTables = R"sql(
CREATE TABLE IF NOT EXISTS rooms (
  room TEXT NOT NULL PRIMARY KEY,
  created_ms INTEGER NOT NULL,
  last_active_ms INTEGER NOT NULL,
  snapshot_bytes INTEGER NOT NULL,
  log_bytes INTEGER NOT NULL,
  log_records INTEGER NOT NULL,
  last_seq INTEGER NOT NULL,
  total_connections INTEGER NOT NULL,
  peak_connections INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS snapshots (
  room TEXT NOT NULL PRIMARY KEY,
  covers_seq INTEGER NOT NULL,
  bytes BLOB NOT NULL,
  checksum INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS log (
  room TEXT NOT NULL,
  seq INTEGER NOT NULL,
  bytes BLOB NOT NULL,
  checksum INTEGER NOT NULL,
  PRIMARY KEY (room, seq)
);
)sql";

Status CheckVersion(int64_t version) {
  if (version > kSqliteSchemaVersion) {
    return Status(StatusCode::kUnsupported, "database schema version " + std::to_string(version) +
                                                " is newer than this build supports (" +
                                                std::to_string(kSqliteSchemaVersion) +
                                                "): run a newer Symphony");
  }
  if (version < 0) {
    return Status(StatusCode::kCorrupt, "database schema version " + std::to_string(version) +
                                            " was never written by Symphony");
  }
  return Status::Ok();
}

}  // namespace

Status PrepareSqliteSchema(SqliteConnection& db) {
  Result<int64_t> version = db.QueryInt("PRAGMA user_version");
  if (!version.ok()) return version.status();
  if (*version != 0) return CheckVersion(*version);
  // A fresh database: create the tables under the write lock, unless another process has just
  // done so.
  Result<SqliteTransaction> txn = SqliteTransaction::Begin(db, SqliteTransaction::Mode::kImmediate);
  if (!txn.ok()) return txn.status();
  version = db.QueryInt("PRAGMA user_version");
  if (!version.ok()) return version.status();
  if (*version != 0) return CheckVersion(*version);
  SYMPHONY_RETURN_IF_ERROR(db.Exec(kCreateTables));
  SYMPHONY_RETURN_IF_ERROR(
      db.Exec("PRAGMA user_version = " + std::to_string(kSqliteSchemaVersion)));
  return txn->Commit();
}

}  // namespace symphony::storage
