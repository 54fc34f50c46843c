#!/usr/bin/env bash
# Runs every test of the project on a fresh machine: installs what it needs, builds the release
# and the sanitizer flavours, runs the unit tests (both flavours), the Yjs golden vectors, the
# trace replays, the seeded conformance fuzzer against real Yjs, the CLI tests, and each
# libFuzzer target for a bounded time. Ends with one line "N passed, M failed".
#   FUZZ_SECONDS=30 (per fuzz target)   FUZZ_JOBS=<cores> (fuzz targets run at once)
#   CONFORMANCE_SEEDS=2000   LONG=1 (the long modes)
# About 18 minutes on a clean clone on a 2-core machine (builds: release 4 min, sanitizers 4.5,
# fuzz 1; conformance 3.5; fuzz targets 2; the rest 3).
set -uo pipefail
cd "$(dirname "$0")/.."
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
FUZZ_JOBS=${FUZZ_JOBS:-$(nproc)}
((FUZZ_JOBS >= 1)) || FUZZ_JOBS=1
passed=0
failed=0
failures=()
step() {
  local name=$1
  shift
  echo
  echo "=== $name"
  local t0=$SECONDS
  if "$@"; then
    passed=$((passed + 1))
    echo "=== PASS $name ($((SECONDS - t0)) s)"
  else
    failed=$((failed + 1))
    failures+=("$name")
    echo "=== FAIL $name ($((SECONDS - t0)) s)"
  fi
}

bash scripts/install-deps.sh || { echo "dependency installation failed"; echo "0 passed, 1 failed"; exit 1; }

step "build release" bash scripts/build.sh release
step "unit tests (release)" ctest --test-dir build --output-on-failure -j 2
step "build asan+ubsan" bash scripts/build.sh asan
step "unit tests (asan+ubsan)" ctest --test-dir build-asan --output-on-failure -j 2
if [[ -x tests/js/run-all.sh ]]; then
  step "Yjs goldens, traces, conformance" env SYMPHONY_BIN=build/symphony bash tests/js/run-all.sh
fi
if [[ -f tests/server/run.sh ]]; then
  step "server end to end (y-websocket and Hocuspocus clients)" env SYMPHONY_BIN=build/symphony SYMPHONY_REQUIRE_SERVER=1 bash tests/server/run.sh
fi
if [[ -f tests/clients/run.sh ]]; then
  step "client library, React hooks, whiteboard in Chromium" env SYMPHONY_BIN=build/symphony bash tests/clients/run.sh
fi
if [[ -f tests/browser-dashboard/run.sh ]]; then
  step "dashboard in Chromium, Grafana JSON" env SYMPHONY_BIN=build/symphony bash tests/browser-dashboard/run.sh
fi
for t in tests/cli/*_test.sh; do
  [[ -f "$t" ]] && step "cli: $(basename "$t")" env SYMPHONY_BIN=build/symphony bash "$t"
done
step "build fuzzers" bash scripts/build.sh fuzz
# A libFuzzer run uses one core: FUZZ_JOBS targets run at once, each for its full FUZZ_SECONDS;
# then each is reported as its own step, in order.
fuzz_targets=()
for f in build-fuzz/*_fuzz; do
  [[ -x "$f" ]] && fuzz_targets+=("$(basename "$f")")
done
rm -rf build-fuzz/results
mkdir -p build-fuzz/results
running=0
for name in "${fuzz_targets[@]}"; do
  if ((running >= FUZZ_JOBS)); then
    wait -n
    running=$((running - 1))
  fi
  (
    t0=$SECONDS
    bash scripts/fuzz.sh "$name" "$FUZZ_SECONDS" >"build-fuzz/results/$name.out" 2>&1
    echo "$? $((SECONDS - t0))" >"build-fuzz/results/$name.rc"
  ) &
  running=$((running + 1))
done
wait
fuzz_result() {
  local rc s
  read -r rc s <"build-fuzz/results/$1.rc" || return 1
  cat "build-fuzz/results/$1.out"
  echo "(ran ${s} s, alongside up to $((FUZZ_JOBS - 1)) other target(s))"
  return "$rc"
}
for name in "${fuzz_targets[@]}"; do
  step "fuzz $name (${FUZZ_SECONDS}s)" fuzz_result "$name"
done

echo
if ((failed)); then printf 'failed: %s\n' "${failures[@]}"; fi
echo "$passed passed, $failed failed"
((failed == 0))
