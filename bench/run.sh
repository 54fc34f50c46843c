#!/usr/bin/env bash
# The CRDT engine benchmark, ours and Yjs's, in one run on this machine:
#   bash bench/run.sh            -> prints the table and rewrites the engine section of bench/RESULTS.md
# Yjs (bench/yjs_bench.mjs) runs first and writes the exact inputs (the B4 updates and the
# B4x100 state) to build/bench/, so both engines process the same bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -x build/crdt_bench ]] || bash scripts/build.sh release >/dev/null
mkdir -p build/bench
echo "running Yjs (node $(node --version)) ..." >&2
node bench/yjs_bench.mjs --runs "${RUNS:-1}" > build/bench/yjs.json
echo "running Symphony ..." >&2
build/crdt_bench --json > build/bench/symphony.json
node bench/render_results.mjs build/bench/yjs.json build/bench/symphony.json
