#!/usr/bin/env bash
# The server out of file descriptors: started with a limit of 64 open files and offered 150
# connections, it must refuse the excess without spinning (accepting pauses, a warning is
# logged), keep serving the connections it has, and accept again once descriptors are free.
# About 15 s.
# Usage: tests/cli/fd_limit_cli_test.sh [path/to/symphony]   (default: $SYMPHONY_BIN or build/symphony)
set -u
cd "$(dirname "$0")/../.."
source tests/cli/lib.sh
cli_test_init fd_limit_cli_test "${1:-}"
if ! command -v prlimit > /dev/null; then
  skip "fd limit" "prlimit (util-linux) not installed"
  finish
fi
jget() { grep -o "\"$1\":[^,}]*" <<< "$2" | head -1 | cut -d: -f2; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }

prlimit --nofile=64:64 "$BIN" serve --port 0 --static-dir none --storage memory \
  --data "$TMP/data" 2> "$TMP/serve.log" &
SERVER_PID=$!
await_port || { fail "server start" "$(tail -5 "$TMP/serve.log")"; finish; }

# 150 users at once against 64 descriptors: most cannot be accepted.
"$BIN" bench --url "ws://127.0.0.1:$PORT" --users 150 --room-size 3 --ramp 0 --duration 4 \
  --connect-timeout 3 --json > "$TMP/storm.json" 2> "$TMP/storm.err" &
bench_pid=$!
sleep 1
t0=$(cpu_ticks)
sleep 2
t1=$(cpu_ticks)
hz=$(getconf CLK_TCK)
busy_pct=$(( (t1 - t0) * 100 / (2 * hz) ))
wait "$bench_pid"
json=$(cat "$TMP/storm.json")
connected=$(jget connected "$json")
errors=$(jget connect_errors "$json")
if [[ -n "$connected" && "$connected" -gt 0 && "$connected" -lt 150 && "$errors" -gt 0 ]]; then
  pass "over the limit: $connected of 150 connected, $errors refused or timed out"
else
  fail "over the limit" "connected=$connected connect_errors=$errors: $json $(tail -3 "$TMP/storm.err")"
fi
# Delivery counts receipts expected from full rooms, so it is below 1 here; what matters is that
# the connected users kept working: no drops, no protocol errors, replicas converged.
[[ $(jget unexpected_closes "$json") == "0" && $(jget protocol_errors "$json") == "0" &&
  $(jget converged "$json") == "true" && $(jget doc_received "$json") -gt 0 ]] \
  && pass "the connected users kept working" || fail "the connected users kept working" "$json"
((busy_pct < 50)) && pass "no busy loop while out of descriptors (server at ${busy_pct}% of a core)" \
  || fail "no busy loop while out of descriptors" "server at ${busy_pct}% of a core"
grep -q "accept failed; pausing" "$TMP/serve.log" && pass "the pause is logged" \
  || fail "the pause is logged" "$(tail -5 "$TMP/serve.log")"
n=$(grep -c "accept failed; pausing" "$TMP/serve.log")
((n < 100)) && pass "the warning is rate-limited ($n lines)" || fail "the warning is rate-limited" "$n lines"

# Descriptors are free again: new users connect and sync.
sleep 1
json=$("$BIN" bench --url "ws://127.0.0.1:$PORT" --users 12 --room-size 3 --duration 2 --ramp 0 \
  --json 2> "$TMP/after.err")
[[ $(jget connected "$json") == "12" && $(jget doc_delivery "$json") == "1.000000" ]] \
  && pass "accepts again once descriptors are free" \
  || fail "accepts again once descriptors are free" "$json $(tail -3 "$TMP/after.err")"
stop_server
finish
