# Shared by tests/cli/*_cli_test.sh (sourced from the repository root). After
#   source tests/cli/lib.sh; cli_test_init <test name> "${1:-}"
# a script has: BIN (the symphony binary, absolute), TMP (a scratch folder removed on exit, with
# any server still running killed), pass/fail/skip (counted, one line each), start_server
# [serve flags...] (a `symphony serve` on a free port, its port in PORT, its log in
# $TMP/serve.log; SERVE_ARGS are put before the flags) and stop_server [SIGNAL], and finish
# (prints "N passed, M failed[, K skipped]" and exits non-zero if anything failed).

cli_test_init() {  # name [binary]
  CLI_TEST_NAME=$1
  BIN="${2:-${SYMPHONY_BIN:-build/symphony}}"
  if [[ ! -x "$BIN" ]]; then
    echo "$CLI_TEST_NAME: symphony binary not found at $BIN (build it, or pass its path)" >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
  BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
  ROOT=$PWD
  TMP="$(mktemp -d)"
  SERVER_PID=""
  SERVE_ARGS=()
  passed=0
  failed=0
  skipped=0
  trap cli_test_cleanup EXIT
}

cli_test_cleanup() {
  if [[ -n "$SERVER_PID" ]]; then
    kill "$SERVER_PID" 2> /dev/null
    wait "$SERVER_PID" 2> /dev/null
  fi
  rm -rf "$TMP"
}

pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1${2:+: $2}"; }
skip() { skipped=$((skipped + 1)); echo "skip $1${2:+: $2}"; }

finish() {
  local line="$passed passed, $failed failed"
  [[ $skipped -gt 0 ]] && line+=", $skipped skipped"
  echo "$line"
  [[ $failed -eq 0 ]]
  exit
}

# Waits until the server started as SERVER_PID logs its port to $TMP/serve.log: 0 with PORT set,
# 1 if it exited or took over 10 s.
await_port() {
  PORT=""
  for _ in $(seq 1 100); do
    PORT=$(grep -o 'listening url=http://127.0.0.1:[0-9]*' "$TMP/serve.log" | grep -o '[0-9]*$' | head -1)
    [[ -n "$PORT" ]] && return 0
    kill -0 "$SERVER_PID" 2> /dev/null || return 1
    sleep 0.1
  done
  return 1
}

# Starts `symphony serve` on a free port; a start that fails ends the test.
start_server() {  # extra serve flags...
  "$BIN" serve --port 0 --static-dir none "${SERVE_ARGS[@]}" "$@" 2> "$TMP/serve.log" &
  SERVER_PID=$!
  await_port && return 0
  fail "server start" "$(tail -5 "$TMP/serve.log")"
  finish
}

stop_server() {  # [signal], default TERM
  kill "-${1:-TERM}" "$SERVER_PID" 2> /dev/null
  wait "$SERVER_PID" 2> /dev/null
  SERVER_PID=""
}
