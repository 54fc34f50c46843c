// Client tokens: HS256 JSON Web Tokens that an application's backend mints with a secret it
// shares with the server, and that the server checks on every connection (doc/auth.md).
//
//   header  {"alg":"HS256","typ":"JWT"}          (any other alg, "none" included, is refused)
//   claims  {"room":"board-1" | "team-7/*",      exact room name, or a prefix ending in '*'
//            "access":"rw" | "r",                read-write or read-only (required)
//            "sub":"user-42", "name":"Ada",      optional strings: who, and a display name
//            "exp":1767225600, "iat":...,        optional unix seconds (exp: refused from then on)
//            "nbf":...}                          optional: refused before then
//
// Signatures are made and checked by libjwt; everything around it (the token's shape, the header,
// the claims and their types) is checked here first, strictly, so that garbage never reaches
// libjwt and every refusal says exactly what is wrong. Tokens are untrusted input: any byte string
// is a valid argument to VerifyToken.
//
// Thread-safety: the functions keep no state; call them from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/status.h"

namespace symphony::server::auth {

// What a connection may do in its room. Read-only connections receive everything and may set
// their presence; their document updates are dropped.
enum class Access : uint8_t { kReadWrite, kRead };

// Longest token VerifyToken looks at; longer ones are refused as malformed.
inline constexpr size_t kMaxTokenBytes = 16 * 1024;

struct TokenClaims {
  std::string room;  // exact room name, or "prefix*" for every room starting with prefix
  Access access = Access::kReadWrite;
  std::string sub;   // user id (empty: none)
  std::string name;  // display name (empty: none)
  int64_t exp = 0;   // unix seconds; 0: the token never expires
  int64_t iat = 0;   // unix seconds; 0: not stated
};

// "rw" or "r", as written in the access claim.
const char* AccessName(Access access);

// Signs `claims` (empty sub and name, and zero exp and iat, are left out of the token).
// kInvalid when the secret or the room is empty or a claim is longer than 4 KiB; kInternal if
// libjwt fails.
Result<std::string> MintToken(const TokenClaims& claims, std::string_view secret);

// Checks a token's shape, its HS256 signature with `secret`, its times against
// `now_unix_seconds` and its claims. Refusals are kPermission, with a message saying what is
// wrong, one of:
//   missing token | malformed token: <why> | unsupported algorithm <alg> (only HS256 is accepted)
//   bad signature | token expired at <UTC time> | token not valid before <UTC time>
//   token has no room claim | access must be rw or r (got <value>) | <claim> must be a <type>
// The messages never quote the token or the secret. kInvalid when `secret` is empty (a server
// configuration error, not the client's).
Result<TokenClaims> VerifyToken(std::string_view token, std::string_view secret,
                                int64_t now_unix_seconds);

// Whether claims.room grants `room`: a claim ending in '*' matches every room starting with what
// precedes the '*' ("*" alone matches every room); any other claim matches only itself.
bool RoomAllowed(const TokenClaims& claims, std::string_view room);

// Unix seconds as "2026-01-01T00:00:00Z" (UTC), for messages.
std::string FormatUnixTime(int64_t unix_seconds);

}  // namespace symphony::server::auth
