#include "storage/sqlite_connection.h"

#include <sqlite3.h>

#include <utility>

namespace symphony::storage {
namespace {

// Runs `sql` uncached (PRAGMAs with values in their text) and hands its first row to `read`.
template <class F>
Status QueryFirst(sqlite3* db, const std::string& sql, F&& read) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
  if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
  Status status;
  if (rc == SQLITE_ROW) {
    read(stmt);
  } else if (rc == SQLITE_DONE) {
    status = Status(StatusCode::kIo, "\"" + sql + "\" returned no row");
  } else {
    status = SqliteStatus(rc, db, "\"" + sql + "\"");
  }
  sqlite3_finalize(stmt);
  return status;
}

}  // namespace

Status SqliteStatus(int rc, sqlite3* db, std::string_view context) {
  StatusCode code = StatusCode::kIo;
  switch (rc & 0xFF) {
    case SQLITE_FULL:
      code = StatusCode::kFull;
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      code = StatusCode::kBusy;
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      code = StatusCode::kCorrupt;
      break;
    default:
      break;
  }
  std::string message(context);
  message += ": ";
  // errmsg describes the most recent failed call on db; without a db, errstr says enough.
  message += db && sqlite3_errcode(db) != SQLITE_OK ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  message += " (";
  message += sqlite3_errstr(rc);
  message += ")";
  return Status(code, std::move(message));
}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : db_(other.db_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      bind_rc_(other.bind_rc_),
      bind_index_(other.bind_index_) {}

SqliteStatement::~SqliteStatement() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

void SqliteStatement::NoteBind(int rc, int index) {
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) {
    bind_rc_ = rc;
    bind_index_ = index;
  }
}

SqliteStatement& SqliteStatement::BindInt(int index, int64_t value) {
  NoteBind(sqlite3_bind_int64(stmt_, index, value), index);
  return *this;
}

SqliteStatement& SqliteStatement::BindText(int index, std::string_view text) {
  // A null pointer would bind NULL, not an empty string.
  NoteBind(sqlite3_bind_text64(stmt_, index, text.empty() ? "" : text.data(), text.size(),
                               SQLITE_STATIC, SQLITE_UTF8),
           index);
  return *this;
}

SqliteStatement& SqliteStatement::BindBlob(int index, std::string_view bytes) {
  NoteBind(bytes.empty()
               ? sqlite3_bind_zeroblob(stmt_, index, 0)
               : sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_STATIC),
           index);
  return *this;
}

Result<bool> SqliteStatement::Step() {
  if (bind_rc_ != SQLITE_OK) {
    return SqliteStatus(
        bind_rc_, nullptr,
        "binding parameter " + std::to_string(bind_index_) + " of \"" + sqlite3_sql(stmt_) + "\"");
  }
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteStatus(rc, db_, std::string("\"") + sqlite3_sql(stmt_) + "\"");
}

Status SqliteStatement::Run() {
  for (;;) {
    Result<bool> row = Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::Ok();
  }
}

int SqliteStatement::ColumnType(int col) const { return sqlite3_column_type(stmt_, col); }

int64_t SqliteStatement::ColumnInt(int col) const { return sqlite3_column_int64(stmt_, col); }

std::string_view SqliteStatement::ColumnBytes(int col) const {
  // Ask for the pointer first, then the size (the order SQLite documents for conversions).
  const void* data = sqlite3_column_blob(stmt_, col);
  int size = sqlite3_column_bytes(stmt_, col);
  if (data == nullptr || size <= 0) return {};
  return std::string_view(static_cast<const char*>(data), static_cast<size_t>(size));
}

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(const std::string& path,
                                                                 int busy_timeout_ms) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Status status = SqliteStatus(rc, db, "opening " + path);
    sqlite3_close(db);  // a handle is returned even on failure; null is fine
    return status;
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, busy_timeout_ms);
  return std::unique_ptr<SqliteConnection>(new SqliteConnection(db));
}

SqliteConnection::~SqliteConnection() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

Status SqliteConnection::Exec(const std::string& sql) {
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteStatus(rc, db_, "\"" + sql + "\"");
  return Status::Ok();
}

Result<SqliteStatement> SqliteConnection::Prepare(std::string_view sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(stmt);
      return SqliteStatus(rc, db_, "preparing \"" + std::string(sql) + "\"");
    }
    it = statements_.emplace(std::string(sql), stmt).first;
  } else if (sqlite3_stmt_busy(it->second)) {
    return Status(StatusCode::kInternal, "statement in use: \"" + std::string(sql) + "\"");
  }
  return SqliteStatement(db_, it->second);
}

Result<int64_t> SqliteConnection::QueryInt(const std::string& sql) {
  int64_t value = 0;
  SYMPHONY_RETURN_IF_ERROR(
      QueryFirst(db_, sql, [&](sqlite3_stmt* stmt) { value = sqlite3_column_int64(stmt, 0); }));
  return value;
}

Result<std::string> SqliteConnection::QueryText(const std::string& sql) {
  std::string value;
  SYMPHONY_RETURN_IF_ERROR(QueryFirst(db_, sql, [&](sqlite3_stmt* stmt) {
    const auto* text = sqlite3_column_text(stmt, 0);
    if (text) value.assign(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt, 0));
  }));
  return value;
}

Result<SqliteTransaction> SqliteTransaction::Begin(SqliteConnection& db, Mode mode) {
  Result<SqliteStatement> begin =
      db.Prepare(mode == Mode::kImmediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
  if (!begin.ok()) return begin.status();
  SYMPHONY_RETURN_IF_ERROR(begin->Run());
  return SqliteTransaction(&db);
}

SqliteTransaction::~SqliteTransaction() {
  // SQLite may have rolled back already (some SQLITE_FULL, SQLITE_IOERR, SQLITE_BUSY errors).
  if (db_ == nullptr || sqlite3_get_autocommit(db_->handle())) return;
  Result<SqliteStatement> rollback = db_->Prepare("ROLLBACK");
  if (rollback.ok()) (void)rollback->Run();
  if (!sqlite3_get_autocommit(db_->handle())) {
    // Still inside the transaction (ROLLBACK itself failed): a plain exec is the last resort.
    sqlite3_exec(db_->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

Status SqliteTransaction::Commit() {
  Result<SqliteStatement> commit = db_->Prepare("COMMIT");
  if (!commit.ok()) return commit.status();
  Status status = commit->Run();
  if (status.ok()) db_ = nullptr;
  return status;
}

}  // namespace symphony::storage
