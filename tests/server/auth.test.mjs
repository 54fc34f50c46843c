// Auth: HS256 tokens with room / access / sub / name / exp claims (doc/auth.md).
//   y-websocket: ?token= on the URL; refused upgrades answer HTTP 401 (missing, malformed, wrongly
//   signed, expired) or 403 (a valid token for another room).
//   Hocuspocus: the token in the auth message; refusals are PermissionDenied with the reason.
//   Read-only connections receive everything and change nothing. A token expiring mid-session
//   closes the connection with 4401. The token's user is stamped into the connection's presence.
import crypto from 'node:crypto'
import { Suite } from './lib/runner.mjs'
import { RawClient, WebSocket, Y, hpProvider, awarenessMessage, awarenessProtocol } from './lib/clients.mjs'
import { fetchViaHttp } from './lib/checks.mjs'
import { assert, rootsOf, sleep, waitFor } from './lib/util.mjs'

const s = new Suite('auth')
const SECRET = 'test-secret-0123456789'
const NEEDS = 'auth is a Symphony feature'

const b64url = (b) => Buffer.from(b).toString('base64url')
function mint (claims, { secret = SECRET, alg = 'HS256' } = {}) {
  const head = b64url(JSON.stringify({ alg, typ: 'JWT' }))
  const body = b64url(JSON.stringify(claims))
  const sig = alg === 'none' ? '' : crypto.createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url')
  return `${head}.${body}.${sig}`
}
const now = () => Math.floor(Date.now() / 1000)
const token = (room, access = 'rw', extra = {}) => mint({ room, access, sub: 'u1', name: 'Ada', exp: now() + 600, ...extra })

// The HTTP status of a refused upgrade, or 101 when it was accepted.
function upgradeStatus (url) {
  return new Promise((resolve) => {
    const ws = new WebSocket(url)
    ws.on('open', () => { ws.terminate(); resolve({ status: 101 }) })
    ws.on('unexpected-response', (req, res) => {
      let body = ''
      res.on('data', (d) => { body += d })
      res.on('end', () => resolve({ status: res.statusCode, body }))
    })
    ws.on('error', () => {})
  })
}

s.test('y-websocket: missing, malformed, wrongly signed, expired, alg none -> 401; other room -> 403; valid -> open', async (ctx) => {
  const srv = await ctx.server({ args: { 'auth-secret': SECRET } })
  const url = (t) => srv.roomUrl('board-1') + (t === undefined ? '' : `?token=${encodeURIComponent(t)}`)
  const cases = [
    ['missing', undefined, 401, /missing token/],
    ['malformed', 'not.a.jwt', 401, /./],
    ['wrong signature', token('board-1', 'rw', {}).replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')), 401, /./],
    ['other secret', mint({ room: 'board-1', access: 'rw', exp: now() + 60 }, { secret: 'other' }), 401, /./],
    ['expired', token('board-1', 'rw', { exp: now() - 10 }), 401, /expired/],
    ['alg none', mint({ room: 'board-1', access: 'rw', exp: now() + 60 }, { alg: 'none' }), 401, /./],
    ['other room', token('board-2'), 403, /board-2/],
    ['prefix of another room', token('team-*'), 403, /team-\*/]
  ]
  for (const [what, t, want, msg] of cases) {
    const r = await upgradeStatus(url(t))
    assert(r.status === want, `${what}: HTTP ${r.status}, want ${want} (${r.body})`)
    const err = JSON.parse(r.body)
    assert(msg.test(err.error.message), `${what}: message "${err.error.message}" does not match ${msg}`)
  }
  assert((await upgradeStatus(url(token('board-1')))).status === 101, 'a valid token was refused')
  assert((await upgradeStatus(url(token('board-*')))).status === 101, 'a prefix token was refused')
}, { symphonyOnly: NEEDS })

s.test('read-only: receives everything, changes nothing (not stored, not relayed)', async (ctx) => {
  const srv = await ctx.server({ args: { 'auth-secret': SECRET } })
  const room = 'ro-room'
  const writer = await RawClient.connect(srv.roomUrl(room) + `?token=${token(room)}`)
  const viewer = await RawClient.connect(srv.roomUrl(room) + `?token=${token(room, 'r')}`)
  ctx.defer(() => { writer.close(); viewer.close() })
  await Promise.all([writer.waitSynced(), viewer.waitSynced()])
  rootsOf(writer.doc).m.set('from-writer', 1)
  await writer.waitAcked()
  await waitFor(() => rootsOf(viewer.doc).m.get('from-writer') === 1, { message: 'the viewer receives the writer\'s update' })
  rootsOf(viewer.doc).m.set('from-viewer', 2)
  await sleep(300)
  assert(rootsOf(writer.doc).m.get('from-viewer') === undefined, 'a read-only update reached another client')
  const stored = await fetchViaHttp(srv, room)
  assert(rootsOf(stored).m.get('from-viewer') === undefined, 'a read-only update was stored')
  assert(rootsOf(stored).m.get('from-writer') === 1, 'the writer\'s update is missing')
}, { symphonyOnly: NEEDS })

s.test('hocuspocus: bad token -> PermissionDenied with the reason; read-only scope; valid syncs', async (ctx) => {
  const srv = await ctx.server({ args: { 'auth-secret': SECRET } })
  const bad = hpProvider(ctx, srv, 4, 'hp-auth', { token: token('elsewhere') })
  const reason = await new Promise((resolve) => bad.on('authenticationFailed', ({ reason }) => resolve(reason)))
  assert(/elsewhere/.test(reason), `PermissionDenied reason: "${reason}"`)
  bad.destroy()
  const expired = hpProvider(ctx, srv, 3, 'hp-auth', { token: token('hp-auth', 'rw', { exp: now() - 5 }) })
  const reason2 = await new Promise((resolve) => expired.on('authenticationFailed', ({ reason }) => resolve(reason)))
  assert(/expired/.test(reason2), `PermissionDenied reason for an expired token: "${reason2}"`)
  expired.destroy()

  const rw = hpProvider(ctx, srv, 4, 'hp-auth', { token: token('hp-auth') })
  await new Promise((resolve) => rw.on('synced', resolve))
  rw.document.getMap('m').set('a', 1)
  const ro = hpProvider(ctx, srv, 4, 'hp-auth', { token: token('hp-auth', 'r') })
  const scope = await new Promise((resolve) => ro.on('authenticated', (e) => resolve(e?.scope)))
  assert(scope === undefined || scope === 'readonly', `scope ${scope}`)
  await new Promise((resolve) => ro.isSynced ? resolve() : ro.on('synced', resolve))
  await waitFor(() => ro.document.getMap('m').get('a') === 1, { message: 'read-only provider receives updates' })
  ro.document.getMap('m').set('b', 2)
  await sleep(300)
  assert(rw.document.getMap('m').get('b') === undefined, 'a read-only Hocuspocus update was relayed')
  rw.destroy(); ro.destroy()
}, { symphonyOnly: NEEDS })

s.test('a token that expires mid-session closes the connection with 4401', async (ctx) => {
  const srv = await ctx.server({ args: { 'auth-secret': SECRET } })
  const c = await RawClient.connect(srv.roomUrl('exp-room') + `?token=${token('exp-room', 'rw', { exp: now() + 2 })}`)
  await c.waitSynced()
  const closed = await c.waitClosed(5000)
  assert(closed.code === 4401, `closed with ${closed.code} (${closed.reason}), want 4401`)
  assert(/expired/.test(closed.reason), `reason "${closed.reason}"`)
}, { symphonyOnly: NEEDS })

s.test('the token\'s user is stamped into presence: others see the real name', async (ctx) => {
  const srv = await ctx.server({ args: { 'auth-secret': SECRET } })
  const room = 'who-room'
  const a = await RawClient.connect(srv.roomUrl(room) + `?token=${mint({ room, access: 'rw', sub: 'id-7', name: 'Grace', exp: now() + 600 })}`, { awareness: true })
  const b = await RawClient.connect(srv.roomUrl(room) + `?token=${token(room)}`, { awareness: true })
  ctx.defer(() => { a.close(); b.close() })
  await Promise.all([a.waitSynced(), b.waitSynced()])
  // The client claims to be someone else; the server's stamp wins, other fields stay.
  a.awareness.setLocalState({ user: { name: 'Mallory', color: '#f00' }, cursor: { x: 1 } })
  a.send(awarenessMessage(a.awareness, [a.doc.clientID]))
  await waitFor(() => b.awareness.getStates().get(a.doc.clientID)?.user?.id === 'id-7', { message: 'b sees a\'s stamped user' })
  const st = b.awareness.getStates().get(a.doc.clientID)
  assert(st.user.name === 'Grace' && st.user.color === '#f00' && st.cursor.x === 1, `state seen: ${JSON.stringify(st)}`)
  const presence = JSON.parse((await srv.http('GET', `/api/rooms/${room}/presence`)).body.toString())
  assert(presence.clients.some((c) => c.state.user?.name === 'Grace'), `presence API: ${JSON.stringify(presence)}`)
  void awarenessProtocol; void Y
}, { symphonyOnly: NEEDS })

s.test('--admin-token protects /api and the dashboard; /healthz stays open', async (ctx) => {
  const srv = await ctx.server({ args: { 'admin-token': 'adm-1' } })
  assert((await srv.http('GET', '/api/rooms')).status === 401, '/api/rooms without the admin token')
  assert((await srv.http('GET', '/api/rooms', { headers: { authorization: 'Bearer adm-1' } })).status === 200, 'with the bearer token')
  assert((await srv.http('GET', '/api/rooms', { headers: { authorization: 'Bearer nope' } })).status === 401, 'with a wrong token')
  const login = await srv.http('GET', '/dashboard?token=adm-1')
  assert(login.status === 302, `dashboard login: ${login.status}`)
  const cookie = String(login.headers['set-cookie']).split(';')[0]
  assert((await srv.http('GET', '/api/rooms', { headers: { cookie } })).status === 200, 'with the dashboard cookie')
  assert((await srv.http('GET', '/healthz')).status === 200, 'healthz must stay open')
  assert((await srv.http('GET', '/metrics')).status === 200, 'metrics open by default')
}, { symphonyOnly: NEEDS })

await s.run()
