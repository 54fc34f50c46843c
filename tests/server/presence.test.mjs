// Presence (awareness) over the y-websocket protocol: states are relayed; when a connection
// closes (even without saying goodbye) its states are removed for everyone at once, promptly;
// a late joiner receives the current states; a client silent longer than
// --awareness-timeout-ms loses its state while a client that renews keeps it.
import { Suite } from './lib/runner.mjs'
import { RawClient, rawAwarenessMessage, ywsProvider, ywsSynced } from './lib/clients.mjs'
import { assert, sleep, waitFor } from './lib/util.mjs'

const s = new Suite('presence')

// Records every awareness 'change' event of a provider: [{ t, added, updated, removed }].
function recordChanges (p) {
  const events = []
  p.awareness.on('change', ({ added, updated, removed }) => events.push({ t: Date.now(), added, updated, removed }))
  return events
}

s.test('states propagate between clients', async (ctx) => {
  const srv = await ctx.server()
  const [a, b, c] = [0, 1, 2].map(() => ywsProvider(ctx, srv, 'presence-prop'))
  await Promise.all([a, b, c].map((p) => ywsSynced(p)))
  a.awareness.setLocalStateField('user', { name: 'alice', cursor: 3 })
  b.awareness.setLocalStateField('user', { name: 'bob' })
  for (const [who, p] of [['b', b], ['c', c]]) {
    await waitFor(() => p.awareness.getStates().get(a.doc.clientID)?.user?.name === 'alice', { message: `${who} sees alice` })
  }
  await waitFor(() => c.awareness.getStates().get(b.doc.clientID)?.user?.name === 'bob', { message: 'c sees bob' })
  a.awareness.setLocalStateField('user', { name: 'alice', cursor: 9 })
  await waitFor(() => c.awareness.getStates().get(a.doc.clientID)?.user?.cursor === 9, { message: "c sees alice's new cursor" })
})

s.test('a connection that drops without a goodbye: its states removed for everyone at once, promptly', async (ctx) => {
  const srv = await ctx.server()
  const [a, b] = [0, 1].map(() => ywsProvider(ctx, srv, 'presence-close'))
  await Promise.all([a, b].map((p) => ywsSynced(p)))
  // (A provider's initial empty state has clock 0, which peers never apply: set a field.)
  b.awareness.setLocalStateField('user', 'bob')
  await waitFor(() => a.awareness.getStates().has(b.doc.clientID), { message: "a sees b's state" })
  const ea = recordChanges(a)
  const eb = recordChanges(b)
  // One raw connection controls two awareness clients (as a multi-tab client might).
  const raw = await RawClient.connect(srv.roomUrl('presence-close'))
  ctx.defer(() => raw.close())
  await raw.waitSynced()
  const ids = [900001, 900002]
  raw.send(rawAwarenessMessage(ids.map((id) => ({ clientID: id, clock: 1, state: JSON.stringify({ user: `raw-${id}` }) }))))
  for (const p of [a, b]) {
    await waitFor(() => ids.every((id) => p.awareness.getStates().has(id)), { message: 'both raw states seen' })
  }
  const t0 = Date.now()
  raw.ws.terminate() // TCP close, no awareness removal sent by the client
  for (const [who, p, events] of [['a', a, ea], ['b', b, eb]]) {
    await waitFor(() => ids.every((id) => !p.awareness.getStates().has(id)), { timeout: 3000, message: `${who}: the dropped connection's states removed` })
    const removal = events.filter((e) => e.removed.some((id) => ids.includes(id)))
    assert(removal.length === 1 && ids.every((id) => removal[0].removed.includes(id)),
      () => `${who}: expected one change event removing both states, got ${JSON.stringify(removal)}`)
  }
  ctx.log(`removal seen after ${Date.now() - t0} ms`)
  assert(a.awareness.getStates().has(b.doc.clientID), "a lost b's state")
})

s.test('a clean close (no null state sent) also removes the state', async (ctx) => {
  const srv = await ctx.server()
  const a = ywsProvider(ctx, srv, 'presence-close2')
  await ywsSynced(a)
  const raw = await RawClient.connect(srv.roomUrl('presence-close2'))
  ctx.defer(() => raw.close())
  raw.send(rawAwarenessMessage([{ clientID: 900010, clock: 1, state: '{"user":"x"}' }]))
  await waitFor(() => a.awareness.getStates().has(900010), { message: 'raw state seen' })
  raw.ws.close(1000, 'bye')
  await waitFor(() => !a.awareness.getStates().has(900010), { timeout: 3000, message: 'state removed after a clean close' })
})

s.test('a late joiner receives the current states on connect', async (ctx) => {
  const srv = await ctx.server()
  const [a, b] = [0, 1].map(() => ywsProvider(ctx, srv, 'presence-late'))
  await Promise.all([a, b].map((p) => ywsSynced(p)))
  a.awareness.setLocalStateField('user', 'alice')
  b.awareness.setLocalStateField('user', 'bob')
  await waitFor(() => a.awareness.getStates().get(b.doc.clientID)?.user === 'bob', { message: 'a sees bob' })
  await waitFor(() => b.awareness.getStates().get(a.doc.clientID)?.user === 'alice', { message: 'b sees alice' })
  // A raw late joiner that never asks (no query-awareness message): the server must push.
  const late = await RawClient.connect(srv.roomUrl('presence-late'), { awareness: true })
  ctx.defer(() => late.close())
  await waitFor(() => late.awareness.getStates().get(a.doc.clientID)?.user === 'alice' &&
    late.awareness.getStates().get(b.doc.clientID)?.user === 'bob', { timeout: 3000, message: 'late joiner has both states' })
  const p = ywsProvider(ctx, srv, 'presence-late')
  await ywsSynced(p)
  await waitFor(() => p.awareness.getStates().get(a.doc.clientID)?.user === 'alice', { timeout: 3000, message: 'late provider has alice' })
})

s.test('silent clients time out (--awareness-timeout-ms), renewing ones stay', async (ctx) => {
  // The reference's timeout is a fixed 30 s: LONG=1 runs this against it too.
  if (ctx.isRef && !process.env.LONG) ctx.skip('the reference has a fixed 30 s awareness timeout; LONG=1 runs it (~35 s)')
  const TIMEOUT = ctx.isRef ? 30000 : 1500
  const srv = await ctx.server({ args: { 'awareness-timeout-ms': TIMEOUT } })
  // A raw observer: its Awareness has no expiry timer of its own, so a removal it sees came
  // from the server.
  const obs = await RawClient.connect(srv.roomUrl('presence-timeout'), { awareness: true })
  ctx.defer(() => obs.close())
  await obs.waitSynced()
  const events = recordChanges(obs)
  const silent = await RawClient.connect(srv.roomUrl('presence-timeout'))
  const renewer = await RawClient.connect(srv.roomUrl('presence-timeout'))
  ctx.defer(() => { silent.close(); renewer.close() })
  const SILENT = 900100
  const RENEW = 900200
  const tSent = Date.now()
  silent.send(rawAwarenessMessage([{ clientID: SILENT, clock: 1, state: '{"user":"silent"}' }]))
  let clock = 1
  renewer.send(rawAwarenessMessage([{ clientID: RENEW, clock, state: '{"user":"renewer"}' }]))
  const renew = setInterval(() => {
    clock++
    renewer.send(rawAwarenessMessage([{ clientID: RENEW, clock, state: '{"user":"renewer"}' }]))
  }, 400)
  ctx.defer(() => clearInterval(renew))
  await waitFor(() => obs.awareness.getStates().has(SILENT) && obs.awareness.getStates().has(RENEW), { message: 'both states seen' })
  await waitFor(() => !obs.awareness.getStates().has(SILENT), { timeout: TIMEOUT + 4000, message: 'silent state removed' })
  const removedAt = events.find((e) => e.removed.includes(SILENT)).t - tSent
  ctx.log(`silent state removed ${removedAt} ms after its only update`)
  assert(removedAt >= TIMEOUT * 0.9, `silent state removed after ${removedAt} ms, before the ${TIMEOUT} ms timeout`)
  await sleep(Math.min(TIMEOUT, 3000))
  assert(obs.awareness.getStates().has(RENEW), 'a client renewing every 400 ms lost its state')
  assert(silent.isOpen, 'the silent connection was closed; only its awareness state should go')
})

await s.run()
