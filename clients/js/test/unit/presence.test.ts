import { describe, expect, it, vi } from 'vitest'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as Y from 'yjs'
import { Presence, EVENT_TTL_MS } from '../../packages/client/src/presence.js'

// Awareness instances wired to each other (every local update applied to the others).
function peers(n: number) {
  const list = Array.from({ length: n }, () => {
    const aw = new awarenessProtocol.Awareness(new Y.Doc())
    clearInterval((aw as any)._checkInterval)
    return aw
  })
  let connected = true
  for (const a of list) {
    a.on('update', ({ added, updated, removed }: any, origin: unknown) => {
      if (origin !== 'local' || !connected) return
      const u = awarenessProtocol.encodeAwarenessUpdate(a, [...added, ...updated, ...removed])
      for (const b of list) if (b !== a) awarenessProtocol.applyAwarenessUpdate(b, u, 'remote')
    })
  }
  return { list, setConnected: (c: boolean) => { connected = c } }
}

describe('Presence', () => {
  it('tracks others with their presence and user, and keeps identity when nothing changed', () => {
    const { list: [a, b, c] } = peers(3)
    const pa = new Presence(a, { cursor: null as null | { x: number }, user: { name: 'Ann', color: 'red' } })
    const pb = new Presence(b, { cursor: null as null | { x: number }, user: { name: 'Bob' } })
    const pc = new Presence(c, {})
    expect(pa.others.map((o) => o.clientId).sort()).toEqual([b.clientID, c.clientID].sort())
    const bob = pa.others.find((o) => o.clientId === b.clientID)!
    expect(bob.user).toEqual({ name: 'Bob' })
    expect(bob.presence).toEqual({ cursor: null, user: { name: 'Bob' } })
    expect(pa.others.find((o) => o.clientId === c.clientID)!.user).toBeNull()
    const othersCb = vi.fn()
    pa.on('others', othersCb)
    const before = pa.others
    pb.update({ cursor: { x: 5 } })
    expect(othersCb).toHaveBeenCalledTimes(1)
    const after = pa.others
    expect(after).not.toBe(before)
    expect(after.find((o) => o.clientId === b.clientID)!.presence.cursor).toEqual({ x: 5 })
    // c's entry is the same object as before
    expect(after.find((o) => o.clientId === c.clientID)).toBe(before.find((o) => o.clientId === c.clientID))
    // a broadcast changes no presence: no 'others' notification, same array
    pb.broadcast({ type: 'ping' })
    expect(othersCb).toHaveBeenCalledTimes(1)
    expect(pa.others).toBe(after)
    pc.destroy()
    expect(pa.others.map((o) => o.clientId)).toEqual([b.clientID])
    expect(pa.me).toEqual({ cursor: null, user: { name: 'Ann', color: 'red' } })
  })

  it('update() merges, removes undefined fields and refuses reserved names', () => {
    const { list: [a] } = peers(1)
    const p = new Presence<Record<string, unknown>>(a, { x: 1, y: 2 })
    const me = vi.fn()
    p.on('me', me)
    p.update({ x: 3, y: undefined })
    expect(p.me).toEqual({ x: 3 })
    expect(a.getLocalState()).toEqual({ x: 3 })
    p.update({ x: 3 })
    expect(me).toHaveBeenCalledTimes(1)
    expect(() => p.update({ __events: [] })).toThrow(/reserved/)
  })

  it('delivers each broadcast event once, in order, never to the sender', async () => {
    const { list: [a, b] } = peers(2)
    const pa = new Presence(a, {})
    const pb = new Presence(b, {})
    const got: unknown[] = []
    const own: unknown[] = []
    pb.on('event', (e) => got.push(e))
    pa.on('event', (e) => own.push(e))
    pa.broadcast({ n: 1 })
    pa.broadcast({ n: 2 })
    pa.update({ moved: true }) // re-sends the state with the same events
    pa.broadcast({ n: 3 })
    expect(got).toEqual([1, 2, 3].map((n) => ({ event: { n }, clientId: a.clientID, user: null })))
    expect(own).toEqual([])
    expect((a.getLocalState() as any).__events.length).toBe(3)
    pa.destroy()
    pb.destroy()
  })

  it('drops events from the state after the TTL', async () => {
    vi.useFakeTimers()
    try {
      const { list: [a] } = peers(1)
      const pa = new Presence(a, { k: 1 })
      pa.broadcast('x')
      expect((a.getLocalState() as any).__events).toHaveLength(1)
      vi.advanceTimersByTime(EVENT_TTL_MS + 50)
      expect((a.getLocalState() as any).__events).toBeUndefined()
      expect(a.getLocalState()).toEqual({ k: 1 })
    } finally {
      vi.useRealTimers()
    }
  })

  it('skips events already in the state of a sender seen for the first time', () => {
    const net = peers(2)
    const [a, b] = net.list
    net.setConnected(false)
    const pa = new Presence(a, {})
    pa.broadcast('old')
    const pb = new Presence(b, {})
    const got: unknown[] = []
    pb.on('event', (e) => got.push(e.event))
    net.setConnected(true)
    pa.broadcast('new')
    expect(got).toEqual([])
    pa.broadcast('newer')
    expect(got).toEqual(['newer'])
  })
})
