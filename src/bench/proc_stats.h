// CPU and memory figures of a process, read from /proc (Linux) and getrusage.
//
// The parsers take the file text so they can be tested on fixed input; the readers do the I/O.
// All functions are thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <string_view>

#include "util/status.h"

namespace symphony::bench {

struct ProcSample {
  double cpu_seconds = 0;  // user + system time so far
  uint64_t rss_bytes = 0;  // resident set size now
};

// /proc/PID/stat: utime and stime (fields 14 and 15, after the parenthesised command name,
// which may itself hold spaces and parentheses) in clock ticks of `ticks_per_second`.
Result<double> ParseProcStatCpuSeconds(std::string_view stat_text, double ticks_per_second);
// /proc/PID/status: the "VmRSS:  <n> kB" line, in bytes. kNotFound if absent (a zombie).
Result<uint64_t> ParseProcStatusRssBytes(std::string_view status_text);

// /proc/stat: CPU time the whole host spent busy (user, nice, system, irq, softirq, steal; not
// idle or iowait), summed over its CPUs, from the first ("cpu ") line.
Result<double> ParseHostBusySeconds(std::string_view stat_text, double ticks_per_second);
Result<double> ReadHostBusySeconds();

// Both figures of a live process. kNotFound when the process is gone, kIo on other errors.
Result<ProcSample> ReadProcSample(int pid);
// This process's user + system CPU time so far (getrusage RUSAGE_SELF: every thread).
double SelfCpuSeconds();
// Raises this process's soft limit of open files towards `want` (at most the hard limit).
// Returns the soft limit in effect afterwards.
uint64_t RaiseOpenFileLimit(uint64_t want);

}  // namespace symphony::bench
