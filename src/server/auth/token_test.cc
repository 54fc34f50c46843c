#include "server/auth/token.h"

#include <gtest/gtest.h>
#include <jwt.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace symphony::server::auth {
namespace {

constexpr char kSecret[] = "correct horse battery staple";
constexpr int64_t kNow = 1750000000;  // 2025-06-15T15:06:40Z

TokenClaims Claims() {
  TokenClaims c;
  c.room = "board-1";
  c.access = Access::kReadWrite;
  c.sub = "user-42";
  c.name = "Ada Lovelace";
  c.iat = kNow;
  c.exp = kNow + 3600;
  return c;
}

std::string Mint(const TokenClaims& claims, std::string_view secret = kSecret) {
  Result<std::string> token = MintToken(claims, secret);
  EXPECT_TRUE(token.ok()) << token.status().message();
  return token.ok() ? token.value() : std::string();
}

// The message of a refusal, or "accepted".
std::string Refusal(std::string_view token, std::string_view secret = kSecret, int64_t now = kNow) {
  Result<TokenClaims> claims = VerifyToken(token, secret, now);
  if (claims.ok()) return "accepted";
  EXPECT_EQ(claims.status().code(), StatusCode::kPermission) << claims.status().message();
  return claims.status().message();
}

std::string B64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(acc >> bits) & 63]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 63]);
  return out;
}

// A token with exactly this payload (JSON text), signed by libjwt: for claims MintToken would not
// write.
std::string SignWithLibjwt(const char* payload, std::string_view secret = kSecret) {
  jwt_t* jwt = nullptr;
  EXPECT_EQ(jwt_new(&jwt), 0);
  EXPECT_EQ(jwt_add_grants_json(jwt, payload), 0) << payload;
  EXPECT_EQ(jwt_set_alg(jwt, JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(secret.data()),
                        static_cast<int>(secret.size())),
            0);
  char* encoded = jwt_encode_str(jwt);
  std::string token = encoded == nullptr ? "" : encoded;
  std::free(encoded);
  jwt_free(jwt);
  return token;
}

// The token's three parts.
std::vector<std::string> Split(const std::string& token) {
  std::vector<std::string> parts;
  std::stringstream in(token);
  for (std::string part; std::getline(in, part, '.');) parts.push_back(part);
  if (!token.empty() && token.back() == '.') parts.emplace_back();
  return parts;
}

TEST(TokenTest, RoundTrip) {
  const TokenClaims in = Claims();
  Result<TokenClaims> out = VerifyToken(Mint(in), kSecret, kNow);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->room, in.room);
  EXPECT_EQ(out->access, Access::kReadWrite);
  EXPECT_EQ(out->sub, in.sub);
  EXPECT_EQ(out->name, in.name);
  EXPECT_EQ(out->iat, in.iat);
  EXPECT_EQ(out->exp, in.exp);
}

TEST(TokenTest, RoundTripReadOnlyMinimal) {
  TokenClaims in;
  in.room = "team-7/*";
  in.access = Access::kRead;
  const std::string token = Mint(in);
  // Empty and zero claims are left out of the token.
  EXPECT_EQ(token.find("sub"), std::string::npos);
  Result<TokenClaims> out = VerifyToken(token, kSecret, kNow);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->room, "team-7/*");
  EXPECT_EQ(out->access, Access::kRead);
  EXPECT_EQ(out->sub, "");
  EXPECT_EQ(out->exp, 0);
  EXPECT_EQ(out->iat, 0);
}

TEST(TokenTest, MintedHeaderIsHs256Jwt) {
  const std::vector<std::string> parts = Split(Mint(Claims()));
  ASSERT_EQ(parts.size(), 3u);
  // {"alg":"HS256","typ":"JWT"} in some key order.
  const std::string h = parts[0];
  EXPECT_TRUE(h == B64(R"({"alg":"HS256","typ":"JWT"})") ||
              h == B64(R"({"typ":"JWT","alg":"HS256"})"))
      << h;
  EXPECT_EQ(parts[2].size(), 43u);  // 32 bytes of HMAC-SHA256, unpadded
}

TEST(TokenTest, MintRefusesBadInput) {
  TokenClaims c = Claims();
  EXPECT_EQ(MintToken(c, "").status().code(), StatusCode::kInvalid);
  c.room = "";
  EXPECT_EQ(MintToken(c, kSecret).status().code(), StatusCode::kInvalid);
  c.room = std::string("a\0b", 3);
  EXPECT_EQ(MintToken(c, kSecret).status().code(), StatusCode::kInvalid);
  c.room = std::string(5000, 'x');
  EXPECT_EQ(MintToken(c, kSecret).status().code(), StatusCode::kInvalid);
  c.room = "\xff\xfe";
  Result<std::string> bad_utf8 = MintToken(c, kSecret);
  EXPECT_EQ(bad_utf8.status().code(), StatusCode::kInvalid);
  EXPECT_NE(bad_utf8.status().message().find("UTF-8"), std::string::npos);
}

TEST(TokenTest, WrongSecret) {
  EXPECT_EQ(Refusal(Mint(Claims()), "another secret"), "bad signature");
  EXPECT_EQ(Refusal(Mint(Claims(), "another secret")), "bad signature");
}

TEST(TokenTest, Expired) {
  TokenClaims c = Claims();
  c.exp = kNow - 1;
  EXPECT_EQ(Refusal(Mint(c)), "token expired at 2025-06-15T15:06:39Z");
  c.exp = kNow;
  EXPECT_EQ(Refusal(Mint(c)), "token expired at 2025-06-15T15:06:40Z");
  c.exp = kNow + 1;
  EXPECT_EQ(Refusal(Mint(c)), "accepted");
  // The same token, later.
  EXPECT_EQ(Refusal(Mint(c), kSecret, kNow + 2), "token expired at 2025-06-15T15:06:41Z");
}

TEST(TokenTest, TamperedPayload) {
  std::vector<std::string> parts = Split(Mint(Claims()));
  ASSERT_EQ(parts.size(), 3u);
  const std::string forged = B64(R"({"room":"admin-room","access":"rw","exp":4102444800})");
  EXPECT_EQ(Refusal(parts[0] + "." + forged + "." + parts[2]), "bad signature");
  // A signature from another token.
  TokenClaims other = Claims();
  other.access = Access::kRead;
  const std::vector<std::string> o = Split(Mint(other));
  EXPECT_EQ(Refusal(parts[0] + "." + parts[1] + "." + o[2]), "bad signature");
}

TEST(TokenTest, AlgNone) {
  const std::vector<std::string> parts = Split(Mint(Claims()));
  const std::string none = B64(R"({"alg":"none","typ":"JWT"})");
  const std::string expect = "unsupported algorithm none (only HS256 is accepted)";
  EXPECT_EQ(Refusal(none + "." + parts[1] + "."), expect);
  EXPECT_EQ(Refusal(none + "." + parts[1] + "." + parts[2]), expect);
  EXPECT_EQ(Refusal(B64(R"({"alg":"NONE"})") + "." + parts[1] + "."),
            "unsupported algorithm NONE (only HS256 is accepted)");
  EXPECT_EQ(Refusal(B64(R"({"alg":"HS384"})") + "." + parts[1] + "." + parts[2]),
            "unsupported algorithm HS384 (only HS256 is accepted)");
  // Control characters of an attacker's alg are not echoed.
  EXPECT_EQ(Refusal(B64("{\"alg\":\"x\\u001by\"}") + "." + parts[1] + "." + parts[2]),
            "unsupported algorithm x?y (only HS256 is accepted)");
  EXPECT_EQ(Refusal(B64(R"({"typ":"JWT"})") + "." + parts[1] + "." + parts[2]),
            "malformed token: the header has no alg");
  EXPECT_EQ(Refusal(B64(R"({"alg":256})") + "." + parts[1] + "." + parts[2]),
            "malformed token: the header has no alg");
}

TEST(TokenTest, MissingRoomAndBadAccess) {
  EXPECT_EQ(Refusal(SignWithLibjwt(R"({"access":"rw","exp":4102444800})")),
            "token has no room claim");
  EXPECT_EQ(Refusal(SignWithLibjwt(R"({"room":"","access":"rw"})")), "token has no room claim");
  EXPECT_EQ(Refusal(SignWithLibjwt(R"({"room":["a"],"access":"rw"})")), "room must be a string");
  EXPECT_EQ(Refusal(SignWithLibjwt(R"({"room":"a"})")), "access must be rw or r (got none)");
  EXPECT_EQ(Refusal(SignWithLibjwt(R"({"room":"a","access":"admin"})")),
            "access must be rw or r (got admin)");
  EXPECT_EQ(Refusal(SignWithLibjwt(R"({"room":"a","access":"RW"})")),
            "access must be rw or r (got RW)");
  EXPECT_EQ(Refusal(SignWithLibjwt(R"({"room":"a","access":true})")),
            "access must be rw or r (got boolean)");
  EXPECT_EQ(Refusal(SignWithLibjwt(R"({"room":"a","access":"r","name":{}})")),
            "name must be a string");
  EXPECT_EQ(Refusal(SignWithLibjwt(R"({"room":"a","access":"r","iat":"now"})")),
            "iat must be a number (unix seconds)");
  EXPECT_EQ(Refusal(SignWithLibjwt(R"({"room":"a","access":"r","exp":1e300})")),
            "exp must be a number (unix seconds)");
  EXPECT_EQ(Refusal(SignWithLibjwt(R"({"room":"a","access":"r","nbf":1750003600})")),
            "token not valid before 2025-06-15T16:06:40Z");
  EXPECT_EQ(Refusal(SignWithLibjwt(R"({"room":"a","access":"r","exp":4102444800.9})")), "accepted");
}

TEST(TokenTest, WildcardRoomClaim) {
  TokenClaims c = Claims();
  c.room = "*";
  Result<TokenClaims> out = VerifyToken(Mint(c), kSecret, kNow);
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(RoomAllowed(*out, "anything"));
}

TEST(TokenTest, MissingAndGarbage) {
  EXPECT_EQ(Refusal(""), "missing token");
  EXPECT_EQ(Refusal("garbage"),
            "malformed token: expected three base64url parts separated by '.', found 1");
  EXPECT_EQ(Refusal("a.b.c.d"),
            "malformed token: expected three base64url parts separated by '.', found 4");
  EXPECT_EQ(Refusal(".."), "malformed token: the header is not base64url-encoded JSON object");
  EXPECT_EQ(Refusal(std::string(kMaxTokenBytes + 1, 'a')),
            "malformed token: longer than 16384 bytes");
  const std::vector<std::string> parts = Split(Mint(Claims()));
  EXPECT_EQ(Refusal(parts[0] + "." + parts[1] + "."), "malformed token: no signature");
  EXPECT_EQ(Refusal(parts[0] + "." + parts[1] + "." + parts[2] + "="),
            "malformed token: the signature is not base64url");
  EXPECT_EQ(Refusal(parts[0] + "." + parts[1] + "x." + parts[2]),
            "malformed token: the payload is not a base64url-encoded JSON object");
  EXPECT_EQ(
      Refusal(parts[0] + "." + B64("[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]") + "." + parts[2]),
      "malformed token: the payload is not a base64url-encoded JSON object");
  // A NUL inside the token never reaches libjwt as a shorter C string.
  EXPECT_EQ(Refusal(parts[0] + "." + parts[1] + "." + parts[2] + std::string(1, '\0') + "x"),
            "malformed token: the signature is not base64url");
  // "Bearer " prefixes are the caller's to strip.
  EXPECT_EQ(Refusal("Bearer " + parts[0] + "." + parts[1] + "." + parts[2]),
            "malformed token: the header is not base64url-encoded JSON object");
}

TEST(TokenTest, EmptySecretIsAConfigurationError) {
  Result<TokenClaims> out = VerifyToken(Mint(Claims()), "", kNow);
  EXPECT_EQ(out.status().code(), StatusCode::kInvalid);
}

TEST(TokenTest, RoomAllowed) {
  TokenClaims c;
  c.room = "board-1";
  EXPECT_TRUE(RoomAllowed(c, "board-1"));
  EXPECT_FALSE(RoomAllowed(c, "board-10"));
  EXPECT_FALSE(RoomAllowed(c, "board-"));
  EXPECT_FALSE(RoomAllowed(c, ""));
  c.room = "team-7/*";
  EXPECT_TRUE(RoomAllowed(c, "team-7/"));
  EXPECT_TRUE(RoomAllowed(c, "team-7/board"));
  EXPECT_TRUE(RoomAllowed(c, "team-7/a/b"));
  EXPECT_FALSE(RoomAllowed(c, "team-7"));
  EXPECT_FALSE(RoomAllowed(c, "team-70/board"));
  EXPECT_FALSE(RoomAllowed(c, "Team-7/board"));
  c.room = "*";
  EXPECT_TRUE(RoomAllowed(c, ""));
  EXPECT_TRUE(RoomAllowed(c, "x"));
  // Only a trailing '*' is a wildcard.
  c.room = "a*b";
  EXPECT_TRUE(RoomAllowed(c, "a*b"));
  EXPECT_FALSE(RoomAllowed(c, "axb"));
}

TEST(TokenTest, FormatUnixTime) {
  EXPECT_EQ(FormatUnixTime(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatUnixTime(kNow), "2025-06-15T15:06:40Z");
  EXPECT_EQ(FormatUnixTime(int64_t{1} << 60), std::to_string(int64_t{1} << 60) + " (unix seconds)");
}

// Tokens signed by Node's crypto.createHmac (tests/golden/jwt/make_tokens.mjs), with what each
// must give: claims, or the exact refusal.
TEST(TokenTest, GoldenTokensFromNode) {
  std::ifstream in(std::string(SYMPHONY_SOURCE_DIR) + "/tests/golden/jwt/tokens.json");
  ASSERT_TRUE(in) << "tests/golden/jwt/tokens.json";
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json golden = nlohmann::json::parse(text.str());
  const std::string secret = golden["secret"];
  const int64_t now = golden["now"];
  int checked = 0;
  for (const nlohmann::json& c : golden["cases"]) {
    const std::string name = c["name"];
    Result<TokenClaims> out = VerifyToken(c["token"].get<std::string>(), secret, now);
    if (c.contains("error")) {
      ASSERT_FALSE(out.ok()) << name;
      EXPECT_EQ(out.status().code(), StatusCode::kPermission) << name;
      EXPECT_EQ(out.status().message(), c["error"].get<std::string>()) << name;
    } else {
      ASSERT_TRUE(out.ok()) << name << ": " << out.status().message();
      const nlohmann::json& e = c["expect"];
      EXPECT_EQ(out->room, e["room"].get<std::string>()) << name;
      EXPECT_EQ(AccessName(out->access), e["access"].get<std::string>()) << name;
      EXPECT_EQ(out->sub, e["sub"].get<std::string>()) << name;
      EXPECT_EQ(out->name, e["name"].get<std::string>()) << name;
      EXPECT_EQ(out->iat, e["iat"].get<int64_t>()) << name;
      EXPECT_EQ(out->exp, e["exp"].get<int64_t>()) << name;
    }
    ++checked;
  }
  EXPECT_GE(checked, 25);
}

}  // namespace
}  // namespace symphony::server::auth
