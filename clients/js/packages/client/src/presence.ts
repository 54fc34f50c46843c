import type { Awareness } from 'y-protocols/awareness'
import { Emitter } from './emitter.js'

/** Someone else in the room: their Yjs client ID, what they share, and who they are. */
export interface Other<P = Record<string, unknown>, U = UserInfo> {
  clientId: number
  presence: P
  /** From the token's claims when the server provides them, else the presence's `user` field. */
  user: U | null
}

export interface UserInfo {
  id?: string
  name?: string
  color?: string
  [key: string]: unknown
}

/** A broadcast event as received: who sent it and what. */
export interface RoomEvent<E = unknown, U = UserInfo> {
  event: E
  clientId: number
  user: U | null
}

/** The awareness field that carries broadcast events (see `Presence.broadcast`). */
export const EVENTS_FIELD = '__events'
/** How long a broadcast event stays in the sender's awareness state. */
export const EVENT_TTL_MS = 3000
/** At most this many recent events are carried at once; older ones are dropped first. */
export const MAX_EVENTS = 32
/** A departed client's last seen event number is kept this long (it may come back). */
const FORGET_AFTER_MS = 60_000

interface WireEvent {
  id: number
  data: unknown
}

/**
 * Presence and broadcast events over the awareness protocol.
 *
 * The awareness state of a client is its presence object with one reserved field, `__events`
 * (fields starting with `__` are reserved and not shown in `presence`). So the state stays
 * readable by other Yjs tools (y-prosemirror and friends read `state.user`).
 *
 * Broadcast: y-websocket has no stateless message, so an event is added to the sender's
 * `__events` list with an increasing id, kept for `EVENT_TTL_MS` and then dropped. Receivers
 * deliver each id once (they remember the last id per sender). Consequences, documented in the
 * README: delivery is best effort to clients connected at that moment; a receiver that sees a
 * sender for the first time skips the events already in its list; events share the awareness
 * size limit (64 KiB per state on Symphony) and the send throttle.
 */
export class Presence<P extends Record<string, unknown> = Record<string, unknown>> {
  private emitter = new Emitter<{ others: [readonly Other<P>[]]; me: [P]; event: [RoomEvent] }>()
  private othersCache: readonly Other<P>[] = []
  private perClient = new Map<number, { key: string; other: Other<P> }>()
  private lastEventId = new Map<number, { id: number; goneAt: number | null }>()
  private events: Array<WireEvent & { at: number }> = []
  private nextEventId = 1
  private pruneTimer: ReturnType<typeof setTimeout> | null = null
  private myPresence: P

  constructor(
    readonly awareness: Awareness,
    initialPresence: P
  ) {
    this.myPresence = { ...initialPresence }
    this.publish()
    awareness.on('change', this.onChange)
    this.onChange()
  }

  /** This client's presence. */
  get me(): P {
    return this.myPresence
  }

  /** Everyone else in the room (a new array only when someone's presence changed). */
  get others(): readonly Other<P>[] {
    return this.othersCache
  }

  /** Merges `partial` into this client's presence and sends it (throttled). */
  update(partial: Partial<P>): void {
    const next = { ...this.myPresence }
    let changed = false
    for (const [k, v] of Object.entries(partial)) {
      if (k.startsWith('__')) throw new Error(`@symphony/client: presence field '${k}' is reserved`)
      if (v === undefined) {
        if (k in next) {
          delete (next as Record<string, unknown>)[k]
          changed = true
        }
      } else if ((next as Record<string, unknown>)[k] !== v) {
        ;(next as Record<string, unknown>)[k] = v
        changed = true
      }
    }
    if (!changed) return
    this.myPresence = next
    this.publish()
    this.emitter.emit('me', next)
  }

  /** Sends `event` to everyone else in the room (never stored; see the class comment). */
  broadcast(event: unknown): void {
    const now = Date.now()
    this.events.push({ id: this.nextEventId++, data: event, at: now })
    if (this.events.length > MAX_EVENTS) this.events.splice(0, this.events.length - MAX_EVENTS)
    this.publish()
    this.schedulePrune()
  }

  on(event: 'others', cb: (others: readonly Other<P>[]) => void): () => void
  on(event: 'me', cb: (me: P) => void): () => void
  on(event: 'event', cb: (e: RoomEvent) => void): () => void
  on(event: 'others' | 'me' | 'event', cb: (arg: any) => void): () => void {
    return this.emitter.on(event, cb)
  }

  /** Stops listening and publishes "gone" (a null state) to the others. */
  destroy(): void {
    if (this.pruneTimer) clearTimeout(this.pruneTimer)
    this.awareness.off('change', this.onChange)
    this.awareness.setLocalState(null)
    this.emitter.clear()
  }

  private publish(): void {
    const state: Record<string, unknown> = { ...this.myPresence }
    if (this.events.length) state[EVENTS_FIELD] = this.events.map(({ id, data }) => ({ id, data }))
    this.awareness.setLocalState(state)
  }

  private schedulePrune(): void {
    if (this.pruneTimer || this.events.length === 0) return
    const wait = Math.max(0, this.events[0].at + EVENT_TTL_MS - Date.now())
    this.pruneTimer = setTimeout(() => {
      this.pruneTimer = null
      const cutoff = Date.now() - EVENT_TTL_MS
      const before = this.events.length
      this.events = this.events.filter((e) => e.at > cutoff)
      if (this.events.length !== before) this.publish()
      this.schedulePrune()
    }, wait + 5)
  }

  private onChange = (): void => {
    const now = Date.now()
    const states = this.awareness.getStates()
    const seen = new Set<number>()
    let changed = false
    const others: Other<P>[] = []
    const delivered: RoomEvent[] = []
    states.forEach((state, clientId) => {
      if (clientId === this.awareness.clientID || state === null || typeof state !== 'object') return
      seen.add(clientId)
      const presence: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(state)) if (!k.startsWith('__')) presence[k] = v
      const user = (isObject(state.user) ? state.user : null) as UserInfo | null
      // Events.
      const wire = Array.isArray(state[EVENTS_FIELD]) ? (state[EVENTS_FIELD] as WireEvent[]) : []
      const maxId = wire.reduce((m, e) => (typeof e?.id === 'number' && e.id > m ? e.id : m), 0)
      const last = this.lastEventId.get(clientId)
      if (last) {
        for (const e of wire) {
          if (typeof e?.id === 'number' && e.id > last.id) delivered.push({ event: e.data, clientId, user })
        }
        last.id = Math.max(last.id, maxId)
        last.goneAt = null
      } else {
        this.lastEventId.set(clientId, { id: maxId, goneAt: null })
      }
      // Others (stable identity while the presence is unchanged).
      const key = JSON.stringify(presence)
      const cached = this.perClient.get(clientId)
      if (cached && cached.key === key) {
        others.push(cached.other)
      } else {
        const other: Other<P> = { clientId, presence: presence as P, user }
        this.perClient.set(clientId, { key, other })
        others.push(other)
        changed = true
      }
    })
    for (const id of [...this.perClient.keys()]) {
      if (!seen.has(id)) {
        this.perClient.delete(id)
        changed = true
      }
    }
    for (const [id, last] of this.lastEventId) {
      if (seen.has(id)) continue
      if (last.goneAt === null) last.goneAt = now
      else if (now - last.goneAt > FORGET_AFTER_MS) this.lastEventId.delete(id)
    }
    if (changed || others.length !== this.othersCache.length) {
      others.sort((a, b) => a.clientId - b.clientId)
      this.othersCache = others
      this.emitter.emit('others', others)
    }
    delivered.sort((a, b) => a.clientId - b.clientId)
    for (const e of delivered) this.emitter.emit('event', e)
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}
