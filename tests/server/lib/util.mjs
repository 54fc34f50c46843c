// Small helpers shared by the end-to-end tests: waiting, HTTP, seeded randomness, documents.
import http from 'node:http'
import * as Y from 'yjs'
import * as prng from 'lib0/prng'

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

// Polls `cond` (sync or async) every `interval` ms until it returns a truthy value, which is
// returned. Throws after `timeout` ms with `message` (a string or a function giving one, so the
// message can describe the state at the moment of failure).
export async function waitFor (cond, { timeout = 10000, interval = 25, message = 'condition' } = {}) {
  const deadline = Date.now() + timeout
  for (;;) {
    const v = await cond()
    if (v) return v
    if (Date.now() > deadline) {
      const m = typeof message === 'function' ? message() : message
      throw new Error(`timed out after ${timeout} ms waiting for ${m}`)
    }
    await sleep(interval)
  }
}

// Resolves with the first emission of `event` on an EventEmitter-like object (on/off or
// once), rejects after `timeout` ms.
export function once (emitter, event, timeout = 10000) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      off()
      reject(new Error(`timed out after ${timeout} ms waiting for event '${event}'`))
    }, timeout)
    const handler = (...args) => {
      clearTimeout(t)
      off()
      resolve(args)
    }
    const off = () => (emitter.off ? emitter.off(event, handler) : emitter.removeListener(event, handler))
    emitter.on(event, handler)
  })
}

export function assert (cond, message) {
  if (!cond) throw new Error(typeof message === 'function' ? message() : message || 'assertion failed')
}

export function assertEqual (actual, expected, what = 'value') {
  const a = JSON.stringify(actual)
  const e = JSON.stringify(expected)
  if (a !== e) throw new Error(`${what}: expected ${clip(e)}, got ${clip(a)}`)
}

export const clip = (s, n = 300) => (s.length > n ? s.slice(0, n) + `... (${s.length} chars)` : s)

// --- HTTP

// One HTTP request to 127.0.0.1. Resolves { status, headers, body (Buffer), text, json() }.
// Never rejects on HTTP errors, only on connection errors or the timeout.
export function request (port, method, path, { body, headers = {}, timeout = 10000 } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, timeout }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => {
        const buf = Buffer.concat(chunks)
        resolve({
          status: res.statusCode,
          headers: res.headers,
          body: buf,
          text: buf.toString('utf8'),
          json () {
            try {
              return JSON.parse(buf.toString('utf8'))
            } catch (e) {
              throw new Error(`${method} ${path}: response is not JSON (${res.statusCode}): ${clip(buf.toString('utf8'))}`)
            }
          }
        })
      })
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out after ${timeout} ms`)))
    req.on('error', reject)
    if (body !== undefined) req.write(body)
    req.end()
  })
}

// --- randomness

// A seeded generator (lib0/prng, xoroshiro128+) with the few draws the tests use.
export function rng (seed) {
  const gen = prng.create(seed)
  return {
    gen,
    int: (min, max) => prng.int32(gen, min, max), // inclusive bounds
    bool: (p = 0.5) => prng.real53(gen) < p,
    real: () => prng.real53(gen),
    pick: (arr) => arr[prng.int32(gen, 0, arr.length - 1)],
    word: (min = 1, max = 6) => prng.word(gen, min, max)
  }
}

// --- documents

// The roots every test document uses, with their types: the tests always read a doc through
// these so a fresh doc built from a server's state has the same typed roots.
export const ROOTS = { m: 'map', a: 'array', t: 'text' }

export function rootsOf (doc) {
  return { m: doc.getMap('m'), a: doc.getArray('a'), t: doc.getText('t') }
}

// A copy of a JSON value with object keys sorted, so that equal values stringify equally (a
// Y.Map's key order depends on the order its entries were integrated).
export function canon (v) {
  if (Array.isArray(v)) return v.map(canon)
  if (v && typeof v === 'object') {
    const o = {}
    for (const k of Object.keys(v).sort()) o[k] = canon(v[k])
    return o
  }
  return v
}

// JSON view of the test roots (plain values with sorted keys, comparable with assertEqual).
export function docJSON (doc) {
  const r = rootsOf(doc)
  return canon({ m: r.m.toJSON(), a: r.a.toJSON(), t: r.t.toString() })
}

// Compares the server's JSON view (GET /api/rooms/{id}/json) with a client's doc. A root the
// client holds but that is empty may be missing from the server's view (an empty root leaves
// nothing in the document that names it). Returns a description of the difference or null.
export function jsonViewDiff (serverJson, doc) {
  const want = docJSON(doc)
  const empty = (v) => v === '' || (Array.isArray(v) && v.length === 0) || (v && typeof v === 'object' && Object.keys(v).length === 0)
  for (const [k, v] of Object.entries(want)) {
    if (!(k in serverJson)) {
      if (!empty(v)) return `root '${k}' missing from the server's JSON view; expected ${clip(JSON.stringify(v), 200)}`
      continue
    }
    const got = JSON.stringify(canon(serverJson[k]))
    if (got !== JSON.stringify(v)) return `root '${k}': server JSON ${clip(got, 200)} != client ${clip(JSON.stringify(v), 200)}`
  }
  return null
}

// A fresh doc holding `update` (a Yjs v1 update).
export function docFromUpdate (update) {
  const doc = new Y.Doc()
  rootsOf(doc)
  Y.applyUpdate(doc, update)
  return doc
}

// Equal content AND equal CRDT state (state vector + delete set), or a description of the
// first difference. `a` and `b` are Y.Docs.
export function docDiff (a, b, nameA = 'a', nameB = 'b') {
  const ja = JSON.stringify(docJSON(a))
  const jb = JSON.stringify(docJSON(b))
  if (ja !== jb) {
    let i = 0
    while (i < ja.length && ja[i] === jb[i]) i++
    const from = Math.max(0, i - 60)
    return `content differs at char ${i}: ${nameA}=...${ja.slice(from, i + 100)} ${nameB}=...${jb.slice(from, i + 100)}`
  }
  if (!Y.equalSnapshots(Y.snapshot(a), Y.snapshot(b))) {
    const sa = [...Y.decodeStateVector(Y.encodeStateVector(a))].sort()
    const sb = [...Y.decodeStateVector(Y.encodeStateVector(b))].sort()
    return `state differs (state vector or delete set): ${nameA} sv=${JSON.stringify(sa)} ${nameB} sv=${JSON.stringify(sb)}`
  }
  return null
}

// `i` moved off the middle of a surrogate pair: Yjs itself diverges when an edit splits a pair
// (the splitting replica writes U+FFFD, the others keep the character), so no edit may do that.
function safeIndex (ytext, i) {
  const s = ytext.toString()
  if (i > 0 && i < s.length) {
    const c = s.charCodeAt(i - 1)
    if (c >= 0xd800 && c <= 0xdbff) return i - 1
  }
  return i
}

// One random edit on `doc`'s test roots, in one transaction. Sizes stay small so documents
// stay small; `r` is an rng().
export function randomEdit (doc, r, tag = '') {
  const { m, a, t } = rootsOf(doc)
  doc.transact(() => {
    const op = r.int(0, 99)
    if (op < 25) {
      const v = r.pick([() => r.int(-1000, 1000), () => r.word(), () => r.bool(), () => null,
        () => [r.int(0, 9), r.word()], () => ({ k: r.word(), n: r.int(0, 99) })])()
      m.set(`k${r.int(0, 11)}`, v)
    } else if (op < 32) {
      const keys = [...m.keys()]
      if (keys.length) m.delete(r.pick(keys))
    } else if (op < 55) {
      const n = r.int(1, 3)
      const items = []
      for (let i = 0; i < n; i++) items.push(r.bool(0.7) ? r.int(0, 999) : `${tag}${r.word(1, 4)}`)
      a.insert(r.int(0, a.length), items)
    } else if (op < 65) {
      if (a.length) {
        const i = r.int(0, a.length - 1)
        a.delete(i, r.int(1, Math.min(3, a.length - i)))
      }
    } else if (op < 88) {
      // Mostly ASCII; sometimes a 2-byte UTF-8 char or a surrogate pair (lengths count UTF-16).
      const str = r.bool(0.85) ? r.word(1, 8) : r.pick(['é', 'ß∂', '😀', 'a😀b'])
      t.insert(safeIndex(t, r.int(0, t.length)), str)
    } else if (op < 97) {
      if (t.length) {
        const i = safeIndex(t, r.int(0, t.length - 1))
        const j = safeIndex(t, Math.min(t.length, i + r.int(1, 5)))
        if (j > i) t.delete(i, j - i)
      }
    } else if (t.length) {
      const i = safeIndex(t, r.int(0, t.length - 1))
      const j = safeIndex(t, Math.min(t.length, i + r.int(1, 4)))
      if (j > i) t.format(i, j - i, { bold: r.bool() ? true : null })
    }
  })
}

// Reads VmRSS of a process from /proc, in bytes (0 when unknown).
export async function rssBytes (pid) {
  const fs = await import('node:fs/promises')
  try {
    const s = await fs.readFile(`/proc/${pid}/status`, 'utf8')
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(s)
    return m ? Number(m[1]) * 1024 : 0
  } catch {
    return 0
  }
}
