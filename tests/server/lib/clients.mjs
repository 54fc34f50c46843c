// Clients for the end-to-end tests: the real y-websocket WebsocketProvider, the real Hocuspocus
// providers (v3 and v4), and a raw y-websocket client over `ws` that records exactly what the
// server sent (close codes, echoes of its own updates) and can send arbitrary bytes.
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import * as hp4 from '@hocuspocus/provider'
import * as hp3 from 'hocuspocus-provider-v3'
import * as syncProtocol from 'y-protocols/sync'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { rootsOf, waitFor } from './util.mjs'

export { WebSocket, Y, syncProtocol, awarenessProtocol, encoding, decoding }

// Every WebsocketProvider adds a process 'exit' listener.
process.setMaxListeners(200)

export const MSG_SYNC = 0
export const MSG_AWARENESS = 1
export const MSG_AUTH = 2
export const MSG_QUERY_AWARENESS = 3

// --- y-websocket

// A WebsocketProvider for `room` (URL-encoded into the path), destroyed when the test ends.
export function ywsProvider (ctx, server, room, { doc = new Y.Doc(), connect = true } = {}) {
  rootsOf(doc)
  const p = new WebsocketProvider(server.wsBase, encodeURIComponent(room), doc, {
    WebSocketPolyfill: WebSocket,
    disableBc: true,
    connect,
    maxBackoffTime: 500
  })
  p.closeEvents = []
  p.on('connection-close', (ev) => { if (ev) p.closeEvents.push({ code: ev.code, reason: String(ev.reason || '') }) })
  ctx.defer(() => { p.destroy(); doc.destroy() })
  return p
}

export const ywsSynced = (p, timeout = 10000) =>
  waitFor(() => p.wsconnected && p.synced, { timeout, message: `y-websocket provider ${p.roomname} (client ${p.doc.clientID}) synced` })

// --- Hocuspocus

export const hocuspocus = { 3: hp3, 4: hp4 }

// The providers remove their 'error' listener before closing a socket that is still connecting
// (destroy during a reconnect attempt); `ws` then emits an unhandled 'error'. Keep one listener.
class QuietWebSocket extends WebSocket {
  constructor (...args) {
    super(...args)
    this.on('error', () => {})
  }
}

// A HocuspocusProviderWebsocket (one socket, shared by providers); `socketsOpened()` counts the
// WebSocket objects it created.
export function hpSocket (ctx, server, version, opts = {}) {
  const { HocuspocusProviderWebsocket } = hocuspocus[version]
  let count = 0
  class CountingWebSocket extends QuietWebSocket {
    constructor (...args) {
      super(...args)
      count++
    }
  }
  const socket = new HocuspocusProviderWebsocket({
    url: server.hocuspocusUrl,
    WebSocketPolyfill: CountingWebSocket,
    maxDelay: 500,
    delay: 50,
    minDelay: 50,
    ...opts
  })
  socket.socketsOpened = () => count
  ctx.defer(() => socket.destroy())
  return socket
}

// A HocuspocusProvider for document `name`; over `socket` when given (attached), else its own.
export function hpProvider (ctx, server, version, name, { socket, doc = new Y.Doc(), token = 'any-token' } = {}) {
  rootsOf(doc)
  const { HocuspocusProvider } = hocuspocus[version]
  const cfg = { name, document: doc, token }
  if (socket) cfg.websocketProvider = socket
  else {
    Object.assign(cfg, { url: server.hocuspocusUrl, WebSocketPolyfill: QuietWebSocket, delay: 50, minDelay: 50, maxDelay: 500 })
  }
  const p = new HocuspocusProvider(cfg)
  p.statelessReceived = []
  p.authenticatedEvents = 0
  p.on('stateless', ({ payload }) => p.statelessReceived.push(payload))
  p.on('authenticated', () => { p.authenticatedEvents++ })
  if (socket) p.attach()
  ctx.defer(() => p.destroy())
  return p
}

// Synced with the server and every local change acknowledged (SyncStatus).
export const hpSettled = (p, timeout = 15000) =>
  waitFor(() => p.synced && p.unsyncedChanges === 0, {
    timeout,
    message: () => `hocuspocus provider '${p.configuration.name}' synced=${p.synced} unsyncedChanges=${p.unsyncedChanges}`
  })

// --- raw y-websocket client

// Speaks the y-websocket protocol itself, over `ws`, so a test sees every message:
//  - sends sync step 1 when the socket opens (unless `step1: false`), as real clients do;
//  - answers the server's sync step 1 with step 2, applies step 2 / updates with origin `this`;
//  - sends local doc updates as sync updates (unless `autoSend: false`);
//  - `acked`: the highest clock of this client's own updates that the server sent back (the
//    echo after durability), from Y.parseUpdateMeta of every step 2 / update received;
//  - `awareness` (optional) receives the server's awareness updates.
export class RawClient {
  constructor (url, { doc = new Y.Doc(), autoSend = true, awareness = false, step1 = true, wsOptions = {} } = {}) {
    this.url = url
    this.doc = doc
    rootsOf(doc)
    this.awareness = awareness ? new awarenessProtocol.Awareness(doc) : null
    if (this.awareness) {
      // Our own 15 s renewal and 30 s expiry would interfere with timing tests.
      clearInterval(this.awareness._checkInterval)
    }
    this.acked = 0
    this.synced = false
    this.received = [] // { type, subtype, bytes }
    this.closeInfo = null
    this.ws = new WebSocket(url, { perMessageDeflate: false, ...wsOptions })
    this.ws.binaryType = 'nodebuffer'
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => {
        if (step1) this.sendStep1()
        resolve()
      })
      this.ws.once('unexpected-response', (req, res) => {
        this.rejectedStatus = res.statusCode
        let body = ''
        res.on('data', (c) => { body += c })
        res.on('end', () => {
          this.rejectedBody = body
          reject(Object.assign(new Error(`upgrade rejected with HTTP ${res.statusCode}: ${body}`), { status: res.statusCode, body }))
        })
        res.on('error', () => {})
      })
      this.ws.once('error', reject)
    })
    this.opened.catch(() => {})
    this.closed = new Promise((resolve) => {
      this.ws.on('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString('utf8') }
        resolve(this.closeInfo)
      })
    })
    this.ws.on('error', (e) => { this.lastError = e })
    this.ws.on('message', (data, isBinary) => this.onMessage(data, isBinary))
    this.updateHandler = (update, origin) => {
      if (origin !== this && autoSend && this.isOpen) this.send(syncUpdateMessage(update))
    }
    doc.on('update', this.updateHandler)
    if (this.awareness) {
      this.awarenessHandler = ({ added, updated, removed }, origin) => {
        if (origin === this || !this.isOpen) return
        this.send(awarenessMessage(this.awareness, added.concat(updated, removed)))
      }
      this.awareness.on('update', this.awarenessHandler)
    }
  }

  static async connect (url, opts) {
    const c = new RawClient(url, opts)
    await c.opened
    return c
  }

  get isOpen () { return this.ws.readyState === WebSocket.OPEN }
  get clientID () { return this.doc.clientID }
  // The clock this client's next update will start at.
  get clock () { return Y.getState(this.doc.store, this.doc.clientID) }

  send (bytes) {
    if (this.isOpen) this.ws.send(bytes)
  }

  // Sends sync step 1 (our state vector): the server answers with what we miss.
  sendStep1 () { this.send(step1Message(this.doc)) }

  onMessage (data, isBinary) {
    if (!isBinary) {
      this.received.push({ type: 'text', bytes: data })
      return
    }
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    const decoder = decoding.createDecoder(bytes)
    const type = decoding.readVarUint(decoder)
    const rec = { type, bytes }
    this.received.push(rec)
    if (type === MSG_SYNC) {
      const subtype = decoding.readVarUint(decoder)
      rec.subtype = subtype
      if (subtype === syncProtocol.messageYjsSyncStep1) {
        const sv = decoding.readVarUint8Array(decoder)
        const enc = encoding.createEncoder()
        encoding.writeVarUint(enc, MSG_SYNC)
        encoding.writeVarUint(enc, syncProtocol.messageYjsSyncStep2)
        encoding.writeVarUint8Array(enc, Y.encodeStateAsUpdate(this.doc, sv))
        this.send(encoding.toUint8Array(enc))
      } else {
        const update = decoding.readVarUint8Array(decoder)
        rec.update = update
        const meta = Y.parseUpdateMeta(update)
        const to = meta.to.get(this.doc.clientID)
        if (to !== undefined && to > this.acked) this.acked = to
        Y.applyUpdate(this.doc, update, this)
        if (subtype === syncProtocol.messageYjsSyncStep2) this.synced = true
      }
    } else if (type === MSG_AWARENESS && this.awareness) {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(decoder), this)
    }
  }

  waitSynced (timeout = 10000) {
    return waitFor(() => this.synced, { timeout, message: `raw client ${this.url} synced` })
  }

  // Waits until the server has echoed every update this client made so far.
  waitAcked (timeout = 10000) {
    const want = this.clock
    return waitFor(() => this.acked >= want, { timeout, message: () => `echo of own updates up to clock ${want} (acked ${this.acked})` })
  }

  // Resolves { code, reason } when the connection closes; rejects after `timeout`.
  waitClosed (timeout = 10000) {
    return Promise.race([
      this.closed,
      new Promise((resolve, reject) => setTimeout(() => reject(new Error(`connection not closed after ${timeout} ms`)), timeout))
    ])
  }

  close () {
    this.doc.off('update', this.updateHandler)
    if (this.awareness) {
      this.awareness.off('update', this.awarenessHandler)
      this.awareness.destroy()
    }
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate()
  }
}

// --- message builders

export function syncUpdateMessage (update) {
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, MSG_SYNC)
  encoding.writeVarUint(enc, syncProtocol.messageYjsUpdate)
  encoding.writeVarUint8Array(enc, update)
  return encoding.toUint8Array(enc)
}

export function step1Message (doc) {
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, MSG_SYNC)
  syncProtocol.writeSyncStep1(enc, doc)
  return encoding.toUint8Array(enc)
}

export function awarenessMessage (awareness, clients) {
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, MSG_AWARENESS)
  encoding.writeVarUint8Array(enc, awarenessProtocol.encodeAwarenessUpdate(awareness, clients))
  return encoding.toUint8Array(enc)
}

// An awareness message built by hand: entries [{ clientID, clock, state (JSON string) }].
export function rawAwarenessMessage (entries) {
  const inner = encoding.createEncoder()
  encoding.writeVarUint(inner, entries.length)
  for (const e of entries) {
    encoding.writeVarUint(inner, e.clientID)
    encoding.writeVarUint(inner, e.clock)
    encoding.writeVarString(inner, e.state)
  }
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, MSG_AWARENESS)
  encoding.writeVarUint8Array(enc, encoding.toUint8Array(inner))
  return encoding.toUint8Array(enc)
}

// Opens a raw connection and returns { client, error }: error is set when the upgrade was
// rejected or the socket failed before opening (used for limits and refused room names).
export async function tryConnect (url, opts) {
  const c = new RawClient(url, opts)
  try {
    await c.opened
    return { client: c, error: null }
  } catch (error) {
    c.close()
    return { client: c, error }
  }
}
