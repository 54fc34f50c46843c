// The HTTP API of `symphony serve`: /healthz, /metrics (Prometheus text, parsed line by line),
// /api/rooms (list and one room), /api/rooms/{id}/state, /json, POST /update, DELETE,
// /api/events (server-sent events), and the errors: 404 unknown room, 400 malformed update,
// 405 wrong method, each with a JSON body {"error":{"code","message"}}.
import http from 'node:http'
import { Suite } from './lib/runner.mjs'
import { RawClient, Y } from './lib/clients.mjs'
import { fetchJsonView, fetchViaHttp } from './lib/checks.mjs'
import { assert, assertEqual, canon, docDiff, jsonViewDiff, rootsOf, sleep, waitFor } from './lib/util.mjs'

const s = new Suite('http-api')
const ONLY = 'the HTTP API'
const enc = encodeURIComponent

function assertJsonError (r, status, what) {
  assert(r.status === status, `${what}: HTTP ${r.status}, expected ${status}: ${r.text.slice(0, 200)}`)
  const ct = String(r.headers['content-type'] || '')
  assert(ct.startsWith('application/json'), `${what}: content-type '${ct}', expected application/json`)
  const j = r.json()
  assert(j && j.error && typeof j.error.code === 'string' && j.error.code.length > 0 && typeof j.error.message === 'string',
    `${what}: body ${r.text.slice(0, 200)} is not {"error":{"code","message"}}`)
  return j.error
}

async function connectAndWrite (srv, room, fn) {
  const c = await RawClient.connect(srv.roomUrl(room))
  await c.waitSynced()
  c.doc.transact(() => fn(rootsOf(c.doc)))
  await c.waitAcked()
  return c
}

s.test('GET /healthz', async (ctx) => {
  const srv = await ctx.server()
  const r = await srv.http('GET', '/healthz')
  assert(r.status === 200, `HTTP ${r.status}`)
  assertEqual(r.json(), { status: 'ok' }, '/healthz body')
}, { symphonyOnly: ONLY })

s.test('GET /api/rooms and /api/rooms/{id}: stored rooms, loaded or not; 404 unknown', async (ctx) => {
  const srv = await ctx.server({ args: { 'room-grace-ms': 300 } })
  const t0 = Date.now()
  const a1 = await connectAndWrite(srv, 'api-a', (r) => r.t.insert(0, 'room a'))
  const a2 = await connectAndWrite(srv, 'api-a', (r) => r.m.set('x', 1))
  const b = await connectAndWrite(srv, 'api-b', (r) => r.a.insert(0, [1, 2, 3]))
  ctx.defer(() => { a1.close(); a2.close(); b.close() })
  a2.close()
  b.close()
  let list
  await waitFor(async () => {
    const r = await srv.http('GET', '/api/rooms')
    assert(r.status === 200, `GET /api/rooms: HTTP ${r.status}`)
    list = r.json().rooms
    const ra = list.find((x) => x.id === 'api-a')
    const rb = list.find((x) => x.id === 'api-b')
    return ra && rb && ra.connections === 1 && rb.loaded === false
  }, { timeout: 5000, message: () => `api-a with 1 connection and api-b unloaded in ${JSON.stringify(list)}` })
  for (const room of list.filter((x) => x.id.startsWith('api-'))) {
    for (const [k, type] of [['id', 'string'], ['connections', 'number'], ['doc_bytes', 'number'],
      ['last_active_ms', 'number'], ['created_ms', 'number'], ['loaded', 'boolean']]) {
      assert(typeof room[k] === type, `room ${room.id}: field ${k} is ${JSON.stringify(room[k])}, expected a ${type}`)
    }
    // (doc_bytes of an unloaded room: the contract does not say; only loaded ones are checked.)
    if (room.loaded) assert(room.doc_bytes > 0, `room ${room.id}: doc_bytes ${room.doc_bytes}`)
  }
  const ra = list.find((x) => x.id === 'api-a')
  assert(ra.loaded === true, 'api-a (with a client) is not loaded')
  // created_ms / last_active_ms: if they are Unix times, they must be recent.
  if (ra.created_ms > 1e12) {
    assert(ra.created_ms >= t0 - 5000 && ra.created_ms <= Date.now() + 5000, `created_ms ${ra.created_ms} is not around ${t0}`)
    assert(ra.last_active_ms >= ra.created_ms, `last_active_ms ${ra.last_active_ms} < created_ms ${ra.created_ms}`)
  }
  const r = await srv.http('GET', '/api/rooms/api-a')
  assert(r.status === 200, `GET /api/rooms/api-a: HTTP ${r.status}`)
  const one = r.json()
  assert(one.id === 'api-a' && one.connections === 1 && one.loaded === true, `GET /api/rooms/api-a: ${r.text}`)
  for (const k of ['snapshot_bytes', 'log_bytes', 'log_records', 'total_connections', 'peak_connections', 'doc_bytes', 'created_ms', 'last_active_ms']) {
    assert(typeof one[k] === 'number', `GET /api/rooms/api-a: field ${k} is ${JSON.stringify(one[k])}`)
  }
  assert(one.total_connections >= 2, `total_connections ${one.total_connections}, expected >= 2`)
  assert(one.peak_connections === 2, `peak_connections ${one.peak_connections}, expected 2`)
  assert(one.snapshot_bytes + one.log_bytes > 0, 'nothing stored for api-a (snapshot_bytes + log_bytes = 0)')
  const rb = await srv.http('GET', '/api/rooms/api-b')
  assert(rb.status === 200 && rb.json().loaded === false, `GET /api/rooms/api-b (unloaded): ${rb.status} ${rb.text}`)
  const e = assertJsonError(await srv.http('GET', '/api/rooms/no-such-room-xyz'), 404, 'GET unknown room')
  assert(e.code === 'not_found', `error code '${e.code}', expected not_found`)
  assertJsonError(await srv.http('GET', '/api/no-such-route'), 404, 'GET unknown route')
}, { symphonyOnly: ONLY })

s.test('room ids are the URL-decoded path; the API takes them URL-encoded', async (ctx) => {
  const srv = await ctx.server()
  const room = 'with space/ünïcode?'
  const c = await connectAndWrite(srv, room, (r) => r.m.set('k', 'v'))
  ctx.defer(() => c.close())
  const list = (await srv.http('GET', '/api/rooms')).json().rooms
  assert(list.some((x) => x.id === room), `room '${room}' not listed: ${JSON.stringify(list.map((x) => x.id))}`)
  const r = await srv.http('GET', `/api/rooms/${enc(room)}`)
  assert(r.status === 200 && r.json().id === room, `GET /api/rooms/${enc(room)}: ${r.status} ${r.text}`)
  const doc = await fetchViaHttp(srv, room)
  assert(rootsOf(doc).m.get('k') === 'v', 'state of the encoded room')
}, { symphonyOnly: ONLY })

s.test('GET /api/rooms/{id}/state and /json', async (ctx) => {
  const srv = await ctx.server()
  const c = await connectAndWrite(srv, 'api-state', ({ m, a, t }) => {
    m.set('num', 42)
    m.set('str', 'hello')
    m.set('obj', { nested: [1, { deep: true }], n: null })
    m.set('bool', false)
    a.insert(0, [1, 'two', { three: 3 }, [4]])
    t.insert(0, 'Hello wörld 😀')
    t.format(0, 5, { bold: true })
  })
  ctx.defer(() => c.close())
  const viaHttp = await fetchViaHttp(srv, 'api-state')
  const d = docDiff(c.doc, viaHttp, 'client', 'GET state')
  assert(d === null, d)
  const j = await fetchJsonView(srv, 'api-state')
  const jd = jsonViewDiff(j, c.doc)
  assert(jd === null, jd)
  assertEqual(canon(j.m), canon({ num: 42, str: 'hello', obj: { nested: [1, { deep: true }], n: null }, bool: false }), 'json m')
  assertEqual(j.t, 'Hello wörld 😀', 'json t')
}, { symphonyOnly: ONLY })

s.test('POST /api/rooms/{id}/update: applied, stored, broadcast; malformed -> 400, nothing changes', async (ctx) => {
  const srv = await ctx.server()
  const room = 'api-post'
  const c = await connectAndWrite(srv, room, (r) => r.t.insert(0, 'base'))
  ctx.defer(() => c.close())
  const d = new Y.Doc()
  rootsOf(d).m.set('from-http', 'yes')
  rootsOf(d).a.insert(0, ['h'])
  const r = await srv.http('POST', `/api/rooms/${room}/update`, {
    body: Buffer.from(Y.encodeStateAsUpdate(d)), headers: { 'content-type': 'application/octet-stream' }
  })
  assert(r.status === 200, `POST update: HTTP ${r.status} ${r.text.slice(0, 200)}`)
  r.json() // a JSON body
  await waitFor(() => rootsOf(c.doc).m.get('from-http') === 'yes', { timeout: 3000, message: 'the connected client receives the POSTed update' })
  let st = await fetchViaHttp(srv, room)
  assert(rootsOf(st).m.get('from-http') === 'yes' && rootsOf(st).t.toString() === 'base', 'state after POST')
  const before = st
  const received = c.received.length
  const full = Y.encodeStateAsUpdate(d)
  for (const [what, body] of [['truncated update', full.slice(0, full.length - 3)], ['garbage', Buffer.from('definitely not a Yjs update, just text')]]) {
    const bad = await srv.http('POST', `/api/rooms/${room}/update`, { body: Buffer.from(body), headers: { 'content-type': 'application/octet-stream' } })
    assertJsonError(bad, 400, `POST ${what}`)
  }
  st = await fetchViaHttp(srv, room)
  const diff = docDiff(before, st, 'before', 'after malformed POSTs')
  assert(diff === null, diff)
  await sleep(200)
  assert(c.received.length === received, `the connected client got ${c.received.length - received} messages after malformed POSTs`)
  // POST to a room nobody joined yet creates it.
  const r2 = await srv.http('POST', '/api/rooms/api-post-new/update', { body: Buffer.from(full), headers: { 'content-type': 'application/octet-stream' } })
  assert(r2.status === 200, `POST to a new room: HTTP ${r2.status} ${r2.text.slice(0, 200)}`)
  const st2 = await fetchViaHttp(srv, 'api-post-new')
  assert(rootsOf(st2).m.get('from-http') === 'yes', 'state of the room created by POST')
}, { symphonyOnly: ONLY })

s.test('DELETE /api/rooms/{id}: clients closed, room gone, state empty', async (ctx) => {
  const srv = await ctx.server()
  const room = 'api-delete'
  const c1 = await connectAndWrite(srv, room, (r) => r.t.insert(0, 'doomed'))
  const c2 = await RawClient.connect(srv.roomUrl(room))
  ctx.defer(() => { c1.close(); c2.close() })
  await c2.waitSynced()
  const keep = await connectAndWrite(srv, 'api-keep', (r) => r.t.insert(0, 'kept'))
  ctx.defer(() => keep.close())
  const r = await srv.http('DELETE', `/api/rooms/${room}`)
  assert(r.status === 200, `DELETE: HTTP ${r.status} ${r.text.slice(0, 200)}`)
  const closes = await Promise.all([c1.waitClosed(3000), c2.waitClosed(3000)])
  ctx.log(`clients closed with ${closes.map((x) => `${x.code} '${x.reason}'`).join(', ')}`)
  assert(keep.isOpen, 'a client of another room was closed')
  const list = (await srv.http('GET', '/api/rooms')).json().rooms
  assert(!list.some((x) => x.id === room), 'deleted room still listed')
  assert(list.some((x) => x.id === 'api-keep'), 'the other room is gone too')
  assertJsonError(await srv.http('GET', `/api/rooms/${room}`), 404, 'GET deleted room')
  const st = await srv.http('GET', `/api/rooms/${room}/state`)
  if (st.status === 200) {
    const doc = new Y.Doc()
    Y.applyUpdate(doc, new Uint8Array(st.body))
    assert(doc.store.clients.size === 0, 'state of a deleted room is not empty')
  } else {
    assert(st.status === 404, `GET state of a deleted room: HTTP ${st.status}`)
  }
  // Reading the deleted room does not bring it back.
  await sleep(100)
  const list2 = (await srv.http('GET', '/api/rooms')).json().rooms
  assert(!list2.some((x) => x.id === room), 'deleted room listed again after GET state')
  // DELETE of a room that never existed: 404, or 200 (idempotent); either way no room appears.
  const d2 = await srv.http('DELETE', '/api/rooms/never-existed-xyz')
  if (d2.status !== 200) assertJsonError(d2, 404, 'DELETE unknown room')
  ctx.log(`DELETE of an unknown room: HTTP ${d2.status}`)
  const list3 = (await srv.http('GET', '/api/rooms')).json().rooms
  assert(!list3.some((x) => x.id === 'never-existed-xyz'), 'DELETE of an unknown room created it')
  // A new client of that name starts from an empty document.
  const fresh = await RawClient.connect(srv.roomUrl(room))
  ctx.defer(() => fresh.close())
  await fresh.waitSynced()
  assert(rootsOf(fresh.doc).t.toString() === '', 'a new client of a deleted room sees old content')
}, { symphonyOnly: ONLY })

s.test('wrong methods -> 405', async (ctx) => {
  const srv = await ctx.server()
  const c = await connectAndWrite(srv, 'api-405', (r) => r.t.insert(0, 'x'))
  ctx.defer(() => c.close())
  for (const [method, p] of [['POST', '/healthz'], ['PUT', '/api/rooms/api-405'], ['POST', '/api/rooms/api-405/state'],
    ['GET', '/api/rooms/api-405/update'], ['DELETE', '/metrics'], ['PATCH', '/api/rooms']]) {
    const r = await srv.http(method, p, { body: method === 'GET' ? undefined : '' })
    assert(r.status === 405, `${method} ${p}: HTTP ${r.status}, expected 405`)
    if (String(r.headers['content-type'] || '').startsWith('application/json')) assertJsonError(r, 405, `${method} ${p}`)
  }
}, { symphonyOnly: ONLY })

s.test('badly escaped room ids and paths -> 400 naming the escape', async (ctx) => {
  const srv = await ctx.server()
  for (const p of ['/api/rooms/a%zz', '/api/rooms/a%4/state', '/api/rooms/%', '/static%zz.js']) {
    const r = await srv.http('GET', p)
    assert(r.status === 400, `GET ${p}: HTTP ${r.status}, expected 400`)
    assertJsonError(r, 400, `GET ${p}`)
    assert(/percent escape/.test(r.json().error.message), `GET ${p}: ${r.text}`)
  }
}, { symphonyOnly: ONLY })

// --- /metrics

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*'
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"'
const VALUE = '(?:[+-]?(?:\\d+\\.?\\d*(?:[eE][+-]?\\d+)?|\\.\\d+(?:[eE][+-]?\\d+)?)|[+-]?Inf|NaN)'
const SAMPLE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL})(?:,${LABEL})*,?)?\\})? (${VALUE})(?: -?\\d+)?$`)
const HELP = new RegExp(`^# HELP (${NAME})(?: .*)?$`)
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`)

// Parses Prometheus text exposition; throws on the first malformed line. Returns
// { samples: Map("name{labels}" -> number), types: Map(name -> type) }.
function parseMetrics (text) {
  const samples = new Map()
  const types = new Map()
  const lines = text.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  lines.forEach((line, i) => {
    if (line.startsWith('#')) {
      if (line.startsWith('# HELP ')) assert(HELP.test(line), `metrics line ${i + 1}: bad HELP: ${line}`)
      else if (line.startsWith('# TYPE ')) {
        const m = TYPE.exec(line)
        assert(m, `metrics line ${i + 1}: bad TYPE: ${line}`)
        assert(!types.has(m[1]), `metrics line ${i + 1}: second TYPE for ${m[1]}`)
        types.set(m[1], m[2])
      }
      return
    }
    assert(line.trim() !== '' || i === lines.length - 1, `metrics line ${i + 1}: empty line`)
    const m = SAMPLE.exec(line)
    assert(m, `metrics line ${i + 1} is not a valid sample: ${JSON.stringify(line)}`)
    const labels = (m[2] || '').replace(/,$/, '')
    const key = labels ? `${m[1]}{${labels}}` : m[1]
    assert(!samples.has(key), `metrics line ${i + 1}: duplicate series ${key}`)
    samples.set(key, Number(m[3].replace(/^\+?Inf$/, 'Infinity').replace(/^-Inf$/, '-Infinity')))
  })
  return { samples, types }
}

// The value of series `name` (with `label`, e.g. 'protocol="yws"', among its labels when given).
function findSample (samples, name, label) {
  if (samples.has(name) && !label) return samples.get(name)
  for (const [k, v] of samples) {
    if (!k.startsWith(name + '{')) continue
    if (!label || k.slice(name.length + 1, -1).split(',').includes(label)) return v
  }
  return undefined
}

s.test('GET /metrics: valid Prometheus text; counters grow with traffic', async (ctx) => {
  const srv = await ctx.server()
  const c = await RawClient.connect(srv.roomUrl('api-metrics'))
  ctx.defer(() => c.close())
  await c.waitSynced()
  const scrape = async () => {
    const r = await srv.http('GET', '/metrics')
    assert(r.status === 200, `GET /metrics: HTTP ${r.status}`)
    const ct = String(r.headers['content-type'] || '')
    assert(ct.startsWith('text/plain'), `GET /metrics: content-type '${ct}'`)
    return parseMetrics(r.text)
  }
  const m1 = await scrape()
  for (const name of ['symphony_rooms_loaded', 'symphony_updates_total', 'process_resident_memory_bytes']) {
    assert(findSample(m1.samples, name) !== undefined, `metric ${name} missing`)
  }
  const conns = findSample(m1.samples, 'symphony_connections', 'protocol="yws"')
  assert(conns >= 1, `symphony_connections{protocol="yws"} = ${conns} with a client connected`)
  assert(findSample(m1.samples, 'process_resident_memory_bytes') > 1e6, 'process_resident_memory_bytes implausible')
  const N = 25
  for (let i = 0; i < N; i++) rootsOf(c.doc).m.set(`k${i}`, i)
  await c.waitAcked()
  const m2 = await scrape()
  const inBefore = findSample(m1.samples, 'symphony_messages_in_total', 'type="sync_update"') ?? 0
  const inAfter = findSample(m2.samples, 'symphony_messages_in_total', 'type="sync_update"')
  assert(inAfter !== undefined, 'symphony_messages_in_total{type="sync_update"} missing')
  assert(inAfter - inBefore >= N, `symphony_messages_in_total{type="sync_update"} grew by ${inAfter - inBefore}, expected >= ${N}`)
  const upd = findSample(m2.samples, 'symphony_updates_total') - findSample(m1.samples, 'symphony_updates_total')
  assert(upd >= N, `symphony_updates_total grew by ${upd}, expected >= ${N}`)
  // The durability histogram: cumulative buckets ending at +Inf == _count.
  const buckets = [...m2.samples].filter(([k]) => k.startsWith('symphony_durable_seconds_bucket'))
  assert(buckets.length >= 2, 'symphony_durable_seconds_bucket missing')
  const le = (k) => { const m = /le="([^"]+)"/.exec(k); return m[1] === '+Inf' ? Infinity : Number(m[1]) }
  buckets.sort((x, y) => le(x[0]) - le(y[0]))
  for (let i = 1; i < buckets.length; i++) assert(buckets[i][1] >= buckets[i - 1][1], `histogram buckets not cumulative: ${buckets[i - 1][0]}=${buckets[i - 1][1]} > ${buckets[i][0]}=${buckets[i][1]}`)
  const inf = buckets[buckets.length - 1]
  assert(le(inf[0]) === Infinity, 'no le="+Inf" bucket')
  const count = findSample(m2.samples, 'symphony_durable_seconds_count')
  assert(count === inf[1], `symphony_durable_seconds_count ${count} != +Inf bucket ${inf[1]}`)
  assert(count >= N, `symphony_durable_seconds_count ${count}, expected >= ${N} after ${N} updates`)
  for (const [name, type] of m2.types) {
    if (type === 'counter') {
      for (const [k, v] of m2.samples) {
        if ((k === name || k.startsWith(name + '{') || k.startsWith(name + '_total')) && m1.samples.has(k)) {
          assert(v >= m1.samples.get(k), `counter ${k} decreased: ${m1.samples.get(k)} -> ${v}`)
        }
      }
    }
  }
}, { symphonyOnly: ONLY })

s.test('GET /api/events: one data: {json} event per second', async (ctx) => {
  const srv = await ctx.server()
  const c = await RawClient.connect(srv.roomUrl('api-events'))
  ctx.defer(() => c.close())
  await c.waitSynced()
  const { headers, events } = await new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: srv.port, path: '/api/events', headers: { accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`GET /api/events: HTTP ${res.statusCode}`))
        res.resume()
        return
      }
      let buf = ''
      const events = []
      res.setEncoding('utf8')
      res.on('data', (d) => {
        buf += d
        let i
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i)
          buf = buf.slice(i + 2)
          const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n')
          if (data) events.push({ t: Date.now(), data })
        }
      })
      setTimeout(() => { req.destroy(); resolve({ headers: res.headers, events }) }, 3300)
    })
    req.on('error', (e) => { if (e.code !== 'ECONNRESET') reject(e) })
  })
  const ct = String(headers['content-type'] || '')
  assert(ct.startsWith('text/event-stream'), `content-type '${ct}'`)
  assert(events.length >= 2 && events.length <= 6, `${events.length} events in 3.3 s, expected about 3`)
  for (const e of events) {
    let j
    try { j = JSON.parse(e.data) } catch { throw new Error(`event data is not JSON: ${e.data}`) }
    assert(typeof j.connections === 'number' && typeof j.rooms_loaded === 'number', `event lacks connections/rooms_loaded: ${e.data}`)
    assert(j.connections >= 1 && j.rooms_loaded >= 1, `event with a client connected: ${e.data}`)
  }
}, { symphonyOnly: ONLY })

await s.run()
