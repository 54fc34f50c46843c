// RoomStats: a loaded room's live figures, readable from any thread (the HTTP API, /metrics and
// the dashboard read them while the room's loop writes them).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace symphony::server {

struct RoomStats {
  explicit RoomStats(std::string n) : name(std::move(n)) {}
  const std::string name;
  std::atomic<uint32_t> connections{0};
  std::atomic<uint32_t> peak_connections{0};   // since the room was created (stored value)
  std::atomic<uint64_t> total_connections{0};  // ever (stored value plus this run)
  std::atomic<uint64_t> doc_bytes{0};          // snapshot + log bytes after it
  std::atomic<uint64_t> snapshot_bytes{0};
  std::atomic<uint64_t> log_bytes{0};
  std::atomic<uint64_t> log_records{0};
  std::atomic<int64_t> created_ms{0};
  std::atomic<int64_t> last_active_ms{0};
  std::atomic<bool> loaded{false};
  std::atomic<bool> exists{false};
};

int64_t NowMs();  // Unix milliseconds (room.cc)

}  // namespace symphony::server
