// MemoryStorage: the Storage contract kept in process memory, for tests (here and in the
// server). It validates, checksums and verifies exactly as the SQLite backend does (it shares
// write_rules.h and load_rules.h), so a test against it exercises the same errors. Nothing
// survives the object.
//
// Test hooks: inject errors (FailNext), a capacity that makes writes kFull (SetMaxBytes), and
// damage to stored records (CorruptLogRecord, DropLogRecord, CorruptSnapshot) that the next Load
// must report as kCorrupt.
//
// Thread-safety: every method may be called from any thread; one mutex serialises them.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "storage/load_rules.h"
#include "storage/storage.h"

namespace symphony::storage {

// Defaults in comments.
struct MemoryStorageOptions {
  uint64_t max_bytes = 0;  // 0: unlimited; else writes that would store more bytes (snapshots
                           // plus log records, all rooms) fail with kFull
};

class MemoryStorage final : public Storage {
 public:
  // Operations, as a bit mask for FailNext.
  enum Op : uint32_t {
    kLoad = 1 << 0,
    kAppend = 1 << 1,
    kWriteSnapshot = 1 << 2,
    kUpdateMeta = 1 << 3,
    kGetMeta = 1 << 4,
    kListRooms = 1 << 5,
    kDeleteRoom = 1 << 6,
    kWrites = kAppend | kWriteSnapshot | kUpdateMeta | kDeleteRoom,
    kAllOps = kWrites | kLoad | kGetMeta | kListRooms,
  };

  explicit MemoryStorage(MemoryStorageOptions options = {});

  std::string_view name() const override { return "memory"; }
  Result<LoadedRoom> Load(std::string_view room) override;
  Status Append(std::span<const AppendRecord> records) override;
  Status WriteSnapshot(std::string_view room, std::string_view snapshot,
                       uint64_t covers_seq) override;
  Status UpdateMeta(const MetaUpdate& update) override;
  Result<RoomMeta> GetMeta(std::string_view room) override;
  Result<std::vector<RoomMeta>> ListRooms() override;
  Status DeleteRoom(std::string_view room) override;

  // Test hooks.

  // The next `count` calls of an operation in `ops` fail with `code` (message "injected
  // failure") and change nothing. A later FailNext replaces an earlier one; count 0 clears.
  void FailNext(StatusCode code, int count = 1, uint32_t ops = kAllOps);
  // Calls made to an operation so far, failed ones included.
  uint64_t CallCount(Op op) const;
  // Changes the capacity (see MemoryStorageOptions::max_bytes); stored data is kept.
  void SetMaxBytes(uint64_t max_bytes);
  // Bytes stored (snapshots plus log records, all rooms).
  uint64_t StoredBytes() const;
  // Damage: flip a bit of a stored record (an empty one gets a byte) without fixing its
  // checksum, or remove a log record without touching metadata. False if there is no such
  // record.
  bool CorruptLogRecord(std::string_view room, uint64_t seq);
  bool DropLogRecord(std::string_view room, uint64_t seq);
  bool CorruptSnapshot(std::string_view room);

 private:
  struct RoomState {
    RoomMeta meta;
    std::optional<StoredSnapshot> snapshot;
    std::map<uint64_t, StoredLogRecord> log;
  };

  // Consumes one injected failure for `op` if one is pending. Requires mu_.
  Status Injected(Op op);
  RoomState* Find(std::string_view room);
  Status CheckCapacity(uint64_t added, uint64_t removed) const;

  mutable std::mutex mu_;
  MemoryStorageOptions options_;
  std::map<std::string, RoomState, std::less<>> rooms_;
  uint64_t stored_bytes_ = 0;
  StatusCode fail_code_ = StatusCode::kOk;
  int fail_count_ = 0;
  uint32_t fail_ops_ = 0;
  std::map<Op, uint64_t> calls_;
};

}  // namespace symphony::storage
