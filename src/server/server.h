// The realtime server: `symphony serve`.
//
// RunServer listens on options.host:options.port and serves, on that one port: y-websocket rooms
// at ws://host:port/<room>, the Hocuspocus protocol at options.hocuspocus_path, the HTTP API
// (/healthz, /metrics, /api/...) and static files at `/`. It returns when SIGTERM or SIGINT has
// been handled (stop accepting, flush, snapshot, close sockets with 1001) and gives the process
// exit code: 0 after a clean shutdown, 1 when it could not start (the reason is logged).
// Design: doc/server.md; wire formats: doc/protocol.md.
#pragma once

#include "server/options.h"

namespace symphony::server {

int RunServer(const ServerOptions& options);

}  // namespace symphony::server
