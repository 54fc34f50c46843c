// bench/peers.sh's bookkeeping: turns one run into one JSON line of results.jsonl (stdout) and
// one progress line (stderr). Strings in, JSON out, so the shell never builds JSON itself.
//   record.mjs run SCENARIO SERVER USERS LOADAVG EXIT LIMIT_S BENCH_JSON BENCH_LOG
//       (EXIT -1: the server did not start)
//   record.mjs skip SCENARIO SERVER USERS SATURATED_AT
//   record.mjs cold SERVER RUN CLIENT_JSON [WHY_NONE]
//   record.mjs saturated BENCH_JSON     exit 0 when the run is far past any latency target
import fs from 'node:fs'

const [command, ...a] = process.argv.slice(2)
const parse = (s) => { try { return s ? JSON.parse(s) : null } catch { return null } }
const f = (v, d = 1) => v == null ? '-' : Number(v).toFixed(d)
const out = (o) => console.log(JSON.stringify(o))
const say = (tag, text) => console.error(`  ${tag.padEnd(34)} ${text}`)

if (command === 'run') {
  const [scenario, server, users, load, exit, limit, json, log] = a
  const tag = `${scenario}-${server}-${users}`
  const line = { scenario, server, users: Number(users), load_before: load, bench_exit: Number(exit) }
  const r = parse(json)
  if (Number(exit) === -1) {
    line.error = 'server did not start'
  } else if (r) {
    line.result = r
  } else {
    line.error = Number(exit) === 124 || Number(exit) === 137
      ? `bench killed after ${limit} s` : `bench printed no result (exit ${exit})`
  }
  // The bench's own warnings (e.g. too few file descriptors) belong with the figures.
  const notes = log && fs.existsSync(log)
    ? fs.readFileSync(log, 'utf8').split('\n').filter(l => l.trim()).slice(-3) : []
  if (notes.length) line.bench_stderr = notes
  out(line)
  say(tag, r ? `connected ${r.connected}/${r.users}  doc p50/p99 ${f(r.doc_p50_ms)}/${f(r.doc_p99_ms)} ms  ` +
    `delivery ${f(r.doc_delivery, 3)}  errors ${r.errors}  connect_all ${f(r.connect_all_ms, 0)} ms  ` +
    `server ${f(r.server_cpu_pct, 0)} %  rss ${f(r.server_rss_peak_mb, 0)} MB` : line.error)
} else if (command === 'skip') {
  const [scenario, server, users, at] = a
  out({ scenario, server, users: Number(users), skipped: `saturated at ${at} users` })
  say(`${scenario}-${server}-${users}`, `skipped (saturated at ${at} users)`)
} else if (command === 'cold') {
  const [server, run, json, why] = a
  const r = parse(json) ?? { verified: false, error: why || 'no result' }
  out({ scenario: 'cold', server, run: Number(run), result: r })
  say(`cold-${server}-${run}`, `answer ${r.first_step2_ms ?? '-'} ms  applied ${r.synced_ms ?? '-'} ms  ` +
    `verified ${r.verified}${r.error ? `  error: ${r.error}` : ''}`)
} else if (command === 'saturated') {
  const r = parse(a[0])
  const bad = !r || r.doc_p99_ms == null || r.doc_p99_ms > 1000 || r.doc_delivery == null ||
    r.doc_delivery < 0.95 || r.connected < r.users * 0.99
  process.exitCode = bad ? 0 : 1
} else {
  console.error('usage: record.mjs run|skip|cold|saturated ...')
  process.exitCode = 2
}
