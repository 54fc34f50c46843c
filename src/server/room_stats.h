// RoomStats: a loaded room's live figures, readable from any thread (the HTTP API, /metrics and
// the dashboard read them while the room's loop writes them).
#pragma once

#include <atomic>
#include <chrono>
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
  std::atomic<uint64_t> busy_ns{0};    // time the room's loop spent on this room (≈ CPU time)
  std::atomic<uint64_t> mem_bytes{0};  // estimate of the document's memory (structs + content)
  std::atomic<bool> loaded{false};
  std::atomic<bool> exists{false};
};

int64_t NowMs();  // Unix milliseconds (room.cc)

// Adds the time from construction to destruction to a room's busy_ns.
class BusyTimer {
 public:
  explicit BusyTimer(RoomStats& stats) : stats_(stats), start_(std::chrono::steady_clock::now()) {}
  ~BusyTimer() {
    stats_.busy_ns.fetch_add(
        static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                  std::chrono::steady_clock::now() - start_)
                                  .count()),
        std::memory_order_relaxed);
  }
  BusyTimer(const BusyTimer&) = delete;
  BusyTimer& operator=(const BusyTimer&) = delete;

 private:
  RoomStats& stats_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace symphony::server
