// The read-side contract of Storage, shared by every backend: turning a room's stored rows
// into a LoadedRoom only if every one of them checks out. The rows come from disk (or from a
// test that damaged them on purpose): nothing in them is trusted. Pure: no I/O, no locking.
// Fuzzed by fuzz/storage_record_fuzz.cc.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/storage.h"
#include "util/status.h"

namespace symphony::storage {

// A stored snapshot row, as read back.
struct StoredSnapshot {
  uint64_t covers_seq = 0;
  std::string bytes;
  uint32_t checksum = 0;  // SnapshotChecksum(room, covers_seq, bytes) when written
};

// A stored log row, as read back.
struct StoredLogRecord {
  uint64_t seq = 0;
  std::string update;
  uint32_t checksum = 0;  // LogRecordChecksum(room, seq, update) when written
};

// Builds the result of Load for `meta.room` (exists = true) from its stored rows, verifying:
//  - the snapshot's checksum, and covers_seq <= meta.last_seq;
//  - each log record's checksum;
//  - that the log holds exactly the seqs snapshot_seq + 1 .. meta.last_seq, ascending (a gap, a
//    duplicate, a record the snapshot already covers or a missing tail all fail).
// Any failure is kCorrupt naming the room and the seq; nothing partial is returned. `log` is
// taken in the order given (backends read it ordered by seq). Bytes are moved, not copied.
Result<LoadedRoom> AssembleRoom(RoomMeta meta, std::optional<StoredSnapshot> snapshot,
                                std::vector<StoredLogRecord> log);

}  // namespace symphony::storage
