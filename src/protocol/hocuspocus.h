// Hocuspocus framing: varString document name, varUint type, then the type's body.
//
//   0 Sync / 4 SyncReply  body: a sync message (sync.h); SyncReply asks for no step 1 back
//   1 Awareness           body: varUint8Array holding an awareness update (awareness.h)
//   2 Auth                body: varUint auth type, then (see AuthMessageType) a varString
//   3 QueryAwareness      no body
//   5 Stateless           body: varString payload (client <-> server)
//   6 BroadcastStateless  body: varString payload (server-internal; a client must not send it)
//   7 CLOSE               client to server: no body; server to client: varString reason
//   8 SyncStatus          body: varUint 1 (update saved) or 0
//   9 Ping / 10 Pong      no body
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/limits.h"
#include "util/status.h"

namespace symphony::protocol::hocuspocus {

enum class MessageType : uint8_t {
  kSync = 0,
  kAwareness = 1,
  kAuth = 2,
  kQueryAwareness = 3,
  kSyncReply = 4,
  kStateless = 5,
  kBroadcastStateless = 6,
  kClose = 7,
  kSyncStatus = 8,
  kPing = 9,
  kPong = 10,
};

enum class AuthMessageType : uint8_t {
  kToken = 0,             // client: varString token; server: no string (asks for the token)
  kPermissionDenied = 1,  // varString reason
  kAuthenticated = 2,     // varString scope: "readonly" or "read-write"
};

struct Message {
  std::string document;  // UTF-8, at most limits.max_document_name_bytes
  MessageType type = MessageType::kSync;
  // Body after the type, as a view into the input (keep it alive). For kAwareness the length
  // prefix is removed; for the rest it is everything after the type.
  std::span<const uint8_t> payload;
  uint64_t payload_offset = 0;  // offset of payload[0] in the input
};

struct AuthMessage {
  AuthMessageType type = AuthMessageType::kToken;
  std::optional<std::string> text;  // token / reason / scope; absent only for a bare kToken
  // kToken from @hocuspocus/provider v4: a varString with the provider's version follows.
  std::optional<std::string> provider_version;
};

// Reads the frame. Errors carry offsets into `bytes`: kLimit for the message size or document
// name length, kInvalid naming an unknown type or for invalid UTF-8 in the name, kTruncated /
// kOverflow for a cut or malformed header, kInvalid for bytes after an awareness array.
Result<Message> Parse(std::span<const uint8_t> bytes, const Limits& limits = {});

// Body decoders; pass Message::payload and Message::payload_offset. Trailing bytes are kInvalid.
Result<AuthMessage> ParseAuth(std::span<const uint8_t> payload, uint64_t payload_offset = 0);
Result<bool> ParseSyncStatus(std::span<const uint8_t> payload, uint64_t payload_offset = 0);
// Stateless, BroadcastStateless, and a server CLOSE's reason.
Result<std::string> ParseString(std::span<const uint8_t> payload, uint64_t payload_offset = 0);

// Builders for outgoing messages.
std::vector<uint8_t> SyncStep1(std::string_view doc, std::span<const uint8_t> state_vector,
                               bool reply = false);
std::vector<uint8_t> SyncStep2(std::string_view doc, std::span<const uint8_t> update,
                               bool reply = false);
std::vector<uint8_t> Update(std::string_view doc, std::span<const uint8_t> update);
std::vector<uint8_t> AwarenessUpdate(std::string_view doc,
                                     std::span<const uint8_t> awareness_update);
std::vector<uint8_t> QueryAwareness(std::string_view doc);
std::vector<uint8_t> Pong(std::string_view doc);  // answer to a client's Ping
std::vector<uint8_t> TokenRequest(std::string_view doc);  // server asks for the token
std::vector<uint8_t> Token(std::string_view doc, std::string_view token);
std::vector<uint8_t> PermissionDenied(std::string_view doc, std::string_view reason);
std::vector<uint8_t> Authenticated(std::string_view doc, std::string_view scope);
std::vector<uint8_t> Stateless(std::string_view doc, std::string_view payload);
std::vector<uint8_t> BroadcastStateless(std::string_view doc, std::string_view payload);
std::vector<uint8_t> SyncStatus(std::string_view doc, bool update_saved);
std::vector<uint8_t> Close(std::string_view doc, std::string_view reason);  // server to client
std::vector<uint8_t> CloseRequest(std::string_view doc);                    // client to server

}  // namespace symphony::protocol::hocuspocus
