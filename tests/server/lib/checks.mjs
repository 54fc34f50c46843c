// Checks of what the server holds, shared by the tests.
import { RawClient } from './clients.mjs'
import { assert, docDiff, docFromUpdate, jsonViewDiff, waitFor } from './util.mjs'

// The server's document for `room` as seen by a fresh y-websocket client after its first sync.
export async function fetchViaClient (server, room, timeout = 10000) {
  const c = await RawClient.connect(server.roomUrl(room))
  try {
    await c.waitSynced(timeout)
    return c.doc
  } finally {
    c.close()
  }
}

// The server's document for `room` from GET /api/rooms/{id}/state (Symphony only).
export async function fetchViaHttp (server, room) {
  const r = await server.http('GET', `/api/rooms/${encodeURIComponent(room)}/state`)
  assert(r.status === 200, () => `GET /api/rooms/${room}/state: HTTP ${r.status} ${r.text.slice(0, 200)}`)
  const ct = String(r.headers['content-type'] || '')
  assert(ct.startsWith('application/octet-stream'), `GET /api/rooms/${room}/state: content-type ${ct}, expected application/octet-stream`)
  return docFromUpdate(new Uint8Array(r.body))
}

export async function fetchJsonView (server, room) {
  const r = await server.http('GET', `/api/rooms/${encodeURIComponent(room)}/json`)
  assert(r.status === 200, () => `GET /api/rooms/${room}/json: HTTP ${r.status} ${r.text.slice(0, 200)}`)
  return r.json()
}

// Asserts that the server's copy of `room` equals `doc`: through a fresh client (always) and
// through the HTTP API (/state and /json, Symphony only).
export async function assertServerHas (ctx, server, room, doc) {
  const viaClient = await fetchViaClient(server, room)
  const d1 = docDiff(doc, viaClient, 'client', 'fresh client of the server')
  assert(d1 === null, () => `room ${room}: ${d1}`)
  if (server.isRef) return
  const viaHttp = await fetchViaHttp(server, room)
  const d2 = docDiff(doc, viaHttp, 'client', 'GET state')
  assert(d2 === null, () => `room ${room}: ${d2}`)
  const d3 = jsonViewDiff(await fetchJsonView(server, room), doc)
  assert(d3 === null, () => `room ${room}: GET json: ${d3}`)
}

// Waits until every doc in `docs` equals the first (content, state vector and delete set).
export function waitConverged (docs, { timeout = 15000, what = 'docs' } = {}) {
  let last = ''
  return waitFor(() => {
    for (let i = 1; i < docs.length; i++) {
      const d = docDiff(docs[0], docs[i], 'doc 0', `doc ${i}`)
      if (d) {
        last = d
        return false
      }
    }
    return true
  }, { timeout, interval: 50, message: () => `${what} to converge; last difference: ${last}` })
}
