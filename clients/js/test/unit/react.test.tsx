// @vitest-environment happy-dom
import { act, useState, type ReactNode } from 'react'
import { createRoot, type Root } from 'react-dom/client'
import { afterEach, describe, expect, it } from 'vitest'
import { createClient, type Client, type Room } from '../../packages/client/src/index.js'
import {
  RoomProvider,
  shallow,
  useBroadcastEvent,
  useCanRedo,
  useCanUndo,
  useEventListener,
  useMutation,
  useMyPresence,
  useOthers,
  useRedo,
  useRoom,
  useStatus,
  useStorage,
  useUndo,
  useUpdateMyPresence
} from '../../packages/react/src/index.js'
import { FakeServer } from '../support/fake-server.js'
import { sleep } from './helpers.js'

;(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true

const cleanups: Array<() => void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await act(async () => c())
})

function mount(node: ReactNode): { root: Root; el: HTMLElement } {
  const el = document.createElement('div')
  document.body.appendChild(el)
  const root = createRoot(el)
  act(() => root.render(node))
  cleanups.push(() => {
    root.unmount()
    el.remove()
  })
  return { root, el }
}

function makeClient(server: FakeServer): Client {
  const c = createClient({ url: 'ws://fake.test', WebSocketPolyfill: server.WebSocket as any, throttleMs: 0 })
  cleanups.push(() => c.destroy())
  return c
}

/** Waits (in act) until `cond` holds. */
async function until(cond: () => boolean, what: string, timeout = 3000) {
  const t0 = Date.now()
  while (!cond()) {
    if (Date.now() - t0 > timeout) throw new Error(`timed out waiting for ${what}`)
    await act(async () => {
      await sleep(10)
    })
  }
}

describe('@symphony/react', () => {
  it('RoomProvider enters and leaves; useStatus reaches saved', async () => {
    const server = new FakeServer()
    const client = makeClient(server)
    const seen: string[] = []
    let room: Room | null = null
    function Status() {
      const s = useStatus()
      room = useRoom()
      if (seen[seen.length - 1] !== s) seen.push(s)
      return <span>{s}</span>
    }
    const { root, el } = mount(
      <RoomProvider client={client} id="p1" fallback={<i>loading</i>}>
        <Status />
      </RoomProvider>
    )
    await until(() => el.textContent === 'saved', 'saved')
    expect(seen).toContain('saved')
    expect(client.getRoom('p1')).toBe(room)
    act(() => root.render(<div />))
    expect(client.getRoom('p1')).toBeUndefined()
    expect(room!.hasLeft).toBe(true)
  })

  it('useStorage re-renders only when the selection changes; useMutation is one undo step', async () => {
    const server = new FakeServer()
    const client = makeClient(server)
    const renders = { count: 0, keys: 0 }
    let api: { add: (id: string) => void; move: (id: string, x: number) => void; undo: () => void; redo: () => void } | null = null
    let flags = { canUndo: false, canRedo: false }
    function Count() {
      const n = useStorage((root) => Object.keys(root.shapes).length)
      renders.count++
      return <b data-n={n}>{n}</b>
    }
    function Keys() {
      const keys = useStorage((root) => Object.keys(root.shapes).sort(), shallow)
      renders.keys++
      return <i>{keys.join(',')}</i>
    }
    function Controls() {
      const add = useMutation(({ storage }, id: string) => {
        storage.map('shapes').set(id, { x: 0, y: 0 })
        storage.list('order').push(id)
      }, [])
      const move = useMutation(({ storage }, id: string, x: number) => void storage.map('shapes').update(id, { x }), [])
      api = { add, move, undo: useUndo(), redo: useRedo() }
      flags = { canUndo: useCanUndo(), canRedo: useCanRedo() }
      return null
    }
    const { el } = mount(
      <RoomProvider client={client} id="p2" initialStorage={{ shapes: {}, order: [] }}>
        <Count />
        <Keys />
        <Controls />
      </RoomProvider>
    )
    await until(() => api !== null, 'mounted')
    act(() => api!.add('a'))
    act(() => api!.add('b'))
    expect(el.querySelector('b')!.textContent).toBe('2')
    expect(el.querySelector('i')!.textContent).toBe('a,b')
    const before = { ...renders }
    act(() => api!.move('a', 5))
    act(() => api!.move('a', 6))
    // moving changes neither the count nor the keys: no re-render of either
    expect(renders).toEqual(before)
    expect(flags.canUndo).toBe(true)
    act(() => api!.undo())
    act(() => api!.undo())
    act(() => api!.undo()) // the second add (shape + order entry) is one step
    expect(el.querySelector('b')!.textContent).toBe('1')
    expect(client.getRoom('p2')!.storage.list('order').toArray()).toEqual(['a'])
    expect(flags.canRedo).toBe(true)
    act(() => api!.redo())
    expect(el.querySelector('i')!.textContent).toBe('a,b')
  })

  it('presence and events between two providers', async () => {
    const server = new FakeServer()
    const c1 = makeClient(server)
    const c2 = makeClient(server)
    type P = { name: string; cursor: number | null }
    let update1: ((p: Partial<P>) => void) | null = null
    let send: ((e: unknown) => void) | null = null
    const received: unknown[] = []
    function One() {
      const [me, update] = useMyPresence<P>()
      update1 = update
      send = useBroadcastEvent()
      return <span className="me">{me.name}:{String(me.cursor)}</span>
    }
    function Two() {
      const others = useOthers<P>()
      const names = useOthers<P, string[]>((o) => o.map((x) => x.presence.name), shallow)
      useUpdateMyPresence<P>()
      const [, setN] = useState(0)
      useEventListener((e) => {
        received.push(e.event)
        setN((n) => n + 1)
      })
      return (
        <span className="others">
          {names.join(',')}|{others.map((o) => String(o.presence.cursor)).join(',')}
        </span>
      )
    }
    const { el } = mount(
      <>
        <RoomProvider client={c1} id="p3" initialPresence={{ name: 'one', cursor: null }}>
          <One />
        </RoomProvider>
        <RoomProvider client={c2} id="p3" initialPresence={{ name: 'two', cursor: null }}>
          <Two />
        </RoomProvider>
      </>
    )
    await until(() => el.querySelector('.others')?.textContent === 'one|null', 'others')
    act(() => update1!({ cursor: 7 }))
    expect(el.querySelector('.me')!.textContent).toBe('one:7')
    await until(() => el.querySelector('.others')?.textContent === 'one|7', 'cursor')
    act(() => send!({ hi: 1 }))
    await until(() => received.length === 1, 'event')
    expect(received).toEqual([{ hi: 1 }])
  })
})
