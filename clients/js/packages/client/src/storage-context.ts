import type { SnapshotCache } from './convert.js'

/** What the synced collections need from their room: the snapshot cache and a transaction. */
export interface StorageContext {
  snapshots: SnapshotCache
  /** Runs `fn` in a transaction with this client's origin (joining an open one). */
  transact(fn: () => void): void
}
