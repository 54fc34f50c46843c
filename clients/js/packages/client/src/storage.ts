import * as Y from 'yjs'
import { SnapshotCache, isPlainObject, toShared } from './convert.js'
import { Emitter } from './emitter.js'
import type { StorageContext } from './storage-context.js'
import { SyncedList } from './synced-list.js'
import { SyncedMap } from './synced-map.js'

export type RootKind = 'map' | 'list' | 'text'

/** The plain snapshot of every declared root: `{ shapes: {...}, order: [...], title: '...' }`. */
export type StorageSnapshot = Readonly<Record<string, any>>

/**
 * The room's document as named roots. A root is declared by its first use (`map(name)`,
 * `list(name)`, `text(name)`) or by `initialStorage`; a name keeps its kind forever (Yjs
 * throws when one name is used as two kinds).
 */
export class Storage {
  readonly snapshots: SnapshotCache
  private roots = new Map<string, RootKind>()
  private rootSnapshot: StorageSnapshot | null = null
  private events = new Emitter<{ change: [] }>()
  private ctx: StorageContext

  constructor(
    readonly doc: Y.Doc,
    transact: (fn: () => void) => void,
    /** Called when a root is declared (the room adds it to the undo scope). */
    private onRoot: (type: Y.AbstractType<any>) => void = () => {}
  ) {
    this.snapshots = new SnapshotCache(doc)
    this.ctx = { snapshots: this.snapshots, transact }
    doc.on('afterTransaction', (tr: Y.Transaction) => {
      if (tr.changed.size === 0) return
      this.rootSnapshot = null
      this.events.emit('change')
    })
  }

  map<V = any>(name: string): SyncedMap<V> {
    return new SyncedMap<V>(this.declare(name, 'map') as Y.Map<unknown>, this.ctx)
  }

  list<T = any>(name: string): SyncedList<T> {
    return new SyncedList<T>(this.declare(name, 'list') as Y.Array<unknown>, this.ctx)
  }

  text(name: string): Y.Text {
    return this.declare(name, 'text') as Y.Text
  }

  /**
   * The plain snapshot of all declared roots. The same object is returned until a transaction
   * changes something, and unchanged roots and subtrees keep their identity.
   */
  snapshot(): StorageSnapshot {
    if (this.rootSnapshot) return this.rootSnapshot
    const out: Record<string, unknown> = {}
    for (const [name, kind] of this.roots) out[name] = this.snapshots.plain(this.rootType(name, kind))
    this.rootSnapshot = out
    return out
  }

  /** Calls `cb` after every transaction that changed the document. */
  subscribe(cb: () => void): () => void {
    return this.events.on('change', cb)
  }

  /**
   * Fills empty roots from `initial`: an object value declares a map, an array a list, a string a
   * text. A root that already holds anything is left alone. Runs in one transaction with `origin`.
   */
  applyInitial(initial: Record<string, unknown>, origin: unknown): void {
    this.doc.transact(() => {
      for (const [name, value] of Object.entries(initial)) {
        const kind = kindOf(value)
        const type = this.declare(name, kind)
        if (kind === 'map' && (type as Y.Map<unknown>).size === 0) {
          for (const [k, v] of Object.entries(value as object)) if (v !== undefined) (type as Y.Map<unknown>).set(k, toShared(v))
        } else if (kind === 'list' && (type as Y.Array<unknown>).length === 0) {
          ;(type as Y.Array<unknown>).push((value as unknown[]).map((v) => toShared(v)))
        } else if (kind === 'text' && (type as Y.Text).length === 0 && value !== '') {
          ;(type as Y.Text).insert(0, value as string)
        }
      }
    }, origin)
  }

  /** Declares the roots of `initial` without writing anything (before the first sync). */
  declareAll(initial: Record<string, unknown>): void {
    for (const [name, value] of Object.entries(initial)) this.declare(name, kindOf(value))
  }

  private declare(name: string, kind: RootKind): Y.AbstractType<any> {
    const known = this.roots.get(name)
    if (known && known !== kind) {
      throw new Error(`@symphony/client: storage root '${name}' is a ${known}, not a ${kind}`)
    }
    const type = this.rootType(name, kind)
    if (!known) {
      this.roots.set(name, kind)
      this.rootSnapshot = null
      this.onRoot(type)
    }
    return type
  }

  private rootType(name: string, kind: RootKind): Y.AbstractType<any> {
    if (kind === 'map') return this.doc.getMap(name)
    if (kind === 'list') return this.doc.getArray(name)
    return this.doc.getText(name)
  }
}

function kindOf(value: unknown): RootKind {
  if (Array.isArray(value)) return 'list'
  if (typeof value === 'string') return 'text'
  if (isPlainObject(value)) return 'map'
  throw new Error('@symphony/client: initialStorage values must be objects (maps), arrays (lists) or strings (texts)')
}
