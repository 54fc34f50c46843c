#!/usr/bin/env bash
# End-to-end tests of `symphony serve` with real Yjs clients (y-websocket, Hocuspocus v3 and v4):
# convergence, hocuspocus, presence, durability (kill -9 / SIGTERM), bad input and limits, the
# HTTP API, room lifecycle. One line per test ("ok", "SKIP", "FAIL"), then
# "server-e2e: N passed, M failed, K skipped". Exits non-zero when a test failed.
#
# Environment:
#   SYMPHONY_BIN            the binary (default build/symphony)
#   SYMPHONY_TEST_SERVER    symphony (default) | ref: run against the reference servers
#                           (@y/websocket-server, @hocuspocus/server); tests needing Symphony's own
#                           features (HTTP API, limits, restarts) skip
#   SYMPHONY_REQUIRE_SERVER=1  fail (instead of skipping) when `symphony serve` cannot run
#   TEST_GREP=substring     only tests whose "suite: name" contains it
#   SEED=n                  random seed of the randomized tests (default 1)
#   FILE_TIMEOUT=seconds    hard limit per test file (default 150)
# Server logs: tests/out/server/*.log (tails are printed on failure). Not run here: the soak test,
# `node tests/server/soak.mjs --minutes 60`.
set -uo pipefail
cd "$(dirname "$0")/../.."

FILES=(convergence hocuspocus presence durability bad-input ws-framing storage-errors auth http-api room-lifecycle)
FILE_TIMEOUT=${FILE_TIMEOUT:-150}
BIN=${SYMPHONY_BIN:-build/symphony}
export SYMPHONY_BIN=$BIN

if ! command -v node >/dev/null; then
  echo "server-e2e: node is not installed"
  echo "server-e2e: 0 passed, 1 failed, 0 skipped"
  exit 1
fi
# npm ci unless every package of the lock file is installed at its locked version.
deps_ok() {
  node -e '
    const fs = require("fs")
    const pkgs = JSON.parse(fs.readFileSync("package-lock.json", "utf8")).packages
    for (const [p, v] of Object.entries(pkgs)) {
      if (!p || !p.startsWith("node_modules/") || v.optional || v.link) continue
      const pj = JSON.parse(fs.readFileSync(p + "/package.json", "utf8"))
      if (pj.version !== v.version) process.exit(1)
    }' 2>/dev/null
}
if ! deps_ok; then
  echo "server-e2e: installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error || {
    echo "server-e2e: npm ci failed"
    echo "server-e2e: 0 passed, 1 failed, 0 skipped"
    exit 1
  }
fi

if [[ "${SYMPHONY_TEST_SERVER:-symphony}" != ref ]]; then
  if [[ ! -x "$BIN" ]] || ! "$BIN" serve --help >/dev/null 2>&1; then
    echo "server-e2e: '$BIN serve' is not available (missing binary or no serve command): the tests skip"
    if [[ "${SYMPHONY_REQUIRE_SERVER:-0}" == 1 ]]; then
      echo "server-e2e: 0 passed, 1 failed, 0 skipped"
      exit 1
    fi
  fi
else
  echo "server-e2e: reference mode (@y/websocket-server, @hocuspocus/server)"
fi

mkdir -p tests/out/server
passed=0
failed=0
skipped=0
failures=()
t_all=$SECONDS
for f in "${FILES[@]}"; do
  out=tests/out/server/$f.out
  t0=$SECONDS
  timeout --kill-after=10 "$FILE_TIMEOUT" node "tests/server/$f.test.mjs" 2>&1 | tee "$out"
  rc=${PIPESTATUS[0]}
  summary=$(grep -E "^$f: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$" "$out" | tail -1)
  if [[ -z "$summary" ]]; then
    if ((rc == 124 || rc == 137)); then
      echo "FAIL $f: the test file ran past ${FILE_TIMEOUT} s and was stopped"
    else
      echo "FAIL $f: the test file ended (status $rc) without a summary"
    fi
    failed=$((failed + 1))
    failures+=("$f (no summary)")
    continue
  fi
  read -r p fl sk < <(echo "$summary" | sed -E 's/^[^:]+: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped$/\1 \2 \3/')
  passed=$((passed + p))
  failed=$((failed + fl))
  skipped=$((skipped + sk))
  if ((fl > 0 || rc != 0)); then
    failures+=("$f")
    if ((fl == 0)); then failed=$((failed + 1)); fi
  fi
  echo "--- $f: $((SECONDS - t0)) s"
done

echo
if ((${#failures[@]})); then printf 'server-e2e: FAILED: %s\n' "${failures[@]}"; fi
echo "server-e2e: $((SECONDS - t_all)) s, logs in tests/out/server/"
echo "server-e2e: $passed passed, $failed failed, $skipped skipped"
((failed == 0))
