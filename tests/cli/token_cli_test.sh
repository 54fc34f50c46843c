#!/usr/bin/env bash
# End-to-end tests of `symphony token` through the real binary: the token it prints is checked by
# an independent implementation (Node's crypto.createHmac), and every usage error exits 1 with a
# message saying how to fix it. When the server takes --auth-secret, a token is also tried on a
# real `symphony serve` (accepted for its room, refused for another). A few seconds.
# Usage: tests/cli/token_cli_test.sh [path/to/symphony]   (default: $SYMPHONY_BIN or build/symphony)
set -u
cd "$(dirname "$0")/../.."
source tests/cli/lib.sh
cli_test_init token_cli_test "${1:-}"
unset SYMPHONY_AUTH_SECRET

# Checks a token with Node's crypto (not libjwt): prints the claims as JSON, or "BAD <why>".
cat > "$TMP/check.mjs" <<'JS'
import { createHmac } from 'node:crypto'
const [token, secret] = process.argv.slice(2)
const parts = token.split('.')
if (parts.length !== 3) { console.log('BAD parts'); process.exit(0) }
const header = JSON.parse(Buffer.from(parts[0], 'base64url'))
const sig = createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest('base64url')
if (header.alg !== 'HS256') console.log('BAD alg ' + header.alg)
else if (sig !== parts[2]) console.log('BAD signature')
else console.log(Buffer.from(parts[1], 'base64url').toString())
JS
claim() { node -e 'const c=JSON.parse(process.argv[1]); const v=c[process.argv[2]]; console.log(v===undefined?"":v)' "$1" "$2"; }

# --- a token, checked independently
before=$(date +%s)
if "$BIN" token --secret s3cret --room board-1 --access rw --user user-42 --name "Ada L" --ttl 3600 \
    > "$TMP/out" 2> "$TMP/err"; then
  token=$(cat "$TMP/out")
  claims=$(node "$TMP/check.mjs" "$token" s3cret)
  if [[ "$claims" == BAD* ]]; then
    fail "token verifies with node:crypto" "$claims"
  else
    pass "token verifies with node:crypto"
    [[ "$(claim "$claims" room)" == board-1 && "$(claim "$claims" access)" == rw && \
       "$(claim "$claims" sub)" == user-42 && "$(claim "$claims" name)" == "Ada L" ]] \
      && pass "claims room, access, sub, name" || fail "claims room, access, sub, name" "$claims"
    iat=$(claim "$claims" iat)
    exp=$(claim "$claims" exp)
    [[ $((exp - iat)) -eq 3600 && $iat -ge $before && $iat -le $(($(date +%s) + 1)) ]] \
      && pass "iat is now, exp = iat + ttl" || fail "iat is now, exp = iat + ttl" "$claims"
  fi
  [[ $(wc -l < "$TMP/out") -eq 1 && ! -s "$TMP/err" ]] && pass "one line on stdout, nothing on stderr" \
    || fail "one line on stdout, nothing on stderr" "$(cat "$TMP/err")"
  [[ "$(node "$TMP/check.mjs" "$token" wrong)" == "BAD signature" ]] && pass "other secret does not verify" \
    || fail "other secret does not verify"
else
  fail "token exit status" "$(cat "$TMP/err")"
fi

# --- secret from the environment, read-only, prefix room, ttl with a unit
token=$(SYMPHONY_AUTH_SECRET=from-env "$BIN" token --room 'team-7/*' --access r --user u7 --ttl 15m 2> "$TMP/err")
claims=$(node "$TMP/check.mjs" "$token" from-env)
[[ "$claims" != BAD* && "$(claim "$claims" access)" == r && "$(claim "$claims" room)" == 'team-7/*' ]] \
  && pass "SYMPHONY_AUTH_SECRET, access r, prefix room" || fail "SYMPHONY_AUTH_SECRET, access r, prefix room" "$claims $(cat "$TMP/err")"
[[ "$claims" != BAD* && $(( $(claim "$claims" exp) - $(claim "$claims" iat) )) -eq 900 ]] \
  && pass "--ttl 15m is 900 s" || fail "--ttl 15m is 900 s" "$claims"
[[ "$claims" != BAD* && -z "$(claim "$claims" name)" ]] && pass "no name claim without --name" \
  || fail "no name claim without --name" "$claims"
# The flag wins over the environment.
token=$(SYMPHONY_AUTH_SECRET=from-env "$BIN" token --secret from-flag --room r --access rw --user u 2> /dev/null)
[[ "$(node "$TMP/check.mjs" "$token" from-flag)" != BAD* ]] && pass "--secret wins over the environment" \
  || fail "--secret wins over the environment"
claims=$(node "$TMP/check.mjs" "$token" from-flag)
[[ $(( $(claim "$claims" exp) - $(claim "$claims" iat) )) -eq 3600 ]] && pass "default ttl 3600" \
  || fail "default ttl 3600" "$claims"

# --- usage errors: exit 1, one message saying how to fix it
expect_error() {
  local name=$1 pattern=$2
  shift 2
  "$BIN" token "$@" > "$TMP/out" 2> "$TMP/err"
  local rc=$?
  if [[ $rc -eq 1 && ! -s "$TMP/out" ]] && grep -q -- "$pattern" "$TMP/err"; then
    pass "$name"
  else
    fail "$name" "rc=$rc $(cat "$TMP/err")"
  fi
}
expect_error "missing secret" "SYMPHONY_AUTH_SECRET" --room r --access rw --user u
SYMPHONY_AUTH_SECRET= expect_error "empty secret variable" "SYMPHONY_AUTH_SECRET" --room r --access rw --user u
expect_error "bad access" "rw (read-write) or r (read-only)" --secret s --room r --access admin --user u
expect_error "ttl 0" "positive number of seconds" --secret s --room r --access rw --user u --ttl 0
expect_error "ttl -5" "positive number of seconds" --secret s --room r --access rw --user u --ttl -5
expect_error "ttl abc" "positive number of seconds" --secret s --room r --access rw --user u --ttl abc
expect_error "missing --room" "--room" --secret s --access rw --user u
expect_error "missing --user" "--user" --secret s --room r --access rw
expect_error "empty room" "--room must not be empty" --secret s --room "" --access rw --user u

# --- help
"$BIN" token --help > "$TMP/help" 2>&1 && grep -q "Examples" "$TMP/help" && grep -q -- "--ttl" "$TMP/help" \
  && grep -q "SYMPHONY_AUTH_SECRET" "$TMP/help" && pass "token --help" || fail "token --help" "$(head -5 "$TMP/help")"
"$BIN" --help | grep -q "token" && pass "listed in symphony --help" || fail "listed in symphony --help"

# --- a real server with the same secret (when this build's server does auth)
if "$BIN" serve --help 2> /dev/null | grep -q -- "--auth-secret"; then
  SYMPHONY_AUTH_SECRET=srv-secret "$BIN" serve --port 0 --storage memory --static-dir none \
    2> "$TMP/serve.log" &
  SERVER_PID=$!
  if ! await_port; then
    fail "server start" "$(tail -5 "$TMP/serve.log")"
  else
    good=$(SYMPHONY_AUTH_SECRET=srv-secret "$BIN" token --room board-1 --access rw --user u --ttl 60)
    bad=$(SYMPHONY_AUTH_SECRET=other "$BIN" token --room board-1 --access rw --user u --ttl 60)
    # Prints "open" or the HTTP status of the refused upgrade.
    cat > "$TMP/ws.cjs" <<'JS'
const WebSocket = require(process.cwd() + '/node_modules/ws')
const ws = new WebSocket(process.argv[2])
const done = (s) => { console.log(s); process.exit(0) }
ws.on('open', () => { ws.close(); done('open') })
ws.on('unexpected-response', (req, res) => done(String(res.statusCode)))
ws.on('error', (e) => done('error ' + e.message))
setTimeout(() => done('timeout'), 5000)
JS
    base="ws://127.0.0.1:$PORT"
    [[ "$(node "$TMP/ws.cjs" "$base/board-1?token=$good")" == open ]] && pass "server accepts the token" \
      || fail "server accepts the token" "$(node "$TMP/ws.cjs" "$base/board-1?token=$good")"
    r=$(node "$TMP/ws.cjs" "$base/board-1?token=$bad")
    [[ "$r" == 401 ]] && pass "server refuses another secret's token (401)" || fail "server refuses another secret's token (401)" "$r"
    r=$(node "$TMP/ws.cjs" "$base/board-2?token=$good")
    [[ "$r" == 403 ]] && pass "server refuses the token for another room (403)" || fail "server refuses the token for another room (403)" "$r"
  fi
else
  skip "server check" "this build's serve has no --auth-secret yet"
fi

finish
