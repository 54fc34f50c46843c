#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time over its committed corpus.
#   scripts/fuzz.sh TARGET [SECONDS]
# New inputs go to a scratch corpus (build-fuzz/corpus/TARGET); crashes to fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
target=$1
seconds=${2:-30}
seed="fuzz/corpus/$target"
work="build-fuzz/corpus/$target"
mkdir -p "$work" fuzz/artifacts
[[ -d "$seed" ]] || seed=""
log="build-fuzz/$target.log"
rc=0
ASAN_OPTIONS=detect_leaks=1 "build-fuzz/$target" -max_total_time="$seconds" -timeout=10 \
  -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=fuzz/artifacts/ "$work" $seed \
  >"$log" 2>&1 || rc=$?
grep -E "^(#[0-9]+ *DONE|Done|stat::number_of_executed_units|==[0-9]+==ERROR|SUMMARY)" "$log" || true
if ((rc != 0)); then tail -40 "$log"; fi
exit "$rc"
