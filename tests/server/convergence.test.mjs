// Convergence over the y-websocket protocol: real WebsocketProvider clients in several rooms make
// seeded random concurrent edits (Y.Map, Y.Array, Y.Text) while randomly disconnecting and
// reconnecting; at the end every client of a room holds the same document, and so does the
// server (a fresh client's sync, and GET /api/rooms/{id}/state and /json on Symphony).
//   SEED=n   the random seed (default 1)
import { Suite } from './lib/runner.mjs'
import { RawClient, ywsProvider, ywsSynced, MSG_SYNC, syncProtocol } from './lib/clients.mjs'
import { assertServerHas, waitConverged } from './lib/checks.mjs'
import { assert, randomEdit, rng, rootsOf, sleep, waitFor } from './lib/util.mjs'

const SEED = Number(process.env.SEED || 1)
const s = new Suite('convergence')

s.test('handshake: the server sends sync step 1 first; a client then syncs', async (ctx) => {
  const server = await ctx.server()
  const c = await RawClient.connect(server.roomUrl('handshake'), { step1: false })
  ctx.defer(() => c.close())
  await waitFor(() => c.received.length > 0, { message: 'a first message from the server' })
  const first = c.received[0]
  assert(first.type === MSG_SYNC && first.subtype === syncProtocol.messageYjsSyncStep1,
    `first message: type ${first.type} subtype ${first.subtype}, expected sync step 1 (0, 0)`)
  c.sendStep1()
  await c.waitSynced()
})

s.test('echo: a sender gets its own update back, the others get it too', async (ctx) => {
  const server = await ctx.server()
  const a = await RawClient.connect(server.roomUrl('echo'))
  const b = await RawClient.connect(server.roomUrl('echo'))
  ctx.defer(() => { a.close(); b.close() })
  await a.waitSynced()
  await b.waitSynced()
  for (let i = 0; i < 5; i++) {
    rootsOf(a.doc).m.set(`k${i}`, i)
    await a.waitAcked(5000)
  }
  await waitFor(() => rootsOf(b.doc).m.get('k4') === 4, { message: "b sees a's updates" })
  if (server.isRef) ctx.note('reference server echoes immediately; "only after durable" is checked by durability.test.mjs on Symphony')
})

s.test('query string is ignored: /room?token=x and /room are one room', async (ctx) => {
  const server = await ctx.server()
  const a = await RawClient.connect(`${server.roomUrl('qs-room')}?token=abc&x=1`)
  const b = await RawClient.connect(server.roomUrl('qs-room'))
  ctx.defer(() => { a.close(); b.close() })
  await a.waitSynced()
  await b.waitSynced()
  rootsOf(a.doc).t.insert(0, 'hello')
  await waitFor(() => rootsOf(b.doc).t.toString() === 'hello', { message: 'b sees the text written through ?token=' })
})

s.test(`random edits with disconnects: 3 rooms x 4 WebsocketProviders (seed ${SEED})`, async (ctx) => {
  const server = await ctx.server()
  const r = rng(SEED)
  const rooms = ['conv-a', 'conv-b', 'conv-c']
  const groups = rooms.map((room) => Array.from({ length: 4 }, () => ywsProvider(ctx, server, room)))
  const all = groups.flat()
  await Promise.all(all.map((p) => ywsSynced(p)))
  let edits = 0
  let reconnects = 0
  const ROUNDS = 150
  for (let round = 0; round < ROUNDS; round++) {
    for (const p of all) {
      if (!p.shouldConnect) {
        if (r.bool(0.25)) {
          p.connect()
          reconnects++
        }
      } else if (r.bool(0.03)) {
        p.disconnect()
      }
      const n = r.int(0, 2)
      for (let i = 0; i < n; i++) randomEdit(p.doc, r, `c${p.doc.clientID % 100}`)
      edits += n
    }
    await sleep(r.int(0, 12))
  }
  for (const p of all) if (!p.shouldConnect) p.connect()
  await Promise.all(all.map((p) => ywsSynced(p, 15000)))
  ctx.log(`${edits} edits, ${reconnects} reconnects`)
  for (let i = 0; i < rooms.length; i++) {
    await waitConverged(groups[i].map((p) => p.doc), { what: `clients of ${rooms[i]}` })
    await assertServerHas(ctx, server, rooms[i], groups[i][0].doc)
  }
}, { timeout: 60000 })

await s.run()
