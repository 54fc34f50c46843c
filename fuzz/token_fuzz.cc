// Fuzzes token verification (src/server/auth/token.h): whatever a client puts in ?token= or a
// Hocuspocus auth message reaches VerifyToken, and through it libjwt.
//
// The first input byte picks a mode; the rest is:
//   0: the token itself, raw bytes;
//   1: a JSON payload, signed by libjwt with the right secret, so that the claim checks see
//      well-signed nonsense;
//   2: claims (room, sub, name as NUL-separated strings; access and times from the last bytes)
//      for MintToken, whose tokens must verify back to the same claims.
//
// Invariants:
//  - VerifyToken never crashes and refuses with kPermission and a short message (it never echoes
//    the token); an accepted token has a room and an access of rw or r.
//  - MintToken -> VerifyToken is the identity on claims (when the token has not expired).
#include <jwt.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "server/auth/token.h"

namespace {

namespace auth = symphony::server::auth;

constexpr char kSecret[] = "fuzz-secret";
constexpr int64_t kNow = 1750000000;

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant failed: %s\n", what);
    std::abort();
  }
}

void Verify(std::string_view token) {
  symphony::Result<auth::TokenClaims> claims = auth::VerifyToken(token, kSecret, kNow);
  if (!claims.ok()) {
    Check(claims.status().code() == symphony::StatusCode::kPermission, "refusal is kPermission");
    Check(claims.status().message().size() < 160, "refusal message is short");
    return;
  }
  Check(!claims->room.empty(), "accepted token has a room");
  Check(claims->access == auth::Access::kRead || claims->access == auth::Access::kReadWrite,
        "accepted token has an access");
  Check(claims->exp == 0 || claims->exp > kNow, "accepted token has not expired");
}

std::string SignPayload(const std::string& payload) {
  jwt_t* jwt = nullptr;
  if (jwt_new(&jwt) != 0) return "";
  std::string token;
  if (jwt_add_grants_json(jwt, payload.c_str()) == 0 &&
      jwt_set_alg(jwt, JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(kSecret),
                  sizeof(kSecret) - 1) == 0) {
    if (char* encoded = jwt_encode_str(jwt)) {
      token = encoded;
      std::free(encoded);
    }
  }
  jwt_free(jwt);
  return token;
}

void MintAndVerify(std::string_view in) {
  if (in.size() < 3) return;
  auth::TokenClaims claims;
  claims.access = (in[in.size() - 1] & 1) ? auth::Access::kRead : auth::Access::kReadWrite;
  claims.exp = (in[in.size() - 2] & 1) ? kNow + static_cast<uint8_t>(in[in.size() - 3]) + 1 : 0;
  claims.iat = claims.exp == 0 ? 0 : kNow;
  in.remove_suffix(3);
  std::string* fields[] = {&claims.room, &claims.sub, &claims.name};
  size_t field = 0;
  for (char c : in) {
    if (c == '\0') {
      if (++field == 3) break;
    } else {
      fields[field]->push_back(c);
    }
  }
  symphony::Result<std::string> token = auth::MintToken(claims, kSecret);
  if (!token.ok()) {
    Check(token.status().code() == symphony::StatusCode::kInvalid, "mint refusal is kInvalid");
    return;
  }
  symphony::Result<auth::TokenClaims> back = auth::VerifyToken(token.value(), kSecret, kNow);
  Check(back.ok(), "a minted token verifies");
  Check(back->room == claims.room && back->sub == claims.sub && back->name == claims.name &&
            back->access == claims.access && back->exp == claims.exp && back->iat == claims.iat,
        "claims round trip");
  Check(!auth::VerifyToken(token.value(), "other-secret", kNow).ok(), "other secret refused");
  Check(auth::RoomAllowed(*back, claims.room), "a token grants its own room");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      Verify(rest);
      break;
    case 1:
      if (rest.size() < 4096) Verify(SignPayload(std::string(rest)));
      break;
    default:
      MintAndVerify(rest);
      break;
  }
  return 0;
}
