#include "bench/bench_options.h"

#include <cmath>
#include <string>

namespace symphony::bench {

namespace {

Status Bad(const std::string& what) { return Status(StatusCode::kInvalid, what); }

bool InRange(double v, double lo, double hi) { return std::isfinite(v) && v >= lo && v <= hi; }

}  // namespace

Status ValidateOptions(const BenchOptions& o) {
  if (o.users < 1 || o.users > 100000) return Bad("--users must be 1..100000");
  if (o.room_size < 1 || o.room_size > 1000) return Bad("--room-size must be 1..1000");
  if (o.replicas > 1000) return Bad("--replicas must be 0..1000 (0: every user)");
  if (!InRange(o.doc_rate, 0, 1000)) return Bad("--doc-rate must be 0..1000 per second");
  if (!InRange(o.presence_rate, 0, 1000)) return Bad("--presence-rate must be 0..1000 per second");
  if (!InRange(o.duration_s, 0, 86400) || o.duration_s <= 0) {
    return Bad("--duration must be more than 0 and at most 86400 seconds");
  }
  if (!InRange(o.ramp_s, 0, 3600)) return Bad("--ramp must be 0..3600 seconds");
  if (!InRange(o.drain_s, 0, 3600)) return Bad("--drain must be 0..3600 seconds");
  if (!InRange(o.connect_timeout_s, 0.1, 600)) {
    return Bad("--connect-timeout must be 0.1..600 seconds");
  }
  if (o.threads > 256) return Bad("--threads must be 0..256");
  if (o.server_pid < 0) return Bad("--server-pid must be a process id");
  if (o.room_prefix.size() > 200) return Bad("--room-prefix is longer than 200 bytes");
  for (char c : o.room_prefix) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u == 0x7f || c == '/' || c == '?' || c == '#' || c == '%') {
      return Bad("--room-prefix may not hold spaces, control characters, '/', '?', '#' or '%'");
    }
  }
  return Status::Ok();
}

const char* ProtocolName(WireProtocol protocol) {
  return protocol == WireProtocol::kHocuspocus ? "hocuspocus" : "yws";
}

}  // namespace symphony::bench
