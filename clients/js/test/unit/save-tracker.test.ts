import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { SaveTracker, addRange, covered } from '../../packages/client/src/save-tracker.js'
import { backoffDelay } from '../../packages/client/src/backoff.js'

// A client doc whose local transactions feed a tracker, and a "server" doc that echoes.
function setup() {
  const client = new Y.Doc()
  const server = new Y.Doc()
  const tracker = new SaveTracker()
  const outbox: Uint8Array[] = []
  client.on('update', (u: Uint8Array, origin: unknown, _d: Y.Doc, tr: Y.Transaction) => {
    if (origin === 'server') return
    tracker.addTransaction(tr)
    outbox.push(u)
  })
  const echo: Uint8Array[] = []
  server.on('update', (u: Uint8Array) => echo.push(u))
  /** The server stores `n` queued updates and sends back what it stored. */
  const serverProcesses = (n = outbox.length) => {
    for (const u of outbox.splice(0, n)) Y.applyUpdate(server, u)
    for (const u of echo.splice(0)) {
      Y.applyUpdate(client, u, 'server')
      tracker.serverUpdate(u)
    }
  }
  return { client, server, tracker, outbox, serverProcesses }
}

describe('SaveTracker', () => {
  it('a change is unsaved until its echo', () => {
    const { client, tracker, serverProcesses } = setup()
    client.getArray('a').push([1])
    client.getArray('a').push([2])
    expect(tracker.unsaved).toBe(2)
    serverProcesses(1)
    expect(tracker.unsaved).toBe(1)
    serverProcesses()
    expect(tracker.unsaved).toBe(0)
  })

  it('a delete-only change is saved when its delete set comes back', () => {
    const { client, tracker, serverProcesses } = setup()
    client.getArray('a').push([1, 2, 3])
    serverProcesses()
    client.getArray('a').delete(1, 1)
    expect(tracker.unsaved).toBe(1)
    serverProcesses()
    expect(tracker.unsaved).toBe(0)
  })

  it('a deletion someone else made first is saved by their update', () => {
    const { client, server, tracker, serverProcesses, outbox } = setup()
    client.getArray('a').push([1, 2, 3])
    serverProcesses()
    client.getArray('a').delete(0, 1)
    expect(tracker.unsaved).toBe(1)
    // Another client deletes the same item on the server first; the server broadcasts that.
    server.getArray('a').delete(0, 1)
    serverProcesses(0)
    expect(tracker.unsaved).toBe(0)
    // Our own (now no-op) update changes nothing on the server.
    serverProcesses()
    expect(outbox.length).toBe(0)
  })

  it("the server's sync step 1 state vector acknowledges stored structs", () => {
    const { client, tracker } = setup()
    client.getMap('m').set('k', 1)
    expect(tracker.unsaved).toBe(1)
    tracker.serverStateVector(new Map([[client.clientID, 0]]))
    expect(tracker.unsaved).toBe(1)
    tracker.serverStateVector(Y.decodeStateVector(Y.encodeStateVector(client)))
    expect(tracker.unsaved).toBe(0)
  })

  it('a step 2 carrying the whole delete set acknowledges offline deletions', () => {
    const { client, server, tracker, serverProcesses } = setup()
    client.getArray('a').push([1, 2, 3])
    serverProcesses()
    client.getArray('a').delete(0, 2) // offline; the server got it another way
    Y.applyUpdate(server, Y.encodeStateAsUpdate(client))
    expect(tracker.unsaved).toBe(1)
    tracker.serverUpdate(Y.encodeStateAsUpdate(server, Y.encodeStateVector(client)))
    expect(tracker.unsaved).toBe(0)
  })

  it('ranges merge and cover', () => {
    const set = new Map<number, Array<[number, number]>>()
    addRange(set, 1, 5, 7)
    addRange(set, 1, 0, 2)
    addRange(set, 1, 2, 5)
    addRange(set, 1, 10, 12)
    expect(set.get(1)).toEqual([[0, 7], [10, 12]])
    expect(covered(set, 1, 1, 7)).toBe(true)
    expect(covered(set, 1, 6, 11)).toBe(false)
    expect(covered(set, 2, 0, 1)).toBe(false)
  })
})

describe('backoffDelay', () => {
  it('grows exponentially up to the maximum, with the upper half random', () => {
    expect(backoffDelay(0, {}, () => 0)).toBe(125)
    expect(backoffDelay(0, {}, () => 1)).toBe(250)
    expect(backoffDelay(3, {}, () => 0)).toBe(1000)
    expect(backoffDelay(20, {}, () => 1)).toBe(10000)
    expect(backoffDelay(20, { maxMs: 2000 }, () => 0)).toBe(1000)
  })
})
