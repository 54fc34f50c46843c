// Room lifecycle of `symphony serve`: a room unloads --room-grace-ms after its last client left
// (loaded:false in /api/rooms) and reloads from storage on the next join with all its content;
// a room with a client never unloads; joiners arriving while a room loads (many at once, on
// both protocols and over HTTP) all get the full content, never an empty document first.
import { Suite } from './lib/runner.mjs'
import { RawClient, hpProvider, hpSettled, ywsProvider } from './lib/clients.mjs'
import { fetchViaHttp } from './lib/checks.mjs'
import { assert, docDiff, docJSON, rootsOf, sleep, waitFor } from './lib/util.mjs'

const s = new Suite('room-lifecycle')
const ONLY = '/api/rooms and restarts'

async function roomInfo (srv, id) {
  const r = await srv.http('GET', '/api/rooms')
  assert(r.status === 200, `GET /api/rooms: HTTP ${r.status}`)
  return r.json().rooms.find((x) => x.id === id)
}

s.test('unload after --room-grace-ms, reload with content on the next join', async (ctx) => {
  const GRACE = 600
  const srv = await ctx.server({ args: { 'room-grace-ms': GRACE } })
  const room = 'life-unload'
  const c = await RawClient.connect(srv.roomUrl(room))
  ctx.defer(() => c.close())
  await c.waitSynced()
  c.doc.transact(() => {
    rootsOf(c.doc).t.insert(0, 'persisted text')
    rootsOf(c.doc).m.set('k', { v: [1, 2] })
  })
  await c.waitAcked()
  // A room with a client stays loaded past the grace period.
  await sleep(GRACE + 400)
  assert((await roomInfo(srv, room))?.loaded === true, 'a room with a connected client was unloaded')
  const tClose = Date.now()
  c.close()
  await waitFor(async () => (await roomInfo(srv, room))?.loaded === false, { timeout: GRACE + 5000, interval: 50, message: 'room unloaded' })
  const took = Date.now() - tClose
  ctx.log(`unloaded ${took} ms after the last client left`)
  assert(took >= GRACE * 0.8, `room unloaded after ${took} ms, before --room-grace-ms ${GRACE}`)
  const info = await roomInfo(srv, room)
  assert(info.connections === 0, `unloaded room info: ${JSON.stringify(info)}`)
  ctx.log(`unloaded room info: ${JSON.stringify(info)}`)
  // Rejoin: everything is back.
  const again = await RawClient.connect(srv.roomUrl(room))
  ctx.defer(() => again.close())
  await again.waitSynced()
  const d = docDiff(c.doc, again.doc, 'before unload', 'after reload')
  assert(d === null, d)
  assert((await roomInfo(srv, room))?.loaded === true, 'room not loaded after a join')
  // A reconnect within the grace period keeps the room loaded (and content intact).
  again.close()
  await sleep(GRACE / 3)
  const quick = await RawClient.connect(srv.roomUrl(room))
  ctx.defer(() => quick.close())
  await quick.waitSynced()
  assert(rootsOf(quick.doc).t.toString() === 'persisted text', 'content after a quick rejoin')
}, { symphonyOnly: ONLY })

// Fills `room` with `n` updates of ~1 kB each (many log records: the load has work to do).
async function fillRoom (srv, room, n) {
  const w = await RawClient.connect(srv.roomUrl(room))
  await w.waitSynced()
  const t = rootsOf(w.doc).t
  const m = rootsOf(w.doc).m
  for (let i = 0; i < n; i++) {
    if (i % 2) t.insert(t.length, `${i}:${'x'.repeat(1000)}\n`)
    else m.set(`k${i % 200}`, i)
    if (i % 200 === 199) await w.waitAcked(30000)
  }
  await w.waitAcked(30000)
  const expected = w.doc
  w.close()
  return expected
}

// Many joiners at once on a room that is not loaded; each must see the full content in its very
// first sync (checked at the moment its 'synced' / first step 2 arrives).
async function joinAllAtOnce (ctx, srv, room, expected) {
  const firstViews = []
  const raws = []
  for (let i = 0; i < 3; i++) {
    const rc = new RawClient(srv.roomUrl(room))
    ctx.defer(() => rc.close())
    raws.push(rc)
  }
  const providers = []
  for (let i = 0; i < 3; i++) {
    const p = ywsProvider(ctx, srv, room)
    p.on('synced', (state) => { if (state) firstViews.push({ who: `y-websocket ${i}`, json: JSON.stringify(docJSON(p.doc)) }) })
    providers.push(p)
  }
  const hp = hpProvider(ctx, srv, 4, room)
  hp.on('synced', () => firstViews.push({ who: 'hocuspocus', json: JSON.stringify(docJSON(hp.document)) }))
  const httpState = fetchViaHttp(srv, room)
  // Raw clients: the content of the first step 2.
  await Promise.all(raws.map((rc, i) => rc.waitSynced(20000).then(() => {
    firstViews.push({ who: `raw ${i}`, json: JSON.stringify(docJSON(rc.doc)) })
  })))
  await waitFor(() => providers.every((p) => p.synced), { timeout: 20000, message: 'providers synced' })
  await hpSettled(hp, 20000)
  const want = JSON.stringify(docJSON(expected))
  const d = docDiff(expected, await httpState, 'written', 'GET state during load')
  assert(d === null, d)
  assert(firstViews.length >= 7, `only ${firstViews.length} joiners reported a first sync`)
  for (const v of firstViews) {
    assert(v.json === want, `${v.who} first synced with ${v.json.length} chars of JSON, expected ${want.length}: a joiner saw a partial or empty document`)
  }
}

s.test('joiners during a load (after kill -9: log replay) all get the content', async (ctx) => {
  const srv = await ctx.server({ args: { fsync: 'off', 'max-messages-per-second': 100000 } })
  const room = 'life-load-log'
  const expected = await fillRoom(srv, room, 3000)
  await srv.kill9() // no snapshot at shutdown: the next load replays the log
  await srv.start()
  await joinAllAtOnce(ctx, srv, room, expected)
}, { symphonyOnly: ONLY })

s.test('joiners during a reload after unload (snapshot) all get the content', async (ctx) => {
  const srv = await ctx.server({ args: { 'room-grace-ms': 200, 'max-messages-per-second': 100000, fsync: 'off' } })
  const room = 'life-load-snap'
  const expected = await fillRoom(srv, room, 1500)
  await waitFor(async () => (await roomInfo(srv, room))?.loaded === false, { timeout: 8000, interval: 50, message: 'room unloaded' })
  await joinAllAtOnce(ctx, srv, room, expected)
}, { symphonyOnly: ONLY })

await s.run()
