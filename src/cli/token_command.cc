// `symphony token`: mints a client token (server/auth/token.h) with the server's secret, for
// trying auth out and for scripts; applications mint theirs in their backend (doc/auth.md).
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <memory>
#include <string>

#include "cli/command.h"
#include "server/auth/token.h"

namespace symphony::cli {

namespace {

struct TokenArgs {
  std::string secret;
  std::string room;
  std::string access;
  std::string user;
  std::string name;
  std::string ttl = "3600";
};

// "90", "90s", "15m", "12h", "7d" -> seconds; -1 when not a positive duration.
int64_t ParseTtl(const std::string& text) {
  if (text.empty()) return -1;
  int64_t unit = 1;
  std::string digits = text;
  switch (text.back()) {
    case 's':
      unit = 1;
      digits.pop_back();
      break;
    case 'm':
      unit = 60;
      digits.pop_back();
      break;
    case 'h':
      unit = 3600;
      digits.pop_back();
      break;
    case 'd':
      unit = 86400;
      digits.pop_back();
      break;
    default:
      break;
  }
  if (digits.empty() || digits.size() > 9) return -1;
  for (char c : digits) {
    if (c < '0' || c > '9') return -1;
  }
  const int64_t n = std::stoll(digits) * unit;
  return n > 0 ? n : -1;
}

int RunToken(const TokenArgs& a) {
  std::string secret = a.secret;
  if (secret.empty()) {
    const char* env = std::getenv("SYMPHONY_AUTH_SECRET");
    if (env != nullptr) secret = env;
  }
  if (secret.empty()) {
    return Fail(kExitError,
                "no secret: set SYMPHONY_AUTH_SECRET (the server's auth_secret) or pass "
                "--secret. Tokens only work with the secret the server was started with");
  }
  if (a.access != "rw" && a.access != "r") {
    return Fail(kExitError,
                "--access must be rw (read-write) or r (read-only), not '" + a.access + "'");
  }
  const int64_t ttl = ParseTtl(a.ttl);
  if (ttl <= 0) {
    return Fail(kExitError,
                "--ttl must be a positive number of seconds (or with s, m, h or d: "
                "90, 15m, 12h, 7d), not '" +
                    a.ttl + "'");
  }
  if (a.room.empty()) return Fail(kExitError, "--room must not be empty (a name, or a prefix*)");
  server::auth::TokenClaims claims;
  claims.room = a.room;
  claims.access = a.access == "r" ? server::auth::Access::kRead : server::auth::Access::kReadWrite;
  claims.sub = a.user;
  claims.name = a.name;
  claims.iat = static_cast<int64_t>(std::time(nullptr));
  claims.exp = claims.iat + ttl;
  Result<std::string> token = server::auth::MintToken(claims, secret);
  if (!token.ok()) return Fail(kExitError, "cannot make the token: " + token.status().message());
  std::cout << token.value() << "\n";
  return kExitOk;
}

constexpr char kTokenFooter[] =
    R"TXT(Prints an HS256 JSON Web Token that `symphony serve` accepts when it runs with the same
secret (auth_secret / SYMPHONY_AUTH_SECRET). Claims: room, access ("rw" or "r"), sub (the user),
name, iat and exp. A room ending in '*' grants every room starting with what precedes it.
Clients send the token as ?token= (y-websocket) or as the Hocuspocus token. Prefer the
environment variable to --secret: flags are visible to other users in `ps`. See doc/auth.md.

Exit status: 0 ok (the token on stdout), 1 missing secret or bad option.

Examples:
  export SYMPHONY_AUTH_SECRET=$(cat /etc/symphony/secret)
  symphony token --room board-1 --access rw --user user-42 --name "Ada" --ttl 3600
  symphony token --room 'team-7/*' --access r --user viewer-9 --ttl 15m
  wscat -c "ws://127.0.0.1:8080/board-1?token=$(symphony token --room board-1 --access rw --user me)")TXT";

}  // namespace

void RegisterTokenCommand(CLI::App& app, CommandRunner* runner) {
  CLI::App* cmd = app.add_subcommand("token", "Mint a client token (JWT, HS256) for a room");
  cmd->footer(kTokenFooter);
  auto args = std::make_shared<TokenArgs>();
  cmd->add_option("--secret", args->secret,
                  "The server's auth secret [default: $SYMPHONY_AUTH_SECRET]")
      ->type_name("SECRET");
  cmd->add_option("--room", args->room, "Room name, or a prefix ending in '*'")
      ->required()
      ->type_name("ROOM");
  cmd->add_option("--access", args->access, "rw: read and write; r: read only")
      ->required()
      ->type_name("rw|r");
  cmd->add_option("--user", args->user, "User id (the sub claim)")->required()->type_name("ID");
  cmd->add_option("--name", args->name, "Display name shown to others")->type_name("NAME");
  cmd->add_option("--ttl", args->ttl,
                  "Lifetime in seconds, or with a unit: 90s, 15m, 12h, 7d [default: 3600]")
      ->type_name("SECONDS");
  cmd->callback([runner, args] { *runner = [args] { return RunToken(*args); }; });
}

}  // namespace symphony::cli
