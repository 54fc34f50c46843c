#!/usr/bin/env bash
# Before and after a change to the server or the load generator: the seed profile (rooms of 4,
# 1 stroke + 5 presence updates per second per user) against two builds of `symphony`, taking
# turns at every point so both see the same host, and the fan-out room likewise.
#   bash bench/before_after.sh OLD_BIN NEW_BIN            prints a Markdown table
#   AB_USERS="800 1600" AB_ROUNDS=2 AB_FANOUT=300 ...     the points, rounds, fan-out room size
# Each run: a fresh `OLD_BIN serve` or `NEW_BIN serve` (SQLite in a fresh data dir, default fsync)
# loaded by NEW_BIN's `symphony bench` (the "server" rows), then NEW_BIN's server loaded by
# OLD_BIN's bench and NEW_BIN's bench (the "bench" rows: the generator's own CPU for the same
# work). Raw JSON lines in build/bench/before_after/.
set -euo pipefail
cd "$(dirname "$0")/.."
old=${1:?usage: bench/before_after.sh OLD_BIN NEW_BIN}
new=${2:?usage: bench/before_after.sh OLD_BIN NEW_BIN}
users=${AB_USERS:-"800 1200 1600 2000"}
rounds=${AB_ROUNDS:-1}
fanout=${AB_FANOUT:-300}
out=build/bench/before_after
mkdir -p "$out"
raw="$out/$(date -u +%Y%m%dT%H%M%SZ).jsonl"
port=27600
tmp=$(mktemp -d)
server_pid=""
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2> /dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

start() {  # binary
  rm -rf "$tmp/data"
  port=$((port + 1))
  "$1" serve --host 127.0.0.1 --port "$port" --data-dir "$tmp/data" --static-dir none \
    --log-level info 2> "$tmp/serve.log" &
  server_pid=$!
  for _ in $(seq 100); do
    grep -q "listening" "$tmp/serve.log" 2> /dev/null && return 0
    sleep 0.1
  done
  echo "before_after: server did not start: $(tail -3 "$tmp/serve.log")" >&2
  exit 1
}
stop() {
  kill "$server_pid" 2> /dev/null || true
  wait "$server_pid" 2> /dev/null || true
  server_pid=""
  sleep 1
}
run() {  # label server_bin bench_bin bench-args...
  local label=$1 sbin=$2 bbin=$3
  shift 3
  start "$sbin"
  local json
  json=$(timeout 300 "$bbin" bench --url "ws://127.0.0.1:$port" --server-pid "$server_pid" --json "$@" \
    2> "$tmp/bench.err" | tail -1) || true
  stop
  [[ $json == "{"* ]] || json='{"error":"bench failed"}'
  echo "{\"label\":\"$label\",\"args\":\"$*\",\"result\":$json}" >> "$raw"
}

for ((r = 1; r <= rounds; r++)); do
  for u in $users; do
    seed=(--users "$u" --room-size 4 --doc-rate 1 --presence-rate 5 --ramp 5 --duration 10)
    run "server before" "$old" "$new" "${seed[@]}"
    run "server after" "$new" "$new" "${seed[@]}"
  done
  fan=(--users "$fanout" --room-size "$fanout" --doc-rate 1 --presence-rate 0 --ramp 3 --duration 10)
  run "fan-out server before" "$old" "$new" "${fan[@]}"
  run "fan-out server after" "$new" "$new" "${fan[@]}"
  seed=(--users 800 --room-size 4 --doc-rate 1 --presence-rate 5 --ramp 5 --duration 10)
  run "bench before" "$new" "$old" "${seed[@]}"
  run "bench after" "$new" "$new" "${seed[@]}"
done

node -e '
const fs = require("fs")
const rows = fs.readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean).map(l => JSON.parse(l))
const f = (v, d = 1) => v == null ? "-" : Number(v).toFixed(d)
console.log("| run | users | doc p50 / p99 ms | aw p99 ms | doc delivery | server CPU % | bench CPU % | host CPU % | server RSS MB |")
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for (const { label, result: x } of rows) {
  if (x.error) { console.log(`| ${label} | - | ${x.error} | | | | | | |`); continue }
  console.log(`| ${label} | ${x.users} | ${f(x.doc_p50_ms)} / ${f(x.doc_p99_ms)} | ${f(x.aw_p99_ms)} | ${f(x.doc_delivery, 3)} | ${f(x.server_cpu_pct, 0)} | ${f(x.bench_cpu_pct, 0)} | ${f(x.host_cpu_pct, 0)} | ${f(x.server_rss_peak_mb, 0)} |`)
}
' "$raw"
echo "raw: $raw" >&2
