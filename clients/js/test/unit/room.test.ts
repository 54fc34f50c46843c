import { afterEach, describe, expect, it } from 'vitest'
import { createClient, type Client, type RoomStatus } from '../../packages/client/src/index.js'
import { FakeServer } from '../support/fake-server.js'
import { sleep, waitFor } from './helpers.js'

const clients: Client[] = []
function client(server: FakeServer, opts: Record<string, unknown> = {}) {
  const c = createClient({ url: 'ws://fake.test', WebSocketPolyfill: server.WebSocket as any, backoff: { minMs: 5, maxMs: 20 }, ...opts })
  clients.push(c)
  return c
}
afterEach(() => {
  while (clients.length) clients.pop()!.destroy()
})

describe('Room over a (fake) y-websocket server', () => {
  it('goes connecting -> connected -> saved, then synced while a change is unacknowledged', async () => {
    const server = new FakeServer()
    const room = client(server).enterRoom('r1')
    const seen: RoomStatus[] = [room.status]
    room.on('status', (s) => seen.push(s))
    await room.synced()
    await waitFor(() => room.status === 'saved', 'saved')
    expect(seen).toEqual(['connecting', 'connected', 'saved'])
    server.hold()
    room.storage.map('m').set('a', 1)
    expect(room.status).toBe('synced')
    expect(room.unsavedChanges).toBe(1)
    await sleep(30)
    expect(room.status).toBe('synced')
    server.release()
    await waitFor(() => room.status === 'saved', 'saved after the echo')
    expect(server.room('r1').doc.getMap('m').get('a')).toBe(1)
  })

  it('two rooms converge, see each other and receive broadcasts', async () => {
    const server = new FakeServer()
    const a = client(server).enterRoom('r', { initialPresence: { name: 'A' } })
    const b = client(server).enterRoom('r', { initialPresence: { name: 'B' } })
    await Promise.all([a.synced(), b.synced()])
    a.storage.list('l').push('from a')
    b.storage.map('m').set('k', { from: 'b' })
    await waitFor(() => a.storage.map('m').has('k') && b.storage.list('l').length === 1, 'convergence')
    await waitFor(() => a.presence.others.length === 1 && b.presence.others.length === 1, 'others')
    expect(a.presence.others[0].presence).toEqual({ name: 'B' })
    const events: unknown[] = []
    b.on('event', (e) => events.push(e.event))
    a.broadcast({ type: 'hello' })
    await waitFor(() => events.length === 1, 'event')
    expect(events).toEqual([{ type: 'hello' }])
    a.leave()
    await waitFor(() => b.presence.others.length === 0, 'a gone from b')
  })

  it('coalesces rapid writes into one message per throttle window', async () => {
    const server = new FakeServer()
    const room = client(server, { throttleMs: 200 }).enterRoom('t')
    await room.synced()
    await waitFor(() => room.status === 'saved', 'saved')
    await sleep(250)
    const before = server.updates
    for (let i = 0; i < 50; i++) room.storage.list('l').push(i)
    await sleep(100)
    await waitFor(() => room.status === 'saved', 'saved', 2000)
    // the first write goes out at once, the other 49 merged into one more message
    expect(server.updates - before).toBe(2)
    expect(server.room('t').doc.getArray('l').length).toBe(50)
  })

  it('keeps offline edits and sends them on reconnection; asks auth each time', async () => {
    const server = new FakeServer()
    const tokens: string[] = []
    let n = 0
    const room = client(server, {
      auth: async (roomId: string) => {
        const t = `${roomId}-${++n}`
        tokens.push(t)
        return t
      }
    }).enterRoom('off')
    await room.synced()
    room.storage.map('m').set('before', 1)
    await waitFor(() => room.status === 'saved', 'saved')
    server.stop()
    await waitFor(() => room.status === 'disconnected' || room.status === 'connecting', 'disconnected')
    room.storage.map('m').set('offline', 2)
    expect(room.unsavedChanges).toBe(1)
    await sleep(50)
    server.start()
    await waitFor(() => room.status === 'saved', 'saved after reconnect', 5000)
    expect(server.room('off').doc.getMap('m').toJSON()).toEqual({ before: 1, offline: 2 })
    expect(tokens.length).toBeGreaterThan(1)
    expect(server.urls[0]).toBe('ws://fake.test/off?token=off-1')
    expect(new Set(tokens).size).toBe(tokens.length)
  })

  it('fills initial storage after the first sync only where empty', async () => {
    const server = new FakeServer()
    const a = client(server).enterRoom('init', { initialStorage: { shapes: { s0: { x: 0 } }, order: ['s0'] } })
    await a.synced()
    expect(a.storage.snapshot()).toEqual({ shapes: { s0: { x: 0 } }, order: ['s0'] })
    expect(a.history.canUndo()).toBe(false)
    await waitFor(() => a.status === 'saved', 'saved')
    const b = client(server).enterRoom('init', { initialStorage: { shapes: { other: 1 }, order: ['x'] } })
    await b.synced()
    expect(b.storage.snapshot()).toEqual({ shapes: { s0: { x: 0 } }, order: ['s0'] })
  })

  it('batch: one message, one undo step; undo is sent to the others', async () => {
    const server = new FakeServer()
    const a = client(server, { throttleMs: 0 }).enterRoom('b')
    const b = client(server).enterRoom('b')
    await Promise.all([a.synced(), b.synced()])
    await waitFor(() => a.status === 'saved', 'saved')
    const before = server.updates
    const result = a.batch(() => {
      a.storage.map('m').set('x', 1)
      a.storage.list('l').push(1, 2)
      return 'ok'
    })
    expect(result).toBe('ok')
    await waitFor(() => b.storage.list('l').length === 2, 'b sees the batch')
    expect(server.updates - before).toBe(1)
    a.history.undo()
    await waitFor(() => b.storage.list('l').length === 0 && !b.storage.map('m').has('x'), 'b sees the undo')
  })

  it('enterRoom returns the same room for the same id until it is left', async () => {
    const server = new FakeServer()
    const c = client(server)
    const r1 = c.enterRoom('same')
    expect(c.enterRoom('same')).toBe(r1)
    r1.leave()
    expect(r1.status).toBe('disconnected')
    await expect(r1.synced()).rejects.toThrow(/left room/)
    expect(c.enterRoom('same')).not.toBe(r1)
  })
})
