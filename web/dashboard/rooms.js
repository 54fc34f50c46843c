// The rooms the dashboard knows: every stored room from GET /api/rooms (refreshed every few
// seconds), overlaid with the live figures of the loaded rooms from each stats event (every
// second), plus each room's connection count over time since the page opened (pure, no DOM).

// The server lists at most this many rooms in a stats event (the busiest first).
export const LIVE_ROOMS_MAX = 200

const LIVE_FIELDS = ['connections', 'peak_connections', 'doc_bytes', 'log_bytes', 'cpu_ms', 'mem_bytes', 'last_active_ms', 'created_ms']

export class RoomsModel {
  constructor () {
    this.stored = new Map() // id -> row from /api/rooms
    this.live = new Map() // id -> entry of the latest stats.rooms
    this.liveAt = 0
    this.liveComplete = false // the latest stats.rooms held every loaded room
    this.history = new ConnectionHistory()
    this.version = 0 // bumps on every change, for views to skip needless renders
  }

  setStored (rooms, now = Date.now()) {
    this.stored = new Map()
    for (const r of rooms || []) if (r && typeof r.id === 'string') this.stored.set(r.id, { ...r, fetchedAt: now })
    this.version++
  }

  // One room's fresher figures (GET /api/rooms/{id}).
  upsertStored (room, now = Date.now()) {
    this.stored.set(room.id, { ...room, fetchedAt: now })
    this.version++
  }

  // `stats`: one stats event. Servers without per-room figures send no `rooms`: nothing changes.
  setLive (stats, now = Date.now()) {
    if (!Array.isArray(stats.rooms)) return
    this.live = new Map()
    for (const r of stats.rooms) if (r && typeof r.id === 'string') this.live.set(r.id, r)
    this.liveAt = now
    this.liveComplete = stats.rooms.length < LIVE_ROOMS_MAX ||
      (typeof stats.rooms_loaded === 'number' && stats.rooms.length >= stats.rooms_loaded)
    this.history.record(stats.ts_ms ?? now, stats.rooms, this.liveComplete)
    this.version++
  }

  // One merged row, or undefined when the room is unknown.
  get (id) {
    const stored = this.stored.get(id)
    const live = this.live.get(id)
    if (!stored && !live) return undefined
    const row = { id, connections: 0, loaded: false, ...stored }
    delete row.fetchedAt
    if (live) {
      for (const k of LIVE_FIELDS) if (live[k] !== undefined) row[k] = live[k]
      row.loaded = true
    } else if (row.loaded && this.liveComplete && this.liveAt > (stored?.fetchedAt ?? 0)) {
      // Loaded when /api/rooms answered, absent from a newer complete stats event: unloaded since.
      row.loaded = false
      row.connections = 0
      delete row.cpu_ms
      delete row.mem_bytes
    }
    return row
  }

  all () {
    const ids = new Set([...this.stored.keys(), ...this.live.keys()])
    return [...ids].map((id) => this.get(id))
  }
}

// Each room's connection count over time, stored as changes only ([t, count] whenever it
// changed) so that an hour of a steady room costs one point. Bounded in rooms and points.
export class ConnectionHistory {
  constructor ({ maxRooms = 2000, maxPoints = 2000 } = {}) {
    this.maxRooms = maxRooms
    this.maxPoints = maxPoints
    this.rooms = new Map() // id -> { points: [[t, c]], seen: t }
  }

  add (id, t, count) {
    let h = this.rooms.get(id)
    if (!h) {
      if (this.rooms.size >= this.maxRooms) this.evictOldest()
      h = { points: [], seen: t }
      this.rooms.set(id, h)
    }
    const last = h.points[h.points.length - 1]
    if (last && t < last[0]) return // older than what we have (a late HTTP answer)
    if (!last || last[1] !== count) {
      h.points.push([t, count])
      if (h.points.length > this.maxPoints) h.points.splice(0, h.points.length - this.maxPoints)
    }
    h.seen = t
  }

  // `rooms`: a stats event's rooms. When `complete`, a tracked room that is absent has 0.
  record (t, rooms, complete) {
    const present = new Set()
    for (const r of rooms) {
      present.add(r.id)
      this.add(r.id, t, r.connections ?? 0)
    }
    if (complete) {
      for (const [id, h] of this.rooms) {
        if (!present.has(id) && h.points.length && h.points[h.points.length - 1][1] !== 0) this.add(id, t, 0)
      }
    }
  }

  evictOldest () {
    let oldest = null
    for (const [id, h] of this.rooms) if (!oldest || h.seen < oldest[1]) oldest = [id, h.seen]
    if (oldest) this.rooms.delete(oldest[0])
  }

  // The changes [t, count] of one room, oldest first (each count holds until the next change).
  series (id) {
    const h = this.rooms.get(id)
    return h ? h.points.slice() : []
  }
}

// Rows whose id contains `query` (case-insensitive); every row for an empty query.
export function filterRooms (rows, query) {
  const q = (query || '').trim().toLowerCase()
  if (!q) return rows
  return rows.filter((r) => r.id.toLowerCase().includes(q))
}

// Sorted copy. Missing values (cpu_ms of an unloaded room) go last in either direction.
export function sortRooms (rows, key, dir = 'desc') {
  const sign = dir === 'asc' ? 1 : -1
  const value = (r) => (key === 'loaded' ? (r.loaded ? 1 : 0) : r[key])
  return rows.slice().sort((a, b) => {
    const va = value(a)
    const vb = value(b)
    const ma = va === undefined || va === null
    const mb = vb === undefined || vb === null
    if (ma || mb) return ma === mb ? a.id.localeCompare(b.id) : ma ? 1 : -1
    const c = typeof va === 'string' ? va.localeCompare(vb) : va - vb
    return c !== 0 ? sign * c : a.id.localeCompare(b.id)
  })
}
