// RunBench: one load run from start to report.
//
// Phases, each bounded in time: connect (users start evenly over ramp_s; the phase ends when
// every user synced or failed, at most ramp_s + connect_timeout_s + 5 s); steady (duration_s of
// sending, every user on its own schedule); drain (sending stopped; ends when every expected
// receipt arrived, at most drain_s); close (every connection closed, at most connect_timeout_s
// + 2 s). Then the event loops stop, the threads are joined, and the replicas of a sample of
// rooms are compared (converged = same state vector and same strokes in every synced replica).
//
// Users are spread round-robin over `threads` event loops (one io_context and one thread each);
// user i is in room i / room_size. Only the steady window counts: sends, receipts of content
// sent in it, CPU. Server CPU and RSS come from /proc/<server_pid> (RSS sampled every 250 ms
// over the whole run).
//
// Not reentrant in spirit (it uses threads and sockets) but holds no global state. Errors that
// prevent a run (bad options, non-loopback host without allow_remote, unresolvable host, no
// such server pid, thread creation) are returned as a Status; a run that happened returns its
// report even if nothing connected.
#pragma once

#include <ostream>

#include "bench/bench_options.h"
#include "bench/bench_report.h"
#include "util/status.h"

namespace symphony::bench {

// `log`, when not null, receives one line per phase (for people watching a long run).
Result<BenchReport> RunBench(const BenchOptions& options, std::ostream* log);

}  // namespace symphony::bench
