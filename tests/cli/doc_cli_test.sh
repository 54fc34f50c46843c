#!/usr/bin/env bash
# End-to-end tests of `symphony doc ...` through the real binary.
# Usage: tests/cli/doc_cli_test.sh [path/to/symphony]   (default: $SYMPHONY_BIN or build/symphony)
# Expected bytes come from Yjs 13.6.33 (see src/crdt/testdata/gen_update_vectors.mjs).
set -u
cd "$(dirname "$0")/../.."
BIN="${1:-${SYMPHONY_BIN:-build/symphony}}"
if [[ ! -x "$BIN" ]]; then
  echo "doc_cli_test: symphony binary not found at $BIN (build it, or pass its path)" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1${2:+: $2}"; }
# Writes hex (no spaces) as bytes.
unhex() { printf "$(printf '%s' "$1" | sed 's/../\\x&/g')" > "$2"; }
hexof() { od -An -v -tx1 "$1" | tr -d ' \n'; }
# Frames updates (each < 128 bytes) as lib0 varUint8Arrays.
frame() {
  local out="$1"; shift
  local all=""
  for u in "$@"; do all+="$(printf '%02x' $((${#u} / 2)))$u"; done
  unhex "$all" "$out"
}

TEXT_A=01010100040101740568656c6c6f00
TEXT_B=010101058401040620776f726c6400
TEXT_A2=000001010000010409067468656c6c6f01050101000001010000
TEXT_B2=00000241000108000184080620776f726c640600000001010500
TEXT_STATE=01010100040101740b68656c6c6f20776f726c6400
TEXT_SV=01010b
OVERLAP_FULL=0103c0843d0004010174016181c0843d000184c0843d010cf09f98806364f09f9880656601c0843d010101
SV_MID=01c0843d03
OVERLAP_DIFF_MID=0101c0843d0384c0843d020befbfbd6364f09f9880656601c0843d010101

# --- apply (v1): state, state vector and JSON view
frame "$TMP/text.bin" "$TEXT_A" "$TEXT_B"
if "$BIN" doc apply --updates "$TMP/text.bin" --out "$TMP/out" --sv "$TMP/sv" --json > "$TMP/json" 2> "$TMP/err"; then
  [[ "$(hexof "$TMP/out")" == "$TEXT_STATE" ]] && pass "apply --out" || fail "apply --out" "$(hexof "$TMP/out")"
  [[ "$(hexof "$TMP/sv")" == "$TEXT_SV" ]] && pass "apply --sv" || fail "apply --sv" "$(hexof "$TMP/sv")"
  [[ "$(cat "$TMP/json")" == '{"t":"hello world"}' ]] && pass "apply --json" || fail "apply --json" "$(cat "$TMP/json")"
else
  fail "apply exit status" "$(cat "$TMP/err")"
fi

# --- apply --v2
frame "$TMP/text2.bin" "$TEXT_A2" "$TEXT_B2"
if "$BIN" doc apply --updates "$TMP/text2.bin" --v2 --out "$TMP/out2" > /dev/null 2> "$TMP/err"; then
  [[ "$(hexof "$TMP/out2")" == "$TEXT_STATE" ]] && pass "apply --v2 --out" || fail "apply --v2 --out" "$(hexof "$TMP/out2")"
else
  fail "apply --v2 exit status" "$(cat "$TMP/err")"
fi

# --- apply: an empty file is an empty document
: > "$TMP/empty.bin"
"$BIN" doc apply --updates "$TMP/empty.bin" --out "$TMP/out3" --json > "$TMP/json3" 2>&1 \
  && [[ "$(hexof "$TMP/out3")" == "0000" && "$(cat "$TMP/json3")" == "{}" ]] \
  && pass "apply empty file" || fail "apply empty file" "$(cat "$TMP/json3")"

# --- diff
unhex "$OVERLAP_FULL" "$TMP/state"
unhex "$SV_MID" "$TMP/remote.sv"
if "$BIN" doc diff --state "$TMP/state" --sv "$TMP/remote.sv" --out "$TMP/diff" 2> "$TMP/err"; then
  [[ "$(hexof "$TMP/diff")" == "$OVERLAP_DIFF_MID" ]] && pass "diff" || fail "diff" "$(hexof "$TMP/diff")"
else
  fail "diff exit status" "$(cat "$TMP/err")"
fi

# --- inspect
if "$BIN" doc inspect "$TMP/state" > "$TMP/inspect" 2> "$TMP/err"; then
  grep -q '^client 1000000: 3 structs' "$TMP/inspect" \
    && grep -q '1000000:1 len=1 Deleted origin=1000000:0 right=- parent=- sub=-' "$TMP/inspect" \
    && grep -q 'parent=root "t"' "$TMP/inspect" \
    && grep -q '^  client 1000000: \[1,2)' "$TMP/inspect" \
    && pass "inspect" || fail "inspect" "$(cat "$TMP/inspect")"
else
  fail "inspect exit status" "$(cat "$TMP/err")"
fi
unhex "$TEXT_A2" "$TMP/a2"
"$BIN" doc inspect "$TMP/a2" --v2 2>&1 | grep -q 'String "hello"' && pass "inspect --v2" || fail "inspect --v2"

# --- malformed input: exit 2, exactly one line on stderr naming update and byte
frame "$TMP/trunc.bin" "$TEXT_A" "$TEXT_B"
head -c -3 "$TMP/trunc.bin" > "$TMP/trunc2.bin"
"$BIN" doc apply --updates "$TMP/trunc2.bin" --out "$TMP/o" > /dev/null 2> "$TMP/err"
rc=$?
[[ $rc -eq 2 ]] && pass "truncated framing: exit 2" || fail "truncated framing: exit 2" "got $rc"
[[ $(wc -l < "$TMP/err") -eq 1 ]] && grep -q '^symphony: update 1 at byte [0-9]*: ' "$TMP/err" \
  && pass "truncated framing: one stderr line" || fail "truncated framing: one stderr line" "$(cat "$TMP/err")"

# Valid framing, the second update cut short inside (its length prefix says 11 bytes).
frame "$TMP/bad.bin" "$TEXT_A" "${TEXT_B:0:22}"
"$BIN" doc apply --updates "$TMP/bad.bin" > /dev/null 2> "$TMP/err"
rc=$?
[[ $rc -eq 2 && $(wc -l < "$TMP/err") -eq 1 ]] && grep -q '^symphony: update 1 at byte [0-9]*: [a-z ]*: ' "$TMP/err" \
  && pass "truncated update: exit 2, one line" || fail "truncated update: exit 2, one line" "rc=$rc $(cat "$TMP/err")"
off=$(sed -n 's/^symphony: update 1 at byte \([0-9]*\):.*/\1/p' "$TMP/err")
[[ -n "$off" && "$off" -ge 17 && "$off" -le 28 ]] && pass "truncated update: absolute offset" \
  || fail "truncated update: absolute offset" "offset '$off' not inside the second update (bytes 17..28)"

printf '\xff' > "$TMP/garbage.sv"
"$BIN" doc diff --state "$TMP/state" --sv "$TMP/garbage.sv" --out "$TMP/o" > /dev/null 2> "$TMP/err"
rc=$?
[[ $rc -eq 2 && $(wc -l < "$TMP/err") -eq 1 ]] && pass "diff bad state vector: exit 2" || fail "diff bad state vector: exit 2" "rc=$rc"

# --- missing files: exit 1 with a message
"$BIN" doc apply --updates "$TMP/does-not-exist" > /dev/null 2> "$TMP/err"
rc=$?
[[ $rc -eq 1 ]] && grep -q 'does-not-exist' "$TMP/err" && pass "missing file: exit 1" || fail "missing file: exit 1" "rc=$rc $(cat "$TMP/err")"
"$BIN" doc inspect "$TMP/nope" > /dev/null 2>&1
[[ $? -eq 1 ]] && pass "inspect missing file: exit 1" || fail "inspect missing file: exit 1"

# --- help and usage
"$BIN" --help > "$TMP/help" 2>&1 && grep -q 'doc' "$TMP/help" && grep -q 'Examples' "$TMP/help" \
  && pass "--help" || fail "--help" "$(cat "$TMP/help")"
"$BIN" doc --help > "$TMP/help" 2>&1 && grep -q 'apply' "$TMP/help" && grep -q 'diff' "$TMP/help" \
  && grep -q 'inspect' "$TMP/help" && grep -q 'symphony doc apply --updates' "$TMP/help" \
  && pass "doc --help" || fail "doc --help" "$(cat "$TMP/help")"
"$BIN" frobnicate > /dev/null 2> "$TMP/err"
rc=$?
[[ $rc -ne 0 ]] && grep -q -- '--help' "$TMP/err" && pass "unknown command" || fail "unknown command" "rc=$rc $(cat "$TMP/err")"
"$BIN" doc apply > /dev/null 2> "$TMP/err"
[[ $? -eq 1 ]] && grep -q -- '--updates' "$TMP/err" && pass "missing required option" || fail "missing required option" "$(cat "$TMP/err")"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
