// ServerOptions: every setting of `symphony serve`, with its default.
//
// Sources, later ones winning: these defaults, the TOML file (`--config`, or ./symphony.toml when
// present), SYMPHONY_* environment variables, command-line flags. The names are the same in each
// place: flag --max-frame-bytes, TOML key max_frame_bytes, variable SYMPHONY_MAX_FRAME_BYTES.
// config.h loads them; doc/server_options.md lists them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "storage/storage.h"

namespace symphony::server {

enum class LogFormat : uint8_t { kText, kJson };

struct ServerOptions {
  // --- listening
  std::string host = "127.0.0.1";
  uint16_t port = 8080;
  // Event loops (threads serving sockets and rooms). 0 = one per core.
  int threads = 0;
  // URL path of the Hocuspocus endpoint; every other path is a y-websocket room.
  std::string hocuspocus_path = "/hocuspocus";
  // Directory of static files served at `/` (the demo whiteboard). Empty: the built-in default
  // (<install>/examples/whiteboard/dist when present), "none": serve nothing at `/`.
  std::string static_dir;

  // --- storage
  std::string data_dir = "./data";
  // "sqlite" (embedded, in data_dir) or "memory" (nothing survives a restart; tests only).
  std::string storage = "sqlite";
  storage::FsyncPolicy fsync = storage::FsyncPolicy::kAlways;
  // Cap on the stored data (sqlite: the database file; memory: the bytes held). Writes past it
  // fail as on a full disk: the server keeps the updates queued and retries. 0: no cap.
  uint64_t storage_max_bytes = 0;
  // Compact (snapshot + drop covered log records) when the log exceeds this many bytes...
  uint64_t compact_log_bytes = uint64_t{4} << 20;
  // ...or this many records.
  uint64_t compact_log_records = 10000;
  // Unload a room this long after its last client left (a snapshot is written first).
  uint32_t room_grace_ms = 30000;
  // How long joiners wait for a room's load before they are told it failed.
  uint32_t load_timeout_ms = 30000;

  // --- limits (each violation closes only the offending connection, with a reason)
  // Largest WebSocket message accepted; bigger ones close with 1009.
  size_t max_frame_bytes = size_t{16} << 20;
  // Largest document (encoded state) a room may grow to; updates past it are refused.
  size_t max_doc_bytes = size_t{64} << 20;
  // Connections per room; joiners past it are refused.
  uint32_t max_connections_per_room = 1000;
  // Messages per second per connection (token bucket, burst of twice the rate).
  uint32_t max_messages_per_second = 500;
  // Bytes queued for sending to one connection; past it the connection is closed (a slow
  // reader must resync, it never makes the server grow). A single message may exceed it when
  // nothing else is queued.
  size_t max_send_queue_bytes = size_t{8} << 20;
  // Nesting depth of decoded values (awareness JSON).
  int max_json_depth = 64;
  // Awareness entries a connection may hold.
  size_t max_awareness_clients = 1024;

  // --- timers
  // Ping connections silent this long; drop them when nothing arrives for twice this long.
  uint32_t ping_interval_ms = 30000;
  // Awareness states not renewed this long are removed for everyone.
  uint32_t awareness_timeout_ms = 30000;
  // SIGTERM: stop accepting, flush, snapshot, close; give up (and exit) after this.
  uint32_t shutdown_timeout_ms = 10000;

  // --- auth (doc/auth.md)
  // HS256 secret that client tokens are signed with. Empty: the server runs open (anyone may
  // read and write any room) and says so loudly at startup. Prefer SYMPHONY_AUTH_SECRET to the
  // flag (flags are visible in `ps`).
  std::string auth_secret;
  // Token that /api/*, /dashboard (and /metrics with metrics_auth = "admin") require, as
  // `Authorization: Bearer <token>`, the `symphony_admin` cookie, or /dashboard?token=<token>.
  // Empty: those routes are open.
  std::string admin_token;
  // "open": /metrics needs no token (scrapers); "admin": it needs the admin token.
  std::string metrics_auth = "open";

  // --- logs
  std::string log_level = "info";  // trace, debug, info, warn, error, off
  LogFormat log_format = LogFormat::kText;
};

}  // namespace symphony::server
