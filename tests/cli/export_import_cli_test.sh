#!/usr/bin/env bash
# End-to-end tests of `symphony export` and `symphony import` on real data: a `symphony serve`
# on a free port is written to (y-websocket client and HTTP), stopped; the room is exported
# (checked by Yjs itself), imported into other rooms directly and through a running server
# (--url, with and without the admin token), and every copy has the same JSON view. Malformed
# files exit 2 with a byte offset and change nothing. About 8 s.
# Usage: tests/cli/export_import_cli_test.sh [path/to/symphony]   (default: $SYMPHONY_BIN or build/symphony)
set -u
cd "$(dirname "$0")/../.."
source tests/cli/lib.sh
cli_test_init export_import_cli_test "${1:-}"
DATA="$TMP/data"
SERVE_ARGS=(--data "$DATA" --fsync off)


cat > "$TMP/yjs.cjs" <<'JS'
const { createRequire } = require('node:module')
const req = createRequire(process.env.ROOT + '/package.json')
const Y = req('yjs')
const fs = require('node:fs')
const [cmd, ...args] = process.argv.slice(2)
const canon = (v) => Array.isArray(v) ? v.map(canon) : v && typeof v === 'object'
  ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon(v[k])])) : v
if (cmd === 'canon') {  // stdin JSON with sorted keys
  console.log(JSON.stringify(canon(JSON.parse(fs.readFileSync(0, 'utf8')))))
} else if (cmd === 'json') {  // json FILE: Yjs's own toJSON of a v1 update file, sorted keys
  const d = new Y.Doc()
  Y.applyUpdate(d, fs.readFileSync(args[0]))
  // Roots read from an update have no kind until asked for one: these tests' roots are known.
  const kinds = { shapes: Y.Map, order: Y.Array }
  const out = {}
  for (const [name] of d.share) out[name] = d.get(name, kinds[name] ?? Y.Text).toJSON()
  console.log(JSON.stringify(canon(out)))
} else if (cmd === 'update') {  // update FILE KIND
  const d = new Y.Doc()
  if (args[1] === 'extra') d.getMap('shapes').set('s3', { x: 9 })
  if (args[1] === 'big') d.getText('big').insert(0, 'x'.repeat(3 * 1024 * 1024))
  fs.writeFileSync(args[0], Y.encodeStateAsUpdate(d))
} else if (cmd === 'ws') {  // ws URL ROOM: edits through y-websocket until the server has them
  const { WebsocketProvider } = req('y-websocket')
  const doc = new Y.Doc()
  const p = new WebsocketProvider(args[0], args[1], doc, { WebSocketPolyfill: req('ws'), disableBc: true })
  p.on('sync', async (synced) => {
    if (!synced) return
    doc.transact(() => {
      doc.getMap('shapes').set('s1', { x: 1, y: 2, tags: ['a', 'b'] })
      doc.getArray('order').push(['s1', 's2'])
      doc.getText('title').insert(0, 'héllo 🎹')
      doc.getText('title').delete(0, 1)
    })
    const http = args[0].replace('ws://', 'http://')
    for (let i = 0; i < 100; i++) {
      const j = await (await fetch(`${http}/api/rooms/${args[1]}/json`)).json()
      if (j.title === 'éllo 🎹') { p.destroy(); console.log('ok'); process.exit(0) }
      await new Promise((r) => setTimeout(r, 50))
    }
    console.log('timeout'); process.exit(1)
  })
  setTimeout(() => { console.log('no sync'); process.exit(1) }, 10000)
}
JS
y() { ROOT="$ROOT" node "$TMP/yjs.cjs" "$@"; }
view() { "$BIN" inspect "$1" --json --data "${2:-$DATA}" 2> /dev/null | y canon; }

# --- real data: y-websocket edits (with a deletion) and an HTTP update
start_server
r=$(y ws "ws://127.0.0.1:$PORT" src 2>&1 | tail -1)
[[ "$r" == ok ]] && pass "y-websocket client wrote room src" || fail "y-websocket client wrote room src" "$r"
y update "$TMP/extra.bin" extra
curl -sf -X POST --data-binary @"$TMP/extra.bin" "http://127.0.0.1:$PORT/api/rooms/src/update" > /dev/null \
  || fail "HTTP update"
server_view=$(curl -sf "http://127.0.0.1:$PORT/api/rooms/src/json" | y canon)
stop_server

# --- export
if "$BIN" export src "$TMP/src.bin" --data "$DATA" > /dev/null 2> "$TMP/err"; then
  pass "export exit status"
else
  fail "export exit status" "$(cat "$TMP/err")"
fi
[[ -n "$server_view" && "$(y json "$TMP/src.bin")" == "$server_view" ]] && pass "Yjs reads the export as the server's document" \
  || fail "Yjs reads the export as the server's document" "$(y json "$TMP/src.bin") vs $server_view"
"$BIN" doc inspect "$TMP/src.bin" > /dev/null 2>&1 && pass "symphony doc inspect reads the export" || fail "symphony doc inspect reads the export"
"$BIN" export src - --data "$DATA" 2> /dev/null > "$TMP/stdout.bin"
cmp -s "$TMP/src.bin" "$TMP/stdout.bin" && pass "export to stdout (-)" || fail "export to stdout (-)"

# --- import directly into the data directory (server stopped)
if "$BIN" import copy "$TMP/src.bin" --data "$DATA" > "$TMP/out" 2> "$TMP/err"; then
  [[ "$(view copy)" == "$server_view" ]] && pass "direct import: same JSON as the source room" \
    || fail "direct import: same JSON as the source room" "$(view copy)"
  grep -q -- "--url" "$TMP/err" && pass "direct import says to use --url with a running server" \
    || fail "direct import says to use --url with a running server" "$(cat "$TMP/err")"
else
  fail "direct import exit status" "$(cat "$TMP/err")"
fi
"$BIN" export copy "$TMP/copy.bin" --data "$DATA" 2> /dev/null
[[ "$(y json "$TMP/copy.bin")" == "$server_view" ]] && pass "export of the imported room round-trips" \
  || fail "export of the imported room round-trips"
# Importing twice changes nothing; importing into an existing room merges.
"$BIN" import copy "$TMP/src.bin" --data "$DATA" > /dev/null 2>&1
[[ "$(view copy)" == "$server_view" ]] && pass "import is idempotent" || fail "import is idempotent" "$(view copy)"
"$BIN" import notes "$TMP/extra.bin" --data "$DATA" > /dev/null 2>&1
"$BIN" import notes "$TMP/src.bin" --data "$DATA" > /dev/null 2>&1
[[ "$(view notes)" == "$server_view" ]] && pass "import merges into an existing room" || fail "import merges into an existing room" "$(view notes)"
# A new data directory is created for an import.
"$BIN" import fresh "$TMP/src.bin" --data "$TMP/newdata" > /dev/null 2> "$TMP/err"
[[ "$(view fresh "$TMP/newdata")" == "$server_view" ]] && grep -q "created a new database" "$TMP/err" \
  && pass "import into a new data directory" || fail "import into a new data directory" "$(cat "$TMP/err")"

# --- the server loads what was imported directly
start_server
[[ "$(curl -sf "http://127.0.0.1:$PORT/api/rooms/copy/json" | y canon)" == "$server_view" ]] \
  && pass "server serves the directly imported room" || fail "server serves the directly imported room"

# --- import through the running server
if "$BIN" import 'copy 2/x' "$TMP/src.bin" --url "http://127.0.0.1:$PORT" --progress > "$TMP/out" 2> "$TMP/err"; then
  [[ "$(curl -sf "http://127.0.0.1:$PORT/api/rooms/copy%202%2Fx/json" | y canon)" == "$server_view" ]] \
    && pass "--url import: same JSON on the server" || fail "--url import: same JSON on the server"
  grep -q "uploading" "$TMP/err" && grep -q "100%" "$TMP/err" && pass "--progress on stderr" \
    || fail "--progress on stderr" "$(cat "$TMP/err")"
else
  fail "--url import exit status" "$(cat "$TMP/err")"
fi
# A large file, sent in chunks.
y update "$TMP/big.bin" big
if "$BIN" import big "$TMP/big.bin" --url "http://127.0.0.1:$PORT" --progress > /dev/null 2> "$TMP/err"; then
  len=$(curl -sf "http://127.0.0.1:$PORT/api/rooms/big/json" | node -e 'console.log(JSON.parse(require("fs").readFileSync(0,"utf8")).big.length)')
  [[ "$len" -eq $((3 * 1024 * 1024)) ]] && pass "3 MiB import over HTTP" || fail "3 MiB import over HTTP" "length $len"
  [[ $(grep -c "uploading" "$TMP/err") -ge 3 ]] && pass "progress steps for a large file" \
    || fail "progress steps for a large file" "$(cat "$TMP/err")"
else
  fail "3 MiB import over HTTP" "$(cat "$TMP/err")"
fi
# A direct import while this server runs is flagged.
(cd "$TMP" && printf 'port = %s\n' "$PORT" > symphony.toml && "$BIN" import other "$TMP/src.bin" --data "$DATA" > /dev/null 2> "$TMP/err")
grep -q "warning: a server answers at http://127.0.0.1:$PORT" "$TMP/err" \
  && pass "direct import with the configured server up: warning" || fail "direct import with the configured server up: warning" "$(cat "$TMP/err")"
rm -f "$TMP/symphony.toml"
stop_server

# --- admin token
start_server --admin-token adm1n
"$BIN" import t "$TMP/src.bin" --url "http://127.0.0.1:$PORT" > /dev/null 2> "$TMP/err"
[[ $? -eq 1 ]] && grep -q -- "--admin-token" "$TMP/err" && pass "--url without the admin token: exit 1, says how" \
  || fail "--url without the admin token: exit 1, says how" "$(cat "$TMP/err")"
SYMPHONY_ADMIN_TOKEN=adm1n "$BIN" import t "$TMP/src.bin" --url "http://127.0.0.1:$PORT" > /dev/null 2> "$TMP/err" \
  && pass "--url with SYMPHONY_ADMIN_TOKEN" || fail "--url with SYMPHONY_ADMIN_TOKEN" "$(cat "$TMP/err")"
stop_server

# --- malformed files: exit 2 with the byte offset, nothing stored or sent
head -c 40 "$TMP/src.bin" > "$TMP/cut.bin"
"$BIN" import bad "$TMP/cut.bin" --data "$DATA" > /dev/null 2> "$TMP/err"
rc=$?
[[ $rc -eq 2 && $(wc -l < "$TMP/err") -eq 1 ]] && grep -q "is not a Yjs v1 update: at byte [0-9]*: " "$TMP/err" \
  && pass "truncated file: exit 2, byte offset" || fail "truncated file: exit 2, byte offset" "rc=$rc $(cat "$TMP/err")"
"$BIN" inspect bad --data "$DATA" > /dev/null 2>&1
[[ $? -eq 1 ]] && pass "nothing stored for a malformed file" || fail "nothing stored for a malformed file"
printf '\x05\x01\x02' > "$TMP/garbage.bin"
"$BIN" import bad "$TMP/garbage.bin" --url http://127.0.0.1:1 > /dev/null 2> "$TMP/err"
[[ $? -eq 2 ]] && grep -q "at byte" "$TMP/err" && pass "malformed file with --url: exit 2 before connecting" \
  || fail "malformed file with --url: exit 2 before connecting" "$(cat "$TMP/err")"

# --- other errors: exit 1
"$BIN" import x "$TMP/missing.bin" --data "$DATA" > /dev/null 2> "$TMP/err"
[[ $? -eq 1 ]] && grep -q "missing.bin" "$TMP/err" && pass "missing file: exit 1" || fail "missing file: exit 1"
"$BIN" import x "$TMP/src.bin" --url http://127.0.0.1:1 > /dev/null 2> "$TMP/err"
[[ $? -eq 1 ]] && grep -q "symphony serve" "$TMP/err" && pass "server down: exit 1" || fail "server down: exit 1" "$(cat "$TMP/err")"
"$BIN" import x "$TMP/src.bin" --url ftp://x > /dev/null 2> "$TMP/err"
[[ $? -eq 1 ]] && grep -q "http://" "$TMP/err" && pass "bad --url: exit 1" || fail "bad --url: exit 1" "$(cat "$TMP/err")"
"$BIN" export nope "$TMP/x.bin" --data "$DATA" > /dev/null 2> "$TMP/err"
[[ $? -eq 1 && ! -e "$TMP/x.bin" ]] && grep -q "inspect --list" "$TMP/err" && pass "export unknown room: exit 1" \
  || fail "export unknown room: exit 1" "$(cat "$TMP/err")"
"$BIN" export src "$TMP/no/such/dir/x.bin" --data "$DATA" > /dev/null 2> "$TMP/err"
[[ $? -eq 1 ]] && pass "export to an unwritable path: exit 1" || fail "export to an unwritable path: exit 1"

# --- help
"$BIN" export --help 2>&1 | grep -q "Examples" && "$BIN" import --help 2>&1 | grep -q -- "--url" \
  && "$BIN" import --help 2>&1 | grep -q "Examples" && pass "export and import --help" || fail "export and import --help"

finish
