// Unit tests of the dashboard's pure modules (no DOM): formatting, rates from stats events,
// the rooms model (stored + live merge, unload detection, connection history), search, sort.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { formatAgo, formatBytes, formatCount, formatDuration, formatPercent, formatRate } from '../../web/dashboard/format.js'
import { OverviewHistory, Series, ratesBetween } from '../../web/dashboard/rates.js'
import { ConnectionHistory, LIVE_ROOMS_MAX, RoomsModel, filterRooms, sortRooms } from '../../web/dashboard/rooms.js'
import { niceMax } from '../../web/dashboard/chart.js'

test('formatting', () => {
  assert.equal(formatBytes(0), '0 B')
  assert.equal(formatBytes(1023), '1023 B')
  assert.equal(formatBytes(1536), '1.5 KiB')
  assert.equal(formatBytes(50 * 1024 * 1024), '50 MiB')
  assert.equal(formatBytes(undefined), '–')
  assert.equal(formatCount(1234567), '1,234,567')
  assert.equal(formatRate(0), '0')
  assert.equal(formatRate(2.345), '2.3')
  assert.equal(formatRate(12345), '12.3 k')
  assert.equal(formatPercent(3.14159), '3.1 %')
  assert.equal(formatPercent(150.4), '150 %')
  assert.equal(formatDuration(350), '350 ms')
  assert.equal(formatDuration(4200), '4.2 s')
  assert.equal(formatDuration(200000), '3 min 20 s')
  assert.equal(formatDuration(7500000), '2 h 5 min')
  assert.equal(formatAgo(1000, 1500), 'just now')
  assert.equal(formatAgo(0, 1500), '–')
  assert.equal(formatAgo(1000, 1000 + 5 * 60000), '5 min ago')
  assert.equal(formatAgo(1000, 1000 + 3 * 86400000), '3 d ago')
})

test('rates between stats events', () => {
  const a = { ts_ms: 1000, messages_in_total: 10, messages_out_total: 20, bytes_in_total: 100, bytes_out_total: 200, cpu_seconds: 1.0 }
  const b = { ts_ms: 3000, messages_in_total: 30, messages_out_total: 60, bytes_in_total: 300, bytes_out_total: 1200, cpu_seconds: 1.5 }
  assert.deepEqual(ratesBetween(a, b), { messages: 30, bytesIn: 100, bytesOut: 500, cpuPercent: 25 })
  assert.equal(ratesBetween(null, b), null)
  assert.equal(ratesBetween(b, { ...b }), null, 'no time passed')
  assert.equal(ratesBetween(b, { ...a, ts_ms: 4000 }), null, 'counters went back: a restart')
  const h = new OverviewHistory(3)
  h.add(a)
  assert.equal(h.latest.rates, null)
  h.add(b)
  assert.equal(h.latest.rates.messages, 30)
  assert.equal(h.series.messages.length, 1)
  for (let i = 0; i < 5; i++) h.add({ ...b, ts_ms: 4000 + i * 1000 })
  assert.equal(h.series.connections.length, 3, 'bounded')
  const s = new Series(10)
  for (let t = 0; t < 5; t++) s.push(t, t * 10)
  assert.deepEqual(s.since(3), [[3, 30], [4, 40]])
  assert.equal(s.last, 40)
})

test('rooms model: stored rooms overlaid with live figures', () => {
  const m = new RoomsModel()
  m.setStored([
    { id: 'a', connections: 1, loaded: true, doc_bytes: 10, log_bytes: 5, peak_connections: 3, cpu_ms: 1, mem_bytes: 100 },
    { id: 'old', connections: 0, loaded: false, doc_bytes: 99, peak_connections: 7 }
  ], 1000)
  m.setLive({ ts_ms: 5000, rooms_loaded: 2, rooms: [{ id: 'a', connections: 4, peak_connections: 4, doc_bytes: 20, cpu_ms: 9, mem_bytes: 300 }, { id: 'new', connections: 2 }] }, 2000)
  const rows = Object.fromEntries(m.all().map((r) => [r.id, r]))
  assert.equal(rows.a.connections, 4)
  assert.equal(rows.a.doc_bytes, 20)
  assert.equal(rows.a.log_bytes, 5, 'stored field kept')
  assert.equal(rows.a.cpu_ms, 9)
  assert.equal(rows.old.loaded, false)
  assert.equal(rows.old.peak_connections, 7)
  assert.equal(rows.new.loaded, true, 'a room in stats but not yet listed')
  assert.equal(rows.a.fetchedAt, undefined)
  // 'a' leaves a complete stats event after /api/rooms answered: it has unloaded.
  m.setLive({ ts_ms: 6000, rooms_loaded: 1, rooms: [{ id: 'new', connections: 2 }] }, 3000)
  const a = m.get('a')
  assert.equal(a.loaded, false)
  assert.equal(a.connections, 0)
  assert.equal(a.cpu_ms, undefined)
  // A truncated stats event (the server lists at most 200) says nothing about absent rooms.
  m.setStored([{ id: 'a', connections: 1, loaded: true }], 4000)
  const many = Array.from({ length: LIVE_ROOMS_MAX }, (_, i) => ({ id: `r${i}`, connections: 1 }))
  m.setLive({ ts_ms: 7000, rooms_loaded: 500, rooms: many }, 5000)
  assert.equal(m.get('a').loaded, true)
  // Servers without per-room figures: nothing changes.
  const v = m.version
  m.setLive({ ts_ms: 8000 })
  assert.equal(m.version, v)
})

test('connection history keeps changes only, and zero for rooms that left', () => {
  const h = new ConnectionHistory({ maxRooms: 2, maxPoints: 3 })
  h.record(1, [{ id: 'a', connections: 1 }], true)
  h.record(2, [{ id: 'a', connections: 1 }], true)
  h.record(3, [{ id: 'a', connections: 2 }], true)
  assert.deepEqual(h.series('a'), [[1, 1], [3, 2]])
  h.record(4, [], true)
  assert.deepEqual(h.series('a'), [[1, 1], [3, 2], [4, 0]])
  h.record(5, [], false)
  h.add('a', 2, 7) // older than known: ignored
  assert.equal(h.series('a').length, 3)
  h.add('b', 6, 1)
  h.add('c', 7, 1) // a third room evicts the least recently seen
  assert.equal(h.rooms.size, 2)
  assert.deepEqual(h.series('a'), [])
  for (let t = 10; t < 20; t++) h.add('c', t, t)
  assert.equal(h.rooms.get('c').points.length, 3, 'bounded points')
})

test('search and sort', () => {
  const rows = [
    { id: 'Roadmap', connections: 2, doc_bytes: 5, loaded: true, cpu_ms: 3 },
    { id: 'design', connections: 5, doc_bytes: 1, loaded: true, cpu_ms: 1 },
    { id: 'archive', connections: 0, doc_bytes: 9, loaded: false }
  ]
  assert.deepEqual(filterRooms(rows, 'road').map((r) => r.id), ['Roadmap'])
  assert.deepEqual(filterRooms(rows, '  ').length, 3)
  assert.deepEqual(sortRooms(rows, 'connections', 'desc').map((r) => r.id), ['design', 'Roadmap', 'archive'])
  assert.deepEqual(sortRooms(rows, 'doc_bytes', 'asc').map((r) => r.id), ['design', 'Roadmap', 'archive'])
  assert.deepEqual(sortRooms(rows, 'cpu_ms', 'asc').map((r) => r.id), ['design', 'Roadmap', 'archive'], 'missing last')
  assert.deepEqual(sortRooms(rows, 'cpu_ms', 'desc').map((r) => r.id), ['Roadmap', 'design', 'archive'], 'missing last')
  assert.deepEqual(sortRooms(rows, 'loaded', 'desc').map((r) => r.id), ['design', 'Roadmap', 'archive'], 'ties by id')
  assert.deepEqual(sortRooms(rows, 'id', 'asc').map((r) => r.id), ['archive', 'design', 'Roadmap'])
})

test('chart scale', () => {
  assert.equal(niceMax(0), 1)
  assert.equal(niceMax(3), 5)
  assert.equal(niceMax(7), 10)
  assert.equal(niceMax(11), 20)
  assert.equal(niceMax(0.3, 0.1), 0.5)
})
