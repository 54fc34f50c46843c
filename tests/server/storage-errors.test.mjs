// Storage errors: a full disk and a corrupt record are reported, the room stays consistent and
// nothing acknowledged is lost.
//   full disk: --storage-max-bytes makes SQLite fail with SQLITE_FULL (the same path as a real
//     full disk). Updates past it are neither echoed nor shown to anyone; the server counts the
//     errors and keeps retrying; after a restart with room to spare, the clients' resent state
//     brings everything back.
//   corrupt record: a log record damaged on disk makes the room's load fail: joiners are closed
//     with 1011, the HTTP state is an error, nothing is served in its place, other rooms work,
//     and DELETE clears the room.
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { Suite } from './lib/runner.mjs'
import { RawClient, Y } from './lib/clients.mjs'
import { fetchViaHttp } from './lib/checks.mjs'
import { assert, rootsOf, sleep, waitFor } from './lib/util.mjs'

const s = new Suite('storage-errors')

function metric (text, name) {
  const line = text.split('\n').find((l) => l.startsWith(name + ' ') || l.startsWith(name + '{') && l.includes(name))
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : NaN
}

s.test('full disk: nothing unsaved is shown, errors are counted, a restart with space keeps everything', async (ctx) => {
  const srv = await ctx.server({ args: { 'storage-max-bytes': '160KiB', fsync: 'off' } })
  const room = 'full-disk'
  const writer = await RawClient.connect(srv.roomUrl(room))
  const reader = await RawClient.connect(srv.roomUrl(room))
  ctx.defer(() => { writer.close(); reader.close() })
  await Promise.all([writer.waitSynced(), reader.waitSynced()])
  const m = rootsOf(writer.doc).m
  const filler = 'x'.repeat(2000)
  // Write until the server stops echoing: that is the database refusing to grow.
  let written = 0
  let stalled = false
  for (let i = 0; i < 400 && !stalled; i++) {
    m.set(`k${i}`, `${i}:${filler}`)
    written++
    try {
      await writer.waitAcked(1500)
    } catch {
      stalled = true
    }
  }
  assert(stalled, `the server kept acknowledging ${written} writes of 2 KB with a 160 KiB cap`)
  const ackedClock = writer.acked
  const metrics = await srv.http('GET', '/metrics')
  const appendErrors = metric(metrics.body.toString(), 'symphony_storage_errors_total{op="append"}')
  assert(appendErrors > 0, `symphony_storage_errors_total{op="append"} is ${appendErrors}`)
  // Nothing unsaved was shown: the reader and the HTTP state hold exactly the acknowledged keys.
  const state = await fetchViaHttp(srv, room)
  const stored = rootsOf(state).m
  const readerMap = rootsOf(reader.doc).m
  const last = `k${written - 1}`
  assert(!stored.has(last), `GET state shows ${last}, which was never acknowledged`)
  assert(!readerMap.has(last), `the reader received ${last}, which was never acknowledged`)
  for (const k of readerMap.keys()) assert(stored.has(k), `the reader saw ${k} but the stored state lacks it`)
  ctx.log(`${written} writes, acknowledged up to clock ${ackedClock}; ${stored.size} keys stored; ${appendErrors} append errors`)
  // Other rooms fail the same way (the disk is full), but the server stays up and answers.
  const health = await srv.http('GET', '/healthz')
  assert(health.status === 200, `healthz ${health.status} while the disk is full`)

  // Free space: restart without the cap. The writer's state comes back when it reconnects.
  await srv.kill9()
  delete srv.args['storage-max-bytes']
  await srv.start()
  const again = await RawClient.connect(srv.roomUrl(room), { doc: writer.doc })
  ctx.defer(() => again.close())
  await again.waitSynced()
  await again.waitAcked(10000)
  const after = rootsOf(await fetchViaHttp(srv, room)).m
  for (let i = 0; i < written; i++) {
    assert(after.get(`k${i}`) === `${i}:${filler}`, `k${i} missing after the restart with space`)
  }
}, { symphonyOnly: 'needs --storage-max-bytes and a restart', timeout: 60000 })

s.test('corrupt log record: the load fails loudly, nothing is served in its place, DELETE clears it', async (ctx) => {
  const srv = await ctx.server({ args: { fsync: 'normal' } })
  const room = 'corrupt-room'
  const c = await RawClient.connect(srv.roomUrl(room))
  await c.waitSynced()
  for (let i = 0; i < 5; i++) rootsOf(c.doc).m.set(`k${i}`, i)
  await c.waitAcked()
  c.close()
  // kill -9 keeps the log (a clean shutdown would fold it into a snapshot).
  await srv.kill9()
  const db = path.join(srv.dataDir, 'symphony.db')
  execFileSync('sqlite3', [db, `UPDATE log SET bytes = X'00' || substr(bytes, 2) WHERE room = '${room}' AND seq = (SELECT MAX(seq) FROM log WHERE room = '${room}')`])
  await srv.start()

  const joiner = await RawClient.connect(srv.roomUrl(room))
  const closed = await joiner.waitClosed(10000)
  assert(closed.code === 1011, `joiner closed with ${closed.code} (${closed.reason}), want 1011`)
  assert(/could not be loaded/.test(closed.reason) && /corrupt/.test(closed.reason),
    `close reason does not say the room is corrupt: "${closed.reason}"`)
  assert(!joiner.synced, 'the joiner was synced to a document that failed to load')
  const state = await srv.http('GET', `/api/rooms/${room}/state`)
  assert(state.status === 500, `GET state of the corrupt room: ${state.status} ${state.body}`)
  const err = JSON.parse(state.body.toString())
  assert(err.error?.code === 'storage_corrupt', `error code ${JSON.stringify(err)}`)

  // Other rooms are fine.
  const other = await RawClient.connect(srv.roomUrl('healthy-room'))
  ctx.defer(() => other.close())
  await other.waitSynced()
  rootsOf(other.doc).m.set('ok', 1)
  await other.waitAcked()

  // An operator clears the corrupt room; it then works as a new room.
  const del = await srv.http('DELETE', `/api/rooms/${room}`)
  assert(del.status === 200, `DELETE of the corrupt room: ${del.status} ${del.body}`)
  const fresh = await RawClient.connect(srv.roomUrl(room))
  ctx.defer(() => fresh.close())
  await fresh.waitSynced()
  rootsOf(fresh.doc).m.set('new', true)
  await fresh.waitAcked()
  await sleep(50)
  const d = await fetchViaHttp(srv, room)
  assert(rootsOf(d).m.get('new') === true, 'the cleared room does not keep new writes')
  await waitFor(() => true)
}, { symphonyOnly: 'needs restarts and the server\'s storage', timeout: 60000 })

await s.run()
