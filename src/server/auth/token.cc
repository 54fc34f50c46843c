#include "server/auth/token.h"

#include <jwt.h>
#include <strings.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

namespace symphony::server::auth {

namespace {

using json = nlohmann::json;

constexpr size_t kMaxClaimBytes = 4096;
// Deeper JSON than this in a header or payload is refused before any parser sees it.
constexpr int kMaxJsonDepth = 16;

Status Refuse(std::string message) { return Status(StatusCode::kPermission, std::move(message)); }
Status Malformed(const std::string& why) { return Refuse("malformed token: " + why); }

struct JwtDeleter {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;

int Base64UrlValue(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

// Strict unpadded base64url (RFC 7515 section 2). nullopt for any other character or a length
// that no byte string encodes to.
std::optional<std::string> Base64UrlDecode(std::string_view in) {
  if (in.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(in.size() / 4 * 3 + 2);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    const int v = Base64UrlValue(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

bool IsBase64Url(std::string_view in) {
  for (char c : in) {
    if (Base64UrlValue(c) < 0) return false;
  }
  return in.size() % 4 != 1;
}

// Deepest nesting of arrays and objects in JSON text (strings skipped), without parsing it.
int JsonDepth(std::string_view text) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

// A base64url part holding a JSON object, or nullopt.
std::optional<json> DecodeJsonObject(std::string_view part) {
  std::optional<std::string> text = Base64UrlDecode(part);
  if (!text || JsonDepth(*text) > kMaxJsonDepth) return std::nullopt;
  json value = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded() || !value.is_object()) return std::nullopt;
  return value;
}

// At most 40 printable ASCII characters of an attacker-chosen string, for a message.
std::string Printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 40)) out.push_back(c >= 0x20 && c < 0x7F ? c : '?');
  if (s.size() > 40) out += "...";
  return out;
}

// Reads an optional time claim (unix seconds; fractions are dropped, as JWT NumericDate allows
// them). Returns false, and sets *error, when present but not a number in range.
bool ReadTime(const json& claims, const char* name, std::optional<int64_t>* out, Status* error) {
  auto it = claims.find(name);
  if (it == claims.end()) return true;
  constexpr double kLimit = 9.2e18;  // inside int64_t
  if (it->is_number_integer() && !it->is_number_unsigned()) {
    *out = it->get<int64_t>();
  } else if (it->is_number_unsigned() &&
             it->get<uint64_t>() <= uint64_t{std::numeric_limits<int64_t>::max()}) {
    *out = static_cast<int64_t>(it->get<uint64_t>());
  } else if (it->is_number_float() && std::isfinite(it->get<double>()) &&
             std::fabs(it->get<double>()) < kLimit) {
    *out = static_cast<int64_t>(std::floor(it->get<double>()));
  } else {
    *error = Refuse(std::string(name) + " must be a number (unix seconds)");
    return false;
  }
  return true;
}

// Reads an optional string claim.
bool ReadString(const json& claims, const char* name, std::string* out, Status* error) {
  auto it = claims.find(name);
  if (it == claims.end()) return true;
  if (!it->is_string()) {
    *error = Refuse(std::string(name) + " must be a string");
    return false;
  }
  *out = it->get<std::string>();
  return true;
}

Status CheckClaimText(const char* name, const std::string& value) {
  if (value.size() > kMaxClaimBytes) {
    return Status(StatusCode::kInvalid, std::string(name) + " is longer than 4096 bytes");
  }
  if (value.find('\0') != std::string::npos) {
    return Status(StatusCode::kInvalid, std::string(name) + " holds a NUL byte");
  }
  return Status::Ok();
}

}  // namespace

const char* AccessName(Access access) { return access == Access::kRead ? "r" : "rw"; }

std::string FormatUnixTime(int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  char buf[64];
  if (gmtime_r(&t, &tm) == nullptr || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 0 ||
      std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
    return std::to_string(unix_seconds) + " (unix seconds)";
  }
  return buf;
}

Result<std::string> MintToken(const TokenClaims& claims, std::string_view secret) {
  if (secret.empty()) return Status(StatusCode::kInvalid, "the secret is empty");
  if (secret.size() > kMaxClaimBytes) {
    return Status(StatusCode::kInvalid, "the secret is longer than 4096 bytes");
  }
  if (claims.room.empty()) return Status(StatusCode::kInvalid, "the room is empty");
  SYMPHONY_RETURN_IF_ERROR(CheckClaimText("room", claims.room));
  SYMPHONY_RETURN_IF_ERROR(CheckClaimText("sub", claims.sub));
  SYMPHONY_RETURN_IF_ERROR(CheckClaimText("name", claims.name));

  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return Status(StatusCode::kInternal, "libjwt: jwt_new failed");
  JwtPtr jwt(raw);
  int err =
      jwt_set_alg(jwt.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(secret.data()),
                  static_cast<int>(secret.size()));
  auto add = [&](const char* name, const std::string& value) {
    if (err == 0 && !value.empty()) err = jwt_add_grant(jwt.get(), name, value.c_str());
  };
  add("room", claims.room);
  add("access", AccessName(claims.access));
  add("sub", claims.sub);
  add("name", claims.name);
  if (err == 0 && claims.iat != 0) err = jwt_add_grant_int(jwt.get(), "iat", claims.iat);
  if (err == 0 && claims.exp != 0) err = jwt_add_grant_int(jwt.get(), "exp", claims.exp);
  if (err == EINVAL) {
    // jansson refuses strings that are not UTF-8.
    return Status(StatusCode::kInvalid, "a claim (room, sub or name) is not valid UTF-8");
  }
  if (err != 0) return Status(StatusCode::kInternal, std::string("libjwt: ") + std::strerror(err));
  char* encoded = jwt_encode_str(jwt.get());
  if (encoded == nullptr) {
    return Status(StatusCode::kInternal, std::string("libjwt: ") + std::strerror(errno));
  }
  std::string token(encoded);
  std::free(encoded);
  return token;
}

Result<TokenClaims> VerifyToken(std::string_view token, std::string_view secret,
                                int64_t now_unix_seconds) {
  if (token.empty()) return Refuse("missing token");
  if (token.size() > kMaxTokenBytes) {
    return Malformed("longer than " + std::to_string(kMaxTokenBytes) + " bytes");
  }
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    const size_t dot = token.find('.', start);
    parts.push_back(token.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (parts.size() != 3) {
    return Malformed("expected three base64url parts separated by '.', found " +
                     std::to_string(parts.size()));
  }
  std::optional<json> header = DecodeJsonObject(parts[0]);
  if (!header) return Malformed("the header is not base64url-encoded JSON object");
  auto alg = header->find("alg");
  if (alg == header->end() || !alg->is_string()) return Malformed("the header has no alg");
  if (alg->get<std::string>() != "HS256") {
    return Refuse("unsupported algorithm " + Printable(alg->get<std::string>()) +
                  " (only HS256 is accepted)");
  }
  // libjwt refuses any typ but JWT (case-insensitively); say so rather than "bad signature".
  if (auto typ = header->find("typ"); typ != header->end()) {
    if (!typ->is_string() || strcasecmp(typ->get<std::string>().c_str(), "JWT") != 0) {
      return Malformed("the header's typ is not JWT");
    }
  }
  std::optional<json> claims = DecodeJsonObject(parts[1]);
  if (!claims) return Malformed("the payload is not a base64url-encoded JSON object");
  if (parts[2].empty()) return Malformed("no signature");
  if (!IsBase64Url(parts[2])) return Malformed("the signature is not base64url");

  if (secret.empty()) return Status(StatusCode::kInvalid, "no secret to verify tokens with");
  if (secret.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return Status(StatusCode::kInvalid, "the secret is too long");
  }
  // Every character is now base64url or '.', so the C string libjwt reads is the whole token,
  // and its header and payload decode to JSON objects: a failure is the signature's.
  jwt_t* raw = nullptr;
  const std::string text(token);
  const int err =
      jwt_decode(&raw, text.c_str(), reinterpret_cast<const unsigned char*>(secret.data()),
                 static_cast<int>(secret.size()));
  JwtPtr jwt(raw);
  if (err == EINVAL) return Refuse("bad signature");
  if (err != 0 || jwt == nullptr) {
    return Status(StatusCode::kInternal, std::string("libjwt: ") + std::strerror(err));
  }
  if (jwt_get_alg(jwt.get()) != JWT_ALG_HS256) return Refuse("bad signature");

  Status error;
  std::optional<int64_t> exp;
  std::optional<int64_t> nbf;
  std::optional<int64_t> iat;
  if (!ReadTime(*claims, "exp", &exp, &error) || !ReadTime(*claims, "nbf", &nbf, &error) ||
      !ReadTime(*claims, "iat", &iat, &error)) {
    return error;
  }
  if (exp && now_unix_seconds >= *exp) return Refuse("token expired at " + FormatUnixTime(*exp));
  if (nbf && now_unix_seconds < *nbf) {
    return Refuse("token not valid before " + FormatUnixTime(*nbf));
  }
  TokenClaims out;
  out.exp = exp.value_or(0);
  out.iat = iat.value_or(0);
  auto room = claims->find("room");
  if (room == claims->end() || (room->is_string() && room->get<std::string>().empty())) {
    return Refuse("token has no room claim");
  }
  if (!room->is_string()) return Refuse("room must be a string");
  out.room = room->get<std::string>();
  auto access = claims->find("access");
  if (access == claims->end()) return Refuse("access must be rw or r (got none)");
  if (access->is_string() && access->get<std::string>() == "rw") {
    out.access = Access::kReadWrite;
  } else if (access->is_string() && access->get<std::string>() == "r") {
    out.access = Access::kRead;
  } else {
    return Refuse("access must be rw or r (got " +
                  (access->is_string() ? Printable(access->get<std::string>())
                                       : std::string(access->type_name())) +
                  ")");
  }
  if (!ReadString(*claims, "sub", &out.sub, &error) ||
      !ReadString(*claims, "name", &out.name, &error)) {
    return error;
  }
  return out;
}

bool RoomAllowed(const TokenClaims& claims, std::string_view room) {
  std::string_view granted = claims.room;
  if (!granted.empty() && granted.back() == '*') {
    granted.remove_suffix(1);
    return room.substr(0, granted.size()) == granted;
  }
  return room == granted;
}

}  // namespace symphony::server::auth
