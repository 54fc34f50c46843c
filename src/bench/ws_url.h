// The target of a bench run: a ws:// URL taken apart, and the loopback check that keeps load off
// other machines unless the operator says otherwise.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/status.h"

namespace symphony::bench {

struct WsUrl {
  std::string host;  // as written, without IPv6 brackets
  uint16_t port = 80;
  std::string path;  // "" or "/a/b" (no trailing slash)
};

// Accepts ws://host[:port][/path]. wss:// is kUnsupported (the bench speaks plain TCP); other
// schemes, a missing host, a bad port, a query or a fragment are kInvalid.
Result<WsUrl> ParseWsUrl(std::string_view url);

// True for "localhost", IPv4 127.0.0.0/8 and "::1": the only hosts `symphony bench` loads
// without --allow-remote.
bool IsLoopbackHost(std::string_view host);

// The request target of a user's WebSocket: y-websocket puts the room in the path
// (<path>/<room>); Hocuspocus names documents inside messages, so every user connects to the
// URL's path, "/hocuspocus" when the URL has none.
std::string YwsTarget(const WsUrl& url, std::string_view room);
std::string HocuspocusTarget(const WsUrl& url);

}  // namespace symphony::bench
