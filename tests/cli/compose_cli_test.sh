#!/usr/bin/env bash
# End-to-end test of `symphony compose`: scaffolds an app into a temporary directory, checks its
# files, installs it (npm, resolving the file: dependencies on this checkout's
# clients/js/packages), builds it with Vite, then serves the build with `symphony serve` run in
# the app's directory (its symphony.toml) and opens it twice in headless Chromium: a todo added
# in one window shows in the other, and `symphony inspect` finds it stored. Refusals (existing
# directory, bad name, bad URL) exit 1. About 30 s with a warm npm cache.
# Usage: tests/cli/compose_cli_test.sh [path/to/symphony]   (default: $SYMPHONY_BIN or build/symphony)
# The browser part is skipped when Chromium or playwright-core is missing.
set -u
cd "$(dirname "$0")/../.."
source tests/cli/lib.sh
cli_test_init compose_cli_test "${1:-}"
CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}

# The client packages must be built (dist/) for compose to use them.
for p in client react; do
  if [[ ! -f clients/js/packages/$p/dist/index.js ]]; then
    npm run --workspace "@symphony/$p" build > "$TMP/pkg-build.log" 2>&1 \
      || { fail "build @symphony/$p" "$(tail -5 "$TMP/pkg-build.log")"; finish; }
  fi
done

# --- help and refusals
"$BIN" compose --help > "$TMP/help" 2>&1 && grep -q "Examples" "$TMP/help" && grep -q -- "--server-url" "$TMP/help" \
  && pass "compose --help" || fail "compose --help" "$(head -5 "$TMP/help")"
"$BIN" compose 'bad name!' --dir "$TMP" > /dev/null 2> "$TMP/err"
[[ $? -eq 1 ]] && grep -q "letters, digits" "$TMP/err" && [[ ! -e "$TMP/bad name!" ]] \
  && pass "bad name refused" || fail "bad name refused" "$(cat "$TMP/err")"
"$BIN" compose ok --dir "$TMP" --server-url http://127.0.0.1:8080 > /dev/null 2> "$TMP/err"
[[ $? -eq 1 ]] && grep -q "ws://" "$TMP/err" && [[ ! -e "$TMP/ok" ]] \
  && pass "non-WebSocket --server-url refused" || fail "non-WebSocket --server-url refused" "$(cat "$TMP/err")"
mkdir -p "$TMP/taken" && echo mine > "$TMP/taken/notes.txt"
"$BIN" compose taken --dir "$TMP" > /dev/null 2> "$TMP/err"
[[ $? -eq 1 ]] && grep -q "not empty" "$TMP/err" && [[ "$(ls "$TMP/taken")" == notes.txt && "$(cat "$TMP/taken/notes.txt")" == mine ]] \
  && pass "existing non-empty directory refused, untouched" || fail "existing non-empty directory refused, untouched" "$(cat "$TMP/err")"
"$BIN" compose x --dir "$TMP" --packages "$TMP/nowhere" > /dev/null 2> "$TMP/err"
[[ $? -eq 1 ]] && grep -q -- "--packages" "$TMP/err" && pass "missing packages refused" || fail "missing packages refused" "$(cat "$TMP/err")"

# --- scaffold (an empty existing directory is fine)
mkdir -p "$TMP/apps/todo-app"
if "$BIN" compose todo-app --dir "$TMP/apps" --server-url ws://127.0.0.1:9123 > "$TMP/out" 2> "$TMP/err"; then
  pass "compose exit status"
else
  fail "compose exit status" "$(cat "$TMP/err")"
  finish
fi
APP="$TMP/apps/todo-app"
missing=""
for f in package.json .npmrc .gitignore .env symphony.toml vite.config.js index.html src/main.jsx src/App.jsx src/styles.css README.md; do
  [[ -s "$APP/$f" ]] || missing+=" $f"
done
[[ -z "$missing" ]] && pass "every file written" || fail "every file written" "missing:$missing"
grep -q "symphony serve" "$TMP/out" && grep -q "npm install && npm run dev" "$TMP/out" \
  && pass "says what to run next" || fail "says what to run next" "$(cat "$TMP/out")"
deps=$(node -e 'const p=require(process.argv[1]); const d=p.dependencies;
  console.log([d["@symphony/client"], d["@symphony/react"], d.react, d.yjs, p.devDependencies.vite].join(" "))' "$APP/package.json")
[[ "$deps" == "file:$ROOT/clients/js/packages/client file:$ROOT/clients/js/packages/react "* ]] \
  && pass "file: dependencies on this checkout" || fail "file: dependencies on this checkout" "$deps"
grep -q "useStorage" "$APP/src/App.jsx" && grep -q "useMutation" "$APP/src/App.jsx" && grep -q "useOthers" "$APP/src/App.jsx" \
  && pass "starter page uses useStorage, useMutation, useOthers" || fail "starter page uses useStorage, useMutation, useOthers"
grep -q "symphony serve" "$APP/README.md" && grep -q "npm install && npm run dev" "$APP/README.md" \
  && pass "README has the two commands" || fail "README has the two commands"
[[ "$(cat "$APP/.env")" == "VITE_SYMPHONY_URL=ws://127.0.0.1:9123" ]] && pass ".env has the server URL" || fail ".env has the server URL" "$(cat "$APP/.env")"
# The symphony.toml is one the server reads.
(cd "$APP" && "$BIN" serve --print-config > "$TMP/config.toml" 2> "$TMP/err")
grep -q '^port = 9123' "$TMP/config.toml" && grep -q '^data_dir = "./data"' "$TMP/config.toml" \
  && pass "symphony.toml read by serve (port 9123)" || fail "symphony.toml read by serve (port 9123)" "$(cat "$TMP/err")"

# --- install and build
if (cd "$APP" && timeout 150 npm install --no-audit --no-fund --loglevel=error > "$TMP/npm.log" 2>&1); then
  pass "npm install"
else
  fail "npm install" "$(tail -5 "$TMP/npm.log")"
  finish
fi
[[ ! -e "$ROOT/clients/js/packages/react/node_modules" && -f "$APP/node_modules/@symphony/client/dist/index.js" ]] \
  && pass "packages copied into the app, checkout untouched" || fail "packages copied into the app, checkout untouched"

# The server the built app will talk to: `symphony serve` in the app's directory (its
# symphony.toml: data ./data, static files dist/), on a free port.
(cd "$APP" && exec "$BIN" serve --port 0 --fsync off 2> "$TMP/serve.log") &
SERVER_PID=$!
await_port || { fail "server start in the app directory" "$(tail -5 "$TMP/serve.log")"; finish; }

if (cd "$APP" && VITE_SYMPHONY_URL="ws://127.0.0.1:$PORT" timeout 120 npx vite build > "$TMP/vite.log" 2>&1); then
  pass "vite build"
else
  fail "vite build" "$(tail -10 "$TMP/vite.log")"
  finish
fi
copies=$(cat "$APP"/dist/assets/*.js | grep -o "Yjs was already imported" | wc -l)
[[ "$copies" -eq 1 ]] && pass "one copy of yjs in the bundle" || fail "one copy of yjs in the bundle" "$copies copies"
curl -s "http://127.0.0.1:$PORT/" | grep -q '<div id="root">' && pass "serve (static_dir = dist) serves the built app" \
  || fail "serve (static_dir = dist) serves the built app"

# --- two windows in Chromium
if [[ ! -x "$CHROMIUM" || ! -d node_modules/playwright-core ]]; then
  skip "browser check" "no Chromium at $CHROMIUM or no playwright-core"
  finish
fi
cat > "$TMP/browser.cjs" <<'JS'
const { chromium } = require(process.cwd() + '/node_modules/playwright-core')
const [url, exe] = process.argv.slice(2)
;(async () => {
  const browser = await chromium.launch({ executablePath: exe, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] })
  try {
    const a = await (await browser.newContext()).newPage()
    const b = await (await browser.newContext()).newPage()
    const errors = []
    for (const p of [a, b]) p.on('pageerror', (e) => errors.push(e.message))
    await a.goto(url)
    await b.goto(url)
    await a.waitForSelector('form input')
    await b.waitForSelector('form input')
    await a.fill('form input', 'buy milk from compose')
    await a.click('form button')
    await b.waitForSelector('li:has-text("buy milk from compose")', { timeout: 10000 })
    await b.click('li:has-text("buy milk from compose") input[type=checkbox]')
    await a.waitForSelector('li.done:has-text("buy milk from compose")', { timeout: 10000 })
    await a.waitForFunction(() => document.querySelectorAll('.avatar').length === 2, null, { timeout: 10000 })
    await a.waitForSelector('.status.saved', { timeout: 10000 })
    console.log(errors.length ? 'page errors: ' + errors.join('; ') : 'ok')
  } finally {
    await browser.close()
  }
})().catch((e) => { console.log('error: ' + e.message.split('\n')[0]); process.exit(0) })
JS
r=$(timeout 90 node "$TMP/browser.cjs" "http://127.0.0.1:$PORT/?room=compose-test" "$CHROMIUM" 2>&1 | tail -1)
[[ "$r" == ok ]] && pass "two windows: a todo added and ticked in one shows in the other, 2 avatars, saved" \
  || fail "two windows: a todo added and ticked in one shows in the other, 2 avatars, saved" "$r"

# The todo is stored in the app's data directory.
kill "$SERVER_PID" 2> /dev/null
wait "$SERVER_PID" 2> /dev/null
SERVER_PID=""
json=$(cd "$APP" && "$BIN" inspect compose-test --json 2> "$TMP/err")
[[ "$json" == *'"text":"buy milk from compose"'* && "$json" == *'"done":true'* ]] \
  && pass "symphony inspect finds the todo in the app's ./data" || fail "symphony inspect finds the todo in the app's ./data" "$json $(cat "$TMP/err")"

finish
