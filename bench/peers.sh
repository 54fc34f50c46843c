#!/usr/bin/env bash
# Symphony beside the reference servers, one after another on this machine, same load:
#   bash bench/peers.sh                 full run (about 15 minutes); rewrites the server section
#                                       of bench/RESULTS.md
#   PEERS_QUICK=1 bash bench/peers.sh   self-test at tiny sizes (about 2 minutes); writes
#                                       build/bench/peers/RESULTS.quick.md, not bench/RESULTS.md
# Servers (PEERS_ONLY, comma-separated; default all):
#   ywebsocket           @y/websocket-server (node_modules/@y/websocket-server/src/server.js)
#   hocuspocus           @hocuspocus/server v4 (tests/server/ref/hocuspocus-server.mjs)
#   symphony             symphony serve, SQLite storage in a fresh data dir, y-websocket
#   symphony-hocuspocus  the same server, Hocuspocus protocol at /hocuspocus
# Scenarios (PEERS_SCENARIOS, comma-separated; default all): sweep, seed, storm, fanout, cold.
# Other knobs: PEERS_USERS="400 800 ..." (sweep points), PEERS_SWEEP_ALL=1 (do not skip the
# points above a server's saturation), SYMPHONY_BIN (default build/symphony),
# PEERS_SYMPHONY_ARGS (extra `symphony serve` flags), PEERS_PORT_BASE (default 27700),
# PEERS_FANOUT_DOC_RATE (strokes per second per user in the fan-out, default 1),
# PEERS_FANOUT_REPLICAS (fan-out users keeping a full replica, default 10; 0: all),
# PEERS_RESULTS (the Markdown file to write). Only a full run with every server and scenario
# and no overrides rewrites bench/RESULTS.md; other full runs write
# build/bench/peers/RESULTS.partial.md.
# What each scenario is, and how to read the figures: doc/bench.md, "Comparing with the peers".
#
# Every server is a fresh process on 127.0.0.1 with its own port, stopped (SIGTERM, then
# SIGKILL) before the next one starts. Raw results: build/bench/peers/<run>/results.jsonl (one
# JSON object per run: the scenario, the server and the bench's own JSON line), server and bench
# logs beside it; bench/render_peers.mjs renders them.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=${PEERS_QUICK:-0}
[[ $quick == 0 || $quick == 1 ]] || { echo "peers.sh: PEERS_QUICK must be 0 or 1" >&2; exit 1; }
all_servers=ywebsocket,hocuspocus,symphony,symphony-hocuspocus
all_scenarios=sweep,seed,storm,fanout,cold
servers=${PEERS_ONLY:-$all_servers}
scenarios=${PEERS_SCENARIOS:-$all_scenarios}
symphony_src=${SYMPHONY_BIN:-build/symphony}
read -r -a symphony_args <<< "${PEERS_SYMPHONY_ARGS:-}"
# Below the ephemeral range (ip_local_port_range, usually 32768-60999): the bench's own client
# sockets take ports from that range, and one of them lingering in TIME_WAIT on the port a
# server is about to bind makes the bind fail.
port=${PEERS_PORT_BASE:-27700}

for s in ${servers//,/ }; do
  [[ ,$all_servers, == *",$s,"* ]] || { echo "peers.sh: unknown server '$s' (one of $all_servers)" >&2; exit 1; }
done
for s in ${scenarios//,/ }; do
  [[ ,$all_scenarios, == *",$s,"* ]] || { echo "peers.sh: unknown scenario '$s' (one of $all_scenarios)" >&2; exit 1; }
done
has() { [[ ,$1, == *",$2,"* ]]; }

# Sizes. Full: the profile of the targets. Quick: the same steps at sizes that finish fast.
if [[ $quick == 1 ]]; then
  sweep_users=${PEERS_USERS:-"20 40"}; ramp=1; duration=3
  seed_users=40; seed_ramp=1; seed_duration=3
  storm_users=200; fanout_users=50; cold_bytes=1000000
else
  sweep_users=${PEERS_USERS:-"400 800 1200 1600 2400"}; ramp=5; duration=10
  # 20,000 users need 20,000 sockets in the server and in the bench, plus their other files: on
  # a host whose per-process open-file cap (ulimit -Hn) is near 20,000 the run is cut to what
  # fits, in whole rooms, and the target row says so.
  seed_users=20000; seed_ramp=20; seed_duration=10
  nofile=$(ulimit -Hn)
  if [[ $nofile != unlimited ]] && ((nofile - 200 < seed_users)); then
    seed_users=$(( (nofile - 200) / 4 * 4 ))
    echo "peers: open-file cap $nofile: the seed run uses $seed_users users, not 20000" >&2
  fi
  storm_users=5000; fanout_users=500; cold_bytes=10000000
fi
fanout_rate=${PEERS_FANOUT_DOC_RATE:-1}
# Users of the fan-out room that keep a full replica; the others decode and measure every update
# without keeping the document (symphony bench --replicas), so that one 2-core host can drive the
# room: 500 full replicas integrating 250,000 updates a second measure the generator instead.
fanout_replicas=${PEERS_FANOUT_REPLICAS:-10}
cold_runs=3

# Only a complete full run may replace the section of bench/RESULTS.md: every figure there
# comes from one run of every server.
if [[ $quick == 1 ]]; then
  out_md=build/bench/peers/RESULTS.quick.md
elif [[ $servers == "$all_servers" && $scenarios == "$all_scenarios" && -z ${PEERS_USERS:-} &&
        -z ${PEERS_SYMPHONY_ARGS:-} && -z ${PEERS_FANOUT_DOC_RATE:-} &&
        -z ${PEERS_FANOUT_REPLICAS:-} ]]; then
  out_md=bench/RESULTS.md
else
  out_md=build/bench/peers/RESULTS.partial.md
fi
out_md=${PEERS_RESULTS:-$out_md}

# --- setup --------------------------------------------------------------------------------
if [[ ! -f node_modules/@y/websocket-server/package.json || ! -f node_modules/@hocuspocus/server/package.json ||
      ! -f node_modules/yjs/package.json || ! -f node_modules/ws/package.json ]]; then
  echo "installing the peers (npm ci) ..." >&2
  npm ci --no-audit --no-fund >&2
fi
if [[ ! -x $symphony_src ]]; then
  [[ $symphony_src == build/symphony ]] || { echo "peers.sh: SYMPHONY_BIN=$symphony_src is not executable" >&2; exit 1; }
  echo "building the release binary (scripts/build.sh release) ..." >&2
  bash scripts/build.sh release >&2
fi
command -v timeout >/dev/null || { echo "peers.sh: needs timeout (coreutils)" >&2; exit 1; }

stamp=$(date -u +%Y%m%dT%H%M%SZ)
run_dir=build/bench/peers/$stamp
[[ $quick == 0 ]] || run_dir+=-quick
mkdir -p "$run_dir/logs"
results=$run_dir/results.jsonl
: > "$results"
tmp=$(mktemp -d /tmp/symphony-peers.XXXXXX)
# One copy of the binary for the whole run: another build into build/ cannot change it halfway.
symphony=$tmp/symphony
cp "$symphony_src" "$symphony"
server_pid=

cleanup() {
  if [[ -n $server_pid ]]; then stop_server; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Sockets for 20,000 users on each side: as many descriptors as the hard limit allows.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

PEERS_CMD="$(env | grep -E '^(PEERS_[A-Z_]+|SYMPHONY_BIN)=' | sort | tr '\n' ' ')bash bench/peers.sh" \
PEERS_COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown) \
PEERS_DIRTY=$(git status --porcelain -- src CMakeLists.txt 2>/dev/null | wc -l) \
PEERS_BIN_MTIME=$(date -u -r "$symphony_src" +%Y-%m-%dT%H:%M:%SZ) \
PEERS_DATA_FS=$(df -T "$tmp" | awk 'NR == 2 { print $2 }') \
  node -e '
    const e = process.env
    console.log(JSON.stringify({
      command: e.PEERS_CMD, commit: e.PEERS_COMMIT, src_files_changed: Number(e.PEERS_DIRTY),
      started: new Date().toISOString().slice(0, 19) + "Z", quick: process.argv[1] === "1",
      symphony_bin: process.argv[2], symphony_bin_mtime: e.PEERS_BIN_MTIME,
      symphony_args: process.argv[3], servers: process.argv[4], scenarios: process.argv[5],
      open_files: Number(process.argv[6]), data_dir: process.argv[7], data_fs: e.PEERS_DATA_FS
    }))
  ' "$quick" "$symphony_src" "${PEERS_SYMPHONY_ARGS:-}" "$servers" "$scenarios" "$(ulimit -n)" "$tmp" > "$run_dir/meta.json"
echo "peers: results in $run_dir" >&2

# --- servers ------------------------------------------------------------------------------
listening() { timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

next_port() {
  local i
  for ((i = 0; i < 200; i++)); do
    port=$((port + 1))
    listening "$port" || return 0
  done
  echo "peers.sh: no free port near $port" >&2
  exit 1
}

# start_server NAME LOG [cold DOCFILE ROOM]: a fresh process on a fresh port (three tries, in
# case a port turns out to be taken). Sets server_pid, url, protocol. Returns 1 (with the log's
# tail on stderr) if no try listens within 20 s.
start_server() {
  local try
  for try in 1 2 3; do
    start_server_once "$@" && return 0
    [[ $try == 3 ]] || echo "peers: retrying on another port" >&2
  done
  return 1
}

start_server_once() {
  local name=$1 log=$2 mode=${3:-} doc=${4:-} room=${5:-} i data
  next_port
  case $name in
    ywebsocket)
      url=ws://127.0.0.1:$port; protocol=yws
      if [[ $mode == cold ]]; then
        (exec env -u YPERSISTENCE -u CALLBACK_URL HOST=127.0.0.1 PORT="$port" PEERS_DOC_ROOM="$room" \
          PEERS_DOC_FILE="$doc" node bench/peers/ywebsocket-persist.mjs) > "$log" 2>&1 &
      else
        (exec env -u YPERSISTENCE -u CALLBACK_URL HOST=127.0.0.1 PORT="$port" \
          node node_modules/@y/websocket-server/src/server.js) > "$log" 2>&1 &
      fi ;;
    hocuspocus)
      url=ws://127.0.0.1:$port/hocuspocus; protocol=hocuspocus
      if [[ $mode == cold ]]; then
        (exec node bench/peers/hocuspocus-persist.mjs --host 127.0.0.1 --port "$port" --room "$room" \
          --file "$doc") > "$log" 2>&1 &
      else
        (exec node tests/server/ref/hocuspocus-server.mjs --host 127.0.0.1 --port "$port") > "$log" 2>&1 &
      fi ;;
    symphony | symphony-hocuspocus)
      url=ws://127.0.0.1:$port; protocol=yws
      [[ $name == symphony-hocuspocus ]] && { url=$url/hocuspocus; protocol=hocuspocus; }
      data=$tmp/data-$port
      rm -rf "$data"
      if [[ $mode == cold ]]; then
        "$symphony" import "$room" "$doc" --data "$data" >> "$log" 2>&1 || { echo "peers: import failed, see $log" >&2; return 1; }
      fi
      (exec "$symphony" serve --host 127.0.0.1 --port "$port" --data-dir "$data" --static-dir none \
        --log-level warn "${symphony_args[@]}") >> "$log" 2>&1 & ;;
  esac
  server_pid=$!
  for ((i = 0; i < 100; i++)); do
    if ! kill -0 "$server_pid" 2>/dev/null; then
      echo "peers: $name exited at start; log $log:" >&2; tail -5 "$log" >&2
      wait "$server_pid" 2>/dev/null || true
      server_pid=; return 1
    fi
    if listening "$port"; then
      # --server-pid must name the server itself, not a shell around it.
      [[ $(cat "/proc/$server_pid/comm" 2>/dev/null) != bash ]] ||
        echo "peers: warning: pid $server_pid is a shell, server CPU and RSS will be wrong" >&2
      return 0
    fi
    sleep 0.2
  done
  echo "peers: $name did not listen on $port within 20 s" >&2
  stop_server
  return 1
}

# SIGTERM, up to 15 s for a clean exit (Symphony flushes and snapshots), then SIGKILL; then
# up to 10 s for the port to close.
stop_server() {
  local i
  kill -TERM "$server_pid" 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    listening "$port" || break
    sleep 0.1
  done
  server_pid=
}

# --- one bench run ------------------------------------------------------------------------
# bench_run SCENARIO SERVER [bench flags...]: starts the server, runs the bench against it,
# appends one line to results.jsonl, stops the server. Sets last_json (the bench's JSON, or "").
bench_run() {
  local scenario=$1 name=$2; shift 2
  local tag users=0 a ct=10 ramp_s=2 dur=10 drain=5 out rc load
  for ((a = 1; a <= $#; a++)); do
    case ${!a} in
      --users) ((a++)); users=${!a} ;;
      --connect-timeout) ((a++)); ct=${!a} ;;
      --ramp) ((a++)); ramp_s=${!a} ;;
      --duration) ((a++)); dur=${!a} ;;
      --drain) ((a++)); drain=${!a} ;;
    esac
  done
  tag=$scenario-$name-$users
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  last_json=
  if ! start_server "$name" "$run_dir/logs/$tag.server.log"; then
    node bench/peers/record.mjs run "$scenario" "$name" "$users" "$load" -1 0 "" "" >> "$results"
    return 0
  fi
  # Connect, steady, drain and close phases are each bounded by the bench; this is a backstop.
  local limit=$((ramp_s + 2 * ct + dur + drain + 60))
  set +e
  out=$(timeout -k 5 "$limit" "$symphony" bench --url "$url" --protocol "$protocol" --server-pid "$server_pid" \
    --json "$@" 2> "$run_dir/logs/$tag.bench.log")
  rc=$?
  set -e
  stop_server
  out=$(printf '%s\n' "$out" | grep '^{' | tail -1 || true)
  last_json=$out
  node bench/peers/record.mjs run "$scenario" "$name" "$users" "$load" "$rc" "$limit" "$out" \
    "$run_dir/logs/$tag.bench.log" >> "$results"
}

# A sweep point is saturated when it is far past any latency target: the larger points would
# only take minutes to say the same (PEERS_SWEEP_ALL=1 runs them anyway).
saturated() { node bench/peers/record.mjs saturated "$1"; }

# --- scenarios ----------------------------------------------------------------------------
started=$SECONDS

if has "$scenarios" sweep; then
  echo "sweep: rooms of 4, 1 stroke + 5 presence/s per user, users $sweep_users" >&2
  declare -A saturated_at=()
  for users in $sweep_users; do
    for name in ${servers//,/ }; do
      if [[ -n ${saturated_at[$name]:-} && ${PEERS_SWEEP_ALL:-0} != 1 ]]; then
        node bench/peers/record.mjs skip sweep "$name" "$users" "${saturated_at[$name]}" >> "$results"
        continue
      fi
      bench_run sweep "$name" --users "$users" --room-size 4 --doc-rate 1 --presence-rate 5 \
        --ramp "$ramp" --duration "$duration" --drain 5 --connect-timeout 10
      saturated "$last_json" && saturated_at[$name]=$users
    done
  done
fi

if has "$scenarios" seed; then
  echo "seed: $seed_users users in rooms of 4" >&2
  for name in ${servers//,/ }; do
    bench_run seed "$name" --users "$seed_users" --room-size 4 --doc-rate 1 --presence-rate 5 \
      --ramp "$seed_ramp" --duration "$seed_duration" --drain 5 --connect-timeout 10
  done
fi

if has "$scenarios" storm; then
  echo "storm: $storm_users users at once" >&2
  for name in ${servers//,/ }; do
    bench_run storm "$name" --users "$storm_users" --room-size 4 --doc-rate 0.2 --presence-rate 0.5 \
      --ramp 0 --duration 3 --drain 3 --connect-timeout 30
  done
fi

if has "$scenarios" fanout; then
  echo "fanout: one room of $fanout_users users, $fanout_rate stroke/s each, $fanout_replicas replicas" >&2
  for name in ${servers//,/ }; do
    bench_run fanout "$name" --users "$fanout_users" --room-size "$fanout_users" --replicas "$fanout_replicas" \
      --doc-rate "$fanout_rate" \
      --presence-rate 0 --ramp "$ramp" --duration "$duration" --drain 5 --connect-timeout 10
  done
fi

if has "$scenarios" cold; then
  doc=build/bench/cold-$cold_bytes.update
  echo "cold: generating or reusing $doc ..." >&2
  node bench/cold_start.mjs generate --bytes "$cold_bytes" --out "$doc" > "$run_dir/cold-doc.json"
  for name in ${servers//,/ }; do
    for ((r = 1; r <= cold_runs; r++)); do
      tag=cold-$name-$r
      if ! start_server "$name" "$run_dir/logs/$tag.server.log" cold "$doc" cold-room; then
        node bench/peers/record.mjs cold "$name" "$r" "" "server did not start" >> "$results"
        continue
      fi
      set +e
      out=$(timeout -k 5 90 node bench/cold_start.mjs measure --url "$url" --protocol "$protocol" \
        --room cold-room --doc "$doc" --timeout-ms 60000 2> "$run_dir/logs/$tag.client.log")
      set -e
      stop_server
      out=$(printf '%s\n' "$out" | grep '^{' | tail -1 || true)
      node bench/peers/record.mjs cold "$name" "$r" "$out" "client printed no result, see $run_dir/logs/$tag.client.log" >> "$results"
    done
  done
fi

elapsed=$((SECONDS - started))
echo "peers: finished in ${elapsed} s" >&2
cp "$results" build/bench/peers/latest.jsonl
node bench/render_peers.mjs "$run_dir" --elapsed "$elapsed" --out "$out_md"
