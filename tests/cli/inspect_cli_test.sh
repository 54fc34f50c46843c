#!/usr/bin/env bash
# End-to-end tests of `symphony inspect` on real data: a `symphony serve` on a free port is
# written to by a y-websocket client (Node, the real WebsocketProvider) and by HTTP updates, then
# stopped (a snapshot), restarted, written to again and killed with -9 (a log record after the
# snapshot); inspect must rebuild exactly the document the server served, list the rooms, and
# refuse unknown rooms and directories clearly. About 5 s.
# Usage: tests/cli/inspect_cli_test.sh [path/to/symphony]   (default: $SYMPHONY_BIN or build/symphony)
set -u
cd "$(dirname "$0")/../.."
source tests/cli/lib.sh
cli_test_init inspect_cli_test "${1:-}"
DATA="$TMP/data"
SERVE_ARGS=(--data "$DATA" --fsync off)


# Node helpers (CommonJS, resolved from this checkout's node_modules).
cat > "$TMP/yjs.cjs" <<'JS'
const { createRequire } = require('node:module')
const req = createRequire(process.env.ROOT + '/package.json')
const Y = req('yjs')
const fs = require('node:fs')
const [cmd, ...args] = process.argv.slice(2)
// Canonical JSON: object keys sorted (a map's key order depends on how the document was built).
const canon = (v) => Array.isArray(v) ? v.map(canon) : v && typeof v === 'object'
  ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon(v[k])])) : v
if (cmd === 'canon') {
  console.log(JSON.stringify(canon(JSON.parse(fs.readFileSync(0, 'utf8')))))
} else if (cmd === 'update') {  // update FILE KIND: a Yjs update made by a fresh client
  const d = new Y.Doc()
  if (args[1] === 'shape') d.getMap('shapes').set('s2', { x: 3, label: 'from http' })
  if (args[1] === 'notes') d.getText('notes').insert(0, 'meeting notes')
  if (args[1] === 'late') d.getArray('order').push(['s9'])
  fs.writeFileSync(args[0], Y.encodeStateAsUpdate(d))
} else if (cmd === 'ws') {  // ws URL ROOM: edits through y-websocket, waits until the server has them
  const { WebsocketProvider } = req('y-websocket')
  const WebSocket = req('ws')
  const doc = new Y.Doc()
  const p = new WebsocketProvider(args[0], args[1], doc, { WebSocketPolyfill: WebSocket, disableBc: true })
  p.on('sync', async (synced) => {
    if (!synced) return
    doc.transact(() => {
      doc.getMap('shapes').set('s1', { x: 1, y: 2, tags: ['a', 'b'] })
      doc.getArray('order').push(['s1', 's2'])
      doc.getText('title').insert(0, 'héllo 🎹')
    })
    const http = args[0].replace('ws://', 'http://')
    for (let i = 0; i < 100; i++) {
      const j = await (await fetch(`${http}/api/rooms/${args[1]}/json`)).json()
      if (j.title === 'héllo 🎹') { p.destroy(); console.log('ok'); process.exit(0) }
      await new Promise((r) => setTimeout(r, 50))
    }
    console.log('timeout'); process.exit(1)
  })
  setTimeout(() => { console.log('no sync'); process.exit(1) }, 10000)
}
JS
y() { ROOT="$ROOT" node "$TMP/yjs.cjs" "$@"; }
canon() { y canon; }

# --- write real data
start_server
r=$(y ws "ws://127.0.0.1:$PORT" board-1 2>&1 | tail -1)
[[ "$r" == ok ]] && pass "y-websocket client wrote board-1" || fail "y-websocket client wrote board-1" "$r"
y update "$TMP/shape.bin" shape
y update "$TMP/notes.bin" notes
curl -sf -X POST --data-binary @"$TMP/shape.bin" "http://127.0.0.1:$PORT/api/rooms/board-1/update" > /dev/null \
  && curl -sf -X POST --data-binary @"$TMP/notes.bin" "http://127.0.0.1:$PORT/api/rooms/notes/update" > /dev/null \
  && pass "HTTP updates stored" || fail "HTTP updates stored"
stop_server TERM
# Restart, write once more, and kill -9: board-1 is a snapshot plus one log record.
start_server
y update "$TMP/late.bin" late
curl -sf -X POST --data-binary @"$TMP/late.bin" "http://127.0.0.1:$PORT/api/rooms/board-1/update" > /dev/null
expected=$(curl -sf "http://127.0.0.1:$PORT/api/rooms/board-1/json" | canon)
stop_server KILL

# --- --json: the document the server served
got=$("$BIN" inspect board-1 --json --data "$DATA" 2> "$TMP/err")
[[ $? -eq 0 && -n "$expected" && "$(canon <<< "$got")" == "$expected" ]] && pass "--json equals the server's JSON view (snapshot + log)" \
  || fail "--json equals the server's JSON view (snapshot + log)" "got $got, server $expected, $(cat "$TMP/err")"
[[ "$got" == *'"title":"héllo 🎹"'* ]] && pass "--json keeps UTF-8 text" || fail "--json keeps UTF-8 text" "$got"

# --- summary
if "$BIN" inspect board-1 --data "$DATA" > "$TMP/sum" 2> "$TMP/err"; then
  grep -q '^room  *board-1$' "$TMP/sum" && grep -q '^  shapes  *map  *2 keys$' "$TMP/sum" \
    && grep -q '^  order  *array  *3 items$' "$TMP/sum" && grep -q '^  title  *text  *7 characters$' "$TMP/sum" \
    && pass "summary: roots with kinds and lengths" || fail "summary: roots with kinds and lengths" "$(cat "$TMP/sum")"
  grep -Eq '^stored  *snapshot [0-9]+ B \(covers seq [0-9]+\) \+ 1 log records \([0-9]+ B\), last seq [0-9]+$' "$TMP/sum" \
    && grep -q '^document .* encoded, [0-9]* clients$' "$TMP/sum" \
    && grep -q '^created  *20[0-9][0-9]-' "$TMP/sum" && grep -q '^last active  *20[0-9][0-9]-' "$TMP/sum" \
    && pass "summary: size, records, clients, times" || fail "summary: size, records, clients, times" "$(cat "$TMP/sum")"
else
  fail "summary exit status" "$(cat "$TMP/err")"
fi

# --- --stats
"$BIN" inspect board-1 --stats --data "$DATA" > "$TMP/stats" 2> "$TMP/err"
stats=$(node -e 'const s=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));
  console.log([s.room, s.last_seq, s.log_records, s.snapshot_seq, s.clients > 0, s.doc_bytes > 0,
    s.roots.map((r) => r.name + ":" + r.kind + ":" + r.length).join(",")].join(" "))' "$TMP/stats" 2>&1)
read -r s_room s_last s_records s_snap s_rest <<< "$stats"
[[ "$s_room" == board-1 && "$s_records" == 1 && "$s_last" -eq $((s_snap + 1)) && \
   "$s_rest" == "true true shapes:map:2,order:array:3,title:text:7" ]] \
  && pass "--stats JSON" || fail "--stats JSON" "$stats $(cat "$TMP/err")"

# --- --list
"$BIN" inspect --list --data "$DATA" > "$TMP/list" 2> "$TMP/err"
[[ $? -eq 0 ]] && grep -q '^ROOM' "$TMP/list" && grep -q '^board-1 ' "$TMP/list" && grep -q '^notes ' "$TMP/list" \
  && pass "--list" || fail "--list" "$(cat "$TMP/list" "$TMP/err")"
n=$("$BIN" inspect --list --json --data "$DATA" | node -e 'console.log(JSON.parse(require("fs").readFileSync(0,"utf8")).rooms.map((r) => r.room).join(","))')
[[ "$n" == "board-1,notes" ]] && pass "--list --json" || fail "--list --json" "$n"
[[ "$("$BIN" inspect notes --json --data "$DATA")" == '{"notes":"meeting notes"}' ]] && pass "second room" || fail "second room"

# --- the data directory as serve finds it: ./symphony.toml, SYMPHONY_DATA
mkdir -p "$TMP/cwd" && printf 'data_dir = "%s"\n' "$DATA" > "$TMP/cwd/symphony.toml"
(cd "$TMP/cwd" && "$BIN" inspect notes --json > "$TMP/out" 2> "$TMP/err")
[[ "$(cat "$TMP/out")" == '{"notes":"meeting notes"}' ]] && pass "data_dir from ./symphony.toml" || fail "data_dir from ./symphony.toml" "$(cat "$TMP/err")"
(cd "$TMP" && SYMPHONY_DATA="$DATA" "$BIN" inspect notes --json > "$TMP/out" 2> "$TMP/err")
[[ "$(cat "$TMP/out")" == '{"notes":"meeting notes"}' ]] && pass "SYMPHONY_DATA" || fail "SYMPHONY_DATA" "$(cat "$TMP/err")"

# --- refusals: exit 1 and how to fix
"$BIN" inspect nope --data "$DATA" > "$TMP/out" 2> "$TMP/err"
[[ $? -eq 1 && ! -s "$TMP/out" ]] && grep -q "no room named 'nope'" "$TMP/err" && grep -q "inspect --list" "$TMP/err" \
  && pass "unknown room: exit 1, says how to list rooms" || fail "unknown room: exit 1, says how to list rooms" "$(cat "$TMP/err")"
"$BIN" inspect board-1 --data "$TMP/empty-dir" > /dev/null 2> "$TMP/err"
[[ $? -eq 1 && ! -e "$TMP/empty-dir" ]] && grep -q -- "--data DIR" "$TMP/err" \
  && pass "no database: exit 1, nothing created" || fail "no database: exit 1, nothing created" "$(cat "$TMP/err")"
"$BIN" inspect --data "$DATA" > /dev/null 2> "$TMP/err"
[[ $? -eq 1 ]] && grep -q -- "--list" "$TMP/err" && pass "no room given" || fail "no room given" "$(cat "$TMP/err")"
"$BIN" inspect board-1 --json --stats --data "$DATA" > /dev/null 2> "$TMP/err"
[[ $? -eq 1 ]] && pass "--json and --stats exclude each other" || fail "--json and --stats exclude each other"
"$BIN" inspect board-1 --data "$DATA" --storage memory > /dev/null 2>&1
[[ $? -eq 1 ]] && pass "unknown option: exit 1" || fail "unknown option: exit 1"

# --- stored bytes that fail their checksum: exit 2, naming the room (never a partial document)
if command -v sqlite3 > /dev/null; then
  cp -r "$DATA" "$TMP/damaged"
  sqlite3 "$TMP/damaged/symphony.db" "UPDATE log SET bytes = X'0000' WHERE room = 'board-1'"
  "$BIN" inspect board-1 --json --data "$TMP/damaged" > "$TMP/out" 2> "$TMP/err"
  rc=$?
  [[ $rc -eq 2 && ! -s "$TMP/out" ]] && grep -q "board-1" "$TMP/err" \
    && pass "damaged record: exit 2, nothing printed" || fail "damaged record: exit 2, nothing printed" "rc=$rc $(cat "$TMP/err")"
else
  echo "skip damaged record (no sqlite3)"
fi

"$BIN" inspect --help > "$TMP/help" 2>&1 && grep -q "Examples" "$TMP/help" && grep -q -- "--stats" "$TMP/help" \
  && grep -q -- "--data" "$TMP/help" && pass "inspect --help" || fail "inspect --help" "$(head -5 "$TMP/help")"

finish
