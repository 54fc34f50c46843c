#include <algorithm>
#include "storage/storage.h"

#include "storage/memory_storage.h"
#include "storage/sqlite_storage.h"

namespace symphony::storage {

Result<std::unique_ptr<Storage>> OpenStorage(const StorageConfig& config) {
  if (config.kind == "memory") {
    return std::unique_ptr<Storage>(
        std::make_unique<MemoryStorage>(MemoryStorageOptions{.max_bytes = config.max_bytes}));
  }
  if (config.kind == "sqlite") {
    // SQLite's default page size; max_page_count 0 keeps SQLite's own limit.
    constexpr uint64_t kPageBytes = 4096;
    const uint64_t pages = config.max_bytes == 0 ? 0 : std::max<uint64_t>(1, config.max_bytes / kPageBytes);
    Result<std::unique_ptr<SqliteStorage>> sqlite = SqliteStorage::Open(
        SqliteStorageOptions{.dir = config.dir, .fsync = config.fsync, .max_page_count = pages});
    if (!sqlite.ok()) return sqlite.status();
    return std::unique_ptr<Storage>(std::move(*sqlite));
  }
  return Status(StatusCode::kInvalid,
                "unknown storage kind '" + config.kind + "' (expected sqlite or memory)");
}

}  // namespace symphony::storage
