// BenchOptions: every setting of `symphony bench`, with its default; and their validation.
// doc/bench.md describes the workload and the figures.
#pragma once

#include <cstdint>
#include <string>

#include "bench/client_session.h"
#include "util/status.h"

namespace symphony::bench {

struct BenchOptions {
  // Server to load: ws://host:port[/path]. y-websocket rooms are <path>/<room>; Hocuspocus uses
  // <path>, "/hocuspocus" when empty.
  std::string url = "ws://127.0.0.1:8080";
  WireProtocol protocol = WireProtocol::kYws;
  std::string token = "bench";  // Hocuspocus Auth Token
  // Refuse hosts other than loopback unless set.
  bool allow_remote = false;

  uint32_t users = 40;
  uint32_t room_size = 4;  // users per room; the last room may be smaller
  // Users per room that keep a full replica (the first ones of each room); the others decode
  // and measure every update without keeping the document (SessionConfig::replica). 0 = all.
  uint32_t replicas = 0;
  // Rooms are <room_prefix><i>, i from 0. Empty: "bench-<6 random hex digits>-", so runs
  // against one server never share rooms.
  std::string room_prefix;

  double doc_rate = 1;            // strokes per second per user (0: none)
  double presence_rate = 5;       // presence updates per second per user (0: only keep-alives)
  double ramp_s = 2;              // users connect evenly over this; 0 = all at once
  double duration_s = 10;         // steady load, after everyone synced (or failed)
  double drain_s = 5;             // after sending stops: wait at most this for what is in flight
  double connect_timeout_s = 10;  // TCP connect, then WebSocket handshake, per user

  uint32_t threads = 0;        // event loops; 0 = hardware concurrency
  int server_pid = 0;          // sample this process's CPU and RSS; 0 = none
  uint32_t verify_rooms = 32;  // rooms whose replicas are compared at the end (evenly spread)
  uint64_t seed = 0;           // strokes, cursors, jitter and client ids; 0 = random
};

// Checks ranges (users 1..100000, room size 1..1000, rates 0..1000/s, duration (0, 86400] s,
// ramp and drain 0..3600 s, threads 0..256, ...). kInvalid naming the first bad option.
Status ValidateOptions(const BenchOptions& options);

const char* ProtocolName(WireProtocol protocol);  // "yws" / "hocuspocus"

}  // namespace symphony::bench
