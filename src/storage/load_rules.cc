#include "storage/load_rules.h"

#include <cstdio>
#include <utility>

#include "storage/checksum.h"
#include "storage/write_rules.h"

namespace symphony::storage {
namespace {

std::string Hex32(uint32_t v) {
  char buf[11];
  std::snprintf(buf, sizeof(buf), "0x%08x", v);
  return buf;
}

Status Corrupt(const std::string& room, const std::string& what) {
  return Status(StatusCode::kCorrupt, "room " + QuoteRoom(room) + ": " + what);
}

}  // namespace

Result<LoadedRoom> AssembleRoom(RoomMeta meta, std::optional<StoredSnapshot> snapshot,
                                std::vector<StoredLogRecord> log) {
  const std::string& room = meta.room;
  LoadedRoom out;
  if (meta.last_seq > kMaxStoredValue) {
    return Corrupt(room, "last_seq " + std::to_string(meta.last_seq) + " out of range");
  }
  if (snapshot) {
    uint32_t computed = SnapshotChecksum(room, snapshot->covers_seq, snapshot->bytes);
    if (computed != snapshot->checksum) {
      return Corrupt(room, "snapshot covering seq " + std::to_string(snapshot->covers_seq) +
                               ": checksum mismatch (stored " + Hex32(snapshot->checksum) +
                               ", computed " + Hex32(computed) + ")");
    }
    if (snapshot->covers_seq > meta.last_seq) {
      return Corrupt(room, "snapshot covers seq " + std::to_string(snapshot->covers_seq) +
                               " beyond last_seq " + std::to_string(meta.last_seq));
    }
    out.snapshot_seq = snapshot->covers_seq;
    out.snapshot = std::move(snapshot->bytes);
  }
  uint64_t expected = out.snapshot_seq + 1;
  for (StoredLogRecord& r : log) {
    if (r.seq != expected) {
      std::string what = r.seq < expected
                             ? "log record seq " + std::to_string(r.seq) + " out of order or " +
                                   "covered by the snapshot (expected seq " +
                                   std::to_string(expected) + ")"
                             : "log record seq " + std::to_string(expected) + " missing (next " +
                                   "stored is seq " + std::to_string(r.seq) + ")";
      return Corrupt(room, what);
    }
    if (r.seq > meta.last_seq) {
      return Corrupt(room, "log record seq " + std::to_string(r.seq) + " beyond last_seq " +
                               std::to_string(meta.last_seq));
    }
    uint32_t computed = LogRecordChecksum(room, r.seq, r.update);
    if (computed != r.checksum) {
      return Corrupt(room, "log record seq " + std::to_string(r.seq) +
                               ": checksum mismatch (stored " + Hex32(r.checksum) + ", computed " +
                               Hex32(computed) + ")");
    }
    ++expected;
  }
  if (expected - 1 != meta.last_seq) {  // < last_seq: records above last_seq failed above
    return Corrupt(room, "log records seq " + std::to_string(expected) + ".." +
                             std::to_string(meta.last_seq) + " missing (log ends at seq " +
                             std::to_string(expected - 1) + ")");
  }
  out.log.reserve(log.size());
  for (StoredLogRecord& r : log) out.log.push_back(LogRecord{r.seq, std::move(r.update)});
  out.exists = true;
  out.meta = std::move(meta);
  return out;
}

}  // namespace symphony::storage
