// Bounds every protocol decoder enforces on untrusted input.
//
// A violation is a Status with code kLimit and the byte offset (into the message being parsed)
// of the value that broke the bound. Decoders never allocate more than the input justifies, so
// these bounds are about what the server is willing to hold, not about memory safety.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "util/status.h"

namespace symphony::protocol {

struct Limits {
  // Whole WebSocket message, framing included. Default 16 MiB.
  size_t max_message_bytes = size_t{16} << 20;
  // Hocuspocus document name, in UTF-8 bytes. Default 255.
  size_t max_document_name_bytes = 255;
  // Entries in one awareness update. Default 1024.
  size_t max_awareness_clients = 1024;
  // One client's awareness state as JSON text, in bytes. Default 64 KiB.
  size_t max_state_json_bytes = size_t{64} << 10;
  // Nesting depth accepted when an awareness state's JSON is checked. Default 64.
  int max_json_depth = 64;
};

// kLimit status: "<what> is <actual> bytes, limit <limit>" at `offset`.
inline Status LimitError(const char* what, uint64_t actual, uint64_t limit, uint64_t offset) {
  return Status(
      StatusCode::kLimit,
      std::string(what) + " is " + std::to_string(actual) + ", limit " + std::to_string(limit),
      offset);
}

}  // namespace symphony::protocol
