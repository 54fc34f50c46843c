// BenchReport: the figures of one run, and their two printed forms.
//
// FormatJson writes exactly one line (no trailing newline) with the keys listed in
// doc/bench.md; latencies in milliseconds with 3 decimals; a figure that could not be measured
// (no samples, nothing expected, no --server-pid) is null. FormatTable is for people.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "bench/load_stats.h"

namespace symphony::bench {

struct BenchReport {
  std::string protocol;  // "yws" / "hocuspocus"
  std::string url;
  uint32_t users = 0;
  uint32_t rooms = 0;
  uint32_t room_size = 0;
  uint32_t replicas = 0;  // users per room keeping a full replica (room_size: all)
  uint32_t threads = 0;
  double doc_rate = 0;
  double presence_rate = 0;
  double ramp_s = 0;
  double duration_s = 0;  // the steady window as it ran
  LoadStats totals;       // all loops merged
  // From the start of the ramp to the last user's sync (of those that synced); nullopt if none.
  std::optional<double> connect_all_ms;
  double bench_cpu_pct = 0;  // over the steady window; 100 = one core
  // The whole host's busy CPU over the steady window (100 = one core): what else ran beside
  // the bench and the server is host - bench - server.
  std::optional<double> host_cpu_pct;
  uint32_t host_cores = 0;
  std::optional<double> server_cpu_pct;
  std::optional<double> server_rss_peak_mb;
  bool converged = false;
  uint32_t rooms_verified = 0;
  uint32_t rooms_diverged = 0;
};

// received / expected, nullopt when nothing was expected.
std::optional<double> Delivery(uint64_t received, uint64_t expected);

std::string FormatJson(const BenchReport& report);
std::string FormatTable(const BenchReport& report);

}  // namespace symphony::bench
