// Renders one bench/peers.sh run (RUN_DIR/meta.json, results.jsonl, cold-doc.json) as Markdown:
// printed on stdout, and written to --out. When --out is bench/RESULTS.md (or any file that
// has them), only the text between <!-- server:begin --> and <!-- server:end --> is replaced;
// a file without the markers gets them in place of its "## Server throughput: first figure"
// section, or at its end.
//   node bench/render_peers.mjs RUN_DIR [--elapsed SECONDS] [--out FILE]
import fs from 'node:fs'
import os from 'node:os'
import { execSync } from 'node:child_process'

const args = process.argv.slice(2)
const runDir = args[0]
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : dflt
}
if (!runDir) {
  console.error('usage: node bench/render_peers.mjs RUN_DIR [--elapsed SECONDS] [--out FILE]')
  process.exit(1)
}
const outFile = opt('out')
const elapsed = opt('elapsed')
const meta = JSON.parse(fs.readFileSync(`${runDir}/meta.json`, 'utf8'))
const lines = fs.readFileSync(`${runDir}/results.jsonl`, 'utf8').split('\n').filter(Boolean).map(l => JSON.parse(l))
const coldDoc = fs.existsSync(`${runDir}/cold-doc.json`) ? JSON.parse(fs.readFileSync(`${runDir}/cold-doc.json`, 'utf8')) : null

// Targets (issue 5). A sweep or seed point passes when every user connected, nothing failed,
// every stroke arrived, and doc p99 is within the limit.
const kP99Ms = 100
const kP99StrictMs = 50
const kColdMs = 200
const kSeedUsers = 20000
const kSeedRssMb = 2048
const kStormMs = 5000
const kStormUsers = 5000
const kFanoutP99Ms = 100
const kFanoutUsers = 500

const kNames = {
  ywebsocket: '`@y/websocket-server`',
  hocuspocus: '`@hocuspocus/server`',
  symphony: 'Symphony, y-websocket',
  'symphony-hocuspocus': 'Symphony, Hocuspocus'
}
const kOrder = ['ywebsocket', 'hocuspocus', 'symphony', 'symphony-hocuspocus']
const peers = kOrder.filter(s => s.startsWith('symphony') === false)
const ours = kOrder.filter(s => s.startsWith('symphony'))
const serversRun = kOrder.filter(s => lines.some(l => l.server === s))

// ---- machine and versions ----------------------------------------------------------------
const version = (pkg) => {
  try { return JSON.parse(fs.readFileSync(`node_modules/${pkg}/package.json`, 'utf8')).version } catch { return '?' }
}
const cpuModel = (() => {
  const m = fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m)
  return m ? m[1].trim() : os.cpus()[0]?.model ?? '?'
})()
const nproc = (() => { try { return execSync('nproc').toString().trim() } catch { return String(os.cpus().length) } })()
const memGiB = Math.round(os.totalmem() / 2 ** 30)

// ---- formatting --------------------------------------------------------------------------
const num = (v, d = 1) => v == null ? '-' : Number(v).toFixed(d)
const ms = (v) => v == null ? '-' : v < 10 ? Number(v).toFixed(1) : Number(v).toFixed(0)
const int = (v) => v == null ? '-' : Math.round(v).toLocaleString('en-US')
const pct = (v) => v == null ? '-' : `${(v * 100).toFixed(v >= 0.9995 ? 0 : 1)} %`
const errorsText = (r) => {
  if (!r.errors) return '0'
  const parts = [['connect', r.connect_errors], ['protocol', r.protocol_errors],
    ['overflow', r.send_overflows], ['closed', r.unexpected_closes]].filter(([, n]) => n > 0)
  return `${r.errors} (${parts.map(([k, n]) => `${k} ${n}`).join(', ')})`
}
function table (head, rows) {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map(r => String(r[i]).length)))
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(w[i])).join(' | ')} |`
  return [line(head), `|${w.map(n => '-'.repeat(n + 2)).join('|')}|`, ...rows.map(line)].join('\n')
}

const kHead = ['server', 'users', 'connected', 'doc p50 / p99 ms', 'aw p99 ms', 'doc delivery',
  'aw delivery', 'errors', 'server CPU %', 'bench CPU %', 'host CPU %', 'server RSS MB']
function row (l, extra = []) {
  const name = kNames[l.server] ?? l.server
  if (l.skipped) return [name, int(l.users), l.skipped, ...Array(kHead.length - 3 + extra.length).fill('')]
  if (!l.result) return [name, int(l.users), `no result: ${l.error}`, ...Array(kHead.length - 3 + extra.length).fill('')]
  const r = l.result
  return [name, int(r.users), int(r.connected), `${ms(r.doc_p50_ms)} / ${ms(r.doc_p99_ms)}`, ms(r.aw_p99_ms),
    pct(r.doc_delivery), pct(r.aw_delivery), errorsText(r), num(r.server_cpu_pct, 0), num(r.bench_cpu_pct, 0),
    num(r.host_cpu_pct, 0), num(r.server_rss_peak_mb, 0), ...extra.map(f => f(r))]
}
const of = (scenario) => lines.filter(l => l.scenario === scenario)
  .sort((a, b) => (a.users - b.users) || (kOrder.indexOf(a.server) - kOrder.indexOf(b.server)))

const passes = (l, limit) => {
  const r = l.result
  return !!r && r.connected === r.users && r.errors === 0 && r.doc_delivery != null &&
    r.doc_delivery >= 0.999 && r.doc_p99_ms != null && r.doc_p99_ms <= limit
}
// The largest user count that passes, below the first one that does not (noise above a
// failure does not count).
function knee (server, limit) {
  let best = null
  for (const l of of('sweep').filter(l => l.server === server)) {
    if (l.skipped || !passes(l, limit)) break
    best = l.users
  }
  return best
}
const median = (xs) => {
  const s = xs.filter(x => x != null).sort((a, b) => a - b)
  if (!s.length) return null
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const yesNo = (b) => b == null ? 'not run' : b ? '**yes**' : '**no**'

// ---- sections ----------------------------------------------------------------------------
const out = []
const date = (meta.started ?? new Date().toISOString()).slice(0, 10)
out.push(
  `Measured ${date}${meta.quick ? ' in **quick mode** (tiny sizes: a self-test of the script, not a measurement)' : ''}` +
  `${elapsed ? `, ${elapsed >= 120 ? `${Math.round(elapsed / 60)} min` : `${elapsed} s`} for the whole run` : ''}, on ${nproc} × ${cpuModel} ` +
  `(\`nproc\` ${nproc}, ${memGiB} GiB), Node ${process.version}, \`@y/websocket-server\` ${version('@y/websocket-server')}, ` +
  `\`@hocuspocus/server\` ${version('@hocuspocus/server')}, yjs ${version('yjs')}, ws ${version('ws')} (all from ` +
  `\`node_modules\`); Symphony: \`${meta.symphony_bin}\` built ${meta.symphony_bin_mtime}, commit \`${meta.commit}\`` +
  `${meta.src_files_changed ? ` (${meta.src_files_changed} files under \`src/\` differed from it)` : ''}` +
  `${meta.symphony_args ? `, served with \`${meta.symphony_args}\`` : ''}, its SQLite data in a fresh directory under ` +
  `\`${(meta.data_dir ?? '/tmp').replace(/\/[^/]*$/, '') || '/'}\`${meta.data_fs ? ` (${meta.data_fs})` : ''} for every row, default fsync (always). ` +
  `Open files allowed per process: ${meta.open_files ?? '?'}. ` +
  'The load generator (`symphony bench`) runs on the same cores as the server; every server is a fresh ' +
  'process per row, on 127.0.0.1. Latencies in ms, CPU in % of one core (host: all cores).',
  '',
  `Command: \`${meta.command.trim()}\`. Raw lines: \`build/bench/peers/<run>/results.jsonl\`. ` +
  'What each scenario does and how to read it: doc/bench.md, "Comparing with the peers".',
  '')

// Targets first: what a reader wants to know.
const sweepRan = of('sweep').length > 0
const seedOf = (s) => of('seed').find(l => l.server === s)
const coldOf = (s) => {
  const runs = of('cold').filter(l => l.server === s).map(l => l.result)
  if (!runs.length) return null
  const ok = runs.filter(r => r && r.verified)
  return {
    runs,
    ok: ok.length,
    answer: median(ok.map(r => r.first_step2_ms)),
    synced: median(ok.map(r => r.synced_ms)),
    apply: median(ok.map(r => r.apply_ms)),
    errors: [...new Set(runs.filter(r => !r || !r.verified).map(r => r?.error ?? 'not verified'))]
  }
}
// Explicit targets (issue 5): met or not.
const targetRows = []
for (const s of kOrder.filter(s => serversRun.includes(s))) {
  const name = kNames[s]
  const seed = seedOf(s)
  if (seed) {
    const r = seed.result
    const met = !!r && passes(seed, kP99StrictMs) && r.users >= (meta.quick ? 0 : kSeedUsers) &&
      r.server_rss_peak_mb != null && r.server_rss_peak_mb <= kSeedRssMb
    targetRows.push([name, `seed: ${int(kSeedUsers)} users in rooms of 4 (run: ${int(seed.users)}), all connected, doc p99 ≤ ${kP99StrictMs} ms, 100 % delivery, 0 errors, server RSS ≤ 2 GB`,
      r ? `${int(r.connected)} connected, p99 ${ms(r.doc_p99_ms)} ms, delivery ${pct(r.doc_delivery)}, errors ${r.errors}, RSS ${num(r.server_rss_peak_mb, 0)} MB` : seed.error,
      yesNo(met)])
  }
  const storm = of('storm').find(l => l.server === s)
  if (storm) {
    const r = storm.result
    const met = !!r && r.users >= (meta.quick ? 0 : kStormUsers) && r.connected === r.users &&
      r.errors === 0 && r.connect_all_ms != null && r.connect_all_ms <= kStormMs
    targetRows.push([name, `connection storm: ${int(kStormUsers)} connected and synced ≤ ${kStormMs / 1000} s (run: ${int(storm.users)})`,
      r ? `${int(r.connected)} connected, all synced after ${int(r.connect_all_ms)} ms, errors ${r.errors}` : storm.error,
      yesNo(met)])
  }
  const fan = of('fanout').find(l => l.server === s)
  if (fan) {
    const r = fan.result
    const met = !!r && r.users >= (meta.quick ? 0 : kFanoutUsers) && passes(fan, kFanoutP99Ms)
    targetRows.push([name, `fan-out: one room of ${kFanoutUsers} users, 1 stroke/s each, doc p99 ≤ ${kFanoutP99Ms} ms (run: ${int(fan.users)})`,
      r ? `${int(r.connected)} connected, p99 ${ms(r.doc_p99_ms)} ms, delivery ${pct(r.doc_delivery)}, bench CPU ${num(r.bench_cpu_pct, 0)} %, server CPU ${num(r.server_cpu_pct, 0)} %` : fan.error,
      yesNo(met)])
  }
  const c = coldOf(s)
  if (c) {
    const met = c.ok === c.runs.length && c.answer != null && c.answer <= kColdMs
    const metApplied = c.ok === c.runs.length && c.synced != null && c.synced <= kColdMs
    targetRows.push([name, `cold start: first sync of a ${coldDoc ? (coldDoc.bytes / 1e6).toFixed(1) : '?'} MB room ≤ ${kColdMs} ms`,
      c.ok ? `answer ${ms(c.answer)} ms, applied ${ms(c.synced)} ms (median; ${c.ok}/${c.runs.length} runs verified)` : `failed: ${c.errors.join('; ')}`,
      `answer: ${yesNo(met)}; applied: ${yesNo(metApplied)}`])
  }
}
if (targetRows.length) {
  out.push('### Targets', '', table(['server', 'target', 'measured', 'met'], targetRows), '')
}

// The other scenarios have no fixed bar: Symphony beside the best peer.
const best = (list, better) => list.reduce((acc, x) => (acc == null || better(x.v, acc.v) ? x : acc), null)
const cmpRows = []
const fig = (label, value, fmt) => {
  // value(server): a number to compare, a string saying why there is none, or null.
  const cells = ours.filter(s => serversRun.includes(s)).map(s => value(s))
  const peerVals = peers.filter(p => serversRun.includes(p)).map(p => ({ p, v: value(p) }))
    .filter(x => typeof x.v === 'number')
  const b = best(peerVals, fmt.better)
  cmpRows.push([label, ...cells.map(v => typeof v === 'number' ? fmt.show(v) : v ?? fmt.none),
    b ? `${fmt.show(b.v)} (${kNames[b.p]})` : fmt.none])
}
if (sweepRan) {
  const top = Math.max(...of('sweep').map(l => l.users))
  fig(`sweep: most users with doc p99 ≤ ${kP99Ms} ms (largest run: ${int(top)})`, s => knee(s, kP99Ms),
    { show: int, none: 'none', better: (a, b) => a > b })
  fig(`sweep: most users with doc p99 ≤ ${kP99StrictMs} ms`, s => knee(s, kP99StrictMs),
    { show: int, none: 'none', better: (a, b) => a > b })
}
const storm = (s) => {
  const r = of('storm').find(l => l.server === s)?.result
  if (!r) return 'no result'
  return r.connected === r.users ? r.connect_all_ms : `${int(r.connected)} of ${int(r.users)} synced`
}
if (of('storm').length) {
  fig(`storm: ms until all ${int(of('storm')[0].users)} users synced`, storm,
    { show: int, none: '-', better: (a, b) => a < b })
}
if (of('fanout').length) {
  fig(`fan-out: doc p99 ms, room of ${int(of('fanout')[0].users)} (only runs that delivered everything)`, s => {
    const l = of('fanout').find(l => l.server === s)
    if (!l?.result) return 'no result'
    return passes(l, Infinity) ? l.result.doc_p99_ms : `lost strokes or errors (p99 ${ms(l.result.doc_p99_ms)})`
  }, { show: ms, none: '-', better: (a, b) => a < b })
}
if (cmpRows.length) {
  out.push('### Beside the peers', '',
    table(['figure', ...ours.filter(s => serversRun.includes(s)).map(s => kNames[s]), 'best peer'], cmpRows), '')
}

if (sweepRan) {
  out.push('### Seed sweep',
    '',
    'Rooms of 4 users; each user sends 1 stroke and 5 presence updates per second; ' +
    `${of('sweep')[0]?.result?.ramp_s ?? '?'} s ramp, ${of('sweep').find(l => l.result)?.result?.duration_s ?? '?'} s measured. ` +
    'A server is not run at larger counts once it is far past the targets (p99 over 1 s, delivery under 95 % or ' +
    'users failing to connect).', '',
    table(kHead, of('sweep').map(l => row(l))), '')
  const knees = serversRun.map(s => [kNames[s], knee(s, kP99Ms) == null ? 'none' : int(knee(s, kP99Ms)),
    knee(s, kP99StrictMs) == null ? 'none' : int(knee(s, kP99StrictMs))])
  out.push(`Largest user count whose run passed (all connected, no errors, ≥ 99.9 % doc delivery, doc p99 within the limit), ` +
    'counting up from the smallest until the first failure:', '',
    table(['server', `doc p99 ≤ ${kP99Ms} ms`, `doc p99 ≤ ${kP99StrictMs} ms`], knees), '')
}

if (of('seed').length) {
  const r0 = of('seed').find(l => l.result)?.result
  out.push('### Seed target', '',
    `${int(r0?.users ?? of('seed')[0].users)} users in rooms of 4 (${int(r0?.rooms)} rooms), 1 stroke + 5 presence/s each, ` +
    `${r0?.ramp_s ?? '?'} s ramp, ${r0?.duration_s ?? '?'} s measured, 10 s connect timeout per user.`, '',
    table(kHead, of('seed').map(l => row(l))), '')
}

if (of('storm').length) {
  const extra = [r => ms(r.connect_p50_ms), r => ms(r.connect_p99_ms), r => int(r.connect_all_ms)]
  out.push('### Connection storm', '',
    `${int(of('storm')[0].users)} users connect at once (\`--ramp 0\`), then a short low-rate steady phase. ` +
    'The figure is `connect_all_ms`: from the start until the last user is connected and synced; ' +
    'connect errors are users that never got there (30 s connect timeout).', '',
    table([...kHead, 'connect p50 ms', 'connect p99 ms', 'connect_all_ms'], of('storm').map(l => row(l, extra))), '')
}

// The generator's side of the fan-out: how many of the room's users kept a full replica.
function fanoutReplicas (r) {
  if (!r || r.replicas === undefined || r.replicas >= r.room_size) {
    return 'Every user keeps a full replica (a Yjs document applying every update).'
  }
  return `${int(r.replicas)} users keep a full replica (a Yjs document applying every update, ` +
    'compared at the end); the others decode every update to measure it without keeping the ' +
    'document (`symphony bench --replicas`), so that the generator does not need a core per ' +
    '100 users. The server does the same work either way.'
}

if (of('fanout').length) {
  out.push('### Fan-out', '',
    `One room of ${int(of('fanout')[0].users)} users, each sending ${of('fanout').find(l => l.result)?.result?.doc_rate ?? '?'} ` +
    'strokes per second and no presence: every stroke ' +
    `goes to ${int(of('fanout')[0].users - 1)} others. ` +
    fanoutReplicas(of('fanout').find(l => l.result)?.result), '',
    table(kHead, of('fanout').map(l => row(l))), '')
}

if (of('cold').length) {
  const rows = serversRun.map(s => {
    const c = coldOf(s)
    if (!c) return null
    const each = c.runs.map(r => r && r.verified ? `${ms(r.first_step2_ms)} / ${ms(r.synced_ms)}` : 'failed').join(', ')
    return [kNames[s], c.ok ? ms(c.answer) : '-', c.ok ? ms(c.synced) : '-', c.ok ? ms(c.apply) : '-',
      `${c.ok}/${c.runs.length}`, each, c.errors.join('; ') || '']
  }).filter(Boolean)
  out.push('### Cold start', '',
    `A room whose stored document is ${coldDoc ? `${coldDoc.bytes.toLocaleString('en-US')} bytes` : '?'} ` +
    `(${coldDoc?.doc ?? '?'}; made by \`bench/cold_start.mjs\`, cached in \`build/bench/\`). ` +
    'Each run starts a fresh server holding it in its storage (Symphony: `symphony import` into a fresh data dir; ' +
    '`@y/websocket-server`: `setPersistence` bindState reading the update file; `@hocuspocus/server`: ' +
    'onLoadDocument reading it), then one client connects. *Answer*: start of the TCP connect → the complete sync ' +
    'step 2 received; *applied*: → applied to the client\'s Yjs doc and holding the whole stored state ' +
    '(state vector, strokes and text checked). The client\'s own `Y.applyUpdate` (*client apply*) is the same work ' +
    `for every server. Medians of ${of('cold').length / rows.length} cold starts.`, '',
    table(['server', 'answer ms', 'applied ms', 'client apply ms', 'verified', 'each run (answer / applied)', 'errors'], rows), '')
}

const notes = [...new Set(lines.flatMap(l => (l.bench_stderr ?? []).map(n => `${l.scenario}, ${kNames[l.server] ?? l.server}: ${n.trim()}`)))]
if (notes.length) out.push('Bench warnings:', '', ...notes.map(n => `- ${n}`), '')

// Prose wrapped at 100 columns like the rest of RESULTS.md; tables and lists as they are.
const wrap = (text) => {
  if (text.startsWith('|') || text.startsWith('- ') || text.startsWith('#') || text.length <= 100) return text
  const lines = []
  let cur = ''
  for (const word of text.split(' ')) {
    if (cur && cur.length + 1 + word.length > 100) { lines.push(cur); cur = word } else cur = cur ? `${cur} ${word}` : word
  }
  if (cur) lines.push(cur)
  return lines.join('\n')
}
const section = out.map(wrap).join('\n').trimEnd()
console.log(section)

if (outFile) {
  const begin = '<!-- server:begin -->'
  const end = '<!-- server:end -->'
  const heading = '## Server: Symphony beside the peers'
  const block = `${begin}\n${section}\n${end}`
  let doc = fs.existsSync(outFile) ? fs.readFileSync(outFile, 'utf8') : ''
  if (doc.includes(begin) && doc.includes(end)) {
    doc = doc.replace(new RegExp(`${begin}[\\s\\S]*${end}`), () => block)
  } else {
    const old = doc.search(/^## Server throughput: first figure.*$/m)
    if (old >= 0) {
      const next = doc.slice(old + 1).search(/^## /m)
      const tail = next >= 0 ? doc.slice(old + 1 + next) : ''
      doc = `${doc.slice(0, old)}${heading}\n\n${block}\n${tail ? `\n${tail}` : ''}`
    } else {
      doc = `${doc ? `${doc.trimEnd()}\n\n` : '# Benchmark results\n\n'}${heading}\n\n${block}\n`
    }
  }
  fs.writeFileSync(outFile, doc)
  console.error(`peers: wrote ${outFile}`)
}
