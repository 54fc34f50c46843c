#!/usr/bin/env bash
# Runs the JS (real Yjs) conformance suite against the symphony binary:
#   1. golden vectors are reproducible with the pinned Yjs   (tests/golden/generate.mjs --verify)
#   2. golden vectors                                          (tests/golden/check.mjs)
#   3. editing-trace replays                                   (tests/traces/check.mjs)
#   4. seeded conformance fuzzer, CI-sized                     (tests/conformance/fuzz.mjs)
# Each step prints PASS/FAIL; the script ends with "N passed, M failed" and exits non-zero on
# any failure.
#
# Environment:
#   SYMPHONY_BIN        binary to test (default build/symphony)
#   CONFORMANCE_SEEDS   fuzzer seeds (default 1500; LONG=1 -> 50000)
#   CONFORMANCE_START   first seed (default 1)
#   LONG=1              long mode (many more seeds)
#   FUZZ_TIME_BUDGET    stop the fuzzer after this many seconds (counts as pass if no failure)
set -uo pipefail
cd "$(dirname "$0")/../.."

BIN=${SYMPHONY_BIN:-build/symphony}
LONG=${LONG:-0}
if [[ "$LONG" == 1 ]]; then SEEDS=${CONFORMANCE_SEEDS:-50000}; else SEEDS=${CONFORMANCE_SEEDS:-2000}; fi
START=${CONFORMANCE_START:-1}
BUDGET_ARGS=()
[[ -n "${FUZZ_TIME_BUDGET:-}" ]] && BUDGET_ARGS=(--time-budget "$FUZZ_TIME_BUDGET")

if ! command -v node >/dev/null; then
  echo "run-all: node is not installed"; echo "0 passed, 1 failed"; exit 1
fi
# npm ci unless every package of the lock file is installed at its locked version
deps_ok() {
  node -e '
    const fs = require("fs")
    const pkgs = JSON.parse(fs.readFileSync("package-lock.json", "utf8")).packages
    for (const [p, v] of Object.entries(pkgs)) {
      if (!p || v.dev === undefined && !p.startsWith("node_modules/")) continue
      const pj = JSON.parse(fs.readFileSync(p + "/package.json", "utf8"))
      if (pj.version !== v.version) process.exit(1)
    }' 2>/dev/null
}
if ! deps_ok; then
  echo "run-all: installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error || { echo "run-all: npm ci failed"; echo "0 passed, 1 failed"; exit 1; }
fi

passed=0
failed=0
failures=()
step() {
  local name=$1
  shift
  echo
  echo "--- $name"
  local t0=$SECONDS
  if "$@"; then
    passed=$((passed + 1))
    echo "--- PASS $name ($((SECONDS - t0)) s)"
  else
    failed=$((failed + 1))
    failures+=("$name")
    echo "--- FAIL $name ($((SECONDS - t0)) s)"
  fi
}

step "golden vectors reproducible with pinned Yjs" node tests/golden/generate.mjs --verify

if [[ ! -x "$BIN" ]]; then
  echo
  echo "run-all: symphony binary not found or not executable: $BIN (build it, or set SYMPHONY_BIN)"
  echo "run-all: checking only the Yjs side of the tooling; the binary checks count as failed"
  step "traces: Yjs replays reproduce endContent" node tests/traces/make_streams.mjs
  step "fuzzer self-test (Yjs side only, 100 seeds)" node tests/conformance/fuzz.mjs --self-test --seeds 100 --quiet
  failed=$((failed + 3))
  failures+=("golden vectors (no binary)" "traces (no binary)" "conformance fuzz (no binary)")
else
  step "golden vectors ($BIN)" node tests/golden/check.mjs --bin "$BIN"
  step "editing traces ($BIN)" node tests/traces/check.mjs --bin "$BIN"
  step "conformance fuzz: $SEEDS seeds from $START ($BIN)" \
    node tests/conformance/fuzz.mjs --bin "$BIN" --seeds "$SEEDS" --start "$START" "${BUDGET_ARGS[@]}"
fi

echo
if ((failed)); then printf 'run-all: FAILED: %s\n' "${failures[@]}"; fi
echo "js conformance: $passed passed, $failed failed"
((failed == 0))
