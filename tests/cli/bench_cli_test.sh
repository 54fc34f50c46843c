#!/usr/bin/env bash
# End-to-end test of `symphony bench` against a real `symphony serve --storage memory` on a free
# port: y-websocket and Hocuspocus runs must deliver everything, converge and report the
# server's CPU and RSS; bad targets and options fail cleanly. About 25 s.
# Usage: tests/cli/bench_cli_test.sh [path/to/symphony]   (default: $SYMPHONY_BIN or build/symphony)
# Skips (exit 0) when the binary has no `serve` command.
set -u
cd "$(dirname "$0")/../.."
source tests/cli/lib.sh
cli_test_init bench_cli_test "${1:-}"
if ! "$BIN" serve --help > /dev/null 2>&1; then
  echo "bench_cli_test: skipped: '$BIN serve --help' failed (no server in this build)"
  echo "0 passed, 0 failed"
  exit 0
fi
# The value of a top-level key in a one-line JSON object of numbers, booleans and null.
jget() { grep -o "\"$1\":[^,}]*" <<< "$2" | head -1 | cut -d: -f2; }

# --- usage errors and refused targets (no server needed)
if "$BIN" bench --help > "$TMP/help" 2>&1 && grep -q -- "--room-size" "$TMP/help"; then
  pass "bench --help"
else
  fail "bench --help" "$(head -5 "$TMP/help")"
fi
"$BIN" bench --url ws://10.11.12.13:80 --users 1 --duration 1 > /dev/null 2> "$TMP/err"
[[ $? -eq 1 ]] && grep -q -- "--allow-remote" "$TMP/err" && pass "non-loopback host refused" \
  || fail "non-loopback host refused" "$(cat "$TMP/err")"
"$BIN" bench --url ws://127.0.0.1:1 --users 0 > /dev/null 2> "$TMP/err"
[[ $? -eq 1 ]] && grep -q -- "--users" "$TMP/err" && pass "--users 0 refused" \
  || fail "--users 0 refused" "$(cat "$TMP/err")"
"$BIN" bench --url wss://127.0.0.1:1 > /dev/null 2> "$TMP/err"
[[ $? -eq 1 ]] && pass "wss refused" || fail "wss refused" "$(cat "$TMP/err")"

# --- start the server on a free port (port 0; the log says which)
start_server --storage memory --data "$TMP/data"

# Asserts a full-delivery, converged, error-free run with server figures.
check_run() {
  local name=$1 users=$2 json=$3
  local lines
  lines=$(wc -l <<< "$json")
  [[ "$lines" -eq 1 && "$json" == "{"*"}" ]] || { fail "$name: one JSON line" "$json"; return; }
  local bad=""
  [[ "$(jget users "$json")" == "$users" ]] || bad+=" users"
  [[ "$(jget connected "$json")" == "$users" ]] || bad+=" connected"
  [[ "$(jget doc_delivery "$json")" == "1.000000" ]] || bad+=" doc_delivery"
  [[ "$(jget aw_delivery "$json")" == "1.000000" ]] || bad+=" aw_delivery"
  [[ "$(jget doc_received "$json")" == "$(jget doc_expected "$json")" ]] || bad+=" doc_received"
  [[ "$(jget doc_sent "$json")" -gt 0 ]] || bad+=" doc_sent"
  [[ "$(jget acks "$json")" == "$(jget doc_sent "$json")" ]] || bad+=" acks"
  [[ "$(jget converged "$json")" == "true" ]] || bad+=" converged"
  [[ "$(jget errors "$json")" == "0" ]] || bad+=" errors"
  for k in doc_p99_ms aw_p99_ms ack_p99_ms connect_p99_ms connect_all_ms server_cpu_pct \
    server_rss_peak_mb bench_cpu_pct; do
    [[ "$(jget "$k" "$json")" =~ ^[0-9]+\.[0-9]+$ ]] || bad+=" $k"
  done
  [[ -z "$bad" ]] && pass "$name" || fail "$name" "bad:$bad in $json"
}

# --- y-websocket: 40 users in rooms of 4, 10 s
json=$("$BIN" bench --url "ws://127.0.0.1:$PORT" --users 40 --room-size 4 --doc-rate 1 \
  --presence-rate 5 --duration 10 --ramp 2 --server-pid "$SERVER_PID" --json 2> "$TMP/err")
[[ $? -eq 0 ]] || fail "yws run exit status" "$(cat "$TMP/err")"
check_run "yws: 40 users, full delivery, converged" 40 "$json"

# --- Hocuspocus: 20 users in rooms of 5, 4 s
json=$("$BIN" bench --url "ws://127.0.0.1:$PORT/hocuspocus" --protocol hocuspocus --token t \
  --users 20 --room-size 5 --duration 4 --ramp 1 --server-pid "$SERVER_PID" --json 2> "$TMP/err")
[[ $? -eq 0 ]] || fail "hocuspocus run exit status" "$(cat "$TMP/err")"
check_run "hocuspocus: 20 users, full delivery, converged" 20 "$json"

# --- the table, a fixed room prefix, a room of one (nothing expected: delivery is '-')
"$BIN" bench --url "ws://127.0.0.1:$PORT" --users 3 --room-size 2 --duration 1 --ramp 0 \
  --room-prefix cli-test- > "$TMP/table" 2> "$TMP/err"
if [[ $? -eq 0 ]] && grep -q "converged     yes" "$TMP/table" && grep -q "3/3" "$TMP/table" &&
  grep -q "cli-test-0" "$TMP/err"; then
  pass "table output"
else
  fail "table output" "$(cat "$TMP/table" "$TMP/err")"
fi

# --- nobody listening: every user fails to connect, exit status 1, report still printed
stop_server
json=$("$BIN" bench --url "ws://127.0.0.1:$PORT" --users 2 --duration 1 --ramp 0 --drain 0 \
  --connect-timeout 2 --json 2> "$TMP/err")
status=$?
if [[ $status -eq 1 && "$(jget connect_errors "$json")" == "2" && "$(jget connected "$json")" == "0" ]] &&
  grep -q "no user connected" "$TMP/err"; then
  pass "no server: connect errors, exit 1"
else
  fail "no server: connect errors, exit 1" "status $status: $json $(cat "$TMP/err")"
fi

finish
