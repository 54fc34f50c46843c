import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { backoffDelay, type BackoffOptions } from './backoff.js'
import { SaveTracker } from './save-tracker.js'

/** y-websocket message types (the first varUint of every frame). */
export const MessageType = { sync: 0, awareness: 1, auth: 2, queryAwareness: 3 } as const

export type ConnectionState = 'connecting' | 'connected' | 'synced' | 'disconnected'

/** A token, or a function asked for one before every connection attempt. */
export type AuthOption = string | ((roomId: string) => string | Promise<string>)

export interface WebSocketLike {
  binaryType: string
  readyState: number
  onopen: ((ev: any) => void) | null
  onclose: ((ev: any) => void) | null
  onerror: ((ev: any) => void) | null
  onmessage: ((ev: any) => void) | null
  send(data: Uint8Array): void
  close(code?: number, reason?: string): void
}
export type WebSocketConstructor = new (url: string) => WebSocketLike

export interface ConnectionOptions {
  /** Server base URL, e.g. `ws://localhost:8080` (the room is appended as the path). */
  url: string
  roomId: string
  doc: Y.Doc
  awareness: awarenessProtocol.Awareness
  auth?: AuthOption
  WebSocketPolyfill?: WebSocketConstructor
  /** Local updates and presence are sent at most once per this many ms (merged). 0: at once. */
  throttleMs: number
  backoff?: BackoffOptions
  /** Close and reconnect when nothing arrived for this long (default 45 s). */
  silenceTimeoutMs?: number
}

export interface ConnectionEvents {
  state: (s: ConnectionState) => void
  unsaved: (n: number) => void
  error: (e: { message: string; code?: number; reason?: string }) => void
}

const OPEN = 1

/**
 * One room over the y-websocket protocol: `ws(s)://host/<room>?token=...`.
 *
 * On open it sends sync step 1 and this client's awareness; the server answers with step 2
 * (then the connection is `synced`) and its own step 1, answered with step 2 (edits made while
 * offline). Local document updates and awareness changes are sent as they happen, merged per
 * `throttleMs`. The `SaveTracker` follows what the server has stored. On close it waits
 * (exponential backoff with jitter) and reconnects, asking `auth` for a fresh token each time.
 */
export class Connection {
  readonly tracker: SaveTracker
  state: ConnectionState = 'disconnected'
  private ws: WebSocketLike | null = null
  private attempt = 0
  private stopped = true
  private retryTimer: ReturnType<typeof setTimeout> | null = null
  private silenceTimer: ReturnType<typeof setTimeout> | null = null
  private flushTimer: ReturnType<typeof setTimeout> | null = null
  private lastFlush = 0
  private outUpdates: Uint8Array[] = []
  private outAwareness = new Set<number>()
  private listeners: { [K in keyof ConnectionEvents]: Set<ConnectionEvents[K]> } = {
    state: new Set(),
    unsaved: new Set(),
    error: new Set()
  }

  constructor(private opts: ConnectionOptions) {
    this.tracker = new SaveTracker()
    this.tracker.onChange = (n) => this.listeners.unsaved.forEach((l) => l(n))
    opts.doc.on('update', this.onDocUpdate)
    opts.awareness.on('update', this.onAwarenessUpdate)
  }

  on<K extends keyof ConnectionEvents>(event: K, cb: ConnectionEvents[K]): () => void {
    ;(this.listeners[event] as Set<ConnectionEvents[K]>).add(cb)
    return () => (this.listeners[event] as Set<ConnectionEvents[K]>).delete(cb)
  }

  /** Starts connecting (and reconnecting) until `disconnect()`. */
  connect(): void {
    if (!this.stopped) return
    this.stopped = false
    this.attempt = 0
    void this.open()
  }

  /** Closes the socket and stops reconnecting (local edits stay in the document). */
  disconnect(): void {
    this.stopped = true
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.retryTimer = null
    if (this.ws) {
      // Tell the others we are gone before closing (the server would also do it on close).
      this.flushNow()
      const ws = this.ws
      this.detach()
      try {
        ws.close(1000)
      } catch {}
    }
    this.setState('disconnected')
  }

  /** Closes the current socket as if the network dropped it (it reconnects). */
  dropSocket(): void {
    this.ws?.close(4000, 'client reconnect')
  }

  destroy(): void {
    this.disconnect()
    this.opts.doc.off('update', this.onDocUpdate)
    this.opts.awareness.off('update', this.onAwarenessUpdate)
    if (this.flushTimer) clearTimeout(this.flushTimer)
  }

  private setState(s: ConnectionState): void {
    if (this.state === s) return
    this.state = s
    this.listeners.state.forEach((l) => l(s))
  }

  private emitError(e: { message: string; code?: number; reason?: string }): void {
    this.listeners.error.forEach((l) => l(e))
  }

  private async open(): Promise<void> {
    if (this.stopped || this.ws) return
    this.setState('connecting')
    const { auth, roomId } = this.opts
    let token: string | undefined
    try {
      token = typeof auth === 'function' ? await auth(roomId) : auth
    } catch (err) {
      this.emitError({ message: `auth callback failed: ${(err as Error)?.message ?? err}` })
      this.scheduleRetry()
      return
    }
    if (this.stopped || this.ws) return
    const base = this.opts.url.replace(/\/+$/, '')
    const url = `${base}/${encodeURIComponent(roomId)}${token ? `?token=${encodeURIComponent(token)}` : ''}`
    const WS = this.opts.WebSocketPolyfill ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket
    if (!WS) throw new Error('@symphony/client: no WebSocket here; pass createClient({ WebSocketPolyfill })')
    let ws: WebSocketLike
    try {
      ws = new WS(url)
    } catch (err) {
      this.emitError({ message: `cannot open ${base}: ${(err as Error)?.message ?? err}` })
      this.scheduleRetry()
      return
    }
    ws.binaryType = 'arraybuffer'
    this.ws = ws
    ws.onopen = () => {
      this.setState('connected')
      this.armSilenceTimer()
      const enc = encoding.createEncoder()
      encoding.writeVarUint(enc, MessageType.sync)
      syncProtocol.writeSyncStep1(enc, this.opts.doc)
      this.send(encoding.toUint8Array(enc))
      if (this.opts.awareness.getLocalState() !== null) {
        this.sendAwareness([this.opts.doc.clientID])
      }
      // Our presence went out above; document updates go out in step 2 when the server asks.
      this.outAwareness.clear()
    }
    ws.onmessage = (ev: { data: ArrayBuffer | Uint8Array }) => {
      this.armSilenceTimer()
      try {
        this.onMessage(new Uint8Array(ev.data as ArrayBuffer))
      } catch (err) {
        this.emitError({ message: `bad message from the server: ${(err as Error)?.message ?? err}` })
        ws.close(4002, 'bad message')
      }
    }
    ws.onerror = () => {}
    ws.onclose = (ev: { code?: number; reason?: string }) => {
      if (this.ws !== ws) return
      this.detach()
      const code = ev?.code
      if (code !== undefined && code !== 1000 && code !== 1001 && code !== 1005 && code !== 1006 && code !== 4000) {
        this.emitError({ message: `the server closed the connection: ${code} ${ev.reason ?? ''}`.trim(), code, reason: ev.reason })
      }
      if (this.stopped) {
        this.setState('disconnected')
        return
      }
      this.setState('disconnected')
      this.scheduleRetry()
    }
  }

  private detach(): void {
    const ws = this.ws
    if (!ws) return
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null
    this.ws = null
    // Queued updates are in the document: the next connection's sync exchange sends them.
    this.outUpdates = []
    if (this.silenceTimer) clearTimeout(this.silenceTimer)
    this.silenceTimer = null
    // Others' presence is unknown while we are away; they are sent again on reconnect.
    const { awareness, doc } = this.opts
    const remote = [...awareness.getStates().keys()].filter((c) => c !== doc.clientID)
    awarenessProtocol.removeAwarenessStates(awareness, remote, this)
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retryTimer) return
    const delay = backoffDelay(this.attempt++, this.opts.backoff)
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null
      void this.open()
    }, delay)
  }

  /** Reconnects now instead of waiting for the backoff (e.g. the browser came back online). */
  retryNow(): void {
    if (this.stopped || this.ws) return
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.retryTimer = null
    void this.open()
  }

  private armSilenceTimer(): void {
    if (this.silenceTimer) clearTimeout(this.silenceTimer)
    const ms = this.opts.silenceTimeoutMs ?? 45000
    const ws = this.ws
    this.silenceTimer = setTimeout(() => {
      if (this.ws === ws) ws?.close(4000, 'no message from the server')
    }, ms)
  }

  private onMessage(data: Uint8Array): void {
    const dec = decoding.createDecoder(data)
    const type = decoding.readVarUint(dec)
    const { doc, awareness } = this.opts
    switch (type) {
      case MessageType.sync: {
        const sub = decoding.readVarUint(dec)
        if (sub === syncProtocol.messageYjsSyncStep1) {
          const sv = decoding.readVarUint8Array(dec)
          this.tracker.serverStateVector(Y.decodeStateVector(sv))
          const enc = encoding.createEncoder()
          encoding.writeVarUint(enc, MessageType.sync)
          syncProtocol.writeSyncStep2(enc, doc, sv)
          this.send(encoding.toUint8Array(enc))
        } else if (sub === syncProtocol.messageYjsSyncStep2 || sub === syncProtocol.messageYjsUpdate) {
          const update = decoding.readVarUint8Array(dec)
          Y.applyUpdate(doc, update, this)
          this.tracker.serverUpdate(update)
          if (sub === syncProtocol.messageYjsSyncStep2 && this.state === 'connected') {
            this.attempt = 0
            this.setState('synced')
          }
        } else {
          throw new Error(`unknown sync message type ${sub}`)
        }
        break
      }
      case MessageType.awareness:
        awarenessProtocol.applyAwarenessUpdate(awareness, decoding.readVarUint8Array(dec), this)
        break
      case MessageType.queryAwareness:
        this.sendAwareness([...awareness.getStates().keys()])
        break
      case MessageType.auth: {
        const denied = decoding.readVarUint(dec) === 0
        if (denied) {
          const reason = decoding.readVarString(dec)
          this.emitError({ message: `permission denied: ${reason}`, reason })
        }
        break
      }
      default:
        // Unknown types are ignored, as y-websocket does.
        break
    }
  }

  private send(bytes: Uint8Array): void {
    if (this.ws && this.ws.readyState === OPEN) this.ws.send(bytes)
  }

  private sendAwareness(clients: number[]): void {
    const enc = encoding.createEncoder()
    encoding.writeVarUint(enc, MessageType.awareness)
    encoding.writeVarUint8Array(enc, awarenessProtocol.encodeAwarenessUpdate(this.opts.awareness, clients))
    this.send(encoding.toUint8Array(enc))
  }

  private onDocUpdate = (update: Uint8Array, origin: unknown, _doc: Y.Doc, tr: Y.Transaction): void => {
    if (origin === this) return
    this.tracker.addTransaction(tr)
    // Not connected: the sync exchange of the next connection sends it.
    if (!this.ws || this.ws.readyState !== OPEN) return
    this.outUpdates.push(update)
    this.scheduleFlush()
  }

  private onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown
  ): void => {
    if (origin !== 'local') return
    for (const c of [...added, ...updated, ...removed]) this.outAwareness.add(c)
    if (this.ws) this.scheduleFlush()
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return
    const wait = this.lastFlush + this.opts.throttleMs - Date.now()
    if (wait <= 0) {
      this.flushNow()
      return
    }
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null
      this.flushNow()
    }, wait)
  }

  private flushNow(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer)
    this.flushTimer = null
    if (!this.ws || this.ws.readyState !== OPEN) return
    this.lastFlush = Date.now()
    if (this.outUpdates.length) {
      const update = this.outUpdates.length === 1 ? this.outUpdates[0] : Y.mergeUpdates(this.outUpdates)
      this.outUpdates = []
      const enc = encoding.createEncoder()
      encoding.writeVarUint(enc, MessageType.sync)
      syncProtocol.writeUpdate(enc, update)
      this.send(encoding.toUint8Array(enc))
    }
    if (this.outAwareness.size) {
      const clients = [...this.outAwareness]
      this.outAwareness.clear()
      this.sendAwareness(clients)
    }
  }
}
