#!/usr/bin/env bash
# Tests of the monitoring dashboard (web/dashboard) and the Grafana dashboard (deploy/grafana):
#   1. unit tests of the dashboard's pure modules (node --test);
#   2. end to end: `symphony serve` under load from real Yjs clients, the dashboard in Debian's
#      Chromium (playwright-core, no browser download), the Grafana JSON against /metrics.
# Screenshots and server logs: tests/out/dashboard/. Ends with "browser-dashboard: N passed,
# M failed"; exits non-zero on any failure.
# Environment: SYMPHONY_BIN (default build/symphony), CHROMIUM_PATH (default /usr/bin/chromium).
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT=tests/out/dashboard
mkdir -p "$OUT"
rm -f "$OUT"/*.png
t0=$SECONDS

fail() {
  echo "browser-dashboard: $1"
  echo "browser-dashboard: 0 passed, 1 failed"
  exit 1
}

command -v node >/dev/null || fail "node is not installed"
BIN=${SYMPHONY_BIN:-build/symphony}
[[ -x "$BIN" ]] || fail "$BIN does not exist (build it: ninja -C build symphony)"
export CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
[[ -x "$CHROMIUM_PATH" ]] || fail "no Chromium at $CHROMIUM_PATH (scripts/install-deps.sh installs it)"
for m in playwright-core yjs y-websocket ws; do
  [[ -d node_modules/$m ]] || fail "node_modules/$m is missing (npm ci)"
done

passed=0
failed=0

echo "=== browser-dashboard: unit tests"
if node --test --test-reporter=spec tests/browser-dashboard/units.test.mjs >"$OUT/units.log" 2>&1; then
  passed=$((passed + 1))
  echo "ok   unit tests ($(grep -c '^✔' "$OUT/units.log") passed)"
else
  failed=$((failed + 1))
  cat "$OUT/units.log"
  echo "FAIL unit tests"
fi

echo "=== browser-dashboard: end to end"
timeout 150 node tests/browser-dashboard/dashboard.test.mjs 2>&1 | tee "$OUT/e2e.log"
status=${PIPESTATUS[0]}
e2e_passed=$(grep -c '^ok ' "$OUT/e2e.log")
e2e_failed=$(grep -c '^FAIL ' "$OUT/e2e.log")
passed=$((passed + e2e_passed))
failed=$((failed + e2e_failed))
if ((status != 0 && e2e_failed == 0)); then
  [[ $status == 124 ]] && echo "browser-dashboard: end-to-end test timed out after 150 s"
  failed=$((failed + 1))
fi

echo "browser-dashboard: $((SECONDS - t0)) s, screenshots in $OUT/"
echo "browser-dashboard: $passed passed, $failed failed"
((failed == 0))
