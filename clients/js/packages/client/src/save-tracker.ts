import * as Y from 'yjs'

/**
 * Knows which local changes the server has durably stored.
 *
 * The server (Symphony, and any y-websocket server that applies before it broadcasts) only
 * sends what it has stored, and sends every update back to its sender too. So a local change is
 * saved once the server has shown us all of it:
 *  - its new structs: for each client whose clock the change advanced, the server has sent us an
 *    update (an echo or a sync step 2) reaching that clock, or a sync step 1 whose state vector
 *    reaches it (a server's clocks for a client are contiguous);
 *  - its deletions: every deleted range appears in a delete set the server sent while the change
 *    was pending (our own echo, a step 2, which carries the server's whole delete set, or another
 *    client's update that deleted the same item first).
 *
 * Delete sets received are only accumulated while some pending change has deletions, so the
 * memory used is bounded by what is in flight.
 */
export interface PendingChange {
  /** client -> clock the change reached (exclusive end). */
  clocks: Map<number, number>
  /** client -> deleted ranges [clock, end). */
  deletes: Map<number, Array<[number, number]>> | null
}

export class SaveTracker {
  private pending: PendingChange[] = []
  private serverClocks = new Map<number, number>()
  private serverDeletes = new Map<number, Array<[number, number]>>()
  /** Called whenever the number of unsaved changes changes. */
  onChange: (unsaved: number) => void = () => {}

  /** Changes not yet acknowledged by the server. */
  get unsaved(): number {
    return this.pending.length
  }

  /** Records a local transaction (anything that did not come from the server). */
  addTransaction(tr: Y.Transaction): void {
    const clocks = new Map<number, number>()
    tr.afterState.forEach((clock, client) => {
      if (clock > (tr.beforeState.get(client) ?? 0)) clocks.set(client, clock)
    })
    let deletes: Map<number, Array<[number, number]>> | null = null
    tr.deleteSet.clients.forEach((items, client) => {
      if (items.length === 0) return
      deletes ??= new Map()
      deletes.set(client, items.map((d) => [d.clock, d.clock + d.len] as [number, number]))
    })
    this.add({ clocks, deletes })
  }

  add(change: PendingChange): void {
    if (change.clocks.size === 0 && change.deletes === null) return
    if (this.isSaved(change)) return
    this.pending.push(change)
    this.onChange(this.pending.length)
  }

  /** A sync step 2 or update the server sent (Yjs update format v1). */
  serverUpdate(update: Uint8Array): void {
    if (this.pending.length === 0) return
    const meta = Y.parseUpdateMeta(update)
    meta.to.forEach((clock, client) => this.raiseClock(client, clock))
    if (this.pending.some((p) => p.deletes !== null)) {
      const { ds } = Y.decodeUpdate(update)
      ds.clients.forEach((items, client) => {
        for (const d of items) addRange(this.serverDeletes, client, d.clock, d.clock + d.len)
      })
    }
    this.settle()
  }

  /** The state vector of a sync step 1 the server sent: what it has stored. */
  serverStateVector(sv: Map<number, number>): void {
    sv.forEach((clock, client) => this.raiseClock(client, clock))
    this.settle()
  }

  /** Forgets everything (the document was replaced). */
  reset(): void {
    const had = this.pending.length
    this.pending = []
    this.serverDeletes.clear()
    if (had) this.onChange(0)
  }

  private raiseClock(client: number, clock: number): void {
    if ((this.serverClocks.get(client) ?? 0) < clock) this.serverClocks.set(client, clock)
  }

  private isSaved(p: PendingChange): boolean {
    for (const [client, clock] of p.clocks) {
      if ((this.serverClocks.get(client) ?? 0) < clock) return false
    }
    if (p.deletes) {
      for (const [client, ranges] of p.deletes) {
        for (const [start, end] of ranges) if (!covered(this.serverDeletes, client, start, end)) return false
      }
    }
    return true
  }

  private settle(): void {
    const before = this.pending.length
    this.pending = this.pending.filter((p) => !this.isSaved(p))
    if (!this.pending.some((p) => p.deletes !== null)) this.serverDeletes.clear()
    if (this.pending.length !== before) this.onChange(this.pending.length)
  }
}

/** Adds [start, end) to the client's sorted, disjoint range list, merging neighbours. */
export function addRange(set: Map<number, Array<[number, number]>>, client: number, start: number, end: number): void {
  const list = set.get(client) ?? []
  const out: Array<[number, number]> = []
  let s = start
  let e = end
  let placed = false
  for (const r of list) {
    if (r[1] < s) out.push(r)
    else if (r[0] > e) {
      if (!placed) {
        out.push([s, e])
        placed = true
      }
      out.push(r)
    } else {
      s = Math.min(s, r[0])
      e = Math.max(e, r[1])
    }
  }
  if (!placed) out.push([s, e])
  set.set(client, out)
}

/** Whether [start, end) lies inside one range of the client's list. */
export function covered(set: Map<number, Array<[number, number]>>, client: number, start: number, end: number): boolean {
  const list = set.get(client)
  if (!list) return false
  for (const r of list) if (r[0] <= start && end <= r[1]) return true
  return false
}
