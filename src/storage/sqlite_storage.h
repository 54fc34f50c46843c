// SqliteStorage: the embedded default backend. One database file, <dir>/symphony.db, in WAL
// mode; the layout, checksums and error mapping are in doc/storage_format.md.
//
// Thread-safety: every method may be called from any thread. Writes (Append, WriteSnapshot,
// UpdateMeta, DeleteRoom) share one connection under a mutex; reads (Load, GetMeta, ListRooms)
// share a second connection under another mutex, so a read runs beside a write (WAL readers see
// the last committed state and never wait for the writer). Each Load reads in one transaction:
// it never mixes states from before and after a concurrent write.
//
// Several processes may open the same file (SQLite's locks keep it consistent, a write waits up
// to busy_timeout_ms for another process's write lock, then fails with kBusy), but one room must
// have one writer: seqs are checked, not arbitrated.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "storage/sqlite_connection.h"
#include "storage/storage.h"

namespace symphony::storage {

// Defaults in comments.
struct SqliteStorageOptions {
  std::string dir;                           // required; created with its parents if missing
  FsyncPolicy fsync = FsyncPolicy::kAlways;  // PRAGMA synchronous FULL / NORMAL / OFF
  int busy_timeout_ms = 5000;  // how long a call waits for another connection's lock, then kBusy
  // 0: SQLite's own limit. Otherwise PRAGMA max_page_count on the write connection: a write
  // that would grow the file past this many pages fails with SQLITE_FULL (kFull). For tests of
  // a full disk; a limit below the current size is raised to it.
  uint64_t max_page_count = 0;
};

class SqliteStorage final : public Storage {
 public:
  static constexpr const char* kFileName = "symphony.db";

  // Creates the directory if missing, opens (or creates) the database, switches it to WAL mode
  // and checks or creates the schema (sqlite_schema.h). Errors: kInvalid for an empty dir; kIo
  // when the directory cannot be created or the file opened (the message names the path and
  // the reason); kCorrupt for a file that is not a database; kUnsupported for a database
  // written by a newer schema version; kBusy if another process holds it locked too long.
  static Result<std::unique_ptr<SqliteStorage>> Open(const SqliteStorageOptions& options);

  ~SqliteStorage() override;

  std::string_view name() const override { return "sqlite"; }
  Result<LoadedRoom> Load(std::string_view room) override;
  Status Append(std::span<const AppendRecord> records) override;
  Status WriteSnapshot(std::string_view room, std::string_view snapshot,
                       uint64_t covers_seq) override;
  Status UpdateMeta(const MetaUpdate& update) override;
  Result<RoomMeta> GetMeta(std::string_view room) override;
  Result<std::vector<RoomMeta>> ListRooms() override;
  Status DeleteRoom(std::string_view room) override;

  // The database file.
  const std::string& path() const { return path_; }

  // Test hooks.

  // Sets PRAGMA max_page_count on the write connection; returns the limit now in force, which
  // SQLite never sets below the current number of pages (so SetMaxPageCount(1) returns the
  // current size).
  Result<uint64_t> SetMaxPageCount(uint64_t pages);
  // The value of an integer PRAGMA on the write connection (e.g. "synchronous"). `pragma` must
  // be a pragma name.
  Result<int64_t> WriterPragma(std::string_view pragma);

 private:
  SqliteStorage(std::string path, std::unique_ptr<SqliteConnection> writer,
                std::unique_ptr<SqliteConnection> reader);

  // The room's metadata row, or nullopt; kCorrupt for values of the wrong type or range.
  static Result<std::optional<RoomMeta>> ReadMeta(SqliteConnection& db, std::string_view room);
  static Status WriteMeta(SqliteConnection& db, const RoomMeta& meta);

  const std::string path_;
  std::mutex write_mu_;
  std::unique_ptr<SqliteConnection> writer_;  // guarded by write_mu_
  std::mutex read_mu_;
  std::unique_ptr<SqliteConnection> reader_;  // guarded by read_mu_
};

}  // namespace symphony::storage
