// A small HTTP/1.1 client for the commands that talk to a running server (import --url,
// dashboard): one request per connection, plain http only, a timeout on every step.
//
// Thread-safety: Fetch runs its own event loop on the calling thread; call it from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/status.h"

namespace symphony::cli {

struct HttpUrl {
  std::string host;  // as written (brackets of an IPv6 literal removed)
  std::string port;  // "8080"; "80" when the URL has none
  std::string path;  // base path without a trailing '/', "" for the root
  // "http://host:port" + path: where the other routes are appended.
  std::string Base() const;
};

// Parses "http://host[:port][/path]". ws:// is taken as http:// (the same port serves both), so
// a --server-url can be reused. https:// and wss:// are kUnsupported (put a TLS proxy's plain
// address, or the server's own); anything else kInvalid, with what was expected.
Result<HttpUrl> ParseHttpUrl(std::string_view url);

struct HttpCall {
  std::string method = "GET";
  std::string target;  // path and query below the URL's base path, starting with '/'
  std::vector<std::pair<std::string, std::string>> headers;
  std::span<const uint8_t> body;            // sent with Content-Length
  std::chrono::milliseconds timeout{5000};  // for connecting, each write, and the answer
  std::function<void(uint64_t sent, uint64_t total)> on_progress;  // body bytes sent so far
};

struct HttpReply {
  int status = 0;
  std::string content_type;
  std::string body;
};

// Sends one request and reads the whole answer (at most 64 MiB). Errors are kIo, saying what
// failed and where ("cannot connect to 127.0.0.1:8080: Connection refused", "no answer from
// ... within 5000 ms").
Result<HttpReply> Fetch(const HttpUrl& url, const HttpCall& call);

// Percent-encodes everything but RFC 3986 unreserved characters: for a path segment or a query
// value.
std::string PercentEncode(std::string_view s);

// The "message" of a server's JSON error ({"error":{"code","message"}}), or the body itself
// (trimmed to 200 bytes) when it is not one.
std::string ServerErrorMessage(const HttpReply& reply);

}  // namespace symphony::cli
