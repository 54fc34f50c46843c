import type { BackoffOptions } from './backoff.js'
import type { AuthOption, WebSocketConstructor } from './connection.js'
import { Room, type EnterRoomOptions } from './room.js'

export interface ClientOptions {
  /** Server base URL: `ws://host:port` or `wss://host` (each room is a path below it). */
  url: string
  /** A token, or `async (roomId) => token`, asked before every (re)connection; sent as `?token=`. */
  auth?: AuthOption
  /** WebSocket implementation where there is no global one (Node < 22: `ws`). */
  WebSocketPolyfill?: WebSocketConstructor
  /** Local updates and presence are sent at most once per this many ms, merged (default 50). */
  throttleMs?: number
  /** Reconnection delays (default 250 ms doubling up to 10 s, with jitter). */
  backoff?: BackoffOptions
  /** Reconnect when the server has sent nothing for this long (default 45000 ms). */
  silenceTimeoutMs?: number
}

export interface Client {
  /** Enters `roomId` (or returns the room already entered under that id). */
  enterRoom<P extends Record<string, unknown> = Record<string, unknown>>(roomId: string, options?: EnterRoomOptions<P>): Room<P>
  /** The room entered under `roomId`, if any. */
  getRoom<P extends Record<string, unknown> = Record<string, unknown>>(roomId: string): Room<P> | undefined
  /** Leaves every room. */
  destroy(): void
}

export function createClient(options: ClientOptions): Client {
  if (!options || typeof options.url !== 'string' || !/^wss?:\/\//.test(options.url)) {
    throw new Error('@symphony/client: createClient needs { url: "ws://..." or "wss://..." }')
  }
  const rooms = new Map<string, Room<any>>()
  const connectionOptions = {
    url: options.url,
    auth: options.auth,
    WebSocketPolyfill: options.WebSocketPolyfill,
    throttleMs: options.throttleMs ?? 50,
    backoff: options.backoff,
    silenceTimeoutMs: options.silenceTimeoutMs
  }
  return {
    enterRoom(roomId, opts) {
      const existing = rooms.get(roomId)
      if (existing) return existing
      const room = new Room(roomId, connectionOptions, opts, (r) => {
        if (rooms.get(roomId) === r) rooms.delete(roomId)
      })
      rooms.set(roomId, room)
      return room
    },
    getRoom(roomId) {
      return rooms.get(roomId)
    },
    destroy() {
      for (const r of [...rooms.values()]) r.leave()
      rooms.clear()
    }
  }
}
