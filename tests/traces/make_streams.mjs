#!/usr/bin/env node
// Builds Yjs update streams from the editing traces in shared/traces (josephg/editing-traces
// format) by replaying them into real Yjs, and checks Yjs's own final text against endContent.
//
//   node tests/traces/make_streams.mjs [--traces DIR] [--out DIR] [--only NAME[,NAME]] [--force]
//
// Defaults: --traces $SYMPHONY_TRACES_DIR or <repo>/../shared/traces, --out <repo>/build/traces.
// Per trace <name> (file <name>.json.gz) it writes to --out:
//   <name>.updates    framed v1 updates (lib0 varUint length + bytes), one per trace transaction
//   <name>.state      Y.encodeStateAsUpdate of the Yjs doc that applied that stream
//   <name>.sv         Y.encodeStateVector of it
//   <name>.txt        endContent (UTF-8)
//   <name>.meta.json  {name, kind, txns, updates, bytes, sourceMtime, ...}
// Sequential traces: one Y.Doc (clientID 1), root Y.Text "text", one transaction per txn, each
// patch [pos, del, ins] applied as delete(pos, del) then insert(pos, ins).
// Concurrent traces (txns with agent + parents): one Y.Doc per agent (clientID agent + 1); before
// an agent's txn its doc receives the updates of every txn in the history of the txn's parents
// that it lacks (so its state is exactly the merge of the parents); the stream is every txn's
// update in trace order (a causal order).
import * as Y from 'yjs'
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { pathToFileURL } from 'node:url'
import { REPO_ROOT, frameUpdates, mkdirp } from '../js/lib/common.mjs'

export const defaultTracesDir = () => process.env.SYMPHONY_TRACES_DIR || path.resolve(REPO_ROOT, '../shared/traces')
export const defaultOutDir = () => path.join(REPO_ROOT, 'build/traces')

export const listTraces = (dir) => fs.readdirSync(dir).filter(f => f.endsWith('.json.gz')).map(f => f.slice(0, -'.json.gz'.length)).sort()

export const loadTrace = (dir, name) => JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(dir, `${name}.json.gz`))).toString('utf8'))

const REMOTE = Symbol('remote')

/** @return {{updates: Array<Uint8Array>, doc: Y.Doc}} */
export const replaySequential = (trace) => {
  const doc = new Y.Doc()
  doc.clientID = 1
  const text = doc.getText('text')
  const updates = []
  doc.on('update', u => updates.push(u))
  if (trace.startContent) text.insert(0, trace.startContent)
  for (const txn of trace.txns) {
    doc.transact(() => {
      for (const [pos, del, ins] of txn.patches) {
        if (del > 0) text.delete(pos, del)
        if (ins) text.insert(pos, ins)
      }
    })
  }
  return { updates, doc }
}

export const isConcurrent = (trace) => trace.kind === 'concurrent' || (trace.txns.length > 0 && Array.isArray(trace.txns[0].parents))

/** @return {{updates: Array<Uint8Array>, doc: Y.Doc}} doc = a doc that applied the whole stream */
export const replayConcurrent = (trace) => {
  const T = trace.txns
  const numAgents = trace.numAgents ?? (Math.max(...T.map(t => t.agent)) + 1)
  const agents = []
  for (let a = 0; a < numAgents; a++) {
    const doc = new Y.Doc()
    doc.clientID = a + 1
    agents.push({ doc, text: doc.getText('text'), has: new Uint8Array(T.length) })
  }
  const txUpdate = new Array(T.length)
  for (let i = 0; i < T.length; i++) {
    const t = T[i]
    const ag = agents[t.agent]
    // collect history(parents) \ has: DFS that stops at txns the agent already has (its set is
    // always closed under history since we only ever add complete histories)
    const missing = []
    const stack = t.parents.slice()
    while (stack.length) {
      const p = stack.pop()
      if (ag.has[p]) continue
      ag.has[p] = 1
      missing.push(p)
      for (const q of T[p].parents) if (!ag.has[q]) stack.push(q)
    }
    missing.sort((a, b) => a - b)
    for (const p of missing) {
      if (txUpdate[p] === undefined) throw new Error(`txn ${p} has no update yet (trace not in causal order?)`)
      Y.applyUpdate(ag.doc, txUpdate[p], REMOTE)
    }
    if (ag.doc.store.pendingStructs || ag.doc.store.pendingDs) throw new Error(`agent ${t.agent} has pending structs before txn ${i}`)
    let captured = null
    const h = (u, origin) => { if (origin !== REMOTE) captured = captured ? Y.mergeUpdates([captured, u]) : u }
    ag.doc.on('update', h)
    ag.doc.transact(() => {
      for (const [pos, del, ins] of t.patches) {
        if (del > 0) ag.text.delete(pos, del)
        if (ins) ag.text.insert(pos, ins)
      }
    })
    ag.doc.off('update', h)
    ag.has[i] = 1
    txUpdate[i] = captured ?? new Uint8Array([0, 0])
  }
  const doc = new Y.Doc()
  for (const u of txUpdate) Y.applyUpdate(doc, u)
  for (const ag of agents) ag.doc.destroy()
  return { updates: txUpdate, doc }
}

/**
 * Build (or reuse, if up to date) the stream files of one trace.
 * @return {{name, updatesFile, endContent, meta}}
 */
export const makeStream = (tracesDir, outDir, name, { force = false, log = console.log } = {}) => {
  const src = path.join(tracesDir, `${name}.json.gz`)
  const srcMtime = fs.statSync(src).mtimeMs
  const metaFile = path.join(outDir, `${name}.meta.json`)
  const files = ['updates', 'state', 'sv', 'txt'].map(e => path.join(outDir, `${name}.${e}`))
  if (!force && fs.existsSync(metaFile) && files.every(f => fs.existsSync(f))) {
    const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8'))
    if (meta.sourceMtime === srcMtime && meta.yjs === yjsVersion()) return { name, updatesFile: files[0], meta, cached: true }
  }
  const t0 = performance.now()
  const trace = loadTrace(tracesDir, name)
  const concurrent = isConcurrent(trace)
  const { updates, doc } = concurrent ? replayConcurrent(trace) : replaySequential(trace)
  const got = doc.getText('text').toString()
  if (got !== trace.endContent) {
    let i = 0
    while (i < got.length && got[i] === trace.endContent[i]) i++
    throw new Error(`${name}: Yjs replay does not reproduce endContent (length ${got.length} vs ${trace.endContent.length}, first difference at ${i})`)
  }
  mkdirp(outDir)
  const framed = frameUpdates(updates)
  fs.writeFileSync(files[0], framed)
  fs.writeFileSync(files[1], Y.encodeStateAsUpdate(doc))
  fs.writeFileSync(files[2], Y.encodeStateVector(doc))
  fs.writeFileSync(files[3], trace.endContent)
  const meta = {
    name,
    kind: concurrent ? 'concurrent' : 'sequential',
    txns: trace.txns.length,
    patches: trace.txns.reduce((n, t) => n + t.patches.length, 0),
    updates: updates.length,
    bytes: framed.length,
    endLength: trace.endContent.length,
    sourceMtime: srcMtime,
    yjs: yjsVersion()
  }
  fs.writeFileSync(metaFile, JSON.stringify(meta, null, 2) + '\n')
  doc.destroy()
  log(`traces: ${name}: ${meta.kind}, ${meta.updates} updates, ${(meta.bytes / 1e6).toFixed(2)} MB, Yjs endContent ok (${((performance.now() - t0) / 1000).toFixed(1)}s)`)
  return { name, updatesFile: files[0], meta, cached: false }
}

let _yjsVersion = null
function yjsVersion () {
  if (!_yjsVersion) _yjsVersion = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules/yjs/package.json'), 'utf8')).version
  return _yjsVersion
}

// ------------------------------------------------------------------------------------ CLI
if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2)
  let tracesDir = defaultTracesDir()
  let outDir = defaultOutDir()
  let only = null
  let force = false
  for (let i = 0; i < argv.length; i++) {
    switch (argv[i]) {
      case '--traces': tracesDir = path.resolve(argv[++i]); break
      case '--out': outDir = path.resolve(argv[++i]); break
      case '--only': only = argv[++i].split(','); break
      case '--force': force = true; break
      default: console.error(`usage: node tests/traces/make_streams.mjs [--traces DIR] [--out DIR] [--only NAME,...] [--force]\nunknown argument ${argv[i]}`); process.exit(2)
    }
  }
  if (!fs.existsSync(tracesDir)) { console.error(`traces: no traces directory at ${tracesDir} (set SYMPHONY_TRACES_DIR or --traces)`); process.exit(3) }
  let failed = 0
  for (const name of listTraces(tracesDir).filter(n => !only || only.includes(n))) {
    try {
      const r = makeStream(tracesDir, outDir, name, { force })
      if (r.cached) console.log(`traces: ${name}: up to date`)
    } catch (e) {
      failed++
      console.log(`traces: FAIL ${name}: ${e.message}`)
    }
  }
  process.exitCode = failed ? 1 : 0
}
