// Shared helpers for Symphony's JS conformance tooling (golden vectors, traces, fuzzer).
//
// Everything here is about talking to the `symphony` CLI and computing what real Yjs says
// for the same input:
//   - framing of update streams (lib0 varUint length + bytes, i.e. encoding.writeVarUint8Array)
//   - locating / running the binary with clear diagnostics
//   - the "JSON view" of a document (JSON.parse(JSON.stringify(root.toJSON())) per root)
//   - structural comparison with root-kind ambiguity handling
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

// ---------------------------------------------------------------------------------------------
// Framing

/** @param {Array<Uint8Array>} updates @return {Uint8Array} */
export const frameUpdates = (updates) => {
  const enc = encoding.createEncoder()
  for (const u of updates) encoding.writeVarUint8Array(enc, u)
  return encoding.toUint8Array(enc)
}

/** @param {Uint8Array} buf @return {Array<Uint8Array>} */
export const readFramed = (buf) => {
  const dec = decoding.createDecoder(buf)
  const out = []
  while (decoding.hasContent(dec)) out.push(decoding.readVarUint8Array(dec))
  return out
}

// ---------------------------------------------------------------------------------------------
// Binary

/**
 * Resolve the symphony binary: explicit path > $SYMPHONY_BIN > build/symphony (repo-relative).
 * @param {string|undefined} explicit
 */
export const resolveBin = (explicit) => {
  const p = explicit || process.env.SYMPHONY_BIN || 'build/symphony'
  return path.isAbsolute(p) ? p : path.resolve(process.cwd(), p)
}

/** Exit with a clear message if the binary is missing / not executable. */
export const requireBin = (bin, toolName = 'check') => {
  try {
    fs.accessSync(bin, fs.constants.X_OK)
    if (!fs.statSync(bin).isFile()) throw new Error('not a file')
  } catch (e) {
    console.error(`${toolName}: symphony binary not found or not executable: ${bin}`)
    console.error(`${toolName}: build it first (cmake --build build) or pass --bin PATH / set SYMPHONY_BIN.`)
    process.exit(3)
  }
  return bin
}

/**
 * Run the binary asynchronously. Never rejects: returns {code, signal, stdout, stderr, error, ms}.
 * @param {string} bin @param {Array<string>} args @param {{timeout?:number, maxBuffer?:number}} [opts]
 */
export const runBin = (bin, args, opts = {}) => new Promise((resolve) => {
  const t0 = performance.now()
  execFile(bin, args, {
    encoding: 'buffer',
    timeout: opts.timeout ?? 60_000,
    maxBuffer: opts.maxBuffer ?? 512 * 1024 * 1024,
    killSignal: 'SIGKILL'
  }, (error, stdout, stderr) => {
    const ms = performance.now() - t0
    let code = 0
    let signal = null
    if (error) {
      if (typeof error.code === 'number') code = error.code
      else if (error.signal) { code = null; signal = error.signal } else { code = null }
      if (error.signal) signal = error.signal
      if (error.killed && !signal) signal = 'SIGKILL'
    }
    resolve({ code, signal, stdout: stdout ?? Buffer.alloc(0), stderr: stderr ?? Buffer.alloc(0), error: error && code === null && !signal ? error : null, ms })
  })
})

/** one-line description of a failed process run */
export const describeRun = (r) => {
  const st = r.signal ? `killed by ${r.signal}` : r.code === null ? `failed to start (${r.error && r.error.message})` : `exit ${r.code}`
  const err = r.stderr.toString('utf8').trim().split('\n').slice(0, 5).join(' | ')
  return err ? `${st}; stderr: ${err.slice(0, 800)}` : st
}

// ---------------------------------------------------------------------------------------------
// Bytes

export const bytesEqual = (a, b) => {
  if (!a || !b || a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** @return {number} first differing offset, or -1 */
export const firstDiff = (a, b) => {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i
  return a.length === b.length ? -1 : n
}

export const hexAround = (buf, off, radius = 12) => {
  const s = Math.max(0, off - radius)
  return `${s}:${Buffer.from(buf.subarray(s, Math.min(buf.length, off + radius))).toString('hex')}`
}

export const describeByteDiff = (expected, actual) => {
  const off = firstDiff(expected, actual)
  return `expected ${expected.length} bytes, got ${actual.length}; first difference at byte ${off} (expected ${hexAround(expected, off)} / actual ${hexAround(actual, off)})`
}

// ---------------------------------------------------------------------------------------------
// Root kinds & JSON view

export const KINDS = ['Map', 'Array', 'Text', 'XmlFragment']

/** @param {Y.Doc} doc @param {string} name @param {string} kind */
export const getRoot = (doc, name, kind) => {
  switch (kind) {
    case 'Map': return doc.getMap(name)
    case 'Array': return doc.getArray(name)
    case 'Text': return doc.getText(name)
    case 'XmlFragment': return doc.getXmlFragment(name)
    default: throw new Error(`unknown root kind ${kind}`)
  }
}

/** JSON round trip, the way the engine's --json output is parsed */
export const jsonClone = (v) => v === undefined ? undefined : JSON.parse(JSON.stringify(v))

/**
 * JSON view of a document given as a v1 update (a fresh doc is loaded; roots are typed only
 * after everything is applied, like a kind-agnostic server doc).
 * @param {Uint8Array} state @param {Object<string,string>} roots name -> kind
 * @return {Object<string,any>}
 */
export const jsonViewOfState = (state, roots) => {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, state)
  const out = {}
  for (const [name, kind] of Object.entries(roots)) {
    if (!doc.share.has(name)) continue
    out[name] = jsonClone(getRoot(doc, name, kind).toJSON())
  }
  doc.destroy()
  return out
}

/** JSON view of an already-populated doc (roots typed now). */
export const jsonViewOfDoc = (doc, roots) => {
  const out = {}
  for (const [name, kind] of Object.entries(roots)) {
    if (!doc.share.has(name)) continue
    out[name] = jsonClone(getRoot(doc, name, kind).toJSON())
  }
  return out
}

/** structural equality of JSON values, object key order ignored */
export const jsonEqual = (a, b) => {
  if (a === b) return true
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a)) {
    if (a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false
    return true
  }
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  if (ka.length !== kb.length) return false
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false
    if (!jsonEqual(a[k], b[k])) return false
  }
  return true
}

const short = (v) => {
  const s = JSON.stringify(v)
  return s === undefined ? 'undefined' : s.length > 300 ? s.slice(0, 300) + '…' : s
}

/**
 * For every root of `doc`: is it ambiguous for an engine that infers root kinds from content
 * ('empty': no live content; 'types-only': only live nested types in its list, no live map
 * entries), and if so what Yjs's view of it is under each kind. Computed from the items, so it
 * works whether or not the roots were typed.
 * @return {Object<string,{cls:string, views?:Object<string,any>}>}
 */
export const ambiguityInfo = (doc) => {
  const out = {}
  for (const [name, t] of doc.share) {
    let cls = 'empty'
    for (const item of t._map.values()) if (!item.deleted) { cls = 'other'; break }
    const children = []
    if (cls === 'empty') {
      for (let n = t._start; n !== null; n = n.right) {
        if (n.deleted) continue
        if (n.content.constructor === Y.ContentType) { cls = 'types-only'; children.push(n.content.type) } else { cls = 'other'; break }
      }
    }
    if (cls === 'other') { out[name] = { cls }; continue }
    out[name] = {
      cls,
      views: {
        Map: {},
        Text: '',
        Array: jsonClone(children.map(c => c.toJSON())),
        XmlFragment: children.map(c => c.toString()).join('')
      }
    }
  }
  return out
}

/**
 * Compare the engine's `--json` output with Yjs.
 * - roots missing from the engine output are skipped (the engine may not know their kind)
 * - a root whose value differs from the expected kind's view is accepted iff the root is
 *   ambiguous from content (no live content, or only nested types in its list) and the value
 *   equals Yjs's view of that root under another kind.
 * @param {any} actual parsed engine output
 * @param {Object<string,string>} roots name -> kind
 * @param {Object<string,any>} expected the reference view (jsonViewOfDoc of the reference doc)
 * @param {Object<string,{cls:string, views?:Object<string,any>}>} alt ambiguityInfo(reference doc)
 * @return {{ok:boolean, msg?:string, skipped:Array<string>, ambiguous:Array<string>}}
 */
export const compareJsonView = (actual, roots, expected, alt) => {
  const skipped = []
  const ambiguous = []
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
    return { ok: false, msg: `--json output is not a JSON object: ${short(actual)}`, skipped, ambiguous }
  }
  for (const name of Object.keys(expected)) {
    if (!Object.prototype.hasOwnProperty.call(actual, name)) skipped.push(name)
  }
  for (const name of Object.keys(actual)) {
    const got = actual[name]
    if (Object.prototype.hasOwnProperty.call(expected, name) && jsonEqual(got, expected[name])) continue
    // mismatch or unknown root: is it an ambiguous root that matches another kind's view?
    const info = alt[name]
    if (info && info.views) {
      const matched = KINDS.find(kind => jsonEqual(got, info.views[kind]))
      if (matched) { ambiguous.push(`${name}:${matched}`); continue }
    }
    if (!Object.prototype.hasOwnProperty.call(expected, name)) {
      return { ok: false, msg: `--json has root "${name}" which the reference doc does not have (value ${short(got)})`, skipped, ambiguous }
    }
    return { ok: false, msg: `--json root "${name}" (${roots[name]}) differs: expected ${short(expected[name])}, got ${short(got)}`, skipped, ambiguous }
  }
  return { ok: true, skipped, ambiguous }
}

// ---------------------------------------------------------------------------------------------
// Reference computation

/**
 * Apply a stream to a fresh gc-on doc (one transaction per update) the way the CLI must.
 * @param {Array<Uint8Array>} updates @param {boolean} v2
 */
export const refDocFromStream = (updates, v2 = false) => {
  const doc = new Y.Doc()
  for (const u of updates) {
    if (v2) Y.applyUpdateV2(doc, u)
    else Y.applyUpdate(doc, u)
  }
  return doc
}

/** state/sv/ds of a doc (before typing its roots) */
export const snapshotOf = (doc) => ({
  state: Y.encodeStateAsUpdate(doc),
  sv: Y.encodeStateVector(doc),
  ds: Y.createDeleteSetFromStructStore(doc.store)
})

/** delete set as [[client, [[clock,len]...]]...] for messages */
export const dsToPlain = (ds) => Array.from(ds.clients.entries()).sort((a, b) => a[0] - b[0]).map(([c, items]) => [c, items.map(i => [i.clock, i.len])])

/** state vector bytes as a plain sorted object for messages */
export const svToPlain = (sv) => Object.fromEntries(Array.from(Y.decodeStateVector(sv).entries()).sort((a, b) => a[0] - b[0]))

/**
 * Semantic check of a state produced by the engine: load it into a fresh doc and compare
 * JSON view, state vector, delete set (and pending state) with the reference doc.
 * `loadedView` must be the view of a fresh doc that loaded the *expected* state
 * (jsonViewOfState(ref.state)): loading a state is not always the same as the doc that
 * produced it (Yjs can keep structs pending that a reload integrates).
 * @return {string|null} error message or null
 */
export const semanticCheck = (actualState, ref, roots, loadedView) => {
  const expectedView = loadedView
  let doc
  try {
    doc = new Y.Doc()
    Y.applyUpdate(doc, actualState)
  } catch (e) {
    return `Yjs cannot load the engine's --out state: ${e && e.message}`
  }
  const sv = Y.encodeStateVector(doc)
  if (!bytesEqual(sv, ref.sv)) return `state vector of loaded --out differs: expected ${JSON.stringify(svToPlain(ref.sv))}, got ${JSON.stringify(svToPlain(sv))}`
  const ds = Y.createDeleteSetFromStructStore(doc.store)
  if (!Y.equalDeleteSets(ds, ref.ds)) return `delete set of loaded --out differs: expected ${JSON.stringify(dsToPlain(ref.ds))}, got ${JSON.stringify(dsToPlain(ds))}`
  const hasPending = !!(doc.store.pendingStructs || doc.store.pendingDs)
  const refPending = !!ref.pending
  if (hasPending !== refPending) return `pending structs/deletes after loading --out: expected ${refPending}, got ${hasPending}`
  const view = jsonViewOfDoc(doc, roots)
  for (const name of new Set([...Object.keys(view), ...Object.keys(expectedView)])) {
    if (!jsonEqual(view[name], expectedView[name])) return `content of root "${name}" in loaded --out differs: expected ${short(expectedView[name])}, got ${short(view[name])}`
  }
  doc.destroy()
  return null
}

export const mkdirp = (p) => fs.mkdirSync(p, { recursive: true })
