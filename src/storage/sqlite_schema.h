// The SQLite schema of the storage layer (described in doc/storage_format.md) and its version,
// kept in PRAGMA user_version.
#pragma once

#include <cstdint>

#include "storage/sqlite_connection.h"
#include "util/status.h"

namespace symphony::storage {

// The version this build writes and reads. Bump it (and add a migration) for any change to the
// tables or to what their values mean, checksums included.
inline constexpr int64_t kSqliteSchemaVersion = 1;

// Makes the database hold the current schema: a fresh database (user_version 0) gets the tables
// and user_version = kSqliteSchemaVersion in one transaction; the current version is accepted
// as is; a newer version is kUnsupported (a newer Symphony wrote it: this build could
// misread it), and a version this build never wrote (negative) is kCorrupt.
Status PrepareSqliteSchema(SqliteConnection& db);

}  // namespace symphony::storage
