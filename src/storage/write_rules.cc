#include "storage/write_rules.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <unordered_map>

namespace symphony::storage {
namespace {

uint64_t SaturatingAdd(uint64_t a, uint64_t b) {
  return b > kMaxStoredValue - std::min(a, kMaxStoredValue) ? kMaxStoredValue : a + b;
}

}  // namespace

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string QuoteRoom(std::string_view room) {
  constexpr size_t kMaxShown = 200;
  std::string out = "'";
  for (size_t i = 0; i < room.size() && i < kMaxShown; ++i) {
    auto c = static_cast<unsigned char>(room[i]);
    if (c >= 0x20 && c < 0x7F && c != '\\' && c != '\'') {
      out += static_cast<char>(c);
    } else {
      char buf[5];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    }
  }
  if (room.size() > kMaxShown) out += "...";
  out += "'";
  return out;
}

Status CheckRoomName(std::string_view room) {
  if (room.empty()) return Status(StatusCode::kInvalid, "room name is empty");
  return Status::Ok();
}

Result<std::vector<RoomAppend>> PlanAppend(std::span<const AppendRecord> records,
                                           const LastSeqLookup& stored_last_seq) {
  std::vector<RoomAppend> plan;
  std::unordered_map<std::string_view, size_t> index;  // keys view records' room names
  for (const AppendRecord& r : records) {
    SYMPHONY_RETURN_IF_ERROR(CheckRoomName(r.room));
    auto [it, inserted] = index.try_emplace(r.room, plan.size());
    if (inserted) {
      Result<uint64_t> last = stored_last_seq(r.room);
      if (!last.ok()) return last.status();
      plan.push_back(RoomAppend{.room = r.room, .last_seq = *last});
    }
    RoomAppend& room = plan[it->second];
    uint64_t expected = room.last_seq + 1;
    if (r.seq != expected || r.seq > kMaxStoredValue) {
      return Status(StatusCode::kInvalid, "room " + QuoteRoom(r.room) + ": append of seq " +
                                              std::to_string(r.seq) + ", expected seq " +
                                              std::to_string(expected));
    }
    room.last_seq = r.seq;
    room.records += 1;
    room.bytes = SaturatingAdd(room.bytes, r.update.size());
  }
  return plan;
}

Status CheckSnapshotWrite(std::string_view room, uint64_t covers_seq, const RoomMeta* meta,
                          uint64_t snapshot_seq) {
  SYMPHONY_RETURN_IF_ERROR(CheckRoomName(room));
  uint64_t last_seq = meta ? meta->last_seq : 0;
  if (covers_seq > last_seq) {
    return Status(StatusCode::kInvalid, "room " + QuoteRoom(room) + ": snapshot covers seq " +
                                            std::to_string(covers_seq) + " beyond last_seq " +
                                            std::to_string(last_seq));
  }
  if (covers_seq < snapshot_seq) {
    return Status(StatusCode::kInvalid, "room " + QuoteRoom(room) + ": snapshot covers seq " +
                                            std::to_string(covers_seq) +
                                            ", below the current snapshot's " +
                                            std::to_string(snapshot_seq));
  }
  return Status::Ok();
}

Status CheckMetaUpdate(const MetaUpdate& update) {
  SYMPHONY_RETURN_IF_ERROR(CheckRoomName(update.room));
  if (update.new_connections > kMaxStoredValue || update.peak_connections > kMaxStoredValue) {
    return Status(StatusCode::kInvalid,
                  "room " + QuoteRoom(update.room) + ": connection count out of range");
  }
  return Status::Ok();
}

RoomMeta NewRoomMeta(std::string_view room, int64_t now_ms) {
  return RoomMeta{.room = std::string(room), .created_ms = now_ms, .last_active_ms = now_ms};
}

void MergeMetaUpdate(const MetaUpdate& update, RoomMeta& meta) {
  meta.last_active_ms = std::max(meta.last_active_ms, update.last_active_ms);
  meta.total_connections = SaturatingAdd(meta.total_connections, update.new_connections);
  meta.peak_connections = std::max(meta.peak_connections, update.peak_connections);
}

void MergeAppend(const RoomAppend& append, int64_t now_ms, RoomMeta& meta) {
  meta.last_seq = append.last_seq;
  meta.log_records = SaturatingAdd(meta.log_records, append.records);
  meta.log_bytes = SaturatingAdd(meta.log_bytes, append.bytes);
  meta.last_active_ms = std::max(meta.last_active_ms, now_ms);
}

}  // namespace symphony::storage
