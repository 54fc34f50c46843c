// Soak test (not run by run.sh): steady load on one `symphony serve` for a given time, recording
// the server's RSS over time, then a convergence check of every room.
//
//   node tests/server/soak.mjs --minutes 60 [--rooms 8] [--clients 4] [--ops 40] [--sample 5]
//                              [--seed 1] [--csv tests/out/soak-<time>.csv]
//
//   --ops      edits per second, all clients together (steady: documents keep a bounded size)
//   --sample   seconds between RSS samples
// Load: WebsocketProvider clients per room doing random edits, random disconnects/reconnects,
// plus one short-lived client per room every few seconds (join, sync, leave) and, on Symphony,
// one Hocuspocus provider per room. CSV columns: elapsed_s, rss_bytes, edits, reconnects,
// churn_joins. Exits 1 if the server died or a room did not converge. SYMPHONY_TEST_SERVER=ref
// runs it against @y/websocket-server (no Hocuspocus clients then).
import fs from 'node:fs'
import path from 'node:path'
import { MODE, OUT_DIR, ServerProcess, freePort, makeDataDir, symphonyAvailability } from './lib/server.mjs'
import { RawClient, hpProvider, hpSettled, ywsProvider, ywsSynced } from './lib/clients.mjs'
import { waitConverged, fetchViaClient } from './lib/checks.mjs'
import { docDiff, randomEdit, rng, rootsOf, sleep } from './lib/util.mjs'

const argv = process.argv.slice(2)
const arg = (name, dflt) => {
  const i = argv.indexOf(`--${name}`)
  return i >= 0 ? argv[i + 1] : dflt
}
const MINUTES = Number(arg('minutes', '60'))
const ROOMS = Number(arg('rooms', '8'))
const CLIENTS = Number(arg('clients', '4'))
const OPS = Number(arg('ops', '40'))
const SAMPLE_S = Number(arg('sample', '5'))
const SEED = Number(arg('seed', '1'))
const CSV = arg('csv', path.join(path.dirname(OUT_DIR), `soak-${new Date().toISOString().replace(/[:.]/g, '-')}.csv`))

// Keeps documents at a bounded size: past a size, edits delete instead of insert.
function steadyEdit (doc, r) {
  const { a, t, m } = rootsOf(doc)
  if (t.length > 3000) t.delete(0, r.int(100, 500))
  else if (a.length > 400) a.delete(0, r.int(20, 100))
  else if (m.size > 50) m.delete([...m.keys()][0])
  else randomEdit(doc, r)
}

// A minimal context for the client helpers (they register cleanups).
const ctx = { cleanups: [], defer (fn) { this.cleanups.push(fn) } }

async function main () {
  if (MODE !== 'ref') {
    const a = symphonyAvailability()
    if (!a.ok) {
      console.error(`soak: ${a.reason}`)
      process.exit(2)
    }
  }
  const srv = new ServerProcess({
    kind: MODE === 'ref' ? 'ref-yws' : 'symphony',
    port: await freePort(),
    dataDir: makeDataDir('soak'),
    args: { 'log-level': 'info' },
    logName: 'soak'
  })
  await srv.start()
  console.log(`soak: ${MINUTES} min, ${ROOMS} rooms x ${CLIENTS} clients, ${OPS} edits/s; server pid ${srv.pid} (${srv.kind}), log ${srv.logPath}`)
  fs.mkdirSync(path.dirname(CSV), { recursive: true })
  const csv = fs.openSync(CSV, 'w')
  fs.writeSync(csv, 'elapsed_s,rss_bytes,edits,reconnects,churn_joins\n')

  const r = rng(SEED)
  const rooms = Array.from({ length: ROOMS }, (_, i) => `soak-${i}`)
  const groups = rooms.map((room) => Array.from({ length: CLIENTS }, () => ywsProvider(ctx, srv, room)))
  const hps = srv.isRef ? [] : rooms.map((room) => hpProvider(ctx, srv, 4, room))
  await Promise.all(groups.flat().map((p) => ywsSynced(p, 30000)))
  await Promise.all(hps.map((p) => hpSettled(p, 30000)))
  const editors = [...groups.flat().map((p) => ({ doc: p.doc, p })), ...hps.map((p) => ({ doc: p.document, hp: p }))]

  let stop = false
  process.on('SIGINT', () => { stop = true })
  const t0 = Date.now()
  const end = t0 + MINUTES * 60000
  let edits = 0
  let reconnects = 0
  let churn = 0
  let nextSample = t0
  let nextChurn = t0 + 2000
  const rssSeries = []
  const tickMs = 50
  const perTick = OPS * tickMs / 1000
  let carry = 0
  while (!stop && Date.now() < end && srv.running) {
    carry += perTick
    for (; carry >= 1; carry--) {
      const e = r.pick(editors)
      steadyEdit(e.doc, r)
      edits++
    }
    for (const { p } of editors) {
      if (!p) continue
      if (!p.shouldConnect) {
        if (r.bool(0.05)) { p.connect(); reconnects++ }
      } else if (r.bool(0.0005)) p.disconnect()
    }
    const now = Date.now()
    if (now >= nextChurn) {
      nextChurn = now + 3000
      const room = r.pick(rooms)
      churn++
      RawClient.connect(srv.roomUrl(room)).then(async (c) => {
        await c.waitSynced(10000).catch(() => {})
        c.close()
      }).catch(() => {})
    }
    if (now >= nextSample) {
      nextSample = now + SAMPLE_S * 1000
      const rss = await srv.rss()
      const el = ((now - t0) / 1000).toFixed(1)
      rssSeries.push([now - t0, rss])
      fs.writeSync(csv, `${el},${rss},${edits},${reconnects},${churn}\n`)
      if (rssSeries.length % Math.max(1, Math.round(60 / SAMPLE_S)) === 1) {
        console.log(`soak: ${el} s  rss ${(rss / 1048576).toFixed(1)} MiB  edits ${edits}  reconnects ${reconnects}`)
      }
    }
    await sleep(tickMs)
  }
  fs.closeSync(csv)
  let ok = true
  if (!srv.running) {
    console.log(`soak: FAIL: the server exited: ${JSON.stringify(srv.exitStatus)}; log tail:\n${srv.logTail()}`)
    ok = false
  } else {
    for (const { p } of editors) if (p && !p.shouldConnect) p.connect()
    await Promise.all(groups.flat().map((p) => ywsSynced(p, 30000)))
    await Promise.all(hps.map((p) => hpSettled(p, 30000)))
    for (let i = 0; i < rooms.length; i++) {
      try {
        const docs = groups[i].map((p) => p.doc).concat(hps[i] ? [hps[i].document] : [])
        await waitConverged(docs, { what: rooms[i], timeout: 30000 })
        const d = docDiff(docs[0], await fetchViaClient(srv, rooms[i]), 'clients', 'server')
        if (d) throw new Error(d)
      } catch (e) {
        console.log(`soak: FAIL: room ${rooms[i]}: ${e.message}`)
        ok = false
      }
    }
  }
  // RSS summary: first, max, last, and the growth over the second half (MiB per hour).
  const mib = (b) => (b / 1048576).toFixed(1)
  if (rssSeries.length) {
    const half = rssSeries.slice(Math.floor(rssSeries.length / 2))
    const n = half.length
    const mx = half.reduce((s, [t]) => s + t, 0) / n
    const my = half.reduce((s, [, v]) => s + v, 0) / n
    const num = half.reduce((s, [t, v]) => s + (t - mx) * (v - my), 0)
    const den = half.reduce((s, [t]) => s + (t - mx) ** 2, 0) || 1
    const slope = num / den * 3600000 // bytes per hour
    console.log(`soak: rss first ${mib(rssSeries[0][1])} MiB, max ${mib(Math.max(...rssSeries.map(([, v]) => v)))} MiB, ` +
      `last ${mib(rssSeries[rssSeries.length - 1][1])} MiB; second-half trend ${mib(slope)} MiB/hour`)
  }
  console.log(`soak: ${edits} edits, ${reconnects} reconnects, ${churn} short-lived clients; CSV ${CSV}`)
  for (const fn of ctx.cleanups.reverse()) { try { await fn() } catch {} }
  const res = await srv.stop('SIGTERM', 15000)
  if (!srv.isRef && (res.code !== 0 || res.timedOut)) {
    console.log(`soak: FAIL: shutdown after SIGTERM: ${JSON.stringify(res)}`)
    ok = false
  }
  console.log(ok ? 'soak: PASS' : 'soak: FAIL')
  process.exit(ok ? 0 : 1)
}

main().catch((e) => {
  console.error(`soak: FAIL: ${e.stack || e}`)
  process.exit(1)
})
