/**
 * React bindings for @symphony/client. Every hook reads through `useSyncExternalStore`, so a
 * component re-renders only when the value it selected changed.
 */
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useRef,
  useState,
  useSyncExternalStore,
  type ReactNode
} from 'react'
import type { Client, EnterRoomOptions, Other, Room, RoomEvent, RoomStatus, Storage, StorageSnapshot } from '@symphony/client'

const RoomContext = createContext<Room<any> | null>(null)

export interface RoomProviderProps<P extends Record<string, unknown>> extends EnterRoomOptions<P> {
  /** The client made by `createClient`. */
  client: Client
  /** The room to enter. Changing it leaves the old room and enters the new one. */
  id: string
  /** Rendered until the room object exists (one effect after mount). Default: nothing. */
  fallback?: ReactNode
  children?: ReactNode
}

/**
 * Enters room `id` on mount and leaves it on unmount. `initialPresence` and `initialStorage` are
 * read when the room is entered (later changes to them are ignored).
 */
export function RoomProvider<P extends Record<string, unknown>>(props: RoomProviderProps<P>) {
  const { client, id, children, fallback = null } = props
  const [room, setRoom] = useState<Room<P> | null>(null)
  const initial = useRef(props)
  initial.current = props
  useEffect(() => {
    const { initialPresence, initialStorage } = initial.current
    const r = client.enterRoom<P>(id, { initialPresence, initialStorage })
    setRoom(r)
    return () => {
      r.leave()
      setRoom(null)
    }
  }, [client, id])
  if (!room || room.hasLeft) return <>{fallback}</>
  return <RoomContext.Provider value={room}>{children}</RoomContext.Provider>
}

/** The room of the nearest `RoomProvider`. */
export function useRoom<P extends Record<string, unknown> = Record<string, unknown>>(): Room<P> {
  const room = useContext(RoomContext)
  if (!room) throw new Error('@symphony/react: this hook must be used inside a <RoomProvider>')
  return room as Room<P>
}

/** The room's connection status (`connecting`, `connected`, `synced`, `saved`, `disconnected`). */
export function useStatus(): RoomStatus {
  const room = useRoom()
  const subscribe = useCallback((cb: () => void) => room.on('status', cb), [room])
  const get = () => room.status
  return useSyncExternalStore(subscribe, get, get)
}

/**
 * Selects from the storage snapshot (plain JavaScript, e.g. `root => root.shapes`). The component
 * re-renders when the selection changes by `isEqual` (default `Object.is`; unchanged subtrees keep
 * their identity, so selecting a subtree is cheap). Pass `shallow` for selectors that build new
 * arrays or objects (`root => Object.keys(root.shapes)`).
 */
export function useStorage<T>(selector: (root: StorageSnapshot) => T, isEqual: (a: T, b: T) => boolean = Object.is): T {
  const room = useRoom()
  const subscribe = useCallback((cb: () => void) => room.storage.subscribe(cb), [room])
  const memo = useRef<{ root: StorageSnapshot; selector: unknown; value: T } | null>(null)
  const get = () => {
    const root = room.storage.snapshot()
    const prev = memo.current
    if (prev && prev.root === root && prev.selector === selector) return prev.value
    const value = selector(root)
    if (prev && isEqual(prev.value, value)) {
      memo.current = { root, selector, value: prev.value }
      return prev.value
    }
    memo.current = { root, selector, value }
    return value
  }
  return useSyncExternalStore(subscribe, get, get)
}

/** Shallow equality of arrays and plain objects (one level), for `useStorage` and `useOthers`. */
export function shallow(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  if (ka.length !== kb.length) return false
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k) || !Object.is((a as any)[k], (b as any)[k])) return false
  }
  return true
}

export interface MutationContext<P extends Record<string, unknown>> {
  room: Room<P>
  storage: Storage
  self: P
  others: readonly Other<P>[]
  setMyPresence: (partial: Partial<P>) => void
}

/**
 * A callback that changes storage: `fn(ctx, ...args)` runs in `room.batch` (one transaction, one
 * undo step). `deps` as for `useCallback`.
 */
export function useMutation<P extends Record<string, unknown> = Record<string, unknown>, A extends unknown[] = unknown[], R = void>(
  fn: (ctx: MutationContext<P>, ...args: A) => R,
  deps: readonly unknown[]
): (...args: A) => R {
  const room = useRoom<P>()
  // eslint-disable-next-line react-hooks/exhaustive-deps
  return useCallback(
    (...args: A) =>
      room.batch(() =>
        fn(
          {
            room,
            storage: room.storage,
            self: room.presence.me,
            others: room.presence.others,
            setMyPresence: (p) => room.presence.update(p)
          },
          ...args
        )
      ),
    [room, ...deps]
  )
}

/** Everyone else in the room, or a selection of them (`isEqual` as in `useStorage`). */
export function useOthers<P extends Record<string, unknown> = Record<string, unknown>>(): readonly Other<P>[]
export function useOthers<P extends Record<string, unknown>, T>(selector: (others: readonly Other<P>[]) => T, isEqual?: (a: T, b: T) => boolean): T
export function useOthers<P extends Record<string, unknown>, T>(
  selector?: (others: readonly Other<P>[]) => T,
  isEqual: (a: T, b: T) => boolean = Object.is
): T | readonly Other<P>[] {
  const room = useRoom<P>()
  const subscribe = useCallback((cb: () => void) => room.on('others', cb), [room])
  const memo = useRef<{ others: readonly Other<P>[]; selector: unknown; value: unknown } | null>(null)
  const get = () => {
    const others = room.presence.others
    if (!selector) return others
    const prev = memo.current
    if (prev && prev.others === others && prev.selector === selector) return prev.value as T
    const value = selector(others)
    if (prev && isEqual(prev.value as T, value)) {
      memo.current = { others, selector, value: prev.value }
      return prev.value as T
    }
    memo.current = { others, selector, value }
    return value
  }
  return useSyncExternalStore(subscribe, get, get)
}

/** `[myPresence, updateMyPresence]`. */
export function useMyPresence<P extends Record<string, unknown> = Record<string, unknown>>(): [P, (partial: Partial<P>) => void] {
  const room = useRoom<P>()
  const subscribe = useCallback((cb: () => void) => room.on('me', cb), [room])
  const get = () => room.presence.me
  const me = useSyncExternalStore(subscribe, get, get)
  return [me, useUpdateMyPresence<P>()]
}

/** A stable function that merges a partial presence into this client's. */
export function useUpdateMyPresence<P extends Record<string, unknown> = Record<string, unknown>>(): (partial: Partial<P>) => void {
  const room = useRoom<P>()
  return useCallback((partial: Partial<P>) => room.presence.update(partial), [room])
}

export function useUndo(): () => void {
  const room = useRoom()
  return useCallback(() => {
    room.history.undo()
  }, [room])
}

export function useRedo(): () => void {
  const room = useRoom()
  return useCallback(() => {
    room.history.redo()
  }, [room])
}

export function useCanUndo(): boolean {
  const room = useRoom()
  const subscribe = useCallback((cb: () => void) => room.on('history', cb), [room])
  const get = () => room.history.canUndo()
  return useSyncExternalStore(subscribe, get, get)
}

export function useCanRedo(): boolean {
  const room = useRoom()
  const subscribe = useCallback((cb: () => void) => room.on('history', cb), [room])
  const get = () => room.history.canRedo()
  return useSyncExternalStore(subscribe, get, get)
}

/** A stable function that broadcasts an event to the others in the room. */
export function useBroadcastEvent<E = unknown>(): (event: E) => void {
  const room = useRoom()
  return useCallback((event: E) => room.broadcast(event), [room])
}

/** Calls `listener` for every event broadcast by someone else (the latest listener is used). */
export function useEventListener<E = unknown>(listener: (e: RoomEvent<E>) => void): void {
  const room = useRoom()
  const ref = useRef(listener)
  useEffect(() => {
    ref.current = listener
  })
  useEffect(() => room.on('event', (e) => ref.current(e as RoomEvent<E>)), [room])
}

export type { Client, Other, Room, RoomEvent, RoomStatus, Storage, StorageSnapshot } from '@symphony/client'
