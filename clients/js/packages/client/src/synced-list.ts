import * as Y from 'yjs'
import { toShared } from './convert.js'
import type { StorageContext } from './storage-context.js'
import { SyncedMap } from './synced-map.js'

/**
 * An ordered list shared by everyone in the room, backed by a Y.Array. Items written are
 * converted as for `SyncedMap` and read back as plain JavaScript snapshots. Concurrent inserts
 * at the same place are all kept, in the same order for everyone.
 */
export class SyncedList<T = any> implements Iterable<T> {
  constructor(
    /** The underlying Y.Array. */
    readonly y: Y.Array<unknown>,
    private ctx: StorageContext
  ) {}

  get length(): number {
    return this.y.length
  }

  get(index: number): T | undefined {
    if (index < 0 || index >= this.y.length) return undefined
    return this.toArray()[index]
  }

  push(...items: T[]): void {
    if (items.length === 0) return
    this.ctx.transact(() => this.y.push(items.map((v) => toShared(v))))
  }

  insert(index: number, ...items: T[]): void {
    if (items.length === 0) return
    this.checkIndex(index, this.y.length)
    this.ctx.transact(() => this.y.insert(index, items.map((v) => toShared(v))))
  }

  /** Removes `count` items (default 1) starting at `index`. */
  delete(index: number, count = 1): void {
    this.checkIndex(index, this.y.length - 1)
    this.ctx.transact(() => this.y.delete(index, Math.min(count, this.y.length - index)))
  }

  /** Replaces the item at `index`. */
  set(index: number, value: T): void {
    this.checkIndex(index, this.y.length - 1)
    this.ctx.transact(() => {
      this.y.delete(index, 1)
      this.y.insert(index, [toShared(value)])
    })
  }

  /**
   * Moves the item at `from` so that it ends up at index `to`. Yjs has no move: the item is
   * deleted and a copy of its current value inserted, so an edit of the item that another user
   * makes at the same moment is lost, and two concurrent moves of one item leave two copies.
   */
  move(from: number, to: number): void {
    this.checkIndex(from, this.y.length - 1)
    this.checkIndex(to, this.y.length - 1)
    if (from === to) return
    const value = this.get(from)
    this.ctx.transact(() => {
      this.y.delete(from, 1)
      this.y.insert(to, [toShared(value)])
    })
  }

  clear(): void {
    if (this.y.length === 0) return
    this.ctx.transact(() => this.y.delete(0, this.y.length))
  }

  /** The nested map at `index` (when the item is an object), for in-place edits. */
  getMap<V = any>(index: number): SyncedMap<V> | undefined {
    const v = index >= 0 && index < this.y.length ? this.y.get(index) : undefined
    return v instanceof Y.Map ? new SyncedMap<V>(v, this.ctx) : undefined
  }

  /** The nested list at `index` (when the item is an array), for in-place edits. */
  getList<V = any>(index: number): SyncedList<V> | undefined {
    const v = index >= 0 && index < this.y.length ? this.y.get(index) : undefined
    return v instanceof Y.Array ? new SyncedList<V>(v, this.ctx) : undefined
  }

  /** The whole list as a plain array (a cached snapshot: do not mutate it). */
  toArray(): readonly T[] {
    return this.ctx.snapshots.plain(this.y) as T[]
  }

  map<U>(fn: (item: T, index: number) => U): U[] {
    return this.toArray().map(fn)
  }

  filter(fn: (item: T, index: number) => boolean): T[] {
    return this.toArray().filter(fn)
  }

  find(fn: (item: T, index: number) => boolean): T | undefined {
    return this.toArray().find(fn)
  }

  findIndex(fn: (item: T, index: number) => boolean): number {
    return this.toArray().findIndex(fn)
  }

  some(fn: (item: T, index: number) => boolean): boolean {
    return this.toArray().some(fn)
  }

  every(fn: (item: T, index: number) => boolean): boolean {
    return this.toArray().every(fn)
  }

  forEach(fn: (item: T, index: number) => void): void {
    this.toArray().forEach(fn)
  }

  /** Index of `item` (primitives by value, objects by snapshot identity), or -1. */
  indexOf(item: T): number {
    return this.toArray().indexOf(item)
  }

  includes(item: T): boolean {
    return this.indexOf(item) !== -1
  }

  [Symbol.iterator](): Iterator<T> {
    return this.toArray()[Symbol.iterator]()
  }

  /** Calls `cb(snapshot)` after every transaction that changed this list or anything in it. */
  subscribe(cb: (snapshot: readonly T[]) => void): () => void {
    const handler = () => cb(this.toArray())
    this.y.observeDeep(handler)
    return () => this.y.unobserveDeep(handler)
  }

  private checkIndex(index: number, max: number): void {
    if (!Number.isInteger(index) || index < 0 || index > max) {
      throw new RangeError(`@symphony/client: index ${index} out of range 0..${max}`)
    }
  }
}
