import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { createClient, type Client, type Room, type RoomStatus } from '../../packages/client/src/index.js'
import { TestServer, serverKind } from '../support/server.js'
import { sleep, waitFor } from '../unit/helpers.js'

let server: TestServer
const clients: Client[] = []
let roomSeq = 0
const newRoomId = (what: string) => `it-${what}-${process.pid}-${++roomSeq}`

function client(opts: Record<string, unknown> = {}): Client {
  const c = createClient({
    url: server.wsUrl,
    WebSocketPolyfill: WebSocket as any,
    backoff: { minMs: 50, maxMs: 400 },
    ...opts
  })
  clients.push(c)
  return c
}

/** A fresh client's view of the room as stored on the server. */
async function serverView(roomId: string, roots: Record<string, 'map' | 'list' | 'text'>) {
  const c = client()
  const r = c.enterRoom(roomId)
  await r.synced()
  const out: Record<string, unknown> = {}
  for (const [name, kind] of Object.entries(roots)) {
    out[name] = kind === 'map' ? r.storage.map(name).toObject() : kind === 'list' ? r.storage.list(name).toArray() : r.storage.text(name).toString()
  }
  r.leave()
  return out
}

beforeAll(async () => {
  server = await new TestServer({ name: 'integration' }).start()
  console.log(`integration tests against: ${server.kind} (${serverKind().why})`)
})

afterAll(async () => {
  for (const c of clients) c.destroy()
  await server?.close()
})

describe(`@symphony/client against a real server`, () => {
  it('two clients converge on maps, lists and texts; the server stored it all', async () => {
    const id = newRoomId('converge')
    const a = client().enterRoom(id)
    const b = client().enterRoom(id)
    await Promise.all([a.synced(), b.synced()])
    a.batch(() => {
      a.storage.map('shapes').set('s1', { type: 'rect', x: 1, y: 2 })
      a.storage.list('order').push('s1')
    })
    b.storage.map('shapes').set('s2', { type: 'ellipse', pts: [1, 2, 3] })
    b.storage.text('title').insert(0, 'Hello')
    await waitFor(() => a.storage.map('shapes').size === 2 && b.storage.list('order').length === 1 && a.storage.text('title').toString() === 'Hello', 'convergence', 10000)
    // concurrent edits of different fields of one shape merge
    a.storage.map('shapes').update('s1', { x: 10 })
    b.storage.map('shapes').update('s1', { y: 20 })
    await waitFor(() => a.storage.map('shapes').get('s1')?.y === 20 && b.storage.map('shapes').get('s1')?.x === 10, 'field merge', 10000)
    expect(a.storage.snapshot()).toEqual(b.storage.snapshot())
    await waitFor(() => a.status === 'saved' && b.status === 'saved', 'saved', 10000)
    const view = await serverView(id, { shapes: 'map', order: 'list', title: 'text' })
    expect(view).toEqual({
      shapes: { s1: { type: 'rect', x: 10, y: 20 }, s2: { type: 'ellipse', pts: [1, 2, 3] } },
      order: ['s1'],
      title: 'Hello'
    })
  })

  it('status goes connecting -> connected -> saved, and synced -> saved around each change', async () => {
    const id = newRoomId('status')
    const a = client().enterRoom(id)
    const seen: RoomStatus[] = [a.status]
    a.on('status', (s) => seen.push(s))
    await a.synced()
    await waitFor(() => a.status === 'saved', 'saved')
    expect(seen).toEqual(['connecting', 'connected', 'saved'])
    seen.length = 0
    a.storage.list('l').push(1)
    expect(a.status).toBe('synced')
    await waitFor(() => a.status === 'saved', 'saved after the echo')
    expect(seen).toEqual(['synced', 'saved'])
    seen.length = 0
    a.storage.list('l').delete(0) // a delete-only change is acknowledged too
    expect(a.status).toBe('synced')
    await waitFor(() => a.status === 'saved', 'delete saved')
    expect(seen).toEqual(['synced', 'saved'])
  })

  it('presence: others with presence and user; leave removes them', async () => {
    const id = newRoomId('presence')
    const a = client().enterRoom(id, { initialPresence: { cursor: null, user: { name: 'Ann', color: '#f00' } } })
    const b = client().enterRoom(id, { initialPresence: { cursor: null, user: { name: 'Bob', color: '#00f' } } })
    await Promise.all([a.synced(), b.synced()])
    await waitFor(() => a.presence.others.length === 1 && b.presence.others.length === 1, 'others')
    expect(a.presence.others[0].user).toEqual({ name: 'Bob', color: '#00f' })
    expect(a.presence.others[0].clientId).toBe(b.doc.clientID)
    b.presence.update({ cursor: { x: 3, y: 4 } })
    await waitFor(() => (a.presence.others[0]?.presence as any)?.cursor?.x === 3, 'cursor')
    b.leave()
    await waitFor(() => a.presence.others.length === 0, 'b gone', 10000)
  })

  it('broadcast: every event delivered once to the others, in order, never stored', async () => {
    const id = newRoomId('events')
    const a = client().enterRoom(id)
    const b = client().enterRoom(id)
    const c = client().enterRoom(id)
    await Promise.all([a.synced(), b.synced(), c.synced()])
    await waitFor(() => a.presence.others.length === 2 && b.presence.others.length === 2 && c.presence.others.length === 2, 'others')
    const atB: unknown[] = []
    const atC: Array<{ event: unknown; clientId: number }> = []
    const atA: unknown[] = []
    b.on('event', (e) => atB.push(e.event))
    c.on('event', (e) => atC.push(e))
    a.on('event', (e) => atA.push(e.event))
    for (let i = 0; i < 5; i++) {
      a.broadcast({ type: 'reaction', i })
      await sleep(i * 10)
    }
    await waitFor(() => atB.length >= 5 && atC.length >= 5, 'events', 10000)
    await sleep(200)
    expect(atB).toEqual([0, 1, 2, 3, 4].map((i) => ({ type: 'reaction', i })))
    expect(atC.map((e) => e.clientId)).toEqual(Array(5).fill(a.doc.clientID))
    expect(atA).toEqual([])
    const doc = new Y.Doc()
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(a.doc))
    expect([...doc.share.keys()]).toEqual([])
  })

  it('undo over the network reverts only my own changes', async () => {
    const id = newRoomId('undo')
    const a = client().enterRoom(id)
    const b = client().enterRoom(id)
    await Promise.all([a.synced(), b.synced()])
    a.storage.map('shapes').set('a1', { x: 1 })
    await waitFor(() => b.storage.map('shapes').has('a1'), 'b sees a1')
    b.storage.map('shapes').set('b1', { x: 2 })
    await waitFor(() => a.storage.map('shapes').has('b1'), 'a sees b1')
    a.history.undo()
    await waitFor(() => !b.storage.map('shapes').has('a1'), 'undo reaches b')
    expect(b.storage.map('shapes').toObject()).toEqual({ b1: { x: 2 } })
    expect(a.history.canUndo()).toBe(false)
    a.history.redo()
    await waitFor(() => b.storage.map('shapes').has('a1'), 'redo reaches b')
  })

  it('asks auth for a token on every connection and sends it as ?token=', async () => {
    const urls: string[] = []
    class RecordingWebSocket extends WebSocket {
      constructor(url: string) {
        super(url)
        urls.push(url)
      }
    }
    let n = 0
    const id = newRoomId('auth')
    const a = client({ WebSocketPolyfill: RecordingWebSocket, auth: async (roomId: string) => `${roomId}.t${++n}` }).enterRoom(id)
    await a.synced()
    a.reconnect()
    await waitFor(() => urls.length === 2 && a.status === 'saved', 'reconnected', 10000)
    expect(urls).toEqual([`${server.wsUrl}/${id}?token=${id}.t1`, `${server.wsUrl}/${id}?token=${id}.t2`])
  })
})

describe('server errors', () => {
  it.skipIf(serverKind().kind !== 'symphony')('a refused room name is reported as an error event and the room keeps trying', async () => {
    const id = 'x'.repeat(300) // Symphony refuses room names over 255 bytes with 1008
    const errors: Array<{ code?: number; reason?: string }> = []
    const a = client().enterRoom(id)
    a.on('error', (e) => errors.push(e))
    await waitFor(() => errors.length >= 2, 'two error events', 10000)
    expect(errors[0].code).toBe(1008)
    expect(errors[0].reason).toMatch(/room name/)
    expect(a.status).not.toBe('saved')
  })
})

describe('server restarts', () => {
  it('edits made while the server is down are kept and synced on reconnection', async () => {
    const id = newRoomId('offline')
    const a = client().enterRoom(id, { initialStorage: { shapes: {} } })
    const b = client().enterRoom(id, { initialStorage: { shapes: {} } })
    await Promise.all([a.synced(), b.synced()])
    a.storage.map('shapes').set('before', { by: 'a' })
    await waitFor(() => b.storage.map('shapes').has('before') && a.status === 'saved', 'first edit saved')
    await server.stop()
    await waitFor(() => a.status !== 'saved' && a.status !== 'synced' && b.status !== 'saved' && b.status !== 'synced', 'both offline', 10000)
    a.storage.map('shapes').set('offline-a', { by: 'a' })
    b.storage.map('shapes').set('offline-b', { by: 'b' })
    b.storage.map('shapes').delete('before')
    expect(a.unsavedChanges).toBeGreaterThan(0)
    await sleep(300)
    await server.start()
    await waitFor(() => a.status === 'saved' && b.status === 'saved', 'both saved after the restart', 20000)
    await waitFor(() => a.storage.map('shapes').size === 2 && b.storage.map('shapes').size === 2, 'converged', 10000)
    const expected = { 'offline-a': { by: 'a' }, 'offline-b': { by: 'b' } }
    expect(a.storage.map('shapes').toObject()).toEqual(expected)
    expect(await serverView(id, { shapes: 'map' })).toEqual({ shapes: expected })
  })
})
