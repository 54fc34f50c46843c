// Storage: where rooms' documents live between (and during) server runs.
//
// The server keeps, per room, a snapshot (a Yjs v1 update holding the whole document, garbage
// collected) and an append-only log of the v1 updates applied since that snapshot. Every record
// carries a sequence number assigned by the room's owner (one writer per room; seq starts at 1 and
// grows by one per record) and a checksum; loading verifies both. The bytes are opaque here:
// storage never parses a Yjs update. See doc/storage_format.md for the SQLite layout.
//
// Thread-safety: every method may be called from any thread, concurrently. The server calls them
// from its storage threads, never from an event loop. Implementations serialise internally.
//
// Errors: kNotFound (no such room, where that is an error), kCorrupt (a stored record failed its
// checksum or framing: reported, never applied), kFull (out of disk or quota), kBusy (locked or
// temporarily unavailable: the caller may retry), kIo (anything else from the OS or database),
// kInvalid (the caller broke the contract, e.g. a seq that is not the next one, or an empty room
// name). Every backend validates alike (write_rules.h, load_rules.h); a failed call changes
// nothing.
//
// Backends: SQLite (embedded default, sqlite_storage.h) and in-memory (memory_storage.h, for
// tests). PostgreSQL and S3-compatible object storage come later behind this same interface; it
// is shaped for them: whole-batch appends (one round trip / one transaction), snapshots written
// separately from their log truncation point, and no cross-room transactions beyond one batch.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace symphony::storage {

// What is known about a room without loading its document. Times are Unix milliseconds.
struct RoomMeta {
  std::string room;
  int64_t created_ms = 0;
  int64_t last_active_ms = 0;
  uint64_t snapshot_bytes = 0;     // size of the current snapshot (0 when there is none)
  uint64_t log_bytes = 0;          // total bytes of log records after the snapshot
  uint64_t log_records = 0;        // number of log records after the snapshot
  uint64_t last_seq = 0;           // highest seq ever appended (survives compaction), 0 if none
  uint64_t total_connections = 0;  // connections ever made to the room
  uint64_t peak_connections = 0;   // most connections at one time
};

struct LogRecord {
  uint64_t seq = 0;
  std::string update;  // Yjs v1 update bytes
};

// Everything needed to rebuild a room's document: apply `snapshot` (if not empty), then each log
// record in order.
struct LoadedRoom {
  // false: never stored (a new room); the other fields are empty. True once anything was stored
  // for the room (a record, a snapshot or only metadata from UpdateMeta).
  bool exists = false;
  RoomMeta meta;
  std::string snapshot;        // Yjs v1 update, or empty
  uint64_t snapshot_seq = 0;   // the snapshot includes every record with seq <= snapshot_seq
  std::vector<LogRecord> log;  // records with seq > snapshot_seq, ascending, contiguous
};

// One record of an append batch.
struct AppendRecord {
  std::string room;
  uint64_t seq = 0;  // must be the room's last_seq + 1 (+ its position among the batch's records)
  std::string update;
};

// Connection statistics and activity to merge into a room's metadata.
struct MetaUpdate {
  std::string room;
  int64_t last_active_ms = 0;     // max()ed into the stored value
  uint64_t new_connections = 0;   // added to total_connections
  uint64_t peak_connections = 0;  // max()ed into the stored value
};

class Storage {
 public:
  virtual ~Storage() = default;

  // Short backend name for logs and metrics ("sqlite", "memory").
  virtual std::string_view name() const = 0;

  // Reads a room. A room that was never stored is {exists = false}, not an error. Any record
  // that fails validation makes the whole load fail with kCorrupt naming the room and seq: the
  // server must never serve a partial document that would later overwrite stored work.
  virtual Result<LoadedRoom> Load(std::string_view room) = 0;

  // Appends every record in one durable commit (group commit: the batch may span many rooms).
  // All or nothing: on error no record of the batch is stored. Creates rooms' metadata on first
  // append. Durable means: survives kill -9 always, and power loss under the default fsync
  // policy.
  virtual Status Append(std::span<const AppendRecord> records) = 0;

  // Replaces the room's snapshot with `snapshot`, which includes every record with
  // seq <= covers_seq, and deletes those records, atomically. covers_seq must not exceed the
  // room's last_seq nor go below the current snapshot's covers_seq (kInvalid). Creates the room if
  // it does not exist (a room created by an import or by an HTTP update starts with a snapshot).
  virtual Status WriteSnapshot(std::string_view room, std::string_view snapshot,
                               uint64_t covers_seq) = 0;

  // Merges connection statistics into metadata (see MetaUpdate). Rooms that do not exist yet are
  // created.
  virtual Status UpdateMeta(const MetaUpdate& update) = 0;

  // Metadata of one room; kNotFound if it was never stored.
  virtual Result<RoomMeta> GetMeta(std::string_view room) = 0;

  // Metadata of every stored room, ordered by name (bytewise, as memcmp).
  virtual Result<std::vector<RoomMeta>> ListRooms() = 0;

  // Removes a room's snapshot, log and metadata. Deleting a missing room is OK.
  virtual Status DeleteRoom(std::string_view room) = 0;
};

// When the SQLite backend fsyncs; see doc/storage_format.md.
enum class FsyncPolicy : uint8_t {
  kAlways,  // fsync every commit (synchronous=FULL): survives power loss. Default.
  kNormal,  // WAL synchronous=NORMAL: survives kill -9, may lose the last commits on power loss
  kOff,     // no fsync at all (tests and benchmarks only)
};

// Which backend OpenStorage builds; defaults in comments.
struct StorageConfig {
  std::string kind = "sqlite";  // "sqlite" or "memory"
  std::string dir;              // sqlite: the directory of symphony.db (created if missing)
  FsyncPolicy fsync = FsyncPolicy::kAlways;  // sqlite only
  // Cap on stored bytes, 0 = none. sqlite: PRAGMA max_page_count (rounded down to whole
  // pages); memory: MemoryStorageOptions::max_bytes. Writes past it fail with kFull.
  uint64_t max_bytes = 0;
};

// Opens the configured backend. kInvalid for an unknown kind or an empty dir for sqlite;
// otherwise the backend's open errors (SqliteStorage::Open: kIo when the directory cannot be
// created or the file opened, kCorrupt for a file that is not a database, kUnsupported for a
// schema newer than this build, kBusy if another process holds the database locked).
Result<std::unique_ptr<Storage>> OpenStorage(const StorageConfig& config);

}  // namespace symphony::storage
