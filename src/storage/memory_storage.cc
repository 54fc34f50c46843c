#include "storage/memory_storage.h"

#include <utility>

#include "storage/checksum.h"
#include "storage/write_rules.h"

namespace symphony::storage {
namespace {

void Damage(std::string& bytes) {
  if (bytes.empty()) {
    bytes.push_back('\0');
  } else {
    bytes[0] = static_cast<char>(bytes[0] ^ 1);
  }
}

}  // namespace

MemoryStorage::MemoryStorage(MemoryStorageOptions options) : options_(options) {}

Status MemoryStorage::Injected(Op op) {
  ++calls_[op];
  if (fail_count_ <= 0 || (fail_ops_ & op) == 0) return Status::Ok();
  --fail_count_;
  return Status(fail_code_, "injected failure");
}

MemoryStorage::RoomState* MemoryStorage::Find(std::string_view room) {
  auto it = rooms_.find(room);
  return it == rooms_.end() ? nullptr : &it->second;
}

Status MemoryStorage::CheckCapacity(uint64_t added, uint64_t removed) const {
  uint64_t after = stored_bytes_ - removed + added;
  if (options_.max_bytes != 0 && added > removed && after > options_.max_bytes) {
    return Status(StatusCode::kFull, "memory storage full: " + std::to_string(after) +
                                         " bytes needed, capacity " +
                                         std::to_string(options_.max_bytes));
  }
  return Status::Ok();
}

Result<LoadedRoom> MemoryStorage::Load(std::string_view room) {
  std::lock_guard lock(mu_);
  SYMPHONY_RETURN_IF_ERROR(Injected(kLoad));
  RoomState* state = Find(room);
  if (state == nullptr) return LoadedRoom{};
  std::vector<StoredLogRecord> log;
  log.reserve(state->log.size());
  for (const auto& [seq, record] : state->log) log.push_back(record);
  return AssembleRoom(state->meta, state->snapshot, std::move(log));
}

Status MemoryStorage::Append(std::span<const AppendRecord> records) {
  std::lock_guard lock(mu_);
  SYMPHONY_RETURN_IF_ERROR(Injected(kAppend));
  Result<std::vector<RoomAppend>> plan =
      PlanAppend(records, [this](std::string_view room) -> Result<uint64_t> {
        RoomState* state = Find(room);
        return state ? state->meta.last_seq : 0;
      });
  if (!plan.ok()) return plan.status();
  uint64_t added = 0;
  for (const RoomAppend& a : *plan) added += a.bytes;
  SYMPHONY_RETURN_IF_ERROR(CheckCapacity(added, 0));

  int64_t now = NowMs();
  for (const RoomAppend& a : *plan) {
    auto [it, inserted] = rooms_.try_emplace(a.room);
    if (inserted) it->second.meta = NewRoomMeta(a.room, now);
    MergeAppend(a, now, it->second.meta);
  }
  for (const AppendRecord& r : records) {
    rooms_.find(r.room)->second.log[r.seq] =
        StoredLogRecord{r.seq, r.update, LogRecordChecksum(r.room, r.seq, r.update)};
  }
  stored_bytes_ += added;
  return Status::Ok();
}

Status MemoryStorage::WriteSnapshot(std::string_view room, std::string_view snapshot,
                                    uint64_t covers_seq) {
  std::lock_guard lock(mu_);
  SYMPHONY_RETURN_IF_ERROR(Injected(kWriteSnapshot));
  RoomState* state = Find(room);
  uint64_t snapshot_seq = state && state->snapshot ? state->snapshot->covers_seq : 0;
  SYMPHONY_RETURN_IF_ERROR(
      CheckSnapshotWrite(room, covers_seq, state ? &state->meta : nullptr, snapshot_seq));
  uint64_t removed = 0;
  if (state) {
    if (state->snapshot) removed += state->snapshot->bytes.size();
    for (auto it = state->log.begin(); it != state->log.end() && it->first <= covers_seq; ++it) {
      removed += it->second.update.size();
    }
  }
  SYMPHONY_RETURN_IF_ERROR(CheckCapacity(snapshot.size(), removed));

  if (state == nullptr) {
    state = &rooms_[std::string(room)];
    state->meta = NewRoomMeta(room, NowMs());
  }
  state->snapshot = StoredSnapshot{covers_seq, std::string(snapshot),
                                   SnapshotChecksum(room, covers_seq, snapshot)};
  state->log.erase(state->log.begin(), state->log.upper_bound(covers_seq));
  state->meta.snapshot_bytes = snapshot.size();
  state->meta.log_records = state->log.size();
  state->meta.log_bytes = 0;
  for (const auto& [seq, record] : state->log) state->meta.log_bytes += record.update.size();
  stored_bytes_ = stored_bytes_ - removed + snapshot.size();
  return Status::Ok();
}

Status MemoryStorage::UpdateMeta(const MetaUpdate& update) {
  std::lock_guard lock(mu_);
  SYMPHONY_RETURN_IF_ERROR(Injected(kUpdateMeta));
  SYMPHONY_RETURN_IF_ERROR(CheckMetaUpdate(update));
  auto [it, inserted] = rooms_.try_emplace(update.room);
  if (inserted) it->second.meta = NewRoomMeta(update.room, NowMs());
  MergeMetaUpdate(update, it->second.meta);
  return Status::Ok();
}

Result<RoomMeta> MemoryStorage::GetMeta(std::string_view room) {
  std::lock_guard lock(mu_);
  SYMPHONY_RETURN_IF_ERROR(Injected(kGetMeta));
  RoomState* state = Find(room);
  if (state == nullptr)
    return Status(StatusCode::kNotFound, "room " + QuoteRoom(room) + " not found");
  return state->meta;
}

Result<std::vector<RoomMeta>> MemoryStorage::ListRooms() {
  std::lock_guard lock(mu_);
  SYMPHONY_RETURN_IF_ERROR(Injected(kListRooms));
  std::vector<RoomMeta> out;
  out.reserve(rooms_.size());
  for (const auto& [name, state] : rooms_) out.push_back(state.meta);
  return out;
}

Status MemoryStorage::DeleteRoom(std::string_view room) {
  std::lock_guard lock(mu_);
  SYMPHONY_RETURN_IF_ERROR(Injected(kDeleteRoom));
  auto it = rooms_.find(room);
  if (it == rooms_.end()) return Status::Ok();
  if (it->second.snapshot) stored_bytes_ -= it->second.snapshot->bytes.size();
  for (const auto& [seq, record] : it->second.log) stored_bytes_ -= record.update.size();
  rooms_.erase(it);
  return Status::Ok();
}

void MemoryStorage::FailNext(StatusCode code, int count, uint32_t ops) {
  std::lock_guard lock(mu_);
  fail_code_ = code;
  fail_count_ = count;
  fail_ops_ = ops;
}

uint64_t MemoryStorage::CallCount(Op op) const {
  std::lock_guard lock(mu_);
  auto it = calls_.find(op);
  return it == calls_.end() ? 0 : it->second;
}

void MemoryStorage::SetMaxBytes(uint64_t max_bytes) {
  std::lock_guard lock(mu_);
  options_.max_bytes = max_bytes;
}

uint64_t MemoryStorage::StoredBytes() const {
  std::lock_guard lock(mu_);
  return stored_bytes_;
}

bool MemoryStorage::CorruptLogRecord(std::string_view room, uint64_t seq) {
  std::lock_guard lock(mu_);
  RoomState* state = Find(room);
  if (state == nullptr) return false;
  auto it = state->log.find(seq);
  if (it == state->log.end()) return false;
  stored_bytes_ -= it->second.update.size();
  Damage(it->second.update);
  stored_bytes_ += it->second.update.size();
  return true;
}

bool MemoryStorage::DropLogRecord(std::string_view room, uint64_t seq) {
  std::lock_guard lock(mu_);
  RoomState* state = Find(room);
  if (state == nullptr) return false;
  auto it = state->log.find(seq);
  if (it == state->log.end()) return false;
  stored_bytes_ -= it->second.update.size();
  state->log.erase(it);
  return true;
}

bool MemoryStorage::CorruptSnapshot(std::string_view room) {
  std::lock_guard lock(mu_);
  RoomState* state = Find(room);
  if (state == nullptr || !state->snapshot) return false;
  stored_bytes_ -= state->snapshot->bytes.size();
  Damage(state->snapshot->bytes);
  stored_bytes_ += state->snapshot->bytes.size();
  return true;
}

}  // namespace symphony::storage
