#!/usr/bin/env bash
# End-to-end tests of `symphony dashboard` against a real `symphony serve` on a free port: the
# address printed (from --url, ./symphony.toml or SYMPHONY_PORT; with ?token= when there is an
# admin token), whether the server is up, whether it takes the token, and --open through a
# stand-in xdg-open. A few seconds.
# Usage: tests/cli/dashboard_cli_test.sh [path/to/symphony]   (default: $SYMPHONY_BIN or build/symphony)
set -u
cd "$(dirname "$0")/../.."
source tests/cli/lib.sh
cli_test_init dashboard_cli_test "${1:-}"
unset SYMPHONY_ADMIN_TOKEN SYMPHONY_PORT SYMPHONY_HOST
SERVE_ARGS=(--storage memory)

run() { (cd "$TMP/cwd" && "$BIN" dashboard "$@" > "$TMP/out" 2> "$TMP/err"); }
mkdir -p "$TMP/cwd"

# --- no server
run --url http://127.0.0.1:1
rc=$?
[[ $rc -eq 1 ]] && grep -q '^dashboard  http://127.0.0.1:1/dashboard$' "$TMP/out" && grep -q "not reachable" "$TMP/out" \
  && grep -q "symphony serve" "$TMP/out" && pass "server down: address printed, exit 1, says how to start it" \
  || fail "server down: address printed, exit 1, says how to start it" "rc=$rc $(cat "$TMP/out" "$TMP/err")"
run --url ftp://x
[[ $? -eq 1 ]] && grep -q "http://" "$TMP/err" && pass "bad --url: exit 1" || fail "bad --url: exit 1" "$(cat "$TMP/err")"

# --- an open server
start_server
run --url "http://127.0.0.1:$PORT"
rc=$?
[[ $rc -eq 0 ]] && grep -q "^dashboard  http://127.0.0.1:$PORT/dashboard$" "$TMP/out" && grep -q "^server     up" "$TMP/out" \
  && pass "server up: exit 0" || fail "server up: exit 0" "rc=$rc $(cat "$TMP/out" "$TMP/err")"
printf 'port = %s\n' "$PORT" > "$TMP/cwd/symphony.toml"
run
[[ $? -eq 0 ]] && grep -q "^dashboard  http://127.0.0.1:$PORT/dashboard$" "$TMP/out" \
  && pass "host and port from ./symphony.toml" || fail "host and port from ./symphony.toml" "$(cat "$TMP/out" "$TMP/err")"
rm "$TMP/cwd/symphony.toml"
SYMPHONY_PORT=$PORT run
[[ $? -eq 0 ]] && grep -q "127.0.0.1:$PORT/dashboard" "$TMP/out" && pass "port from SYMPHONY_PORT" \
  || fail "port from SYMPHONY_PORT" "$(cat "$TMP/out" "$TMP/err")"
printf 'port = "not a port"\n' > "$TMP/cwd/symphony.toml"
run
[[ $? -eq 1 ]] && grep -q "port" "$TMP/err" && pass "bad ./symphony.toml: exit 1 with the config error" \
  || fail "bad ./symphony.toml: exit 1 with the config error" "$(cat "$TMP/err")"
rm "$TMP/cwd/symphony.toml"

# --- --open: a stand-in xdg-open records what it was given
mkdir -p "$TMP/bin"
printf '#!/bin/sh\necho "$1" > "%s/opened"\n' "$TMP" > "$TMP/bin/xdg-open"
chmod +x "$TMP/bin/xdg-open"
PATH="$TMP/bin:$PATH" run --url "http://127.0.0.1:$PORT" --open
for _ in $(seq 1 50); do [[ -s "$TMP/opened" ]] && break; sleep 0.1; done
[[ "$(cat "$TMP/opened" 2> /dev/null)" == "http://127.0.0.1:$PORT/dashboard" ]] && pass "--open runs xdg-open with the address" \
  || fail "--open runs xdg-open with the address" "$(cat "$TMP/opened" 2> /dev/null) $(cat "$TMP/err")"
PATH="/nonexistent" run --url "http://127.0.0.1:$PORT" --open
grep -q "xdg-open is not installed" "$TMP/err" && pass "--open without xdg-open says so" \
  || fail "--open without xdg-open says so" "$(cat "$TMP/err")"
stop_server

# --- a server with an admin token
start_server --admin-token 's3cret&/x'
run --url "http://127.0.0.1:$PORT"
[[ $? -eq 1 ]] && grep -q "needs an admin token" "$TMP/out" && grep -q -- "--admin-token" "$TMP/out" \
  && pass "no token: exit 1, says how" || fail "no token: exit 1, says how" "$(cat "$TMP/out")"
run --url "http://127.0.0.1:$PORT" --admin-token wrong
[[ $? -eq 1 ]] && grep -q "refused this admin token" "$TMP/out" && pass "wrong token: exit 1" \
  || fail "wrong token: exit 1" "$(cat "$TMP/out")"
SYMPHONY_ADMIN_TOKEN='s3cret&/x' run --url "http://127.0.0.1:$PORT"
rc=$?
[[ $rc -eq 0 ]] && grep -q "^dashboard  http://127.0.0.1:$PORT/dashboard?token=s3cret%26%2Fx$" "$TMP/out" \
  && pass "SYMPHONY_ADMIN_TOKEN: exit 0, token percent-encoded in the address" \
  || fail "SYMPHONY_ADMIN_TOKEN: exit 0, token percent-encoded in the address" "rc=$rc $(cat "$TMP/out")"
printf 'port = %s\nadmin_token = "s3cret&/x"\n' "$PORT" > "$TMP/cwd/symphony.toml"
run
[[ $? -eq 0 ]] && grep -q "?token=s3cret%26%2Fx$" "$TMP/out" && pass "admin_token from ./symphony.toml" \
  || fail "admin_token from ./symphony.toml" "$(cat "$TMP/out" "$TMP/err")"
rm "$TMP/cwd/symphony.toml"
# The printed address signs the browser in: the server answers with the admin cookie.
url=$(sed -n 's/^dashboard  //p' "$TMP/out")
curl -s -i "$url" | grep -qi '^set-cookie: symphony_admin=' && pass "the address signs in (cookie set)" \
  || fail "the address signs in (cookie set)" "$url"
stop_server

"$BIN" dashboard --help > "$TMP/help" 2>&1 && grep -q "Examples" "$TMP/help" && grep -q -- "--open" "$TMP/help" \
  && grep -q "SYMPHONY_ADMIN_TOKEN" "$TMP/help" && pass "dashboard --help" || fail "dashboard --help" "$(head -5 "$TMP/help")"

finish
