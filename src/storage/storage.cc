#include "storage/storage.h"

#include "storage/memory_storage.h"
#include "storage/sqlite_storage.h"

namespace symphony::storage {

Result<std::unique_ptr<Storage>> OpenStorage(const StorageConfig& config) {
  if (config.kind == "memory") return std::unique_ptr<Storage>(std::make_unique<MemoryStorage>());
  if (config.kind == "sqlite") {
    Result<std::unique_ptr<SqliteStorage>> sqlite =
        SqliteStorage::Open(SqliteStorageOptions{.dir = config.dir, .fsync = config.fsync});
    if (!sqlite.ok()) return sqlite.status();
    return std::unique_ptr<Storage>(std::move(*sqlite));
  }
  return Status(StatusCode::kInvalid,
                "unknown storage kind '" + config.kind + "' (expected sqlite or memory)");
}

}  // namespace symphony::storage
