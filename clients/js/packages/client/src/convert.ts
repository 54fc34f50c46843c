import * as Y from 'yjs'

/**
 * Conversion between plain JavaScript and Yjs shared types.
 *
 * Written values: a plain object (prototype Object or null) becomes a Y.Map and an array a
 * Y.Array, recursively, so that two users editing different fields of the same shape, or
 * appending to the same list, merge instead of overwriting each other. Object fields whose
 * value is `undefined` are skipped, as JSON does. Strings, numbers, booleans, null and
 * Uint8Array are stored as they are; a Yjs type (e.g. a new Y.Text) is stored as it is.
 *
 * Read values: every shared type comes back as plain JavaScript (Y.Map -> object, Y.Array ->
 * array, Y.Text and XML types -> string). Snapshots are cached per shared type and rebuilt only
 * along the path of a change, so an unchanged subtree keeps its identity (cheap `===` checks in
 * React). Snapshots are shared: never mutate them.
 */
export function toShared(value: unknown, depth = 0): unknown {
  if (depth > 100) throw new Error('@symphony/client: value nested more than 100 levels deep')
  if (Array.isArray(value)) {
    const arr = new Y.Array<unknown>()
    arr.push(value.map((v) => toShared(v, depth + 1)))
    return arr
  }
  if (isPlainObject(value)) {
    const map = new Y.Map<unknown>()
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined) map.set(k, toShared(v, depth + 1))
    }
    return map
  }
  if (value === undefined) throw new Error('@symphony/client: undefined cannot be stored (use delete)')
  if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
    throw new Error(`@symphony/client: a ${typeof value} cannot be stored`)
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new Error(`@symphony/client: ${value} cannot be stored (JSON has no such number)`)
  }
  return value
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false
  const proto = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}

/** Caches the plain snapshot of each shared type of one document. */
export class SnapshotCache {
  private cache = new WeakMap<Y.AbstractType<any>, unknown>()

  constructor(private doc: Y.Doc) {
    doc.on('beforeObserverCalls', (tr: Y.Transaction) => {
      tr.changed.forEach((_keys, type) => this.invalidate(type))
    })
  }

  /** Drops the snapshots of `type` and of every type that contains it. */
  invalidate(type: Y.AbstractType<any> | null): void {
    while (type) {
      this.cache.delete(type)
      type = (type._item?.parent as Y.AbstractType<any> | undefined) ?? null
    }
  }

  /** The plain snapshot of a stored value (shared types converted, others as they are). */
  plain(value: unknown): unknown {
    if (!(value instanceof Y.AbstractType)) return value
    const type = value as Y.AbstractType<any>
    if (this.cache.has(type)) return this.cache.get(type)
    let out: unknown
    if (type instanceof Y.Map) {
      const o: Record<string, unknown> = {}
      type.forEach((v, k) => {
        o[k] = this.plain(v)
      })
      out = o
    } else if (type instanceof Y.Array) {
      out = type.toArray().map((v) => this.plain(v))
    } else if (type instanceof Y.Text) {
      out = type.toString()
    } else {
      out = type.toJSON()
    }
    // Inside a transaction, a type created in it is not reported as changed when it changes
    // again: cache only what is read between transactions.
    if (this.doc._transaction === null && type.doc) this.cache.set(type, out)
    return out
  }
}
