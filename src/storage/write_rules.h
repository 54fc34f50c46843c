// The write-side contract of Storage, shared by every backend so that they accept, refuse and
// merge exactly alike: room names, seq contiguity of append batches, snapshot bounds and the
// metadata merge. Pure functions (apart from NowMs): no I/O, no locking.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/storage.h"
#include "util/status.h"

namespace symphony::storage {

// Largest seq or counter a backend stores: SQLite integers are signed 64-bit. Larger values
// are kInvalid; counters saturate here.
inline constexpr uint64_t kMaxStoredValue = 0x7FFF'FFFF'FFFF'FFFF;

// Unix milliseconds from the system clock (created_ms and last_active_ms of writes).
int64_t NowMs();

// The room quoted for messages: 'name', non-printable bytes as \xNN, long names cut short.
std::string QuoteRoom(std::string_view room);

// kInvalid for an empty room name.
Status CheckRoomName(std::string_view room);

// What a valid append batch does to one room.
struct RoomAppend {
  std::string room;
  uint64_t last_seq = 0;  // the room's last_seq once the batch is stored
  uint64_t records = 0;   // records of the batch for this room
  uint64_t bytes = 0;     // sum of their update sizes
};

// Looks up a room's stored last_seq (0 for a room that does not exist).
using LastSeqLookup = std::function<Result<uint64_t>(std::string_view room)>;

// Checks a batch against the stored state: each room's records, taken in batch order, must
// continue its stored last_seq one by one (the first is last_seq + 1). Returns one entry per
// room in order of first appearance; calls `stored_last_seq` once per distinct room and passes
// its errors through. kInvalid (naming room, seq and the expected seq) for an empty room name,
// a seq out of order, or a seq above kMaxStoredValue.
Result<std::vector<RoomAppend>> PlanAppend(std::span<const AppendRecord> records,
                                           const LastSeqLookup& stored_last_seq);

// Checks a snapshot write. `meta` is the room's metadata (nullptr: the room does not exist;
// then last_seq is 0) and `snapshot_seq` the covers_seq of its current snapshot (0 if none).
// kInvalid if covers_seq > last_seq (the snapshot would cover records never stored) or
// covers_seq < snapshot_seq (the records in between are gone: the room could not be rebuilt).
Status CheckSnapshotWrite(std::string_view room, uint64_t covers_seq, const RoomMeta* meta,
                          uint64_t snapshot_seq);

// kInvalid for an empty room name or a count above kMaxStoredValue.
Status CheckMetaUpdate(const MetaUpdate& update);

// Metadata of a room created now: created_ms = last_active_ms = now_ms, counters zero.
RoomMeta NewRoomMeta(std::string_view room, int64_t now_ms);

// last_active_ms and peak_connections are max()ed, total_connections added (saturating at
// kMaxStoredValue).
void MergeMetaUpdate(const MetaUpdate& update, RoomMeta& meta);

// Adds a planned append to the room's metadata: last_seq, log_records, log_bytes (saturating)
// and last_active_ms = max(last_active_ms, now_ms).
void MergeAppend(const RoomAppend& append, int64_t now_ms, RoomMeta& meta);

}  // namespace symphony::storage
