import { Awareness } from 'y-protocols/awareness'
import * as Y from 'yjs'
import { Connection, type ConnectionOptions } from './connection.js'
import { Emitter } from './emitter.js'
import { History } from './history.js'
import { Presence, type Other, type RoomEvent } from './presence.js'
import { Storage } from './storage.js'

export type RoomStatus = 'connecting' | 'connected' | 'synced' | 'saved' | 'disconnected'

export interface EnterRoomOptions<P extends Record<string, unknown> = Record<string, unknown>> {
  /** This client's presence when it enters (default `{}`). */
  initialPresence?: P
  /**
   * Roots to declare and, after the first sync, to fill when they are empty: an object declares
   * a map, an array a list, a string a text (`{ shapes: {}, order: [], title: '' }`).
   */
  initialStorage?: Record<string, unknown>
}

export interface RoomErrorInfo {
  message: string
  code?: number
  reason?: string
}

type RoomEvents<P extends Record<string, unknown>> = {
  status: [RoomStatus]
  others: [readonly Other<P>[]]
  me: [P]
  event: [RoomEvent]
  storage: []
  history: []
  error: [RoomErrorInfo]
}

/**
 * One room: a Y.Doc kept in sync with the server, this client's presence, and an undo history
 * of this client's own changes. Made by `client.enterRoom`; ended by `room.leave()`.
 *
 * Status: `connecting` (opening a socket), `connected` (open, first exchange under way),
 * `synced` (up to date with the server, some local changes not yet stored), `saved` (up to date
 * and every local change durably stored by the server), `disconnected` (waiting to reconnect, or
 * left). Edits made while not connected stay in the document and are sent on reconnection.
 */
export class Room<P extends Record<string, unknown> = Record<string, unknown>> {
  readonly doc: Y.Doc
  readonly awareness: Awareness
  readonly storage: Storage
  readonly history: History
  readonly presence: Presence<P>
  /** The transaction origin of this client's own writes (what `history` tracks). */
  readonly origin: object
  private connection: Connection
  private emitter = new Emitter<RoomEvents<P>>()
  private currentStatus: RoomStatus = 'disconnected'
  private everSynced = false
  private syncedPromise: Promise<void>
  private resolveSynced!: () => void
  private rejectSynced!: (e: Error) => void
  private left = false
  private cleanups: Array<() => void> = []

  constructor(
    readonly id: string,
    connectionOptions: Omit<ConnectionOptions, 'doc' | 'awareness' | 'roomId'>,
    options: EnterRoomOptions<P> = {},
    private onLeave: (room: Room<P>) => void = () => {}
  ) {
    this.origin = { room: id, kind: 'local' }
    this.doc = new Y.Doc()
    this.awareness = new Awareness(this.doc)
    this.history = new History(this.doc, this.origin)
    this.storage = new Storage(this.doc, (fn) => this.doc.transact(fn, this.origin), (type) => this.history.track(type))
    this.presence = new Presence<P>(this.awareness, (options.initialPresence ?? {}) as P)
    this.syncedPromise = new Promise((resolve, reject) => {
      this.resolveSynced = resolve
      this.rejectSynced = reject
    })
    this.syncedPromise.catch(() => {})
    if (options.initialStorage) this.storage.declareAll(options.initialStorage)

    this.connection = new Connection({ ...connectionOptions, roomId: id, doc: this.doc, awareness: this.awareness })
    this.cleanups.push(
      this.connection.on('state', (s) => {
        if (s === 'synced' && !this.everSynced) {
          this.everSynced = true
          if (options.initialStorage) this.storage.applyInitial(options.initialStorage, { room: id, kind: 'initial' })
          this.resolveSynced()
        }
        this.updateStatus()
      }),
      this.connection.on('unsaved', () => this.updateStatus()),
      this.connection.on('error', (e) => this.emitter.emit('error', e)),
      this.presence.on('others', (o) => this.emitter.emit('others', o)),
      this.presence.on('me', (me) => this.emitter.emit('me', me)),
      this.presence.on('event', (e) => this.emitter.emit('event', e)),
      this.storage.subscribe(() => this.emitter.emit('storage')),
      this.history.subscribe(() => this.emitter.emit('history'))
    )
    const g = globalThis as { addEventListener?: (t: string, l: () => void) => void; removeEventListener?: (t: string, l: () => void) => void }
    if (typeof g.addEventListener === 'function') {
      const online = () => this.connection.retryNow()
      g.addEventListener('online', online)
      this.cleanups.push(() => g.removeEventListener?.('online', online))
    }
    this.connection.connect()
  }

  get status(): RoomStatus {
    return this.currentStatus
  }

  /** Local changes the server has not acknowledged yet. */
  get unsavedChanges(): number {
    return this.connection.tracker.unsaved
  }

  /** Resolves after the first sync with the server (at once if that already happened). */
  synced(): Promise<void> {
    return this.syncedPromise
  }

  /** Runs `fn` as one transaction: one update sent, one undo step. Returns what `fn` returns. */
  batch<T>(fn: () => T): T {
    let out!: T
    this.doc.transact(() => {
      out = fn()
    }, this.origin)
    return out
  }

  /** Sends `event` to everyone else in the room; nothing is stored (see the README for limits). */
  broadcast(event: unknown): void {
    this.presence.broadcast(event)
  }

  on(event: 'status', cb: (s: RoomStatus) => void): () => void
  on(event: 'others', cb: (others: readonly Other<P>[]) => void): () => void
  on(event: 'me', cb: (me: P) => void): () => void
  on(event: 'event', cb: (e: RoomEvent) => void): () => void
  on(event: 'storage' | 'history', cb: () => void): () => void
  on(event: 'error', cb: (e: RoomErrorInfo) => void): () => void
  on(event: keyof RoomEvents<P>, cb: (...args: any[]) => void): () => void {
    return this.emitter.on(event, cb as never)
  }

  /** Closes the socket now, as a network failure would; the room reconnects by itself. */
  reconnect(): void {
    this.connection.dropSocket()
  }

  /** Leaves the room: presence removed for the others, socket closed, document dropped. */
  leave(): void {
    if (this.left) return
    this.left = true
    this.rejectSynced(new Error(`left room ${this.id} before it synced`))
    this.presence.destroy()
    this.connection.destroy()
    for (const c of this.cleanups) c()
    this.history.destroy()
    this.awareness.destroy()
    this.doc.destroy()
    this.updateStatus()
    this.emitter.clear()
    this.onLeave(this)
  }

  get hasLeft(): boolean {
    return this.left
  }

  private updateStatus(): void {
    let s: RoomStatus
    if (this.left) s = 'disconnected'
    else if (this.connection.state === 'synced') s = this.connection.tracker.unsaved > 0 ? 'synced' : 'saved'
    else s = this.connection.state
    if (s === this.currentStatus) return
    this.currentStatus = s
    this.emitter.emit('status', s)
  }
}
