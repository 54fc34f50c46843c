#include "storage/sqlite_storage.h"

#include <sqlite3.h>

#include <filesystem>
#include <map>
#include <system_error>
#include <utility>

#include "storage/checksum.h"
#include "storage/load_rules.h"
#include "storage/sqlite_schema.h"
#include "storage/write_rules.h"

namespace symphony::storage {
namespace {

using Mode = SqliteTransaction::Mode;

constexpr const char* kSelectMeta =
    "SELECT room, created_ms, last_active_ms, snapshot_bytes, log_bytes, log_records, last_seq, "
    "total_connections, peak_connections FROM rooms";

Status Corrupt(std::string_view room, const std::string& what) {
  return Status(StatusCode::kCorrupt, "room " + QuoteRoom(room) + ": " + what);
}

// An INTEGER column holding a value >= min; kCorrupt naming `what` otherwise.
Result<int64_t> IntColumn(const SqliteStatement& row, int col, int64_t min, std::string_view room,
                          const std::string& what) {
  if (row.ColumnType(col) != SQLITE_INTEGER || row.ColumnInt(col) < min) {
    return Corrupt(room, what + " is not an integer >= " + std::to_string(min));
  }
  return row.ColumnInt(col);
}

// A BLOB column (its bytes), kCorrupt otherwise.
Result<std::string> BlobColumn(const SqliteStatement& row, int col, std::string_view room,
                               const std::string& what) {
  if (row.ColumnType(col) != SQLITE_BLOB) return Corrupt(room, what + " is not a blob");
  return std::string(row.ColumnBytes(col));
}

// The columns of kSelectMeta.
Result<RoomMeta> MetaFromRow(const SqliteStatement& row) {
  RoomMeta meta;
  if (row.ColumnType(0) != SQLITE_TEXT) {
    return Status(StatusCode::kCorrupt, "rooms table: a room name is not text");
  }
  meta.room = std::string(row.ColumnBytes(0));
  static constexpr const char* kNames[] = {"created_ms",        "last_active_ms",  "snapshot_bytes",
                                           "log_bytes",         "log_records",     "last_seq",
                                           "total_connections", "peak_connections"};
  int64_t values[8];
  for (int i = 0; i < 8; ++i) {
    int64_t min = i < 2 ? INT64_MIN : 0;  // times may be anything; sizes and counts not
    Result<int64_t> v = IntColumn(row, i + 1, min, meta.room, std::string("metadata ") + kNames[i]);
    if (!v.ok()) return v.status();
    values[i] = *v;
  }
  meta.created_ms = values[0];
  meta.last_active_ms = values[1];
  meta.snapshot_bytes = static_cast<uint64_t>(values[2]);
  meta.log_bytes = static_cast<uint64_t>(values[3]);
  meta.log_records = static_cast<uint64_t>(values[4]);
  meta.last_seq = static_cast<uint64_t>(values[5]);
  meta.total_connections = static_cast<uint64_t>(values[6]);
  meta.peak_connections = static_cast<uint64_t>(values[7]);
  return meta;
}

// Reads (seq or covers_seq, bytes, checksum) columns of a log or snapshot row.
struct RecordColumns {
  uint64_t seq = 0;
  std::string bytes;
  uint32_t checksum = 0;
};

Result<RecordColumns> RecordFromRow(const SqliteStatement& row, std::string_view room,
                                    const char* kind) {
  RecordColumns out;
  Result<int64_t> seq = IntColumn(row, 0, 0, room, std::string(kind) + " seq");
  if (!seq.ok()) return seq.status();
  out.seq = static_cast<uint64_t>(*seq);
  std::string what = std::string(kind) + " seq " + std::to_string(out.seq);
  Result<std::string> bytes = BlobColumn(row, 1, room, what + ": bytes");
  if (!bytes.ok()) return bytes.status();
  out.bytes = std::move(*bytes);
  Result<int64_t> checksum = IntColumn(row, 2, 0, room, what + ": checksum");
  if (!checksum.ok()) return checksum.status();
  if (*checksum > UINT32_MAX) return Corrupt(room, what + ": checksum out of range");
  out.checksum = static_cast<uint32_t>(*checksum);
  return out;
}

const char* SynchronousFor(FsyncPolicy policy) {
  switch (policy) {
    case FsyncPolicy::kAlways:
      return "FULL";
    case FsyncPolicy::kNormal:
      return "NORMAL";
    case FsyncPolicy::kOff:
      return "OFF";
  }
  return "FULL";
}

Status Annotate(const Status& status, const std::string& path) {
  return Status(status.code(), "opening " + path + ": " + status.message());
}

}  // namespace

SqliteStorage::SqliteStorage(std::string path, std::unique_ptr<SqliteConnection> writer,
                             std::unique_ptr<SqliteConnection> reader)
    : path_(std::move(path)), writer_(std::move(writer)), reader_(std::move(reader)) {}

SqliteStorage::~SqliteStorage() {
  reader_.reset();
  writer_.reset();  // the last connection to close checkpoints the WAL into the database
}

Result<std::unique_ptr<SqliteStorage>> SqliteStorage::Open(const SqliteStorageOptions& options) {
  if (options.dir.empty()) return Status(StatusCode::kInvalid, "storage directory is empty");
  std::error_code ec;
  std::filesystem::create_directories(options.dir, ec);
  if (ec) {
    return Status(StatusCode::kIo,
                  "cannot create storage directory " + options.dir + ": " + ec.message());
  }
  if (!std::filesystem::is_directory(options.dir, ec)) {
    return Status(StatusCode::kIo, "storage path " + options.dir + " is not a directory");
  }
  std::string path = (std::filesystem::path(options.dir) / kFileName).string();

  Result<std::unique_ptr<SqliteConnection>> writer =
      SqliteConnection::Open(path, options.busy_timeout_ms);
  if (!writer.ok()) return writer.status();
  SqliteConnection& w = **writer;
  Result<std::string> mode = w.QueryText("PRAGMA journal_mode = WAL");
  if (!mode.ok()) return Annotate(mode.status(), path);
  if (*mode != "wal") {
    return Status(StatusCode::kIo, "opening " + path +
                                       ": cannot switch to WAL mode (journal_mode "
                                       "is " +
                                       *mode + ")");
  }
  Status status = w.Exec(std::string("PRAGMA synchronous = ") + SynchronousFor(options.fsync));
  if (!status.ok()) return Annotate(status, path);
  if (options.max_page_count != 0) {
    Result<int64_t> max =
        w.QueryInt("PRAGMA max_page_count = " + std::to_string(options.max_page_count));
    if (!max.ok()) return Annotate(max.status(), path);
  }
  status = PrepareSqliteSchema(w);
  if (!status.ok()) return Annotate(status, path);

  Result<std::unique_ptr<SqliteConnection>> reader =
      SqliteConnection::Open(path, options.busy_timeout_ms);
  if (!reader.ok()) return reader.status();
  status = (*reader)->Exec("PRAGMA query_only = ON");
  if (!status.ok()) return Annotate(status, path);
  return std::unique_ptr<SqliteStorage>(
      new SqliteStorage(std::move(path), std::move(*writer), std::move(*reader)));
}

Result<std::optional<RoomMeta>> SqliteStorage::ReadMeta(SqliteConnection& db,
                                                        std::string_view room) {
  Result<SqliteStatement> stmt = db.Prepare(std::string(kSelectMeta) + " WHERE room = ?1");
  if (!stmt.ok()) return stmt.status();
  stmt->BindText(1, room);
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<RoomMeta>();
  Result<RoomMeta> meta = MetaFromRow(*stmt);
  if (!meta.ok()) return meta.status();
  return std::optional<RoomMeta>(std::move(*meta));
}

Status SqliteStorage::WriteMeta(SqliteConnection& db, const RoomMeta& meta) {
  Result<SqliteStatement> stmt = db.Prepare(
      "INSERT INTO rooms (room, created_ms, last_active_ms, snapshot_bytes, log_bytes, "
      "log_records, last_seq, total_connections, peak_connections) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (room) DO UPDATE SET "
      "created_ms = excluded.created_ms, last_active_ms = excluded.last_active_ms, "
      "snapshot_bytes = excluded.snapshot_bytes, log_bytes = excluded.log_bytes, "
      "log_records = excluded.log_records, last_seq = excluded.last_seq, "
      "total_connections = excluded.total_connections, "
      "peak_connections = excluded.peak_connections");
  if (!stmt.ok()) return stmt.status();
  // Counters are kept below 2^63 by write_rules.h, so the casts are exact.
  stmt->BindText(1, meta.room)
      .BindInt(2, meta.created_ms)
      .BindInt(3, meta.last_active_ms)
      .BindInt(4, static_cast<int64_t>(meta.snapshot_bytes))
      .BindInt(5, static_cast<int64_t>(meta.log_bytes))
      .BindInt(6, static_cast<int64_t>(meta.log_records))
      .BindInt(7, static_cast<int64_t>(meta.last_seq))
      .BindInt(8, static_cast<int64_t>(meta.total_connections))
      .BindInt(9, static_cast<int64_t>(meta.peak_connections));
  return stmt->Run();
}

Result<LoadedRoom> SqliteStorage::Load(std::string_view room) {
  std::lock_guard lock(read_mu_);
  SqliteConnection& db = *reader_;
  // One read transaction: the three reads see the same committed state.
  Result<SqliteTransaction> txn = SqliteTransaction::Begin(db, Mode::kDeferred);
  if (!txn.ok()) return txn.status();
  Result<std::optional<RoomMeta>> meta = ReadMeta(db, room);
  if (!meta.ok()) return meta.status();
  if (!*meta) return LoadedRoom{};

  std::optional<StoredSnapshot> snapshot;
  {
    Result<SqliteStatement> stmt =
        db.Prepare("SELECT covers_seq, bytes, checksum FROM snapshots WHERE room = ?1");
    if (!stmt.ok()) return stmt.status();
    stmt->BindText(1, room);
    Result<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (*row) {
      Result<RecordColumns> r = RecordFromRow(*stmt, room, "snapshot covering");
      if (!r.ok()) return r.status();
      snapshot = StoredSnapshot{r->seq, std::move(r->bytes), r->checksum};
    }
  }
  std::vector<StoredLogRecord> log;
  {
    Result<SqliteStatement> stmt =
        db.Prepare("SELECT seq, bytes, checksum FROM log WHERE room = ?1 ORDER BY seq");
    if (!stmt.ok()) return stmt.status();
    stmt->BindText(1, room);
    for (;;) {
      Result<bool> row = stmt->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      Result<RecordColumns> r = RecordFromRow(*stmt, room, "log record");
      if (!r.ok()) return r.status();
      log.push_back(StoredLogRecord{r->seq, std::move(r->bytes), r->checksum});
    }
  }
  SYMPHONY_RETURN_IF_ERROR(txn->Commit());
  return AssembleRoom(std::move(**meta), std::move(snapshot), std::move(log));
}

Status SqliteStorage::Append(std::span<const AppendRecord> records) {
  if (records.empty()) return Status::Ok();
  std::lock_guard lock(write_mu_);
  SqliteConnection& db = *writer_;
  Result<SqliteTransaction> txn = SqliteTransaction::Begin(db, Mode::kImmediate);
  if (!txn.ok()) return txn.status();

  std::map<std::string, RoomMeta, std::less<>> stored;  // rooms of the batch that exist
  Result<std::vector<RoomAppend>> plan =
      PlanAppend(records, [&](std::string_view room) -> Result<uint64_t> {
        Result<std::optional<RoomMeta>> meta = ReadMeta(db, room);
        if (!meta.ok()) return meta.status();
        if (!*meta) return uint64_t{0};
        uint64_t last_seq = (*meta)->last_seq;
        stored.emplace(room, std::move(**meta));
        return last_seq;
      });
  if (!plan.ok()) return plan.status();

  for (const AppendRecord& r : records) {
    Result<SqliteStatement> stmt =
        db.Prepare("INSERT INTO log (room, seq, bytes, checksum) VALUES (?1, ?2, ?3, ?4)");
    if (!stmt.ok()) return stmt.status();
    stmt->BindText(1, r.room)
        .BindInt(2, static_cast<int64_t>(r.seq))
        .BindBlob(3, r.update)
        .BindInt(4, LogRecordChecksum(r.room, r.seq, r.update));
    SYMPHONY_RETURN_IF_ERROR(stmt->Run());
  }
  int64_t now = NowMs();
  for (const RoomAppend& a : *plan) {
    auto it = stored.find(a.room);
    RoomMeta meta = it != stored.end() ? std::move(it->second) : NewRoomMeta(a.room, now);
    MergeAppend(a, now, meta);
    SYMPHONY_RETURN_IF_ERROR(WriteMeta(db, meta));
  }
  return txn->Commit();
}

Status SqliteStorage::WriteSnapshot(std::string_view room, std::string_view snapshot,
                                    uint64_t covers_seq) {
  SYMPHONY_RETURN_IF_ERROR(CheckRoomName(room));
  std::lock_guard lock(write_mu_);
  SqliteConnection& db = *writer_;
  Result<SqliteTransaction> txn = SqliteTransaction::Begin(db, Mode::kImmediate);
  if (!txn.ok()) return txn.status();
  Result<std::optional<RoomMeta>> meta = ReadMeta(db, room);
  if (!meta.ok()) return meta.status();
  uint64_t snapshot_seq = 0;
  {
    Result<SqliteStatement> stmt = db.Prepare("SELECT covers_seq FROM snapshots WHERE room = ?1");
    if (!stmt.ok()) return stmt.status();
    stmt->BindText(1, room);
    Result<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (*row) {
      Result<int64_t> seq = IntColumn(*stmt, 0, 0, room, "snapshot covers_seq");
      if (!seq.ok()) return seq.status();
      snapshot_seq = static_cast<uint64_t>(*seq);
    }
  }
  SYMPHONY_RETURN_IF_ERROR(
      CheckSnapshotWrite(room, covers_seq, *meta ? &**meta : nullptr, snapshot_seq));

  Result<SqliteStatement> put = db.Prepare(
      "INSERT INTO snapshots (room, covers_seq, bytes, checksum) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT (room) DO UPDATE SET covers_seq = excluded.covers_seq, "
      "bytes = excluded.bytes, checksum = excluded.checksum");
  if (!put.ok()) return put.status();
  put->BindText(1, room)
      .BindInt(2, static_cast<int64_t>(covers_seq))
      .BindBlob(3, snapshot)
      .BindInt(4, SnapshotChecksum(room, covers_seq, snapshot));
  SYMPHONY_RETURN_IF_ERROR(put->Run());
  Result<SqliteStatement> truncate = db.Prepare("DELETE FROM log WHERE room = ?1 AND seq <= ?2");
  if (!truncate.ok()) return truncate.status();
  truncate->BindText(1, room).BindInt(2, static_cast<int64_t>(covers_seq));
  SYMPHONY_RETURN_IF_ERROR(truncate->Run());

  RoomMeta updated = *meta ? std::move(**meta) : NewRoomMeta(room, NowMs());
  {
    Result<SqliteStatement> stmt =
        db.Prepare("SELECT COUNT(*), COALESCE(SUM(LENGTH(bytes)), 0) FROM log WHERE room = ?1");
    if (!stmt.ok()) return stmt.status();
    stmt->BindText(1, room);
    Result<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    updated.log_records = static_cast<uint64_t>(stmt->ColumnInt(0));
    updated.log_bytes = static_cast<uint64_t>(stmt->ColumnInt(1));
  }
  updated.snapshot_bytes = snapshot.size();
  SYMPHONY_RETURN_IF_ERROR(WriteMeta(db, updated));
  return txn->Commit();
}

Status SqliteStorage::UpdateMeta(const MetaUpdate& update) {
  SYMPHONY_RETURN_IF_ERROR(CheckMetaUpdate(update));
  std::lock_guard lock(write_mu_);
  SqliteConnection& db = *writer_;
  Result<SqliteTransaction> txn = SqliteTransaction::Begin(db, Mode::kImmediate);
  if (!txn.ok()) return txn.status();
  Result<std::optional<RoomMeta>> meta = ReadMeta(db, update.room);
  if (!meta.ok()) return meta.status();
  RoomMeta merged = *meta ? std::move(**meta) : NewRoomMeta(update.room, NowMs());
  MergeMetaUpdate(update, merged);
  SYMPHONY_RETURN_IF_ERROR(WriteMeta(db, merged));
  return txn->Commit();
}

Result<RoomMeta> SqliteStorage::GetMeta(std::string_view room) {
  std::lock_guard lock(read_mu_);
  Result<std::optional<RoomMeta>> meta = ReadMeta(*reader_, room);
  if (!meta.ok()) return meta.status();
  if (!*meta) return Status(StatusCode::kNotFound, "room " + QuoteRoom(room) + " not found");
  return std::move(**meta);
}

Result<std::vector<RoomMeta>> SqliteStorage::ListRooms() {
  std::lock_guard lock(read_mu_);
  Result<SqliteStatement> stmt = reader_->Prepare(std::string(kSelectMeta) + " ORDER BY room");
  if (!stmt.ok()) return stmt.status();
  std::vector<RoomMeta> out;
  for (;;) {
    Result<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) return out;
    Result<RoomMeta> meta = MetaFromRow(*stmt);
    if (!meta.ok()) return meta.status();
    out.push_back(std::move(*meta));
  }
}

Status SqliteStorage::DeleteRoom(std::string_view room) {
  std::lock_guard lock(write_mu_);
  SqliteConnection& db = *writer_;
  Result<SqliteTransaction> txn = SqliteTransaction::Begin(db, Mode::kImmediate);
  if (!txn.ok()) return txn.status();
  for (const char* sql :
       {"DELETE FROM log WHERE room = ?1", "DELETE FROM snapshots WHERE room = ?1",
        "DELETE FROM rooms WHERE room = ?1"}) {
    Result<SqliteStatement> stmt = db.Prepare(sql);
    if (!stmt.ok()) return stmt.status();
    stmt->BindText(1, room);
    SYMPHONY_RETURN_IF_ERROR(stmt->Run());
  }
  return txn->Commit();
}

Result<uint64_t> SqliteStorage::SetMaxPageCount(uint64_t pages) {
  std::lock_guard lock(write_mu_);
  Result<int64_t> max = writer_->QueryInt("PRAGMA max_page_count = " + std::to_string(pages));
  if (!max.ok()) return max.status();
  return static_cast<uint64_t>(*max);
}

Result<int64_t> SqliteStorage::WriterPragma(std::string_view pragma) {
  std::lock_guard lock(write_mu_);
  return writer_->QueryInt("PRAGMA " + std::string(pragma));
}

}  // namespace symphony::storage
