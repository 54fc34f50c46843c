#!/usr/bin/env node
// Seeded conformance fuzzer: Symphony's `doc apply` / `doc diff` vs real Yjs (npm yjs 13.6.x).
//
//   node tests/conformance/fuzz.mjs [--seeds N] [--start S] [--long] [--bin PATH] [--gc on|off|mixed]
//                                   [--jobs K] [--checks a,b,c,d,diff,robust] [--max-failures K]
//                                   [--no-minimize] [--self-test] [--quiet]
//
// Per seed: 2-5 Yjs docs edit concurrently and sync randomly (gen.mjs). Four update streams are
// derived: `observer` (what doc 0 applied, in order: its own updates, plus the remote ones as
// delivered: partial / shuffled / merged / state-vector diffs / duplicates), `causal` (all docs'
// own updates in creation order), `shuffled` (a random permutation: pending structs) and
// `prefix` (a shuffled prefix: pending structs left at the end). Each is fed, as v1 or v2
// (random per stream), to `symphony doc apply --updates F [--v2] --out O --sv S --json`, and
// compared with a fresh gc-on Yjs doc that applied the same stream:
//   (b) O == Y.encodeStateAsUpdate(ref) byte for byte   (if not: (a) is evaluated to explain:
//   (a) O loaded into Yjs: same content per root, state vector, delete set, pending-ness)
//   (c) S == Y.encodeStateVector(ref)
//   (d) stdout JSON == {root: ref.get<Kind>(root).toJSON()} (object key order ignored)
//   (diff) `symphony doc diff --state U --sv V --out O`: O == Y.diffUpdate(U, V), for a random
//          update U (full state / merged subset / single update) and random state vector V.
//   (robust) for ~1/4 of the seeds, a damaged copy of the causal stream (truncated / bit-flipped /
//          garbage update, or a frame overrunning the file): exit 0 or 2 (2: one stderr line),
//          never a crash, signal or hang.
// On failure: prints seed + check, writes tests/out/conformance/seed-N/ (stream, expected and
// actual outputs, a delta-debugged minimal stream, README.txt with the commands), exits 1.
import * as Y from 'yjs'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as prng from 'lib0/prng'
import { generateScenario, ROOTS } from './gen.mjs'
import {
  REPO_ROOT, frameUpdates, resolveBin, requireBin, runBin, describeRun, bytesEqual, describeByteDiff,
  jsonViewOfDoc, jsonViewOfState, ambiguityInfo, compareJsonView, snapshotOf, semanticCheck, svToPlain, mkdirp
} from '../js/lib/common.mjs'

// ------------------------------------------------------------------------------------ options
const argv = process.argv.slice(2)
const opt = { seeds: null, start: 1, long: false, bin: undefined, gc: 'mixed', jobs: Math.max(1, Math.min(4, os.availableParallelism?.() ?? 2)), checks: 'a,b,c,d,diff,robust', maxFailures: 3, minimize: true, selfTest: false, quiet: false, out: path.join(REPO_ROOT, 'tests/out/conformance'), timeBudget: 0 }
for (let i = 0; i < argv.length; i++) {
  const a = argv[i]
  const val = () => { if (i + 1 >= argv.length) usage(`missing value for ${a}`); return argv[++i] }
  switch (a) {
    case '--seeds': opt.seeds = parseInt(val(), 10); break
    case '--start': opt.start = parseInt(val(), 10); break
    case '--long': opt.long = true; break
    case '--bin': opt.bin = val(); break
    case '--gc': opt.gc = val(); if (!['on', 'off', 'mixed'].includes(opt.gc)) usage('--gc must be on|off|mixed'); break
    case '--jobs': opt.jobs = Math.max(1, parseInt(val(), 10)); break
    case '--checks': opt.checks = val(); break
    case '--max-failures': opt.maxFailures = Math.max(1, parseInt(val(), 10)); break
    case '--no-minimize': opt.minimize = false; break
    case '--self-test': opt.selfTest = true; break
    case '--quiet': opt.quiet = true; break
    case '--out': opt.out = path.resolve(val()); break
    case '--time-budget': opt.timeBudget = parseFloat(val()); break
    case '-h': case '--help': usage(); break
    default: usage(`unknown argument ${a}`)
  }
}
function usage (msg) {
  if (msg) console.error(`fuzz: ${msg}`)
  console.error('usage: node tests/conformance/fuzz.mjs [--seeds N] [--start S] [--long] [--bin PATH] [--gc on|off|mixed] [--jobs K]\n' +
    '         [--checks a,b,c,d,diff,robust] [--max-failures K] [--no-minimize] [--self-test] [--time-budget SECONDS] [--quiet] [--out DIR]\n' +
    '  --self-test  run only the Yjs side (generation + reference computation), no binary needed')
  process.exit(msg ? 2 : 0)
}
if (opt.seeds === null) opt.seeds = opt.long ? 50000 : 2000
const CHECKS = new Set(opt.checks.split(',').map(s => s.trim()).filter(Boolean))
const bin = opt.selfTest ? null : requireBin(resolveBin(opt.bin), 'fuzz')
const log = (...a) => { if (!opt.quiet) console.log(...a) }

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'symphony-fuzz-'))
process.on('exit', () => { try { fs.rmSync(tmpRoot, { recursive: true, force: true }) } catch {} })

// ------------------------------------------------------------------------------------ process pool
let running = 0
const waiters = []
const acquire = () => running < opt.jobs ? (running++, Promise.resolve()) : new Promise(resolve => waiters.push(resolve))
const release = () => { const w = waiters.shift(); if (w) w(); else running-- }
const run = async (args) => { await acquire(); try { return await runBin(bin, args, { timeout: 120_000 }) } finally { release() } }

// ------------------------------------------------------------------------------------ one seed
/** reference outputs for a stream as the engine gets it */
const referenceFor = (engineUpdates, v2) => {
  const doc = new Y.Doc()
  for (const u of engineUpdates) { if (v2) Y.applyUpdateV2(doc, u); else Y.applyUpdate(doc, u) }
  const snap = snapshotOf(doc)
  snap.pending = !!(doc.store.pendingStructs || doc.store.pendingDs)
  // roots are typed only now, after everything was applied (like a kind-agnostic doc)
  snap.view = jsonViewOfDoc(doc, ROOTS)
  snap.alt = ambiguityInfo(doc)
  doc.destroy()
  return snap
}

const prepareSeed = (seed) => {
  const sc = generateScenario(seed, { gc: opt.gc, long: opt.long })
  const streams = sc.streams().map(s => {
    const engineUpdates = s.v2 ? s.updates.map(u => Y.convertUpdateFormatV1ToV2(u)) : s.updates
    return { ...s, engineUpdates, ref: referenceFor(engineUpdates, s.v2) }
  })
  const causal = streams.find(s => s.name === 'causal')
  const diff = sc.diffCase(causal.ref.state)
  const info = { nDocs: sc.nDocs, gc: sc.gc, ids: sc.docs.map(d => d.clientID), diverged: sc.diverged }
  sc.destroy()
  const corrupt = CHECKS.has('robust') ? corruptCase(seed, causal) : null
  return { seed, streams, diff, info, corrupt }
}

/**
 * A damaged copy of the causal stream for ~1/4 of the seeds: one update truncated, bit-flipped,
 * replaced by garbage, or a frame length that overruns the file. The engine must not crash:
 * exit 0 or 2 (2 with exactly one stderr line), no signal, no hang.
 */
const corruptCase = (seed, stream) => {
  const g = prng.create(seed * 31 + 7)
  if (prng.real53(g) >= 0.25 || stream.engineUpdates.length === 0) return null
  const ups = stream.engineUpdates.map(u => u.slice())
  const i = prng.int32(g, 0, ups.length - 1)
  const kind = prng.oneOf(g, ['truncate', 'flip', 'garbage', 'overrun', 'flip'])
  let framed
  if (kind === 'truncate') ups[i] = ups[i].subarray(0, prng.int32(g, 0, Math.max(0, ups[i].length - 1)))
  else if (kind === 'flip') {
    const n = prng.int32(g, 1, 3)
    for (let k = 0; k < n && ups[i].length; k++) ups[i][prng.int32(g, 0, ups[i].length - 1)] ^= 1 << prng.int32(g, 0, 7)
  } else if (kind === 'garbage') {
    const len = prng.int32(g, 1, 40)
    const b = new Uint8Array(len)
    for (let k = 0; k < len; k++) b[k] = prng.int32(g, 0, 255)
    ups[i] = b
  }
  if (kind === 'overrun') {
    const full = frameUpdates(ups.slice(0, i + 1))
    framed = full.subarray(0, full.length - prng.int32(g, 1, Math.min(full.length - 1, ups[i].length || 1)))
  } else framed = frameUpdates(ups)
  // what does Yjs say? (first update it throws on, or -1)
  let yjsRejects = kind === 'overrun' ? i : -1
  if (kind !== 'overrun') {
    const doc = new Y.Doc()
    for (let k = 0; k < ups.length; k++) {
      try { if (stream.v2) Y.applyUpdateV2(doc, ups[k]); else Y.applyUpdate(doc, ups[k]) } catch { yjsRejects = k; break }
    }
    try { doc.destroy() } catch {}
  }
  return { kind, index: i, framed, v2: stream.v2, yjsRejects }
}

const robustAndCheck = async (dir, c) => {
  const f = path.join(dir, 'corrupt.updates')
  fs.writeFileSync(f, c.framed)
  const r = await run(['doc', 'apply', '--updates', f, ...(c.v2 ? ['--v2'] : []), '--out', path.join(dir, 'corrupt.out'), '--sv', path.join(dir, 'corrupt.sv'), '--json'])
  stats.robust++
  if (r.code === 2) stats.robustRejected++
  if ((r.code === 2) === (c.yjsRejects >= 0)) stats.robustAgree++
  if (r.signal || r.code === null || (r.code !== 0 && r.code !== 2)) return { fails: [{ check: 'robust', msg: `damaged stream (${c.kind} of update ${c.index}): doc apply ${describeRun(r)} (must exit 0 or 2)` }] }
  if (r.code === 2) {
    const lines = r.stderr.toString('utf8').split('\n').filter(l => l.trim())
    if (lines.length !== 1) return { fails: [{ check: 'robust', msg: `damaged stream (${c.kind} of update ${c.index}): exit 2 must come with exactly one stderr line, got ${lines.length}: ${JSON.stringify(lines.slice(0, 3))}` }] }
  }
  return { fails: [] }
}

/** run one apply and evaluate every check; returns array of {check, msg} */
const applyAndCheck = async (dir, tag, engineUpdates, v2, ref) => {
  const f = path.join(dir, `${tag}.updates`)
  const o = path.join(dir, `${tag}.out`)
  const s = path.join(dir, `${tag}.sv`)
  fs.writeFileSync(f, frameUpdates(engineUpdates))
  try { fs.rmSync(o, { force: true }); fs.rmSync(s, { force: true }) } catch {}
  const args = ['doc', 'apply', '--updates', f, ...(v2 ? ['--v2'] : []), '--out', o, '--sv', s, '--json']
  const r = await run(args)
  const fails = []
  const actual = { run: r }
  if (r.code !== 0) {
    fails.push({ check: 'exit', msg: `doc apply ${describeRun(r)}` })
    return { fails, actual }
  }
  let out = null
  let sv = null
  try { out = new Uint8Array(fs.readFileSync(o)) } catch { fails.push({ check: 'b', msg: '--out file was not written' }) }
  try { sv = new Uint8Array(fs.readFileSync(s)) } catch { fails.push({ check: 'c', msg: '--sv file was not written' }) }
  actual.out = out; actual.sv = sv
  if (out && !bytesEqual(out, ref.state)) {
    if (CHECKS.has('b')) fails.push({ check: 'b', msg: `--out differs from Y.encodeStateAsUpdate: ${describeByteDiff(ref.state, out)}` })
    if (CHECKS.has('a')) {
      const m = semanticCheck(out, ref, ROOTS, jsonViewOfState(ref.state, ROOTS))
      if (m) fails.push({ check: 'a', msg: m })
    }
  }
  if (CHECKS.has('c') && sv && !bytesEqual(sv, ref.sv)) {
    fails.push({ check: 'c', msg: `--sv differs: expected ${JSON.stringify(svToPlain(ref.sv))} got ${safe(() => JSON.stringify(svToPlain(sv)), 'undecodable ' + Buffer.from(sv).toString('hex'))}` })
  }
  if (CHECKS.has('d')) {
    let parsed
    const text = r.stdout.toString('utf8')
    try { parsed = JSON.parse(text) } catch (e) { fails.push({ check: 'd', msg: `--json stdout is not valid JSON (${e.message}): ${text.slice(0, 200)}` }) }
    if (parsed !== undefined) {
      const c = compareJsonView(parsed, ROOTS, ref.view, ref.alt)
      if (!c.ok) fails.push({ check: 'd', msg: c.msg })
      actual.jsonSkipped = c.skipped
      actual.jsonAmbiguous = c.ambiguous
    }
  }
  return { fails, actual }
}

const safe = (f, dflt) => { try { return f() } catch { return dflt } }

const diffAndCheck = async (dir, diff) => {
  const st = path.join(dir, 'diff.state')
  const sv = path.join(dir, 'diff.sv')
  const o = path.join(dir, 'diff.out')
  fs.writeFileSync(st, diff.update)
  fs.writeFileSync(sv, diff.sv)
  const r = await run(['doc', 'diff', '--state', st, '--sv', sv, '--out', o])
  if (r.code !== 0) return { fails: [{ check: 'diff', msg: `doc diff ${describeRun(r)}` }], actual: null }
  let out
  try { out = new Uint8Array(fs.readFileSync(o)) } catch { return { fails: [{ check: 'diff', msg: 'doc diff did not write --out' }], actual: null } }
  if (!bytesEqual(out, diff.expected)) return { fails: [{ check: 'diff', msg: `doc diff (${diff.kind}) differs from Y.diffUpdate: ${describeByteDiff(diff.expected, out)}` }], actual: out }
  return { fails: [], actual: out }
}

// stats
const stats = { robust: 0, robustRejected: 0, robustAgree: 0, seeds: 0, applies: 0, diffs: 0, updates: 0, bytes: 0, pendingStreams: 0, v2Streams: 0, diverged: 0, jsonSkipped: new Map(), jsonAmbiguous: 0, failures: [] }

const checkSeed = async (prep) => {
  const dir = path.join(tmpRoot, `seed-${prep.seed}`)
  mkdirp(dir)
  const tasks = prep.streams.map(s => applyAndCheck(dir, s.name, s.engineUpdates, s.v2, s.ref).then(res => ({ stream: s, ...res })))
  const diffTask = CHECKS.has('diff') ? diffAndCheck(dir, prep.diff) : Promise.resolve({ fails: [], actual: null })
  const robustTask = prep.corrupt ? robustAndCheck(dir, prep.corrupt) : Promise.resolve({ fails: [] })
  const results = await Promise.all(tasks)
  const diffRes = await diffTask
  const robustRes = await robustTask
  diffRes.fails.push(...robustRes.fails)
  stats.seeds++
  if (prep.info.diverged) stats.diverged++
  const failed = []
  for (const res of results) {
    stats.applies++
    stats.updates += res.stream.engineUpdates.length
    for (const u of res.stream.engineUpdates) stats.bytes += u.length
    if (res.stream.ref.pending) stats.pendingStreams++
    if (res.stream.v2) stats.v2Streams++
    for (const n of res.actual.jsonSkipped ?? []) stats.jsonSkipped.set(n, (stats.jsonSkipped.get(n) ?? 0) + 1)
    stats.jsonAmbiguous += (res.actual.jsonAmbiguous ?? []).length
    if (res.fails.length) failed.push(res)
  }
  if (CHECKS.has('diff')) stats.diffs++
  if (failed.length || diffRes.fails.length) await reportFailure(prep, failed, diffRes)
  fs.rmSync(dir, { recursive: true, force: true })
}

// ------------------------------------------------------------------------------------ failures
const describeUpdate = (u, v2) => {
  try {
    const d = v2 ? Y.decodeUpdateV2(u) : Y.decodeUpdate(u)
    const structs = d.structs.map(s => {
      const base = `${s.constructor.name}(${s.id.client}:${s.id.clock}+${s.length})`
      if (!(s instanceof Y.Item)) return base
      const c = s.content
      let content = c.constructor.name
      if (c instanceof Y.ContentString) content += JSON.stringify(c.str)
      else if (c instanceof Y.ContentFormat) content += `(${c.key}=${JSON.stringify(c.value)})`
      else if (c instanceof Y.ContentType) content += `(${c.type.constructor.name})`
      else if (c instanceof Y.ContentAny) content += safe(() => JSON.stringify(c.arr), '[…]')
      const parent = s.parent === null ? '' : typeof s.parent === 'string' ? ` parent=${JSON.stringify(s.parent)}` : s.parent.client !== undefined ? ` parent=${s.parent.client}:${s.parent.clock}` : ''
      return `${base} ${content}${s.origin ? ` origin=${s.origin.client}:${s.origin.clock}` : ''}${s.rightOrigin ? ` right=${s.rightOrigin.client}:${s.rightOrigin.clock}` : ''}${parent}${s.parentSub !== null ? ` key=${JSON.stringify(s.parentSub)}` : ''}`
    })
    const ds = []
    for (const [c, items] of d.ds.clients) for (const it of items) ds.push(`${c}:${it.clock}+${it.len}`)
    return `  structs: ${structs.join('\n           ')}\n  deletes: ${ds.join(' ')}`
  } catch (e) {
    return `  (undecodable: ${e.message})`
  }
}

/** delta-debug the update list while some check of the same kind still fails */
const minimize = async (dir, stream, checkKinds) => {
  let cur = stream.engineUpdates.slice()
  let runs = 0
  const MAX_RUNS = 120
  const stillFails = async (cand) => {
    runs++
    const ref = referenceFor(cand, stream.v2)
    const { fails } = await applyAndCheck(dir, 'min-try', cand, stream.v2, ref)
    return fails.some(f => checkKinds.has(f.check))
  }
  let chunk = Math.max(1, Math.floor(cur.length / 2))
  while (chunk >= 1 && runs < MAX_RUNS && cur.length > 1) {
    let removedAny = false
    for (let i = 0; i < cur.length && runs < MAX_RUNS && cur.length > 1;) {
      const cand = cur.slice(0, i).concat(cur.slice(i + chunk))
      if (cand.length && await stillFails(cand)) { cur = cand; removedAny = true } else i += chunk
    }
    if (!removedAny) chunk = Math.floor(chunk / 2)
  }
  return { updates: cur, runs }
}

const reportFailure = async (prep, failed, diffRes) => {
  const robustFails = diffRes.fails.filter(f => f.check === 'robust')
  const outDir = path.join(opt.out, `seed-${prep.seed}`)
  fs.rmSync(outDir, { recursive: true, force: true })
  mkdirp(outDir)
  const lines = []
  const rel = p => path.relative(process.cwd(), p) || '.'
  lines.push(`Symphony conformance failure, seed ${prep.seed}`)
  lines.push(`reproduce: node tests/conformance/fuzz.mjs --start ${prep.seed} --seeds 1 --gc ${opt.gc}${opt.long ? ' --long' : ''}${opt.bin ? ' --bin ' + opt.bin : ''}`)
  lines.push(`docs: ${prep.info.nDocs}, client ids: ${prep.info.ids.join(', ')}, editing docs gc: ${prep.info.gc}`)
  lines.push(`roots: ${JSON.stringify(ROOTS)}`)
  lines.push('')
  const summary = []
  for (const res of failed) {
    const s = res.stream
    const tag = s.name
    const checks = new Set(res.fails.map(f => f.check))
    summary.push(`${tag}${s.v2 ? '(v2)' : ''}: ${[...checks].join(',')}`)
    fs.writeFileSync(path.join(outDir, `${tag}.updates`), frameUpdates(s.engineUpdates))
    fs.writeFileSync(path.join(outDir, `${tag}.expected.state`), s.ref.state)
    fs.writeFileSync(path.join(outDir, `${tag}.expected.sv`), s.ref.sv)
    fs.writeFileSync(path.join(outDir, `${tag}.expected.json`), JSON.stringify(s.ref.view, null, 1) + '\n')
    if (res.actual.out) fs.writeFileSync(path.join(outDir, `${tag}.actual.state`), res.actual.out)
    if (res.actual.sv) fs.writeFileSync(path.join(outDir, `${tag}.actual.sv`), res.actual.sv)
    if (res.actual.run) {
      fs.writeFileSync(path.join(outDir, `${tag}.actual.stdout`), res.actual.run.stdout)
      fs.writeFileSync(path.join(outDir, `${tag}.actual.stderr`), res.actual.run.stderr)
    }
    lines.push(`== stream "${tag}" (${s.v2 ? 'v2' : 'v1'}, ${s.engineUpdates.length} updates${s.ref.pending ? ', ends with pending structs' : ''})`)
    for (const f of res.fails) lines.push(`  check ${f.check}: ${f.msg}`)
    lines.push(`  command: ${bin} doc apply --updates ${rel(path.join(outDir, tag + '.updates'))}${s.v2 ? ' --v2' : ''} --out /tmp/o --sv /tmp/s --json`)
    lines.push(`  expected: ${tag}.expected.state / .sv / .json`)
    if (opt.minimize && !opt.selfTest) {
      const mdir = path.join(tmpRoot, `min-${prep.seed}-${tag}`)
      mkdirp(mdir)
      const { updates, runs } = await minimize(mdir, s, checks)
      const ref = referenceFor(updates, s.v2)
      fs.writeFileSync(path.join(outDir, `${tag}.min.updates`), frameUpdates(updates))
      fs.writeFileSync(path.join(outDir, `${tag}.min.expected.state`), ref.state)
      fs.writeFileSync(path.join(outDir, `${tag}.min.expected.sv`), ref.sv)
      fs.writeFileSync(path.join(outDir, `${tag}.min.expected.json`), JSON.stringify(ref.view, null, 1) + '\n')
      const again = await applyAndCheck(mdir, 'min-final', updates, s.v2, ref)
      lines.push(`  minimized (${runs} runs) to ${updates.length} update(s): ${tag}.min.updates (+ .min.expected.*)`)
      for (const f of again.fails) lines.push(`    min check ${f.check}: ${f.msg}`)
      lines.push('  minimized updates:')
      updates.forEach((u, i) => lines.push(`  [${i}] ${Buffer.from(u).toString('hex')}\n${describeUpdate(u, s.v2)}`))
      fs.rmSync(mdir, { recursive: true, force: true })
    }
    lines.push('')
  }
  if (diffRes.fails.some(f => f.check === 'robust')) {
    summary.push(`robust(${prep.corrupt.kind})`)
    fs.writeFileSync(path.join(outDir, 'corrupt.updates'), prep.corrupt.framed)
    lines.push(`== damaged stream (${prep.corrupt.kind} of update ${prep.corrupt.index}; Yjs ${prep.corrupt.yjsRejects >= 0 ? 'throws on update ' + prep.corrupt.yjsRejects : 'accepts it'})`)
    for (const f of diffRes.fails.filter(f => f.check === 'robust')) lines.push(`  check robust: ${f.msg}`)
    lines.push(`  command: ${bin} doc apply --updates ${rel(path.join(outDir, 'corrupt.updates'))}${prep.corrupt.v2 ? ' --v2' : ''} --out /tmp/o --sv /tmp/s --json`)
    lines.push('')
    diffRes.fails = diffRes.fails.filter(f => f.check !== 'robust')
  }
  if (diffRes.fails.length) {
    summary.push(`diff(${prep.diff.kind})`)
    fs.writeFileSync(path.join(outDir, 'diff.state'), prep.diff.update)
    fs.writeFileSync(path.join(outDir, 'diff.sv'), prep.diff.sv)
    fs.writeFileSync(path.join(outDir, 'diff.expected'), prep.diff.expected)
    if (diffRes.actual) fs.writeFileSync(path.join(outDir, 'diff.actual'), diffRes.actual)
    lines.push(`== doc diff (${prep.diff.kind})`)
    for (const f of diffRes.fails) lines.push(`  check ${f.check}: ${f.msg}`)
    lines.push(`  sv: ${Buffer.from(prep.diff.sv).toString('hex')}`)
    lines.push(`  command: ${bin} doc diff --state ${rel(path.join(outDir, 'diff.state'))} --sv ${rel(path.join(outDir, 'diff.sv'))} --out /tmp/o   (expected: diff.expected)`)
    lines.push('')
  }
  fs.writeFileSync(path.join(outDir, 'README.txt'), lines.join('\n') + '\n')
  stats.failures.push(prep.seed)
  console.log(`FAIL seed ${prep.seed}: ${summary.join('; ')}`)
  for (const res of failed) for (const f of res.fails) console.log(`  [${res.stream.name}${res.stream.v2 ? '/v2' : ''}] check ${f.check}: ${f.msg.slice(0, 400)}`)
  for (const f of diffRes.fails) console.log(`  [diff] ${f.msg.slice(0, 400)}`)
  for (const f of robustFails) console.log(`  [robust] ${f.msg.slice(0, 400)}`)
  console.log(`  repro: ${rel(outDir)}/README.txt`)
}

// ------------------------------------------------------------------------------------ main loop
const main = async () => {
  const t0 = performance.now()
  log(`fuzz: seeds ${opt.start}..${opt.start + opt.seeds - 1}, gc ${opt.gc}, jobs ${opt.jobs}, checks ${[...CHECKS].join(',')}, ${opt.selfTest ? 'SELF-TEST (Yjs only)' : 'bin ' + bin}`)
  const inflight = new Set()
  let lastReport = t0
  let genMs = 0
  let stoppedEarly = false
  for (let seed = opt.start; seed < opt.start + opt.seeds; seed++) {
    if (stats.failures.length >= opt.maxFailures) { stoppedEarly = true; break }
    if (opt.timeBudget && (performance.now() - t0) / 1000 > opt.timeBudget) { stoppedEarly = true; log(`fuzz: time budget of ${opt.timeBudget}s reached after ${seed - opt.start} seeds`); break }
    const g0 = performance.now()
    let prep
    try {
      prep = prepareSeed(seed)
    } catch (e) {
      console.log(`ERROR seed ${seed}: generator/reference failure (a bug in the fuzzer or in Yjs): ${e.stack}`)
      stats.failures.push(seed)
      continue
    }
    genMs += performance.now() - g0
    if (opt.selfTest) {
      stats.seeds++
      for (const s of prep.streams) { stats.applies++; stats.updates += s.engineUpdates.length; if (s.ref.pending) stats.pendingStreams++; if (s.v2) stats.v2Streams++ }
      if (prep.info.diverged) stats.diverged++
    } else {
      const p = checkSeed(prep).catch(e => { console.log(`ERROR seed ${seed}: ${e.stack}`); stats.failures.push(seed) }).finally(() => inflight.delete(p))
      inflight.add(p)
      // keep a bounded number of seeds in flight (each has up to 5 processes)
      while (inflight.size >= opt.jobs + 1) await Promise.race(inflight)
    }
    if (!opt.quiet && performance.now() - lastReport > 10_000) {
      lastReport = performance.now()
      log(`  … ${seed - opt.start + 1} seeds, ${((lastReport - t0) / 1000).toFixed(1)}s`)
    }
  }
  await Promise.all(inflight)
  const secs = (performance.now() - t0) / 1000
  const skipped = [...stats.jsonSkipped.entries()].map(([k, v]) => `${k}×${v}`).join(' ') || 'none'
  log(`fuzz: ${stats.seeds} seeds, ${stats.applies} applies (${stats.v2Streams} v2, ${stats.pendingStreams} ending with pending), ${stats.diffs} diffs, ${stats.updates} updates, ${(stats.bytes / 1e6).toFixed(1)} MB in ${secs.toFixed(1)}s (Yjs side ${(genMs / 1000).toFixed(1)}s)`)
  if (!opt.selfTest && stats.robust) log(`fuzz: damaged streams: ${stats.robust}, rejected with exit 2: ${stats.robustRejected}, same accept/reject verdict as Yjs: ${stats.robustAgree}`)
  if (!opt.selfTest) log(`fuzz: --json roots skipped by the engine: ${skipped}; accepted as kind-ambiguous: ${stats.jsonAmbiguous}`)
  if (stats.diverged) log(`fuzz: note: in ${stats.diverged} seeds the Yjs editing docs themselves diverged (surrogate splits); harmless for these checks`)
  const failed = stats.failures.length
  console.log(`conformance fuzz: ${stats.seeds - failed} passed, ${failed} failed${stoppedEarly && failed ? ' (stopped early)' : ''}`)
  if (failed) console.log(`fuzz: FAILED seeds: ${stats.failures.join(', ')} — repros under ${path.relative(process.cwd(), opt.out) || '.'}/`)
  process.exitCode = failed ? 1 : 0
}

main().catch(e => { console.error(e); process.exit(1) })
