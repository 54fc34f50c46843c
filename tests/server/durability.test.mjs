// Durability of `symphony serve`: an update is sent back (to its sender and to others) only once
// it is durable, so after kill -9 at any moment a restarted server (same --data) must serve every
// update any client had received. Clients record what they observed; after each restart a fresh
// client (and GET /api/rooms/{id}/state) must hold all of it. Then SIGTERM: clients see close code
// 1001, the process exits 0 within 10 s, and a restart serves everything.
//   SEED=n   the random seed (kill moments; default 1)
import { Suite } from './lib/runner.mjs'
import { RawClient, WebSocket, Y, hpProvider, hpSettled } from './lib/clients.mjs'
import { fetchViaClient, fetchViaHttp } from './lib/checks.mjs'
import { assert, rng, rootsOf, sleep, waitFor } from './lib/util.mjs'

const SEED = Number(process.env.SEED || 1)
const s = new Suite('durability')
const NEEDS = 'kill -9 / SIGTERM and restart with the same --data'

// A raw y-websocket client that writes keys `${prefix}-${n}` = n into map 'm' at a steady pace
// and remembers the clock after each write, to tell which of its own writes were echoed.
class Writer {
  constructor (client, prefix) {
    this.client = client
    this.prefix = prefix
    this.ends = [] // [key, clock after the write]
    this.stopped = false
  }

  async run (intervalMs, maxWrites) {
    const m = rootsOf(this.client.doc).m
    for (let n = 0; n < maxWrites && !this.stopped && this.client.isOpen; n++) {
      const key = `${this.prefix}-${n}`
      m.set(key, n)
      this.ends.push([key, this.client.clock])
      await sleep(intervalMs)
    }
  }

  // Keys of this writer the server echoed back.
  ackedKeys () {
    return this.ends.filter(([, end]) => end <= this.client.acked).map(([k]) => k)
  }
}

// What `c` observed: every map entry it received from the server (anything in its doc that it
// did not write itself) plus its own writes that were echoed. Added to `into` (key -> value).
function collectObserved (into, c, writer) {
  const m = rootsOf(c.doc).m
  const own = new Set(writer ? writer.ends.map(([k]) => k) : [])
  for (const [k, v] of m.entries()) if (!own.has(k)) into.set(k, v)
  if (writer) for (const k of writer.ackedKeys()) into.set(k, m.get(k))
}

async function assertHasAll (srv, room, expected, when) {
  const viaClient = await fetchViaClient(srv, room, 15000)
  const viaHttp = await fetchViaHttp(srv, room)
  for (const [name, doc] of [['a fresh client', viaClient], ['GET state', viaHttp]]) {
    const m = rootsOf(doc).m
    const missing = [...expected].filter(([k, v]) => m.get(k) !== v)
    assert(missing.length === 0, () => `${when}: room ${room} via ${name} lacks ${missing.length} of ${expected.size} observed entries, e.g. ${JSON.stringify(missing.slice(0, 5))}`)
  }
}

s.test(`kill -9 at random moments under load, 3 rounds: nothing observed is lost (seed ${SEED})`, async (ctx) => {
  const r = rng(SEED)
  const rooms = ['dur-a', 'dur-b']
  const fsyncModes = ['always', 'normal', 'off']
  const srv = await ctx.server({ args: { fsync: fsyncModes[0], 'log-level': 'info' } })
  const observed = new Map(rooms.map((room) => [room, new Map()]))
  for (let round = 0; round < 3; round++) {
    if (round > 0) {
      srv.args.fsync = fsyncModes[round]
      await srv.start()
      for (const room of rooms) await assertHasAll(srv, room, observed.get(room), `after kill -9 #${round}`)
    }
    const clients = []
    const writers = []
    for (const room of rooms) {
      for (let w = 0; w < 2; w++) {
        const c = await RawClient.connect(srv.roomUrl(room))
        clients.push({ room, c })
        writers.push({ room, c, w: new Writer(c, `r${round}-${room}-w${w}`) })
      }
      const reader = await RawClient.connect(srv.roomUrl(room))
      clients.push({ room, c: reader })
    }
    ctx.defer(() => clients.forEach(({ c }) => c.close()))
    await Promise.all(clients.map(({ c }) => c.waitSynced()))
    // A Hocuspocus writer too: its writes acknowledged by SyncStatus count as observed.
    const hp = hpProvider(ctx, srv, 4, rooms[0])
    await hpSettled(hp)
    let hpWrites = 0
    const hpKeys = []
    const hpTimer = setInterval(() => {
      if (hpWrites >= 300) return
      const k = `r${round}-hp-${hpWrites++}`
      hpKeys.push(k)
      rootsOf(hp.document).m.set(k, hpWrites)
    }, 20)
    ctx.defer(() => clearInterval(hpTimer))
    // HTTP updates: each one answered 200 counts as observed.
    const httpDone = []
    const httpLoop = (async () => {
      for (let i = 0; i < 50; i++) {
        const d = new Y.Doc()
        rootsOf(d).m.set(`r${round}-http-${i}`, i)
        try {
          const res = await srv.http('POST', `/api/rooms/${rooms[1]}/update`, {
            body: Buffer.from(Y.encodeStateAsUpdate(d)), headers: { 'content-type': 'application/octet-stream' }, timeout: 3000
          })
          if (res.status === 200) httpDone.push([`r${round}-http-${i}`, i])
        } catch { break }
        await sleep(30)
      }
    })()
    const runs = writers.map(({ w }) => w.run(8, 2500))
    const killAfter = r.int(300, 1500)
    await sleep(killAfter)
    await srv.kill9()
    clearInterval(hpTimer)
    const hpAcked = hpKeys.slice(0, Math.max(0, hpKeys.length - hp.unsyncedChanges))
    await sleep(200) // let the clients take in what was already on the wire
    for (const { w } of writers) w.stopped = true
    await Promise.all(runs)
    await httpLoop
    for (const room of rooms) {
      for (const { c } of clients.filter((x) => x.room === room)) {
        collectObserved(observed.get(room), c, writers.find((x) => x.c === c)?.w)
      }
    }
    for (const k of hpAcked) observed.get(rooms[0]).set(k, rootsOf(hp.document).m.get(k))
    for (const [k, v] of httpDone) observed.get(rooms[1]).set(k, v)
    const sent = writers.reduce((n, { w }) => n + w.ends.length, 0)
    const acked = writers.reduce((n, { w }) => n + w.ackedKeys().length, 0)
    ctx.log(`round ${round} (fsync ${fsyncModes[round]}): killed after ${killAfter} ms; ${sent} writes sent, ${acked} echoed; ` +
      `hocuspocus ${hpAcked.length}/${hpKeys.length} acked; http ${httpDone.length}; observed ${rooms.map((x) => observed.get(x).size).join('+')}`)
    assert(acked > 0, `round ${round}: no write was echoed before the kill (${sent} sent)`)
    hp.destroy()
    clients.forEach(({ c }) => c.close())
  }
  await srv.start()
  for (const room of rooms) await assertHasAll(srv, room, observed.get(room), 'after the last kill -9')
}, { symphonyOnly: NEEDS, timeout: 60000 })

s.test('SIGTERM: clients see 1001, exit status 0 within 10 s, a restart serves everything', async (ctx) => {
  const srv = await ctx.server({ args: { 'log-level': 'info' } })
  const room = 'dur-term'
  const c1 = await RawClient.connect(srv.roomUrl(room))
  const c2 = await RawClient.connect(srv.roomUrl(room))
  // A Hocuspocus socket with a document.
  const hp = hpProvider(ctx, srv, 4, room)
  const hpCodes = []
  hp.on('close', ({ event }) => hpCodes.push(event?.code))
  ctx.defer(() => { c1.close(); c2.close() })
  await Promise.all([c1.waitSynced(), c2.waitSynced(), hpSettled(hp)])
  const w1 = new Writer(c1, 'term-w1')
  const text = rootsOf(c2.doc).t
  for (let i = 0; i < 50; i++) text.insert(text.length, `line ${i}\n`)
  const run = w1.run(5, 400)
  await sleep(700)
  const res = await srv.stop('SIGTERM', 12000)
  w1.stopped = true
  await run
  ctx.log(`exit ${JSON.stringify(res)}`)
  assert(!res.timedOut && res.ms <= 10000, `server took ${res.ms} ms to exit after SIGTERM (limit 10000)`)
  assert(res.code === 0 && res.signal === null, `exit status ${res.code} signal ${res.signal}, expected 0`)
  const closes = await Promise.all([c1.waitClosed(2000), c2.waitClosed(2000)])
  for (const cl of closes) assert(cl.code === 1001, `y-websocket client closed with ${cl.code} '${cl.reason}', expected 1001`)
  await waitFor(() => hpCodes.length > 0, { timeout: 2000, message: 'hocuspocus provider closed' })
  assert(hpCodes[0] === 1001, `hocuspocus provider's socket closed with ${hpCodes[0]}, expected 1001`)
  const expected = new Map()
  collectObserved(expected, c1, w1)
  collectObserved(expected, c2, null)
  assert(c2.acked >= Y.getState(c2.doc.store, c2.doc.clientID), 'text writes of c2 were not all echoed before SIGTERM')
  await srv.start()
  await assertHasAll(srv, room, expected, 'after SIGTERM')
  const doc = await fetchViaClient(srv, room)
  assert(rootsOf(doc).t.toString() === text.toString(), 'text content differs after SIGTERM + restart')
}, { symphonyOnly: NEEDS, timeout: 40000 })

s.test('SIGTERM: sockets that joined nothing yet are closed with 1001 too', async (ctx) => {
  const srv = await ctx.server({ args: { 'log-level': 'info' } })
  const open = (url) => {
    const ws = new WebSocket(url)
    ws.on('error', () => {})
    ctx.defer(() => ws.terminate())
    const closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })))
    return { ws, closed, opened: new Promise((resolve) => ws.once('open', resolve)) }
  }
  const hpIdle = open(srv.hocuspocusUrl) // no auth, no document
  const ywsIdle = open(srv.roomUrl('dur-idle')) // never answers the server's sync step 1
  await Promise.all([hpIdle.opened, ywsIdle.opened])
  const res = await srv.stop('SIGTERM', 12000)
  assert(res.code === 0, `exit ${JSON.stringify(res)}`)
  const timeout = sleep(2000).then(() => ({ code: 'not closed' }))
  const [h, y] = await Promise.all([Promise.race([hpIdle.closed, timeout]), Promise.race([ywsIdle.closed, timeout])])
  assert(y.code === 1001, `idle y-websocket socket closed with ${y.code}, expected 1001`)
  assert(h.code === 1001, `idle Hocuspocus socket (no document yet) closed with ${h.code}, expected 1001`)
}, { symphonyOnly: NEEDS, timeout: 30000 })

await s.run()
