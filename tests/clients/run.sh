#!/usr/bin/env bash
# The JavaScript client library, the React hooks and the whiteboard demo:
#   1. builds @symphony/client and @symphony/react (tsc: ESM + .d.ts), type-checks and builds the
#      whiteboard (Vite, examples/whiteboard/dist), checks the whiteboard README's diff;
#   2. unit tests (vitest, in-memory documents and an in-process fake server);
#   3. integration tests (vitest, Node clients against a real server);
#   4. browser tests (vitest + playwright-core driving Debian's Chromium against the built demo).
# The server is `symphony serve` ($SYMPHONY_BIN, default build/symphony) when `serve --help` works,
# else the reference y-websocket server from node_modules (SYMPHONY_CLIENT_TEST_SERVER=ref forces
# it, =symphony requires Symphony). Screenshots: tests/out/browser/, logs: tests/out/clients/.
# Ends with "clients: N passed, M failed, K skipped"; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT=tests/out/clients
mkdir -p "$OUT" tests/out/browser
t_all=$SECONDS
failed_steps=()
passed=0
failed=0
skipped=0

summary() {
  if ((${#failed_steps[@]})); then printf 'clients: FAILED: %s\n' "${failed_steps[@]}"; fi
  echo "clients: $((SECONDS - t_all)) s"
  echo "clients: $passed passed, $failed failed, $skipped skipped"
}
die() {
  echo "clients: $1"
  failed=$((failed + 1))
  failed_steps+=("$1")
  summary
  exit 1
}

command -v node >/dev/null || die "node is not installed"

# npm ci unless every package of the lock file is installed at its locked version.
deps_ok() {
  node -e '
    const fs = require("fs")
    const pkgs = JSON.parse(fs.readFileSync("package-lock.json", "utf8")).packages
    for (const [p, v] of Object.entries(pkgs)) {
      if (!p || !p.startsWith("node_modules/") || v.optional) continue
      const f = p + "/package.json"
      if (v.link) { if (!fs.existsSync(p)) process.exit(1); continue }
      const pj = JSON.parse(fs.readFileSync(f, "utf8"))
      if (pj.version !== v.version) process.exit(1)
    }' 2>/dev/null
}
if ! deps_ok; then
  echo "clients: installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error || die "npm ci failed"
fi

# Debian's Chromium for the browser tests (playwright-core downloads no browser).
CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
export CHROMIUM_PATH
if [[ ! -x "$CHROMIUM_PATH" ]]; then
  echo "clients: installing chromium (apt-get)"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
  { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core; } >"$OUT/apt.log" 2>&1 ||
    die "apt-get install chromium failed (see $OUT/apt.log)"
fi

step() {
  local name=$1
  shift
  echo
  echo "=== clients: $name"
  local t0=$SECONDS
  if "$@"; then
    echo "=== clients: PASS $name ($((SECONDS - t0)) s)"
    return 0
  fi
  echo "=== clients: FAIL $name ($((SECONDS - t0)) s)"
  failed_steps+=("$name")
  return 1
}

# One vitest run; its test counts are added to the totals (a run that fails without a report
# counts as one failure).
vitest_step() {
  local name=$1 config=$2
  local report="$OUT/$name.json"
  rm -f "$report"
  step "$name" timeout --kill-after=10 "${3:-240}" npx vitest run --config "$config" --reporter=default --reporter=json --outputFile.json="$PWD/$report"
  local rc=$?
  if [[ -f "$report" ]]; then
    read -r p f k < <(node -e 'const r = require(process.argv[1]); console.log(r.numPassedTests, r.numFailedTests, r.numPendingTests + r.numTodoTests)' "$PWD/$report")
    passed=$((passed + p))
    failed=$((failed + f))
    skipped=$((skipped + k))
    if ((rc != 0 && f == 0)); then failed=$((failed + 1)); fi
  elif ((rc != 0)); then
    failed=$((failed + 1))
  fi
}

build() {
  npm run --silent --workspace @symphony/client build &&
    npm run --silent --workspace @symphony/react build &&
    npx tsc -p examples/whiteboard/tsconfig.json &&
    npm run --silent --workspace examples/whiteboard build -- --logLevel warn &&
    node examples/whiteboard/scripts/readme-diff.mjs
}
if step "build packages and the whiteboard" build; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
  summary
  exit 1
fi

server_line=$(node -e '
  const fs = require("fs"), cp = require("child_process")
  const bin = process.env.SYMPHONY_BIN || "build/symphony"
  if (process.env.SYMPHONY_CLIENT_TEST_SERVER === "ref") { console.log("the reference y-websocket server (forced)"); process.exit(0) }
  const ok = fs.existsSync(bin) && cp.spawnSync(bin, ["serve", "--help"], { timeout: 5000 }).status === 0
  console.log(ok ? `symphony serve (${bin})` : `the reference y-websocket server (${bin} serve is not available)`)')
echo "clients: the integration and browser tests run against $server_line"

export VITE_CONFIG_NATIVE_IGNORE_WARNING=true
vitest_step unit clients/js/vitest.config.ts 120
vitest_step integration clients/js/vitest.integration.config.ts 180
vitest_step browser tests/browser/vitest.config.ts 240

echo
summary
((failed == 0 && ${#failed_steps[@]} == 0))
