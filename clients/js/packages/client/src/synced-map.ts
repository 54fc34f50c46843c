import * as Y from 'yjs'
import { toShared } from './convert.js'
import type { StorageContext } from './storage-context.js'
import { SyncedList } from './synced-list.js'

/**
 * A key-value map shared by everyone in the room, backed by a Y.Map. Values written are
 * converted (plain objects to nested maps, arrays to nested lists, see `toShared`) and read back
 * as plain JavaScript snapshots. Every write is a transaction with this client's origin, so it
 * can be undone by this client only; inside `room.batch` all writes form one transaction.
 */
export class SyncedMap<V = any> implements Iterable<[string, V]> {
  constructor(
    /** The underlying Y.Map, for code that wants Yjs itself (editor bindings, observers). */
    readonly y: Y.Map<unknown>,
    private ctx: StorageContext
  ) {}

  get(key: string): V | undefined {
    return this.ctx.snapshots.plain(this.y.get(key)) as V | undefined
  }

  /** Stores `value` under `key`, replacing what was there (nested edits of the old value are lost). */
  set(key: string, value: V): this {
    this.ctx.transact(() => this.y.set(key, toShared(value)))
    return this
  }

  /**
   * Merges `partial` into the object stored under `key`, field by field, so that concurrent
   * edits of other fields survive. A field set to `undefined` is deleted. When `key` holds no
   * object yet, stores `partial` as a new one.
   */
  update(key: string, partial: Partial<V> & Record<string, unknown>): this {
    this.ctx.transact(() => {
      const cur = this.y.get(key)
      if (!(cur instanceof Y.Map)) {
        const obj: Record<string, unknown> = {}
        for (const [k, v] of Object.entries(partial)) if (v !== undefined) obj[k] = v
        this.y.set(key, toShared(obj))
        return
      }
      for (const [k, v] of Object.entries(partial)) {
        if (v === undefined) cur.delete(k)
        else if (!sameStored(cur.get(k), v)) cur.set(k, toShared(v))
      }
    })
    return this
  }

  /** Removes `key`; returns whether it was there. */
  delete(key: string): boolean {
    if (!this.y.has(key)) return false
    this.ctx.transact(() => this.y.delete(key))
    return true
  }

  has(key: string): boolean {
    return this.y.has(key)
  }

  get size(): number {
    return this.y.size
  }

  keys(): string[] {
    return Object.keys(this.toObject())
  }

  values(): V[] {
    return Object.values(this.toObject())
  }

  entries(): Array<[string, V]> {
    return Object.entries(this.toObject())
  }

  forEach(fn: (value: V, key: string) => void): void {
    for (const [k, v] of this.entries()) fn(v, k)
  }

  [Symbol.iterator](): Iterator<[string, V]> {
    return this.entries()[Symbol.iterator]()
  }

  /** The whole map as a plain object (a cached snapshot: do not mutate it). */
  toObject(): Record<string, V> {
    return this.ctx.snapshots.plain(this.y) as Record<string, V>
  }

  /** The nested map stored under `key` (when the value there is an object), for in-place edits. */
  getMap<T = any>(key: string): SyncedMap<T> | undefined {
    const v = this.y.get(key)
    return v instanceof Y.Map ? new SyncedMap<T>(v, this.ctx) : undefined
  }

  /** The nested list stored under `key` (when the value there is an array), for in-place edits. */
  getList<T = any>(key: string): SyncedList<T> | undefined {
    const v = this.y.get(key)
    return v instanceof Y.Array ? new SyncedList<T>(v, this.ctx) : undefined
  }

  /**
   * Calls `cb(snapshot)` after every transaction that changed this map or anything nested in it,
   * local or remote. Returns the function that unsubscribes.
   */
  subscribe(cb: (snapshot: Record<string, V>) => void): () => void {
    const handler = () => cb(this.toObject())
    this.y.observeDeep(handler)
    return () => this.y.unobserveDeep(handler)
  }
}

/** Whether writing `v` over the stored `cur` would change nothing (a primitive equal to it). */
function sameStored(cur: unknown, v: unknown): boolean {
  return cur === v && (v === null || typeof v !== 'object')
}
