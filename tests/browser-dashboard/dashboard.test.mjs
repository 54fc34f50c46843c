// The monitoring dashboard (web/dashboard, served by `symphony serve` at /dashboard) in Debian's
// Chromium, against a real server under load from real Yjs clients (y-websocket): the overview
// figures match the server's, the rooms table lists every room (loaded and stored-only) with its
// users, search and sorting work, a room page shows the people present by name, the document as
// JSON and a connections chart; errors show in a banner; a server restart shows "disconnected"
// and then recovers; --admin-token: 401 without it and a sign-in hint, /dashboard?token=T works.
// Also checks deploy/grafana/symphony-dashboard.json against the server's /metrics.
// Screenshots: tests/out/dashboard/*.png. One line per step, exit status 1 when one failed.
import fs from 'node:fs'
import path from 'node:path'
import { chromium } from 'playwright-core'
import * as Y from 'yjs'
import { checkGrafana } from './grafana_check.mjs'
import { ROOMS, startLoad } from './load.mjs'
import { OUT, ROOT, Server, Steps, assert, assertEqual, eventually, nextStats, sleep } from './lib.mjs'

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
const ARCHIVED = 'archived-2025'
const TOKEN = `admin-${Math.random().toString(36).slice(2)}`
// Metrics the Grafana dashboard must chart (issue 4).
const GRAFANA_REQUIRED = ['symphony_connections', 'symphony_rooms_loaded', 'symphony_messages_in_total',
  'symphony_durable_seconds_bucket', 'symphony_integrate_seconds_bucket', 'symphony_broadcast_seconds_bucket',
  'symphony_room_load_seconds_bucket', 'symphony_storage_errors_total', 'symphony_document_bytes',
  'process_resident_memory_bytes', 'process_cpu_seconds_total', 'symphony_connection_closes_total']

fs.mkdirSync(OUT, { recursive: true })
const steps = new Steps('dashboard')
const servers = []
const pageErrors = []
let srv, load, editTimer, browser, page

const shot = (p, name) => p.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true })
const failShot = (name) => page && shot(page, `FAIL-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 50)}`)

async function newPage (width = 1280, height = 900) {
  const context = await browser.newContext({ viewport: { width, height } })
  const p = await context.newPage()
  p.on('pageerror', (err) => pageErrors.push(err.message))
  return p
}

// Page readers.
const status = (p) => p.$eval('#status', (el) => el.dataset.status)
const card = (p, key) => p.$eval(`[data-metric="${key}"] .card-value`, (el) => el.dataset.value)
const sparkPoints = (p, key) => p.$eval(`[data-metric="${key}"] svg`, (el) => Number(el.dataset.points))
const tableRows = (p) => p.$$eval('table.rooms-table tbody tr[data-room]', (trs) => trs.map((tr) => {
  const cells = Object.fromEntries([...tr.cells].map((td) => [td.dataset.key, { v: td.dataset.value, text: td.textContent.trim() }]))
  return { ...cells, id: tr.dataset.room }
}))
const rowIds = async (p) => (await tableRows(p)).map((r) => r.id)
const people = (p) => p.$$eval('[data-testid=people] li.person .person-name', (els) => els.map((e) => e.textContent))
const noticeText = (p, key) => p.$eval(`[data-notice="${key}"]`, (el) => el.textContent).catch(() => null)
const waitStatus = (p, want, timeout = 10000) => eventually(`status ${want}`, async () => {
  const s = await status(p)
  return { ok: s === want, got: s }
}, timeout)
const bodyText = (p) => p.evaluate(() => document.body.innerText)

await steps.step('the server serves the dashboard at /dashboard', async () => {
  srv = await new Server('main', { 'room-grace-ms': 1000, threads: 2 }).start()
  servers.push(srv)
  let r = await srv.http('GET', '/dashboard')
  if ([301, 302, 303, 307, 308].includes(r.status)) {
    assert(new URL(r.headers.location, srv.url).pathname === '/dashboard/', `GET /dashboard redirects to ${r.headers.location}`)
    r = await srv.http('GET', '/dashboard/')
  }
  assert(r.status === 200, `GET /dashboard answered ${r.status} ${r.body.slice(0, 160)}: the server does not serve web/dashboard yet`)
  assert(/text\/html/.test(r.headers['content-type']), `GET /dashboard: content-type ${r.headers['content-type']}`)
  const index = fs.readFileSync(path.join(ROOT, 'web/dashboard/index.html'), 'utf8')
  assertEqual(r.body, index, 'GET /dashboard body is web/dashboard/index.html')
  assertEqual((await srv.http('GET', '/dashboard/')).body, index, 'GET /dashboard/ body')
  for (const f of fs.readdirSync(path.join(ROOT, 'web/dashboard'))) {
    const res = await srv.http('GET', `/dashboard/${f}`)
    assert(res.status === 200, `GET /dashboard/${f}: ${res.status}`)
    const want = { '.js': /^text\/javascript/, '.css': /^text\/css/, '.html': /^text\/html/ }[path.extname(f)]
    if (want) assert(want.test(res.headers['content-type']), `GET /dashboard/${f}: content-type ${res.headers['content-type']}`)
    assertEqual(res.body, fs.readFileSync(path.join(ROOT, 'web/dashboard', f), 'utf8'), `GET /dashboard/${f} body`)
  }
}, { critical: true })

await steps.step('Grafana dashboard: parses, uses ${DS_PROMETHEUS}, names only metrics /metrics exposes', async () => {
  const m = await srv.http('GET', '/metrics')
  assert(m.status === 200, `/metrics: ${m.status}`)
  const { problems, expressions, metrics } = checkGrafana(m.body)
  assert(problems.length === 0, `deploy/grafana/symphony-dashboard.json:\n  ${problems.join('\n  ')}`)
  const missing = GRAFANA_REQUIRED.filter((n) => !metrics.includes(n))
  assert(!missing.length, `the Grafana dashboard does not chart ${missing.join(', ')}`)
  console.log(`       ${expressions} expressions over ${metrics.length} metrics`)
})

await steps.step('load: three rooms of named users editing, and a room only in storage', async () => {
  const doc = new Y.Doc()
  doc.getMap('meta').set('title', 'Archived plans')
  doc.getText('notes').insert(0, 'Old notes from last year')
  const r = await srv.http('POST', `/api/rooms/${ARCHIVED}/update`, {
    body: Buffer.from(Y.encodeStateAsUpdate(doc)),
    headers: { 'content-type': 'application/octet-stream' }
  })
  assert(r.status === 200, `POST update: ${r.status} ${r.body}`)
  load = await startLoad(srv.ws, ROOMS)
  editTimer = setInterval(() => load.edit(), 500)
  await eventually(`${ARCHIVED} unloaded after the grace period`, async () => {
    const a = (await srv.http('GET', '/api/rooms')).json.rooms.find((x) => x.id === ARCHIVED)
    return { ok: a && a.loaded === false, got: a }
  }, 10000)
}, { critical: true })

await steps.step('server contract: stats events list loaded rooms with cpu_ms and mem_bytes', async () => {
  const st = await nextStats(srv.port)
  assert(Array.isArray(st.rooms), `stats event has no rooms array: ${JSON.stringify(st).slice(0, 300)}`)
  for (const room of ROOMS) {
    const e = st.rooms.find((x) => x.id === room.id)
    assert(e, `stats.rooms lacks ${room.id}: ${JSON.stringify(st.rooms)}`)
    assertEqual(e.connections, room.users.length, `stats.rooms ${room.id}.connections`)
    assert(typeof e.cpu_ms === 'number' && typeof e.mem_bytes === 'number', `stats.rooms ${room.id}: cpu_ms/mem_bytes missing: ${JSON.stringify(e)}`)
  }
  assert(!st.rooms.some((x) => x.id === ARCHIVED), `stats.rooms lists the unloaded ${ARCHIVED}`)
  const list = (await srv.http('GET', '/api/rooms')).json.rooms
  for (const r of list) {
    if (r.loaded) assert(typeof r.cpu_ms === 'number' && typeof r.mem_bytes === 'number', `/api/rooms ${r.id}: cpu_ms/mem_bytes missing`)
  }
})

await steps.step('overview: live figures match the server, rates and sparklines move', async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] })
  page = await newPage()
  await page.goto(`${srv.url}/dashboard`)
  await waitStatus(page, 'live')
  const users = ROOMS.reduce((n, r) => n + r.users.length, 0)
  await eventually('connections and rooms cards equal the server\'s stats', async () => {
    const st = await nextStats(srv.port)
    const got = { connections: Number(await card(page, 'connections')), rooms: Number(await card(page, 'rooms')), server: [st.connections, st.rooms_loaded] }
    return { ok: got.connections === st.connections && got.rooms === st.rooms_loaded && st.connections === users && st.rooms_loaded === ROOMS.length, got }
  })
  await eventually('messages / s, bytes / s and CPU shown', async () => {
    const got = { messages: Number(await card(page, 'messages')), bytesIn: Number(await card(page, 'bytesIn')), bytesOut: Number(await card(page, 'bytesOut')), cpu: await card(page, 'cpuPercent') }
    return { ok: got.messages > 0 && got.bytesIn > 0 && got.bytesOut > 0 && got.cpu !== '' && Number(got.cpu) >= 0, got }
  })
  const st = await nextStats(srv.port)
  const rss = Number(await card(page, 'rss'))
  assert(rss > 1 << 20 && Math.abs(rss - st.rss_bytes) < st.rss_bytes / 2, `memory card ${rss} vs server rss ${st.rss_bytes}`)
  await eventually('sparklines have points', async () => {
    const got = { connections: await sparkPoints(page, 'connections'), messages: await sparkPoints(page, 'messages') }
    return { ok: got.connections >= 3 && got.messages >= 2, got }
  })
  const text = await bodyText(page)
  for (const label of ['Connections', 'Rooms loaded', 'Messages / s', 'CPU', 'Memory']) assert(text.toLowerCase().includes(label.toLowerCase()), `overview lacks "${label}"`)
  await shot(page, 'overview')
}, { onFail: failShot })

await steps.step('rooms table: every room with its users; loaded and stored-only rooms', async () => {
  const want = [...ROOMS.map((r) => [r.id, String(r.users.length), 'true']), [ARCHIVED, '0', 'false']].sort()
  const rows = await eventually('table lists the rooms', async () => {
    const rows = await tableRows(page)
    const got = rows.map((r) => [r.id, r.connections.v, r.loaded.v]).sort()
    return { ok: JSON.stringify(got) === JSON.stringify(want), got: rows.length === 0 ? [] : rows }
  })
  for (const r of rows) {
    assert(Number(r.doc_bytes.v) > 0, `${r.id}: document size ${r.doc_bytes.v}`)
    assert(/\d{4}-\d\d-\d\d \d\d:\d\d/.test(r.created_ms.text), `${r.id}: created "${r.created_ms.text}"`)
    assert(r.last_active_ms.text !== '–', `${r.id}: last active "${r.last_active_ms.text}"`)
    if (r.id === ARCHIVED) {
      assertEqual(r.loaded.text, 'stored', `${r.id} status`)
      assertEqual([r.cpu_ms.text, r.mem_bytes.text], ['–', '–'], `${r.id}: CPU and memory of an unloaded room`)
    } else {
      assertEqual(r.loaded.text, 'loaded', `${r.id} status`)
      assert(Number(r.peak_connections.v) >= Number(r.connections.v), `${r.id}: peak ${r.peak_connections.v} < users ${r.connections.v}`)
      assert(r.cpu_ms.v !== '' && r.mem_bytes.v !== '' && Number(r.mem_bytes.v) > 0, `${r.id}: CPU "${r.cpu_ms.text}", memory "${r.mem_bytes.text}"`)
    }
  }
  assert((await page.textContent('[data-testid=rooms-count]')).startsWith('4 rooms'), 'room count')
}, { onFail: failShot })

await steps.step('rooms table: search filters by id', async () => {
  const expectRows = (q, want) => eventually(`search "${q}"`, async () => {
    const got = await rowIds(page)
    return { ok: JSON.stringify(got) === JSON.stringify(want), got }
  }, 3000)
  await page.fill('input.search', 'ROAD')
  await expectRows('ROAD', ['roadmap-2027'])
  await page.fill('input.search', 'notes/')
  await expectRows('notes/', ['standup notes/2026'])
  await shot(page, 'overview-search')
  await page.fill('input.search', 'zzz')
  await expectRows('zzz', [])
  assert((await page.textContent('.rooms p.empty')).includes('No room matches'), 'no "No room matches" message')
  await page.fill('input.search', '')
  await expectRows('', ['design-review', 'roadmap-2027', 'standup notes/2026', ARCHIVED])
}, { onFail: failShot })

await steps.step('rooms table: sorting by column', async () => {
  const sortBy = (key) => page.click(`th[data-key="${key}"] button`)
  const ariaSort = (key) => page.getAttribute(`th[data-key="${key}"]`, 'aria-sort')
  const byId = ['archived-2025', 'design-review', 'roadmap-2027', 'standup notes/2026']
  await sortBy('id')
  assertEqual(await rowIds(page), byId, 'sorted by room, ascending')
  assertEqual(await ariaSort('id'), 'ascending', 'aria-sort')
  await sortBy('id')
  assertEqual(await rowIds(page), byId.slice().reverse(), 'sorted by room, descending')
  await sortBy('connections')
  assertEqual(await rowIds(page), ['design-review', 'roadmap-2027', 'standup notes/2026', ARCHIVED], 'sorted by users now')
  assertEqual(await ariaSort('connections'), 'descending', 'aria-sort of users now')
  assertEqual(await ariaSort('id'), 'none', 'aria-sort of room after sorting by users')
  for (const key of ['doc_bytes', 'mem_bytes', 'created_ms']) {
    await sortBy(key)
    await sortBy(key) // twice: ascending
    const rows = await tableRows(page)
    const vals = rows.map((r) => r[key].v).filter((v) => v !== '').map(Number)
    assertEqual(vals, vals.slice().sort((a, b) => a - b), `ascending by ${key}`)
    assert(rows.slice(vals.length).every((r) => r[key].v === ''), `missing ${key} values sort last`)
  }
  await sortBy('connections')
}, { onFail: failShot })

await steps.step('room page: people by name and colour, document as JSON, connections chart', async () => {
  await page.click('tr[data-room="design-review"] a.room-link')
  assertEqual(await page.evaluate(() => location.hash), '#/room/design-review', 'room page address')
  const names = ROOMS[0].users.map(([n]) => n).sort()
  await eventually('people present', async () => {
    const got = (await people(page)).sort()
    return { ok: JSON.stringify(got) === JSON.stringify(names), got }
  })
  const color = await page.$eval('li.person:has-text("Alice Martin") .swatch', (el) => getComputedStyle(el).backgroundColor)
  assertEqual(color, 'rgb(229, 72, 77)', 'Alice\'s colour')
  await eventually('document JSON preview', async () => {
    const got = await page.textContent('[data-testid=json]')
    return { ok: got.includes('"Design review"') && got.includes('Notes of Design review.') && got.includes('first item of design-review') && got.includes('Alice Martin #'), got: got.slice(0, 300) }
  })
  await eventually('users now figure', async () => {
    const got = await page.getAttribute('.fig-value[data-key="connections"]', 'data-value')
    return { ok: got === '3', got }
  })
  // Someone joins and leaves: the chart records 3 -> 4 -> 3, the list follows.
  const extra = await startLoad(srv.ws, [{ id: 'design-review', title: 'Design review', users: [['Grace Hopper', '#ffb224']] }])
  await eventually('Grace appears', async () => {
    const got = await people(page)
    return { ok: got.includes('Grace Hopper') && got.length === 4, got }
  })
  await sleep(1500)
  await extra.stop()
  await eventually('Grace leaves', async () => {
    const got = await people(page)
    return { ok: !got.includes('Grace Hopper') && got.length === 3, got }
  }, 15000)
  await eventually('the chart shows 3 -> 4 -> 3', async () => {
    const got = await page.$$eval('[data-testid=chart] svg circle.dot', (cs) => cs.map((c) => Number(c.getAttribute('cy'))))
    // SVG y grows downwards: the middle point (4 users) is above the others.
    return { ok: got.length >= 3 && Math.min(...got) < got[0] && got[got.length - 1] === got[0], got }
  })
  assert(await page.$eval('[data-testid=chart] svg', (el) => Number(el.dataset.points)) >= 3, 'chart points')
  await shot(page, 'room')
}, { onFail: failShot })

await steps.step('room page: an id with a space and a slash; a room only in storage', async () => {
  await page.click('a:has-text("All rooms")')
  await page.click('tr[data-room="standup notes/2026"] a.room-link')
  assertEqual(await page.evaluate(() => location.hash), '#/room/standup%20notes%2F2026', 'room page address')
  assertEqual(await page.textContent('.room-id'), 'standup notes/2026', 'room title')
  await eventually('people and document', async () => {
    const got = { people: await people(page), json: (await page.textContent('[data-testid=json]')).slice(0, 200) }
    return { ok: got.people.join() === 'Dmitri Ivanov' && got.json.includes('Stand-up notes'), got }
  })
  await page.goto(`${srv.url}/dashboard#/room/${ARCHIVED}`)
  await eventually('stored room: document and nobody present', async () => {
    const got = { json: await page.textContent('[data-testid=json]'), people: await page.textContent('[data-testid=people]') }
    return { ok: got.json.includes('Archived plans') && got.json.includes('Old notes from last year') && /nobody/i.test(got.people), got }
  })
  await shot(page, 'room-stored')
}, { onFail: failShot })

await steps.step('errors from the API show in a banner', async () => {
  await page.goto(`${srv.url}/dashboard#/room/no-such-room`)
  const text = await eventually('not_found banner', async () => {
    const got = await noticeText(page, 'room')
    return { ok: !!got && got.includes('not_found') && got.includes('404'), got }
  })
  assert(text.includes('no-such-room'), `banner names the room: ${text}`)
  assertEqual(await page.textContent('.room-head .badge'), 'not found', 'badge')
  const rooms = (await srv.http('GET', '/api/rooms')).json.rooms.map((r) => r.id)
  assert(!rooms.includes('no-such-room'), 'viewing an unknown room created it')
  await shot(page, 'room-not-found')
  await page.click('a:has-text("All rooms")')
  await eventually('banner cleared on leaving the page', async () => ({ ok: (await noticeText(page, 'room')) === null, got: await noticeText(page, 'room') }))
}, { onFail: failShot })

await steps.step('server restart: "disconnected", then live again with the stored rooms', async () => {
  await waitStatus(page, 'live')
  await srv.stop('SIGTERM')
  await waitStatus(page, 'disconnected', 8000)
  assert((await noticeText(page, 'live'))?.includes('Disconnected'), 'no "Disconnected" banner')
  await shot(page, 'disconnected')
  await srv.start()
  await waitStatus(page, 'live', 20000)
  assertEqual(await noticeText(page, 'live'), null, 'banner after reconnecting')
  await eventually('every room listed after the restart', async () => {
    const got = (await rowIds(page)).sort()
    return { ok: got.length === 4 && got.includes(ARCHIVED), got }
  }, 10000)
}, { onFail: failShot, timeout: 45000 })

await steps.step('narrow window: the page stays readable', async () => {
  const p = await newPage(420, 900)
  await p.goto(`${srv.url}/dashboard`)
  await waitStatus(p, 'live')
  await eventually('rows', async () => ({ ok: (await rowIds(p)).length === 4, got: await rowIds(p) }))
  const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  assert(overflow <= 0, `the page is ${overflow} px wider than the window`)
  await shot(p, 'overview-narrow')
  await p.context().close()
}, { onFail: failShot })

clearInterval(editTimer)
await load?.stop()

let authSrv
await steps.step('--admin-token: the API answers 401 without the token, 200 with it', async () => {
  authSrv = await new Server('auth', { 'admin-token': TOKEN, threads: 1 }).start()
  servers.push(authSrv)
  for (const p of ['/api/rooms', '/api/events', '/api/rooms/x/presence']) {
    const r = await authSrv.http('GET', p)
    assertEqual(r.status, 401, `GET ${p} without the token`)
    if (p === '/api/rooms') assert(r.json?.error?.code, `401 body is not an error JSON: ${r.body}`)
  }
  assertEqual((await authSrv.http('GET', '/api/rooms', { headers: { authorization: `Bearer ${TOKEN}` } })).status, 200, 'GET /api/rooms with the token')
  assertEqual((await authSrv.http('GET', '/api/rooms', { headers: { authorization: 'Bearer wrong' } })).status, 401, 'GET /api/rooms with a wrong token')
}, { critical: false })

// The page's own handling of 401, whatever the server does with /dashboard itself: its files are
// served here by the test (from web/dashboard), the API by the --admin-token server.
await steps.step('--admin-token: on 401 the page shows "open /dashboard?token=<admin token>" and its form signs in', async () => {
  page = await newPage()
  const context = page.context()
  const serveFiles = (route) => {
    const rel = new URL(route.request().url()).pathname.replace(/^\/dashboard\/?/, '') || 'index.html'
    const file = path.join(ROOT, 'web/dashboard', path.basename(rel))
    if (!fs.existsSync(file)) return route.fulfill({ status: 404, body: '' })
    const type = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html' }[path.extname(file)]
    return route.fulfill({ status: 200, contentType: type, body: fs.readFileSync(file) })
  }
  const dashboardUrl = (url) => url.pathname === '/dashboard' || url.pathname.startsWith('/dashboard/')
  await context.route(dashboardUrl, serveFiles)
  await page.goto(`${authSrv.url}/dashboard#/room/roadmap-2027`)
  await waitStatus(page, 'unauthorized')
  const hint = await eventually('sign-in banner', async () => {
    const got = await noticeText(page, 'auth')
    return { ok: !!got && got.includes('/dashboard?token=<admin token>'), got }
  })
  assert(hint.includes('401'), `the banner does not say 401: ${hint}`)
  await shot(page, 'auth-banner')
  // The form opens /dashboard?token=T: now from the server, which sets the cookie.
  await context.unroute(dashboardUrl, serveFiles)
  await page.fill('input[name=token]', TOKEN)
  await page.click('form.auth-form button')
  await waitStatus(page, 'live')
  assertEqual(await page.evaluate(() => location.hash), '#/room/roadmap-2027', 'the page shown after signing in')
  assertEqual(await noticeText(page, 'auth'), null, 'sign-in banner after signing in')
  await context.close()
}, { onFail: failShot })

await steps.step('--admin-token: GET /dashboard without the token serves the page (so that it can say how to sign in)', async () => {
  page = await newPage()
  const res = await page.goto(`${authSrv.url}/dashboard`)
  await shot(page, 'auth-required')
  assert(await page.$('#status'), `GET /dashboard without the token answered ${res.status()} and not the dashboard page ` +
    `(${(await bodyText(page)).slice(0, 200)}): serve web/dashboard's files without the token (they hold no data; /api/* stays protected), ` +
    'so that the page can show how to sign in')
  await waitStatus(page, 'unauthorized')
  assert((await noticeText(page, 'auth'))?.includes('/dashboard?token=<admin token>'), 'no sign-in banner')
  // A wrong token: the hint again (on the page, or in the server's 401 answer), and no cookie.
  const wrong = await newPage()
  await wrong.goto(`${authSrv.url}/dashboard?token=wrong`)
  await eventually('a wrong token gets the hint', async () => {
    const got = await bodyText(wrong)
    return { ok: got.includes('/dashboard?token='), got: got.slice(0, 200) }
  })
  assertEqual((await wrong.context().cookies(authSrv.url)).length, 0, 'cookies after a wrong token')
  await wrong.context().close()
}, { onFail: failShot })

await steps.step('--admin-token: /dashboard?token=T sets the cookie; the page then works', async () => {
  const loadAuth = await startLoad(authSrv.ws, [ROOMS[2]]).catch((err) => ({ err }))
  page = await newPage()
  await page.goto(`${authSrv.url}/dashboard?token=${encodeURIComponent(TOKEN)}`)
  await waitStatus(page, 'live')
  assert(!page.url().includes('token='), `the token stays in the address bar: ${page.url()}`)
  const cookies = await page.context().cookies(authSrv.url)
  assert(cookies.length > 0, 'no cookie set')
  if (!loadAuth.err) {
    await eventually('rooms listed', async () => ({ ok: (await rowIds(page)).includes('roadmap-2027'), got: await rowIds(page) }))
  }
  assertEqual(await noticeText(page, 'auth'), null, 'sign-in banner after signing in')
  await page.reload()
  await waitStatus(page, 'live') // the cookie outlives the page
  await shot(page, 'auth-ok')
  if (!loadAuth.err) await loadAuth.stop()
  else throw new Error(`clients could not join the --admin-token server: ${loadAuth.err.message}`)
}, { onFail: failShot })

await steps.step('no uncaught errors in the page', async () => {
  assert(pageErrors.length === 0, `page errors:\n  ${pageErrors.join('\n  ')}`)
})

await browser?.close().catch(() => {})
for (const s of servers) await s.stop().catch(() => {})
const ok = steps.summary()
if (!ok) for (const s of servers) console.log(`--- ${s.logPath}\n${s.logTail(15)}`)
process.exit(ok ? 0 : 1)
