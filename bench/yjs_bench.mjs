#!/usr/bin/env node
// Yjs reference figures on this machine, to compare Symphony against (same trace, same machine).
//
//   node --expose-gc bench/yjs_bench.mjs [--runs N] [--no-b4x100] [--traces DIR] [--write-states DIR]
//
// Uses the automerge-paper trace (shared/traces/automerge-paper.json.gz, 259,778 single-patch
// transactions; "B4" of dmonad/crdt-benchmarks). Prints human-readable lines on stderr and ONE
// JSON line on stdout:
//   b4.local_edit_ms        perform the 259,778 edits locally on a fresh doc, one transaction each
//   b4.remote_apply_ms      apply the 259,778 updates those transactions emitted to a fresh doc
//   b4.encode_v1_ms / v2    Y.encodeStateAsUpdate(V2)(doc); state_v1_bytes / state_v2_bytes
//   b4.decode_v1_ms / v2    new Y.Doc + Y.applyUpdate(V2)(state)
//   b4.heap_bytes           heap delta of holding the decoded doc (gc'd before/after; --expose-gc)
//   b4x100.*                "[B4 x 100]": the trace applied 100 times to one Y.Text, as in
//                           crdt-benchmarks (each pass edits at the front of the previous ones).
//                           Its state is synthesized from a real 2-pass doc: pass k (k >= 3) is
//                           pass 2 with every clock shifted by (k-2)*C (C = chars inserted per
//                           pass); the result is byte-identical to really running the passes
//                           (checked for k = 3 with --check-synth). Figures: load (decode) time
//                           v1/v2, state sizes, heap delta, encode time of the loaded doc.
// Times are the median of --runs runs (default 1; the whole run takes ~30-60 s on 2 cores).
// --write-states DIR (default build/bench) saves b4.state/.v2.state, b4x100.state/.v2.state
// and b4.updates (framed) for the C++ benchmark to use the exact same inputs.
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { fileURLToPath } from 'node:url'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const REPO = path.resolve(HERE, '..')

if (typeof globalThis.gc !== 'function') {
  // re-run ourselves with --expose-gc so heap figures are meaningful
  const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=8192', fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' })
  process.exit(r.status ?? 1)
}

const argv = process.argv.slice(2)
const opt = { runs: 1, b4x100: true, traces: process.env.SYMPHONY_TRACES_DIR || path.resolve(REPO, '../shared/traces'), writeStates: path.join(REPO, 'build/bench'), checkSynth: false }
for (let i = 0; i < argv.length; i++) {
  switch (argv[i]) {
    case '--runs': opt.runs = Math.max(1, parseInt(argv[++i], 10)); break
    case '--no-b4x100': opt.b4x100 = false; break
    case '--traces': opt.traces = path.resolve(argv[++i]); break
    case '--write-states': opt.writeStates = argv[++i] === 'none' ? null : path.resolve(argv[i]); break
    case '--check-synth': opt.checkSynth = true; break
    default:
      console.error(`usage: node --expose-gc bench/yjs_bench.mjs [--runs N] [--no-b4x100] [--traces DIR] [--write-states DIR|none] [--check-synth]\nunknown argument ${argv[i]}`)
      process.exit(2)
  }
}

const log = (...a) => console.error(...a)
const median = (xs) => { const s = xs.slice().sort((a, b) => a - b); return s[Math.floor(s.length / 2)] }
const round = (x) => Math.round(x * 10) / 10
const time = (f) => { const t0 = performance.now(); const r = f(); return [performance.now() - t0, r] }
const heapUsed = () => { globalThis.gc(); globalThis.gc(); return process.memoryUsage().heapUsed }

const tracePath = path.join(opt.traces, 'automerge-paper.json.gz')
if (!fs.existsSync(tracePath)) { console.error(`bench: trace not found: ${tracePath}`); process.exit(3) }
const trace = JSON.parse(zlib.gunzipSync(fs.readFileSync(tracePath)).toString('utf8'))
const txns = trace.txns.map(t => t.patches)
const endContent = trace.endContent

const localEdits = (doc, text, perTxn = true) => {
  for (const patches of txns) {
    const apply = () => {
      for (const [pos, del, ins] of patches) {
        if (del > 0) text.delete(pos, del)
        if (ins) text.insert(pos, ins)
      }
    }
    if (perTxn) doc.transact(apply)
    else apply()
  }
}

const yjsVersion = JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules/yjs/package.json'), 'utf8')).version
const result = { bench: 'yjs', yjs: yjsVersion, node: process.version, trace: 'automerge-paper', runs: opt.runs, b4: {}, b4x100: null }

// ------------------------------------------------------------------------------ B4
{
  const localMs = []
  let updates = null
  let doc = null
  for (let r = 0; r < opt.runs; r++) {
    if (doc) doc.destroy()
    doc = new Y.Doc()
    doc.clientID = 1
    const text = doc.getText('text')
    const ups = []
    doc.on('update', u => ups.push(u))
    const [ms] = time(() => localEdits(doc, text))
    localMs.push(ms)
    if (text.toString() !== endContent) throw new Error('B4 local: final text mismatch')
    updates = ups
  }
  const b4 = result.b4
  b4.edits = txns.length
  b4.updates = updates.length
  b4.update_bytes = updates.reduce((n, u) => n + u.length, 0)
  b4.local_edit_ms = round(median(localMs))
  log(`B4 local edits: ${b4.local_edit_ms} ms (${b4.edits} transactions)`)

  const remoteMs = []
  for (let r = 0; r < opt.runs; r++) {
    const d = new Y.Doc()
    const [ms] = time(() => { for (const u of updates) Y.applyUpdate(d, u) })
    remoteMs.push(ms)
    if (d.getText('text').toString() !== endContent) throw new Error('B4 remote: final text mismatch')
    d.destroy()
  }
  b4.remote_apply_ms = round(median(remoteMs))
  log(`B4 remote apply of ${b4.updates} updates: ${b4.remote_apply_ms} ms`)

  let state, stateV2
  const encMs = []; const encV2Ms = []
  for (let r = 0; r < Math.max(3, opt.runs); r++) {
    let ms
    ;[ms, state] = time(() => Y.encodeStateAsUpdate(doc)); encMs.push(ms)
    ;[ms, stateV2] = time(() => Y.encodeStateAsUpdateV2(doc)); encV2Ms.push(ms)
  }
  b4.encode_v1_ms = round(median(encMs))
  b4.encode_v2_ms = round(median(encV2Ms))
  b4.state_v1_bytes = state.length
  b4.state_v2_bytes = stateV2.length
  doc.destroy()
  doc = null

  const decMs = []; const decV2Ms = []
  for (let r = 0; r < Math.max(3, opt.runs); r++) {
    let ms, d
    ;[ms, d] = time(() => { const x = new Y.Doc(); Y.applyUpdate(x, state); return x }); decMs.push(ms); d.destroy()
    ;[ms, d] = time(() => { const x = new Y.Doc(); Y.applyUpdateV2(x, stateV2); return x }); decV2Ms.push(ms); d.destroy()
  }
  b4.decode_v1_ms = round(median(decMs))
  b4.decode_v2_ms = round(median(decV2Ms))
  const before = heapUsed()
  let held = new Y.Doc()
  Y.applyUpdate(held, state)
  held.getText('text').toString()
  b4.heap_bytes = heapUsed() - before
  if (held.getText('text').toString() !== endContent) throw new Error('B4 decode: final text mismatch')
  held.destroy(); held = null
  log(`B4 encode v1 ${b4.encode_v1_ms} ms (${b4.state_v1_bytes} B), v2 ${b4.encode_v2_ms} ms (${b4.state_v2_bytes} B); decode v1 ${b4.decode_v1_ms} ms, v2 ${b4.decode_v2_ms} ms; heap ${(b4.heap_bytes / 1e6).toFixed(1)} MB`)
  if (opt.writeStates) {
    fs.mkdirSync(opt.writeStates, { recursive: true })
    fs.writeFileSync(path.join(opt.writeStates, 'b4.state'), state)
    fs.writeFileSync(path.join(opt.writeStates, 'b4.v2.state'), stateV2)
    const enc = encoding.createEncoder()
    for (const u of updates) encoding.writeVarUint8Array(enc, u)
    fs.writeFileSync(path.join(opt.writeStates, 'b4.updates'), encoding.toUint8Array(enc))
  }
}

// ------------------------------------------------------------------------------ B4 x 100
/**
 * State of a doc that performed the trace K times (crdt-benchmarks' B4x100 loop), built from a
 * real 2-pass doc by shifting pass 2's structs. @return {{state: Uint8Array, realOf: function}}
 */
const synthesizeMultiPass = (K) => {
  const doc = new Y.Doc()
  doc.clientID = 1
  const text = doc.getText('text')
  localEdits(doc, text)
  const sv1 = Y.encodeStateVector(doc)
  const s1 = Y.encodeStateAsUpdate(doc)
  localEdits(doc, text)
  const s2 = Y.encodeStateAsUpdate(doc)
  const u2 = Y.encodeStateAsUpdate(doc, sv1)
  const d1 = Y.decodeUpdate(s1)
  const d2 = Y.decodeUpdate(s2)
  const du = Y.decodeUpdate(u2)
  const client = doc.clientID
  const C = Y.decodeStateVector(sv1).get(client)
  const build = (K) => {
    const enc = new Y.UpdateEncoderV1()
    encoding.writeVarUint(enc.restEncoder, 1)
    encoding.writeVarUint(enc.restEncoder, d2.structs.length + Math.max(0, K - 2) * du.structs.length)
    enc.writeClient(client)
    encoding.writeVarUint(enc.restEncoder, 0)
    for (const s of d2.structs) s.write(enc, 0)
    const shift = (id, delta) => id === null ? null : Y.createID(id.client, id.clock + delta)
    for (let k = 3; k <= K; k++) {
      const delta = (k - 2) * C
      for (const s of du.structs) {
        if (!(s instanceof Y.Item)) throw new Error('unexpected non-item struct in pass 2')
        new Y.Item(shift(s.id, delta), null, shift(s.origin, delta), null, shift(s.rightOrigin, delta), s.parent, s.parentSub, s.content).write(enc, 0)
      }
    }
    const ranges = []
    for (let r = 0; r < K; r++) {
      for (const it of d1.ds.clients.get(client) ?? []) {
        const clock = it.clock + r * C
        const last = ranges[ranges.length - 1]
        if (last && last[0] + last[1] === clock) last[1] += it.len
        else ranges.push([clock, it.len])
      }
    }
    encoding.writeVarUint(enc.restEncoder, ranges.length ? 1 : 0)
    if (ranges.length) {
      enc.resetDsCurVal()
      encoding.writeVarUint(enc.restEncoder, client)
      encoding.writeVarUint(enc.restEncoder, ranges.length)
      for (const [c, l] of ranges) { enc.writeDsClock(c); enc.writeDsLen(l) }
    }
    return enc.toUint8Array()
  }
  // the real thing for small K (to check the synthesis)
  const realOf = (K) => {
    for (let k = 2; k < K; k++) localEdits(doc, text)
    return Y.encodeStateAsUpdate(doc)
  }
  return { build, realOf, destroy: () => doc.destroy() }
}

if (opt.b4x100) {
  const K = 100
  const [synthMs, synth] = time(() => synthesizeMultiPass(K))
  if (opt.checkSynth) {
    const small = synth.build(3)
    const real = synth.realOf(3)
    if (!Buffer.from(small).equals(Buffer.from(real))) throw new Error('B4x100 synthesis check failed: synthesized 3-pass state differs from the real one')
    log('B4x100: synthesized 3-pass state is byte-identical to a real 3-pass doc')
  }
  const [buildMs, state] = time(() => synth.build(K))
  synth.destroy()
  const x = result.b4x100 = { passes: K, synth_ms: round(synthMs + buildMs), state_v1_bytes: state.length }
  const decMs = []
  let stateV2 = null
  let encodeV2Ms = null
  for (let r = 0; r < opt.runs; r++) {
    const [ms, d] = time(() => { const doc = new Y.Doc(); Y.applyUpdate(doc, state); return doc })
    decMs.push(ms)
    if (r === 0) {
      const t = d.getText('text').toString()
      if (t.length !== endContent.length * K || t.slice(0, endContent.length) !== endContent || t.slice(-endContent.length) !== endContent) throw new Error('B4x100: loaded text is not the final text x100')
      ;[encodeV2Ms, stateV2] = time(() => Y.encodeStateAsUpdateV2(d))
      x.encode_v1_ms = round(time(() => Y.encodeStateAsUpdate(d))[0])
    }
    d.destroy()
  }
  x.decode_v1_ms = round(median(decMs))
  x.encode_v2_ms = round(encodeV2Ms)
  x.state_v2_bytes = stateV2.length
  const decV2Ms = []
  for (let r = 0; r < opt.runs; r++) {
    const [ms, d] = time(() => { const doc = new Y.Doc(); Y.applyUpdateV2(doc, stateV2); return doc })
    decV2Ms.push(ms)
    d.destroy()
  }
  x.decode_v2_ms = round(median(decV2Ms))
  const before = heapUsed()
  let held = new Y.Doc()
  Y.applyUpdateV2(held, stateV2)
  x.heap_bytes = heapUsed() - before
  held.destroy(); held = null
  log(`B4x100: state v1 ${x.state_v1_bytes} B, v2 ${x.state_v2_bytes} B; load v1 ${x.decode_v1_ms} ms, v2 ${x.decode_v2_ms} ms; encode v1 ${x.encode_v1_ms} ms, v2 ${x.encode_v2_ms} ms; heap ${(x.heap_bytes / 1e6).toFixed(1)} MB (synthesis ${x.synth_ms} ms)`)
  if (opt.writeStates) {
    fs.writeFileSync(path.join(opt.writeStates, 'b4x100.state'), state)
    fs.writeFileSync(path.join(opt.writeStates, 'b4x100.v2.state'), stateV2)
  }
}
if (opt.writeStates) log(`bench: inputs written to ${path.relative(process.cwd(), opt.writeStates) || '.'}/ (b4.updates, b4[.v2].state, b4x100[.v2].state)`)

console.log(JSON.stringify(result))
