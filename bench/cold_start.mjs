// Cold start: how long a room whose stored document is large takes to answer a new client's
// first sync. Used by bench/peers.sh (scenario "cold"); two commands:
//
//   node bench/cold_start.mjs generate --bytes 10000000 [--out build/bench/cold-10000000.update]
//     Builds the document once, deterministically, and caches it (FILE and FILE.json, the
//     expected state vector and checksums). Prints the cache's JSON summary.
//   node bench/cold_start.mjs measure --url ws://127.0.0.1:PORT[/hocuspocus] --protocol yws|hocuspocus
//                                      --room ROOM --doc FILE [--timeout-ms 60000]
//     One client, one cold start: prints one JSON line (times in ms, and whether the received
//     document is the stored one).
//
// The document is a whiteboard: the root Y.Array "strokes" holds stroke objects like the ones
// `symphony bench` draws ({id, user, color, width, points: 8-16 [x, y], t}), pushed one per
// transaction by 64 users taking turns (so the items do not merge into a few big structs: about
// 40,000 items for 10 MB), plus a Y.Text "title". Each user's Y.Doc clientID is fixed and the
// random numbers come from a seeded generator, so the same --bytes always gives the same bytes.
//
// The measured time runs from just before the TCP connect to the moment the client's replica
// holds the whole stored document (its state vector equals the stored one) after applying the
// server's sync step 2 (or, for a server that answers before it has loaded the room, whatever
// updates complete it). Reported with it: when the first step 2 arrived complete, how long the
// client's own Y.applyUpdate took, and whether the result is byte-identical to the stored
// document once re-encoded by Yjs.
import fs from 'node:fs'
import path from 'node:path'
import crypto from 'node:crypto'
import { performance } from 'node:perf_hooks'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import WebSocket from 'ws'

const args = process.argv.slice(2)
const command = args[0]
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt
}
const sha256 = (bytes) => crypto.createHash('sha256').update(bytes).digest('hex')

// mulberry32: a tiny seeded generator; enough for deterministic test content.
const rng = (seed) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

const kUsers = 64
const kColors = ['#3fa2c9', '#e4572e', '#29335c', '#f3a712', '#669bbc', '#a8c686', '#7d5ba6', '#0b6e4f']
const kWords = ['stroke', 'board', 'arrow', 'sticky', 'note', 'frame', 'shape', 'layer', 'review',
  'sketch', 'idea', 'draft', 'todo', 'done', 'the', 'a', 'of', 'and', 'to', 'in', 'with', 'from']
const kChunkChars = 1000

function generate (targetBytes) {
  const rand = rng(20261123)
  const doc = new Y.Doc({ gc: false })
  const strokes = doc.getArray('strokes')
  const notes = doc.getText('notes')
  // Every edit is its own transaction by one of 64 clients in turn, so consecutive items never
  // merge into one struct: the document has the item count a shared board would have.
  const as = (u, f) => { doc.clientID = 1000 + u; doc.transact(f) }
  const nstrokes = Math.max(100, Math.floor(targetBytes / 5000))
  for (let n = 0; n < nstrokes; n++) {
    const u = n % kUsers
    const npoints = 8 + Math.floor(rand() * 9)
    let x = Math.floor(rand() * 4000)
    let y = Math.floor(rand() * 3000)
    const points = []
    for (let p = 0; p < npoints; p++) {
      x += Math.floor(rand() * 41) - 20
      y += Math.floor(rand() * 41) - 20
      points.push([x, y])
    }
    as(u, () => strokes.push([{
      id: `u${u}-${n}`,
      user: u,
      color: kColors[Math.floor(rand() * kColors.length)],
      width: 1 + Math.floor(rand() * 8),
      points,
      t: 1763900000000000 + n * 1000
    }]))
  }
  let chunks = 0
  for (let size = 0; size < targetBytes; size = Y.encodeStateAsUpdate(doc).length) {
    for (let i = 0; i < 500; i++) {
      let s = ''
      while (s.length < kChunkChars) s += kWords[Math.floor(rand() * kWords.length)] + (rand() < 0.08 ? '.\n' : ' ')
      as(chunks % kUsers, () => notes.insert(notes.length, s.slice(0, kChunkChars)))
      chunks++
    }
  }
  return { update: Y.encodeStateAsUpdate(doc), strokes: nstrokes, chunks }
}

function summary (update) {
  const d = new Y.Doc()
  Y.applyUpdate(d, update)
  return {
    bytes: update.length,
    sha256: sha256(update),
    state_vector: Buffer.from(Y.encodeStateVector(d)).toString('base64'),
    ...contentChecks(d)
  }
}

// What a replica must hold to count as the stored document.
function contentChecks (d) {
  return {
    strokes: d.getArray('strokes').length,
    notes_chars: d.getText('notes').length,
    content_sha256: sha256(JSON.stringify(d.getArray('strokes').toJSON()) + '\0' + d.getText('notes').toString())
  }
}

function cmdGenerate () {
  const bytes = Number(opt('bytes', '10000000'))
  const out = opt('out', `build/bench/cold-${bytes}.update`)
  const metaFile = `${out}.json`
  if (fs.existsSync(out) && fs.existsSync(metaFile)) {
    const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8'))
    const data = fs.readFileSync(out)
    if (meta.target_bytes === bytes && meta.sha256 === sha256(data)) {
      console.log(JSON.stringify({ ...meta, cached: true }))
      return
    }
  }
  const t0 = performance.now()
  const { update, strokes, chunks } = generate(bytes)
  const meta = {
    target_bytes: bytes,
    doc: `Y.Array "strokes": ${strokes} stroke objects; Y.Text "notes": ${chunks} inserts of ${kChunkChars} characters; one transaction per edit, ${kUsers} clients in turn`,
    generate_ms: Math.round(performance.now() - t0),
    ...summary(update)
  }
  if (meta.strokes !== strokes) throw new Error(`generated ${strokes} strokes, decoded ${meta.strokes}`)
  fs.mkdirSync(path.dirname(out), { recursive: true })
  fs.writeFileSync(out, update)
  fs.writeFileSync(metaFile, JSON.stringify(meta) + '\n')
  console.log(JSON.stringify({ ...meta, cached: false }))
}

// ---- measure ----------------------------------------------------------------------------

const kSync = 0
const kAwareness = 1
const kAuth = 2
const kQueryAwareness = 3
const kSyncReply = 4 // Hocuspocus: a Sync message that does not ask for our step 1 again
const kClose = 7
const kStep1 = 0
const kStep2 = 1
const kUpdate = 2
const kAuthToken = 0
const kPermissionDenied = 1
const kAuthenticated = 2

async function cmdMeasure () {
  const url = opt('url', 'ws://127.0.0.1:8080')
  const protocol = opt('protocol', 'yws')
  const room = opt('room', 'cold')
  const docFile = opt('doc')
  const timeoutMs = Number(opt('timeout-ms', '60000'))
  if (!docFile) throw new Error('--doc FILE is required')
  if (protocol !== 'yws' && protocol !== 'hocuspocus') throw new Error(`unknown --protocol ${protocol}`)
  const meta = JSON.parse(fs.readFileSync(`${docFile}.json`, 'utf8'))
  const wantSv = Buffer.from(meta.state_vector, 'base64')
  const hp = protocol === 'hocuspocus'
  const target = hp ? url : `${url.replace(/\/$/, '')}/${encodeURIComponent(room)}`

  const doc = new Y.Doc()
  const result = {
    protocol, room, doc_bytes: meta.bytes, connected_ms: null, first_step2_ms: null,
    first_step2_bytes: null, first_step2_complete: null, apply_ms: 0, synced_ms: null,
    messages: 0, verified: false, error: null
  }
  const frame = (write) => {
    const e = encoding.createEncoder()
    if (hp) encoding.writeVarString(e, room)
    write(e)
    return encoding.toUint8Array(e)
  }
  const sendStep1 = (ws) => ws.send(frame(e => {
    encoding.writeVarUint(e, kSync)
    encoding.writeVarUint(e, kStep1)
    encoding.writeVarUint8Array(e, Y.encodeStateVector(doc))
  }))

  // Warm the client up first (JIT, allocator) on the same bytes, so that apply_ms is what a
  // running client spends, not the first run of a fresh Node process.
  Y.applyUpdate(new Y.Doc(), fs.readFileSync(docFile))

  const t0 = performance.now()
  const ws = new WebSocket(target, { perMessageDeflate: false, maxPayload: 1 << 30 })
  ws.binaryType = 'arraybuffer'
  const done = new Promise((resolve) => {
    const timer = setTimeout(() => { result.error = `timeout after ${timeoutMs} ms`; resolve() }, timeoutMs)
    const finish = (err) => { if (err && !result.error) result.error = err; clearTimeout(timer); resolve() }
    ws.on('open', () => {
      result.connected_ms = performance.now() - t0
      if (hp) {
        ws.send(frame(e => { encoding.writeVarUint(e, kAuth); encoding.writeVarUint(e, kAuthToken); encoding.writeVarString(e, 'bench') }))
      } else {
        sendStep1(ws)
      }
    })
    ws.on('error', (e) => finish(String(e.message || e)))
    ws.on('close', (code, reason) => finish(`closed with ${code} ${reason} before the document was complete`))
    ws.on('message', (data) => {
      result.messages++
      const d = decoding.createDecoder(new Uint8Array(data))
      if (hp) decoding.readVarString(d)
      const type = decoding.readVarUint(d)
      if (type === kAuth) {
        const sub = decoding.readVarUint(d)
        if (sub === kAuthenticated) sendStep1(ws)
        else if (sub === kPermissionDenied) finish('permission denied')
        return
      }
      if (type === kClose) { finish('server sent CLOSE'); return }
      if (type === kAwareness || type === kQueryAwareness || (type !== kSync && type !== kSyncReply)) return
      const sub = decoding.readVarUint(d)
      if (sub === kStep1) {
        // Answer as a provider does; the server's step 1 asks for what we have (nothing new).
        const sv = decoding.readVarUint8Array(d)
        ws.send(frame(e => {
          encoding.writeVarUint(e, kSync)
          encoding.writeVarUint(e, kStep2)
          encoding.writeVarUint8Array(e, Y.encodeStateAsUpdate(doc, sv))
        }))
        return
      }
      if (sub !== kStep2 && sub !== kUpdate) return
      const update = decoding.readVarUint8Array(d)
      const ta = performance.now()
      Y.applyUpdate(doc, update)
      const tb = performance.now()
      result.apply_ms += tb - ta
      const complete = Buffer.from(Y.encodeStateVector(doc)).equals(wantSv)
      if (sub === kStep2 && result.first_step2_ms === null) {
        result.first_step2_ms = ta - t0
        result.first_step2_bytes = update.length
        result.first_step2_complete = complete
      }
      if (complete) {
        result.synced_ms = tb - t0
        finish(null)
      }
    })
  })
  await done
  if (result.synced_ms !== null) result.error = null
  ws.terminate()
  if (result.synced_ms !== null) {
    const got = contentChecks(doc)
    result.strokes = got.strokes
    result.notes_chars = got.notes_chars
    result.reencoded_identical = sha256(Y.encodeStateAsUpdate(doc)) === meta.sha256
    result.verified = got.strokes === meta.strokes && got.notes_chars === meta.notes_chars &&
      got.content_sha256 === meta.content_sha256
  }
  for (const k of ['connected_ms', 'first_step2_ms', 'apply_ms', 'synced_ms']) {
    if (result[k] !== null) result[k] = Math.round(result[k] * 10) / 10
  }
  console.log(JSON.stringify(result))
  process.exitCode = result.verified ? 0 : 1
}

if (command === 'generate') cmdGenerate()
else if (command === 'measure') await cmdMeasure()
else {
  console.error('usage: node bench/cold_start.mjs generate --bytes N [--out FILE]\n' +
    '       node bench/cold_start.mjs measure --url URL --protocol yws|hocuspocus --room ROOM --doc FILE')
  process.exitCode = 1
}
