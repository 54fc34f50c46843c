// Rates from successive `stats` events of /api/events, and the short histories the overview's
// sparklines draw (pure, no DOM).

// Per-second rates between two stats events, or null when they cannot be compared (no earlier
// event, time did not advance, or a counter went backwards because the server restarted).
//   messages: messages in + out per second; bytesIn, bytesOut: bytes per second;
//   cpuPercent: process CPU time per wall time, in percent of one core (can exceed 100).
export function ratesBetween (prev, cur) {
  if (!prev || !cur) return null
  const dt = (cur.ts_ms - prev.ts_ms) / 1000
  if (!(dt > 0)) return null
  const delta = (key) => (cur[key] ?? 0) - (prev[key] ?? 0)
  const msgs = delta('messages_in_total') + delta('messages_out_total')
  const bin = delta('bytes_in_total')
  const bout = delta('bytes_out_total')
  const cpu = delta('cpu_seconds')
  if (msgs < 0 || bin < 0 || bout < 0 || cpu < 0) return null
  return { messages: msgs / dt, bytesIn: bin / dt, bytesOut: bout / dt, cpuPercent: (cpu / dt) * 100 }
}

// A bounded time series: the newest `capacity` points, oldest first.
export class Series {
  constructor (capacity = 600) {
    this.capacity = capacity
    this.t = []
    this.v = []
  }

  push (t, v) {
    this.t.push(t)
    this.v.push(v)
    if (this.t.length > this.capacity) {
      const drop = this.t.length - this.capacity
      this.t.splice(0, drop)
      this.v.splice(0, drop)
    }
  }

  get length () { return this.t.length }
  get last () { return this.v.length ? this.v[this.v.length - 1] : undefined }

  // Points with t >= since, as [t, v] pairs.
  since (since) {
    const out = []
    for (let i = 0; i < this.t.length; i++) if (this.t[i] >= since) out.push([this.t[i], this.v[i]])
    return out
  }
}

// The figures the overview shows, each with its history.
export const OVERVIEW_KEYS = ['rooms', 'connections', 'messages', 'bytesIn', 'bytesOut', 'cpuPercent', 'rss', 'documentBytes']

export class OverviewHistory {
  constructor (capacity = 600) {
    this.series = Object.fromEntries(OVERVIEW_KEYS.map((k) => [k, new Series(capacity)]))
    this.prev = null
    this.latest = null // { stats, rates }
  }

  // Records one stats event; returns { stats, rates } (rates null for the first event).
  add (stats) {
    const rates = ratesBetween(this.prev, stats)
    this.prev = stats
    const t = stats.ts_ms
    const s = this.series
    s.rooms.push(t, stats.rooms_loaded)
    s.connections.push(t, stats.connections)
    s.rss.push(t, stats.rss_bytes)
    s.documentBytes.push(t, stats.document_bytes)
    if (rates) {
      s.messages.push(t, rates.messages)
      s.bytesIn.push(t, rates.bytesIn)
      s.bytesOut.push(t, rates.bytesOut)
      s.cpuPercent.push(t, rates.cpuPercent)
    }
    this.latest = { stats, rates }
    return this.latest
  }
}
