// What virtual users count while a bench runs.
//
// LoadStats: the figures of the users of one event loop. Only that loop's thread writes it; the
// runner merges the loops' LoadStats after the threads are joined, so it needs no locking.
// Progress: the few counters the runner watches while the run is going (who is connected, what
// is still in flight); atomics, written by every loop.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>

#include "bench/latency_histogram.h"

namespace symphony::bench {

struct LoadStats {
  LatencyHistogram doc_latency;      // stroke send -> integrated by another user
  LatencyHistogram aw_latency;       // presence send -> applied by another user
  LatencyHistogram ack_latency;      // stroke send -> the server's echo / SyncStatus
  LatencyHistogram connect_latency;  // TCP connect start -> first sync step 2 applied
  uint64_t doc_sent = 0;             // measured strokes sent
  uint64_t aw_sent = 0;              // measured presence updates sent
  uint64_t doc_expected = 0;         // sum over sends of (room members - 1)
  uint64_t aw_expected = 0;
  uint64_t doc_received = 0;  // measured strokes of other users integrated
  uint64_t aw_received = 0;   // measured presence states of other users applied
  uint64_t acks = 0;
  uint64_t synced = 0;                  // users that completed the handshake
  uint64_t connect_errors = 0;          // TCP / WebSocket handshake / auth failures
  uint64_t protocol_errors = 0;         // malformed or unexpected messages from the server
  uint64_t send_overflows = 0;          // users dropped because their send queue kept growing
  uint64_t unexpected_closes = 0;       // open connections lost before the run ended
  std::map<int, uint64_t> close_codes;  // of unexpected closes; 1006 = no close frame
  int64_t last_synced_us = 0;           // NowMicros() when the last of these users synced

  void Merge(const LoadStats& other);
  uint64_t errors() const {
    return connect_errors + protocol_errors + send_overflows + unexpected_closes;
  }
};

struct Progress {
  std::atomic<uint64_t> synced{0};
  std::atomic<uint64_t> failed{0};  // users that will not sync (connect error, closed early)
  std::atomic<uint64_t> doc_expected{0};
  std::atomic<uint64_t> doc_received{0};
  std::atomic<uint64_t> aw_expected{0};
  std::atomic<uint64_t> aw_received{0};
  std::atomic<uint64_t> closed{0};  // users whose connection is finished, for whatever reason
};

}  // namespace symphony::bench
